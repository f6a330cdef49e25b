"""What a parsed progress report holds: its summary, area rows, list headings and items."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
