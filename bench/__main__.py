"""``python -m bench``: measure, write the results JSON, render the markdown.

.venv/bin/python -m bench                 # full: 3 runs of slow things (~20 min on 2 cores);
                                          # bench/results/latest.json and docs/benchmarks.md
.venv/bin/python -m bench --quick         # smoke test: 1 run, small sizes (~2 min);
                                          # JSON and markdown in a temporary folder
.venv/bin/python -m bench --only scale,kpi_rows --results /tmp/r.json
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import kpi_rows, periods, pipeline, plans, report, scale, speed
from .common import (
    PERIOD,
    PLAN,
    ROOT,
    Settings,
    changed_files,
    fresh_data,
    fresh_dir,
    loadavg,
    log,
    run,
    tree_state,
    workbook_cmd,
)
from .machine import machine
from .render import DOC, render
from .results import LATEST, load, save

SECTIONS = ("pipeline", "periods", "scale", "report", "kpi_rows", "plans", "speed")
GUARDED = (ROOT / "data", ROOT / "outputs")
CODE = (ROOT / "src", ROOT / "notebooks", ROOT / "pyproject.toml")


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--quick", action="store_true", help="1 run, small sizes; output to a temp folder"
    )
    p.add_argument("--runs", type=int, help="runs of slow things (default 3, quick 1)")
    p.add_argument("--periods", help="numbers of periods (default 10,20; quick 3)")
    p.add_argument("--rows", help="table sizes (default 10000,100000,1000000; quick 1000,10000)")
    p.add_argument(
        "--kpi-rows",
        help=f"KPI sheet sizes (default {','.join(map(str, kpi_rows.DEFAULT_SIZES))}; "
        f"quick {','.join(map(str, kpi_rows.QUICK_SIZES))})",
    )
    p.add_argument("--only", help="sections, comma-separated: " + ",".join(SECTIONS))
    p.add_argument("--results", type=Path, help="the JSON (default bench/results/latest.json)")
    p.add_argument("--out", type=Path, help="the markdown (default docs/benchmarks.md)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument(
        "--merge",
        action="store_true",
        help="put the sections measured into the existing results (default "
        "bench/results/latest.json, then docs/benchmarks.md), keeping the others",
    )
    return p.parse_args(argv)


def settings(args: argparse.Namespace, tmp: Path) -> Settings:
    runs = args.runs or (1 if args.quick else 3)
    return Settings(
        quick=args.quick,
        runs=runs,
        fast_runs=1 if args.quick else max(runs, 5),
        periods=_ints(args.periods or ("3" if args.quick else "10,20")),
        rows=_ints(args.rows or ("1000,10000" if args.quick else "10000,100000,1000000")),
        kpi_rows=_ints(
            args.kpi_rows
            or ",".join(map(str, kpi_rows.QUICK_SIZES if args.quick else kpi_rows.DEFAULT_SIZES))
        ),
        tmp=tmp,
    )


def measure(s: Settings, only: set[str]) -> dict:
    """Every section asked for, in order; the report section reuses the pipeline's last run."""
    sec: dict = {}
    kept = None
    if "pipeline" in only:
        sec["pipeline"], kept = pipeline.measure(s)
    if "periods" in only:
        sec["periods"] = periods.measure(s)
    if "scale" in only:
        sec["scale"] = scale.measure(s)
    if "kpi_rows" in only:
        sec["kpi_rows"] = kpi_rows.measure(s)
    if "plans" in only:
        sec["plans"] = plans.measure(s)
    if "speed" in only:
        sec["speed"] = speed.measure(s)
    if "report" in only:
        if kept is None:
            log("report: one workbook run to make the report …")
            kept = (fresh_data(s.tmp), fresh_dir(s.tmp, "out-report-"))
            run(workbook_cmd(*kept, "--force"), cwd=s.tmp)
        sec["report"] = report.measure(s, kept[1] / PLAN / PERIOD / "report.html")
    return sec


def _outputs(args, only: set[str]) -> tuple[Path, Path]:
    """Full runs of every section go to the committed files; anything else to a temp folder."""
    partial = args.quick or (only != set(SECTIONS) and not args.merge)
    scratch = Path(tempfile.gettempdir())
    results = args.results or (scratch / "reform-workbook-bench.json" if partial else LATEST)
    out = args.out or (scratch / "reform-workbook-benchmarks.md" if partial else DOC)
    return results, out


def main(argv=None) -> int:
    args = parse_args(argv)
    only = set((args.only or ",".join(SECTIONS)).split(","))
    if only - set(SECTIONS):
        print(
            f"unknown section(s): {', '.join(sorted(only - set(SECTIONS)))}; sections: {', '.join(SECTIONS)}",
            file=sys.stderr,
        )
        return 2
    results_path, out_md = _outputs(args, only)
    started = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    t0 = time.perf_counter()
    env = machine()
    state0, code0 = tree_state(*GUARDED), tree_state(*CODE)
    tmp = Path(tempfile.mkdtemp(prefix="reform-bench-"))
    try:
        sections = measure(settings(args, tmp), only)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    env["loadavg_end"] = loadavg()
    s = settings(args, tmp)
    results = {
        "started": started,
        "elapsed": time.perf_counter() - t0,
        "quick": args.quick,
        "settings": {
            "runs": s.runs,
            "fast_runs": s.fast_runs,
            "periods": s.periods,
            "rows": s.rows,
            "kpi_rows": s.kpi_rows,
        },
        "env": env,
        "untouched": {
            "data": changed_files(state0, tree_state(*GUARDED)),
            "code": changed_files(code0, tree_state(*CODE)),
        },
        "sections": sections,
    }
    if args.merge and results_path.exists():
        merged = load(results_path)
        merged["sections"] = {**merged["sections"], **sections}
        results = merged
    save(results, results_path)
    render(results_path, out_md)
    print(f"results: {results_path}\nwritten: {out_md}  ({results['elapsed'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
