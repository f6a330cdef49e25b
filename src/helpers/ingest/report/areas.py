"""The per-area table 【表１】: area rows (number, name, （N項目）, a count per level) and its 計 row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.textnorm import ROMAN_NUMERALS, collapse, squash
from helpers.core.vocab import NOT_RATED, STANDARD, Vocabulary
from helpers.ingest.report.lines import open_brackets, read_count
from helpers.ingest.report.model import AreaRow

_ROMAN = ROMAN_NUMERALS


def _area_block_start(lines: list[str], path: Path) -> int:
    for i, line in enumerate(lines):
        s = squash(line)
        if s.startswith("【表") or (s.startswith("分野") and i + 1 < len(lines)):
            return i
    raise InputError(path, say("report.no_area_table"))


def _column_order(header_text: str, path: Path, line: int, vocab: Vocabulary) -> list[str]:
    """The order of the count columns: by their (S) (A) (B) marks, else by their labels
    (the not-rated column, 対象外, by its label)."""
    pos = {}
    for status in vocab.count_columns():
        m = re.search(rf"[(（]{status}[)）]", header_text) if status != NOT_RATED else None
        if m:
            pos[status] = m.start()
            continue
        words = vocab.keywords[status] if status != NOT_RATED else vocab.not_rated
        found = [p for k in words if (p := squash(header_text).find(squash(k))) >= 0]
        if not found:
            raise InputError(
                path,
                f"分野別の表の見出しに {vocab.display(status)} の列がありません"
                "（plan.toml の [status] のラベルと見出しを照らし合わせてください）",
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
        say("report.no_area_rows"),
        line=start + 1,
    )


def _new_area(
    raw: str, current: _AreaDraft | None, line: int, n_counts: int
) -> tuple[_AreaDraft, str] | None:
    """A new area row starting on this line, and the rest of the line.

    A numbered line starts an area only once the previous area is complete, so
    that a faulty counts line ("1 x 2") is reported as such.
    """
    found = _area_start(raw)
    roman = raw.strip()[:1] in _ROMAN
    if not found or not (roman or current is None or len(current.nums) >= n_counts):
        return None
    no, rest = found
    return _AreaDraft(no, line), collapse(rest)


def _add_area_text(area: _AreaDraft, text: str, path: Path, line: int) -> None:
    """Add a line's text to an area row: name until （N項目）, then counts."""
    if area.items is None:
        m_items = _ITEM_COUNT_RE.search(text)
        if not m_items and open_brackets(area.name):
            # the count wrapped inside its bracket (a narrow table cell): （ / 3項目）
            text, area.name = area.name + text.strip(), ""
            m_items = _ITEM_COUNT_RE.search(text)
        if not m_items:
            area.name += text.replace(" ", "")
            return
        area.name += collapse(text[: m_items.start()]).replace(" ", "")
        area.items = read_count(
            m_items.group(1), path, line, say("report.what_item_count", area=area.no)
        )
        text = text[m_items.end() :]
    text = text.strip()
    if not text:
        return
    if not re.fullmatch(r"[\d\s]+", text):
        raise InputError(path, say("report.counts_not_whole", area=area.no, text=text), line=line)
    area.nums.extend(
        read_count(n, path, line, say("report.what_area_count", area=area.no)) for n in text.split()
    )


def _finish_area(area: _AreaDraft, order: list[str], path: Path) -> AreaRow:
    if area.items is None:
        raise InputError(
            path, say("report.no_item_count", area=area.no, name=area.name), line=area.line
        )
    if len(area.nums) != len(order):
        raise InputError(
            path,
            say(
                "report.three_counts",
                area=area.no,
                name=area.name,
                want=len(order),
                codes=" ".join(order),
                n=len(area.nums),
                nums=" ".join(map(str, area.nums)) or "なし",
            ),
            line=area.line,
        )
    counts = dict(zip(order, area.nums, strict=True))
    return AreaRow(area.no, area.name, area.items, counts, area.line)


def _total_counts(rest: str, order: list[str], path: Path, line: int) -> dict[str, int]:
    nums = re.findall(r"\d+", rest)
    if len(nums) != len(order) or not re.fullmatch(r"[\d\s]*", rest):
        raise InputError(
            path,
            say("report.totals_counts", want=len(order), codes=" ".join(order), rest=rest),
            line=line,
        )
    return dict(
        zip(
            order, (read_count(n, path, line, say("report.what_totals")) for n in nums), strict=True
        )
    )


def _cells_below(lines: list[str], j: int, wanted: int) -> str:
    """The counts of a 計 row printed one per line below it (a table's cells in reading order)."""
    found: list[str] = []
    for line in lines[j + 1 :]:
        text = collapse(line)
        if len(found) >= wanted or not re.fullmatch(r"\d*", text.replace(" ", "")):
            break
        found += text.split()
    return " " + " ".join(found) if found else ""


def _read_area_rows(
    lines: list[str], first: int, order: list[str], path: Path, start: int
) -> tuple[list[AreaRow], dict[str, int], int]:
    """Area rows from ``first`` up to the 計 row: (rows, totals, 1-based line of 計)."""
    areas: list[AreaRow] = []
    current: _AreaDraft | None = None
    for j in range(first, len(lines)):
        text = collapse(lines[j])
        new = _new_area(lines[j], current, j + 1, len(order))
        if new:
            if current:
                areas.append(_finish_area(current, order, path))
            current, text = new
        if current is None:
            continue
        m_total = _TOTAL_RE.match(text)
        if m_total and current.nums:
            areas.append(_finish_area(current, order, path))
            rest = m_total.group(1) + _cells_below(lines, j, 3 - len(re.findall(r"\d+", text)))
            return areas, _total_counts(rest, order, path, j + 1), j + 1
        _add_area_text(current, text, path, j + 1)
    raise InputError(
        path,
        say("report.no_totals"),
        line=current.line if current else start + 1,
    )


def _check_area_numbers(areas: list[AreaRow], path: Path) -> None:
    for want, area in enumerate(areas, start=1):
        if area.area_no != want:
            raise InputError(
                path,
                say("report.area_order", got=area.area_no, want=want),
                line=area.line,
            )


def parse_area_table(
    lines: list[str], path: Path, vocab: Vocabulary = STANDARD
) -> tuple[list[AreaRow], dict[str, int], int]:
    """Rows of the per-area table and its 計 row.

    Returns the area rows, the totals (per code) and the 1-based line of the 計 row.
    """
    start = _area_block_start(lines, path)
    first = _first_area_row(lines, start, path)
    order = _column_order(squash("".join(lines[start:first])), path, start + 1, vocab)
    areas, totals, totals_line = _read_area_rows(lines, first, order, path, start)
    _check_area_numbers(areas, path)
    return areas, totals, totals_line
