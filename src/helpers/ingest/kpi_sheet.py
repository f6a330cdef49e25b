"""The analysts' KPI sheet: one row per KPI of the items ahead of or behind schedule.

Its value, previous-value-or-change and target cells hold the text exactly as
the report states it (``9,718人``, ``1 万人以上``, ``前年度から 159万円の減``,
``未算出``); nothing computed by hand goes into it. Each such text is checked
against the report's text of that item, after width and whitespace
normalisation, and a sheet whose text the report does not contain is refused.
Figures are matched whole: ``718人`` is not in ``9,718人`` and ``2.6%`` is not
in ``92.6%`` (a match may neither start nor end inside a figure of the report,
its digits, thousands separators, decimal point, ▲/△/− sign and 万/億 included;
``、`` before exactly three digits counts as a separator, so ``718人`` is not in
``9、718人`` either). Nor is a figure matched where the report goes on with a
word that changes its meaning (``jpnum.QUALIFIERS``: 以上 以下 未満 以内 超 台
強 弱 余 程度 前後 ほど くらい ぐらい): ``80%`` is not in ``80%台``, and the
message gives the form as printed.

Each figure field (value, previous value or change, target) must be readable
one way only, else the row is refused naming the field:

- one figure per field (two for an explicit target range 80～90%); dates and
  era years (平成29年度末) do not count, nor do the spaces of PDF text (1 万人);
- no ``ー`` (or ― —) right before a digit: PDF text gives it for a printed minus
  or dash; the analyst writes − or △ as the PDF prints it;
- no ``、`` between a digit and three more (a thousands separator or a list?);
- a previous-value text is a previous value as printed (9,855人) or a change
  with its words (前年度から159万円の減, 前年度比△159万円, 前年度比 −159万円,
  each a decrease); a signed figure without words (−159万円, △159万円) is
  refused: it could be either.

An item listed twice (No. 7 and 41, 再掲) takes its KPIs under its first
number only; a sheet with a header and no rows is refused (a period without
KPIs has no sheet).

Each item's text is normalised and indexed once, so the check costs the same
for every row, whatever the size of the sheet.

Columns (see data/raw/README.md):

- ``item_no``: the item's number in the report (required)
- ``marker``: ①②③ for a sub-indicator, as printed (optional)
- ``indicator``: the KPI's name (required)
- ``unit``: 人, 件, 円, %, 地区 … the base unit (required; blank for yes/no)
- ``value_text``: the value as stated, or blank if the report states none
- ``prev_text``: the previous value, or the stated change (前年度から…の減)
- ``target_text``: the target as stated (1 万人以上, 80%台, 目標を達成した, 包括協定の締結)
- ``result_text``: what the report says of the target (達成できなかった) (optional)
- ``direction``: higher / lower is better; blank = inferred from the name (optional)
- ``note``: free text (optional)
- ``draft``: empty once the analyst has checked the row; ``要確認`` (or any other
  text) marks a row drafted by ``reform-workbook draft-kpis`` or carried by
  ``new-period`` and not yet checked: a sheet with such rows is refused, naming
  them (optional; see :mod:`helpers.cycle.drafts`)
- ``draft_source``: where a drafted text was found (file, line, sentence); not
  checked (optional)

The sheet may be ``kpi_sheet.csv`` or ``kpi_sheet.xlsx`` (one worksheet, the same
columns; :mod:`helpers.ingest.sheet_xlsx`): the same checks apply, and an Excel sheet's
faults name the sheet, row and column.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers.core.errors import InputError
from helpers.core.jpnum import (
    QUALIFIERS,
    UNIT_ALIASES,
    NumberError,
    Target,
    ambiguous_dash,
    bare_signed,
    figures,
    is_missing,
    looks_like_change,
    parse_change,
    parse_quantity,
    parse_result,
    parse_target,
    to_float,
)
from helpers.core.schema import INDICATOR_COLUMNS, NUMBER_COLUMNS
from helpers.core.textnorm import collapse, squash
from helpers.ingest.rawio import read_text
from helpers.ingest.report_parser import ListedItem, ParsedReport
from helpers.ingest.sheet_xlsx import read_xlsx_rows

REQUIRED = ("item_no", "indicator", "unit", "value_text", "prev_text", "target_text")
OPTIONAL = ("marker", "result_text", "direction", "note", "draft", "draft_source")
TEXT_FIELDS = ("value_text", "prev_text", "target_text", "result_text", "marker")

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


@dataclass
class SheetRows:
    """A KPI sheet's header and data rows as texts, CSV or Excel, and how to name a place in it."""

    path: Path
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    xlsx: object | None = None  # a sheet_xlsx.XlsxRows for an Excel sheet

    def error(self, message: str, line: int | None = None, field: str | None = None) -> InputError:
        """The error for a fault at ``line`` (a CSV line, an Excel row) and ``field``."""
        if self.xlsx is not None:
            return self.xlsx.error(self.path, message, line, field)
        return InputError(self.path, message, line=line, field=field)


