"""Per-area status tables in CSV (helpers.ingest.area_table), on the real mid-year file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.ingest.area_table import AreaTable, parse_area_label, read_area_table

REAL = Path(__file__).resolve().parents[2] / "data/raw/kodaira-3/2017-09/progress_areas_H29_9.csv"

EXPECTED = pd.DataFrame(
    {
        "area_no": [1, 2, 3, 4, 5],
        "area_name": [
            "地域協働の推進",
            "情報の共有と双方向のコミュニケーション",
            "PDCAサイクルの構築",
            "財政基盤の強化",
            "執行体制の再構築",
        ],
        "items": [7, 3, 6, 14, 13],
        "S": [0, 0, 0, 0, 0],
        "A": [7, 3, 6, 10, 13],
        "B": [0, 0, 0, 4, 0],
    }
)


@pytest.fixture(scope="module")
def real_text() -> str:
    return REAL.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_lines(real_text) -> list[str]:
    return real_text.split("\n")


@pytest.fixture(scope="module")
def real_table() -> AreaTable:
    return read_area_table(REAL)


def _line_of(lines: list[str], startswith: str) -> int:
    """1-based line number of the first line starting with ``startswith``."""
    return next(i + 1 for i, line in enumerate(lines) if line.startswith(startswith))


# --------------------------------------------------------------------------
# the real file
# --------------------------------------------------------------------------


def test_real_file_areas(real_table):
    df = real_table.areas
    assert list(df["area_no"]) == [1, 2, 3, 4, 5]
    assert list(df["items"]) == [7, 3, 6, 14, 13]
    assert list(df["S"]) == [0, 0, 0, 0, 0]
    assert list(df["A"]) == [7, 3, 6, 10, 13]
    assert list(df["B"]) == [0, 0, 0, 4, 0]
    pd.testing.assert_frame_equal(
        df[list(EXPECTED.columns)].reset_index(drop=True), EXPECTED, check_dtype=False
    )


def test_real_file_columns_and_types(real_table):
    df = real_table.areas
    for col in ("area_no", "area_name", "items", "S", "A", "B", "line"):
        assert col in df.columns
    for col in ("area_no", "items", "S", "A", "B", "line"):
        assert pd.api.types.is_integer_dtype(df[col]), col


def test_real_file_totals(real_table, real_lines):
    assert real_table.totals == {"S": 0, "A": 39, "B": 4, "items": 43}
    assert real_table.totals_line == _line_of(real_lines, ",43,")
    assert real_table.totals_line == 11  # 4 comment lines, header, 5 areas, totals


def test_real_file_totals_agree_with_areas(real_table):
    df = real_table.areas
    assert df["items"].sum() == real_table.totals["items"] == 43
    for k in ("S", "A", "B"):
        assert df[k].sum() == real_table.totals[k]
    assert ((df["S"] + df["A"] + df["B"]) == df["items"]).all()


def test_real_file_source_lines(real_table, real_lines):
    # each area row remembers its line in the file (comments counted)
    assert list(real_table.areas["line"]) == [6, 7, 8, 9, 10]
    for _, row in real_table.areas.iterrows():
        assert real_lines[row["line"] - 1].startswith(f"{row['area_no']} ")


def test_real_file_path(real_table):
    assert real_table.path == REAL


@pytest.mark.parametrize(
    ("encoding", "newline", "bom"),
    [
        ("cp932", "\n", False),
        ("cp932", "\r\n", False),
        ("utf-8", "\r\n", True),
        ("utf-8", "\n", True),
        ("utf-8", "\r\n", False),
    ],
)
def test_re_encoded_real_file_gives_equal_frame(
    tmp_path, real_text, real_table, encoding, newline, bom
):
    data = real_text.replace("\n", newline).encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    p = tmp_path / "areas.csv"
    p.write_bytes(data)
    t = read_area_table(p)
    pd.testing.assert_frame_equal(t.areas, real_table.areas)
    assert t.totals == real_table.totals
    assert t.totals_line == real_table.totals_line


# --------------------------------------------------------------------------
# accepted variants
# --------------------------------------------------------------------------


def _write(tmp_path, lines: list[str], name="variant.csv") -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines), encoding="utf-8")
    return p


def test_roman_numerals_and_keikei_label(tmp_path, real_lines):
    lines = [
        line.replace("1 地域", "Ⅰ 地域").replace("2 情報", "Ⅱ 情報").replace(",43,", "計,43,")
        for line in real_lines
    ]
    t = read_area_table(_write(tmp_path, lines))
    assert list(t.areas["area_no"]) == [1, 2, 3, 4, 5]
    assert t.areas["area_name"].iloc[0] == "地域協働の推進"
    assert t.totals["items"] == 43


def test_full_width_counts_and_headers(tmp_path, real_lines):
    lines = [
        line.replace("財政基盤の強化,14,0,10,4", "財政基盤の強化,１４,０,１０,４").replace(
            "(S)", "（Ｓ）"
        )
        for line in real_lines
    ]
    t = read_area_table(_write(tmp_path, lines))
    assert list(t.areas["items"]) == [7, 3, 6, 14, 13]
    assert list(t.areas["B"]) == [0, 0, 0, 4, 0]


def test_without_comments_or_totals(tmp_path, real_lines):
    lines = [line for line in real_lines if not line.startswith("#")][:6]
    t = read_area_table(_write(tmp_path, lines))
    assert t.totals is None and t.totals_line is None
    assert list(t.areas["line"]) == [2, 3, 4, 5, 6]


def test_quoted_label(tmp_path, real_lines):
    lines = [line.replace("1 地域協働の推進", '"1 地域協働の推進"') for line in real_lines]
    assert read_area_table(_write(tmp_path, lines)).areas["area_name"].iloc[0] == "地域協働の推進"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("1 地域協働の推進", (1, "地域協働の推進")),
        ("Ⅳ 財政基盤 の強化", (4, "財政基盤の強化")),
        ("１．地域", (1, "地域")),
        ("3、PDCAサイクルの構築", (3, "PDCAサイクルの構築")),
        ("12) x", (12, "x")),
        ("地域協働の推進", None),
        ("", None),
    ],
)
def test_parse_area_label(label, expected):
    assert parse_area_label(label) == expected


# --------------------------------------------------------------------------
# bad variants: InputError naming the file and the line
# --------------------------------------------------------------------------


def _bad(
    tmp_path, lines, *, line: int | None, contains: str, field: str | None = None
) -> InputError:
    p = _write(tmp_path, lines, "bad.csv")
    with pytest.raises(InputError) as info:
        read_area_table(p)
    err = info.value
    msg = str(err)
    assert str(p) in msg, msg
    assert err.path == p
    if line is not None:
        assert err.line == line, msg
        assert f"{line}行目" in msg, msg
    assert contains in msg, msg
    if field is not None:
        assert err.field == field
        assert field in msg
    return err


HEADER_LINE = 5


def test_missing_column(tmp_path, real_lines):
    lines = [
        line.rsplit(",", 1)[0] if i >= HEADER_LINE - 1 and line else line
        for i, line in enumerate(real_lines)
    ]
    _bad(tmp_path, lines, line=HEADER_LINE, contains="列が足りません: 予定よりも遅れている(B)")


def test_missing_two_columns(tmp_path, real_lines):
    cut = [
        ",".join(line.split(",")[:3]) if i >= HEADER_LINE - 1 and line else line
        for i, line in enumerate(real_lines)
    ]
    _bad(tmp_path, cut, line=HEADER_LINE, contains="予定どおりに進捗(A), 予定よりも遅れている(B)")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("項目数", "項目教"),
        ("分野", "分埜"),
        ("予定以上に進捗(S)", "予定異常に進捗"),  # IME mis-conversion, no (S) to go by
    ],
)
def test_misspelt_column(tmp_path, real_lines, old, new):
    lines = [
        line.replace(old, new) if i == HEADER_LINE - 1 else line
        for i, line in enumerate(real_lines)
    ]
    _bad(tmp_path, lines, line=HEADER_LINE, contains=f"知らない列「{new}」", field=new)


def test_status_column_found_by_its_letter(tmp_path, real_lines):
    lines = [
        line.replace("予定よりも遅れている(B)", "予定より後れている（Ｂ）")
        if i == HEADER_LINE - 1
        else line
        for i, line in enumerate(real_lines)
    ]
    t = read_area_table(_write(tmp_path, lines))
    assert list(t.areas["B"]) == [0, 0, 0, 4, 0]


def test_two_columns_for_one_status(tmp_path, real_lines):
    lines = [
        line.replace("予定以上に進捗(S)", "予定通り(A)") if i == HEADER_LINE - 1 else line
        for i, line in enumerate(real_lines)
    ]
    _bad(tmp_path, lines, line=HEADER_LINE, contains="予定どおりに進捗(A) の列が二つあります")


@pytest.mark.parametrize(
    ("row", "field", "shown"),
    [
        ("4 財政基盤の強化,十四,0,10,4", "項目数", "「十四」"),
        ("4 財政基盤の強化,14,0,10,", "予定よりも遅れている(B)", "「」"),
        ("4 財政基盤の強化,14,0,10,-4", "予定よりも遅れている(B)", "「-4」"),
        ("4 財政基盤の強化,14,0,10.5,4", "予定どおりに進捗(A)", "「10.5」"),
        ("4 財政基盤の強化,14,x,10,4", "予定以上に進捗(S)", "「x」"),
    ],
)
def test_non_numeric_count(tmp_path, real_lines, row, field, shown):
    lines = [row if line.startswith("4 ") else line for line in real_lines]
    _bad(tmp_path, lines, line=9, contains=f"{shown}は項目数として整数ではありません", field=field)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("4 財政基盤の強化,99999999999999999999,0,10,4", "項目数"),  # once an OverflowError
        ("4 財政基盤の強化,14,0,10001,4", "予定どおりに進捗(A)"),
        ("4 財政基盤の強化,14,00000000000000000000001,10,4", "予定以上に進捗(S)"),
    ],
)
def test_absurd_count_is_refused(tmp_path, real_lines, row, field):
    lines = [row if line.startswith("4 ") else line for line in real_lines]
    _bad(tmp_path, lines, line=9, contains="項目数としてあり得ません", field=field)


def test_absurd_count_in_totals_is_refused(tmp_path, real_lines):
    lines = [
        ",99999999999999999999,0,39,4" if line.startswith(",43,") else line for line in real_lines
    ]
    _bad(tmp_path, lines, line=11, contains="項目数としてあり得ません", field="項目数")


def test_non_numeric_count_in_totals(tmp_path, real_lines):
    lines = [",四十三,0,39,4" if line.startswith(",43,") else line for line in real_lines]
    _bad(
        tmp_path,
        lines,
        line=11,
        contains="「四十三」は項目数として整数ではありません",
        field="項目数",
    )


def test_missing_area_row(tmp_path, real_lines):
    lines = [line for line in real_lines if not line.startswith("3 ")]
    # area 4 now sits on line 8, where area 3 was expected
    _bad(tmp_path, lines, line=8, contains="分野の番号が 4 ですが、3 のはず", field="分野")


def test_missing_last_area_row(tmp_path, real_lines):
    lines = [line for line in real_lines if not line.startswith("1 ")]
    _bad(tmp_path, lines, line=6, contains="分野の番号が 2 ですが、1 のはず")


def test_reordered_rows(tmp_path, real_lines):
    i3, i4 = _line_of(real_lines, "3 ") - 1, _line_of(real_lines, "4 ") - 1
    lines = list(real_lines)
    lines[i3], lines[i4] = lines[i4], lines[i3]
    _bad(tmp_path, lines, line=i3 + 1, contains="分野の番号が 4 ですが、3 のはず")


def test_duplicate_area(tmp_path, real_lines):
    i3 = _line_of(real_lines, "3 ") - 1
    lines = real_lines[: i3 + 1] + [real_lines[i3]] + real_lines[i3 + 1 :]
    _bad(tmp_path, lines, line=i3 + 2, contains="分野の番号が 3 ですが、4 のはず")


def test_area_numbered_zero(tmp_path, real_lines):
    lines = real_lines[:HEADER_LINE] + ["0 総論,0,0,0,0"] + real_lines[HEADER_LINE:]
    _bad(tmp_path, lines, line=6, contains="分野の番号が 0 ですが、1 のはず")


def test_row_after_totals(tmp_path, real_lines):
    lines = [line for line in real_lines if line] + ["6 追加の分野,1,0,1,0"]
    _bad(tmp_path, lines, line=12, contains="合計（計）の行の後に行があります")


def test_second_totals_row(tmp_path, real_lines):
    lines = [line for line in real_lines if line] + ["計,43,0,39,4"]
    _bad(tmp_path, lines, line=12, contains="合計（計）の行の後に行があります")


def test_row_with_extra_field(tmp_path, real_lines):
    lines = [line + ",x" if line.startswith("2 ") else line for line in real_lines]
    _bad(tmp_path, lines, line=7, contains="この行の欄は6個ですが、見出しは5個です")


def test_row_with_missing_field(tmp_path, real_lines):
    lines = [line.rsplit(",", 1)[0] if line.startswith("5 ") else line for line in real_lines]
    _bad(tmp_path, lines, line=10, contains="この行の欄は4個ですが、見出しは5個です")


def test_area_label_without_number(tmp_path, real_lines):
    lines = [line.replace("1 地域協働の推進", "地域協働の推進") for line in real_lines]
    _bad(tmp_path, lines, line=6, contains="番号で始まっていません", field="分野")


def test_header_only(tmp_path, real_lines):
    _bad(tmp_path, real_lines[:HEADER_LINE], line=HEADER_LINE, contains="分野の行がありません")


def test_comments_only(tmp_path, real_lines):
    _bad(tmp_path, real_lines[: HEADER_LINE - 1], line=None, contains="コメントか空行だけ")


def test_empty_file(tmp_path):
    _bad(tmp_path, [""], line=None, contains="空です")


def test_line_numbers_hold_with_crlf_and_cp932(tmp_path, real_text):
    bad = real_text.replace("4 財政基盤の強化,14", "4 財政基盤の強化,十四").replace("\n", "\r\n")
    p = tmp_path / "bad_cp932.csv"
    p.write_bytes(bad.encode("cp932"))
    with pytest.raises(InputError) as info:
        read_area_table(p)
    assert info.value.line == 9
    assert str(p) in str(info.value) and "9行目" in str(info.value)


def test_missing_file(tmp_path):
    p = tmp_path / "none.csv"
    with pytest.raises(InputError, match="見つかりません"):
        read_area_table(p)


@pytest.mark.parametrize(
    "header",
    [
        "分野,項目数,予定以上に進捗(S),予定どおりに進捗(A),予定よりも遅れている(B)",
        "分野,項目数,予定以上に進捗,予定通りに進捗,予定よりも遅れている",  # labels without codes
        "取組分野,取組数,（Ｓ）,（Ａ）,（Ｂ）",  # codes only, full width
        "分野,項目数,(s),(a),(b)",  # codes in lower case
    ],
)
def test_status_columns_by_vocabulary_label_or_code(tmp_path, header):
    path = tmp_path / "areas.csv"
    path.write_text(f"{header}\n1 地域協働の推進,7,1,4,2\n", encoding="utf-8")
    df = read_area_table(path).areas
    assert df.loc[0, ["items", "S", "A", "B"]].tolist() == [7, 1, 4, 2]
