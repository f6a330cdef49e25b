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

One parser (:func:`build_parser`) serves every command: ``report`` (the default;
the old form with options only, ``--all`` and ``--list`` still works), ``all``,
``list``, and the half-year cycle's ``new-period [--plan ID] YYYY-MM``
(:mod:`helpers.cycle.new_period`) and ``draft-kpis [--plan ID] --period YYYY-MM``
(:mod:`helpers.cycle.drafts`).

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
import re
import signal
import sys
import time
import traceback
import unicodedata
from pathlib import Path

from filelock import Timeout

from helpers.core import paths
from helpers.core.errors import InputError, LockedError, PeriodError, StageError
from helpers.core.messages import os_error_text, say
from helpers.core.periods import parse_period, period_label
from helpers.core.plans import (
    load_plan,
    month_warning,
    plan_ids,
    plan_periods,
    stray_folders,
    unknown_plan,
)
from helpers.cycle.drafts import draft_kpis, summary_words
from helpers.cycle.new_period import new_period, next_steps
from helpers.ingest.plan_sources import plan_name
from helpers.present.index_page import build_index, check_index
from helpers.present.pdf import check_chromium
from helpers.present.runlog import RUN_LOG, RunLine, append_runs, now
from helpers.run.clean import clean
from helpers.run.pipeline import check_period, input_error_from, run_period
from helpers.run.settings import read_settings

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


EPILOG = """例:
  reform-workbook                               各計画の最新の期間（とまだ作っていない期間）のレポート
  reform-workbook report --period 2018-03       2018-03（平成29年度末）のレポート
  reform-workbook all --pdf                     すべての期間のレポートと PDF
  reform-workbook list                          計画と期間の一覧
  reform-workbook new-period 2019-03            次の期間のフォルダと成果指標シート
  reform-workbook draft-kpis --period 2019-03   報告書から成果指標の値の下書き
  reform-workbook clean                         ワークブックが作った処理済みデータと出力を削除

終了コード: 0 完了（または最新）、1 ノートブックの失敗、2 入力やパラメータの誤り、3 別の実行中。
--debug: 思わぬエラーのときにトレースバックも表示します。"""

#: argparse's own English messages (it words them with gettext) → the catalogue's keys
_ARGPARSE_ERRORS = [
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli.arg_required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "cli.arg_unknown"),
    (
        re.compile(
            r"argument (?P<name>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"
        ),
        "cli.arg_choice",
    ),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "cli.arg_needs_value"),
    (
        re.compile(r"argument (?P<name>\S+): invalid (?P<kind>\w+) value: (?P<value>.+)"),
        "cli.arg_bad_value",
    ),
    (
        re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<matches>.+)"),
        "cli.arg_ambiguous",
    ),
    (
        re.compile(r"argument (?P<name>\S+): ignored explicit argument (?P<value>.+)"),
        "cli.arg_no_value",
    ),
]


#: the types named in argparse's "invalid int value", in words
_KINDS = {"int": "整数", "float": "数"}


def argparse_message(message: str) -> str:
    """argparse's English complaint about the command line, in the catalogue's Japanese."""
    for pattern, key in _ARGPARSE_ERRORS:
        m = pattern.fullmatch(message)
        if m:
            values = m.groupdict()
            if "kind" in values:  # the type argparse expected: int → 整数
                values["kind"] = _KINDS.get(values["kind"], values["kind"])
            return say(key, **values)
    return say("cli.arg_other", what=message)


def _display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_OPTION_LINE = re.compile(r"^( {2,4}[-\w<].*?)( {2,})(\S.*)$")


def _realign(text: str) -> str:
    """Help columns aligned on screen: argparse pads by characters, not by their width."""
    out = []
    for line in text.split("\n"):
        m = _OPTION_LINE.match(line)
        if m:
            head, gap, text = m.groups()
            extra = _display_width(head) - len(head)
            if extra and len(gap) - extra >= 2:
                line = head + " " * (len(gap) - extra) + text
            elif extra:  # too wide for the column: the help on the next line, as argparse does
                line = head + "\n" + " " * (len(head) + len(gap)) + text
        out.append(line)
    return "\n".join(out)