def _csv_rows(path: Path) -> tuple[list[str], int, list[tuple[int, list[str]]]]:
    text = read_text(path)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if row[0].lstrip().startswith("#"):
                continue
            rows.append((line, row))
    except csv.Error as exc:
        raise InputError(path, f"not valid CSV: {exc}", line=reader.line_num) from None
    if not rows:
        raise InputError(path, "the KPI sheet has no header row")
    return [c.strip() for c in rows[0][1]], rows[0][0], rows[1:]


def read_sheet_rows(path: str | Path) -> SheetRows:
    """The rows of a KPI sheet, ``.csv`` or ``.xlsx``, as texts (nothing checked but the form)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        x = read_xlsx_rows(path)
        sheet = SheetRows(path, x.header, x.header_row, x.rows, x)
    else:
        sheet = SheetRows(path, *_csv_rows(path))
    if not sheet.rows:
        raise sheet.error(
            "the KPI sheet has a header but no rows; if the period has no KPIs, "
            "remove the file (a period without a KPI sheet has no KPI data)",
            sheet.header_line,
        )
    return sheet


def _check_columns(sheet: SheetRows) -> None:
    known = REQUIRED + OPTIONAL
    header, line = sheet.header, sheet.header_line
    for name in header:
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            raise sheet.error(
                f"unknown column '{name}'"
                + (f" (did you mean '{hint[0]}'?)" if hint else "")
                + "; columns are "
                + ", ".join(known),
                line,
                name,
            )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise sheet.error(f"column '{dup}' appears twice", line, dup)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise sheet.error("missing column(s): " + ", ".join(missing), line)


def unconfirmed_drafts(sheet: SheetRows) -> list[tuple[int, str, str]]:
    """(line, item_no, mark) of each row whose ``draft`` cell is not empty."""
    if "draft" not in sheet.header:
        return []
    at, item = sheet.header.index("draft"), sheet.header.index("item_no")
    return [
        (line, row[item].strip() if item < len(row) else "", row[at].strip())
        for line, row in sheet.rows
        if at < len(row) and row[at].strip()
    ]


def _refuse_drafts(sheet: SheetRows) -> None:
    """No drafted row reaches a report before the analyst has checked it and emptied its mark."""
    if "draft_source" in sheet.header and "draft" not in sheet.header:
        # a drafted sheet whose marks were removed with their column, not row by row
        raise sheet.error(
            "the sheet was drafted (it has a 'draft_source' column) but its 'draft' column "
            "is gone: put the column back and empty each row's mark after checking it "
            "against the report (or delete 'draft_source' too for a sheet typed by hand)",
            sheet.rows[0][0] if sheet.rows else None,
            "draft",
        )
    drafts = unconfirmed_drafts(sheet)
    if not drafts:
        return
    where = "row" if sheet.xlsx is not None else "line"
    listed = ", ".join(f"{where} {line} (item {item}: {mark})" for line, item, mark in drafts[:12])
    more = f" and {len(drafts) - 12} more" if len(drafts) > 12 else ""
    raise sheet.error(
        f"{len(drafts)} row(s) hold unconfirmed drafts: {listed}{more}; check each drafted "
        "text against the report, correct it if needed, then empty its 'draft' cell "
        "(drafts never reach a report unconfirmed)",
        drafts[0][0],
        "draft",
    )


# A figure as the report's normalised text prints it: 9,718 / 92.6 / ▲159万 / -159万 /
# 1億2,000万 / 9割5 / 9、718 (、 before exactly three digits, as a thousands separator
# would stand). A wording match may not start or end strictly inside one.
_DIGITS = r"\d+(?:[,.]\d+|、\d{3}(?!\d))*"
_FIGURE_RE = re.compile(rf"[▲△\-ー―—‒]?{_DIGITS}(?:[百千万億兆割]+(?:{_DIGITS})?)*")
# A sheet text that ends in a figure or its unit: the report must not go on with a qualifier
_ENDS_IN_FIGURE_RE = re.compile(
    r"(?:\d|[百千万億兆割分]|" + "|".join(map(re.escape, UNIT_ALIASES)) + r")$"
)
# Targets that carry no number, whatever the unit column says
_NO_NUMBER_TARGETS = ("achieved", "yes_no")


class _Fault(Exception):
    """A fault of one sheet row: the field and what is wrong (made an InputError in one place)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Figures:
    """A normalised text, indexed once: where its figures are, and which needles it holds whole."""

    def __init__(self, squashed: str) -> None:
        self.text = squashed
        inside = bytearray(len(squashed) + 1)
        for m in _FIGURE_RE.finditer(squashed):
            inside[m.start() + 1 : m.end()] = b"\x01" * (m.end() - m.start() - 1)
        self._inside = bytes(inside)
        self._found: dict[str, bool] = {}

    def holds(self, needle: str) -> bool:
        """True if the squashed ``needle`` occurs with both ends outside any figure."""
        if needle not in self._found:
            self._found[needle] = self._search(needle)
        return self._found[needle]

    def _whole_at(self, needle: str) -> list[int]:
        """Where ``needle`` occurs with both ends outside any figure."""
        found = []
        start = self.text.find(needle)
        while start >= 0:
            if not self._inside[start] and not self._inside[start + len(needle)]:
                found.append(start)
            start = self.text.find(needle, start + 1)
        return found

    def _qualifier(self, needle: str, start: int) -> str | None:
        """The qualifier (以上, 台, …) the text goes on with after a needle ending in a figure."""
        if not _ENDS_IN_FIGURE_RE.search(needle):
            return None
        tail = self.text[start + len(needle) :]
        return next((w for w in QUALIFIERS if tail.startswith(w)), None)

    def _search(self, needle: str) -> bool:
        return any(self._qualifier(needle, at) is None for at in self._whole_at(needle))

    def qualified(self, needle: str) -> str | None:
        """``needle`` with the qualifier the text adds to it everywhere (80% → 80%台), or None."""
        for at in self._whole_at(needle):
            word = self._qualifier(needle, at)
            if word:
                return needle + word
        return None

    def nearest(self, needle: str) -> str | None:
        """The figure of the text most like ``needle`` (for a message), or None."""
        figures = [m.group(0) for m in _FIGURE_RE.finditer(self.text)]
        close = difflib.get_close_matches(needle, figures, n=1, cutoff=0.6)
        return close[0] if close else None


