"""Charts' files drawn by a second process while this one goes on (and, through
:func:`later`, any other call whose result can wait: the reader's workbook).

Every chart is saved in two formats (:data:`helpers.core.paths.FIGURE_FORMATS`), and
matplotlib draws each from scratch: saving is most of a period's notebook time
(docs/benchmarks.md §8). :func:`queue_files` puts a chart's files in a queue, each with
a pickled copy of the figure and the rcParams it is drawn under; a thread of this
process hands them one at a time, oldest first, to one worker process and writes what
it draws, while this process builds the next chart. :func:`finish` then draws here the
files the worker has not yet taken, newest first (work stealing: both cores draw until
the queue is empty), and waits for the one the worker is drawing. A copy pickled and
drawn in another process gives the same bytes as the figure itself
(tests/present/test_figure_worker.py checks every chart of a period, both formats).
Only this process' main thread draws here (matplotlib is not thread-safe); the thread
only sends bytes and writes files.

The worker is *spawned* (a fresh interpreter, as Windows always does), never forked
from a kernel that runs threads. It is started once per process (:func:`start`: the
pipeline's kernel does so before the first notebook); until it has started, and if it
ever fails (it cannot start, it dies, a figure cannot be pickled, it takes longer than
:data:`WAIT_SECONDS`), the caller draws the file itself: the same bytes, only later.
"""

from __future__ import annotations

import io
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
from collections import deque
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

# what unpickling a chart imports (its axis' tick labels), loaded while the worker warms up
import helpers.core.numfmt  # noqa: E402,F401
from helpers.core.atomic import atomic_write_bytes  # noqa: E402
from helpers.present.fonts import use_japanese_font  # noqa: E402

#: how each format is saved: 150 dpi, cut to the drawing, no date or program name (the
#: same figure gives the same bytes on every run)
SAVE_ARGS = {
    "png": {"dpi": 150, "bbox_inches": "tight", "metadata": {"Software": None}},
    "svg": {"dpi": 150, "bbox_inches": "tight", "metadata": {"Date": None, "Creator": None}},
}
#: rcParams the worker keeps its own: its backend draws to files only (Agg)
NOT_COPIED = frozenset({"backend", "backend_fallback", "interactive"})
#: the longest wait for a file from the worker before drawing it here instead
WAIT_SECONDS = 120.0

_pool: ProcessPoolExecutor | None = None
_ready: Future | None = None
_failed = False


def figure_bytes(fig, fmt: str) -> bytes:
    """``fig`` saved as ``fmt`` (png or svg) with :data:`SAVE_ARGS`, as bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, **SAVE_ARGS[fmt])
    return buf.getvalue()


def _end_with_parent() -> None:
    """In the worker: end as soon as the process that started it ends (a kernel killed
    mid-run must leave no process behind holding its terminal or its files), and not on
    Ctrl+C: interrupting or restarting a kernel signals its whole process group, which
    killed the worker mid-chart and printed its traceback in JupyterLab's terminal."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="reform-parent-watch", daemon=True).start()


def _warm() -> bool:
    """In the worker: the Japanese font registered, and the charts' module imported (its
    functions arrive pickled by name), before the first chart arrives."""
    import importlib

    use_japanese_font()
    importlib.import_module("helpers.present.charts")
    return True


def _chart(pickled: bytes, rc: dict, fmts: tuple[str, ...]) -> dict[str, bytes] | None:
    """In the worker: a chart made (a pickled call: its function and arguments) or
    unpickled (a pickled figure) under the caller's rcParams, and saved in each format;
    None when the call made no chart (nothing to show)."""
    use_japanese_font()
    with matplotlib.rc_context(rc):
        what = pickle.loads(pickled)
        fig = what[0](*what[1]) if isinstance(what, tuple) else what
        if fig is None:
            return None
        try:
            return {fmt: figure_bytes(fig, fmt) for fmt in fmts}
        finally:
            _close(fig)