class JapaneseHelpFormatter(argparse.RawTextHelpFormatter):
    """Help with 使い方: in front of the usage line; line breaks in help texts kept; columns
    aligned for full-width text."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "使い方: " if prefix is None else prefix)

    def format_help(self) -> str:
        return _realign(super().format_help())


class JapaneseParser(argparse.ArgumentParser):
    """argparse with its own words (usage, options, -h, its errors) in Japanese."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", JapaneseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        self.add_argument("-h", "--help", action="help", help="このヘルプを表示して終わります")
        self.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="思わぬエラーのときにトレースバック（詳細）も表示します",
        )

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: エラー: {argparse_message(message)}\n")


#: the subcommands; a command line that starts with an option is ``report`` (the old form)
COMMANDS = ("report", "all", "list", "new-period", "draft-kpis", "clean")


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        metavar="フォルダ",
        help="raw/ と processed/ を持つフォルダ（省略時: プロジェクトの data/）",
    )


def _output_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--output-dir",
        metavar="フォルダ",
        help="index.html と <計画>/<期間>/report.html などの書き出し先（省略時: outputs/）",
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--plan",
        metavar="計画",
        help="data/raw/ の下の計画フォルダ名（省略時: すべての計画。計画が一つならその計画）",
    )
    _data_dir_option(p)


def _run_options(p: argparse.ArgumentParser) -> None:
    _output_dir_option(p)
    p.add_argument("--force", action="store_true", help="変更がなくても作り直す")
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="同時に実行する期間の数（既定 1。期間数と CPU 数が上限）",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="report.html の横に report.pdf（A4）も作る（Chromium が必要。実行前に確認します）",
    )


def _cycle_commands(sub) -> None:
    """The half-year cycle's tools: ``new-period`` and ``draft-kpis``."""
    new = sub.add_parser(
        "new-period",
        help="次の期間のフォルダと成果指標シートを作る\n  例: reform-workbook new-period 2019-03 --plan kodaira-3",
        description="data/raw/<計画>/<期間>/ を作り、前の期間から成果指標シートを引き継ぎます"
        "（値は空欄）。既存のファイルは決して上書きしません。",
        epilog="例: reform-workbook new-period 2019-03 --plan kodaira-3",
    )
    new.add_argument("period", metavar="期間", help="新しい期間 YYYY-MM または 平成30年度末 など")
    _common(new)
    new.add_argument("--csv", action="store_true", help=".xlsx ではなく kpi_sheet.csv で書き出す")
    draft = sub.add_parser(
        "draft-kpis",
        help="報告書から成果指標の値の下書きを作る\n  例: reform-workbook draft-kpis --period 2019-03",
        description="期間の報告書から、成果指標シートの空欄の値と前年度末の値の下書きを作り、"
        "新しいファイルとして書き出します（各行に確認の印が付きます）。",
        epilog="例: reform-workbook draft-kpis --period 2019-03",
    )
    draft.add_argument(
        "--period", required=True, metavar="期間", help="期間 YYYY-MM または 平成30年度末 など"
    )
    _common(draft)


def _clean_command(sub) -> None:
    """``clean``: the workbook's own files removed, the user's kept."""
    cleaning = sub.add_parser(
        "clean",
        help="ワークブックが作った処理済みデータと出力を削除する\n  例: reform-workbook clean",
        description="data/processed/ と出力フォルダから、ワークブックが作ったファイルだけを削除します。"
        "生データ、ワークブックが作っていないファイル（例: tables/ に置いたメモ）とそのフォルダ、"
        "実行中の期間はそのまま残し、残したものを表示します。",
        epilog="例: reform-workbook clean --output-dir 出力",
    )
    _data_dir_option(cleaning)
    _output_dir_option(cleaning)


