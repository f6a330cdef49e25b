"""Command line: ``reform-workbook --plan kodaira-3 --period 2018-03`` runs a period end to end.

A very light wrapper over :func:`helpers.run.pipeline.run_period`, run for each
(plan, period) asked for, then :func:`helpers.present.index_page.build_index`. Which
periods run:

- ``--plan ID`` limits the run to one plan (with one plan it is implied);
- no ``--period`` and no ``--all``: the latest period of every plan, and any
  earlier period that has no report yet (so that a fresh clone's first run
  makes every report the index links to);
- ``--period P``: that period of each plan that has it;
- ``--all``: every period of every plan, oldest first.

Two subcommands serve the half-year cycle: ``reform-workbook new-period
[--plan ID] YYYY-MM`` (:mod:`helpers.cycle.new_period`) and ``reform-workbook
draft-kpis [--plan ID] --period YYYY-MM`` (:mod:`helpers.cycle.drafts`).

``--pdf`` also prints each report to ``report.pdf`` (helpers.present.pdf); without a
Chromium to print with, the command says how to install one and exits 2 before
anything runs.

Exit status: 0 done (or up to date), 2 bad input or parameters (also folders
the run cannot write, an unknown plan: one line naming the path and the fix), 3
the period is locked by another run, 1 a notebook failed. SIGTERM and SIGHUP end
the run as an exception would, so its staging folders are removed (exit status
128 + the signal's number).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from helpers.core.errors import InputError, LockedError, PeriodError, StageError
from helpers.core.periods import parse_period

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_LOCKED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C
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
        "--plan",
        help="plan folder id under data/raw/ (default: every plan; with one plan, that one)",
    )
    p.add_argument(
        "--period",
        help="period id YYYY-MM or a label such as 平成29年度末 (default: each plan's latest "
        "with raw data)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="run every period of every plan (or of --plan) that has raw data, oldest first",
    )
    p.add_argument(
        "--data-dir", help="folder holding raw/ and processed/ (default: the project's data/)"
    )
    p.add_argument(
        "--output-dir",
        help="folder for index.html and <plan>/<period>/report.html etc. "
        "(default: the project's outputs/)",
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
        "--pdf",
        action="store_true",
        help="also print report.pdf (A4) beside each report.html, through Chromium "
        "(checked before anything runs)",
    )
    p.add_argument(
        "--list",
        action="store_true",
        help="list the plans and their periods that have raw data, and exit",
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


def _plans(args, data: Path) -> list[str]:
    """The plans a command runs; a plan whose plan.toml is malformed is reported and left out.

    With ``--plan`` a malformed plan.toml is the command's error. Without it the
    other plans still run (``args.plan_faults`` keeps the faults for the exit status).
    """
    from helpers.core.plans import load_plan, plan_ids, unknown_plan

    ids = plan_ids(data)
    if args.plan:
        if args.plan not in ids:
            raise unknown_plan(data, args.plan)
        load_plan(data, args.plan)
        return [args.plan]
    if not ids:
        raise InputError(
            data / "raw",
            "no plan folders with raw data: put each period in data/raw/<plan>/<YYYY-MM>/",
        )
    good = []
    for plan in ids:
        try:
            load_plan(data, plan)
            good.append(plan)
        except InputError as exc:
            _err(f"{plan}: {exc}")
            args.plan_faults.append(exc)
    if not good:
        raise args.plan_faults[-1]
    return good


def _one_period(args, data: Path, plans: list[str]) -> list[tuple[str, str]]:
    """``--period``: that period of each plan that has it, and the plan's later periods."""
    from helpers.core.plans import plan_periods
    from helpers.run.pipeline import check_period

    pid = parse_period(args.period)
    having = [p for p in plans if pid in plan_periods(data, p)]
    if having:
        # the plan's later periods compare with this one (history, checks across
        # periods): they follow, and are skipped where nothing they read changed
        return [(p, q) for p in having for q in plan_periods(data, p) if q >= pid]
    if len(plans) == 1:
        check_period(pid, data, plans[0])  # raises, listing the plan's periods
    have = "; ".join(f"{p}: {', '.join(plan_periods(data, p)) or 'none'}" for p in plans)
    raise InputError(data / "raw", f"no plan has raw data for {pid}; periods with raw data: {have}")


def _unmade(out_root: Path, plan: str, periods: list[str]) -> list[str]:
    """The latest period, and the earlier ones without a report yet."""
    return [
        p for p in periods[:-1] if not (out_root / plan / p / "report.html").is_file()
    ] + periods[-1:]


def tasks(args, data: Path) -> list[tuple[str, str]]:
    """The (plan, period) pairs a command runs, in order."""
    from helpers.core import paths
    from helpers.core.plans import plan_periods

    plans = _plans(args, data)
    if args.period is not None:
        return _one_period(args, data, plans)
    out_root = paths.output_dir(args.output_dir)
    out = []
    for plan in plans:
        periods = plan_periods(data, plan)
        out += [(plan, p) for p in (periods if args.all else _unmade(out_root, plan, periods))]
    if not out:
        raise InputError(
            data / "raw" / (args.plan or ""), "no period folders (YYYY-MM) with raw data"
        )
    return out


def list_plans(data: Path) -> None:
    """``--list``: each plan, its name, and its periods with their labels."""
    from helpers.core.periods import period_label
    from helpers.core.plans import plan_ids, plan_name, plan_periods

    for plan in plan_ids(data):
        try:
            name = plan_name(data, plan)
        except InputError as exc:  # listed all the same, with its fault
            name = f"(plan.toml: {exc.detail})"
        print(f"{plan}\t{name}")
        for p in plan_periods(data, plan):
            print(f"  {p}\t{period_label(p)}")


