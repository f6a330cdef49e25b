"""Parse the published progress report (text extracted from its PDF).

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
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.jpnum import MAX_COUNT
from helpers.core.periods import find_label_in_text
from helpers.core.textnorm import ROMAN_NUMERALS, collapse, nfkc, squash, tidy_jp
from helpers.core.vocab import STANDARD, STATUS_CODES, Vocabulary
from helpers.ingest.rawio import read_text

_ROMAN = ROMAN_NUMERALS
_BULLETS = tuple("・①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳※【(（●○■□◆◇-") + ("ア ", "イ ")
_MARKER_RE = re.compile(r"【([^】]{1,12})】")
NAME_MAX = 9  # a name cell wraps at about seven full-width characters
_FULL_SLACK = 3  # a line this close to the longest line of its row ran to the wrap width


@dataclass
class Summary:
    total: int
    relisted: int | None
    counts: dict[str, int]
    line: int
    text: str


@dataclass
class AreaRow:
    area_no: int
    area_name: str
    items: int
    S: int
    A: int
    B: int
    line: int


@dataclass
class ListHeading:
    status: str
    count: int | None
    relisted: int | None
    line: int
    text: str


@dataclass
class ListedItem:
    numbers: list[int]
    name: str
    status: str
    progress: str
    causes: str | None
    next_steps: str | None
    text: str  # the row as printed, whitespace removed: for wording checks
    line: int
    end_line: int
    status_basis: str  # 'position' or 'content (【要因】)'


@dataclass
class ParsedReport:
    path: Path
    period_id: str | None
    summary: Summary
    areas: list[AreaRow]
    totals: dict[str, int]
    totals_line: int
    headings: dict[str, ListHeading]
    items: list[ListedItem] = field(default_factory=list)
    plan_name: str | None = None

    @property
    def total_items(self) -> int:
        return sum(a.items for a in self.areas)

    def area_of(self, item_no: int) -> int | None:
        """Area number of an item number, from the table's counts."""
        upto = 0
        for area in self.areas:
            upto += area.items
            if item_no <= upto:
                return area.area_no
        return None


# ---------------------------------------------------------------- the summary

_SUMMARY_START_RE = re.compile(r"全\d+項目")
_SUMMARY_RE = re.compile(
    r"全(\d+)項目(?:[(（]再掲(\d+)項目[)）])?の取組のうち、?(.*?)(?:となりました|となった|です)"
)
_SUMMARY_SPAN = 400  # characters (spaces and line breaks removed) a summary sentence may run to


@dataclass
class _Squashed:
    """The lines with every space and line break removed, and where each line starts."""

    text: str
    starts: list[int]

    @classmethod
    def of(cls, lines: list[str]) -> _Squashed:
        parts = [squash(line) for line in lines]
        starts, at = [], 0
        for part in parts:
            starts.append(at)
            at += len(part)
        return cls("".join(parts), starts)

    def line_of(self, offset: int) -> int:
        """1-based number of the line holding the character at ``offset``."""
        return bisect_right(self.starts, offset)


def _count(digits: str, path: Path, line: int, what: str) -> int:
    """A count of items as printed, refused beyond MAX_COUNT (a typo or garbage, never a count)."""
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        raise InputError(
            path,
            f"{what}: '{digits}' is not a plausible count of items (at most {MAX_COUNT:,})",
            line=line,
        )
    return int(digits)


