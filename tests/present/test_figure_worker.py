"""The charts' files drawn by a second process: the same bytes as drawn here, for every
chart of a period in both formats; the files queued are drawn by both processes, and
here whenever the worker cannot draw them."""

from __future__ import annotations

import os
import pickle
import signal
import time

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from support import copy_raw

from helpers.analysis.compare import load_history, status_counts
from helpers.analysis.history import build_kpi_history
from helpers.analysis.metrics import compute_metrics
from helpers.ingest.clean import clean_period
from helpers.present import charts, figure_worker


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    """Every chart of a period as the notebooks queue it: (function, arguments)."""
    data = copy_raw(tmp_path_factory.mktemp("real") / "data")
    res = clean_period("2018-03", data, write=False)
    history, _ = load_history("2018-03", data)
    metrics = compute_metrics(res.indicators)
    counts = status_counts(history)
    return {
        "status_by_area": (charts.chart_status_by_area, (res.areas, "平成29年度末")),
        "kpi_achievement": (charts.chart_achievement, (metrics,)),
        "kpi_prev_current": (charts.chart_prev_current, (metrics, "平成29年度末")),
        "status_across_periods": (charts.chart_status_across_periods, (counts,)),
        "kpi_history": (
            charts.chart_kpi_history,
            (build_kpi_history("2018-03", history, metrics),),
        ),
    }


@pytest.fixture(scope="module")
def figures(calls):
    return {name: make(*args) for name, (make, args) in calls.items()}


@pytest.fixture(scope="module")
def worker():
    figure_worker.start()
    assert figure_worker._ready is not None
    assert figure_worker._ready.result(timeout=120) is True
    return figure_worker


FMTS = ("png", "svg")


def _rc() -> dict:
    return {k: v for k, v in matplotlib.rcParams.items() if k not in figure_worker.NOT_COPIED}


def test_every_chart_drawn_by_the_worker_has_the_same_bytes(figures, worker):
    for name, fig in figures.items():
        assert fig is not None, name
        drawn = worker.later(figure_worker._chart, pickle.dumps(fig), _rc(), FMTS)
        assert drawn._future is not None, name  # the worker took it
        assert drawn.result() == {f: worker.figure_bytes(fig, f) for f in FMTS}, name


def test_every_chart_made_by_the_worker_has_the_same_bytes(calls, figures, worker):
    """Made there from the pickled call, under this process' rcParams: the bytes of the
    chart made and drawn here."""
    for name, (make, args) in calls.items():
        drawn = worker.later(figure_worker._chart, pickle.dumps((make, args)), _rc(), FMTS)
        assert drawn._future is not None, name
        here = make(*args)
        assert drawn.result() == {f: worker.figure_bytes(here, f) for f in FMTS}, name
        plt.close(here)


def _files(tmp_path, n):
    return [{fmt: tmp_path / f"{i}.{fmt}" for fmt in FMTS} for i in range(n)]


def _written_as_drawn(figs, files) -> None:
    for fig, paths in zip(figs, files, strict=True):
        for fmt, path in paths.items():
            assert path.read_bytes() == figure_worker.figure_bytes(fig, fmt), path.name


def test_save_figure_writes_what_the_figure_draws(figures, worker, tmp_path):
    fig = figures["kpi_prev_current"]
    png, svg = charts.save_figure(fig, tmp_path, "kpi_prev_current")
    assert png.read_bytes() == worker.figure_bytes(fig, "png")
    assert svg.read_bytes() == worker.figure_bytes(fig, "svg")


def _wait_taken(n: int) -> None:
    for _ in range(600):  # the worker has taken the first chart
        if len(figure_worker._queue) < n:
            return
        time.sleep(0.01)


