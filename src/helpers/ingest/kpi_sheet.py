"""The analysts' KPI sheet: one row per KPI of the items ahead of or behind schedule.

Its value, previous-value-or-change and target cells hold the text exactly as
the report states it (``9,718人``, ``1 万人以上``, ``前年度から 159万円の減``,
``未算出``); nothing computed by hand goes into it. Each such text is checked
against the report's text of that item, after width and whitespace
normalisation, and a sheet whose text the report does not contain is refused.

An item listed twice (No. 7 and 41, 再掲) takes its KPIs under its first
number only; a sheet with a header and no rows is refused (a period without
KPIs has no sheet).

The sheet's rows are read by :mod:`helpers.ingest.kpi_rows` (columns: see there), their
texts checked against the report by :mod:`helpers.ingest.kpi_figures`; this module
parses each row into an indicator row.

The sheet may be ``kpi_sheet.csv`` or ``kpi_sheet.xlsx`` (one worksheet, the same
columns; :mod:`helpers.ingest.sheet_xlsx`): the same checks apply, and an Excel sheet's
faults name the sheet, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers.core.errors import Faults, InputError
from helpers.core.jpnum import (
    NumberError,
    Target,
    bound_word,
    looks_like_change,
    parse_change,
    parse_quantity,
    parse_result,
    parse_target,
    says_missing,
    stated_range,
    to_float,
)
from helpers.core.messages import say
from helpers.core.schema import INDICATOR_COLUMNS, NUMBER_COLUMNS
from helpers.core.textnorm import collapse, squash
from helpers.ingest.kpi_figures import ItemIndex, check_figures, check_wording
from helpers.ingest.kpi_rows import (
    OPTIONAL,
    REQUIRED,
    RowFault,
    check_columns,
    read_sheet_rows,
    refuse_drafts,
)
from helpers.ingest.report import ListedItem, ParsedReport

# Indicators for which a lower value is better, recognised by name.
LOWER_IS_BETTER = (
    "経常収支比率",
    "公債費比率",
    "公債費負担比率",
    "将来負担比率",
    "人件費比率",
    "待機児童",
    "時間外勤務",
    "超過勤務",
    "滞納",
    "未収",
    "不納欠損",
    "ごみ排出量",
    "事故",
    "苦情",
)
DIRECTION_WORDS = {
    "higher": "higher",
    "high": "higher",
    "高": "higher",
    "高いほど良い": "higher",
    "lower": "lower",
    "low": "lower",
    "低": "lower",
    "低いほど良い": "lower",
}


def infer_direction(indicator: str) -> str:
    """'lower' for indicators where less is better (経常収支比率), else 'higher'."""
    s = squash(indicator)
    return "lower" if any(word in s for word in LOWER_IS_BETTER) else "higher"


_NO_NUMBER_TARGETS = ("achieved", "yes_no")


@dataclass
class _Sheet:
    """What the rows of one sheet share: the listed items, their indexes, what was seen."""

    report: ParsedReport
    header: list[str]
    listed: dict[int, ListedItem]
    indexes: dict[int, ItemIndex] = field(default_factory=dict)
    seen: dict[tuple[int, str], int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)

    def index(self, item_no: int) -> ItemIndex:
        if item_no not in self.indexes:
            self.indexes[item_no] = ItemIndex.of(self.listed[item_no])
        return self.indexes[item_no]


def _record(header: list[str], row: list[str]) -> dict[str, str]:
    if len(row) != len(header):
        raise RowFault(None, say("areas.fields", got=len(row), want=len(header)))
    cells = dict(zip(header, row, strict=True))
    return {k: cells.get(k, "").strip() for k in REQUIRED + OPTIONAL}


def _item_no(rec: dict[str, str], listed: dict[int, ListedItem]) -> int:
    if not re.fullmatch(r"\d{1,3}", squash(rec["item_no"])):
        raise RowFault("item_no", say("kpi.not_item_no", text=rec["item_no"]))
    item_no = int(squash(rec["item_no"]))
    if item_no not in listed:
        raise RowFault(
            "item_no",
            say("kpi.not_listed", no=item_no, listed=", ".join(map(str, sorted(listed)))),
        )
    first = listed[item_no].numbers[0]
    if item_no != first:
        # a KPI under both numbers would be counted twice
        raise RowFault(
            "item_no",
            say("kpi.relisted", no=item_no, first=first),
        )
    return item_no


def _check_unique(rec: dict[str, str], item_no: int, line: int, sheet: _Sheet) -> None:
    if not rec["indicator"]:
        raise RowFault("indicator", say("kpi.no_indicator"))
    key = (item_no, squash(rec["marker"]) + squash(rec["indicator"]))
    if key in sheet.seen:
        raise RowFault(
            "indicator",
            say("kpi.repeats", name=rec["indicator"], no=item_no, line=sheet.seen[key]),
        )
    sheet.seen[key] = line


_KPI_ID_RE = re.compile(r"^(\d+)-(\d+)$")


def _kpi_id(rec: dict[str, str], item_no: int, line: int, sheet: _Sheet) -> str:
    """The KPI's id: the sheet's ``kpi_id`` column (new-period writes it), else item-counter."""
    given = squash(rec.get("kpi_id", ""))
    if not given:
        return f"{item_no}-{sheet.counters[item_no]}"
    m = _KPI_ID_RE.match(given)
    if not m or int(m.group(1)) != item_no:
        raise RowFault(
            "kpi_id",
            say("kpi.bad_kpi_id", text=rec["kpi_id"], no=item_no),
        )
    if given in sheet.ids:
        raise RowFault("kpi_id", say("kpi.kpi_id_twice", id=given, line=sheet.ids[given]))
    sheet.ids[given] = line
    return given


def _direction(rec: dict[str, str]) -> tuple[str, str]:
    """Direction and its basis: the sheet's column, else inferred from the indicator's name."""
    word = squash(rec["direction"]).lower()
    if not word:
        return infer_direction(rec["indicator"]), "inferred from name"
    if word not in DIRECTION_WORDS:
        raise RowFault("direction", say("kpi.bad_direction", text=rec["direction"]))
    return DIRECTION_WORDS[word], "sheet"


def _check_unit(name: str, got: str | None, unit: str | None, what: str) -> None:
    if not (unit and got and got != unit):
        return
    if name == "value_text":
        # the value is checked against the report's wording; the unit column is not
        raise RowFault(
            "unit",
            say("kpi.unit_column", unit=unit, got=got),
        )
    raise RowFault(name, say("kpi.unit_differs", got=got, what=what, unit=unit))


def _not_one_figure(text: str, unit: str | None) -> bool:
    """A range (9,700～9,800人) or a bound (9,718人台, 100件以上) as the report states it:
    the text stands, but no one figure is its value (never one end: missing, not a guess)."""
    return stated_range(text) or bound_word(text, unit) is not None


def _parse_value(text: str, unit: str | None) -> tuple[Decimal | None, bool, bool | None]:
    """Value, approx (約) and, for a value without a number, whether it was done."""
    if not text or says_missing(text):
        return None, False, None
    if not re.search(r"\d", squash(text)):
        flag = parse_result(text)
        if flag is None:
            raise RowFault("value_text", say("kpi.no_number_no_flag", text=text))
        return None, False, flag
    if _not_one_figure(text, unit):
        return None, False, None
    q = parse_quantity(text, unit)
    _check_unit("value_text", q.unit, unit, say("kpi.what_value"))
    return q.value, q.approx, None


@dataclass(frozen=True)
class _Prev:
    value: Decimal | None = None
    derived: bool = False
    approx: bool = False
    change: Decimal | None = None


def _parse_prev(
    text: str, unit: str | None, direction: str, value: Decimal | None, approx: bool
) -> _Prev:
    """The previous value as stated, or derived from a stated change (prev = value − change)."""
    if not text or says_missing(text):
        return _Prev()
    if looks_like_change(text):
        ch = parse_change(text, unit, direction)
        _check_unit("prev_text", ch.unit, unit, "the change")
        if value is None:
            return _Prev(change=ch.amount)
        return _Prev(value - ch.amount, True, approx, ch.amount)
    if _not_one_figure(text, unit):
        return _Prev()
    q = parse_quantity(text, unit)
    _check_unit("prev_text", q.unit, unit, "the previous value")
    return _Prev(q.value, False, q.approx)


def _parse_target(text: str, unit: str | None, value: Decimal | None) -> Target:
    target = parse_target(text, unit)
    if target.kind not in _NO_NUMBER_TARGETS:
        _check_unit("target_text", target.unit, unit, "the target")
    if target.kind == "yes_no" and value is not None:
        raise RowFault("target_text", say("kpi.yes_no_target"))
    return target


def _numbers(
    rec: dict[str, str], unit: str | None, direction: str
) -> tuple[tuple[Decimal | None, bool, bool | None], _Prev, Target]:
    """Value, previous value and target, each NumberError named by its field."""
    name = "value_text"
    try:
        value, approx, flag = _parse_value(rec["value_text"], unit)
        name = "prev_text"
        prev = _parse_prev(rec["prev_text"], unit, direction, value, approx)
        name = "target_text"
        target = _parse_target(rec["target_text"], unit, value)
    except NumberError as exc:
        raise RowFault(name, str(exc)) from None
    return (value, approx, flag), prev, target


def _source_quote(rec: dict[str, str], index: ItemIndex) -> str | None:
    for needle in (rec["value_text"], rec["target_text"], rec["result_text"]):
        quote = index.quote(needle) if needle else None
        if quote:
            return quote
    return None


def _stated_met(rec: dict[str, str], target: Target) -> bool | None:
    if rec["result_text"]:
        return parse_result(rec["result_text"])
    return True if target.kind == "achieved" else None


def _parse_row(line: int, row: list[str], sheet: _Sheet) -> dict:
    """One sheet row checked against the report and parsed into an indicator row."""
    rec = _record(sheet.header, row)
    item_no = _item_no(rec, sheet.listed)
    _check_unique(rec, item_no, line, sheet)
    index = sheet.index(item_no)
    check_wording(rec, item_no, index)
    check_figures(rec)
    unit = squash(rec["unit"]) or None
    direction, direction_basis = _direction(rec)
    (value, approx, flag), prev, target = _numbers(rec, unit, direction)
    if direction_basis != "sheet" and target.kind in ("at_most", "less_than"):
        # 以下/未満 targets say themselves that lower is better
        direction, direction_basis = "lower", "inferred from target (以下/未満)"
    sheet.counters[item_no] = sheet.counters.get(item_no, 0) + 1
    return {
        "kpi_id": _kpi_id(rec, item_no, line, sheet),
        "item_no": item_no,
        "area_no": sheet.report.area_of(item_no),
        "item_status": index.item.status,
        "marker": rec["marker"] or None,
        "indicator": collapse(rec["indicator"]),
        "unit": unit,
        "value": to_float(value),
        "value_text": rec["value_text"] or None,
        "approx": approx,
        "value_flag": flag,
        "prev_value": to_float(prev.value),
        "prev_text": rec["prev_text"] or None,
        "prev_derived": prev.derived,
        "prev_approx": prev.approx,
        "change_stated": to_float(prev.change),
        "target_kind": target.kind,
        "target_low": to_float(target.low),
        "target_high": to_float(target.high),
        "target_high_open": target.high_open,
        "target_value": to_float(target.value),
        "target_text": rec["target_text"] or None,
        "result_text": rec["result_text"] or None,
        "stated_met": _stated_met(rec, target),
        "direction": direction,
        "direction_basis": direction_basis,
        "source_quote": _source_quote(rec, index),
        "note": rec["note"] or None,
        "sheet_line": line,
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    for col in NUMBER_COLUMNS:
        df[col] = df[col].astype("Float64")
    for col in ("value_flag", "stated_met"):
        df[col] = df[col].astype("boolean")
    return df


def read_kpi_sheet(path: str | Path, report: ParsedReport) -> pd.DataFrame:
    """Read, check against ``report`` and parse the KPI sheet (.csv or .xlsx) into indicator rows.

    Raises
    ------
    InputError
        Naming the file, line (an Excel sheet: sheet, row, column) and field of
        the fault; a sheet with faults in several rows is refused once, listing
        them all (:class:`helpers.core.errors.InputErrors`, up to 50 then a
        count); rows with unconfirmed drafts are refused all at once.
    """
    sheet = read_sheet_rows(path, defer_cell_faults=True)
    faults = Faults(sheet.path)
    skipped: set[int] = set()
    if sheet.xlsx is not None:  # an Excel sheet's cells that are not text, told with the rest
        for fault in sheet.xlsx.cell_faults:
            faults.add(fault)
        skipped = sheet.xlsx.faulty_rows
    try:
        check_columns(sheet)
        refuse_drafts(sheet)
    except InputError as exc:  # without its columns no row can be read: refused now
        faults.add(exc)
        faults.refuse()
    listed = {no: item for item in report.items for no in item.numbers}
    state = _Sheet(report, sheet.header, listed)
    out = []
    for line, row in sheet.rows:
        if line in skipped:
            continue  # a row with a refused cell is checked once the cell is text
        try:
            out.append(_parse_row(line, row, state))
        except RowFault as fault:
            faults.add(sheet.error(fault.message, line, fault.field))
    faults.items.sort(key=lambda f: f.line or 0)
    faults.refuse()
    return _frame(out)
