"""Cleaning stage: one period's raw files → processed areas, items, indicators.

What a period's raw folder may hold (see data/raw/README.md):

- ``*.txt`` or ``*.pdf``: the published progress report, as text or as the city's
  PDF (one of the two, at most one; a PDF's extracted text is written beside the
  processed tables as ``report_text.txt`` for the analyst to read);
- ``*kpi*.csv`` or ``*kpi*.xlsx``: the analysts' KPI sheet (needs the report; one
  of the two, not both);
- any other ``*.csv``: a per-area status table (the areas when there is no report;
  beside a report it is compared with the report's table by the audit).

Everything is read and checked before anything is written; each file is then
written atomically, so a failure leaves the previous processed tables as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.core import paths, schema
from helpers.core.atomic import atomic_write_bytes
from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.periods import period_label, validate_period
from helpers.core.plans import Plan, load_plan
from helpers.core.tables import write_csv, write_json
from helpers.core.vocab import NOT_RATED, Vocabulary, reading_vocabulary, vocabulary_of
from helpers.ingest.area_page import is_area_page, read_area_page, title_text
from helpers.ingest.area_table import AreaTable, read_area_table
from helpers.ingest.kpi_sheet import read_kpi_sheet
from helpers.ingest.plan_sources import check_same_plan, check_title
from helpers.ingest.rawio import file_sha256, read_text
from helpers.ingest.report import ParsedReport, find_plan_name, find_plan_title, parse_report_source
from helpers.ingest.report.source import (
    ReportText,
    is_report_file,
    read_report_text,
    second_report_error,
)
from helpers.ingest.sheets import is_draft_file

RAW_SUFFIXES = {".txt", ".pdf", ".csv", ".xlsx", ".html", ".htm"}
IGNORED_SUFFIXES = {".md", ".json", ".yml", ".yaml"}


@dataclass
class RawFiles:
    report: Path | None = None
    kpi_sheet: Path | None = None
    area_tables: list[Path] = field(default_factory=list)


@dataclass
class CleanResult:
    period: str
    areas: pd.DataFrame
    items: pd.DataFrame
    indicators: pd.DataFrame
    meta: dict
    written: list[Path] = field(default_factory=list)
    report_text: str | None = None  # a PDF report's extracted text, written for the analyst


def find_raw_files(raw: Path) -> RawFiles:
    """Sort a period's raw files by kind; refuse what the workbook cannot read."""
    if not raw.is_dir():
        raise InputError(raw, say("clean.no_folder"))
    found = RawFiles()
    for p in sorted(raw.iterdir()):
        if p.name.startswith((".", "~$", "_")) or p.name.lower().startswith("readme"):
            continue  # hidden files, notes, files set aside (_old.csv), Excel's lock file
        suffix = p.suffix.lower()
        if p.is_dir():
            if suffix in RAW_SUFFIXES:  # a folder named like a raw file is a mistake, not a note
                raise InputError(p, say("clean.folder_not_file", suffix=suffix))
            continue
        if suffix in IGNORED_SUFFIXES:
            continue
        if is_report_file(p):
            if found.report is not None:
                raise second_report_error(p, found.report)
            found.report = p
        elif suffix in (".csv", ".xlsx") and "kpi" in p.name.lower():
            _check_second_sheet(p, found.kpi_sheet)
            found.kpi_sheet = p
        elif suffix == ".csv" or is_area_page(p):
            found.area_tables.append(p)
        else:
            raise InputError(
                p,
                say("clean.unsupported"),
            )
    if found.kpi_sheet is not None and found.report is None:
        raise InputError(
            found.kpi_sheet,
            say("clean.kpi_without_report"),
        )
    if found.report is None and not found.area_tables:
        raise InputError(raw, say("clean.nothing"))
    if len(found.area_tables) > 1 and found.report is None:
        names = "、".join(t.name for t in found.area_tables)
        raise InputError(raw, say("clean.two_area_tables", n=len(found.area_tables), names=names))
    return found


def _check_second_sheet(p: Path, first: Path | None) -> None:
    """One KPI sheet per period: a drafted sheet or a CSV beside an .xlsx is refused, saying why."""
    drafted = next((x for x in (p, first) if x is not None and is_draft_file(x)), None)
    if drafted is not None:
        raise InputError(
            drafted,
            say("clean.draft_in_folder"),
        )
    if first is not None:
        raise InputError(
            p,
            say("clean.second_sheet", first=first.name),
        )


def _item_ranges(areas: pd.DataFrame) -> pd.DataFrame:
    areas = areas.copy()
    areas["item_to"] = areas["items"].cumsum()
    areas["item_from"] = areas["item_to"] - areas["items"] + 1
    return areas


def _listed_items(report: ParsedReport | None) -> dict[int, dict]:
    """The items the report lists, by number (a re-listed item under each of its numbers)."""
    listed: dict[int, dict] = {}
    for item in report.items if report is not None else []:
        for no in item.numbers:
            others = [n for n in item.numbers if n != no]
            listed[no] = {
                "item_name": item.name,
                "status": item.status,
                "status_basis": "listed",
                "relisted_as": ",".join(map(str, others)) or None,
                "progress": item.progress or None,
                "causes": item.causes,
                "next_steps": item.next_steps,
                "source_line": item.line,
            }
    return listed