def test_queued_charts_are_made_and_drawn_by_both_processes(
    calls, figures, worker, tmp_path, monkeypatch
):
    """The worker takes the oldest chart while this process goes on; finish() makes and
    draws here the charts the worker has not taken, and every file holds the chart's own
    bytes."""
    here = []
    drawn = figure_worker.figure_bytes
    monkeypatch.setattr(
        figure_worker, "figure_bytes", lambda fig, fmt: here.append(fmt) or drawn(fig, fmt)
    )
    names = ["kpi_history", "kpi_prev_current", "kpi_achievement", "status_by_area"]
    files = _files(tmp_path, len(names))
    jobs = [figure_worker.queue_chart(*calls[n], f) for n, f in zip(names, files, strict=True)]
    _wait_taken(len(names))
    figure_worker.finish()
    assert not figure_worker._queue and not figure_worker._queued
    assert 0 < len(here) < 2 * len(names)  # both drew
    assert all(job.drawn for job in jobs)
    monkeypatch.undo()
    _written_as_drawn([figures[n] for n in names], files)


def test_a_chart_with_nothing_to_show_writes_no_file(worker, tmp_path):
    empty = pd.DataFrame({"achievement_pct": pd.Series([], dtype="Float64")})
    files = _files(tmp_path, 2)
    jobs = [figure_worker.queue_chart(charts.chart_achievement, (empty,), f) for f in files]
    figure_worker.finish()
    assert [job.drawn for job in jobs] == [False, False]
    assert not list(tmp_path.iterdir())


def test_queued_figures_are_drawn_by_both_processes(figures, worker, tmp_path):
    figs = [figures[n] for n in ("kpi_history", "kpi_prev_current", "status_by_area")]
    files = _files(tmp_path, len(figs))
    for fig, paths in zip(figs, files, strict=True):
        assert figure_worker.queue_files(fig, paths)
    figure_worker.finish()
    _written_as_drawn(figs, files)


def test_the_charts_the_worker_cannot_draw_are_drawn_here(
    calls, figures, worker, tmp_path, monkeypatch
):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        def submit(self, *_a, **_k):
            failed: Future = Future()
            failed.set_exception(BrokenProcessPool("the worker died"))
            return failed

    given_up = []
    monkeypatch.setattr(figure_worker, "_pool", Broken())
    monkeypatch.setattr(figure_worker, "_give_up", lambda: given_up.append(True))
    names = ["status_by_area", "kpi_achievement", "kpi_prev_current"]
    files = _files(tmp_path, len(names))
    for n, f in zip(names, files, strict=True):
        figure_worker.queue_chart(*calls[n], f)
    figure_worker.finish()
    assert given_up  # the worker was given up
    monkeypatch.undo()
    _written_as_drawn([figures[n] for n in names], files)


def test_a_file_that_cannot_be_written_is_an_error_of_finish(calls, worker, tmp_path):
    missing = tmp_path / "a file, not a folder"
    missing.write_bytes(b"")
    files = {"png": missing / "a.png", "svg": missing / "a.svg"}
    figure_worker.queue_chart(*calls["status_by_area"], files)
    with pytest.raises(OSError):
        figure_worker.finish()
    assert not figure_worker._queue and not figure_worker._queued


def test_a_charts_own_error_is_an_error_of_finish(worker, tmp_path):
    figure_worker.queue_chart(charts.chart_achievement, ("not a table",), _files(tmp_path, 1)[0])
    with pytest.raises(Exception):  # noqa: B017 (the chart's own error, raised here)
        figure_worker.finish()
    assert figure_worker._usable()  # the worker is kept
    assert not figure_worker._queued


def test_without_the_worker_the_charts_are_drawn_at_once(calls, figures, tmp_path, monkeypatch):
    monkeypatch.setattr(figure_worker, "_failed", True)
    monkeypatch.setattr(figure_worker, "_usable", lambda: False)
    fig = figures["status_by_area"]
    saved = tmp_path / "saved"
    saved.mkdir()
    png, svg = charts.save_figure(fig, saved, "status_by_area", wait=False)
    assert png.read_bytes() == figure_worker.figure_bytes(fig, "png")
    assert svg.read_bytes() == figure_worker.figure_bytes(fig, "svg")
    files = _files(tmp_path, 1)[0]
    job = figure_worker.queue_chart(*calls["status_by_area"], files)
    assert job.drawn  # before finish()
    _written_as_drawn([fig], [files])
    figure_worker.finish()