def build_parser() -> argparse.ArgumentParser:
    """The one parser of ``reform-workbook``: a run, the list, and the half-year cycle's tools."""
    p = JapaneseParser(
        prog="reform-workbook",
        description="行財政改革の進捗状況ワークブック: 期間ごとに整理 → 分析 → レポートを作ります。",
        epilog=EPILOG,
    )
    sub = p.add_subparsers(
        dest="command",
        metavar="<コマンド>",
        title="コマンド（詳しくは reform-workbook <コマンド> --help）",
    )
    report = sub.add_parser(
        "report",
        help="レポートを作る（省略時のコマンド）\n  例: reform-workbook report --period 2018-03",
        description="各計画の最新の期間と、レポートがまだない期間のレポートを作り、"
        "outputs/index.html を更新します。",
        epilog="例: reform-workbook report --plan kodaira-3 --period 2018-03",
    )
    _common(report)
    report.add_argument(
        "--period",
        metavar="期間",
        help="期間 YYYY-MM または 平成29年度末 などの表記（その期間と、その計画の後の期間）",
    )
    report.add_argument("--all", action="store_true", help="すべての期間（all と同じ）")
    report.add_argument("--list", action="store_true", help="計画と期間の一覧（list と同じ）")
    _run_options(report)
    every = sub.add_parser(
        "all",
        help="すべての期間のレポートを作る\n  例: reform-workbook all --pdf",
        description="すべての計画（--plan: その計画）の、生データのあるすべての期間を古い順に実行します。",
        epilog="例: reform-workbook all --jobs 2 --pdf",
    )
    _common(every)
    _run_options(every)
    listing = sub.add_parser(
        "list",
        help="計画と期間の一覧\n  例: reform-workbook list",
        description="生データのある計画とその期間を一覧にします。",
        epilog="例: reform-workbook list",
    )
    _common(listing)
    _cycle_commands(sub)
    _clean_command(sub)
    return p


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line as a namespace; the old forms (``--all``, ``--list``, options only) kept."""
    argv = list(argv)
    if "--debug" in argv[:1] and len(argv) > 1:  # `--debug list`: the option goes after the command
        argv = [*argv[1:], "--debug"]
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["report", *argv]
    args = build_parser().parse_args(argv)
    if args.command is None:
        args = build_parser().parse_args(["report"])
    if args.command == "report" and args.list:
        args.command = "list"
    if args.command == "all" or (args.command == "report" and args.all):
        args.command, args.all = "report", True
    args.period = getattr(args, "period", None)
    args.all = getattr(args, "all", False)
    args.debug = getattr(args, "debug", False)
    return args


def _err(msg: str) -> None:
    print(f"reform-workbook: エラー: {msg}", file=sys.stderr)


def _warn(msg: str) -> None:
    print(f"reform-workbook: 警告: {msg}", file=sys.stderr)


def warn_stray_folders(data: Path) -> None:
    """Name each folder of data/raw that is not a plan (it is left out, nothing stops)."""
    for stray in stray_folders(data):
        _warn(stray.message())


def warn_months(data: Path, todo: list[tuple[str, str]]) -> None:
    """Name each period whose month is not one its plan reports at (it runs all the same)."""
    for plan, period in todo:
        words = month_warning(load_plan(data, plan), period)
        if words:
            _warn(words)


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
    ids = plan_ids(data)
    if args.plan:
        if args.plan not in ids:
            raise unknown_plan(data, args.plan)
        load_plan(data, args.plan)
        return [args.plan]
    if not ids:
        raise InputError(paths.raw_root(data), say("cli.no_plans"))
    good, faults = [], []
    for plan in ids:
        try:
            load_plan(data, plan)
            good.append(plan)
        except InputError as exc:
            faults.append((plan, exc))
    if not good:
        for plan, exc in faults[:-1]:
            _err(f"{plan}: {exc}")
        raise faults[-1][1]  # the command's error: reported once, by main
    for plan, exc in faults:
        _err(f"{plan}: {exc}")
        args.plan_faults.append(exc)
    return good


def _one_period(args, data: Path, plans: list[str]) -> list[tuple[str, str]]:
    """``--period``: that period of each plan that has it, and the plan's later periods."""
    pid = parse_period(args.period)
    having = [p for p in plans if pid in plan_periods(data, p)]
    if having:
        # the plan's later periods compare with this one (history, checks across
        # periods): they follow, and are skipped where nothing they read changed
        return [(p, q) for p in having for q in plan_periods(data, p) if q >= pid]
    if len(plans) == 1:
        check_period(pid, data, plans[0])  # raises, listing the plan's periods
    have = "、".join(f"{p}: {', '.join(plan_periods(data, p)) or 'なし'}" for p in plans)
    raise InputError(paths.raw_root(data), say("cli.no_plan_has_period", period=pid, have=have))


