"""A new half-year period in minutes: ``reform-workbook new-period [--plan ID] YYYY-MM``.

Creates ``data/raw/<plan>/<YYYY-MM>/`` with a KPI sheet carried from the plan's
latest earlier period that has one: the same rows (item, marker, indicator,
unit, target text, direction, note), the values blank. Where the plan holds the
year-end that holds the period's 前年度末 values, each KPI's previous-value text is that period's
value text (``9,718人`` for 1-1 of 2019-03, from 2018-03; 2018-09's previous
values come from 2018-03 too: :func:`helpers.core.periods.prev_value_period`), and ``draft_source``
says it was carried. Every row is marked ``未入力`` in the ``draft`` column: a
run refuses the sheet until the analyst has filled and checked each row and
emptied its mark (see :mod:`helpers.cycle.drafts`).

Nothing existing is ever overwritten or changed: a period that already has a
KPI sheet is refused (exit 2) and left as it is. The sheet is written as
``kpi_sheet.xlsx`` (frozen header, column widths, text cells, drop-down lists for
``direction`` and ``draft``), or ``kpi_sheet.csv`` with ``--csv``. Then the next
steps are printed in Japanese.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from helpers.core import paths
from helpers.core.atomic import write_new_file
from helpers.core.errors import InputError
from helpers.core.jpnum import figures, says_missing
from helpers.core.messages import say
from helpers.core.periods import parse_period, period_label, prev_value_label, prev_value_period
from helpers.core.plans import plan_periods, resolve_plan
from helpers.core.textnorm import squash
from helpers.core.vocab import carried_words
from helpers.ingest.sheet_xlsx import kpi_workbook_bytes
from helpers.ingest.sheets import COLUMNS, kpi_sheet_of, sheet_records

#: the columns carried from the earlier sheet (and ``kpi_id``); all others start blank
CARRIED = ("item_no", "marker", "indicator", "unit", "target_text", "direction", "note")
CHOICES = {
    "direction": ("higher", "lower"),
    "draft": ("要確認", "要確認（不一致の可能性）", "未入力"),
}


@dataclass
class Carried:
    """The rows of a new sheet and where they came from."""

    rows: list[dict[str, str]]
    source: Path  # the sheet the rows were carried from
    prev_source: Path | None  # the year-end sheet the previous values came from
    prev_filled: int


def kpi_key(rec: dict) -> tuple[str, str]:
    """What identifies a KPI across periods: its item and its marker + name."""
    return squash(str(rec.get("item_no") or "")), squash(
        str(rec.get("marker") or "") + str(rec.get("indicator") or "")
    )


def _previous_values(raw_plan: Path, period: str) -> tuple[dict, Path | None]:
    """Value texts of the period holding ``period``'s 前年度末 values, by KPI, where they hold a figure."""
    year_end = prev_value_period(period)
    sheet = kpi_sheet_of(raw_plan / year_end) if year_end else None
    if sheet is None:
        return {}, None
    values = {}
    for _, rec in sheet_records(sheet):
        text = rec["value_text"]
        if text and not says_missing(text) and figures(text):
            values[kpi_key(rec)] = text
    return values, sheet


def carry_rows(data: Path, plan: str, period: str) -> Carried:
    """The rows of ``period``'s new sheet, from the plan's latest earlier period with KPIs."""
    raw_plan = paths.plan_raw_dir(data, plan)
    earlier = [p for p in plan_periods(data, plan) if p < period]
    source = next((s for p in reversed(earlier) if (s := kpi_sheet_of(raw_plan / p))), None)
    if source is None:
        raise InputError(
            raw_plan,
            say("new_period.nothing_to_carry", plan=plan, period=period),
        )
    prev, prev_source = _previous_values(raw_plan, period)
    rows, filled, counters = [], 0, {}
    for _line, rec in sheet_records(source):
        row = dict.fromkeys(COLUMNS, "") | {c: rec[c] for c in CARRIED}
        # the KPI's stable id: kept from the earlier sheet, else numbered as runs number it
        item = squash(rec["item_no"])
        counters[item] = counters.get(item, 0) + 1
        row["kpi_id"] = squash(rec.get("kpi_id", "")) or f"{item}-{counters[item]}"
        row["draft"] = "未入力"
        carried = prev.get(kpi_key(rec))
        if carried:
            row["prev_text"] = carried
            row["draft_source"] = carried_words(prev_source.parent.name, prev_source.name, carried)
            filled += 1
        rows.append(row)
    return Carried(rows, source, prev_source, filled)