def test_a_chart_pickles(figures):
    # the tick labels are a class (helpers.core.numfmt.TickLabels), not a lambda
    for name, fig in figures.items():
        assert pickle.loads(pickle.dumps(fig)) is not None, name


def test_a_figure_that_cannot_be_pickled_is_not_queued(figures, worker, monkeypatch, tmp_path):
    fig = figures["status_by_area"]

    def refuse(*_a, **_k):
        raise pickle.PicklingError("no")

    monkeypatch.setattr(figure_worker.pickle, "dumps", refuse)
    assert not figure_worker.queue_files(fig, {"svg": tmp_path / "a.svg"})
    assert not figure_worker._queue


def test_a_call_that_cannot_be_pickled_is_drawn_here(calls, figures, worker, tmp_path):
    files = _files(tmp_path, 1)[0]
    areas, label = calls["status_by_area"][1]
    job = figure_worker.queue_chart(
        lambda *a: charts.chart_status_by_area(*a), (areas, label), files
    )
    assert job.pickled is None and job.drawn and not figure_worker._queue
    figure_worker.finish()
    _written_as_drawn([figures["status_by_area"]], [files])


# ------------------------------------------------ any call: the reader's workbook


def test_a_call_handed_to_the_worker_returns_its_result(worker):
    import operator

    done = worker.later(operator.add, 2, 3)
    assert done._future is not None  # the worker took it
    assert done.result() == 5 and done.result() == 5


def test_a_call_not_for_the_worker_is_made_here_at_once():
    calls = []
    done = figure_worker.later(calls.append, "now", in_worker=False)
    assert calls == ["now"] and done.result() is None


