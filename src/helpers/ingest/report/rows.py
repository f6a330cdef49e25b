"""The lists' rows as they lie in the text: headers, page numbers and the lines of each row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.textnorm import collapse, nfkc, squash
from helpers.ingest.report.model import ListHeading


def is_header_start(line: str) -> bool:
    s = squash(line).lower()
    return s.startswith("no項目名") or s in ("no", "no.") or s.startswith("no.項目名")


def _header_end(lines: list[str], i: int) -> int:
    """Index of the last line of a table header that starts at ``i``."""
    for j in range(i, min(len(lines), i + 7)):
        s = squash(lines[j])
        if s.endswith(("今後の取組", "今後の対応", "今後の方向性", "今後の予定")):
            return j
    return i


def _is_page_number(line: str) -> bool:
    return bool(
        re.fullmatch(r"[-－‐―]?\s*\d{1,3}\s*[-－‐―]?|\d{1,3}\s*/\s*\d{1,3}", collapse(line))
    ) and ("-" in nfkc(line) or "/" in line or "－" in line)


# A number followed by these is a quantity in running text, not a row's No.
_NOT_ROW_AFTER = re.compile(
    r"^(?:[,.%\d]|年|か?月|日[間目]|万|億|千|円|件|か所|箇所|ポイント|地区|本|回|人(?:[、。／/）)]|$|で|の|を|に|が|は|と))"
)
# Where a row may begin only because the line before ended a cell (。 or a
# closing bracket), the text after the number must not continue a sentence:
# no particle or punctuation (16 に対し、…).
_NOT_NAME_START = re.compile(r"^[にをがはでとへもやかのつ、。，．,.）)」・～~%％]")
_ROW_NUMBERS_RE = re.compile(
    r"^[(（]?(\d{1,3}(?:\s*[・,、/／]\s*\d{1,3}|\s*[(（]\s*\d{1,3}\s*[)）])*)[)）]?"
    r"(?:\s*[(（]\s*再掲\s*[)）])?(?:\s+(.*))?$"
)
_CELL_END = ("。", "）", ")", "」")
_EMPTY_LIST = ("該当なし", "なし", "該当項目なし", "該当する取組なし")

# Where a row may begin: after a heading, a header or a blank line (STRONG), or
# after a line that ends a cell (WEAK: the row's name must then look like one).
STRONG, WEAK = "strong", "weak"


def _row_numbers(line: str, total_items: int) -> tuple[list[int], str] | None:
    """The item number(s) opening a row (``7``, ``7・41``, ``41（再掲）``) and the rest of the line."""
    text = collapse(line)
    m = _ROW_NUMBERS_RE.match(text)
    if not m:
        return None
    rest = m.group(2) or ""
    if rest and _NOT_ROW_AFTER.match(rest):
        return None
    head = text[: m.end(1) + 1]
    if head.count("）") + head.count(")") > head.count("（") + head.count("("):
        return None  # "7）" closes a bracket of the sentence before: not a row's No.
    numbers = [int(n) for n in re.findall(r"\d{1,3}", m.group(1))]
    if not all(1 <= no <= total_items for no in numbers):
        return None
    return numbers, rest


def _row_opening(line: str, total_items: int, boundary: str | None) -> tuple[list[int], str] | None:
    """The numbers and rest of a line that opens a row here, else None."""
    if boundary is None:
        return None
    found = _row_numbers(line, total_items)
    if found and boundary == WEAK and _NOT_NAME_START.match(found[1]):
        return None
    return found


def _boundary_after(line: str) -> str | None:
    """Whether a row may begin after this text line: WEAK where it ends a cell."""
    return WEAK if collapse(line).endswith(_CELL_END) else None


@dataclass
class Row:
    """The lines of one list row, as found in the text."""

    numbers: list[int]
    first_rest: str  # the first line after the numbers
    first_len: int  # length of the first line (collapsed), to tell a line that ran full
    line: int
    position: str | None  # the status of the heading the row is printed under
    body: list[tuple[int, str]] = field(default_factory=list)
    end: int = 0
    started_name: bool = False

    def add(self, lineno: int, text: str) -> None:
        self.body.append((lineno, text))
        if text:
            self.started_name = True
            self.end = lineno


@dataclass
class _Scan:
    """State of the walk over the list region."""

    total_items: int
    path: Path
    rows: list[Row] = field(default_factory=list)
    current: Row | None = None
    position: str | None = None
    boundary: str | None = STRONG


def _take_text_line(scan: _Scan, i: int, line: str) -> None:
    """A line of text in the lists: a row's second number, a new row, or a row's text."""
    current = scan.current
    more = _row_numbers(line, scan.total_items)
    if current is not None and not current.started_name and more and not more[1]:
        current.numbers.extend(more[0])  # a second number of a re-listed item (7 / 41)
        scan.boundary = None
        return
    start = _row_opening(line, scan.total_items, scan.boundary)
    if start:
        numbers, rest = start
        scan.current = Row(
            list(numbers), rest, len(collapse(line)), i + 1, scan.position, end=i + 1
        )
        scan.current.started_name = bool(rest)
        scan.rows.append(scan.current)
    elif current is not None:
        current.add(i + 1, line)
    else:
        raise InputError(
            scan.path,
            say("report.text_before_rows", text=collapse(line)[:30]),
            line=i + 1,
        )
    scan.boundary = _boundary_after(line)


def scan_rows(
    lines: list[str],
    path: Path,
    total_items: int,
    headings: dict[int, tuple[ListHeading, int]],
) -> list[Row]:
    """Walk the list region: headings, headers and page numbers apart, the rows' lines."""
    scan = _Scan(total_items, path)
    i = min(headings)
    while i < len(lines):
        line = lines[i]
        if i in headings:
            scan.position, scan.boundary = headings[i][0].status, STRONG
            i = headings[i][1] + 1
            continue
        if is_header_start(line):
            i, scan.boundary = _header_end(lines, i) + 1, STRONG
            continue
        if not collapse(line):
            scan.boundary = STRONG
            if scan.current is not None:
                scan.current.add(i + 1, "")
        elif not _is_page_number(line) and not (
            scan.current is None and squash(line) in _EMPTY_LIST  # an empty list says so
        ):
            _take_text_line(scan, i, line)
        i += 1
    return scan.rows
