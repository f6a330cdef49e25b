"""Command line: ``reform-workbook --period 2018-03`` runs a period end to end.

A very light wrapper over :func:`helpers.pipeline.run_period`. Exit status:
0 done (or up to date), 2 bad input or parameters, 3 the period is locked by
another run, 1 a notebook failed.
"""

from __future__ import annotations

import argparse
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
        "--jobs", type=int, default=1, help="with --all: periods run at once (default 1)"
    )
    p.add_argument(
        "--list", action="store_true", help="list the periods that have raw data and exit"
    )
    return p


def _err(msg: str) -> None:
    print(f"reform-workbook: error: {msg}", file=sys.stderr)


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
    try:
        if args.all:
            periods = available
            if not periods:
                raise InputError(
                    paths.data_dir(args.data_dir) / "raw",
                    "no period folders (YYYY-MM) with raw data",
                )
        elif args.period is not None:
            periods = [args.period]
        else:
            if not available:
                raise InputError(
                    paths.data_dir(args.data_dir) / "raw",
                    "no period folders (YYYY-MM) with raw data",
                )
            periods = [available[-1]]
        from .pipeline import check_period

        periods = [check_period(p, args.data_dir) for p in periods]
        if args.jobs > 1 and len(periods) > 1:
            return _run_parallel(periods, args)
        from .pipeline import run_period

        for p in periods:
            run_period(p, args.data_dir, args.output_dir, force=args.force)
    except HANDLED as exc:
        _err(str(exc))
        return exit_status(exc)
    return EXIT_OK


def _run_one(args_tuple) -> tuple[str, int, str]:
    period, data_dir, output_dir, force = args_tuple
    from .pipeline import run_period

    try:
        run_period(period, data_dir, output_dir, force=force, log=lambda m: print(m, flush=True))
        return period, EXIT_OK, ""
    except HANDLED as exc:
        return period, exit_status(exc), str(exc)


def _run_parallel(periods: list[str], args) -> int:
    from concurrent.futures import ProcessPoolExecutor

    worst = EXIT_OK
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for period, code, msg in pool.map(
            _run_one, [(p, args.data_dir, args.output_dir, args.force) for p in periods]
        ):
            if code:
                _err(f"{period}: {msg}")
                worst = max(worst, code)
    return worst


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