def test_a_call_the_worker_failed_is_made_here(monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    broken: Future = Future()
    broken.set_exception(BrokenProcessPool("the worker died"))
    given_up = []
    monkeypatch.setattr(figure_worker, "_give_up", lambda: given_up.append(True))
    assert figure_worker.Later(broken, max, (1, 4)).result() == 4
    assert given_up == [True]


def test_a_calls_own_error_is_raised_here_and_the_worker_kept(worker, monkeypatch):
    given_up = []
    monkeypatch.setattr(figure_worker, "_give_up", lambda: given_up.append(True))
    with pytest.raises(ValueError):
        worker.later(int, "十").result()
    assert given_up == []


def test_large_reader_tables_get_the_same_workbook_from_the_worker(worker, tmp_path):
    """A workbook of tables over WORKER_ROWS written by the second process holds, cell for
    cell, what the same tables written here hold (its bytes differ only in the file's
    creation time)."""
    import openpyxl
    import pandas as pd

    from helpers.present import export

    n = export.WORKER_ROWS + 5
    tables = {
        "metrics": pd.DataFrame(
            {
                "kpi_id": [f"K{i}" for i in range(n)],
                "indicator": ["=1+1" if i % 7 == 0 else f"指標{i}" for i in range(n)],
                "value": pd.array([i * 0.5 if i % 3 else None for i in range(n)], "Float64"),
                "status": ["S", "A", "B", "A", "S"] * (n // 5),
            }
        ),
        "items": pd.DataFrame({"item_no": [1, 2], "item_name": ["一", "二"]}),
    }
    names = {"metrics": "成果指標", "items": "取組"}
    there = export.start_tables(tables, tmp_path / "w", "tables.xlsx", names)
    assert there.workbook._future is not None  # made by the worker
    here = export.start_tables(tables, tmp_path / "h", "tables.xlsx", names, in_worker=False)
    assert here.workbook._future is None  # made here
    got, want = there.result(), here.result()
    assert (
        [p.name for p in got]
        == [p.name for p in want]
        == ["metrics.csv", "items.csv", "tables.xlsx"]
    )
    for g, w in zip(got[:-1], want[:-1], strict=True):
        assert g.read_bytes() == w.read_bytes()

    def cells(path):
        book = openpyxl.load_workbook(path)
        return {
            ws.title: [
                [(c.value, c.data_type, c.number_format, c.quotePrefix) for c in row]
                for row in ws.iter_rows()
            ]
            for ws in book.worksheets
        }

    assert cells(got[-1]) == cells(want[-1])


def test_small_reader_tables_get_their_workbook_here_at_once(worker, tmp_path):
    import pandas as pd

    from helpers.present import export

    small = {"items": pd.DataFrame({"item_no": [1, 2], "item_name": ["一", "二"]})}
    writing = export.start_tables(small, tmp_path, "tables.xlsx")
    assert writing.workbook._future is None and (tmp_path / "tables.xlsx").is_file()


def test_a_chart_queued_while_the_worker_starts_waits_for_it(
    calls, figures, worker, tmp_path, monkeypatch
):
    """Not drawn at once: the thread hands it over once the worker is ready (or
    finish() takes it here first)."""
    from concurrent.futures import Future

    starting: Future = Future()
    real_ready = figure_worker._ready
    monkeypatch.setattr(figure_worker, "_ready", starting)
    files = _files(tmp_path, 1)[0]
    job = figure_worker.queue_chart(*calls["status_by_area"], files)
    assert job.pickled is not None and not job.done.is_set()
    time.sleep(0.2)
    assert not job.done.is_set()  # the thread waits for the worker
    starting.set_result(real_ready.result())
    figure_worker.finish()
    assert job.drawn
    _written_as_drawn([figures["status_by_area"]], [files])


def test_a_worker_that_cannot_start_leaves_the_charts_here(
    calls, figures, worker, tmp_path, monkeypatch
):
    from concurrent.futures import Future

    failed: Future = Future()
    failed.set_exception(ImportError("no matplotlib there"))
    given_up = []
    monkeypatch.setattr(figure_worker, "_ready", failed)
    monkeypatch.setattr(figure_worker, "_give_up", lambda: given_up.append(True))
    files = _files(tmp_path, 1)[0]
    figure_worker.queue_chart(*calls["status_by_area"], files)
    for _ in range(500):
        if not figure_worker._queue:
            break
        time.sleep(0.01)
    figure_worker.finish()
    assert given_up
    _written_as_drawn([figures["status_by_area"]], [files])


@pytest.mark.parametrize("taken", [False, True])
def test_a_chart_queued_again_is_written_with_the_newest_data(
    calls, worker, tmp_path, monkeypatch, taken
):
    """A notebook's cell run again queues its chart again: the newest data's chart is
    the one written, whether the older one was still waiting or the worker had taken it."""
    make, (areas, label) = calls["status_by_area"]
    files = _files(tmp_path, 1)[0]
    old = figure_worker.queue_chart(make, (areas, label), files)
    if taken:
        _wait_taken(1)
        assert not figure_worker._queue  # the worker is making it
    new = figure_worker.queue_chart(make, (areas, "別の期間"), files)
    figure_worker.finish()
    assert old.superseded and not old.drawn and new.drawn
    assert old.done.wait(60)  # the worker's late result of the older chart writes nothing
    want = make(areas, "別の期間")
    _written_as_drawn([want], [files])
    plt.close(want)


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_the_worker_outlives_a_kernel_interrupt(worker):
    """Interrupting a kernel (JupyterLab's ■, a shutdown) signals its process group: the
    worker goes on (before, it died mid-chart and printed a traceback)."""
    import operator

    pids = list((getattr(figure_worker._pool, "_processes", None) or {}).keys())
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGINT)
    time.sleep(0.3)
    done = worker.later(operator.mul, 6, 7)
    assert done._future is not None and done.result() == 42
    assert figure_worker._usable()