def _summary_counts(body: str, path: Path, line: int, vocab: Vocabulary) -> dict[str, int]:
    """S/A/B counts of the summary's 「N 項目が「label」」 parts."""
    counts: dict[str, int] = {}
    for num, label in re.findall(r"(\d+)項目が「([^」]+)」", body):
        status = vocab.code_of(label)
        if status is None:
            raise InputError(
                path,
                f"unknown status 「{label}」 in the summary sentence; expected one of "
                + ", ".join(f"「{v}」" for v in vocab.known_labels()),
                line=line,
            )
        if status in counts:
            raise InputError(path, f"status 「{label}」 appears twice in the summary", line=line)
        counts[status] = _count(num, path, line, f"the summary's count of 「{label}」")
    if not counts:
        raise InputError(path, "the summary sentence gives no counts (N 項目が「…」)", line=line)
    stated = len(re.findall(r"項目が「", body))
    if stated != len(counts):
        raise InputError(
            path,
            "a count in the summary sentence is not written in digits "
            f"({stated} statuses named, {len(counts)} with a number): '{body[:60]}'",
            line=line,
        )
    for status in STATUS_CODES:
        counts.setdefault(status, 0)
    return counts


def parse_summary(lines: list[str], path: Path, vocab: Vocabulary = STANDARD) -> Summary:
    """The sentence 全N項目（再掲M項目）の取組のうち、x 項目が「…」、… となりました。

    The sentence is found by its words, wherever the lines are broken.
    """
    squashed = _Squashed.of(lines)
    for start in _SUMMARY_START_RE.finditer(squashed.text):
        m = _SUMMARY_RE.match(squashed.text, start.start(), start.start() + _SUMMARY_SPAN)
        if not m:
            continue
        line = squashed.line_of(m.start())
        counts = _summary_counts(m.group(3), path, line, vocab)
        relisted = _count(m.group(2), path, line, "再掲") if m.group(2) else None
        total = _count(m.group(1), path, line, "the summary's total")
        return Summary(total, relisted, counts, line, m.group(0))
    raise InputError(
        path,
        "no summary sentence found: expected '全N項目（再掲M項目）の取組のうち、"
        "x 項目が「予定以上に進捗」…となりました' (is this a progress report?)",
    )


# ---------------------------------------------------------- the per-area table


def _area_block_start(lines: list[str], path: Path) -> int:
    for i, line in enumerate(lines):
        s = squash(line)
        if s.startswith("【表") or (s.startswith("分野") and i + 1 < len(lines)):
            return i
    raise InputError(path, "no per-area table found: expected a heading 【表１】 or a header 分野")


def _column_order(header_text: str, path: Path, line: int, vocab: Vocabulary) -> list[str]:
    """The order of the S/A/B columns: by their (S) (A) (B) marks, else by their labels."""
    pos = {}
    for status in STATUS_CODES:
        m = re.search(rf"[(（]{status}[)）]", header_text)
        if m:
            pos[status] = m.start()
            continue
        found = [p for k in vocab.keywords[status] if (p := squash(header_text).find(k)) >= 0]
        if not found:
            raise InputError(
                path,
                f"the per-area table header has no column for {status} ({vocab.label(status)})",
                line=line,
            )
        pos[status] = min(found) + 10_000  # labels only: keep their order
    return sorted(pos, key=pos.get)


_AREA_NO_RE = re.compile(r"^(?:[(（]\s*)?(\d{1,2})\s*(?:[)）.．、]\s*|\s+)(?=\D)")
_TOTAL_RE = re.compile(r"^(?:合計|総計|計)\s*(.*)$")
_ITEM_COUNT_RE = re.compile(r"[(（]\s*(\d+)\s*項目\s*[)）]")


def _area_start(line: str) -> tuple[int, str] | None:
    """(area number, rest of the line) where a line starts an area row: Ⅰ …, 1 …, （1）…."""
    stripped = line.strip()
    if stripped[:1] in _ROMAN:
        return _ROMAN[stripped[0]], stripped[1:]
    text = collapse(stripped)
    m = _AREA_NO_RE.match(text)
    if m and not re.fullmatch(r"[\d\s]+", text):
        return int(m.group(1)), text[m.end() :]
    return None


@dataclass
class _AreaDraft:
    """An area row being read: its number, name, item count and S/A/B counts so far."""

    no: int
    line: int
    name: str = ""
    items: int | None = None
    nums: list[int] = field(default_factory=list)


