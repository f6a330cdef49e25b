"""Section 7: several plans, and the index page.

Two plans of 10 synthetic March periods each (the real plan's folder id
``kodaira-3`` with its plan.toml, and a copy of the same periods as a second
plan ``bench-b`` without one; every period has the report and the KPI sheet, the
costliest kind), built as in section 3 (:func:`bench.periods.synthetic_periods`).

1. ``reform-workbook --all --jobs 2 --force`` over the 20 periods: time per period.
2. One period added to the first plan (2019-03, the newest: a copy of 2018-03
   with the title's as-of label changed), then ``reform-workbook --all``: it must
   rebuild that period and the index only (checked from its log); its time
   against the same period run alone (``--plan kodaira-3 --period 2019-03
   --force``). Goal ≤ 1.3×.
3. The index page alone for 40 periods (2 plans × 20, stand-in outputs with a
   ``summary.json`` each): ``build_index(force=True)`` in a fresh process
   (imports included) and its up-to-date check. Goal < 0.5 s.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .common import (
    BIN,
    PLAN,
    RAW_PLAN,
    BenchError,
    Sample,
    Settings,
    clean_env,
    fmt_s,
    fresh_dir,
    log,
    run,
    verdict,
)
from .periods import synthetic_periods

SECOND = "bench-b"
ADDED = "2019-03"
GOAL_ADDED = 1.3  # the rerun after adding one period, ÷ that period alone
GOAL_INDEX = 0.5  # seconds, the index of 40 periods


def _two_plans(s: Settings, n: int) -> tuple[Path, list[str]]:
    data = fresh_dir(s.tmp, "data-plans-")
    periods = synthetic_periods(data, n)
    shutil.copy2(RAW_PLAN / "plan.toml", data / "raw" / PLAN / "plan.toml")
    shutil.copytree(
        data / "raw" / PLAN, data / "raw" / SECOND, ignore=shutil.ignore_patterns("plan.toml")
    )
    return data, periods


def _add_period(data: Path) -> None:
    """2019-03: the newest period of the first plan, a copy of 2018-03 as of 平成30年度末."""
    src, dest = data / "raw" / PLAN / "2018-03", data / "raw" / PLAN / ADDED
    shutil.copytree(src, dest)
    report = dest / "progress_report_H29_end.txt"
    lines = report.read_text(encoding="utf-8").split("\n")
    head = "\n".join(lines[:12])
    if head.count("平成 29年度末") != 1:
        raise BenchError("the report's title lines no longer hold '平成 29年度末' once")
    report.write_text(
        "\n".join([head.replace("平成 29年度末", "平成30年度末"), *lines[12:]]), encoding="utf-8"
    )


def _all(data: Path, out: Path, s: Settings, *extra: str) -> tuple[float, str]:
    cmd = [BIN / "reform-workbook", "--all", *extra, "--data-dir", data, "--output-dir", out]
    dt, proc = run(cmd, cwd=s.tmp)
    return dt, proc.stdout


def _rebuilt(stdout: str) -> tuple[list[str], bool, int]:
    """From a run's log: the periods written, whether the index was, how many were up to date."""
    written = [
        line.split("（")[0] for line in stdout.splitlines() if "レポートを書き出しました" in line
    ]
    index = any("index.html:" in line and "最新です" not in line for line in stdout.splitlines())
    return written, index, stdout.count("最新です。前回の実行から")


def _runs(s: Settings, n: int) -> dict:
    data, periods = _two_plans(s, n)
    out = fresh_dir(s.tmp, "out-plans-")
    log(f"plans: --all --jobs 2 --force over 2 plans × {n} periods …")
    t_all, _ = _all(data, out, s, "--jobs", "2", "--force")
    made = sorted(
        f"{p.parent.name}/{p.name}" for p in out.glob("*/*") if (p / "report.html").is_file()
    )
    if len(made) != 2 * n or not (out / "index.html").is_file():
        raise BenchError(f"--all made {len(made)} of {2 * n} reports")
    _add_period(data)
    log(f"plans: one period added ({PLAN}/{ADDED}); --all again …")
    t_added, stdout = _all(data, out, s)
    written, index, skipped = _rebuilt(stdout)
    alone = Sample()
    for r in range(s.runs):
        log(f"plans: {ADDED} alone, run {r + 1}/{s.runs} …")
        cmd = [BIN / "reform-workbook", "--plan", PLAN, "--period", ADDED, "--force"]
        alone.values.append(run([*cmd, "--data-dir", data, "--output-dir", out], cwd=s.tmp)[0])
    return {
        "plans": 2,
        "periods_per_plan": n,
        "first_periods": periods,
        "all": t_all,
        "per_period": t_all / (2 * n),
        "added": {
            "seconds": t_added,
            "written": written,
            "index_rebuilt": index,
            "up_to_date": skipped,
        },
        "alone": alone,
        "ratio": t_added / alone.median,
    }


# --- the index page alone --------------------------------------------------------------

INDEX_TIMER = r"""
import json, sys, time
t0 = time.perf_counter()
from helpers.present.index_page import build_index
t1 = time.perf_counter()
r = build_index(sys.argv[1], sys.argv[2], force=True, log=lambda m: None)
t2 = time.perf_counter()
again = build_index(sys.argv[1], sys.argv[2], log=lambda m: None)
t3 = time.perf_counter()
assert r.rebuilt and not again.rebuilt and r.periods == int(sys.argv[3]), (r, again)
print(json.dumps({"import": t1 - t0, "build": t2 - t1, "up_to_date": t3 - t2}))
"""


