"""What a parsed progress report holds: its summary, area rows, list headings and items."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.ingest.report.source import ReportText


@dataclass
class Summary:
    total: int
    relisted: int | None
    counts: dict[str, int]
    line: int
    text: str


@dataclass
class AreaRow:
    """One row of the per-area table: its counts by code of the plan's scale (and
    ``not_rated``, where the plan has items outside it), readable as ``row.S``."""

    area_no: int
    area_name: str
    items: int
    counts: dict[str, int]
    line: int

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts") or {}
        if name in counts:
            return counts[name]
        raise AttributeError(name)


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
    source: ReportText | None = None  # the text parsed, and the PDF it came from if any

    @property
    def total_items(self) -> int:
        return sum(a.items for a in self.areas)

    def line_words(self, line: int) -> str:
        """Where line ``line`` of the parsed text is, in Japanese: 53行, or for a PDF 3ページ12行."""
        pdf = self.source.pdf if self.source is not None else None
        place = pdf.place(line) if pdf is not None else None
        return f"{place[0]}ページ{place[1]}行" if place else f"{line}行"

    def area_of(self, item_no: int) -> int | None:
        """Area number of an item number, from the table's counts."""
        upto = 0
        for area in self.areas:
            upto += area.items
            if item_no <= upto:
                return area.area_no
        return None
