"""Sections 1-2: papermill's floor, the obvious chain, the workbook's run, reruns, bounds.

The floor is the papermill CLI on an empty notebook; the obvious chain is the
papermill CLI once per notebook and ``jupyter nbconvert``; the workbook is
``reform-workbook --force``; a rerun is the same without ``--force`` right after.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

from .common import (
    BIN,
    GOALS,
    PERIOD,
    PLAN,
    ROOT,
    BenchError,
    Sample,
    Settings,
    fmt_s,
    fresh_data,
    fresh_dir,
    log,
    run,
    sample_row,
    verdict,
    workbook_cmd,
)

NOTEBOOKS = ("01_clean", "02_analyze", "03_report")
OTHER = "other (CLI start, input check, HTML export, swap)"
KERNEL = "one kernel: start, run `pass`, shut down (in-process)"
EXPORT = "HTML export of 03_report (import nbconvert + export)"
CLI = "reform-workbook --list (CLI start-up)"
PM_IMPORT = "import papermill (the parent process; pulls in nbformat and jsonschema)"
RFC_IMPORT = "import rfc3987_syntax (jsonschema's format checker, via nbformat)"
TIMED_IMPORTS = {
    PM_IMPORT: "import papermill",
    RFC_IMPORT: "import rfc3987_syntax",
    "import pandas (every notebook)": "import pandas",
    "import helpers.present.charts (matplotlib and the Japanese font; 02_analyze)": "import helpers.present.charts",
    "import helpers.present.report_html, helpers.present.render, helpers.present.export (03_report)": (
        "import helpers.present.report_html, helpers.present.render, helpers.present.export"
    ),
}
KERNEL_CODE = (
    "import time\n"
    "t=time.perf_counter()\n"
    "from jupyter_client.manager import start_new_kernel\n"
    "km,kc=start_new_kernel(kernel_name='reform-workbook')\n"
    "t1=time.perf_counter()\n"
    "kc.execute_interactive('pass', timeout=60)\n"
    "kc.stop_channels(); km.shutdown_kernel(now=False)\n"
    "print(time.perf_counter()-t1, time.perf_counter()-t)\n"
)
EXPORT_CODE = (
    "import sys, time; t=time.perf_counter()\n"
    "from helpers.present.render import export_report\n"
    "export_report(sys.argv[1], sys.argv[2], title='t', footer='f')\n"
    "print(time.perf_counter()-t)\n"
)
STAGE_RE = re.compile(r"^\[\d+/\d+\] (\S+):")
DONE_RE = re.compile(r"完了 ([\d.]+) 秒")


def empty_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    # the same kernel the workbook's notebooks use
    nb.metadata["kernelspec"] = {
        "name": "reform-workbook",
        "display_name": "Python (reform-workbook)",
        "language": "python",
    }
    nbformat.write(nb, str(path))


def stage_times(stdout: str) -> dict[str, float]:
    out, current = {}, None
    for line in stdout.splitlines():
        m = STAGE_RE.match(line.strip())
        if m:
            current = m.group(1)
            continue
        m = DONE_RE.search(line)
        if m and current:
            out[current] = float(m.group(1))
    return out


def cell_profile(nb_dir: Path, top: int = 3) -> dict:
    """Per-notebook cell times papermill recorded in the executed notebooks (the last run)."""
    import nbformat

    out = {}
    for name in ("01_clean", "02_analyze", "03_report"):
        path = nb_dir / f"{name}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(str(path), as_version=4)
        cells = []
        for c in nb.cells:
            d = (c.get("metadata", {}).get("papermill") or {}).get("duration")
            if c.cell_type == "code" and d is not None:
                first = next(
                    (ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith("#")),
                    "",
                )
                cells.append((float(d), first.strip()[:60]))
        cells.sort(reverse=True)
        out[name] = {"cells_total": sum(d for d, _ in cells), "top": cells[:top]}
    return out


# ------------------------------------------------------------------ measuring


def measure_floor(s: Settings) -> Sample:
    log("floor: papermill CLI, empty notebook …")
    floor_dir = fresh_dir(s.tmp, "floor-")
    empty_notebook(floor_dir / "empty.ipynb")
    floor = Sample()
    for i in range(s.fast_runs):
        dt, _ = run([BIN / "papermill", "empty.ipynb", f"out-{i}.ipynb"], cwd=floor_dir)
        floor.values.append(dt)
    return floor


def _chain_once(s: Settings, parts: dict[str, Sample]) -> float:
    data, out = fresh_data(s.tmp), fresh_dir(s.tmp, "out-chain-")
    nbo = out / "notebooks"
    nbo.mkdir()
    total = 0.0
    for name in NOTEBOOKS:
        params = ["-p", "period", PERIOD, "-p", "data_dir", data, "-p", "output_dir", out]
        params += ["-p", "plan", PLAN, "-p", "period_output_dir", out]
        cmd = [BIN / "papermill", f"{name}.ipynb", nbo / f"{name}.ipynb", *params]
        dt, _ = run(cmd, cwd=ROOT / "notebooks")
        parts.setdefault(name, Sample()).values.append(dt)
        total += dt
    cmd = [
        BIN / "jupyter",
        "nbconvert",
        "--to",
        "html",
        nbo / "03_report.ipynb",
        "--output-dir",
        out,
    ]
    dt, _ = run(cmd, cwd=out)
    parts.setdefault("nbconvert", Sample()).values.append(dt)
    return total + dt


def measure_chain(s: Settings) -> tuple[Sample, dict[str, Sample]]:
    log("chain: papermill CLI × 3 + jupyter nbconvert …")
    chain, parts = Sample(), {}
    for _ in range(s.runs):
        chain.values.append(_chain_once(s, parts))
    return chain, parts


def _reruns(s: Settings, data: Path, out: Path, rerun: Sample) -> int:
    """Reruns right after a run (nothing changed, so each should be skipped); how many were not."""
    not_skipped = 0
    for _ in range(math.ceil(s.fast_runs / s.runs)):
        for _attempt in range(3):
            dt, p = run(workbook_cmd(data, out), cwd=s.tmp)
            if "最新です" in p.stdout:
                rerun.values.append(dt)
                break
            # the code or notebooks changed under us (someone editing src/): not a rerun
            not_skipped += 1
    return not_skipped


def measure_workbook(s: Settings) -> tuple[dict, tuple[Path, Path]]:
    """The workbook's run and its stages, then reruns; the last run's folders are kept."""
    log("workbook: reform-workbook --force, then reruns without --force …")
    wb, rerun, stages = Sample(), Sample(), {}
    not_skipped = 0
    kept = None
    for _ in range(s.runs):
        data, out = fresh_data(s.tmp), fresh_dir(s.tmp, "out-wb-")
        dt, p = run(workbook_cmd(data, out, "--force"), cwd=s.tmp)
        wb.values.append(dt)
        st = stage_times(p.stdout)
        for k, v in st.items():
            stages.setdefault(k, Sample()).values.append(v)
        stages.setdefault(OTHER, Sample()).values.append(dt - sum(st.values()))
        not_skipped += _reruns(s, data, out, rerun)
        kept = (data, out)
    res = {"workbook": wb, "stages": stages, "rerun": rerun, "rerun_not_skipped": not_skipped}
    res["cells"] = cell_profile(kept[1] / PLAN / PERIOD / "notebooks")
    return res, kept


def _timed_python(s: Settings, code: str, *args) -> Sample:
    """Runs of ``python -c code args``, each printing its own time (first number) on stdout."""
    sample = Sample()
    for _ in range(s.fast_runs):
        _, p = run([sys.executable, "-c", code, *args], cwd=s.tmp)
        sample.values.append(float(p.stdout.split()[0]))
    return sample


def _kernel_bounds(s: Settings) -> dict[str, Sample]:
    whole, start = Sample(), Sample()
    for _ in range(s.fast_runs):
        _, p = run([sys.executable, "-c", KERNEL_CODE], cwd=s.tmp)
        after_start, total = map(float, p.stdout.split())
        whole.values.append(total)
        start.values.append(total - after_start)
    return {KERNEL: whole, "one kernel: start-up until ready": start}


def measure_bounds(s: Settings, kept: tuple[Path, Path]) -> dict[str, Sample]:
    """What a run is made of: interpreter, CLI, a kernel, the notebooks' imports, the export."""
    log("bounds: interpreter, CLI, kernel start-up, notebook imports, HTML export …")
    bounds = {
        "python -c pass": Sample(
            [run([sys.executable, "-c", "pass"], cwd=s.tmp)[0] for _ in range(s.fast_runs)]
        ),
        CLI: Sample(
            [
                run([BIN / "reform-workbook", "--list", "--data-dir", kept[0]], cwd=s.tmp)[0]
                for _ in range(s.fast_runs)
            ]
        ),
        **_kernel_bounds(s),
    }
    for label, stmt in TIMED_IMPORTS.items():
        try:
            bounds[label] = _timed_python(
                s, f"import time; t=time.perf_counter()\n{stmt}\nprint(time.perf_counter()-t)\n"
            )
        except BenchError:
            continue  # not installed
    nb03 = kept[1] / PLAN / PERIOD / "notebooks" / "03_report.ipynb"
    bounds[EXPORT] = _timed_python(s, EXPORT_CODE, nb03, s.tmp / "export.html")
    return bounds


