"""The analysts' KPI sheet: one row per KPI of the items ahead of or behind schedule.

Its value, previous-value-or-change and target cells hold the text exactly as
the report states it (``9,718人``, ``1 万人以上``, ``前年度から 159万円の減``,
``未算出``); nothing computed by hand goes into it. Each such text is checked
against the report's text of that item, after width and whitespace
normalisation, and a sheet whose text the report does not contain is refused.

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
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path

import pandas as pd

from .errors import InputError
from .jpnum import (
    NumberError,
    is_missing,
    looks_like_change,
    parse_change,
    parse_quantity,
    parse_result,
    parse_target,
    to_float,
)
from .rawio import read_text
from .report_parser import ParsedReport
from .textnorm import collapse, squash

REQUIRED = ("item_no", "indicator", "unit", "value_text", "prev_text", "target_text")
OPTIONAL = ("marker", "result_text", "direction", "note")
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

NUMBER_COLUMNS = (
    "value",
    "prev_value",
    "change_stated",
    "target_low",
    "target_high",
    "target_value",
)
INDICATOR_COLUMNS = [
    "kpi_id",
    "item_no",
    "area_no",
    "item_status",
    "marker",
    "indicator",
    "unit",
    "value",
    "value_text",
    "approx",
    "value_flag",
    "prev_value",
    "prev_text",
    "prev_derived",
    "prev_approx",
    "change_stated",
    "target_kind",
    "target_low",
    "target_high",
    "target_high_open",
    "target_value",
    "target_text",
    "result_text",
    "stated_met",
    "direction",
    "direction_basis",
    "source_quote",
    "note",
    "sheet_line",
]


def infer_direction(indicator: str) -> str:
    """'lower' for indicators where less is better (経常収支比率), else 'higher'."""
    s = squash(indicator)
    return "lower" if any(word in s for word in LOWER_IS_BETTER) else "higher"


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
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
    return [c.strip() for c in rows[0][1]], rows[1:]


def _check_columns(header: list[str], path: Path, line: int) -> None:
    known = REQUIRED + OPTIONAL
    for name in header:
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1)
            raise InputError(
                path,
                f"unknown column '{name}'"
                + (f" (did you mean '{hint[0]}'?)" if hint else "")
                + "; columns are "
                + ", ".join(known),
                line=line,
                field=name,
            )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputError(path, f"column '{dup}' appears twice", line=line, field=dup)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(path, "missing column(s): " + ", ".join(missing), line=line)


def _quote(item_text: str, needle: str) -> str | None:
    """The sentence of an item's text that contains ``needle`` (both as printed)."""
    target = squash(needle)
    for sentence in re.split(r"(?<=。)|\n", item_text):
        if target and target in squash(sentence):
            return collapse(sentence).strip("・ ")
    return None


