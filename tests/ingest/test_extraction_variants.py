"""The report read from other extractions of the same PDF gives the same tables.

tests/support/extraction_variants.py makes each variant of the real report text (blank
lines removed, re-wrapped at 20/35/60 characters, CRLF, digits of one width,
doubled spaces or line spacing, and combinations). For every variant:

- ``parse_report`` reads the same summary, areas, lists and row texts;
- the cleaning stage (``clean_period``, with the real KPI sheet beside it) writes
  byte-identical areas, items and indicators tables, once the line-number
  columns are dropped; those columns point at the variant's own lines, at the
  row's item number or the area's numeral.

Variants wrapped narrower than a name column may be refused as ambiguous
(InputError naming the line) but are never read differently.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from support import KPI_FILE, PLAN, REPORT_FILE
from support.extraction_variants import (
    Variant,
    blocks,
    compose,
    fullwidth_digits,
    halfwidth_digits,
    no_blank_lines,
    rewrap,
    single_spaced,
    split_headings,
    variants,
    wrap_cell,
)

from helpers.core.errors import InputError
from helpers.core.textnorm import collapse, nfkc, squash
from helpers.ingest.clean import clean_period
from helpers.ingest.report import ParsedReport, find_plan_title, parse_report, parse_report_text

PERIOD = "2018-03"
TABLES = ("areas", "items", "indicators")
LINE_COLUMNS = {"source_line", "line"}  # move with the lines; checked separately
TEXT = REPORT_FILE.read_text(encoding="utf-8")
VARIANTS = variants(TEXT)
MUST_PARSE = [v for v in VARIANTS if v.must_parse]
MAY_REFUSE = [v for v in VARIANTS if not v.must_parse]


def content(report: ParsedReport) -> dict:
    """Everything a parse says except line numbers and the path."""
    return {
        "period": report.period_id,
        "summary": (
            report.summary.total,
            report.summary.relisted,
            report.summary.counts,
            report.summary.text,
        ),
        "areas": [(a.area_no, a.area_name, a.items, a.S, a.A, a.B) for a in report.areas],
        "totals": report.totals,
        "headings": {s: (h.count, h.relisted, h.text) for s, h in report.headings.items()},
        "items": [
            (
                it.numbers,
                it.name,
                it.status,
                it.status_basis,
                it.progress,
                it.causes,
                it.next_steps,
                it.text,
            )
            for it in report.items
        ],
    }


def nospace(line: str) -> str:
    """The line width-fixed without spaces (Ⅰ stays Ⅰ; NFKC would make it I)."""
    return collapse(line).replace(" ", "")


def file_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def write_variant(folder: Path, variant: Variant) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / REPORT_FILE.name
    p.write_bytes(variant.text.encode("utf-8"))
    return p


def clean_folder(root: Path, report_text: str) -> dict[str, bytes]:
    """Clean a data folder holding raw/<plan>/2018-03/ with this report and the real KPI sheet."""
    raw = root / "raw" / PLAN / PERIOD
    raw.mkdir(parents=True, exist_ok=True)
    (raw / REPORT_FILE.name).write_bytes(report_text.encode("utf-8"))
    shutil.copy2(KPI_FILE, raw / KPI_FILE.name)
    clean_period(PERIOD, root, write=True)
    out = root / "processed" / PLAN / PERIOD
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES}


def without_line_columns(data: bytes) -> tuple[bytes, list[dict[str, str]]]:
    """The CSV's bytes with the line-number columns dropped, and its rows."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    keep = [i for i, name in enumerate(header) if name not in LINE_COLUMNS]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    for row in reader:
        writer.writerow([row[i] for i in keep])
    return buf.getvalue().encode("utf-8"), rows


@pytest.fixture(scope="module")
def original() -> ParsedReport:
    return parse_report(REPORT_FILE)