def measure(s: Settings) -> tuple[dict, tuple[Path, Path]]:
    """Sections 1-2; also the folders of the last workbook run (for the report section)."""
    floor = measure_floor(s)
    chain, chain_parts = measure_chain(s)
    res, kept = measure_workbook(s)
    res.update(floor=floor, chain=chain, chain_parts=chain_parts)
    res["ratios"] = {
        "workbook_floor": res["workbook"].median / floor.median,
        "workbook_chain": res["workbook"].median / chain.median,
        "rerun_floor": res["rerun"].median / floor.median if res["rerun"].runs else math.nan,
    }
    res["bounds"] = measure_bounds(s, kept)
    return res, kept


# ------------------------------------------------------------------ reporting


def summary(P: dict) -> list[str]:
    """Rows of the summary table against the goals."""
    out: list[str] = []
    w = out.append
    r = P["ratios"]
    w(
        f"| workbook run ≤ 3 × the papermill floor | {fmt_s(P['workbook'].median)} / {fmt_s(P['floor'].median)} = **{r['workbook_floor']:.2f}×** | {verdict(r['workbook_floor'], 3)} |"
    )
    w(
        f"| workbook run ≤ 0.6 × the obvious chain | {fmt_s(P['workbook'].median)} / {fmt_s(P['chain'].median)} = **{r['workbook_chain']:.2f}×** | {verdict(r['workbook_chain'], 0.6)} |"
    )
    w(
        f"| rerun with nothing changed ≤ 0.3 × floor | {fmt_s(P['rerun'].median)} / {fmt_s(P['floor'].median)} = **{r['rerun_floor']:.2f}×** | {verdict(r['rerun_floor'], 0.3)} |"
    )
    return out


