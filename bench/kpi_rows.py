"""Section 6: the KPI sheet check on sheets of 18, 1,000 and 10,000 rows.

The sheets are the real 2018-03 sheet (18 rows) repeated: every copy after the
first gets a distinct indicator name (``…（複製k）``), so each row still passes
the check (its item is listed in the report, its wording is the report's, and no
indicator repeats within an item). Timed: ``read_kpi_sheet`` against the parsed
report (parsed once, outside the timing) and ``clean_period`` of the whole period
(report, sheet, areas) on a temporary data folder.
"""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

from .common import PERIOD, PLAN, RAW_PLAN, Sample, Settings, fmt_s, fresh_dir, log

SHEET = "kpi_sheet.csv"
DEFAULT_SIZES = [18, 1_000, 10_000]
QUICK_SIZES = [18, 1_000]


def read_real_sheet() -> tuple[list[str], list[dict]]:
    with open(RAW_PLAN / PERIOD / SHEET, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def sheet_rows(n: int) -> tuple[list[str], list[dict]]:
    """``n`` rows made from the real sheet's, each copy with its own indicator names."""
    header, real = read_real_sheet()
    rows = []
    for i in range(n):
        row = dict(real[i % len(real)])
        copy = i // len(real)
        if copy:
            row["indicator"] = f"{row['indicator']}（複製{copy}）"
        rows.append(row)
    return header, rows


def make_data_dir(tmp: Path, n: int) -> Path:
    """A data folder holding the real 2018-03 raw files with an ``n``-row KPI sheet."""
    data = fresh_dir(tmp, f"data-kpi{n}-")
    dest = data / "raw" / PLAN / PERIOD
    shutil.copytree(RAW_PLAN / PERIOD, dest)
    shutil.copy2(RAW_PLAN / "plan.toml", dest.parent)
    header, rows = sheet_rows(n)
    with open(dest / SHEET, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data


def _time(fn, runs: int) -> Sample:
    s = Sample()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        s.values.append(time.perf_counter() - t0)
    return s


def measure_size(s: Settings, n: int) -> dict:
    from helpers.core.paths import raw_dir
    from helpers.ingest.clean import clean_period, find_raw_files
    from helpers.ingest.kpi_sheet import read_kpi_sheet
    from helpers.ingest.report import parse_report

    data = make_data_dir(s.tmp, n)
    files = find_raw_files(raw_dir(PERIOD, data, PLAN))
    report = parse_report(files.report)
    sheet = raw_dir(PERIOD, data, PLAN) / SHEET
    rows = len(read_kpi_sheet(sheet, report))  # a sheet that fails the check raises here
    return {
        "rows": rows,
        "read_kpi_sheet": _time(lambda: read_kpi_sheet(sheet, report), s.runs),
        "clean_period": _time(lambda: clean_period(PERIOD, data, write=False), s.runs),
    }


def measure(s: Settings) -> dict:
    sizes = {}
    for n in s.kpi_rows:
        log(f"kpi_rows: {n:,} KPI rows …")
        sizes[n] = measure_size(s, n)
    return {"sizes": sizes}


def from_json(K: dict) -> dict:
    from .common import int_keys

    return {**K, "sizes": int_keys(K["sizes"])}


def summary(K: dict) -> list[str]:
    return []


def _per_row(s: Sample, n: int) -> str:
    return f"{s.median / n * 1e6:,.0f} µs"


def markdown(K: dict) -> list[str]:
    out = [
        "## 6. The KPI sheet check at size",
        "",
        "The real 2018-03 KPI sheet (18 rows) repeated to N rows, each copy with its own indicator "
        "names so that every row passes the check (`bench/kpi_rows.py`). `read_kpi_sheet` is timed "
        "against the report parsed once beforehand; `clean_period` is the whole period's cleaning "
        "(report, sheet, areas) in memory.",
        "",
        "| KPI rows | read_kpi_sheet | per row | clean_period | per row | runs |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, d in K["sizes"].items():
        r, c = d["read_kpi_sheet"], d["clean_period"]
        out.append(
            f"| {n:,} | {fmt_s(r.median)} | {_per_row(r, n)} | {fmt_s(c.median)} "
            f"| {_per_row(c, n)} | {r.runs} |"
        )
    ns = list(K["sizes"])
    if len(ns) > 1:
        # from the second size when there are three: 18 rows measure mostly the fixed costs
        lo, hi = (ns[1] if len(ns) > 2 else ns[0]), ns[-1]
        a, b = K["sizes"][lo]["read_kpi_sheet"].median, K["sizes"][hi]["read_kpi_sheet"].median
        out += [
            "",
            f"From {lo:,} to {hi:,} rows the check's time grows {b / a:.1f}× for {hi / lo:.0f}× "
            "the rows (a linear check grows as much as the rows).",
        ]
    return out + [""]
