"""End to end through papermill: the real data of 2018-03 gives the real numbers."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from filelock import FileLock
from support import PLAN

from helpers.core import paths
from helpers.core.errors import InputError, LockedError, StageError
from helpers.core.tables import read_csv
from helpers.run.pipeline import is_up_to_date, recover, run_period

pytestmark = pytest.mark.e2e


def metrics_of(run) -> pd.DataFrame:
    return read_csv(run["data"] / "processed" / PLAN / "2018-03" / "metrics.csv").set_index(
        "kpi_id"
    )


def test_products_exist(e2e_run):
    d = e2e_run["period_dir"]
    assert (d / "report.html").stat().st_size > 10_000
    for name in ("status_by_area", "kpi_achievement", "kpi_prev_current", "status_across_periods"):
        assert (d / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (d / "figures" / f"{name}.svg").read_bytes()[:500]
    for name in ("metrics", "audit", "areas"):
        assert (d / "tables" / f"{name}.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM for Excel
    xl = pd.ExcelFile(d / "tables" / "tables.xlsx")
    assert {"成果指標", "検算", "分野別"} <= set(xl.sheet_names)
    for nb in ("01_clean", "02_analyze", "03_report"):
        assert (d / "notebooks" / f"{nb}.ipynb").exists()


def test_executed_notebooks_print_no_warning_or_error(e2e_run):
    for path in (e2e_run["period_dir"] / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"{path.name}: {out}"
                if out["output_type"] == "stream":
                    assert out["name"] != "stderr", f"{path.name}: {out['text']}"


def test_the_kernels_warm_up_leaves_no_trace_in_the_executed_notebooks(e2e_run):
    # the shared kernel imports the notebooks' modules silently before 01: the cells of
    # the three notebooks are still counted 1, 2, 3, … in the order they ran
    counts = []
    for name in ("01_clean", "02_analyze", "03_report"):
        nb = nbformat.read(str(e2e_run["period_dir"] / "notebooks" / f"{name}.ipynb"), 4)
        counts += [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_area_table_equals_the_report(e2e_run):
    areas = read_csv(e2e_run["data"] / "processed" / PLAN / "2018-03" / "areas.csv")
    assert areas["items"].tolist() == [7, 3, 6, 14, 13]
    assert areas["S"].tolist() == [1, 0, 0, 1, 1]
    assert areas["A"].tolist() == [4, 1, 4, 9, 12]
    assert areas["B"].tolist() == [2, 2, 2, 4, 0]


def test_ten_delayed_items(e2e_run):
    items = read_csv(e2e_run["data"] / "processed" / PLAN / "2018-03" / "items.csv")
    assert items[items["status"] == "B"]["item_no"].tolist() == [
        1,
        3,
        8,
        10,
        11,
        12,
        20,
        22,
        25,
        30,
    ]
    assert items[items["status"] == "S"]["item_no"].tolist() == [7, 28, 41]
    assert len(items) == 43


def test_real_kpi_numbers(e2e_run):
    m = metrics_of(e2e_run)
    assert len(m) == 18
    r = m.loc["1-1"]
    assert (r.value, r.prev_value, r.target_kind, r.target_low) == (9718, 9855, "at_least", 10000)
    assert r.change_abs == -137 and round(r.change_pct, 4) == -1.3902 and r.achievement_pct == 97.18
    assert not r.met and r.trend == "worsened"
    r = m.loc["20-1"]  # 経常収支比率: lower is better, change in points, range 80%台
    assert (r.value, r.prev_value, r.change_pt, r.direction) == (92.6, 94.8, -2.2, "lower")
    assert pd.isna(r.change_pct) and r.trend == "improved" and not r.met and r.gap == 2.6
    assert (r.target_low, r.target_high) == (80, 90)
    r = m.loc["20-2"]  # 財政調整基金 25.4億円 → 28.6億円
    assert (r.value, r.prev_value, r.change_abs) == (2_860_000_000, 2_540_000_000, 320_000_000)
    r = m.loc["30-2"]  # 前年度から159万円の減: previous derived
    assert (r.value, r.prev_value, r.prev_derived) == (22_650_000, 24_240_000, True)
    r = m.loc["8-1"]
    assert r.approx and (r.value, r.prev_value) == (3_400_000, 3_000_000)
    r = m.loc["22-3"]  # 未算出: missing, never 0, never met
    assert pd.isna(r.value) and pd.isna(r.met)
    r = m.loc["12-1"]
    assert r.prev_value == 57.9 and r.change_pt == 4.7 and r.prev_derived


def test_audit_all_agree_on_the_real_report(e2e_run):
    audit = read_csv(e2e_run["data"] / "processed" / PLAN / "2018-03" / "audit.csv")
    assert len(audit) >= 40
    assert audit["ok"].all(), audit[~audit["ok"]]
    assert "text_sum" in set(audit["check"]) and "text_rate" in set(audit["check"])


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_report_text_has_the_real_sentences(e2e_run):
    html = (e2e_run["period_dir"] / "report.html").read_text(encoding="utf-8")
    text = _text(html)
    assert (
        "市民活動支援センター来場者数は9,718人で、前年度末（9,855人）から137人（1.4%）減少しました。"
        in text
    )
    assert "目標（1万人以上）に対する達成率は97.2%" in text
    assert "経常収支比率は92.6%で、前年度末（94.8%）から2.2ポイント低下しました" in text
    assert "約340万件" in text
    assert "全43項目（再掲2項目を含む）のうち" in text
    assert "予定よりも遅れている（B）が10項目（23.3%）" in text
    assert "Sは0項目から3項目" in text and "Bは4項目から10項目" in text
    assert "未算出" in text
    assert "目次" in text and "方法と定義" in text


def test_report_is_self_contained_and_clean(e2e_run):
    html = (e2e_run["period_dir"] / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    for bad in ("Traceback", "Warning", "warning", "Error", "DeprecationWarning", "In [", "Out["):
        assert bad not in _text(html), bad
    assert html.count("<img") >= 4 and 'src="data:image/png;base64,' in html


def test_rerun_with_nothing_changed_is_skipped(e2e_run):
    logs: list[str] = []
    result = run_period("2018-03", e2e_run["data"], e2e_run["out"], log=logs.append)
    assert result.skipped and "最新です" in logs[0]
    assert result.seconds < 5  # the skip itself; the benchmark measures it properly


def test_failed_notebook_keeps_previous_report(e2e_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(e2e_run["out"], out)
    before = (out / PLAN / "2018-03" / "report.html").read_bytes()
    nb_dir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, nb_dir)
    nb = nbformat.read(str(nb_dir / "02_analyze.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(nb, str(nb_dir / "02_analyze.ipynb"))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nb_dir)
    with pytest.raises(StageError, match="02_analyze"):
        run_period("2018-03", e2e_run["data"], out, force=True, log=lambda m: None)
    assert (out / PLAN / "2018-03" / "report.html").read_bytes() == before
    failed = nbformat.read(
        str(out / PLAN / "2018-03" / "failed" / "02_analyze.ipynb"), as_version=4
    )
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["evalue"] == "deliberate failure"


def test_bad_input_stops_the_kernel_started_ahead_of_the_cleaning(e2e_run, tmp_path, monkeypatch):
    """The shared kernel starts while the period is cleaned; a sheet with a fault stops
    the run with its file and line (exit 2) and the kernel with it: no process is left."""
    import helpers.run.pipeline as pipeline

    started = []
    start = pipeline._SharedKernel.start.__func__

    def recorded(cls):
        kernel = start(cls)
        started.append((kernel, kernel.kms[-1].provisioner.pid))
        return kernel

    monkeypatch.setattr(pipeline._SharedKernel, "start", classmethod(recorded))
    data = tmp_path / "data"
    shutil.copytree(e2e_run["data"] / "raw", data / "raw")
    sheet = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    with open(sheet, "a", encoding="utf-8", newline="") as fh:
        fh.write('garbage,"unclosed\n')
    with pytest.raises(InputError, match="kpi_sheet.csv 20行目"):
        run_period("2018-03", data, tmp_path / "out", force=True, log=lambda m: None)
    [(kernel, pid)] = started
    assert not kernel.kms[-1].has_kernel and kernel.sink.closed
    assert kernel.warmed is None  # its warm-up client closed: an open one hung the shutdown
    if Path("/proc").is_dir():
        assert not Path(f"/proc/{pid}").exists()


def test_second_run_of_the_same_period_is_refused_while_locked(e2e_run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / PLAN / ".2018-03.lock")):
        with pytest.raises(LockedError, match="別の実行が進んでいます"):
            run_period("2018-03", e2e_run["data"], out, force=True, log=lambda m: None)


def test_unknown_period_lists_the_ones_that_exist(e2e_run):
    with pytest.raises(InputError, match="2017-09, 2018-03"):
        run_period("2099-03", e2e_run["data"], e2e_run["out"])


def test_cli_exits_2_for_a_period_without_data(e2e_run):
    exe = Path(sys.executable).parent / "reform-workbook"
    proc = subprocess.run(
        [
            str(exe),
            "--period",
            "2016-03",
            "--data-dir",
            str(e2e_run["data"]),
            "--output-dir",
            str(e2e_run["out"]),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 2
    assert "2017-09, 2018-03" in proc.stderr


def test_forced_rerun_gives_byte_identical_processed_tables(e2e_run):
    processed = e2e_run["data"] / "processed" / PLAN / "2018-03"
    before = {p.name: p.read_bytes() for p in processed.glob("*.csv")}
    run_period("2018-03", e2e_run["data"], e2e_run["out"], force=True, log=lambda m: None)
    after = {p.name: p.read_bytes() for p in processed.glob("*.csv")}
    assert before == after and len(before) >= 8


def test_mid_year_period_runs_with_its_area_table_only(e2e_run):
    run_period("2017-09", e2e_run["data"], e2e_run["out"], force=True, log=lambda m: None)
    html = (e2e_run["out"] / PLAN / "2017-09" / "report.html").read_text(encoding="utf-8")
    assert "平成29年9月末" in html and "予定どおりに進捗（A）が39項目" in _text(html)
    meta = json.loads(
        (e2e_run["data"] / "processed" / PLAN / "2017-09" / "meta.json").read_text(encoding="utf-8")
    )
    assert meta["has_indicators"] is False


def test_two_runs_of_the_same_period_at_once_corrupt_nothing(e2e_run, tmp_path):
    """Two CLI processes start together: one runs, the other is refused (exit 3) or finds it done."""
    exe = Path(sys.executable).parent / "reform-workbook"
    out = tmp_path / "out"
    args = [
        str(exe),
        "--period",
        "2018-03",
        "--data-dir",
        str(e2e_run["data"]),
        "--output-dir",
        str(out),
    ]
    procs = [
        subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 3]), results
    if codes == [0, 3]:
        assert "別の実行が進んでいます" in next(err for code, err in results if code == 3)
    html = (out / PLAN / "2018-03" / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>") and "9,718人" in html
    assert not [p for p in out.rglob("*") if "staging" in p.name or ".old-" in p.name]


# --- a run stopped at any instant: kill -9 at every stage, SIGTERM ------------------

# Runs the command line in a child process that kills itself (SIGKILL, as `kill -9`)
# at a chosen point: after notebook 01, or before the k-th rename of the swap
# (0: processed aside, 1: processed in, 2: outputs aside, 3: outputs in), or
# after the last rename ("rename-4"). A notebook folder may replace the project's.
CRASH_RUNNER = r"""
import os, signal, sys
from pathlib import Path
from helpers.run import cli, pipeline
from helpers.core import paths

