"""Section 4: the helpers on large synthetic KPI tables (time, peak memory, profiles).

``compute_metrics`` (vectorised; formerly against ``compute_metrics_rowwise``, the per-row
reference, where the project still has it), and the cleaning step (parsing the
value, previous value and target texts as ``read_kpi_sheet`` does), row by row
and with each distinct text parsed once. That the fast paths give the same
results is checked by tests/test_bench.py, not here.

One memory measurement runs in a fresh process:
``python -m bench.scale --worker metrics --rows 10000`` prints a JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import re
import sys
import time
from pathlib import Path

from .common import (
    GOALS,
    ROOT,
    Sample,
    Settings,
    fmt_bytes,
    fmt_s,
    log,
    run,
    verdict,
)

#: what is timed, in the order shown
SCALE_WHAT = {
    "metrics": "compute_metrics (vectorised)",
    "metrics_rowwise": "compute_metrics_rowwise (the per-row kpi_metrics loop)",
    "clean": "cleaning: parse value/prev/target texts, row by row",
    "clean_dedup": "cleaning: the same, each distinct text parsed once",
}
SHORT = {
    "metrics": "compute_metrics",
    "metrics_rowwise": "compute_metrics_rowwise",
    "clean": "cleaning row by row",
    "clean_dedup": "cleaning, distinct texts once",
}


def synthetic_indicators(n: int, seed: int = 0):
    """A KPI indicators table of ``n`` rows: numbers, texts as a report writes them, kinds, directions."""
    import numpy as np
    import pandas as pd

    from helpers.core.jpnum import TARGET_KINDS
    from helpers.ingest.kpi_sheet import INDICATOR_COLUMNS

    rng = np.random.default_rng(seed)
    units = np.array(["人", "件", "円", "%"])
    unit = units[rng.integers(0, 4, n)]
    is_pct, is_yen = unit == "%", unit == "円"

    # values in the unit as written: persons/cases 10..99,999; yen in 万円 1..99,999; % one decimal
    raw = rng.integers(10, 100_000, n).astype(float)
    pct = np.round(rng.uniform(0, 100, n), 1)
    written = np.where(is_pct, pct, raw)
    value = np.where(is_yen, written * 10_000, written)
    value_missing = rng.random(n) < 0.05
    prev_written = np.where(
        is_pct,
        np.round(np.clip(pct + rng.normal(0, 5, n), 0, 100), 1),
        np.maximum(1, np.round(raw * rng.uniform(0.8, 1.2, n))),
    )
    prev = np.where(is_yen, prev_written * 10_000, prev_written)
    prev_missing = rng.random(n) < 0.25
    prev[rng.random(n) < 0.01] = 0.0  # a previous value of 0 (no change_pct)

    kinds = np.array(TARGET_KINDS)
    kind = kinds[rng.choice(9, n, p=[0.3, 0.05, 0.1, 0.05, 0.2, 0.1, 0.07, 0.05, 0.08])]
    kind = np.where((kind == "range") & ~is_pct, "at_least", kind)
    # targets are round numbers as plans set them (1 万人以上, 370万件, 35 億円): two significant digits
    t_raw = np.maximum(raw * rng.uniform(0.8, 1.3, n), 10)
    mag = np.maximum(10 ** (np.floor(np.log10(t_raw)) - 1), 1)
    t_written = np.where(is_pct, np.round(rng.uniform(50, 100, n)), np.round(t_raw / mag) * mag)
    t_value = np.where(is_yen, t_written * 10_000, t_written)
    decade = np.floor(pct / 10) * 10
    lower = (rng.random(n) < 0.15) | np.isin(kind, ["at_most", "less_than"])

    low = np.where(np.isin(kind, ["at_least", "greater_than", "point"]), t_value, np.nan)
    high = np.where(np.isin(kind, ["at_most", "less_than"]), t_value, np.nan)
    low = np.where(kind == "range", decade, low)
    high = np.where(kind == "range", decade + 10, high)

    def num_text(w, u, approx):
        if u == "%":
            return f"{w:.1f}%"
        if u == "円":
            return f"{int(w):,}万円"
        if approx:
            return f"約{int(w):,}{u}"
        return f"{int(w):,}{u}"

    approx = (rng.random(n) < 0.1) & ~is_pct
    ul, wl, pl, al, tl = (
        unit.tolist(),
        written.tolist(),
        prev_written.tolist(),
        approx.tolist(),
        t_written.tolist(),
    )
    value_text = [
        "未算出" if m else num_text(w, u, a)
        for m, w, u, a in zip(value_missing.tolist(), wl, ul, al, strict=True)
    ]
    prev_text = [
        None if m else num_text(w, u, False)
        for m, w, u in zip(prev_missing.tolist(), pl, ul, strict=True)
    ]
    suffix = {
        "at_least": "以上",
        "greater_than": "超",
        "at_most": "以下",
        "less_than": "未満",
        "point": "",
    }
    target_text = []
    for k, u, w, d in zip(kind.tolist(), ul, tl, decade.tolist(), strict=True):
        if k in suffix:
            target_text.append((f"{int(w)}%" if u == "%" else num_text(w, u, False)) + suffix[k])
        elif k == "range":
            target_text.append(f"{int(d)}%台")
        elif k == "achieved":
            target_text.append("目標を達成した")
        elif k == "yes_no":
            target_text.append("包括協定の締結")
        else:
            target_text.append(None)
    value = np.where(value_missing | (kind == "yes_no"), np.nan, value)
    prev = np.where(prev_missing, np.nan, prev)
    flag = np.where(kind == "yes_no", rng.random(n) < 0.5, False)
    flag_na = (kind != "yes_no") | (rng.random(n) < 0.2)

    df = pd.DataFrame(
        {
            "kpi_id": [f"{i // 3 + 1}-{i % 3 + 1}" for i in range(n)],
            "item_no": (np.arange(n) // 3 + 1),
            "area_no": rng.integers(1, 6, n),
            "item_status": np.where(rng.random(n) < 0.3, "S", "B").tolist(),
            "marker": None,
            "indicator": np.where(lower, "経常収支比率", "市民活動支援センター来場者数").tolist(),
            "unit": ul,
            "value": pd.array(np.where(np.isnan(value), None, value).tolist(), dtype="Float64"),
            "value_text": value_text,
            "approx": approx,
            "value_flag": pd.array(np.where(flag_na, None, flag).tolist(), dtype="boolean"),
            "prev_value": pd.array(np.where(np.isnan(prev), None, prev).tolist(), dtype="Float64"),
            "prev_text": prev_text,
            "prev_derived": False,
            "prev_approx": False,
            "change_stated": pd.array([None] * n, dtype="Float64"),
            "target_kind": kind.tolist(),
            "target_low": pd.array(np.where(np.isnan(low), None, low).tolist(), dtype="Float64"),
            "target_high": pd.array(np.where(np.isnan(high), None, high).tolist(), dtype="Float64"),
            "target_high_open": kind == "range",
            "target_value": pd.array(
                np.where(np.isnan(low), np.where(np.isnan(high), None, high), low).tolist(),
                dtype="Float64",
            ),
            "target_text": target_text,
            "result_text": None,
            "stated_met": pd.array([None] * n, dtype="boolean"),
            "direction": np.where(lower, "lower", "higher").tolist(),
            "direction_basis": "sheet",
            "source_quote": None,
            "note": None,
            "sheet_line": np.arange(n) + 2,
        },
        columns=INDICATOR_COLUMNS,
    )
    return df


def clean_rows(texts: list[tuple]) -> list[tuple]:
    """The cleaning step, row by row as read_kpi_sheet does it: value, previous value, target."""
    from helpers.core.jpnum import parse_quantity, parse_target, says_missing, to_float

    out = []
    for value_text, prev_text, target_text, unit in texts:
        v = None if says_missing(value_text) else to_float(parse_quantity(value_text, unit).value)
        p = None if says_missing(prev_text) else to_float(parse_quantity(prev_text, unit).value)
        t = parse_target(target_text, unit)
        out.append((v, p, t.kind, to_float(t.low), to_float(t.high)))
    return out


def clean_rows_dedup(texts: list[tuple]) -> list[tuple]:
    """The same, parsing each distinct (text, unit) once."""
    from helpers.core.jpnum import parse_quantity, parse_target, says_missing, to_float

    qcache: dict = {}
    tcache: dict = {}

    def q(text, unit):
        key = (text, unit)
        if key not in qcache:
            qcache[key] = None if says_missing(text) else to_float(parse_quantity(text, unit).value)
        return qcache[key]

    def t(text, unit):
        key = (text, unit)
        if key not in tcache:
            tg = parse_target(text, unit)
            tcache[key] = (tg.kind, to_float(tg.low), to_float(tg.high))
        return tcache[key]

    return [(q(v, u), q(p, u), *t(tt, u)) for v, p, tt, u in texts]


def texts_of(df) -> list[tuple]:
    return list(
        zip(
            df["value_text"].tolist(),
            df["prev_text"].tolist(),
            df["target_text"].tolist(),
            df["unit"].tolist(),
            strict=True,
        )
    )


def scale_worker(what: str, rows: int) -> dict:
    """One call of ``what`` on a ``rows``-row table in this (fresh) process: seconds and peak memory."""
    import resource

    df = synthetic_indicators(rows)
    arg = texts_of(df) if what.startswith("clean") else df
    fn = scale_function(what)
    gc.collect()
    hwm_reset = False
    try:
        Path("/proc/self/clear_refs").write_text(
            "5", encoding="ascii"
        )  # reset the peak RSS (VmHWM)
        hwm_reset = True
    except OSError:
        pass
    base_rss = _proc_status("VmRSS")
    base_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    fn(arg)
    dt = time.perf_counter() - t0
    peak = (
        _proc_status("VmHWM")
        if hwm_reset
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    base = base_rss if hwm_reset else base_maxrss
    return {
        "seconds": dt,
        "peak_rss": peak,
        "base_rss": base,
        "peak_increase": max(0, peak - base),
        "hwm_reset": hwm_reset,
    }


def _proc_status(key: str) -> int:
    m = re.search(
        rf"^{key}:\s+(\d+) kB", Path("/proc/self/status").read_text(encoding="utf-8"), re.M
    )
    return int(m.group(1)) * 1024 if m else 0


def scale_functions() -> dict:
    """The timed functions this checkout has (compute_metrics_rowwise may be gone)."""
    from helpers import metrics

    fns = {"metrics": metrics.compute_metrics}
    if hasattr(metrics, "compute_metrics_rowwise"):
        fns["metrics_rowwise"] = metrics.compute_metrics_rowwise
    fns.update(clean=clean_rows, clean_dedup=clean_rows_dedup)
    return fns


def scale_function(what: str):
    return scale_functions()[what]


def profile_text(fn, arg, limit: int = 28) -> str:
    from pyinstrument import Profiler

    prof = Profiler(interval=0.001)
    prof.start()
    fn(arg)
    prof.stop()
    text = prof.output_text(unicode=True, color=False, show_all=False)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    # drop pyinstrument's banner
    start = next(
        (
            i
            for i, ln in enumerate(lines)
            if ln.lstrip().startswith(("0.", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9."))
        ),
        0,
    )
    return "\n".join(lines[start : start + limit])


def _time_one(fn, arg, runs: int) -> Sample:
    s = Sample()
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn(arg)
        s.values.append(time.perf_counter() - t0)
    return s


def _peak_memory(what: str, n: int) -> dict:
    """Peak memory of one call, in a fresh process."""
    cmd = [sys.executable, "-m", "bench.scale", "--worker", what, "--rows", str(n)]
    _, p = run(cmd, cwd=ROOT)
    return json.loads(p.stdout.strip().splitlines()[-1])


def _distinct_texts(texts: list[tuple]) -> int:
    return len(
        {(v, u) for v, _, _, u in texts}
        | {(p, u) for _, p, _, u in texts}
        | {(t, u) for _, _, t, u in texts}
    )


def _profiles(s: Settings, fns: dict) -> dict:
    log("scale: profiles (pyinstrument) …")
    n_prof = 10_000 if s.quick else 100_000
    df = synthetic_indicators(n_prof)
    out = {"profile_rows": n_prof}
    if "metrics_rowwise" in fns:
        out["profile_rowwise"] = profile_text(fns["metrics_rowwise"], df)
    out["profile_vectorised"] = profile_text(fns["metrics"], synthetic_indicators(s.rows[-1]))
    out["profile_clean"] = profile_text(clean_rows, texts_of(df))
    return out


def measure(s: Settings) -> dict:
    fns = scale_functions()
    res: dict = {"sizes": s.rows, "time": {w: {} for w in fns}, "mem": {w: {} for w in fns}}
    res["uniques"] = {}
    for n in s.rows:
        log(f"scale: {n:,} rows …")
        df = synthetic_indicators(n)
        texts = texts_of(df)
        res["uniques"][n] = _distinct_texts(texts)
        for what, fn in fns.items():
            arg = texts if what.startswith("clean") else df
            res["time"][what][n] = _time_one(fn, arg, s.runs)
            res["mem"][what][n] = _peak_memory(what, n)
        del df, texts
        gc.collect()
    res.update(_profiles(s, fns))
    return res


def growth(samples: dict, sizes: list[int]) -> float:
    """The exponent b of time ∝ rows^b between the smallest and largest size (1 = linear)."""
    a, b = samples[sizes[0]].median, samples[sizes[-1]].median
    return math.log(b / a) / math.log(sizes[-1] / sizes[0]) if a > 0 and b > 0 else math.nan


# ------------------------------------------------------------------ reporting


def summary(S: dict) -> list[str]:
    big = S["sizes"][-1]
    out = []
    for what, samples in S["time"].items():
        s = samples[big]
        v = (
            verdict(s.median, 10)
            if big >= 1_000_000
            else f"not measured at 1M (largest here {big:,})"
        )
        if what in ("metrics_rowwise", "clean"):
            v += " (the row-by-row reference the fast path is checked against; KPI sheets of tens of rows use it)"
        out.append(f"| {SCALE_WHAT[what]}: {big:,} rows ≤ 10 s | **{fmt_s(s.median)}** | {v} |")
    return out


def markdown(S: dict) -> list[str]:
    out: list[str] = [
        "## 4. The helpers at scale",
        "",
        "Synthetic indicator tables with the columns of `helpers.ingest.kpi_sheet.INDICATOR_COLUMNS` "
        "(numpy, fixed seed): units 人/件/円/%, every target kind (at_least 30 %, point 20 %, range, "
        "at_most, less_than, greater_than, achieved, yes_no, none), 15 % lower-is-better, 5 % values "
        "missing (未算出), 25 % without a previous value; the texts as a report writes them "
        "(`9,718人`, `約340万件`, `2,265万円`, `62.6%`, `1,000人以上`, `80%台`, `目標を達成した`); "
        "values are random, targets round numbers of two significant digits as plans set them.",
        "",
        "`compute_metrics` is vectorised (numpy on whole columns) and is the one implementation of "
        "the metric rules (the per-row version it replaced was removed; its unit tests in "
        "`tests/test_metrics.py` go through it). That the cleaning step recovers the synthetic "
        "table's values is checked by `tests/test_bench.py`. The cleaning step parses value, "
        "previous value and target texts with `helpers.core.jpnum.parse_quantity` / `parse_target` as "
        "`read_kpi_sheet` does.",
        "",
        "| helper | rows | median | runs | per row | peak RSS increase |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for what, samples in S["time"].items():
        for n in S["sizes"]:
            s, m = samples[n], S["mem"][what][n]
            out.append(
                f"| {SCALE_WHAT[what]} | {n:,} | {fmt_s(s.median)} | {s.runs} "
                f"| {s.median / n * 1e6:.2f} µs | {fmt_bytes(m['peak_increase'])} |"
            )
    out += [
        "",
        "Growth (exponent b in time ∝ rows^b, smallest to largest size; 1 is linear): "
        + ", ".join(f"{SHORT[w]} {growth(t, S['sizes']):.2f}" for w, t in S["time"].items())
        + ". Distinct (text, unit) pairs per table: "
        + ", ".join(f"{n:,} rows → {u:,}" for n, u in S["uniques"].items())
        + ".",
        "",
        "Peak memory is measured for one call in a fresh process: the rise of the resident set's high-water "
        "mark (VmHWM, reset just before the call) over the resident set after the table was built.",
        "",
        analysis_scale(S),
        "",
    ]
    return out + _profile_blocks(S)


def _profile_blocks(S: dict) -> list[str]:
    blocks = [
        (
            "profile_rowwise",
            f"Profile of `compute_metrics_rowwise` on {S['profile_rows']:,} rows (pyinstrument, the reference):",
        ),
        (
            "profile_vectorised",
            f"Profile of the vectorised `compute_metrics` on {S['sizes'][-1]:,} rows:",
        ),
        (
            "profile_clean",
            f"Profile of the row-by-row cleaning step on {S['profile_rows']:,} rows:",
        ),
    ]
    out = []
    for key, title in blocks:
        if key in S:
            out += [title, "", "```", S[key], "```", ""]
    return out


def from_json(S: dict) -> dict:
    """Number keys back to ints after a JSON round trip."""
    from .common import int_keys

    S = dict(S)
    S["time"] = {w: int_keys(v) for w, v in S["time"].items()}
    S["mem"] = {w: int_keys(v) for w, v in S["mem"].items()}
    S["uniques"] = int_keys(S["uniques"])
    return S


def _dedup_verdict(t: float) -> str:
    goal = GOALS["scale_1m_seconds"]
    if t <= goal:
        return " and meets the goal"
    return ", at the goal but not under it" if t <= goal * 1.1 else ", still over the goal"


def analysis_scale(S: dict) -> str:
    big = S["sizes"][-1]
    t = {w: samples[big].median for w, samples in S["time"].items()}
    parts = []
    if "metrics_rowwise" in t:
        parts.append(
            f"At {big:,} rows the vectorised `compute_metrics` takes {fmt_s(t['metrics'])} against "
            f"{fmt_s(t['metrics_rowwise'])} for the per-row reference "
            f"({t['metrics_rowwise'] / t['metrics']:.0f}× faster); the reference spends its time turning "
            "each row into a dict (`to_dict('records')`), in `kpi_metrics`'s Python arithmetic and `round`, "
            "and building a frame from a list of dicts (see its profile below)."
        )
    if big >= 1_000_000 and t["clean"] > GOALS["scale_1m_seconds"]:
        per = t["clean"] / big * 1e6
        parts.append(
            f"**The cleaning step misses 10 s at 1M rows when every text is parsed ({fmt_s(t['clean'])}).** "
            f"It costs {per:.1f} µs per row: three texts per row, each normalised (NFKC), matched by several "
            "regular expressions and converted exactly with `decimal.Decimal`; it grows linearly. Parsing "
            f"each distinct (text, unit) pair once takes {fmt_s(t['clean_dedup'])}"
            + _dedup_verdict(t["clean_dedup"])
            + f": it helps as far as a table repeats its texts ({S['uniques'][big]:,} distinct pairs in "
            f"{big:,} rows here). `read_kpi_sheet` parses row by row: KPI sheets have tens of rows "
            "(section 6 times the sheet check itself)."
        )
    elif big >= 1_000_000:
        parts.append(f"The cleaning step meets the goal at 1M rows ({fmt_s(t['clean'])}).")
    return "\n\n".join(parts)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="one peak-memory measurement (used by python -m bench)")
    p.add_argument("--worker", required=True, choices=list(SCALE_WHAT))
    p.add_argument("--rows", type=int, required=True)
    args = p.parse_args(argv)
    print(json.dumps(scale_worker(args.worker, args.rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
