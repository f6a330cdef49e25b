"""Reading raw files: encodings, line ends, empty, binary and special files, invisible
characters (helpers.ingest.rawio)."""

from __future__ import annotations

import hashlib
import os
import socket
import unicodedata
from pathlib import Path

import pytest

from helpers.core.errors import InputError
from helpers.core.textnorm import strip_invisible
from helpers.ingest.rawio import check_text, decode_bytes, file_sha256, read_text

# Japanese text with CP932 extensions (①, ㈱, Ⅳ, 髙 is IBM-extended) and full-width forms.
TEXT = (
    "分野,項目数,予定以上に進捗(S)\n"
    "1 地域協働の推進,7,0\n"
    "Ⅳ 財政基盤の強化,１４,▲3\n"
    "①利用料収入 ㈱髙橋～－\n"
)

VARIANTS = {
    "utf8_lf": TEXT.encode("utf-8"),
    "utf8_crlf": TEXT.replace("\n", "\r\n").encode("utf-8"),
    "utf8bom_lf": b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    "utf8bom_crlf": b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"),
    "cp932_lf": TEXT.encode("cp932"),
    "cp932_crlf": TEXT.replace("\n", "\r\n").encode("cp932"),
    "utf8_cr": TEXT.replace("\n", "\r").encode("utf-8"),
    "cp932_cr": TEXT.replace("\n", "\r").encode("cp932"),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_encodings_and_line_ends_give_identical_text(tmp_path, name):
    p = tmp_path / f"{name}.csv"
    p.write_bytes(VARIANTS[name])
    text = read_text(p)
    assert text == TEXT
    assert "\r" not in text
    assert not text.startswith("\ufeff")


def test_all_variants_equal_each_other(tmp_path):
    texts = set()
    for name, data in VARIANTS.items():
        p = tmp_path / name
        p.write_bytes(data)
        texts.add(read_text(p))
    assert texts == {TEXT}


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("utf8_lf", "utf-8"),
        ("utf8_crlf", "utf-8"),
        ("utf8bom_lf", "utf-8-sig"),
        ("utf8bom_crlf", "utf-8-sig"),
        ("cp932_lf", "cp932"),
        ("cp932_crlf", "cp932"),
    ],
)
def test_decode_bytes_reports_encoding(tmp_path, name, encoding):
    text, enc = decode_bytes(VARIANTS[name], tmp_path / "x.csv")
    assert enc == encoding
    assert text.replace("\r\n", "\n") == TEXT


def test_cp932_extension_characters_decode(tmp_path):
    # shift_jis would fail on these; CP932 must not
    data = "①②③ ㈱ Ⅳ 髙 ～".encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    p = tmp_path / "ext.txt"
    p.write_bytes(data)
    assert read_text(p) == "①②③ ㈱ Ⅳ 髙 ～"


def test_ascii_only_file(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"a,b\r\n1,2\r\n")
    assert read_text(p) == "a,b\n1,2\n"


def test_read_text_never_writes(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes(VARIANTS["cp932_crlf"])
    before = p.read_bytes()
    read_text(p)
    assert p.read_bytes() == before


# --------------------------------------------------------------------------
# errors: they name the file, and the line where known
# --------------------------------------------------------------------------


def _error(tmp_path, name, data) -> InputError:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_text(p)
    err = info.value
    assert err.path == p
    assert str(p) in str(err)
    return err


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\r\n\n", b"\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"],
)
def test_empty_file(tmp_path, data):
    err = _error(tmp_path, "empty.csv", data)
    assert "空です" in str(err)


def test_nul_bytes_name_line(tmp_path):
    err = _error(tmp_path, "nul.csv", b"abc\ndef\nab\x00c\n")
    assert err.line == 3
    assert "3行目" in str(err)
    assert "NUL" in str(err)


def test_utf16_file_is_binary(tmp_path):
    err = _error(tmp_path, "utf16.csv", "分野,項目数\n".encode("utf-16"))
    assert "NUL" in str(err)
    assert err.line == 1