@dataclass
class _ItemIndex:
    """One item of the report, normalised once for every row of the sheet that cites it."""

    item: ListedItem
    figures: _Figures
    sentences: tuple[list[tuple[_Figures, str]], list[tuple[_Figures, str]]]
    quotes: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, item: ListedItem) -> _ItemIndex:
        others = "\n".join(filter(None, [item.causes, item.next_steps]))
        return cls(item, _Figures(item.text), (_sentences(item.progress), _sentences(others)))

    def quote(self, needle: str) -> str | None:
        """The sentence holding ``needle`` whole: from the progress text first, then the rest."""
        target = squash(needle)
        if target not in self.quotes:
            self.quotes[target] = next(
                (shown for part in self.sentences for fig, shown in part if fig.holds(target)),
                None,
            )
        return self.quotes[target]


def _sentences(text: str | None) -> list[tuple[_Figures, str]]:
    return [
        (_Figures(squash(sentence)), collapse(sentence).strip("・ "))
        for sentence in re.split(r"(?<=。)|\n", text or "")
        if squash(sentence)
    ]


@dataclass
class _Sheet:
    """What the rows of one sheet share: the listed items, their indexes, what was seen."""

    report: ParsedReport
    header: list[str]
    listed: dict[int, ListedItem]
    indexes: dict[int, _ItemIndex] = field(default_factory=dict)
    seen: dict[tuple[int, str], int] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)

    def index(self, item_no: int) -> _ItemIndex:
        if item_no not in self.indexes:
            self.indexes[item_no] = _ItemIndex.of(self.listed[item_no])
        return self.indexes[item_no]


