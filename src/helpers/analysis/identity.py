"""Which KPI of one period is which KPI of another: the KPIs keep their identity across periods.

A KPI of a later period is its earlier self when, in this order:

1. its item number and its marker + indicator name agree (width and spaces aside);
2. else its ``kpi_id`` (the stable id new-period writes into the sheet, such as
   ``1-1`` or ``30-2``) and item number agree: its wording was changed;
3. else, within the same item, its marker + name is similar to one earlier
   KPI's by at least :data:`SIMILARITY` (``difflib.SequenceMatcher.ratio``,
   standard library; the best pair first).

Matches by rule 2 or 3 are ``renamed`` and listed in the cross-period audit for the
analyst to confirm (helpers.analysis.audit_periods); history follows them, so a
renamed KPI keeps one line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from helpers.core.textnorm import squash

#: the least similarity of two wordings (marker + name) of one item's KPI to be one KPI
SIMILARITY = 0.8

BY_NAME, BY_ID, BY_SIMILARITY = "name", "kpi_id", "similarity"


def kpi_key(item_no, marker, indicator) -> tuple[int, str]:
    """What identifies a KPI by its wording: its item number and its marker + name."""
    m = marker if isinstance(marker, str) else ""
    return int(item_no), squash(m + str(indicator))


def key_of(r: dict) -> tuple[int, str]:
    return kpi_key(r["item_no"], r.get("marker"), r["indicator"])


@dataclass(frozen=True)
class Match:
    """A later KPI (``key``) that is an earlier KPI (``earlier``), and by which rule."""

    key: tuple[int, str]
    earlier: tuple[int, str]
    how: str
    ratio: float = 1.0

    @property
    def renamed(self) -> bool:
        return self.how != BY_NAME


def match_kpis(earlier: list[dict], later: list[dict]) -> dict[tuple[int, str], Match]:
    """Each later KPI's match among the earlier KPIs (rows with item_no, marker, indicator, kpi_id)."""
    left = {key_of(r): r for r in earlier}
    out: dict[tuple[int, str], Match] = {}
    rest = []
    for r in later:
        key = key_of(r)
        if key in left:
            out[key] = Match(key, key, BY_NAME)
            del left[key]
        else:
            rest.append(r)
    by_id = {(k[0], str(r.get("kpi_id") or "")): k for k, r in left.items() if r.get("kpi_id")}
    unmatched = []
    for r in rest:
        key = key_of(r)
        found = by_id.get((key[0], str(r.get("kpi_id") or "")))
        if r.get("kpi_id") and found in left:
            out[key] = Match(key, found, BY_ID, _ratio(key, found))
            del left[found]
        else:
            unmatched.append(key)
    pairs = sorted(
        ((_ratio(k, e), k, e) for k in unmatched for e in left if e[0] == k[0]),
        reverse=True,
    )
    for ratio, k, e in pairs:
        if ratio >= SIMILARITY and k not in out and e in left:
            out[k] = Match(k, e, BY_SIMILARITY, ratio)
            del left[e]
    return out


def _ratio(a: tuple[int, str], b: tuple[int, str]) -> float:
    return difflib.SequenceMatcher(None, a[1], b[1], autojunk=False).ratio()


def lineages(rows_by_period: dict[str, list[dict]]) -> dict[tuple[str, tuple[int, str]], tuple]:
    """Each (period, KPI key)'s lineage: the key of its oldest self, following matches.

    ``rows_by_period`` maps periods to their KPI rows; each period's KPIs are
    matched with the latest earlier period that has KPIs.
    """
    out: dict[tuple[str, tuple[int, str]], tuple] = {}
    before: tuple[str, list[dict]] | None = None
    for period in sorted(rows_by_period):
        rows = rows_by_period[period]
        matches = match_kpis(before[1], rows) if before else {}
        for r in rows:
            key = key_of(r)
            m = matches.get(key)
            out[(period, key)] = out[(before[0], m.earlier)] if m else key
        if rows:
            before = (period, rows)
    return out