@pytest.fixture(scope="module")
def original_tables(tmp_path_factory) -> dict[str, bytes]:
    return clean_folder(tmp_path_factory.mktemp("original"), TEXT)


# ------------------------------------------------------------- the generator


def test_the_generator_covers_each_kind_of_variant():
    names = [v.name for v in VARIANTS]
    assert len(names) == len(set(names)) == 101
    assert len(MUST_PARSE) == 99 and len(MAY_REFUSE) == 2
    for kind in (
        "no_blank_lines",
        "rewrap20",
        "rewrap35",
        "rewrap60",
        "trailing_stripped",
        "crlf",
        "fullwidth_digits",
        "halfwidth_digits",
        "doubled_spaces",
        "double_line_spacing",
    ):
        assert any(kind in n for n in names), kind
    assert "no_blank_rewrap20+all" in names  # every change at once
    no_blank = next(v.text for v in VARIANTS if v.name == "no_blank_lines")
    assert all(line.strip() for line in no_blank.split("\n"))


@pytest.mark.parametrize("width", [12, 20, 35, 60])
def test_rewrapping_changes_only_line_breaks_and_cuts_no_number_or_marker(width):
    single = single_spaced(TEXT)
    wrapped = rewrap(width)(single)
    assert squash(wrapped) == squash(single)
    number = r"[0-9０-９][0-9０-９,，.．]*[%％]?"
    assert re.findall(number, wrapped) == re.findall(number, single)
    assert re.findall(r"【[^】\n]*】", wrapped) == re.findall(r"【[^】\n]*】", single)
    assert wrapped.count("【") == single.count("【")
    assert wrapped != single


def test_wrap_cell_keeps_numbers_and_closing_punctuation_whole():
    cell = "合計29,509,646円の財源確保を行った。"
    assert wrap_cell(cell, 6) == ["合計", "29,509,646", "円の財源確保", "を行った。"]
    assert wrap_cell("【今後の対応】", 3) == ["【今後の対応】"]
    assert wrap_cell("平成 29年度", 3) == ["平成", "29年", "度"]


def test_blocks_end_where_pdf_text_ends_a_cell():
    text = "1 協働推進体制の\n充実 \n・来場者\n数は。 \n \n次"
    assert blocks(text) == ["1 協働推進体制の充実", "・来場者数は。", None, "次"]
    assert no_blank_lines("a\n \n\nb") == "a\nb"


# --------------------------------------------------------- parse_report


@pytest.mark.parametrize("variant", MUST_PARSE, ids=lambda v: v.name)
def test_variant_parses_like_the_original(variant, tmp_path, original):
    path = write_variant(tmp_path, variant)
    parsed = parse_report(path)
    assert content(parsed) == content(original)
    lines = file_lines(variant.text)
    # line numbers refer to the variant's own lines
    assert "全" in lines[parsed.summary.line - 1]
    assert squash(lines[parsed.totals_line - 1]).startswith("計")
    for heading in parsed.headings.values():
        assert "【参考" in lines[heading.line - 1]
    for area in parsed.areas:
        assert nospace(lines[area.line - 1]).startswith(chr(0x2160 + area.area_no - 1))
    for item in parsed.items:
        assert squash(nfkc(lines[item.line - 1])).startswith(str(item.numbers[0]))
        assert item.line <= item.end_line <= len(lines)


@pytest.mark.parametrize("variant", MAY_REFUSE, ids=lambda v: v.name)
def test_narrow_variant_is_refused_with_its_line_or_read_alike(variant, tmp_path, original):
    path = write_variant(tmp_path, variant)
    try:
        parsed = parse_report(path)
    except InputError as exc:
        assert exc.path == path and str(path) in str(exc)
        lines = file_lines(variant.text)
        assert exc.line is not None and 1 <= exc.line <= len(lines)
        assert "判断できません" in exc.detail
        return
    assert content(parsed) == content(original)


# ------------------------------------------------------------- cleaning