def _first_area_row(lines: list[str], start: int, path: Path) -> int:
    """Index of the first area row; the table's header runs until it."""
    for j in range(start + 1, min(len(lines), start + 60)):
        if _area_start(lines[j]):
            return j
    raise InputError(
        path,
        "the per-area table has no area rows: expected rows starting with Ⅰ, Ⅱ, …",
        line=start + 1,
    )


def _new_area(raw: str, current: _AreaDraft | None, line: int) -> tuple[_AreaDraft, str] | None:
    """A new area row starting on this line, and the rest of the line.

    A numbered line starts an area only once the previous area is complete, so
    that a faulty counts line ("1 x 2") is reported as such.
    """
    found = _area_start(raw)
    roman = raw.strip()[:1] in _ROMAN
    if not found or not (roman or current is None or len(current.nums) >= 3):
        return None
    no, rest = found
    return _AreaDraft(no, line), collapse(rest)


def _add_area_text(area: _AreaDraft, text: str, path: Path, line: int) -> None:
    """Add a line's text to an area row: name until （N項目）, then counts."""
    if area.items is None:
        m_items = _ITEM_COUNT_RE.search(text)
        if not m_items:
            area.name += text.replace(" ", "")
            return
        area.name += collapse(text[: m_items.start()]).replace(" ", "")
        area.items = _count(m_items.group(1), path, line, f"area {area.no}'s item count")
        text = text[m_items.end() :]
    text = text.strip()
    if not text:
        return
    if not re.fullmatch(r"[\d\s]+", text):
        raise InputError(
            path, f"area {area.no}: counts must be whole numbers, found '{text}'", line=line
        )
    area.nums.extend(_count(n, path, line, f"area {area.no}'s count") for n in text.split())


def _finish_area(area: _AreaDraft, order: list[str], path: Path) -> AreaRow:
    if area.items is None:
        raise InputError(
            path, f"area {area.no} ({area.name}) has no item count （N項目）", line=area.line
        )
    if len(area.nums) != 3:
        raise InputError(
            path,
            f"area {area.no} ({area.name}): expected 3 counts (S A B), found "
            f"{len(area.nums)}: {' '.join(map(str, area.nums)) or 'none'}",
            line=area.line,
        )
    counts = dict(zip(order, area.nums, strict=True))
    return AreaRow(area.no, area.name, area.items, counts["S"], counts["A"], counts["B"], area.line)


def _total_counts(rest: str, order: list[str], path: Path, line: int) -> dict[str, int]:
    nums = re.findall(r"\d+", rest)
    if len(nums) != 3 or not re.fullmatch(r"[\d\s]*", rest):
        raise InputError(
            path, f"the 計 row should hold 3 counts (S A B), found '{rest}'", line=line
        )
    return dict(zip(order, (_count(n, path, line, "the 計 row") for n in nums), strict=True))


def _read_area_rows(
    lines: list[str], first: int, order: list[str], path: Path, start: int
) -> tuple[list[AreaRow], dict[str, int], int]:
    """Area rows from ``first`` up to the 計 row: (rows, totals, 1-based line of 計)."""
    areas: list[AreaRow] = []
    current: _AreaDraft | None = None
    for j in range(first, len(lines)):
        text = collapse(lines[j])
        new = _new_area(lines[j], current, j + 1)
        if new:
            if current:
                areas.append(_finish_area(current, order, path))
            current, text = new
        if current is None:
            continue
        m_total = _TOTAL_RE.match(text)
        if m_total and current.nums:
            areas.append(_finish_area(current, order, path))
            return areas, _total_counts(m_total.group(1), order, path, j + 1), j + 1
        _add_area_text(current, text, path, j + 1)
    raise InputError(
        path,
        "the per-area table has no 計 (totals) row after its areas; the file may be truncated",
        line=current.line if current else start + 1,
    )