def sheet_bytes(rows: list[dict[str, str]], fmt: str) -> bytes:
    """A KPI sheet as .xlsx (see :mod:`helpers.ingest.sheet_xlsx`) or as CSV UTF-8 with BOM and CRLF."""
    body = [[r.get(c, "") for c in COLUMNS] for r in rows]
    if fmt == "xlsx":
        return kpi_workbook_bytes(list(COLUMNS), body, CHOICES)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([list(COLUMNS), *body])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def new_period(
    period: str, data_dir=None, plan: str | None = None, fmt: str = "xlsx"
) -> tuple[Path, Carried]:
    """Create ``raw/<plan>/<period>/`` with its carried KPI sheet; never touch an existing file.

    Raises
    ------
    InputError
        A period that already has a KPI sheet, a plan without an earlier sheet.
    """
    pid = parse_period(period)
    data = paths.data_dir(data_dir)
    plan = resolve_plan(data, plan)
    folder = paths.raw_dir(pid, data, plan)
    existing = kpi_sheet_of(folder)
    if existing is not None:
        raise InputError(
            existing,
            say("new_period.sheet_exists", plan=plan, period=pid),
        )
    carried = carry_rows(data, plan, pid)
    folder.mkdir(parents=True, exist_ok=True)
    sheet = write_new_file(folder / f"kpi_sheet.{fmt}", sheet_bytes(carried.rows, fmt))
    return sheet, carried


def next_steps(sheet: Path, carried: Carried, plan: str, period: str, data: Path) -> str:
    """What the analyst does next, in Japanese."""
    label = period_label(period)
    folder = sheet.parent
    shown = _shown(folder, data)
    src = f"{carried.source.parent.name}/{carried.source.name}"
    prev = (
        f"前年度末（{prev_value_label(period)}）の値（prev_text）は {carried.prev_source.parent.name} の値から"
        f" {carried.prev_filled} 件を転記しました（draft_source に記載）。"
        if carried.prev_source
        else f"前年度末の値（prev_text）は空欄です（前年度末にあたる{prev_value_label(period)}の"
        "成果指標シートがありません）。"
    )
    return "\n".join(
        [
            f"{shown}/{sheet.name} を作りました: {src} の成果指標 {len(carried.rows)} 件"
            f"（取組・指標名・単位・目標・望ましい方向）を引き継ぎ、値は空欄です。{prev}",
            "",
            "次の手順:",
            f"1. 市が公開している{label}の進捗状況報告書の PDF を、そのまま {shown}/ に置きます"
            "（PDF から文字を読めないときは、テキストを .txt で置きます）。報告書がないとレポートは作れません"
            "（成果指標シートは報告書と照合するため）。",
            f"2. make draft-kpis PERIOD={period} PLAN={plan} で、報告書から値と前年度末の値の下書きを作ります"
            f"（{sheet.stem}.draft{sheet.suffix} として横に書き出します。確認が済んだら {sheet.name} を"
            f"削除し、下書きの名前を {sheet.name} に変えます）。",
            "3. 各行の value_text・prev_text・target_text・result_text を報告書の表記どおりに"
            "確認・入力し、確認した行の draft 欄を空にします（draft 欄が空でない行があると"
            "レポートは作られません）。報告書に載っていない指標の行は削除し、新しい指標は行を追加します。",
            f"4. make report PERIOD={period} PLAN={plan} でレポートを作り、outputs/{plan}/{period}/report.html を開きます"
            "（検算の節で前年度末の値と前回の値の照合結果を確認してください）。",
        ]
    )


def _shown(folder: Path, data: Path) -> str:
    try:
        return folder.relative_to(paths.PROJ_ROOT).as_posix()
    except ValueError:
        return str(folder)