def markdown(P: dict) -> list[str]:
    return _floor_chain_workbook(P) + _rerun(P)


def _bounds_and_cells(P: dict) -> list[str]:
    out: list[str] = []
    w = out.append
    w("What a run is made of (the bounds):")
    w("")
    w("| what | median | runs |")
    w("|---|---:|---:|")
    for k, s in P["bounds"].items():
        w(f"| {k} | {fmt_s(s.median)} | {s.runs} |")
    w("")
    if P.get("cells"):
        w(
            "Inside the notebooks (cell times papermill recorded in the last workbook run; "
            "the rest of a stage is kernel start-up, papermill's bookkeeping and saving the notebook):"
        )
        w("")
        w("| notebook | stage | all cells | rest | slowest cells |")
        w("|---|---:|---:|---:|---|")
        for name, c in P["cells"].items():
            stage = P["stages"].get(name)
            st = stage.values[-1] if stage else math.nan
            slow = "; ".join(f"{fmt_s(d)} `{src}`" for d, src in c["top"])
            w(
                f"| {name} | {fmt_s(st)} | {fmt_s(c['cells_total'])} | {fmt_s(st - c['cells_total'])} | {slow} |"
            )
        w("")
    return out


def _floor_chain_workbook(P: dict) -> list[str]:
    out: list[str] = []
    w = out.append
    w("## 1. The floor, the obvious chain and the workbook (one period, 2018-03)")
    w("")
    w("| what | median | runs | range |")
    w("|---|---:|---:|---|")
    w(
        sample_row(
            "floor: `papermill empty.ipynb out.ipynb` (one cell `pass`, kernel reform-workbook)",
            P["floor"],
        )
    )
    w(sample_row("obvious chain, total", P["chain"]))
    for k, s in P["chain_parts"].items():
        w(
            sample_row(
                f"&nbsp;&nbsp;chain: {'papermill ' + k if k != 'nbconvert' else 'jupyter nbconvert --to html 03_report'}",
                s,
            )
        )
    w(
        sample_row(
            "`reform-workbook --period 2018-03 --data-dir D --output-dir O --force`",
            P["workbook"],
        )
    )
    for k, s in P["stages"].items():
        w(sample_row(f"&nbsp;&nbsp;workbook: {k}", s))
    w("")
    w(
        "The stage times come from the workbook's own log (`完了 … 秒`, 0.1 s resolution); "
        '"other" is the rest of the wall time.'
    )
    w("")
    out += _bounds_and_cells(P)
    w(analysis_pipeline(P))
    w("")
    return out