def read_kpi_sheet(path: str | Path, report: ParsedReport) -> pd.DataFrame:
    """Read, check against ``report`` and parse the KPI sheet into indicator rows.

    Raises
    ------
    InputError
        Naming the file, line and field of the first fault.
    """
    path = Path(path)
    header, rows = _read_rows(path)
    header_line = 1
    _check_columns(header, path, header_line)
    listed = {}
    for item in report.items:
        for no in item.numbers:
            listed[no] = item
    out = []
    seen: dict[tuple[int, str], int] = {}
    counters: dict[int, int] = {}
    for line, row in rows:
        if len(row) != len(header):
            raise InputError(
                path, f"{len(row)} fields where the header has {len(header)}", line=line
            )
        rec = {
            k: (row[header.index(k)].strip() if k in header else "") for k in REQUIRED + OPTIONAL
        }

        def fail(field: str, message: str) -> InputError:
            return InputError(path, message, line=line, field=field)  # noqa: B023

        if not re.fullmatch(r"\d{1,3}", squash(rec["item_no"])):
            raise fail("item_no", f"'{rec['item_no']}' is not an item number")
        item_no = int(squash(rec["item_no"]))
        if item_no not in listed:
            raise fail(
                "item_no",
                f"item {item_no} is not listed in the report as ahead of or behind schedule "
                f"(listed: {', '.join(map(str, sorted(listed)))})",
            )
        item = listed[item_no]
        if not rec["indicator"]:
            raise fail("indicator", "the indicator name is empty")
        key = (item_no, squash(rec["marker"]) + squash(rec["indicator"]))
        if key in seen:
            raise fail(
                "indicator", f"KPI '{rec['indicator']}' of item {item_no} repeats line {seen[key]}"
            )
        seen[key] = line

        # Every stated text must be in the report's text of this item.
        item_text = item.text
        for field in TEXT_FIELDS:
            value = rec[field]
            # a missing marker is checked too where it stands for the value (未算出)
            if value and (field == "value_text" or not is_missing(value)):
                if squash(value) not in item_text:
                    raise fail(
                        field,
                        f"'{value}' is not in the report's text of item {item_no} "
                        f"({item.name}, lines {item.line}-{item.end_line}); copy the wording "
                        "as printed",
                    )

        unit = squash(rec["unit"]) or None
        direction_text = squash(rec["direction"]).lower()
        if direction_text:
            if direction_text not in DIRECTION_WORDS:
                raise fail("direction", f"'{rec['direction']}' is not 'higher' or 'lower'")
            direction, direction_basis = DIRECTION_WORDS[direction_text], "sheet"
        else:
            direction, direction_basis = infer_direction(rec["indicator"]), "inferred from name"

        value = None
        approx = False
        value_flag = None
        try:
            if rec["value_text"] and not is_missing(rec["value_text"]):
                if re.search(r"\d", squash(rec["value_text"])):
                    q = parse_quantity(rec["value_text"], unit)
                    if unit and q.unit and q.unit != unit:
                        raise fail(
                            "value_text", f"unit '{q.unit}' of the value differs from unit '{unit}'"
                        )
                    value, approx = q.value, q.approx
                else:
                    value_flag = parse_result(rec["value_text"])
                    if value_flag is None:
                        raise fail(
                            "value_text",
                            f"'{rec['value_text']}' has no number and does not say whether it was done",
                        )
        except NumberError as exc:
            raise fail("value_text", str(exc)) from None

        prev_value = None
        prev_derived = False
        prev_approx = False
        change_stated = None
        try:
            if rec["prev_text"] and not is_missing(rec["prev_text"]):
                if looks_like_change(rec["prev_text"]):
                    ch = parse_change(rec["prev_text"], unit, direction)
                    if unit and ch.unit and ch.unit != unit:
                        raise fail(
                            "prev_text",
                            f"unit '{ch.unit}' of the change differs from unit '{unit}'",
                        )
                    change_stated = ch.amount
                    if value is not None:
                        prev_value = value - ch.amount
                        prev_derived = True
                        prev_approx = approx
                else:
                    q = parse_quantity(rec["prev_text"], unit)
                    if unit and q.unit and q.unit != unit:
                        raise fail(
                            "prev_text",
                            f"unit '{q.unit}' of the previous value differs from unit '{unit}'",
                        )
                    prev_value, prev_approx = q.value, q.approx
        except NumberError as exc:
            raise fail("prev_text", str(exc)) from None

        try:
            target = parse_target(rec["target_text"], unit)
        except NumberError as exc:
            raise fail("target_text", str(exc)) from None
        if (
            unit
            and target.unit
            and target.unit != unit
            and target.kind not in ("achieved", "yes_no")
        ):
            raise fail(
                "target_text", f"unit '{target.unit}' of the target differs from unit '{unit}'"
            )
        if not direction_text and target.kind in ("at_most", "less_than"):
            # 以下/未満 targets say themselves that lower is better
            direction, direction_basis = "lower", "inferred from target (以下/未満)"
        if target.kind == "yes_no" and value is not None:
            raise fail("target_text", "a yes/no target (no number) for a numeric value")

        counters[item_no] = counters.get(item_no, 0) + 1
        quote = None
        for needle in (rec["value_text"], rec["target_text"], rec["result_text"]):
            if needle:
                quote = _quote(item.progress, needle) or _quote(
                    "\n".join(filter(None, [item.causes, item.next_steps])), needle
                )
                if quote:
                    break
        out.append(
            {
                "kpi_id": f"{item_no}-{counters[item_no]}",
                "item_no": item_no,
                "area_no": report.area_of(item_no),
                "item_status": item.status,
                "marker": rec["marker"] or None,
                "indicator": collapse(rec["indicator"]),
                "unit": unit,
                "value": to_float(value),
                "value_text": rec["value_text"] or None,
                "approx": approx,
                "value_flag": value_flag,
                "prev_value": to_float(prev_value),
                "prev_text": rec["prev_text"] or None,
                "prev_derived": prev_derived,
                "prev_approx": prev_approx,
                "change_stated": to_float(change_stated),
                "target_kind": target.kind,
                "target_low": to_float(target.low),
                "target_high": to_float(target.high),
                "target_high_open": target.high_open,
                "target_value": to_float(target.value),
                "target_text": rec["target_text"] or None,
                "result_text": rec["result_text"] or None,
                "stated_met": parse_result(rec["result_text"])
                if rec["result_text"]
                else (True if target.kind == "achieved" else None),
                "direction": direction,
                "direction_basis": direction_basis,
                "source_quote": quote,
                "note": rec["note"] or None,
                "sheet_line": line,
            }
        )
    df = pd.DataFrame(out, columns=INDICATOR_COLUMNS)
    for col in NUMBER_COLUMNS:
        df[col] = df[col].astype("Float64")
    for col in ("value_flag", "stated_met"):
        df[col] = df[col].astype("boolean")
    return df
