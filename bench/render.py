"""Render docs/benchmarks.md from the results JSON (``python -m bench.render``).

.venv/bin/python -m bench.render                       # bench/results/latest.json → docs/benchmarks.md
.venv/bin/python -m bench.render --results R.json --out /tmp/b.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import drafts, kpi_rows, machine, periods, pipeline, plans, report, scale, speed
from .common import ROOT, describe_changes
from .results import LATEST, load

DOC = ROOT / "docs" / "benchmarks.md"


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _notes(untouched: dict) -> list[str]:
    notes = []
    if untouched.get("data"):
        notes.append(
            describe_changes(untouched["data"], "the project's data/ and outputs/")
            + ". This benchmark passes temporary --data-dir/--output-dir (or data_dir/output_dir "
            "parameters) to every run it starts, so another process wrote them (a run on the "
            "project's default folders while the benchmark ran)."
        )
    if untouched.get("code"):
        notes.append(
            describe_changes(untouched["code"], "the code (src/, notebooks/, pyproject.toml)")
            + ". The project was being edited while the benchmark ran; figures taken before and "
            "after may reflect different code."
        )
    return [line for n in notes for line in ("", f"**Note:** {n}")]


def _header(res: dict, source: str) -> list[str]:
    untouched = res.get("untouched") or {}
    quick = "--quick, " if res.get("quick") else ""
    return [
        "# Benchmarks",
        "",
        f"Measured by `python -m bench` ({quick}started {res['started']}, took "
        f"{res['elapsed'] / 60:.1f} min) and rendered from `{source}` by `python -m bench.render`. "
        "Every figure is the median of the runs shown; all runs used temporary folders (raw data "
        "copied there), never the project's `data/` or `outputs/`"
        + (" (they were unchanged during the run)." if not untouched.get("data") else "."),
        *_notes(untouched),
        "",
    ]


def _summary(sec: dict) -> list[str]:
    rows = []
    if "pipeline" in sec:
        rows += pipeline.summary(sec["pipeline"])
    if "periods" in sec:
        rows += periods.summary(sec["periods"], sec.get("pipeline"))
    if "scale" in sec:
        rows += scale.summary(sec["scale"])
    if "plans" in sec:
        rows += plans.summary(sec["plans"])
    if "speed" in sec:
        rows += speed.summary(sec["speed"])
    if not rows:
        return []
    return [
        "## Summary against the goals",
        "",
        "| goal | measured | verdict |",
        "|---|---|---|",
    ] + [
        *rows,
        "",
    ]


REPRODUCE = [
    "## How to reproduce",
    "",
    "```sh",
    "make install                                # the venv and the reform-workbook kernel",
    ".venv/bin/python -m bench                   # everything: bench/results/latest.json, then this file",
    ".venv/bin/python -m bench --quick           # smoke test: 1 run, small sizes (JSON and markdown in a temp folder)",
    ".venv/bin/python -m bench --only kpi_rows --kpi-rows 18,1000,10000 --results /tmp/k.json",
    ".venv/bin/python -m bench.render            # this file again from bench/results/latest.json",
    "```",
    "",
    "Sections (`--only`): `pipeline` (1-2), `periods` (3), `scale` (4), `report` (5), `kpi_rows` (6), "
    "`plans` (7), `speed` (8); one "
    "module each in `bench/`. Options: `--runs N` (runs of slow things, default 3; fast things get "
    "max(N, 5)), `--periods 10,20`, `--rows 10000,100000,1000000`, `--kpi-rows 18,1000,10000`, "
    "`--results FILE`, `--out FILE`, `--merge` (the sections measured replace theirs in "
    "`bench/results/latest.json`, the others are kept, and this file is rendered again). The full run takes about 20 minutes on 2 cores; run it on an "
    "otherwise idle machine: the figures are wall-clock times. `bench/results/latest.json` is committed "
    "with this file, so both change together.",
    "",
]


def markdown(res: dict, source: str = "bench/results/latest.json") -> str:
    sec = dict(res["sections"])
    if "periods" in sec:
        sec["periods"] = periods.from_json(sec["periods"])
    if "scale" in sec:
        sec["scale"] = scale.from_json(sec["scale"])
    if "kpi_rows" in sec:
        sec["kpi_rows"] = kpi_rows.from_json(sec["kpi_rows"])
    out = _header(res, source) + machine.markdown(res["env"]) + _summary(sec)
    if "pipeline" in sec:
        out += pipeline.markdown(sec["pipeline"])
    if "periods" in sec:
        out += periods.markdown(sec["periods"], sec.get("pipeline"))
    if "scale" in sec:
        out += scale.markdown(sec["scale"])
    if "report" in sec:
        out += report.markdown(sec["report"])
    if "kpi_rows" in sec:
        out += kpi_rows.markdown(sec["kpi_rows"])
    if "plans" in sec:
        out += plans.markdown(sec["plans"])
    if "speed" in sec:
        out += speed.markdown(sec["speed"])
    out += drafts.markdown()  # not a timing: computed from the real data at each render
    return "\n".join(out + REPRODUCE)


def render(results: Path, out: Path) -> Path:
    text = markdown(load(results), _relative(results))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="docs/benchmarks.md from the benchmark's JSON results")
    p.add_argument("--results", type=Path, default=LATEST, help=f"default {_relative(LATEST)}")
    p.add_argument("--out", type=Path, default=DOC, help=f"default {_relative(DOC)}")
    args = p.parse_args(argv)
    print(f"written: {render(args.results, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