def _unmade(out_root: Path, plan: str, periods: list[str]) -> list[str]:
    """The latest period, and the earlier ones without a report yet."""
    return [
        p
        for p in periods[:-1]
        if not (paths.period_output_dir(p, out_root, plan) / "report.html").is_file()
    ] + periods[-1:]


def tasks(args, data: Path) -> list[tuple[str, str]]:
    """The (plan, period) pairs a command runs, in order."""
    plans = _plans(args, data)
    if args.period is not None:
        return _one_period(args, data, plans)
    out_root = paths.output_dir(args.output_dir)
    out = []
    for plan in plans:
        periods = plan_periods(data, plan)
        out += [(plan, p) for p in (periods if args.all else _unmade(out_root, plan, periods))]
    if not out:
        raise InputError(paths.plan_raw_dir(data, args.plan or ""), say("cli.no_periods"))
    return out


def list_plans(data: Path) -> None:
    """``--list``: each plan, its name, and its periods with their labels."""
    ids = plan_ids(data)
    if not ids:  # a data folder that does not exist, or holds no plan: said, not an empty list
        raise InputError(paths.raw_root(data), say("cli.no_plans"))
    for plan in ids:
        try:
            name = plan_name(data, plan)
        except InputError as exc:  # listed all the same; its faults, each with its line, below
            name = say("cli.list_plan_fault")
            _warn(str(exc))
        print(f"{plan}\t{name}")
        for p in plan_periods(data, plan):
            print(f"  {p}\t{period_label(p)}")


def new_period_command(args) -> int:
    """``new-period``: the folder and its carried KPI sheet, then the next steps."""
    data = paths.data_dir(args.data_dir)
    try:
        words = month_warning(load_plan(data, args.plan), parse_period(args.period))
    except InputError:
        words = None  # new_period names the plan's fault, or its run will
    if words:
        _warn(words)
    sheet, carried = new_period(
        args.period, args.data_dir, args.plan, "csv" if args.csv else "xlsx"
    )
    data = paths.data_dir(args.data_dir)
    print(next_steps(sheet, carried, sheet.parent.parent.name, sheet.parent.name, data))
    return EXIT_OK


def draft_kpis_command(args) -> int:
    """``draft-kpis``: the drafted sheet beside the analyst's, then what to check."""
    result = draft_kpis(args.period, args.data_dir, args.plan)
    print(summary_words(result, parse_period(args.period)))
    return EXIT_OK


def list_command(args) -> int:
    """``list``: the plans and their periods."""
    list_plans(paths.data_dir(args.data_dir))
    return EXIT_OK


def clean_command(args) -> int:
    """``clean``: the workbook's processed tables and outputs removed, the rest named."""
    clean(args.data_dir, args.output_dir)
    return EXIT_OK


#: the commands that run no period: each reports its own errors in one line
SIMPLE_COMMANDS = {
    "new-period": new_period_command,
    "draft-kpis": draft_kpis_command,
    "list": list_command,
    "clean": clean_command,
}


def _failed(exc: Exception) -> int:
    """Report one of the workbook's errors, or a file-system fault, in one line; its status."""
    if isinstance(exc, OSError):
        _err(_os_error_line(exc))
        return EXIT_INPUT
    _err(str(exc))
    return exit_status(exc)