point, nb_dir, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
if nb_dir:
    paths.NOTEBOOKS_DIR = Path(nb_dir)

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if point == "after-01":
    run_notebook = pipeline._run_notebook
    def stop_after_01(pm, name, *args):
        run_notebook(pm, name, *args)
        if name == "01_clean":
            die()
    pipeline._run_notebook = stop_after_01
elif point.startswith("rename-"):
    k, done = int(point.split("-")[1]), [0]
    rename = pipeline._rename
    def stop_at_k(src, dst):
        if done[0] == k:
            die()
        rename(src, dst)
        done[0] += 1
        if done[0] == k == 4:
            die()
    pipeline._rename = stop_at_k
sys.exit(cli.main(argv))
"""
CLEANED = ("areas", "items", "indicators", "meta")
ANALYSED = ("metrics", "audit", "status_counts", "area_comparison", "item_comparison")
OLD_MARK = "<!-- the report of an earlier run -->\n"


def _hashes(root: Path) -> dict[str, str]:
    import hashlib

    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def earlier(e2e_run, tmp_path):
    """A copy of a finished run, marked as earlier: its report and tables are recognisable."""
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(e2e_run["data"], data)
    shutil.copytree(e2e_run["out"], out, ignore=shutil.ignore_patterns(".*.lock"))
    for lock in (data / "processed").glob(".*.lock"):
        lock.unlink()
    report = out / PLAN / "2018-03" / "report.html"
    report.write_text(report.read_text(encoding="utf-8") + OLD_MARK, encoding="utf-8")
    processed = data / "processed" / PLAN / "2018-03"
    meta = json.loads((processed / "meta.json").read_text(encoding="utf-8"))
    (processed / "meta.json").write_text(json.dumps(meta | {"earlier_run": True}), encoding="utf-8")
    for folder in (processed, out / PLAN / "2018-03"):
        (folder / ".fingerprint").write_text("an earlier run\n", encoding="utf-8")
    return {
        "data": data,
        "out": out,
        "raw": _hashes(data / "raw"),
        "processed": _hashes(processed),
        "outputs": _hashes(out / PLAN / "2018-03"),
    }


def _crash(earlier, point: str, nb_dir: Path | None = None) -> subprocess.CompletedProcess:
    args = ["--period", "2018-03", "--data-dir", str(earlier["data"])]
    args += ["--output-dir", str(earlier["out"]), "--force"]
    return subprocess.run(
        [sys.executable, "-c", CRASH_RUNNER, point, str(nb_dir or ""), *args],
        capture_output=True,
        text=True,
        timeout=600,
        encoding="utf-8",
    )


def _report_state(out: Path) -> str:
    html = (out / PLAN / "2018-03" / "report.html").read_text(encoding="utf-8")
    if html.endswith(OLD_MARK):
        return "old"
    assert html.rstrip().endswith("</html>") and "9,718人" in html
    return "new"


def _processed_state(earlier) -> str:
    """'old' (as before, by hash) or 'new' (complete, from a whole run); never a mix."""
    processed = earlier["data"] / "processed" / PLAN / "2018-03"
    if _hashes(processed) == earlier["processed"]:
        return "old"
    names = {p.name for p in processed.iterdir()}
    assert {f"{n}.csv" for n in ANALYSED} | {"areas.csv", "meta.json"} <= names, names
    assert ".precleaned" not in names, names
    assert "earlier_run" not in json.loads((processed / "meta.json").read_text(encoding="utf-8"))
    assert (processed / ".fingerprint").read_text(encoding="utf-8").strip() != "an earlier run"
    return "new"


def _leftovers(earlier) -> list[str]:
    roots = (earlier["out"] / PLAN, earlier["data"] / "processed" / PLAN)
    return [
        p.name for r in roots for p in r.iterdir() if ".staging-" in p.name or ".old-" in p.name
    ]


@pytest.mark.parametrize(
    "point, expect",
    [
        ("after-01", ("old", "old")),
        ("rename-0", ("old", "old")),  # everything staged, nothing renamed yet
        ("rename-1", (None, "old")),  # processed set aside, the new one not yet in
        ("rename-2", ("new", "old")),  # processed swapped, outputs not yet
        ("rename-3", ("new", None)),  # outputs set aside, the new ones not yet in
        ("rename-4", ("new", "new")),  # both swapped, asides not yet removed
    ],
)
def test_a_run_killed_at_any_stage_leaves_old_or_new(earlier, point, expect):
    proc = _crash(earlier, point)
    assert proc.returncode == -9, proc.stderr
    assert _hashes(earlier["data"] / "raw") == earlier["raw"]
    processed_now, report_now = expect
    # the instant of the kill: a complete old or new folder, except between the two
    # renames of a pair, where the old one is only under its aside name
    if report_now:
        assert _report_state(earlier["out"]) == report_now
    if processed_now:
        assert _processed_state(earlier) == processed_now
    # the next run begins by putting back what the killed one set aside
    recover(earlier["out"] / PLAN / "2018-03", log=lambda m: None)
    recover(earlier["data"] / "processed" / PLAN / "2018-03", log=lambda m: None)
    assert _report_state(earlier["out"]) == (report_now or "old")
    processed = _processed_state(earlier)
    assert processed == (processed_now or "old")
    assert not _leftovers(earlier)
    # up to date only where both folders are complete and from this run
    up = is_up_to_date("2018-03", earlier["data"], earlier["out"])
    assert up == (point == "rename-4")


def test_a_run_killed_during_02_leaves_the_old_tables_and_the_next_run_rebuilds(
    earlier, tmp_path, monkeypatch
):
    """The issue's case: killed after 02 wrote metrics.csv, before audit.csv."""
    nb_dir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, nb_dir)
    nb = nbformat.read(str(nb_dir / "02_analyze.ipynb"), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "metrics_step(" in c.source) + 1
    kill = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(os.getpid(), signal.SIGKILL)"
    nb.cells.insert(at, nbformat.v4.new_code_cell(kill))
    nbformat.write(nb, str(nb_dir / "02_analyze.ipynb"))
    proc = _crash(earlier, "none", nb_dir)
    assert proc.returncode == -9, proc.stderr
    assert _hashes(earlier["data"] / "raw") == earlier["raw"]
    assert _hashes(earlier["data"] / "processed" / PLAN / "2018-03") == earlier["processed"]
    assert _hashes(earlier["out"] / PLAN / "2018-03") == earlier["outputs"]
    assert not is_up_to_date("2018-03", earlier["data"], earlier["out"])
    logs: list[str] = []
    result = run_period("2018-03", earlier["data"], earlier["out"], log=logs.append)
    assert not result.skipped, logs
    assert _processed_state(earlier) == "new" and _report_state(earlier["out"]) == "new"
    assert not _leftovers(earlier)
    assert run_period("2018-03", earlier["data"], earlier["out"], log=logs.append).skipped


