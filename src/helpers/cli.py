"""Command line: ``reform-workbook --period 2018-03`` runs a period end to end.

A very light wrapper over :func:`helpers.pipeline.run_period`. Exit status:
0 done (or up to date), 2 bad input or parameters (also folders the run cannot
write: one line naming the path and the fix), 3 the period is locked by another
run, 1 a notebook failed. SIGTERM and SIGHUP end the run as an exception would,
so its staging folders are removed (exit status 128 + the signal's number).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from .errors import InputError, LockedError, PeriodError, StageError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_LOCKED = 0, 1, 2, 3
HANDLED = (InputError, PeriodError, LockedError, StageError)


def exit_status(exc: Exception) -> int:
    """The exit status for one of the workbook's errors."""
    if isinstance(exc, (InputError, PeriodError)):
        return EXIT_INPUT
    if isinstance(exc, LockedError):
        return EXIT_LOCKED
    return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reform-workbook",
        description="Run the reform-plan progress workbook for a half-year period "
        "(clean → analyze → report).",
    )
    p.add_argument(
        "--period",
        help="period id YYYY-MM or a label such as 平成29年度末 (default: the latest with raw data)",
    )
    p.add_argument(
        "--all", action="store_true", help="run every period that has raw data, oldest first"
    )
    p.add_argument(
        "--data-dir", help="folder holding raw/ and processed/ (default: the project's data/)"
    )
    p.add_argument(
        "--output-dir",
        help="folder for <period>/report.html etc. (default: the project's outputs/)",
    )
    p.add_argument(
        "--force", action="store_true", help="rerun even if nothing changed since the last run"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="with --all: periods run at once (default 1; at most the number of "
        "periods and of CPUs)",
    )
    p.add_argument(
        "--list", action="store_true", help="list the periods that have raw data and exit"
    )
    return p


def _err(msg: str) -> None:
    print(f"reform-workbook: error: {msg}", file=sys.stderr)


def _on_signal(signum, frame) -> None:
    # an exception, not an exit from the handler, so that every `finally` runs
    # (the pipeline removes its staging folders and shuts its kernel down)
    raise SystemExit(128 + signum)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP (where the platform has them) end the run cleanly."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _on_signal)


def worker_count(jobs: int, periods: int) -> int:
    """Processes for ``periods`` periods: ``jobs``, at most one per period and per CPU."""
    return max(1, min(jobs, periods, os.cpu_count() or 1))


def _periods(args, available: list[str]) -> list[str]:
    from . import paths
    from .pipeline import check_period

    if args.period is not None:
        periods = [args.period]
    elif not available:
        raise InputError(
            paths.data_dir(args.data_dir) / "raw", "no period folders (YYYY-MM) with raw data"
        )
    else:
        periods = available if args.all else [available[-1]]
    return [check_period(p, args.data_dir) for p in periods]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from . import paths
    from .fingerprint import raw_periods

    available = raw_periods(paths.data_dir(args.data_dir))
    if args.list:
        from .periods import period_label

        for p in available:
            print(f"{p}\t{period_label(p)}")
        return EXIT_OK
    if args.all and args.period is not None:
        _err("give either --period or --all, not both")
        return EXIT_INPUT
    if args.jobs < 1:
        _err(f"--jobs {args.jobs}: give a number of periods to run at once, 1 or more")
        return EXIT_INPUT
    install_signal_handlers()
    try:
        periods = _periods(args, available)
        if len(periods) > 1 and worker_count(args.jobs, len(periods)) > 1:
            return _run_parallel(periods, args)
        from .pipeline import run_period

        for p in periods:
            run_period(p, args.data_dir, args.output_dir, force=args.force)
    except HANDLED as exc:
        _err(str(exc))
        return exit_status(exc)
    except OSError as exc:
        _err(_os_error_line(exc))
        return EXIT_INPUT
    return EXIT_OK


def _os_error_line(exc: OSError) -> str:
    """One line for a file-system error the pipeline did not foresee: the path and a fix."""
    from .pipeline import input_error_from

    return str(input_error_from(exc))


def _run_one(args_tuple) -> tuple[str, int, str]:
    period, data_dir, output_dir, force = args_tuple
    from .pipeline import run_period

    install_signal_handlers()  # a spawned worker does not inherit them

    try:
        run_period(period, data_dir, output_dir, force=force, log=lambda m: print(m, flush=True))
        return period, EXIT_OK, ""
    except HANDLED as exc:
        return period, exit_status(exc), str(exc)
    except OSError as exc:
        return period, EXIT_INPUT, _os_error_line(exc)


def _run_parallel(periods: list[str], args) -> int:
    """Run the periods in worker processes; on SIGTERM/SIGHUP the workers are stopped too."""
    import multiprocessing

    worst = EXIT_OK
    # Pool.__exit__ terminates the workers (SIGTERM each, by process id) when the
    # parent leaves early; their own handlers then remove their staging folders.
    with multiprocessing.Pool(worker_count(args.jobs, len(periods))) as pool:
        tasks = [(p, args.data_dir, args.output_dir, args.force) for p in periods]
        for period, code, msg in pool.imap(_run_one, tasks):
            if code:
                _err(f"{period}: {msg}")
                worst = max(worst, code)
    return worst


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
