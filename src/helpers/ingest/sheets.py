"""A period's KPI sheet as files and rows: which file it is, whether it is a draft, its rows.

Shared by cleaning (which refuses a draft beside the sheet) and the half-year
cycle's tools (new-period carries rows, draft-kpis fills them); the rows are
read without checking them against a report (that is :mod:`helpers.ingest.kpi_sheet`).
"""

from __future__ import annotations

from pathlib import Path

from helpers.ingest.kpi_rows import read_sheet_rows

#: the columns of a KPI sheet, in the order new-period and draft-kpis write them
COLUMNS = (
    "kpi_id",
    "item_no",
    "marker",
    "indicator",
    "unit",
    "value_text",
    "prev_text",
    "target_text",
    "result_text",
    "direction",
    "note",
    "draft",
    "draft_source",
)
DRAFT_SUFFIX = ".draft"


def is_draft_file(path: Path) -> bool:
    """Whether ``path`` is a drafted sheet written by draft-kpis (``kpi_sheet.draft.xlsx``)."""
    return Path(path).stem.lower().endswith(DRAFT_SUFFIX)


def kpi_sheet_of(folder: Path) -> Path | None:
    """The KPI sheet of a period folder (``*kpi*.csv`` or ``*kpi*.xlsx``, not a draft), or None."""
    if not folder.is_dir():
        return None
    found = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file()
        and p.suffix.lower() in (".csv", ".xlsx")
        and "kpi" in p.name.lower()
        and not is_draft_file(p)
    ]
    return found[0] if found else None


def sheet_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a KPI sheet as (line, column → text), without checking them against a report."""
    sheet = read_sheet_rows(path)
    out = []
    for line, row in sheet.rows:
        cells = dict(zip(sheet.header, row, strict=False))
        out.append((line, {c: cells.get(c, "").strip() for c in COLUMNS}))
    return out