#: ``reform-workbook <name> …``: the half-year cycle's commands, each its module's ``main``
SUBCOMMANDS = {"new-period": "new_period", "draft-kpis": "drafts"}


def run_subcommand(argv: list[str]) -> int:
    """``new-period`` / ``draft-kpis``: the module's own parser; errors as for a run."""
    import importlib

    module = importlib.import_module(f"helpers.cycle.{SUBCOMMANDS[argv[0]]}")
    try:
        return module.main(argv[1:])
    except (*HANDLED, OSError) as exc:
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """Report one of the workbook's errors, or a file-system fault, in one line; its status."""
    if isinstance(exc, OSError):
        _err(_os_error_line(exc))
        return EXIT_INPUT
    _err(str(exc))
    return exit_status(exc)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        return run_subcommand(argv)
    args = build_parser().parse_args(argv)
    args.plan_faults = []  # plans left out for a malformed plan.toml (see _plans)
    from helpers.core import paths

    if args.all and args.period is not None:
        _err("give either --period or --all, not both")
        return EXIT_INPUT
    if args.jobs < 1:
        _err(f"--jobs {args.jobs}: give a number of periods to run at once, 1 or more")
        return EXIT_INPUT
    data = paths.data_dir(args.data_dir)
    install_signal_handlers()
    done = 0
    try:
        if args.list:
            list_plans(data)
            return EXIT_OK
        if args.pdf:  # no browser to print with: say how to install one before anything runs
            from helpers.present.pdf import check_chromium

            check_chromium()
        todo = tasks(args, data)
        from helpers.present.index_page import check_index

        check_index(args.output_dir)  # someone else's index.html: refused before any run
        if len(todo) > 1 and worker_count(args.jobs, len(todo)) > 1:
            status, done = _run_parallel(todo, args)
        else:
            status, done = _run_sequential(todo, args)
        if done:
            _refresh_index(args)
        if args.plan_faults:
            status = max(status, EXIT_INPUT)
    except (*HANDLED, OSError) as exc:
        return _failed(exc)
    except KeyboardInterrupt:
        # the pipeline's own clean-up (staging, kernel, locks) has run on the way out
        _err("interrupted (Ctrl-C); the previous report and tables are unchanged")
        return EXIT_INTERRUPTED
    return status


def _run_sequential(todo: list[tuple[str, str]], args) -> tuple[int, int]:
    """Run the periods one after the other.

    A period whose own raw data is refused, whose notebook fails or that another
    run holds does not stop the others: each such failure is reported on its own
    line and the command's status is the worst. A fault every period would meet
    (the folders, the disk) stops the command at once.
    """
    from helpers.core import paths
    from helpers.run.pipeline import run_period

    raw = paths.data_dir(args.data_dir) / "raw"
    worst, done = EXIT_OK, 0
    failed: set[str] = set()
    for plan, period in todo:
        if args.period is not None and plan in failed:
            continue  # --period: the later periods follow the asked one only when it was made
        try:
            run_period(
                period, args.data_dir, args.output_dir, plan=plan, force=args.force, pdf=args.pdf
            )
            done += 1
        except HANDLED as exc:
            if len(todo) == 1 or not _periods_own(exc, raw / plan / period):
                if done:  # the index shows what was made before the failure
                    _refresh_index(args, quiet_errors=True)
                raise
            _err(f"{plan} {period}: {exc}")
            worst = max(worst, exit_status(exc))
            failed.add(plan)
    return worst, done


def _periods_own(exc: Exception, period_raw: Path) -> bool:
    """Whether a failure belongs to one period (its raw data, its notebooks, its lock)."""
    if isinstance(exc, InputError):
        return exc.path is not None and (exc.path == period_raw or period_raw in exc.path.parents)
    return True


def _refresh_index(args, quiet_errors: bool = False) -> None:
    """Rebuild outputs/index.html if what it shows changed."""
    from helpers.present.index_page import build_index

    try:
        build_index(args.data_dir, args.output_dir)
    except (*HANDLED, OSError):
        if not quiet_errors:
            raise


def _os_error_line(exc: OSError) -> str:
    """One line for a file-system error the pipeline did not foresee: the path and a fix."""
    from helpers.run.pipeline import input_error_from

    return str(input_error_from(exc))


def _run_one(args_tuple) -> tuple[str, str, int, str]:
    plan, period, data_dir, output_dir, force, pdf = args_tuple
    from helpers.run.pipeline import run_period

    install_signal_handlers()  # a spawned worker does not inherit them

    try:
        run_period(
            period,
            data_dir,
            output_dir,
            plan=plan,
            force=force,
            pdf=pdf,
            log=lambda m: print(m, flush=True),
        )
        return plan, period, EXIT_OK, ""
    except HANDLED as exc:
        return plan, period, exit_status(exc), str(exc)
    except OSError as exc:
        return plan, period, EXIT_INPUT, _os_error_line(exc)


def _run_parallel(todo: list[tuple[str, str]], args) -> tuple[int, int]:
    """Run the periods in worker processes; on SIGTERM/SIGHUP the workers are stopped too."""
    import multiprocessing

    worst, done = EXIT_OK, 0
    # Pool.__exit__ terminates the workers (SIGTERM each, by process id) when the
    # parent leaves early; their own handlers then remove their staging folders.
    with multiprocessing.Pool(worker_count(args.jobs, len(todo))) as pool:
        work = [(pl, p, args.data_dir, args.output_dir, args.force, args.pdf) for pl, p in todo]
        for plan, period, code, msg in pool.imap(_run_one, work):
            if code:
                _err(f"{plan} {period}: {msg}")
                worst = max(worst, code)
            else:
                done += 1
    return worst, done


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