@pytest.mark.skipif(
    not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals"
)
def test_sigterm_removes_the_staging_folders_and_keeps_the_old_report(earlier, tmp_path):
    nb_dir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, nb_dir)
    started = tmp_path / "in-02"
    nb = nbformat.read(str(nb_dir / "02_analyze.ipynb"), as_version=4)
    wait = f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)"
    nb.cells.insert(4, nbformat.v4.new_code_cell(wait))
    nbformat.write(nb, str(nb_dir / "02_analyze.ipynb"))
    args = ["--period", "2018-03", "--data-dir", str(earlier["data"])]
    args += ["--output-dir", str(earlier["out"]), "--force"]
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_RUNNER, "none", str(nb_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        for _ in range(6000):  # until notebook 02 runs (or the run ended early)
            if started.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert started.exists(), proc.communicate()
        assert _leftovers(earlier)  # the run's staging folders exist now
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert not _leftovers(earlier)
    assert _hashes(earlier["data"] / "processed" / PLAN / "2018-03") == earlier["processed"]
    assert _hashes(earlier["out"] / PLAN / "2018-03") == earlier["outputs"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished run of its own (the run's fingerprint covers its folders' paths)."""
    from support import copy_raw

    root = tmp_path_factory.mktemp("finished")
    data, out = copy_raw(root / "data"), root / "out"
    run_period("2018-03", data, out, plan=PLAN, log=lambda m: None)
    return data, out


@pytest.mark.parametrize(
    "gone",
    ["processed/items.csv", "outputs/tables/tables.xlsx", "outputs/figures/kpi_achievement.svg"],
)
def test_a_product_deleted_since_the_run_is_not_up_to_date(finished, gone):
    from helpers.run.pipeline import is_up_to_date

    data, out = finished
    assert is_up_to_date("2018-03", data, out, plan=PLAN)
    side, rel = gone.split("/", 1)
    root = data / "processed" / PLAN / "2018-03" if side == "processed" else out / PLAN / "2018-03"
    kept = (root / rel).read_bytes()
    (root / rel).unlink()
    try:
        assert not is_up_to_date("2018-03", data, out, plan=PLAN)
    finally:
        (root / rel).write_bytes(kept)
    assert is_up_to_date("2018-03", data, out, plan=PLAN)


def test_an_up_to_date_run_still_removes_stale_staging_of_a_dead_run(finished):
    data, out = finished
    stale = [
        paths.mark(data / "processed" / PLAN / ".2018-03.staging-dead0001"),
        paths.mark(out / PLAN / ".2018-03.staging-dead0001"),
    ]
    (stale[0] / "areas.csv").write_text("half\n", encoding="utf-8")
    result = run_period("2018-03", data, out, plan=PLAN, log=lambda m: None)
    assert result.skipped
    assert not any(p.exists() for p in stale)


_DYING_ONCE = """\
import runpy, sys
from pathlib import Path
marker = Path(sys.argv.pop(1))
if not marker.exists():
    marker.write_text("died", encoding="utf-8")
    sys.stderr.write("Traceback (most recent call last):\\n")
    sys.stderr.write("zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:5')\\n")
    sys.exit(1)
sys.argv[0] = "ipykernel_launcher"
runpy.run_module("ipykernel_launcher", run_name="__main__")
"""


def test_a_kernel_that_dies_at_start_is_replaced_and_its_traceback_kept_from_the_user(
    e2e_run, tmp_path, monkeypatch, capfd
):
    """Two runs at once can race for a kernel's port (papermill issue 511): the loser
    prints a traceback and dies. The run starts another kernel; the user sees one line."""
    import helpers.run.pipeline as pipeline

    spec = tmp_path / "jupyter" / "kernels" / "dies-once"
    spec.mkdir(parents=True)
    script = tmp_path / "dies_once.py"
    script.write_text(_DYING_ONCE, encoding="utf-8")
    argv = [sys.executable, str(script), str(tmp_path / "died"), "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "dies once", "language": "python"}),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setattr(pipeline, "_kernel_name", lambda: "dies-once")
    out = tmp_path / "out"
    logs: list[str] = []
    run_period("2018-03", e2e_run["data"], out, force=True, log=logs.append)
    assert (tmp_path / "died").exists()  # the first kernel did die
    assert any("起動し直します" in line for line in logs), logs
    assert "9,718人" in (out / PLAN / "2018-03" / "report.html").read_text(encoding="utf-8")
    err = capfd.readouterr().err
    assert "ZMQError" not in err and "Traceback" not in err, err