def main(argv: list[str] | None = None) -> int:
    """The command line; an error nobody foresaw is one Japanese line (--debug: the traceback)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args)
    except Exception as exc:  # noqa: BLE001 - the last net: one line for the user, not a traceback
        if args.debug:
            traceback.print_exc()
        _err(say("core.unexpected", kind=type(exc).__name__, what=exc))
        return EXIT_FAILED


def _main(args: argparse.Namespace) -> int:
    try:
        warn_stray_folders(paths.data_dir(args.data_dir))
    except (*HANDLED, OSError):
        pass  # a data folder that cannot be read: the command itself says so
    if args.command in SIMPLE_COMMANDS:
        try:
            return SIMPLE_COMMANDS[args.command](args)
        except (*HANDLED, OSError) as exc:
            return _failed(exc)
    args.plan_faults = []  # plans left out for a malformed plan.toml (see _plans)
    args.run_lines = []  # one line per period run, for outputs/run-log.csv
    if args.all and args.period is not None:
        _err(say("cli.period_and_all"))
        return EXIT_INPUT
    if args.jobs < 1:
        _err(say("cli.bad_jobs", jobs=args.jobs))
        return EXIT_INPUT
    data = paths.data_dir(args.data_dir)
    install_signal_handlers()
    done = 0
    try:
        # workbook.toml's pdf = true: every run makes the PDFs (a scheduled one too)
        args.pdf = args.pdf or read_settings(paths.PROJ_ROOT).pdf
        if args.pdf:  # no browser to print with: say how to install one before anything runs
            check_chromium()
        todo = tasks(args, data)
        warn_months(data, todo)
        check_index(args.output_dir)  # someone else's index.html: refused before any run
        if len(todo) > 1 and worker_count(args.jobs, len(todo)) > 1:
            status, done = _run_parallel(todo, args)
        else:
            status, done = _run_sequential(todo, args)
        _write_run_log(args)  # before the index, which shows when each report was made
        # also when nothing was made: a period whose run failed is shown as failed
        _refresh_index(args, quiet_errors=not done)
        if args.plan_faults:
            status = max(status, EXIT_INPUT)
    except (*HANDLED, OSError) as exc:
        return _failed(exc)
    except KeyboardInterrupt:
        # the pipeline's own clean-up (staging, kernel, locks) has run on the way out
        _err(say("cli.interrupted"))
        return EXIT_INTERRUPTED
    finally:
        _write_run_log(args)
    return status


def _run_sequential(todo: list[tuple[str, str]], args) -> tuple[int, int]:
    """Run the periods one after the other.

    A period whose own raw data is refused, whose notebook fails or that another
    run holds does not stop the others: each such failure is reported on its own
    line and the command's status is the worst. A fault every period would meet
    (the folders, the disk) stops the command at once.
    """
    raw = paths.raw_root(paths.data_dir(args.data_dir))
    worst, done = EXIT_OK, 0
    failed: set[str] = set()
    for plan, period in todo:
        if args.period is not None and plan in failed:
            continue  # --period: the later periods follow the asked one only when it was made
        t0 = time.perf_counter()
        try:
            result = run_period(
                period, args.data_dir, args.output_dir, plan=plan, force=args.force, pdf=args.pdf
            )
            done += 1
            args.run_lines.append(_run_line(plan, period, EXIT_OK, t0, skipped=_skipped(result)))
        except HANDLED as exc:
            args.run_lines.append(_run_line(plan, period, exit_status(exc), t0, str(exc)))
            if len(todo) == 1 or not _periods_own(exc, _period_folders(args, raw, plan, period)):
                # the index shows what was made before the failure, and the failure
                _write_run_log(args)
                _refresh_index(args, quiet_errors=True)
                raise
            _err(f"{plan} {period}: {exc}")
            worst = max(worst, exit_status(exc))
            failed.add(plan)
    return worst, done


def _period_folders(args, raw: Path, plan: str, period: str) -> list[Path]:
    """The folders of one period: its raw data, its processed tables, its outputs."""
    data = raw.parent
    return [
        paths.raw_dir(period, data, plan),
        paths.plan_processed_dir(data, plan) / period,
        paths.period_output_dir(period, paths.output_dir(args.output_dir), plan),
    ]


def _periods_own(exc: Exception, folders: list[Path]) -> bool:
    """Whether a failure belongs to one period (its folders, its notebooks, its lock)."""
    if isinstance(exc, InputError):
        if exc.path is None:
            return False
        where = Path(exc.path)
        return any(where == f or f in where.parents for f in folders)
    return True


def _refresh_index(args, quiet_errors: bool = False) -> None:
    """Rebuild outputs/index.html if what it shows changed."""
    try:
        build_index(args.data_dir, args.output_dir)
    except (*HANDLED, OSError):
        if not quiet_errors:
            raise


def _os_error_line(exc: OSError) -> str:
    """One line for a file-system error the pipeline did not foresee: the path and a fix."""
    return str(input_error_from(exc))


def _skipped(result) -> bool:
    return bool(getattr(result, "skipped", False))


def _run_line(plan: str, period: str, code: int, t0: float, detail: str = "", *, skipped=False):
    """The run log's line for one period (see helpers.present.runlog)."""
    result = {EXIT_OK: "up_to_date" if skipped else "made", EXIT_INPUT: "refused"}.get(code)
    result = result or ("locked" if code == EXIT_LOCKED else "failed")
    # 日時: when this period's run ended (periods of one run each have their own)
    return RunLine(plan, period, result, time.perf_counter() - t0, detail, now())