def _record(header: list[str], row: list[str]) -> dict[str, str]:
    if len(row) != len(header):
        raise _Fault(None, f"{len(row)} fields where the header has {len(header)}")
    cells = dict(zip(header, row, strict=True))
    return {k: cells.get(k, "").strip() for k in REQUIRED + OPTIONAL}


def _item_no(rec: dict[str, str], listed: dict[int, ListedItem]) -> int:
    if not re.fullmatch(r"\d{1,3}", squash(rec["item_no"])):
        raise _Fault("item_no", f"'{rec['item_no']}' is not an item number")
    item_no = int(squash(rec["item_no"]))
    if item_no not in listed:
        raise _Fault(
            "item_no",
            f"item {item_no} is not listed in the report as ahead of or behind schedule "
            f"(listed: {', '.join(map(str, sorted(listed)))})",
        )
    first = listed[item_no].numbers[0]
    if item_no != first:
        # a KPI under both numbers would be counted twice
        raise _Fault(
            "item_no",
            f"item {item_no} is item {first} listed again (再掲); put its KPIs under item "
            f"{first} only",
        )
    return item_no


def _check_unique(rec: dict[str, str], item_no: int, line: int, sheet: _Sheet) -> None:
    if not rec["indicator"]:
        raise _Fault("indicator", "the indicator name is empty")
    key = (item_no, squash(rec["marker"]) + squash(rec["indicator"]))
    if key in sheet.seen:
        raise _Fault(
            "indicator",
            f"KPI '{rec['indicator']}' of item {item_no} repeats line {sheet.seen[key]}",
        )
    sheet.seen[key] = line


def _refuse_qualified(name: str, text: str, item_no: int, index: _ItemIndex) -> None:
    """Refuse a figure that the report prints only with a qualifier that changes its meaning."""
    qualified = index.figures.qualified(squash(text))
    if qualified:
        raise _Fault(
            name,
            f"'{text}' is in the report's text of item {item_no} ({index.item.name}) only as "
            f"'{qualified}': the word after the figure changes what it means (a bound, a range "
            f"or an approximation); copy the wording as printed: '{qualified}'",
        )


# 、 between a digit and exactly three more: a thousands separator (9,718) or a list?
_COMMA_LIKE_RE = re.compile(r"\d、\d{3}(?!\d)")
_RANGE_MARK_RE = re.compile(r"\d\D{0,8}(?:[~～〜]|から)\D{0,3}\d")
_FIGURE_FIELDS = ("value_text", "prev_text", "target_text")


def _check_figure_text(name: str, text: str) -> None:
    """One figure per field, written so that it can be read only one way."""
    dash = ambiguous_dash(text)
    if dash:
        raise _Fault(
            name,
            f"'{text}': '{dash}' (U+{ord(dash):04X}) right before a digit: PDF text gives it for "
            "a printed minus sign or a dash, so the figure cannot be read; look at the PDF and "
            "write − or △ as printed, in this sheet and in the report text",
        )
    if _COMMA_LIKE_RE.search(squash(text)):
        raise _Fault(
            name,
            f"'{text}': 、 between digits may be a thousands separator (9,718) or a list "
            "(9 and 718); if the PDF prints one figure, write it with a comma (9,718) in this "
            "sheet and in the report text",
        )
    found = figures(text)
    allowed = 2 if name == "target_text" and _RANGE_MARK_RE.search(squash(text)) else 1
    if len(found) > allowed:
        raise _Fault(
            name,
            f"'{text}' holds {len(found)} figures ({', '.join(found)}); copy only the figure "
            "of this field as printed (dates and era years such as 平成29年度末 do not count)",
        )


def _check_figures(rec: dict[str, str]) -> None:
    """Figures that cannot be read one way only: ambiguous dashes, several figures, bare signs."""
    for name in _FIGURE_FIELDS:
        if rec[name] and not is_missing(rec[name]):
            _check_figure_text(name, rec[name])
    sign = bare_signed(rec["prev_text"])
    if sign:
        raise _Fault(
            "prev_text",
            f"'{rec['prev_text']}' is a figure with a sign ({sign}) but no words: a previous "
            "value below zero, or a change? Write the previous value as printed (9,855人), or "
            "the change with its words as printed (前年度比△159万円, 前年度から159万円の減)",
        )