def _stand_in_site(s: Settings, per_plan: int) -> tuple[Path, Path]:
    """Raw period folders and outputs with a summary.json each, for 2 plans."""
    data, out = fresh_dir(s.tmp, "data-index-"), fresh_dir(s.tmp, "out-index-")
    for plan in (PLAN, SECOND):
        for k in range(per_plan):
            period = f"{2018 - k}-03"
            (data / "raw" / plan / period).mkdir(parents=True)
            folder = out / plan / period
            (folder / "tables").mkdir(parents=True)
            (folder / "report.html").write_text("<!DOCTYPE html>", encoding="utf-8")
            (folder / "tables" / "tables.xlsx").write_bytes(b"PK")
            (folder / ".fingerprint").write_text(f"{plan}-{period}\n", encoding="utf-8")
            summary = {
                "plan": plan,
                "plan_name": "第3次行財政再構築プラン",
                "period": period,
                "label": period,
                "counts": {"items": 43, "S": k % 4, "A": 30, "B": 13 - k % 4},
                "kpis": {"met": 5, "not_met": 12, "no_data": 1},
                "audit": {"agree": 51, "flagged": 0},
            }
            (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    shutil.copy2(RAW_PLAN / "plan.toml", data / "raw" / PLAN / "plan.toml")
    return data, out


def _index(s: Settings, per_plan: int) -> dict:
    data, out = _stand_in_site(s, per_plan)
    wall, imports, build, check = Sample(), Sample(), Sample(), Sample()
    for _ in range(s.fast_runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", INDEX_TIMER, data, out, str(2 * per_plan)],
            capture_output=True, text=True, env=clean_env(), cwd=s.tmp,
            encoding="utf-8",
        )  # fmt: skip
        wall.values.append(time.perf_counter() - t0)
        if proc.returncode:
            raise BenchError(f"index build failed: {proc.stderr[-2000:]}")
        t = json.loads(proc.stdout)
        imports.values.append(t["import"])
        build.values.append(t["build"])
        check.values.append(t["up_to_date"])
    size = (out / "index.html").stat().st_size
    return {"periods": 2 * per_plan, "process": wall, "import": imports, "build": build,
            "up_to_date": check, "bytes": size}  # fmt: skip


def measure(s: Settings) -> dict:
    n = 3 if s.quick else 10
    return {"runs": _runs(s, n), "index": _index(s, 2 * n)}


# --- reporting ----------------------------------------------------------------------------


def _index_total(M: dict) -> float:
    i = M["index"]
    return i["import"].median + i["build"].median


def summary(M: dict) -> list[str]:
    r, total = M["runs"], _index_total(M)
    return [
        f"| plans: after adding one period to {2 * r['periods_per_plan']}, the rerun ≤ 1.3 × that period alone "
        f"| {fmt_s(r['added']['seconds'])} / {fmt_s(r['alone'].median)} = **{r['ratio']:.2f}×** "
        f"| {verdict(r['ratio'], GOAL_ADDED)} |",
        f"| plans: the index page of {M['index']['periods']} periods < 0.5 s (imports + build) "
        f"| {fmt_s(total)} | {verdict(total, GOAL_INDEX)} |",
    ]


def markdown(M: dict) -> list[str]:
    r, i = M["runs"], M["index"]
    a = r["added"]
    ok = a["written"] == [f"{PLAN} {ADDED}"] and a["index_rebuilt"]
    rebuilt = ", ".join(a["written"]) or "nothing"
    return [
        "## 7. Several plans and the index page",
        "",
        f"Two plans of {r['periods_per_plan']} synthetic March periods each (`{PLAN}` with its plan.toml, "
        f"and a copy of the same periods as a second plan `{SECOND}`; periods built as in section 3, "
        f"{r['first_periods'][0]}–{r['first_periods'][-1]}). `python -m bench --only plans`"
        + (f"; measured {M['started']}." if M.get("started") else "."),
        "",
        "| what | time | runs |",
        "|---|---:|---:|",
        f"| `--all --jobs 2 --force`, 2 plans × {r['periods_per_plan']} periods | {fmt_s(r['all'])} | 1 |",
        f"| … per period | {fmt_s(r['per_period'])} | |",
        f"| one period added ({PLAN}/{ADDED}), then `--all` | {fmt_s(a['seconds'])} | 1 |",
        f"| that period alone (`--plan {PLAN} --period {ADDED} --force`) | {fmt_s(r['alone'].median)} | {r['alone'].runs} |",
        f"| ratio (goal ≤ {GOAL_ADDED}×) | **{r['ratio']:.2f}×** ({verdict(r['ratio'], GOAL_ADDED)}) | |",
        f"| index page of {i['periods']} periods: imports (helpers.present.index_page, jinja2, nh3) | {fmt_s(i['import'].median)} | {i['import'].runs} |",
        f"| … build (`build_index(force=True)`: read {i['periods']} summaries, render, sanitise, write) | {fmt_s(i['build'].median)} | {i['build'].runs} |",
        f"| … imports + build (goal < {GOAL_INDEX} s) | **{fmt_s(_index_total(M))}** ({verdict(_index_total(M), GOAL_INDEX)}) | |",
        f"| … the whole process (`python -c`, interpreter start included) | {fmt_s(i['process'].median)} | {i['process'].runs} |",
        f"| … its up-to-date check (nothing changed) | {fmt_s(i['up_to_date'].median)} | {i['up_to_date'].runs} |",
        "",
        f"After the period was added, `--all` rebuilt {rebuilt} and "
        + ("the index" if a["index_rebuilt"] else "**not** the index")
        + f"; {a['up_to_date']} periods were up to date"
        + (
            " (as it should: only that period and the index)."
            if ok
            else " (**not only that period and the index**)."
        )
        + f" The index page of {i['periods']} periods is {i['bytes'] / 1024:.0f} KiB.",
        "",
    ]