def _close(fig) -> None:
    """Drop a figure pyplot keeps (a chart made here: a notebook would show it again)."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def start() -> None:
    """Start the worker (once; a failure to start leaves drawing here)."""
    global _pool, _ready, _failed
    if _pool is not None or _failed:
        return
    try:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_end_with_parent,
        )
        _ready = _pool.submit(_warm)
    except Exception:  # no process can be started here: draw in this one
        _give_up()


def _give_up() -> None:
    """Draw every later file here: the worker failed once."""
    global _pool, _ready, _failed
    _failed = True
    pool, _pool, _ready = _pool, None, None
    if pool is not None:
        # a worker that hangs would keep this process from ending: stopped, not awaited
        # (the pool's own list of its processes; ProcessPoolExecutor has no public one
        # before Python 3.14's terminate_workers)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


def _usable() -> bool:
    ready = _ready
    return _pool is not None and ready is not None and ready.done() and ready.exception() is None


# ----------------------------------------------------- charts, queued


@dataclass(eq=False)
class Chart:
    """One chart's files, queued: the chart is made (``make(*args)``, or ``fig`` as it
    was made) and saved by the worker (the thread writes the files) or here.
    :attr:`drawn` says, once :func:`finish` has returned, whether the files were written
    (a ``make`` that returns None has nothing to show: no file)."""

    make: object  # a module's function, or None for a figure already made
    args: tuple
    fig: object
    files: dict[str, Path]
    pickled: bytes | None  # None: drawn here only
    rc: dict
    done: threading.Event = field(default_factory=threading.Event)
    here: bool = False  # the worker could not draw it: :func:`finish` draws it here
    error: BaseException | None = None  # making, saving or writing it failed
    drawn: bool = False
    superseded: bool = False  # the same files queued again since: this one writes nothing


_queue: deque[Chart] = deque()  # not yet taken by the thread
_queued: list[Chart] = []  # every chart queued since the last finish(), in order
_wake = threading.Condition()
_sender: threading.Thread | None = None


def _send() -> None:
    """The thread: each queued chart, oldest first, made and saved by the worker, written."""
    while True:
        with _wake:
            while not _queue:
                _wake.wait()
            job = _queue.popleft()
        try:
            ready = _ready
            if ready is not None:  # a chart queued while the worker starts waits for it
                try:
                    ready.result(timeout=WAIT_SECONDS)
                except Exception:  # it could not start: every chart is drawn here
                    _give_up()
            if not _usable():
                raise BrokenExecutor("the worker is not running")
            fmts = tuple(job.files)
            data = _pool.submit(_chart, job.pickled, job.rc, fmts).result(timeout=WAIT_SECONDS)
        except Exception as exc:
            if isinstance(exc, BrokenExecutor | TimeoutError):
                _give_up()
            job.here = not job.superseded  # drawn by finish(): the same bytes, or its error
        else:
            with _wake:  # a chart queued again meanwhile is not overwritten by this one
                if not job.superseded:
                    try:
                        for fmt, path in job.files.items():
                            if data is not None:
                                atomic_write_bytes(path, data[fmt])
                        job.drawn = data is not None
                    except Exception as exc:  # raised by finish(), in the caller's thread
                        job.error = exc
        job.done.set()


def _rc() -> dict:
    return {k: v for k, v in matplotlib.rcParams.items() if k not in NOT_COPIED}


def _supersede(job: Chart) -> None:
    """Charts queued before ``job`` for any of its files write nothing (a step run again,
    as a notebook's cell can be: the newest data's chart is the one written). Call
    holding ``_wake``."""
    files = set(job.files.values())
    for old in _queued:
        if not old.superseded and not old.done.is_set() and files & set(old.files.values()):
            old.superseded = True
            if old in _queue:  # not taken yet: never made
                _queue.remove(old)
                old.done.set()


def _queue_job(job: Chart) -> Chart:
    """``job`` handed to the thread, or (no worker, nothing pickled) drawn here at once."""
    global _sender
    if job.pickled is None:
        with _wake:
            _supersede(job)
            _queued.append(job)
        _draw_here(job)
        return job
    with _wake:
        _supersede(job)
        if _sender is None or not _sender.is_alive():
            _sender = threading.Thread(target=_send, name="reform-figure-sender", daemon=True)
            _sender.start()
        _queue.append(job)
        _queued.append(job)
        _wake.notify()
    return job


def _pickled(what) -> bytes | None:
    """``what`` pickled for the worker (started here, if it was not); None when the worker
    failed or ``what`` cannot be pickled. A worker still starting is waited for by the
    thread, while :func:`finish` takes the newest charts here."""
    start()
    if _pool is None or _ready is None or _failed:
        return None
    try:
        return pickle.dumps(what)
    except Exception:
        return None


def queue_chart(make, args: tuple, files: dict[str, Path]) -> Chart:
    """Queue the chart ``make(*args)`` (``make`` a module's function returning a figure,
    or None when it has nothing to show; ``args`` picklable) to be made and saved as
    ``files`` (format → path) by the worker, or by :func:`finish` here, whichever comes
    first: the same bytes either way. Without the worker it is drawn here at once."""
    job = Chart(make, tuple(args), None, {f: Path(p) for f, p in files.items()}, None, _rc())
    job.pickled = _pickled((make, job.args))
    return _queue_job(job)


def queue_files(fig, files: dict[str, Path]) -> bool:
    """Queue ``fig``'s files (format → path) for the worker; False, with nothing queued,
    when the worker is not running (not started yet, failed) or the figure cannot be
    pickled: then the caller draws them. The files are written once :func:`finish`
    returns."""
    pickled = _pickled(fig)
    if pickled is None:
        return False
    _queue_job(Chart(None, (), fig, {f: Path(p) for f, p in files.items()}, pickled, _rc()))
    return True


def _draw_here(job: Chart) -> None:
    if job.superseded:
        job.done.set()
        return
    made = None
    try:
        # made and saved under one rcParams, as in the worker (the chart's own settings,
        # such as its SVG ids' salt, hold while it is saved)
        with matplotlib.rc_context(job.rc if job.make is not None else None):
            fig = job.fig if job.make is None else job.make(*job.args)
            made = fig if job.make is not None else None
            if fig is not None:
                for fmt, path in job.files.items():
                    atomic_write_bytes(path, figure_bytes(fig, fmt))
        job.drawn = fig is not None
    except Exception as exc:
        job.error = exc
    finally:
        if made is not None:
            _close(made)
        job.here = False
        job.done.set()


def finish() -> None:
    """Every queued chart written: those the worker has not taken are made and drawn
    here, newest first, while it draws the others; then the ones it took are waited for
    (one it could not draw is drawn here). Call from the thread that queued them. The
    first chart that could not be made or written is raised once every other is done."""
    while True:
        with _wake:
            if not _queue:
                break
            job = _queue.pop()
        _draw_here(job)
    with _wake:
        queued = list(_queued)
        _queued.clear()
    for job in queued:
        if job.superseded:  # written by a newer chart of the same files
            continue
        if not job.done.wait(WAIT_SECONDS + 10):  # the thread itself waits WAIT_SECONDS
            _give_up()
            job.here = True
        if job.here:
            _draw_here(job)
    errors = [job.error for job in queued if job.error is not None]
    if errors:
        raise errors[0]


class Later:
    """A call's result: computed by the worker while this process goes on, or computed
    here (at once, or when the worker fails: the same result, only later)."""

    def __init__(self, future: Future | None, fn, args: tuple, value=None) -> None:
        self._future, self._fn, self._args, self._value = future, fn, args, value

    def result(self):
        if self._future is None:
            return self._value
        future, self._future = self._future, None
        try:
            self._value = future.result(timeout=WAIT_SECONDS)
        except Exception as exc:
            if isinstance(exc, BrokenExecutor | TimeoutError | pickle.PicklingError):
                _give_up()
            # the call's own error is raised again here, with this process' traceback
            self._value = self._fn(*self._args)
        return self._value


def later(fn, *args, in_worker: bool = True) -> Later:
    """``fn(*args)`` handed to the worker (``fn`` a module's function, ``args`` picklable)
    when ``in_worker`` and the worker runs; else called here and now."""
    future = None
    if in_worker:
        start()
        if _usable():
            try:
                future = _pool.submit(fn, *args)
            except Exception:  # a pool that broke meanwhile
                future = None
    if future is None:
        return Later(None, fn, args, fn(*args))
    return Later(future, fn, args)