def test_xlsx_like_binary(tmp_path):
    err = _error(tmp_path, "book.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert "バイナリ" in str(err)
    assert err.line is not None


@pytest.mark.parametrize("bad", [b"\xff", b"\xfe", b"\xfd", b"\x80", b"\xa0"])
def test_undecodable_byte_in_ascii_file(tmp_path, bad):
    err = _error(tmp_path, "bad.csv", b"line1\nline2\nline" + bad + b"3\n")
    assert err.line == 3
    assert "3行目" in str(err)
    assert f"0x{bad[0]:02x}" in str(err)
    assert "UTF-8 でも CP932" in str(err)


def test_undecodable_byte_in_cp932_file_names_its_line(tmp_path):
    # CP932 Japanese on lines 1-2 (not UTF-8 from line 1), an illegal pair on line 3
    data = "あ\nい\n".encode("cp932") + b"ok\x81\x7f\n"
    err = _error(tmp_path, "bad_cp932.csv", data)
    assert err.line == 3
    assert "0x81" in str(err)


def test_damaged_utf8_file_is_refused_not_mojibake(tmp_path):
    # UTF-8 Japanese, then a truncated character: CP932 would decode it as mojibake
    data = "分野,項目数\n1 地域協働の推進,7\n".encode() + "財政".encode()[:-1] + b"\n"
    err = _error(tmp_path, "damaged.csv", data)
    assert err.line == 3
    assert "UTF-8 ではありません" in str(err)


def test_bom_then_invalid_utf8(tmp_path):
    data = b"\xef\xbb\xbf" + "分野\n".encode() + "分野\n".encode("cp932")
    err = _error(tmp_path, "bom_bad.csv", data)
    assert err.line == 2
    assert "バイト順マーク" in str(err)


def test_control_characters(tmp_path):
    err = _error(tmp_path, "ctrl.csv", b"ok\n" + b"\x01\x02\x03\x04\x05" * 10)
    assert "制御文字" in str(err)
    assert err.line == 2


def test_a_few_stray_control_characters_are_tolerated(tmp_path):
    p = tmp_path / "ff.txt"
    p.write_bytes(("本文\f次のページ\n" * 50).encode("utf-8") + b"\x1b")
    assert read_text(p).count("次のページ") == 50


def test_missing_file(tmp_path):
    p = tmp_path / "nope.csv"
    with pytest.raises(InputError) as info:
        read_text(p)
    assert "見つかりません" in str(info.value) and str(p) in str(info.value)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(InputError, match="フォルダ"):
        read_text(tmp_path)


def test_check_text_directly():
    check_text("普通の文章\n" * 10, "x.txt")  # no error
    with pytest.raises(InputError) as info:
        check_text("a\n" + "\x07" * 20, "x.txt")
    assert info.value.line == 2 and "x.txt" in str(info.value)


def test_file_sha256(tmp_path):
    p = tmp_path / "h.csv"
    p.write_bytes(VARIANTS["cp932_crlf"])
    assert file_sha256(p) == hashlib.sha256(VARIANTS["cp932_crlf"]).hexdigest()
    assert len(file_sha256(p)) == 64


# ------------------------------------------------------------ special files


def test_fifo_is_refused_without_opening_it(tmp_path, monkeypatch):
    if not hasattr(os, "mkfifo"):
        pytest.skip("this platform has no FIFOs (os.mkfifo)")
    p = tmp_path / "kpi_sheet.csv"
    os.mkfifo(p)
    opened: list = []
    real_open = Path.open

    def spy_open(self, *args, **kwargs):
        opened.append(self)
        return real_open(self, *args, **kwargs)

    # opening a FIFO would block until a writer comes: it must never be opened
    monkeypatch.setattr(Path, "open", spy_open)
    for read in (read_text, file_sha256):
        with pytest.raises(InputError) as info:
            read(p)
        assert "FIFO" in str(info.value) and str(p) in str(info.value)
    assert opened == []


def test_folder_named_like_a_raw_file_is_refused(tmp_path):
    p = tmp_path / "progress_report.txt"
    p.mkdir()
    with pytest.raises(InputError) as info:
        read_text(p)
    assert info.value.path == p and "ファイルではなくフォルダです" in str(info.value)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null on this platform")
def test_device_is_refused():
    with pytest.raises(InputError, match="キャラクタデバイス"):
        read_text("/dev/null")


def test_socket_is_refused(tmp_path):
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("this platform has no Unix sockets")
    p = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.bind(str(p))
        except OSError as exc:  # path too long for a socket address
            pytest.skip(f"cannot bind a socket here: {exc}")
        with pytest.raises(InputError, match="ソケット"):
            read_text(p)


def test_unreadable_file_gives_a_fix_hint(tmp_path, monkeypatch):
    p = tmp_path / "kpi_sheet.csv"
    p.write_bytes(b"item_no\n1\n")

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputError) as info:
        read_text(p)
    message = str(info.value)
    assert str(p) in message and "読み取りの権限がなく" in message
    assert "読み取りの権限を与える" in message and "\n" not in message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file; POSIX only"
)
def test_unreadable_file_for_real(tmp_path):
    p = tmp_path / "kpi_sheet.csv"
    p.write_bytes(b"item_no\n1\n")
    p.chmod(0)
    try:
        with pytest.raises(InputError, match="読み取りの権限がなく"):
            read_text(p)
    finally:
        p.chmod(0o644)