def _write_run_log(args) -> None:
    """Append the run's lines to outputs/run-log.csv; a log that cannot be written is a warning."""
    out_root = paths.output_dir(args.output_dir)
    if not args.run_lines or not out_root.is_dir() or out_root.is_symlink():
        return  # nothing was made: no folder to keep the log in
    data = paths.data_dir(args.data_dir)
    try:
        # never into raw data or the processed tables, even when the run itself was refused
        paths.check_outside_raw(out_root, data, say("paths.what_output", option="--output-dir"))
        paths.check_outside_processed(out_root, data, "")
    except InputError:
        return
    lines, args.run_lines = args.run_lines, []  # each line written once
    try:
        append_runs(out_root, lines)
    except (OSError, InputError, Timeout) as exc:
        if isinstance(exc, OSError):
            why = os_error_text(exc)
        elif isinstance(exc, Timeout):
            why = say("cli.run_log_locked")
        else:
            why = exc.detail
        made = any(line.result in ("made", "up_to_date") for line in lines)
        reports = say("cli.run_log_reports_made" if made else "cli.run_log_no_report")
        _warn(say("cli.run_log_failed", path=out_root / RUN_LOG, why=why, reports=reports))


def _run_one(args_tuple) -> tuple[str, str, int, str, bool]:
    plan, period, data_dir, output_dir, force, pdf = args_tuple
    install_signal_handlers()  # a spawned worker does not inherit them

    try:
        result = run_period(
            period,
            data_dir,
            output_dir,
            plan=plan,
            force=force,
            pdf=pdf,
            log=lambda m: print(m, flush=True),
        )
        return plan, period, EXIT_OK, "", _skipped(result)
    except HANDLED as exc:
        return plan, period, exit_status(exc), str(exc), False
    except OSError as exc:
        return plan, period, EXIT_INPUT, _os_error_line(exc), False


def _run_parallel(todo: list[tuple[str, str]], args) -> tuple[int, int]:
    """Run the periods in worker processes; on SIGTERM/SIGHUP the workers are stopped too."""
    import multiprocessing

    worst, done = EXIT_OK, 0
    # Pool.__exit__ terminates the workers (SIGTERM each, by process id) when the
    # parent leaves early; their own handlers then remove their staging folders.
    with multiprocessing.Pool(worker_count(args.jobs, len(todo))) as pool:
        work = [(pl, p, args.data_dir, args.output_dir, args.force, args.pdf) for pl, p in todo]
        t0 = time.perf_counter()
        for plan, period, code, msg, skipped in pool.imap(_run_one, work):
            # the time since the previous period ended: the period's share of the run
            args.run_lines.append(_run_line(plan, period, code, t0, msg, skipped=skipped))
            t0 = time.perf_counter()
            if code:
                _err(f"{plan} {period}: {msg}")
                worst = max(worst, code)
            else:
                done += 1
    return worst, done


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
