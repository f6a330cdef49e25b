"""Parse the published progress report (its text, or the text of its PDF: helpers.ingest.report.source).

The report holds, in this order:

1. a title with its as-of label (平成 29年度末);
2. the summary sentence: 全 43項目（再掲 2項目）の取組のうち、3 項目が「予定以上に進捗」…;
3. the per-area table 【表１】: area rows (roman numeral, name wrapped over
   lines, （N項目）, then the S/A/B counts in full-width digits) and a 計 row;
4. the list of items ahead of schedule (【参考１】) and behind it (【参考２】),
   as a table No / 項目名 / 進捗状況 / 今後の取組 whose header repeats at page
   breaks. In PDF text the rows of one list may be printed inside the other;
   a row is then told apart by its content: a delayed item explains itself
   under 【要因】 (causes), an item ahead does not.

Everything is found by its content, not by the layout of one extraction: the
same report with or without blank lines, with lines wrapped at another width,
with full-width or half-width digits, or with CRLF line ends parses the same.

- the summary is a sentence found by its words, line breaks ignored;
- a list row starts with item numbers within the table's range, followed by a
  name, where a row may begin: after a list heading, a table header, a blank
  line, or a line that ends a cell (。 or a closing bracket);
- a row's name is its first line plus short lines (or lines inside an open
  bracket); its progress text ends at 【要因】/【今後の対応】, at a blank line, or,
  where there is neither, before the first sentence that is not in the past
  tense (進捗状況 says what was done, 今後の取組 what will be).

Where the text does not settle a question (the name of a row wrapped at the
same narrow width as its text; where a row's progress text ends) the parser
refuses it with an :class:`~helpers.core.errors.InputError` naming the line.

Item numbers run area by area in the order and counts of the table, so each
item's area follows from its number.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.periods import find_label_in_text
from helpers.core.vocab import STANDARD, Vocabulary
from helpers.ingest.report.areas import parse_area_table
from helpers.ingest.report.lines import undouble_lines, undouble_repeatedly
from helpers.ingest.report.lists import find_list_headings, parse_item_lists
from helpers.ingest.report.model import AreaRow, ListedItem, ListHeading, ParsedReport, Summary
from helpers.ingest.report.source import ReportText, read_report_text
from helpers.ingest.report.title import find_plan_name, find_plan_title, parse_summary

__all__ = [
    "AreaRow",
    "ListHeading",
    "ListedItem",
    "ParsedReport",
    "Summary",
    "find_list_headings",
    "find_plan_name",
    "find_plan_title",
    "parse_area_table",
    "parse_item_lists",
    "parse_report",
    "parse_report_source",
    "parse_report_text",
    "parse_summary",
    "undouble_lines",
]


def _to_file_lines(report: ParsedReport, line_numbers: list[int]) -> None:
    """Make every line number of the result refer to the file, not to the undoubled lines."""

    def file_line(n: int) -> int:
        return line_numbers[n - 1] if 1 <= n <= len(line_numbers) else n

    report.summary.line = file_line(report.summary.line)
    report.totals_line = file_line(report.totals_line)
    for obj in [*report.areas, *report.headings.values()]:
        obj.line = file_line(obj.line)
    for item in report.items:
        item.line, item.end_line = file_line(item.line), file_line(item.end_line)


def _error_in_file_lines(exc: InputError, path: Path, line_numbers: list[int]) -> InputError:
    """The same error with its line numbers (and 'N行目' in its text) of the file."""
    if exc.line is None or exc.path != path or not 1 <= exc.line <= len(line_numbers):
        return exc

    def file_line(n: int) -> int:
        return line_numbers[n - 1] if 1 <= n <= len(line_numbers) else n

    detail = re.sub(r"\d+(?=行目)", lambda m: str(file_line(int(m.group(0)))), exc.detail)
    return InputError(path, detail, line=file_line(exc.line), field=exc.field)


def parse_report_text(
    text: str, path: str | Path = "<report>", vocab: Vocabulary = STANDARD
) -> ParsedReport:
    """Parse the report's text; see the module docstring for what it holds."""
    path = Path(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines, line_numbers = undouble_repeatedly(text.split("\n"))
    try:
        report = _parse_lines(lines, path, vocab)
    except InputError as exc:
        mapped = _error_in_file_lines(exc, path, line_numbers)
        if mapped is exc:
            raise
        raise mapped from None
    _to_file_lines(report, line_numbers)
    return report


def _parse_lines(lines: list[str], path: Path, vocab: Vocabulary) -> ParsedReport:
    period_id = find_label_in_text("\n".join(lines[:12]))
    summary = parse_summary(lines, path, vocab)
    areas, totals, totals_line = parse_area_table(lines, path, vocab)
    headings, items = parse_item_lists(lines, path, sum(a.items for a in areas), totals_line, vocab)
    return ParsedReport(path, period_id, summary, areas, totals, totals_line, headings, items)


def parse_report_source(source: ReportText, vocab: Vocabulary = STANDARD) -> ParsedReport:
    """Parse a report's text as read; an error about a PDF names its page and line."""
    try:
        report = parse_report_text(source.text, source.path, vocab)
    except InputError as exc:
        relocated = source.relocate(exc)
        if relocated is exc:
            raise
        raise relocated from None
    report.source = source
    return report


def parse_report(path: str | Path, vocab: Vocabulary = STANDARD) -> ParsedReport:
    """Read and parse a report file: text (UTF-8, UTF-8 with BOM or CP932) or the city's PDF."""
    return parse_report_source(read_report_text(path), vocab)