def _settled_status(area: dict, numbers: range, listed: dict, vocab: Vocabulary) -> str | None:
    """The status of an area's unlisted items where the counts settle it, else None.

    The listed (ahead and behind) items must equal the table's counts of those
    codes, the scale must have one code besides them (A in S/A/B), and the area
    no item outside the scale (対象外).
    """
    if len(vocab.on_track) != 1 or int(area.get(NOT_RATED, 0) or 0):
        return None
    settled = all(
        sum(1 for n in numbers if listed.get(n, {}).get("status") == code) == area[code]
        for code in vocab.listed
    )
    return vocab.on_track[0] if settled else None


def build_items(
    areas: pd.DataFrame, report: ParsedReport | None, vocab: Vocabulary | None = None
) -> pd.DataFrame:
    """One row per item number of the plan.

    Listed items take the report's status and texts. An unlisted item is on
    schedule (A) only where the counts settle it: its area's listed ahead and
    behind items equal the table's counts of those codes, so all the others of
    that area have the one remaining code. Otherwise NA.
    """
    vocab = vocab or vocabulary_of(None)
    listed = _listed_items(report)
    rows = []
    for area in _item_ranges(areas).to_dict("records"):
        numbers = range(int(area["item_from"]), int(area["item_to"]) + 1)
        settled = _settled_status(area, numbers, listed, vocab)
        for n in numbers:
            base = {"item_no": n, "area_no": int(area["area_no"])}
            if n in listed:
                rows.append(base | listed[n])
            elif settled:
                rows.append(base | {"status": settled, "status_basis": "inferred from counts"})
            else:
                rows.append(base)
    return schema.frame(rows, "items")


def _areas_from_report(report: ParsedReport, vocab: Vocabulary) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"area_no": a.area_no, "area_name": a.area_name, "items": a.items}
            | {code: a.counts[code] for code in vocab.count_columns()}
            | {"source_line": a.line}
            for a in report.areas
        ]
    )


def _source(path: Path) -> dict:
    return {"file": path.name, "sha256": file_sha256(path)}


def _read_report(path: Path, period: str, plan: Plan) -> ParsedReport:
    """The report of ``period``; refused when it is as of another period or of another plan."""
    if plan.scales:
        raise InputError(
            path,
            "尺度が2つ以上の計画（plan.toml の [scales]）は、報告書のテキストではなく分野別の表"
            "（CSV、各尺度の区分の列を持つもの）から読みます: 報告書のテキストをフォルダから除き、"
            "表を置いてください",
        )
    source = read_report_text(path)
    try:
        _check_plan(plan, period, path, source.text)
        report = parse_report_source(source, plan.vocab)
        if report.period_id is not None and report.period_id != period:
            raise InputError(
                path,
                say(
                    "clean.other_period",
                    label=period_label(report.period_id),
                    id=report.period_id,
                    period=period,
                    folder_label=period_label(period),
                ),
                line=1,
            )
    except InputError as exc:
        relocated = source.relocate(exc)
        if relocated is exc:
            raise
        raise relocated from None
    return report


def _area_table_meta(table: AreaTable, vocab: Vocabulary) -> dict:
    """A per-area table given beside the report, kept for the audit to compare."""
    cols = ["area_no", "area_name", "items", *vocab.count_columns()]
    return {"file": table.path.name, "areas": table.areas[cols].to_dict("records")}


def _report_meta(report: ParsedReport, vocab: Vocabulary) -> dict:
    """What the audit and the report need of the report's text: counts, headings, lists, texts."""
    items = report.items
    return {
        "summary": {"total": report.summary.total, "relisted": report.summary.relisted}
        | {code: report.summary.counts[code] for code in vocab.count_columns()}
        | {"line": report.summary.line, "text": report.summary.text},
        "totals": report.totals | {"line": report.totals_line},
        "headings": {
            s: {"count": h.count, "relisted": h.relisted, "line": h.line, "text": h.text}
            for s, h in report.headings.items()
        },
        "listed": {
            s: sorted(n for it in items if it.status == s for n in it.numbers) for s in vocab.listed
        },
        "status_basis": sorted({it.status_basis for it in items}),
        # a re-listed item's texts are kept once, under its first number
        "item_aliases": {str(n): str(it.numbers[0]) for it in items for n in it.numbers[1:]},
        "item_texts": {
            str(it.numbers[0]): {
                "progress": it.progress,
                "causes": it.causes,
                "next_steps": it.next_steps,
            }
            for it in items
        },
    }


def _check_plan(plan: Plan, period: str, path: Path, text: str | None = None) -> None:
    """A source of another plan is refused: against plan.toml, or else against the other periods."""
    text = read_text(path) if text is None else text
    title = check_title(plan, path, text)
    if title is not None:
        check_same_plan(plan, period, path, title, find_plan_title(text)[1])