def _check_area_numbers(areas: list[AreaRow], path: Path) -> None:
    for want, area in enumerate(areas, start=1):
        if area.area_no != want:
            raise InputError(
                path,
                f"area numbers must run Ⅰ, Ⅱ, … in order; found {area.area_no} "
                f"where {want} was expected",
                line=area.line,
            )


def parse_area_table(
    lines: list[str], path: Path, vocab: Vocabulary = STANDARD
) -> tuple[list[AreaRow], dict[str, int], int]:
    """Rows of the per-area table and its 計 row.

    Returns the area rows, the totals (S/A/B) and the 1-based line of the 計 row.
    """
    start = _area_block_start(lines, path)
    first = _first_area_row(lines, start, path)
    order = _column_order(squash("".join(lines[start:first])), path, start + 1, vocab)
    areas, totals, totals_line = _read_area_rows(lines, first, order, path, start)
    _check_area_numbers(areas, path)
    return areas, totals, totals_line


# ------------------------------------------------------------- list headings

_HEADING_COUNT_RE = re.compile(r"[(（](\d+)項目(?:[(（]うち再掲(\d+)項目[)）])?[)）]")
_HEADING_MAX_LINES = 4


def _open_brackets(text: str) -> bool:
    """Whether ``text`` leaves a bracket （ 「 ( open."""
    return any(text.count(o) > text.count(c) for o, c in ("（）", "「」", "()"))


def _heading_goes_on(text: str, next_line: str) -> bool:
    """Whether a list heading wrapped onto ``next_line``."""
    s = squash(next_line)
    if not s or s.startswith("【") or _is_header_start(next_line):
        return False
    if _open_brackets(text):
        return True
    return "一覧" not in text or bool(re.match(r"[(（]\d+項目", s))


def _heading_at(lines: list[str], i: int, vocab: Vocabulary) -> tuple[ListHeading, int] | None:
    """The S or B list heading starting on line ``i`` and the index of its last line."""
    text = squash(lines[i])
    if not text.startswith("【参考"):
        return None
    end = i
    while (
        end + 1 < len(lines)
        and end - i + 1 < _HEADING_MAX_LINES
        and _heading_goes_on(text, lines[end + 1])
    ):
        end += 1
        text += squash(lines[end])
    status = vocab.code_in(text)
    if status not in ("S", "B"):
        return None
    m = _HEADING_COUNT_RE.search(text)
    count = int(m.group(1)) if m else None
    relisted = int(m.group(2)) if m and m.group(2) else (0 if m else None)
    return ListHeading(status, count, relisted, i + 1, text), end


def find_list_headings(
    lines: list[str], path: Path, after_line: int, vocab: Vocabulary = STANDARD
) -> dict[int, tuple[ListHeading, int]]:
    """The list headings after ``after_line``, by the index of their first line."""
    found: dict[int, tuple[ListHeading, int]] = {}
    statuses: set[str] = set()
    i = after_line
    while i < len(lines):
        heading = _heading_at(lines, i, vocab)
        if heading is None:
            i += 1
            continue
        if heading[0].status in statuses:
            raise InputError(
                path, f"a second list heading for status {heading[0].status}", line=i + 1
            )
        statuses.add(heading[0].status)
        found[i] = heading
        i = heading[1] + 1
    if not found:
        raise InputError(
            path,
            "no list of items ahead of (【参考１】予定以上に進捗…) or behind schedule "
            "(【参考２】予定よりも遅れている…) found; the file may be truncated",
        )
    return found


# --------------------------------------------------------- the lists' rows


def _is_header_start(line: str) -> bool:
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
class _Row:
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
    rows: list[_Row] = field(default_factory=list)
    current: _Row | None = None
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
        scan.current = _Row(
            list(numbers), rest, len(collapse(line)), i + 1, scan.position, end=i + 1
        )
        scan.current.started_name = bool(rest)
        scan.rows.append(scan.current)
    elif current is not None:
        current.add(i + 1, line)
    else:
        raise InputError(
            scan.path,
            f"text before the first row of the item list: '{collapse(line)[:30]}'",
            line=i + 1,
        )
    scan.boundary = _boundary_after(line)