def _rerun(P: dict) -> list[str]:
    out: list[str] = []
    w = out.append
    w("## 2. Rerun with nothing changed")
    w("")
    w(
        f"`reform-workbook --period 2018-03 …` without `--force`, right after a run: **{fmt_s(P['rerun'].median)}** "
        f"(median of {P['rerun'].runs}; range {P['rerun'].spread() or '–'} s), {P['ratios']['rerun_floor']:.2f}× the floor "
        f"(goal ≤ 0.3×: {verdict(P['ratios']['rerun_floor'], 0.3)}). The run hashes the raw data, the package's code and "
        "the notebooks, finds the fingerprint of the last run equal and skips; no kernel starts. "
        f"The CLI alone (`reform-workbook --list`) takes {fmt_s(P['bounds']['reform-workbook --list (CLI start-up)'].median)}, "
        f"the interpreter alone {fmt_s(P['bounds']['python -c pass'].median)}."
    )
    if P["rerun_not_skipped"]:
        w("")
        w(
            f"{P['rerun_not_skipped']} rerun(s) were not skipped because the code or notebooks changed between the "
            "run and the rerun (the project was being edited while the benchmark ran); they were left out and repeated."
        )
    w("")

    return out


def analysis_pipeline(P: dict) -> str:
    b = {k: v.median for k, v in P["bounds"].items()}
    kernel = b["one kernel: start, run `pass`, shut down (in-process)"]
    export = b["HTML export of 03_report (import nbconvert + export)"]
    pm_import = b.get(
        "import papermill (the parent process; pulls in nbformat and jsonschema)", math.nan
    )
    rfc = b.get("import rfc3987_syntax (jsonschema's format checker, via nbformat)")
    floor, wb = P["floor"].median, P["workbook"].median
    cells = P.get("cells") or {}
    cells_total = sum(c["cells_total"] for c in cells.values())
    rest = {
        name: P["stages"][name].values[-1] - c["cells_total"]
        for name, c in cells.items()
        if name in P["stages"]
    }
    r1, r2 = P["ratios"]["workbook_floor"], P["ratios"]["workbook_chain"]
    slowest = sorted(
        ((d, src, name) for name, c in cells.items() for d, src in c["top"]), reverse=True
    )[:3]
    parts = [
        f"**Where the time goes.** The floor ({fmt_s(floor)}) is one papermill process: the interpreter, "
        f"importing papermill ({fmt_s(pm_import)}"
        + (
            f", of which {fmt_s(rfc)} is jsonschema importing `rfc3987_syntax`, which builds a grammar at import"
            if rfc
            else ""
        )
        + f"), one kernel ({fmt_s(kernel)} to start, run `pass` and shut down, measured alone) and saving the "
        f"notebook. The workbook imports papermill once (without jsonschema's `rfc3987_syntax`, which "
        "notebook validation never uses), then runs the three notebooks in one kernel, started for the "
        f"first: outside their cells the three stages took {fmt_s(sum(rest.values()))} "
        f"({', '.join(f'{k} {fmt_s(v)}' for k, v in rest.items())}) — the kernel's start-up (01_clean), "
        f"papermill's bookkeeping and saving; their cells took {fmt_s(cells_total)}, the slowest being "
        + "; ".join(f"{fmt_s(d)} for `{src}` ({name})" for d, src, name in slowest)
        + " (the first cell of each notebook imports pandas and the helpers, 02's chart cell imports "
        f"matplotlib and draws four charts with a Japanese font). The HTML export costs {fmt_s(export)} in a "
        "fresh process, mostly importing nbconvert; in the run it shares the parent's imports."
    ]
    if r1 > GOALS["workbook_floor"]:
        no_cells = wb - cells_total
        room = 3 * floor - no_cells
        chart = max(
            (d for c in cells.values() for d, src in c["top"] if "charts" in src), default=math.nan
        )
        parts.append(
            f"**The ≤ 3× floor goal is missed ({r1:.2f}×).** Without its cells' work the run would still take "
            f"≈ {fmt_s(no_cells)} = {no_cells / floor:.2f}× the floor: three kernels where the floor has one, "
            f"the input check and the HTML export. That leaves {fmt_s(max(room, 0))} of the 3× budget "
            f"({fmt_s(3 * floor)}) for all the cells of the three notebooks, which take {fmt_s(cells_total)} "
            f"({fmt_s(chart)} of it the chart cell). Meeting the goal would take one kernel fewer per stage "
            "(one nbclient session executing the three notebooks in turn, or the next kernel started while the "
            "current notebook runs: ≈ 0.7 s each) and cheaper charts; papermill's API starts a kernel per "
            "notebook, and the kernel start-up is the floor's own cost, paid three times."
        )
    else:
        parts.append(f"The ≤ 3× floor goal is met ({r1:.2f}×).")
    chain = P["chain"].median
    saved = chain - wb
    if r2 > GOALS["workbook_chain"]:
        short = wb - GOALS["workbook_chain"] * chain
        parts.append(
            f"**The ≤ 0.6× chain goal is missed ({r2:.2f}×)**, by {fmt_s(short)} "
            f"({short / wb * 100:.1f} % of the run; the workbook's own runs ranged {P['workbook'].spread()} s). "
            f"Against the chain the workbook saves {fmt_s(saved)}: the chain starts a new interpreter and "
            f"imports papermill ({fmt_s(pm_import)}) for each of the three notebooks and once more for nbconvert, "
            "while the workbook does it once; both start the same three kernels and do the same cell work. "
            + f"Taking {fmt_s(short)} off the workbook alone (one of its three kernel start-ups is ≈ "
            f"{fmt_s(kernel)}), or {fmt_s(short / (1 - GOALS['workbook_chain']))} of cell work off both (cheaper "
            "charts), would bring it under 0.6×."
        )
    else:
        parts.append(
            f"The ≤ 0.6× chain goal is met ({r2:.2f}×): the workbook saves {fmt_s(saved)} against the chain, which "
            f"starts a new interpreter and imports papermill ({fmt_s(pm_import)}) for every notebook and again for "
            "nbconvert, where the workbook does it once; both start the same three kernels and do the same cell work."
        )
    return "\n\n".join(parts)
