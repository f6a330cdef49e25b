"""The charts' SVGs drawn in a second process: the same bytes as drawn here, for every
chart of a period, and drawn here whenever the worker cannot do it."""

from __future__ import annotations

import pickle

import pytest
from support import copy_raw

from helpers.analysis.compare import load_history, status_counts
from helpers.analysis.history import build_kpi_history
from helpers.analysis.metrics import compute_metrics
from helpers.ingest.clean import clean_period
from helpers.present import charts, figure_worker


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    data = copy_raw(tmp_path_factory.mktemp("real") / "data")
    res = clean_period("2018-03", data, write=False)
    history, _ = load_history("2018-03", data)
    metrics = compute_metrics(res.indicators)
    counts = status_counts(history)
    return {
        "status_by_area": charts.chart_status_by_area(res.areas, "平成29年度末"),
        "kpi_achievement": charts.chart_achievement(metrics),
        "kpi_prev_current": charts.chart_prev_current(metrics, "平成29年度末"),
        "status_across_periods": charts.chart_status_across_periods(counts),
        "kpi_history": charts.chart_kpi_history(build_kpi_history("2018-03", history, metrics)),
    }


@pytest.fixture(scope="module")
def worker():
    figure_worker.start()
    assert figure_worker._ready is not None
    assert figure_worker._ready.result(timeout=120) is True
    return figure_worker


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_every_chart_drawn_by_the_worker_has_the_same_bytes(figures, worker, fmt):
    for name, fig in figures.items():
        assert fig is not None, name
        future = worker.submit(fig, fmt)
        assert future is not None, name  # the worker took it
        assert future.result(timeout=120) == worker.figure_bytes(fig, fmt), name


def test_save_figure_writes_what_the_figure_draws(figures, worker, tmp_path):
    fig = figures["kpi_prev_current"]
    png, svg = charts.save_figure(fig, tmp_path, "kpi_prev_current")
    assert png.read_bytes() == worker.figure_bytes(fig, "png")
    assert svg.read_bytes() == worker.figure_bytes(fig, "svg")


def test_a_chart_pickles(figures):
    # the tick labels are a class (helpers.core.numfmt.TickLabels), not a lambda
    for name, fig in figures.items():
        assert pickle.loads(pickle.dumps(fig)) is not None, name


def test_without_a_future_the_file_is_drawn_here(figures):
    fig = figures["status_by_area"]
    assert figure_worker.collect(None, fig, "svg") == figure_worker.figure_bytes(fig, "svg")


def test_a_failed_worker_is_given_up_and_the_file_drawn_here(figures, monkeypatch):
    from concurrent.futures import Future

    failed: Future = Future()
    failed.set_exception(RuntimeError("worker died"))
    given_up = []
    monkeypatch.setattr(figure_worker, "_give_up", lambda: given_up.append(True))
    fig = figures["status_by_area"]
    assert figure_worker.collect(failed, fig, "svg") == figure_worker.figure_bytes(fig, "svg")
    assert given_up == [True]


def test_a_figure_that_cannot_be_pickled_is_drawn_here(figures, worker, monkeypatch):
    fig = figures["status_by_area"]

    def refuse(*_a, **_k):
        raise pickle.PicklingError("no")

    monkeypatch.setattr(figure_worker.pickle, "dumps", refuse)
    assert worker.submit(fig, "svg") is None