def _scan_rows(
    lines: list[str],
    path: Path,
    total_items: int,
    headings: dict[int, tuple[ListHeading, int]],
) -> list[_Row]:
    """Walk the list region: headings, headers and page numbers apart, the rows' lines."""
    scan = _Scan(total_items, path)
    i = min(headings)
    while i < len(lines):
        line = lines[i]
        if i in headings:
            scan.position, scan.boundary = headings[i][0].status, STRONG
            i = headings[i][1] + 1
            continue
        if _is_header_start(line):
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


# ------------------------------------------------------ one row's columns


def _join_cell(lines: list[str]) -> str:
    """Join a wrapped cell; bullets (・ ① ※) and markers start a new line."""
    out: list[str] = []
    for line in lines:
        t = collapse(line)
        if not t:
            continue
        if not out or t.startswith(_BULLETS):
            out.append(t)
        else:
            sep = " " if re.match(r"[A-Za-z0-9]", t) and re.search(r"[A-Za-z0-9]$", out[-1]) else ""
            out[-1] = out[-1] + sep + t
    return "\n".join(tidy_jp(o) for o in out)


def _split_future(lines: list[str]) -> tuple[str | None, str | None, str]:
    """Split 今後の取組 into (causes, next_steps, other) by 【要因】 / 【今後の対応】."""
    blocks: dict[str, list[str]] = {"": []}
    key = ""
    for line in lines:
        m = _MARKER_RE.match(collapse(line))
        if m:
            key = squash(m.group(1))
            blocks.setdefault(key, [])
            rest = collapse(line)[m.end() :]
            if rest:
                blocks[key].append(rest)
            continue
        blocks[key].append(line)
    causes = next((blocks[k] for k in blocks if "要因" in k or "課題" in k), None)
    nexts = next((blocks[k] for k in blocks if "今後" in k or "対応" in k), None)
    other = _join_cell(blocks[""])
    return (
        _join_cell(causes) if causes is not None else None,
        _join_cell(nexts) if nexts is not None else None,
        other,
    )


def _name_goes_on(name: str, line: str, prev_len: int, wrap: int) -> bool | None:
    """Whether ``line`` continues a row's name; None where the text cannot tell.

    A name line is short (a narrow 項目名 column) or closes a bracket the name
    opened. Where the name's last line ran to the row's wrap width (every
    column wrapped at one width), a long next line may be either: ambiguous.
    """
    if line.startswith(_BULLETS) or _MARKER_RE.match(line):
        return False
    if _open_brackets(name) and (
        not re.search("[、。]", line) or re.search("[）)」]", line.split("、")[0])
    ):
        return True
    if re.search("[、。]", line):
        return False
    if len(squash(line)) <= NAME_MAX:
        return True
    if prev_len >= wrap - _FULL_SLACK:
        return None
    return False


def _take_name(row: _Row, path: Path) -> tuple[list[str], list[str], int]:
    """The row's name parts, progress text on its first line, and where the body goes on."""
    tokens = row.first_rest.split(" ", 1) if row.first_rest else []
    name = tokens[:1]
    if len(tokens) > 1 and tokens[1].strip():
        return name, [tokens[1]], 0  # name and progress share the first line
    wrap = max([row.first_len] + [len(collapse(t)) for _, t in row.body])
    prev_len = row.first_len
    for k, (lineno, raw) in enumerate(row.body):
        line = collapse(raw)
        if not line:
            if name:
                return name, [], k + 1
            continue
        goes_on = _name_goes_on("".join(name), line, prev_len, wrap) if name else True
        if goes_on is None:
            raise InputError(
                path,
                f"row No. {row.numbers[0]}: cannot tell whether '{line[:20]}' continues the "
                "item name or begins its progress text (the lines are wrapped at one width)",
                line=lineno,
            )
        if not goes_on:
            return name, [], k
        name.append(line)
        prev_len = len(line)
    return name, [], len(row.body)