def _read_table(path: Path, plan: Plan, period: str) -> AreaTable:
    """A per-area table of the plan; refused when its title names another plan."""
    if is_area_page(path):
        table = read_area_page(path, plan.vocab)
        _check_plan(plan, period, path, title_text(table))
        return table
    _check_plan(plan, period, path)
    return read_area_table(path, reading_vocabulary(plan.scales or (plan.vocab,)))


def _areas_of_report(files: RawFiles, report: ParsedReport, meta: dict, plan: Plan) -> pd.DataFrame:
    """The areas of the report's table; per-area tables beside it go into meta for the audit."""
    meta["plan_name"] = plan.name or _title(report.source.text)
    for extra in files.area_tables:
        table = _read_table(extra, plan, meta["period"])
        meta.setdefault("area_tables", []).append(_area_table_meta(table, plan.vocab))
        meta["sources"][f"area_table:{extra.name}"] = _source(extra) | table.provenance
    meta["sources"]["report"] = _source(files.report) | report.source.provenance()
    if report.source.pdf is not None:
        meta["sources"]["report"]["text_file"] = paths.REPORT_TEXT_FILE
    meta.update(_report_meta(report, plan.vocab))
    return _areas_from_report(report, plan.vocab)


def _title(text: str) -> str | None:
    return find_plan_name(text)


def _areas_of_table(path: Path, meta: dict, plan: Plan) -> pd.DataFrame:
    """The areas of a per-area table, the period's only source."""
    table = _read_table(path, plan, meta["period"])
    title = title_text(table) if is_area_page(path) else read_text(path)
    meta["plan_name"] = plan.name or _title(title)
    meta["sources"]["area_table"] = _source(path) | table.provenance
    if table.totals is not None:
        meta["totals"] = table.totals | {"line": table.totals_line}
    return table.areas.rename(columns={"line": "source_line"})


def _plan_meta(plan: Plan) -> dict:
    return {
        "plan": plan.id,
        "plan_years": [plan.first_year, plan.last_year],
        "vocabulary": plan.vocab.to_dict(),
        "scales": [v.to_dict() for v in plan.scales],
        "months": list(plan.months),
    }


def clean_period(
    period: str,
    data_dir: str | Path | None = None,
    *,
    plan: str | None = None,
    write: bool = True,
) -> CleanResult:
    """Read and check a period's raw files; write areas, items, indicators and meta.

    ``plan`` is the plan's folder id (None: the only plan); its ``plan.toml``
    gives the status vocabulary and the name the sources' titles must carry.
    The tables have the columns and dtypes of :mod:`helpers.core.schema`.

    Raises
    ------
    InputError
        Naming the file and line of the first fault; nothing is written then.
    """
    validate_period(period)
    the_plan = load_plan(paths.data_dir(data_dir), plan)
    files = find_raw_files(paths.raw_dir(period, data_dir, the_plan.id))
    meta: dict = {"period": period, "label": period_label(period), "sources": {}}
    meta |= _plan_meta(the_plan)
    report = None
    if files.report is not None:
        report = _read_report(files.report, period, the_plan)
        areas = _areas_of_report(files, report, meta, the_plan)
    else:
        areas = _areas_of_table(files.area_tables[0], meta, the_plan)
    areas = schema.conform(_item_ranges(areas), "areas")
    items = build_items(areas, report, the_plan.vocab)
    if files.kpi_sheet is not None:
        indicators = schema.conform(read_kpi_sheet(files.kpi_sheet, report), "indicators")
        meta["sources"]["kpi_sheet"] = _source(files.kpi_sheet)
    else:
        indicators = schema.frame([], "indicators")
    meta["has_items"] = report is not None
    meta["has_indicators"] = files.kpi_sheet is not None
    result = CleanResult(period, areas, items, indicators, meta)
    if report is not None and report.source.pdf is not None:
        result.report_text = report_text_for_reader(report.source)
    if write:
        write_cleaned(result, paths.processed_dir(period, data_dir, the_plan.id))
    return result


def report_text_for_reader(source: ReportText) -> str:
    """A PDF report's extracted text as written for the analyst: line N is the parser's line N."""
    return source.text + "\n"


def write_cleaned(result: CleanResult, out: Path) -> list[Path]:
    """Write a cleaning's areas, items, indicators and meta (and a PDF's text) into ``out``."""
    result.written = [
        write_csv(result.areas, out / "areas.csv"),
        write_csv(result.items, out / "items.csv"),
        write_csv(result.indicators, out / "indicators.csv"),
        write_json(result.meta, out / "meta.json"),
    ]
    target = out / paths.REPORT_TEXT_FILE
    if result.report_text is not None:
        result.written.append(atomic_write_bytes(target, result.report_text.encode("utf-8")))
    elif target.is_file() and not target.is_symlink():
        target.unlink()  # the workbook's text of a PDF report the folder no longer holds
    return result.written
