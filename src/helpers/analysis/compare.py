"""Comparison with earlier periods of the same plan: status counts overall, per area, per item.

Every function here is plan-scoped: a plan's periods are compared only with
each other, never with another plan's, also where two plans hold the same
period id. ``plan`` is the plan's folder id (None: the only plan).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core import paths, schema
from helpers.core.errors import InputError
from helpers.core.periods import last_report_period, period_label
from helpers.core.plans import raw_periods
from helpers.core.schema import is_missing
from helpers.core.textnorm import squash
from helpers.core.vocab import scales_of
from helpers.ingest.clean import (
    clean_period,  # a late import: clean imports this module's peers
)


def available_periods(data_dir: str | Path | None = None, plan: str | None = None) -> list[str]:
    """The plan's periods that have a raw data folder, in time order."""
    return raw_periods(paths.data_dir(data_dir), plan)


def latest_period(data_dir: str | Path | None = None, plan: str | None = None) -> str | None:
    """The plan's newest period with raw data."""
    periods = available_periods(data_dir, plan)
    return periods[-1] if periods else None


def previous_period(
    period: str, data_dir: str | Path | None = None, plan: str | None = None
) -> str | None:
    """The plan's period before ``period`` ("the last report"), or None."""
    return last_report_period(period, available_periods(data_dir, plan))


def load_history(
    period: str, data_dir: str | Path | None = None, current=None, *, plan: str | None = None
) -> tuple[dict, list[str]]:
    """Cleaned tables of ``period`` and every earlier period of the plan, read from raw data.

    Earlier periods are cleaned in memory (nothing written). A period whose raw
    data cannot be read is left out, with a note saying why. ``current``, the
    period's own cleaned tables (a ``CleanResult``) where the caller has them,
    saves cleaning the period a second time in one run.
    """
    results: dict = {}
    notes: list[str] = []
    for p in available_periods(data_dir, plan):
        if p > period:
            continue
        if p == period and current is not None:
            results[p] = current
            continue
        try:
            results[p] = clean_period(p, data_dir, plan=plan, write=False)
        except InputError as exc:
            if p == period:
                raise
            notes.append(f"{period_label(p)}（{p}）は読み込めないため比較から除きました: {exc}")
    return results, notes


def _scale(history: dict) -> tuple[str, ...]:
    """The count columns of the newest period's scales (a plan's periods share them)."""
    newest = history[max(history)] if history else None
    scales = scales_of(newest.meta if newest is not None else None)
    return tuple(c for v in scales for c in v.count_columns())


def status_counts(history: dict) -> pd.DataFrame:
    """Counts per code of the plan's scale (and not rated) in each period, from the area table.

    A code a period's table does not have (its scale was another) is left empty.
    """
    cols = _scale(history)
    rows = [
        {"period": p, "label": period_label(p), "items": int(r.areas["items"].sum())}
        | {col: int(r.areas[col].sum()) for col in cols if col in r.areas.columns}
        for p, r in sorted(history.items())
    ]
    return schema.frame(rows, "status_counts", cols)


def compare_areas(
    current: pd.DataFrame, previous: pd.DataFrame, codes: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Per-area counts per code now and before, with the change in each (NA for an area
    in one period only). ``codes``: the count columns (default: those of ``current``)."""
    codes = tuple(codes or schema.count_columns("areas", current.columns))
    counts = ["items", *codes]
    merged = current[["area_no", "area_name", *counts]].merge(
        previous[["area_no", *[c for c in counts if c in previous.columns]]],
        on="area_no",
        how="outer",
        suffixes=("", "_prev"),
    )
    for s in counts:
        if f"{s}_prev" not in merged.columns:
            merged[f"{s}_prev"] = pd.NA
    for s in codes:
        merged[f"{s}_change"] = merged[s] - merged[f"{s}_prev"]
    return schema.conform(merged.sort_values("area_no").reset_index(drop=True), "area_comparison")


ADDED, COMPLETED, MERGED, DROPPED = "追加", "完了", "統合", "記載なし"
_TEXT_COLUMNS = ("item_name", "progress", "next_steps")


def _text(r: dict) -> str:
    return squash("".join(str(r.get(c) or "") for c in _TEXT_COLUMNS if not is_missing(r.get(c))))


def item_changes(current: pd.DataFrame, previous: pd.DataFrame) -> list[dict]:
    """Items added since the previous period, and items it had that are gone now, and why.

    An item gone is 完了 where the previous period says it was completed, 統合 where
    an item of this period says it took it in (統合, naming its number or name),
    else 記載なし (the report does not say).
    """
    if not len(previous) or not len(current):
        return []
    now, before = set(current["item_no"]), set(previous["item_no"])
    now_rows = current.to_dict("records")
    out = []
    for r in previous[~previous["item_no"].isin(now)].to_dict("records"):
        name = "" if is_missing(r.get("item_name")) else squash(r["item_name"])
        merged_into = [
            c
            for c in now_rows
            if "統合" in _text(c)
            and (f"No.{r['item_no']}" in _text(c) or (name and name in _text(c)))
        ]
        change = COMPLETED if "完了" in _text(r) else MERGED if merged_into else DROPPED
        out.append(r | {"change": change, "status_prev": r.get("status"), "status": None})
    for r in current[~current["item_no"].isin(before)].to_dict("records"):
        out.append(r | {"change": ADDED, "status_prev": None})
    return out


def named_from_earlier(items: pd.DataFrame, history: dict, period: str) -> pd.DataFrame:
    """``items`` with each missing name taken from the latest earlier period that names it."""
    names: dict[int, str] = {}
    for p in sorted(history):
        if p < period:
            named = history[p].items.dropna(subset=["item_name"])
            names |= dict(zip(named["item_no"].astype(int), named["item_name"], strict=True))
    missing = items["item_name"].isna()
    if not missing.any() or not names:
        return items
    out = items.copy()
    out.loc[missing, "item_name"] = [names.get(int(n)) for n in out.loc[missing, "item_no"]]
    return out


def compare_items(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Items whose status is known in both periods and whether it changed; items added or gone.

    An item added (追加), completed (完了) or merged (統合) between the periods is
    a row with its ``change``, not a difference of counts.
    """
    cols = ["item_no", "item_name", "area_no", "status", "status_basis"]
    merged = current[cols].merge(
        previous[["item_no", "status", "status_basis"]],
        on="item_no",
        how="inner",
        suffixes=("", "_prev"),
    )
    merged = merged[merged["status"].notna() & merged["status_prev"].notna()]
    merged["changed"] = merged["status"] != merged["status_prev"]
    merged["change"] = None
    changes = pd.DataFrame(
        item_changes(current, previous), columns=[*cols, "status_prev", "change"]
    )
    changes["changed"] = True
    both = pd.concat([merged, changes], ignore_index=True) if len(changes) else merged
    return schema.conform(both.reset_index(drop=True), "item_comparison")


def compare_with_previous(
    period: str, history: dict, areas: pd.DataFrame, items: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-area and per-item comparison with the latest earlier period in ``history``.

    Without an earlier period both tables are empty (with their columns).
    """
    before = last_report_period(period, history)
    prev_areas = history[before].areas if before else areas.iloc[0:0]
    prev_items = history[before].items if before else items.iloc[0:0]
    # where the report prints no name (a count from the area table), the earlier periods may
    codes = _scale(history) if history else None
    return compare_areas(areas, prev_areas, codes), compare_items(
        named_from_earlier(items, history, period), prev_items
    )