_PAST_END_RE = re.compile(r"[ただ]。$")


def _sentences(lines: list[tuple[int, str]]) -> list[tuple[int, bool, str]]:
    """(index in ``lines``, starts at a line's start, text) of each sentence or bullet."""
    out: list[tuple[int, bool, str]] = []
    current: list | None = None
    for k, (_, raw) in enumerate(lines):
        line = collapse(raw)
        if line.startswith(_BULLETS) and current is not None:
            out.append(tuple(current))
            current = None
        for n, piece in enumerate(re.findall(r"[^。]*。|[^。]+$", line)):
            if current is None:
                current = [k, n == 0, ""]
            current[2] += piece
            if piece.endswith("。"):
                out.append(tuple(current))
                current = None
    if current is not None:
        out.append(tuple(current))
    return out


def _split_by_tense(lines: list[tuple[int, str]], row: _Row, path: Path) -> int:
    """Where 今後の取組 begins in a row without blank lines or markers: the first
    sentence not in the past tense (進捗状況 tells what was done). Refuses where
    that sentence starts inside a line or the past tense comes back after it."""
    sentences = _sentences(lines)
    future = next(
        (
            n
            for n, (_, _, s) in enumerate(sentences)
            if s.endswith("。") and not _PAST_END_RE.search(s)
        ),
        None,
    )
    if future is None:
        return len(lines)
    k, at_start, _ = sentences[future]
    if future == 0 or not at_start or any(_PAST_END_RE.search(s) for _, _, s in sentences[future:]):
        raise InputError(
            path,
            f"row No. {row.numbers[0]}: cannot tell where its progress (進捗状況) ends and "
            "今後の取組 begins: no blank line, no 【要因】/【今後の対応】, and the sentences "
            "do not settle it",
            line=lines[k][0],
        )
    return k


def _take_progress(
    row: _Row, first: list[str], rest: list[tuple[int, str]], path: Path
) -> tuple[list[str], list[str]]:
    """Split the lines after the name into the progress column and the 今後の取組 column."""
    has_markers = any(_MARKER_RE.match(collapse(t)) for _, t in row.body)
    progress = list(first)
    texts = [t for _, t in rest]
    for k, line in enumerate(texts):
        t = collapse(line)
        if _MARKER_RE.match(t):
            return progress, texts[k:]
        if not t and progress and not has_markers and any(map(collapse, texts[k + 1 :])):
            return progress, texts[k + 1 :]  # a blank line ends the progress column
        if t:
            progress.append(line)
    if has_markers:
        return progress, []
    lines = [(row.line, t) for t in first] + [(n, t) for n, t in rest if collapse(t)]
    split = _split_by_tense(lines, row, path)
    return [t for _, t in lines[:split]], [t for _, t in lines[split:]]


def _parse_row(row: _Row, path: Path) -> dict:
    """Split one row's lines into name, progress and the 今後の取組 column."""
    name, first_progress, k = _take_name(row, path)
    progress, future = _take_progress(row, first_progress, row.body[k:], path)
    causes, next_steps, other = _split_future(future)
    if causes is None and next_steps is None:
        next_steps = other or None
    elif other:
        next_steps = (other + "\n" + (next_steps or "")).strip()
    return {
        "name": tidy_jp("".join(p.replace(" ", "") for p in name)),
        "progress": _join_cell(progress),
        "causes": causes,
        "next_steps": next_steps,
        "has_causes": causes is not None,
    }


# ---------------------------------------------------- rows → listed items