# ------------------------------------------------------- invisible characters


def _csv(tmp_path, cell: str, name: str = "kpi_sheet.csv") -> Path:
    p = tmp_path / name
    text = f'# a comment\nitem_no,indicator,value_text\n1,来場者数,9718人\n8,アクセス数,"{cell}"\n'
    p.write_bytes(text.encode("utf-8"))
    return p


@pytest.mark.parametrize(
    "cell",
    ["9\u200b718人", "9,\u200b718人", "\u200d9718人", "9718\u2060", "9\u00ad718人", "①\u200c"],
)
def test_invisible_character_next_to_a_digit_is_refused(tmp_path, cell):
    p = _csv(tmp_path, cell)
    with pytest.raises(InputError) as info:
        read_text(p)
    err = info.value
    bad = next(c for c in cell if unicodedata.category(c) == "Cf")
    assert unicodedata.name(bad) in str(err) and f"U+{ord(bad):04X}" in str(err)
    assert (err.line, err.field) == (4, "value_text")
    assert "数値を分けてしまいます" in str(err)


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_controls_are_refused_everywhere(tmp_path, char):
    p = tmp_path / "kpi_sheet.csv"
    p.write_bytes(f"item_no,indicator\n1,来場者数{char}\n".encode())
    with pytest.raises(InputError) as info:
        read_text(p)
    err = info.value
    assert (err.line, err.field) == (2, "indicator")
    assert unicodedata.name(char) in str(err) and "表示順を変える" in str(err)


def test_bidi_control_in_a_report_text_names_its_line(tmp_path):
    p = tmp_path / "report.txt"
    p.write_bytes("一行目\n二行目\n三行目\u202e\n".encode())
    with pytest.raises(InputError) as info:
        read_text(p)
    assert (info.value.line, info.value.field) == (3, None)
    assert "RIGHT-TO-LEFT OVERRIDE" in str(info.value)


def test_invisible_characters_between_words_are_removed(tmp_path):
    p = tmp_path / "report.txt"
    p.write_bytes("市民\u200b活動\u00adセンター\n協働\u200c\u200d事業\u2060数\n".encode())
    assert read_text(p) == "市民活動センター\n協働事業数\n"


def test_removal_keeps_lines_and_cells(tmp_path):
    p = _csv(tmp_path, "約340万件\u200b")
    p.write_bytes(p.read_bytes().replace("来場者数".encode(), "来場\u200b者数".encode()))
    assert read_text(p).split("\n")[2:4] == ["1,来場者数,9718人", '8,アクセス数,"約340万件"']


def test_bom_inside_the_text_is_refused_but_a_leading_one_accepted(tmp_path):
    p = tmp_path / "joined.csv"
    p.write_bytes(b"\xef\xbb\xbfitem_no\n1\n" + b"\xef\xbb\xbfitem_no\n2\n")
    with pytest.raises(InputError) as info:
        read_text(p)
    assert info.value.line == 3 and "テキストの途中にバイト順マーク" in str(info.value)
    p.write_bytes(b"\xef\xbb\xbfitem_no\n1\n")
    assert read_text(p) == "item_no\n1\n"


@pytest.mark.parametrize("char", ["\u2062", "\U000e0041", "\ufff9", "\u206a"])
def test_other_formatting_characters_are_refused(tmp_path, char):
    p = tmp_path / "report.txt"
    p.write_bytes(f"本文{char}です\n".encode())
    with pytest.raises(InputError) as info:
        read_text(p)
    assert info.value.line == 1 and unicodedata.name(char) in str(info.value)


def test_every_formatting_character_is_decided():
    """No character of category Cf passes through unchanged."""
    for cp in range(0x110000):
        c = chr(cp)
        if unicodedata.category(c) != "Cf":
            continue
        try:
            out = strip_invisible(f"本文{c}です", "x.txt")
        except InputError:
            continue
        assert out == "本文です", f"U+{cp:04X} kept"