def _check_wording(rec: dict[str, str], item_no: int, index: _ItemIndex) -> None:
    """Every stated text must be in the report's text of the item, its figures whole."""
    item = index.item
    for name in TEXT_FIELDS:
        text = rec[name]
        # a missing marker is checked too where it stands for the value (未算出)
        if text and (name == "value_text" or not is_missing(text)):
            if not index.figures.holds(squash(text)):
                _refuse_qualified(name, text, item_no, index)
                near = index.figures.nearest(squash(text))
                hint = f" (the report has '{near}')" if near else ""
                raise _Fault(
                    name,
                    f"'{text}' is not in the report's text of item {item_no} "
                    f"({item.name}, lines {item.line}-{item.end_line}) as whole figures{hint}; "
                    "copy the wording as printed",
                )


def _direction(rec: dict[str, str]) -> tuple[str, str]:
    """Direction and its basis: the sheet's column, else inferred from the indicator's name."""
    word = squash(rec["direction"]).lower()
    if not word:
        return infer_direction(rec["indicator"]), "inferred from name"
    if word not in DIRECTION_WORDS:
        raise _Fault("direction", f"'{rec['direction']}' is not 'higher' or 'lower'")
    return DIRECTION_WORDS[word], "sheet"


def _check_unit(name: str, got: str | None, unit: str | None, what: str) -> None:
    if not (unit and got and got != unit):
        return
    if name == "value_text":
        # the value is checked against the report's wording; the unit column is not
        raise _Fault(
            "unit",
            f"the unit column says '{unit}' but the value as printed is in unit '{got}': "
            "correct the unit column",
        )
    raise _Fault(name, f"unit '{got}' of {what} differs from the unit column's '{unit}'")


def _parse_value(text: str, unit: str | None) -> tuple[Decimal | None, bool, bool | None]:
    """Value, approx (約) and, for a value without a number, whether it was done."""
    if not text or is_missing(text):
        return None, False, None
    if not re.search(r"\d", squash(text)):
        flag = parse_result(text)
        if flag is None:
            raise _Fault(
                "value_text", f"'{text}' has no number and does not say whether it was done"
            )
        return None, False, flag
    q = parse_quantity(text, unit)
    _check_unit("value_text", q.unit, unit, "the value")
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
    if not text or is_missing(text):
        return _Prev()
    if looks_like_change(text):
        ch = parse_change(text, unit, direction)
        _check_unit("prev_text", ch.unit, unit, "the change")
        if value is None:
            return _Prev(change=ch.amount)
        return _Prev(value - ch.amount, True, approx, ch.amount)
    q = parse_quantity(text, unit)
    _check_unit("prev_text", q.unit, unit, "the previous value")
    return _Prev(q.value, False, q.approx)


def _parse_target(text: str, unit: str | None, value: Decimal | None) -> Target:
    target = parse_target(text, unit)
    if target.kind not in _NO_NUMBER_TARGETS:
        _check_unit("target_text", target.unit, unit, "the target")
    if target.kind == "yes_no" and value is not None:
        raise _Fault("target_text", "a yes/no target (no number) for a numeric value")
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
        raise _Fault(name, str(exc)) from None
    return (value, approx, flag), prev, target


def _source_quote(rec: dict[str, str], index: _ItemIndex) -> str | None:
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
    _check_wording(rec, item_no, index)
    _check_figures(rec)
    unit = squash(rec["unit"]) or None
    direction, direction_basis = _direction(rec)
    (value, approx, flag), prev, target = _numbers(rec, unit, direction)
    if direction_basis != "sheet" and target.kind in ("at_most", "less_than"):
        # 以下/未満 targets say themselves that lower is better
        direction, direction_basis = "lower", "inferred from target (以下/未満)"
    sheet.counters[item_no] = sheet.counters.get(item_no, 0) + 1
    return {
        "kpi_id": f"{item_no}-{sheet.counters[item_no]}",
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
        the first fault; rows with unconfirmed drafts are refused all at once.
    """
    sheet = read_sheet_rows(path)
    _check_columns(sheet)
    _refuse_drafts(sheet)
    listed = {no: item for item in report.items for no in item.numbers}
    state = _Sheet(report, sheet.header, listed)
    out = []
    for line, row in sheet.rows:
        try:
            out.append(_parse_row(line, row, state))
        except _Fault as fault:
            raise sheet.error(fault.message, line, fault.field) from None
    return _frame(out)