def _row_status(
    row: _Row, has_causes: bool, headings: dict[str, ListHeading], interleaved: bool
) -> tuple[str, str]:
    """A row's status and how it was found: by position, or by content where the
    lists are printed inside each other."""
    if not interleaved:
        return row.position, "position"
    empty = [st for st, h in headings.items() if h.count == 0]
    if len(empty) == 1:
        # one list says it has no items: every row belongs to the other
        return ("B" if empty[0] == "S" else "S"), "heading (the other list is empty)"
    return ("B" if has_causes else "S"), "content (【要因】)"


def _listed_items(
    rows: list[_Row], headings: dict[str, ListHeading], path: Path
) -> list[ListedItem]:
    by_position = {s: [r for r in rows if r.position == s] for s in ("S", "B")}
    interleaved = len(headings) == 2 and any(not by_position[s] for s in ("S", "B"))
    items: list[ListedItem] = []
    seen: dict[int, int] = {}
    for r in rows:
        parsed = _parse_row(r, path)
        status, basis = _row_status(r, parsed["has_causes"], headings, interleaved)
        if not parsed["name"]:
            raise InputError(path, f"row {r.numbers} has no item name", line=r.line)
        for no in r.numbers:
            if no in seen:
                raise InputError(
                    path, f"item No. {no} is listed twice (first on line {seen[no]})", line=r.line
                )
            seen[no] = r.line
        items.append(
            ListedItem(
                numbers=r.numbers,
                name=parsed["name"],
                status=status,
                progress=parsed["progress"],
                causes=parsed["causes"],
                next_steps=parsed["next_steps"],
                text=squash(" ".join([r.first_rest] + [t for _, t in r.body])),
                line=r.line,
                end_line=r.end,
                status_basis=basis,
            )
        )
    return items


def _check_last_row(items: list[ListedItem], path: Path) -> None:
    """A delayed row gives 【要因】 then 【今後の対応】; the last row stopping in
    between means the file was cut off."""
    last = items[-1] if items else None
    if last and last.status == "B" and last.causes is not None and not last.next_steps:
        raise InputError(
            path,
            f"the last delayed item (No. {last.numbers[0]}) has 【要因】 but no 【今後の対応】: "
            "the file looks truncated",
            line=last.end_line,
        )


def _check_list_counts(
    items: list[ListedItem], headings: dict[str, ListHeading], path: Path, vocab: Vocabulary
) -> None:
    for status, heading in headings.items():
        numbers = [n for it in items if it.status == status for n in it.numbers]
        if heading.count is not None and len(numbers) != heading.count:
            raise InputError(
                path,
                f"the list heading says {heading.count} items {vocab.label(status)} but "
                f"{len(numbers)} rows were read (numbers: "
                + ", ".join(map(str, numbers))
                + "); the file may be truncated or in another layout",
                line=heading.line,
            )


def parse_item_lists(
    lines: list[str],
    path: Path,
    total_items: int,
    after_line: int,
    vocab: Vocabulary = STANDARD,
) -> tuple[dict[str, ListHeading], list[ListedItem]]:
    """The lists of items ahead (S) and behind (B) schedule, with each row's texts."""
    found = find_list_headings(lines, path, after_line, vocab)
    headings = {h.status: h for h, _ in found.values()}
    rows = _scan_rows(lines, path, total_items, found)
    items = _listed_items(rows, headings, path)
    _check_last_row(items, path)
    _check_list_counts(items, headings, path, vocab)
    return headings, items


# ------------------------------------------------------------------ the whole