def check_line_columns(tables: dict[str, bytes], lines: list[str]) -> int:
    """Each source_line points at the variant's line of that row's number or numeral."""
    checked = 0
    _, areas = without_line_columns(tables["areas"])
    for row in areas:
        numeral = chr(0x2160 + int(row["area_no"]) - 1)
        line = nospace(lines[int(row["source_line"]) - 1])
        assert line.startswith(numeral + row["area_name"][:2]), (row, line)
        checked += 1
    _, items = without_line_columns(tables["items"])
    for row in items:
        if not row["source_line"]:
            continue
        numbers = [row["item_no"]] + [n for n in row["relisted_as"].split(",") if n]
        line = squash(nfkc(lines[int(row["source_line"]) - 1]))
        assert any(re.match(rf"{n}(\D|$)", line) for n in numbers), (row["item_no"], line)
        checked += 1
    return checked


@pytest.mark.parametrize("variant", MUST_PARSE, ids=lambda v: v.name)
def test_cleaning_a_variant_gives_identical_tables(variant, tmp_path, original_tables):
    tables = clean_folder(tmp_path, variant.text)
    for name in TABLES:
        got, _ = without_line_columns(tables[name])
        want, _ = without_line_columns(original_tables[name])
        assert got == want, name
    assert check_line_columns(tables, file_lines(variant.text)) == 5 + 13


def test_the_report_without_any_blank_line_runs_through_cleaning(tmp_path, original_tables):
    """The brief's case: pdftotext / a PDF viewer's copy has no blank lines at all."""
    text = no_blank_lines(single_spaced(TEXT))
    assert "\n\n" not in text and all(line.strip() for line in text.split("\n"))
    tables = clean_folder(tmp_path, text)
    assert tables["indicators"] == original_tables["indicators"]  # no line column there
    items, _ = without_line_columns(tables["items"])
    assert items == without_line_columns(original_tables["items"])[0]
    assert "28,財産の有効活用の促進,4,S".encode() in tables["items"]


# ------------------------------------------- every width, titles and headings wrapped

NAME = "第3次行財政再構築プラン"


def _layout(width: int, at: int) -> str:
    """The report re-wrapped at ``width``, its title and headings broken after ``at``
    characters; every other width without blank lines, digits of one width by turns."""
    steps = [single_spaced, rewrap(width), split_headings(at)]
    if width % 2:
        steps.append(no_blank_lines)
    steps.append((fullwidth_digits, halfwidth_digits, lambda t: t)[width % 3])
    return compose(*steps)(TEXT)


@pytest.mark.parametrize("width", range(20, 81))
def test_every_width_from_20_to_80_with_wrapped_titles_reads_alike(width, original):
    for at in (3, 7, 10, 14):  # inside the plan's name, in 進捗状況, after it
        text = _layout(width, at)
        title_lines = [n for n, line in enumerate(file_lines(text)[:6]) if line.strip()][:2]
        assert "進捗状況" not in file_lines(text)[title_lines[0]] or at == 14
        parsed = parse_report_text(text, "wrapped.txt")
        assert content(parsed) == content(original), (width, at)
        assert find_plan_title(text, NAME) == (NAME, 1)
        assert find_plan_title(text) == (NAME, 1)  # without plan.toml: the lines joined


@pytest.mark.parametrize("width", [20, 47, 80])
def test_a_wrapped_title_passes_the_plan_check_of_plan_toml(width, tmp_path, original_tables):
    """The issue's refusal: `its title names the plan 「ラン」` for a title over two lines."""
    root = tmp_path / "data"
    (root / "raw" / PLAN).mkdir(parents=True)
    (root / "raw" / PLAN / "plan.toml").write_text(f'name = "{NAME}"\n', encoding="utf-8")
    tables = clean_folder(root, _layout(width, 10))
    for name in TABLES:
        assert (
            without_line_columns(tables[name])[0] == without_line_columns(original_tables[name])[0]
        ), name