# Default-ignorable characters that are not format characters (category Cf):
# letters, marks and separators that show as nothing or as a blank.
NOT_CF_INVISIBLE = [
    "\u034f",  # COMBINING GRAPHEME JOINER (Mn)
    "\ufe00",  # VARIATION SELECTOR-1 (Mn)
    "\ufe0f",  # VARIATION SELECTOR-16 (Mn)
    "\U000e0100",  # VARIATION SELECTOR-17 (Mn)
    "\u3164",  # HANGUL FILLER (Lo)
    "\uffa0",  # HALFWIDTH HANGUL FILLER (Lo)
    "\u115f",  # HANGUL CHOSEONG FILLER (Lo)
    "\u1160",  # HANGUL JUNGSEONG FILLER (Lo)
    "\u180b",  # MONGOLIAN FREE VARIATION SELECTOR ONE (Mn)
    "\u180f",  # MONGOLIAN FREE VARIATION SELECTOR FOUR (Mn)
    "\u17b4",  # KHMER VOWEL INHERENT AQ (Mn)
    "\u17b5",  # KHMER VOWEL INHERENT AA (Mn)
    "\u2028",  # LINE SEPARATOR (Zl)
    "\u2029",  # PARAGRAPH SEPARATOR (Zp)
]


@pytest.mark.parametrize("char", NOT_CF_INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_non_format_character_inside_a_figure_is_refused(tmp_path, char):
    """Once read as 9 (or 9718 with the wrong text shown): now refused, named, with its cell."""
    p = _csv(tmp_path, f"9{char}718人")
    with pytest.raises(InputError) as info:
        read_text(p)
    err = info.value
    assert f"U+{ord(char):04X}" in str(err)
    assert (err.line, err.field) == (4, "value_text")


@pytest.mark.parametrize(
    "char",
    ["\u034f", "\u3164", "\uffa0", "\u115f", "\u1160", "\u180b", "\u17b4", "\u2028", "\u2029"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_invisible_non_format_character_between_words_is_refused(tmp_path, char):
    p = tmp_path / "report.txt"
    p.write_bytes(f"一行目\n本文{char}です\n".encode())
    with pytest.raises(InputError) as info:
        read_text(p)
    assert info.value.line == 2 and f"U+{ord(char):04X}" in str(info.value)


def test_variation_selector_after_a_kanji_is_removed(tmp_path):
    p = tmp_path / "report.txt"
    p.write_bytes("葛\ufe00飾区と辻\U000e0100堂\n".encode())
    assert read_text(p) == "葛飾区と辻堂\n"


@pytest.mark.parametrize("mark", ["\u0301", "\u20e3", "\u0903", "\u3099"])
def test_combining_mark_after_a_digit_is_refused(tmp_path, mark):
    p = _csv(tmp_path, f"9{mark}718人")
    with pytest.raises(InputError) as info:
        read_text(p)
    assert (info.value.line, info.value.field) == (4, "value_text")
    assert "数字に付いた結合文字" in str(info.value)


def test_combining_mark_after_a_letter_is_kept(tmp_path):
    p = tmp_path / "report.txt"
    p.write_bytes("Cafe\u0301 か\u3099\n".encode())
    assert read_text(p) == "Cafe\u0301 か\u3099\n"


def test_every_default_ignorable_character_is_decided():
    """No default-ignorable character (Unicode 15.0.0) passes through unchanged."""
    from helpers.core.textnorm import DEFAULT_IGNORABLE

    assert len(DEFAULT_IGNORABLE) == 4174
    for cp in sorted(DEFAULT_IGNORABLE):
        try:
            out = strip_invisible(f"本文{chr(cp)}です", "x.txt")
        except InputError:
            continue
        assert out == "本文です", f"U+{cp:04X} kept"


def test_a_file_beyond_the_size_bound_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """Every raw file has a size bound (issue 22): refused from its stat, with the limit."""
    from helpers.ingest.rawio import MAX_RAW_BYTES

    p = tmp_path / "progress_report.txt"
    with p.open("wb") as fh:
        fh.truncate(MAX_RAW_BYTES + 1)  # sparse: nothing to write

    def never(self, *args, **kwargs):
        raise AssertionError("opened")

    monkeypatch.setattr(Path, "open", never)
    with pytest.raises(InputError) as info:
        read_text(p)
    msg = str(info.value)
    assert str(p) in msg and "大きすぎます" in msg and f"上限は {MAX_RAW_BYTES / 2**20:g} MB" in msg


def test_a_file_that_grows_past_the_bound_while_read_is_refused(tmp_path, monkeypatch):
    from helpers.ingest import rawio

    p = tmp_path / "kpi_sheet.csv"
    p.write_bytes(b"item_no\n1\n")
    real_stat = Path.stat

    def small_stat(self, *args, **kwargs):
        st = real_stat(self, *args, **kwargs)
        return os.stat_result((*st[:6], 0, *st[7:]))  # says 0 bytes: read finds more

    monkeypatch.setattr(Path, "stat", small_stat)
    with pytest.raises(InputError, match="大きすぎます"):
        rawio.read_bytes(p, limit=5)