def undouble_lines(lines: list[str]) -> tuple[list[str], list[int]]:
    """Undo double line spacing: some PDF extractors end every line with two breaks.

    When (nearly) every run of empty lines between two lines is of odd length,
    each run of m empty lines becomes (m - 1) // 2, so that real blank lines
    (often a single space in PDF text) stay blank. Returns the lines and, for
    each, its 1-based line number in the file.

    >>> undouble_lines(["a", "", "b", "", " ", "", "c", ""])
    (['a', 'b', ' ', 'c'], [1, 3, 5, 7])
    """
    runs: list[int] = []
    m = 0
    for line in lines:
        if line == "":
            m += 1
        else:
            runs.append(m)
            m = 0
    runs = runs[1:]
    numbers = list(range(1, len(lines) + 1))
    if len(runs) < 3 or sum(1 for r in runs if r % 2 == 1) / len(runs) < 0.9:
        return lines, numbers
    out: list[str] = []
    out_no: list[int] = []
    pending: list[int] = []
    for no, line in zip(numbers, lines, strict=True):
        if line == "":
            pending.append(no)
            continue
        keep = (len(pending) - 1) // 2 if out else len(pending)
        for p in pending[: max(0, keep)]:
            out.append("")
            out_no.append(p)
        pending = []
        out.append(line)
        out_no.append(no)
    return out, out_no


def _undouble_repeatedly(lines: list[str]) -> tuple[list[str], list[int]]:
    """:func:`undouble_lines` until nothing changes (text double-spaced twice over)."""
    numbers = list(range(1, len(lines) + 1))
    while True:
        out, kept = undouble_lines(lines)
        if len(out) == len(lines):
            return lines, numbers
        lines, numbers = out, [numbers[k - 1] for k in kept]


def find_plan_name(text: str) -> str | None:
    """The plan's name from a title such as 第３次行財政再構築プランの進捗状況（…）.

    >>> find_plan_name(" 第３次行財政再構築プランの進捗状況 \\n（平成 29年度末）について")
    '第3次行財政再構築プラン'
    """
    found = find_plan_title(text)
    return found[0] if found else None


def find_plan_title(text: str) -> tuple[str, int] | None:
    """The plan's name from the title in the first lines, and the title's line number.

    >>> find_plan_title("# 第3次行財政再構築プランの進捗状況（平成29年9月末）: counts")
    ('第3次行財政再構築プラン', 1)
    >>> find_plan_title("資料３\\n" * 16 + "第２次行財政再構築プランの進捗状況\\n本文")
    ('第2次行財政再構築プラン', 17)
    """
    lines = text.split("\n")
    for n, line in enumerate(lines[:15], start=1):
        s = squash(line).lstrip("#").strip()
        m = re.match(r"^(.{2,60}?)(?:の)?進捗状況", s)
        if m and not m.group(1).startswith(("【", "各")):
            return m.group(1).rstrip("の"), n
    # Further down only a line that is a title and nothing else (…プランの進捗状況（…）),
    # so that a cover sheet or a note before the title does not hide it from the plan check.
    for n, line in enumerate(lines[15:200], start=16):
        s = squash(line).lstrip("#").strip()
        m = _TITLE_LINE.match(s)
        if m and not m.group(1).startswith(("【", "各")) and not m.group(1)[0].isdigit():
            return m.group(1).rstrip("の"), n
    return None


_TITLE_LINE = re.compile(r"^([^、。]{2,60}?プラン)の?進捗状況(?:[（(][^）)]*[）)])?(?:について)?$")


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
    """The same error with its line numbers (and 'on line N' in its text) of the file."""
    if exc.line is None or exc.path != path or not 1 <= exc.line <= len(line_numbers):
        return exc

    def file_line(n: int) -> int:
        return line_numbers[n - 1] if 1 <= n <= len(line_numbers) else n

    detail = re.sub(r"(?<=on line )\d+", lambda m: str(file_line(int(m.group(0)))), exc.detail)
    return InputError(path, detail, line=file_line(exc.line), field=exc.field)


def parse_report_text(
    text: str, path: str | Path = "<report>", vocab: Vocabulary = STANDARD
) -> ParsedReport:
    """Parse the report's text; see the module docstring for what it holds."""
    path = Path(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines, line_numbers = _undouble_repeatedly(text.split("\n"))
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


def parse_report(path: str | Path, vocab: Vocabulary = STANDARD) -> ParsedReport:
    """Read and parse a report file (UTF-8, UTF-8 with BOM or CP932)."""
    return parse_report_text(read_text(path), path, vocab)
