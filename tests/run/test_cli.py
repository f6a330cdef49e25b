"""The command line: exit statuses, bounded --jobs, folders it refuses, the Makefile's quoting."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from support import PLAN, copy_raw, make_report_args

from helpers.core import plans
from helpers.core.errors import InputError
from helpers.run import cli
from helpers.run.cli import main, worker_count


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


@pytest.fixture
def no_notebooks(monkeypatch):
    """Fail the test if a run gets as far as starting a notebook."""
    import helpers.run.cli
    import helpers.run.pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("a notebook was started")

    monkeypatch.setattr(helpers.run.pipeline, "_run_notebooks", refuse)


def _run(capsys, *args) -> tuple[int, str]:
    status = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_jobs_below_one_is_refused(data, capsys, jobs):
    status, err = _run(capsys, "--all", "--jobs", jobs, "--data-dir", str(data))
    assert status == 2 and f"--jobs {jobs}" in err and err.count("\n") == 1


def test_jobs_are_capped_by_periods_and_cpus():
    assert worker_count(50, 2) == 2
    assert worker_count(10_000, 10_000) == (os.cpu_count() or 1)
    assert worker_count(1, 5) == 1


def test_a_huge_jobs_value_starts_no_more_processes_than_periods(data, monkeypatch):
    started = []

    class FakePool:
        def __init__(self, processes):
            started.append(processes)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def imap(self, fn, tasks):
            return [(t[0], t[1], 0, "", False) for t in tasks]

    monkeypatch.setattr("multiprocessing.Pool", FakePool)
    out = str(data.parent / "out")
    assert main(["--all", "--jobs", "50", "--data-dir", str(data), "--output-dir", out]) == 0
    assert started == [min(2, os.cpu_count() or 1)]


def test_output_dir_inside_raw_is_refused_and_raw_untouched(data, capsys, no_notebooks):
    before = _tree(data / "raw")
    for out in (data / "raw", data / "raw" / PLAN / "2018-03", data / "raw" / "x"):
        status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(out))
        assert status == 2 and "生データのフォルダ" in err, err
        assert err.count("\n") == 1
    assert _tree(data / "raw") == before
    assert not (data / "raw" / "x").exists()


def test_processed_linked_into_raw_is_refused(data, capsys, no_notebooks, tmp_path):
    before = _tree(data / "raw")
    (data / "processed" / PLAN).mkdir(parents=True)
    (data / "processed" / PLAN / "2018-03").symlink_to(data / "raw" / PLAN / "2018-03")
    status, err = _run(
        capsys, "--period", "2018-03", "--data-dir", str(data), "--output-dir", str(tmp_path / "o")
    )
    assert status == 2 and "生データのフォルダ" in err, err
    assert _tree(data / "raw") == before
    # processed/ itself a link into raw/
    (data / "processed" / PLAN / "2018-03").unlink()
    (data / "processed" / PLAN).rmdir()
    (data / "processed").rmdir()
    (data / "processed").symlink_to(data / "raw")
    status, err = _run(
        capsys, "--period", "2018-03", "--data-dir", str(data), "--output-dir", str(tmp_path / "o")
    )
    assert status == 2 and "生データのフォルダ" in err, err
    assert _tree(data / "raw") == before


def test_output_folder_with_the_users_files_is_left_alone(data, capsys, no_notebooks, tmp_path):
    out = tmp_path / "out"
    (out / PLAN / "2018-03").mkdir(parents=True)
    (out / PLAN / "2018-03" / "memo.docx").write_bytes(b"PK\x03\x04 the user's memo")
    before = _tree(out / PLAN / "2018-03")
    status, err = _run(
        capsys, "--period", "2018-03", "--data-dir", str(data), "--output-dir", str(out)
    )
    assert status == 2, err
    assert (
        f"{out / PLAN / '2018-03'}: " in err
        and "作っていないファイル" in err
        and "--output-dir" in err
    )
    assert _tree(out / PLAN / "2018-03") == before
    assert not [p for p in out.rglob("*") if "staging" in p.name or ".old-" in p.name]


def test_processed_folder_with_the_users_files_is_left_alone(data, capsys, no_notebooks, tmp_path):
    mine = data / "processed" / PLAN / "2018-03"
    mine.mkdir(parents=True)
    (mine / "memo.docx").write_bytes(b"PK")
    status, err = _run(
        capsys, "--period", "2018-03", "--data-dir", str(data), "--output-dir", str(tmp_path / "o")
    )
    assert status == 2 and "作っていないファイル" in err and "--data-dir" in err, err
    assert [p.name for p in mine.iterdir()] == ["memo.docx"]


@pytest.mark.parametrize("where", ["root", "period", "processed-root", "processed"])
def test_a_file_where_a_folder_should_be_exits_2_with_one_line(
    data, capsys, no_notebooks, tmp_path, where
):
    out = tmp_path / "out"
    target = {
        "root": out,
        "period": out / PLAN / "2018-03",
        "processed-root": data / "processed",
        "processed": data / "processed" / PLAN / "2018-03",
    }[where]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("not a folder", encoding="utf-8")
    status, err = _run(
        capsys, "--period", "2018-03", "--data-dir", str(data), "--output-dir", str(out)
    )
    assert status == 2, err
    assert str(target) in err and err.count("\n") == 1, err
    assert target.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders: the file-in-the-way cases cover exit 2",
)
def test_read_only_output_root_exits_2(data, capsys, no_notebooks, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(out / "sub"))
    finally:
        out.chmod(0o755)
    assert status == 2 and str(out / "sub") in err and err.count("\n") == 1, err


def test_an_unforeseen_os_error_is_one_line_exit_2(data, capsys, monkeypatch, tmp_path):
    import helpers.run.cli
    import helpers.run.pipeline

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "x.csv"))

    monkeypatch.setattr(helpers.run.pipeline, "_execute", full_disk)
    status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(tmp_path / "out"))
    assert (
        status == 2 and "x.csv" in err and "ディスクがいっぱいです" in err and err.count("\n") == 1
    )


def test_signal_handlers_turn_sigterm_into_an_exit_that_runs_cleanup(monkeypatch):
    import signal

    installed = {}
    monkeypatch.setattr(signal, "signal", lambda sig, fn: installed.setdefault(sig, fn))
    cli.install_signal_handlers()
    assert signal.SIGTERM in installed
    with pytest.raises(SystemExit) as exc:
        installed[signal.SIGTERM](signal.SIGTERM, None)
    assert exc.value.code == 128 + signal.SIGTERM


WEIRD = ["a b", "it's", 'say "hi"', "back`tick`", "dollar$HOME", "$(PWD)", "$$x", "semi;colon"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("name", WEIRD)
def test_makefile_passes_paths_literally(tmp_path, name):
    """A real `make report` with a stand-in for the command: its arguments arrive as given."""
    out_dir, data_dir = str(tmp_path / name / "out"), str(tmp_path / name / "data")
    got = make_report_args(
        tmp_path,
        f"OUTPUT_DIR={out_dir}",
        f"DATA_DIR={data_dir}",
        "PERIOD=平成29年度末",
        f"PLAN={name}",
        "FORCE=1",
    )
    assert got == [
        "--period",
        "平成29年度末",
        "--plan",
        name,
        "--data-dir",
        data_dir,
        "--output-dir",
        out_dir,
        "--force",
    ]
    assert not (tmp_path / name).exists()  # nothing was run by the shell


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("force", "forced"),
    [("0", False), ("no", False), ("false", False), ("", False), ("1", True), ("yes", True)],
)
def test_makefile_force_0_does_not_force(tmp_path, force, forced):
    assert ("--force" in make_report_args(tmp_path, f"FORCE={force}")) is forced


# --- several plans ----------------------------------------------------------------


@pytest.fixture
def two_plans(data):
    from support import FIXTURES

    shutil.copytree(FIXTURES / "plans" / "kodaira-2", data / "raw" / "kodaira-2")
    return data


@pytest.fixture
def recorded(monkeypatch):
    """Record the (plan, period) runs instead of running them; no index is built."""
    import helpers.present.index_page
    import helpers.run.cli
    import helpers.run.pipeline

    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        helpers.run.cli,
        "run_period",
        lambda period, *a, plan=None, **k: calls.append((plan, period)),
    )
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: None)
    return calls


@pytest.mark.parametrize(
    "args, expect",
    [
        # nothing made yet: every period of every plan, so the index links them all
        (
            [],
            [
                ("kodaira-2", "2017-03"),
                ("kodaira-2", "2017-09"),
                (PLAN, "2017-09"),
                (PLAN, "2018-03"),
            ],
        ),
        (
            ["--all"],
            [
                ("kodaira-2", "2017-03"),
                ("kodaira-2", "2017-09"),
                (PLAN, "2017-09"),
                (PLAN, "2018-03"),
            ],
        ),
        (["--plan", PLAN], [(PLAN, "2017-09"), (PLAN, "2018-03")]),
        (["--plan", "kodaira-2", "--all"], [("kodaira-2", "2017-03"), ("kodaira-2", "2017-09")]),
        # a period and the plan's later periods, which compare with it
        (
            ["--period", "平成29年9月末"],
            [("kodaira-2", "2017-09"), (PLAN, "2017-09"), (PLAN, "2018-03")],
        ),
        (["--period", "2017-03"], [("kodaira-2", "2017-03"), ("kodaira-2", "2017-09")]),
    ],
)
def test_which_plans_and_periods_run(two_plans, recorded, args, expect):
    assert (
        main([*args, "--data-dir", str(two_plans), "--output-dir", str(two_plans.parent / "o")])
        == 0
    )
    assert recorded == expect


def test_make_report_runs_the_latest_period_and_those_not_made_yet(two_plans, recorded):
    out = two_plans.parent / "o"
    for plan, period in [("kodaira-2", "2017-03"), (PLAN, "2017-09"), (PLAN, "2018-03")]:
        (out / plan / period).mkdir(parents=True)
        (out / plan / period / "report.html").write_text("r", encoding="utf-8")
    assert main(["--data-dir", str(two_plans), "--output-dir", str(out)]) == 0
    assert recorded == [("kodaira-2", "2017-09"), (PLAN, "2018-03")]


def test_an_unknown_plan_exits_2_listing_the_plans(two_plans, recorded, capsys):
    status, err = _run(capsys, "--plan", "kodaira-9", "--data-dir", str(two_plans))
    assert (
        status == 2 and "生データのある計画: kodaira-2, kodaira-3" in err and err.count("\n") == 1
    )
    assert not recorded


def test_a_period_no_plan_has_exits_2_listing_each_plans_periods(two_plans, recorded, capsys):
    status, err = _run(capsys, "--period", "2016-03", "--data-dir", str(two_plans))
    assert status == 2 and "2016-03 の生データを持つ計画がありません" in err, err
    assert "kodaira-2: 2017-03, 2017-09、kodaira-3: 2017-09, 2018-03" in err
    assert not recorded


def test_list_shows_plans_and_their_periods(two_plans, capsys):
    assert main(["--list", "--data-dir", str(two_plans)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "kodaira-2\t第2次行財政再構築プラン（フォローアップ項目）",
        "  2017-03\t平成28年度末",
        "  2017-09\t平成29年9月末",
        f"{PLAN}\t第3次行財政再構築プラン",
        "  2017-09\t平成29年9月末",
        "  2018-03\t平成29年度末",
    ]


def test_the_index_is_rebuilt_after_the_runs(data, monkeypatch, tmp_path):
    import helpers.present.index_page
    import helpers.run.cli
    import helpers.run.pipeline

    built = []
    monkeypatch.setattr(helpers.run.cli, "run_period", lambda *a, **k: None)
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda d, o: built.append((d, o)))
    assert main(["--all", "--data-dir", str(data), "--output-dir", str(tmp_path / "o")]) == 0
    assert built == [(str(data), str(tmp_path / "o"))]


def test_output_dir_inside_processed_is_refused(data, capsys, no_notebooks):
    (data / "processed").mkdir(exist_ok=True)
    status, err = _run(
        capsys,
        "--period",
        "2018-03",
        "--data-dir",
        str(data),
        "--output-dir",
        str(data / "processed"),
    )
    assert status == 2 and "処理済みデータのフォルダ" in err, err


@pytest.mark.parametrize("name", ["2018-9", "2018-13", "H30_9月末"])
def test_a_misnamed_period_folder_is_refused_not_passed_over(data, capsys, no_notebooks, name):
    shutil.copytree(data / "raw" / PLAN / "2018-03", data / "raw" / PLAN / name)
    status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(data / "o"))
    assert status == 2 and name in err and "YYYY-MM" in err, err


def test_every_misnamed_period_folder_is_told_at_once_and_a_set_aside_one_is_skipped(
    data, capsys, no_notebooks
):
    plan = data / "raw" / PLAN
    for name in ("old backup", "2018-13"):
        (plan / name).mkdir()
    (plan / "_old backup").mkdir()  # set aside by the analyst: never read
    status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(data / "o"))
    assert status == 2 and "old backup" in err and "2018-13" in err, err
    assert f"{PLAN}/_old backup" not in err and "先頭に _ を付ける" in err, err
    for name in ("old backup", "2018-13"):
        (plan / name).rmdir()
    assert plans.plan_periods(data, PLAN) == ["2017-09", "2018-03"]


def test_one_failing_period_does_not_stop_the_others(two_plans, monkeypatch, capsys):
    import helpers.present.index_page
    import helpers.run.cli
    import helpers.run.pipeline

    ran: list[tuple[str, str]] = []

    def run(period, *a, plan=None, **k):
        if plan == "kodaira-2":
            raise InputError(two_plans / "raw" / plan / period / "x.txt", "a deliberate fault")
        ran.append((plan, period))

    monkeypatch.setattr(helpers.run.cli, "run_period", run)
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: None)
    status, err = _run(capsys, "--all", "--data-dir", str(two_plans))
    assert status == 2
    assert ran == [(PLAN, "2017-09"), (PLAN, "2018-03")]
    assert err.count("a deliberate fault") == 2 and "kodaira-2 2017-03" in err


def test_ctrl_c_is_one_line_and_exit_130(data, monkeypatch, capsys):
    import helpers.run.cli
    import helpers.run.pipeline

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(helpers.run.cli, "run_period", interrupted)
    status, err = _run(capsys, "--period", "2018-03", "--data-dir", str(data))
    assert status == 130 and "中断しました" in err and len(err.strip().splitlines()) == 1


def test_someone_elses_index_html_is_refused_before_any_run(data, capsys, no_notebooks, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("<html>our intranet page</html>", encoding="utf-8")
    status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(out))
    assert (
        status == 2 and "index.html" in err and "ワークブックが作ったものではありません" in err
    ), err
    assert (out / "index.html").read_text(encoding="utf-8") == "<html>our intranet page</html>"
    assert not (out / PLAN).exists()  # no period was run


def test_period_runs_the_later_periods_only_when_it_was_made(data, monkeypatch, capsys):
    import helpers.present.index_page
    import helpers.run.cli
    import helpers.run.pipeline

    ran: list[str] = []

    def run(period, *a, plan=None, **k):
        ran.append(period)
        if period == "2017-09":
            raise InputError(data / "raw" / PLAN / period / "x.csv", "a deliberate fault")

    monkeypatch.setattr(helpers.run.cli, "run_period", run)
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: None)
    status, err = _run(capsys, "--period", "2017-09", "--data-dir", str(data))
    assert status == 2 and "a deliberate fault" in err
    assert ran == ["2017-09"]  # 2018-03, which compares with it, was not run


# ------------------------------------------- folders that are not plans (issue 22, part 4)


def _strays(data: Path) -> list[str]:
    """A stray folder of each kind beside the real plans; their names."""
    raw = data / "raw"
    (raw / "old backup").mkdir()  # no plan id (and empty)
    (raw / "2018-09").mkdir()  # a period outside a plan
    (raw / "kodaira-9").mkdir()  # a plan id, no periods
    names = ["2018-09", "kodaira-9", "old backup"]
    try:
        (raw / "k3-alias").symlink_to(raw / PLAN, target_is_directory=True)
        names.insert(1, "k3-alias")
    except OSError:  # no symbolic links here
        pass
    return names


def test_stray_folders_stop_no_plan_each_named_once(two_plans, recorded, capsys):
    """Once every command's exit 2 for one empty folder such as 'old backup' (issue 22)."""
    names = _strays(two_plans)
    status, err = _run(capsys, "--data-dir", str(two_plans), "--output-dir", str(two_plans / "o"))
    assert status == 0
    assert recorded == [
        ("kodaira-2", "2017-03"),
        ("kodaira-2", "2017-09"),
        (PLAN, "2017-09"),
        (PLAN, "2018-03"),
    ]
    warnings = [line for line in err.splitlines() if "警告" in line]
    assert len(warnings) == len(names)
    for name in names:
        assert sum(f"raw/{name}:" in w for w in warnings) == 1


def test_list_works_beside_stray_folders(two_plans, capsys):
    names = _strays(two_plans)
    status, err = _run(capsys, "--list", "--data-dir", str(two_plans))
    assert status == 0 and err.count("警告") == len(names)
    listed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert "k3-alias" not in " ".join(listed)


@pytest.mark.parametrize("name", ["old backup", "kodaira-9", "2018-09"])
def test_a_run_naming_a_stray_folder_is_refused(two_plans, recorded, capsys, name):
    _strays(two_plans)
    status, err = _run(capsys, "--plan", name, "--data-dir", str(two_plans))
    assert status == 2 and not recorded
    errors = [line for line in err.splitlines() if "エラー" in line]
    assert len(errors) == 1 and f"raw/{name}:" in errors[0]


def test_a_plan_toml_error_is_printed_once(data, recorded, capsys):
    """Once printed twice (issue 22): the plan's error, then the same as the command's."""
    with (data / "raw" / PLAN / "plan.toml").open("a", encoding="utf-8") as fh:
        fh.write("name = \n")
    status, err = _run(capsys, "--data-dir", str(data), "--output-dir", str(data / "o"))
    assert status == 2 and not recorded
    assert err.count("TOML として読めません") == 1 and err.count("\n") == 1, err


def test_a_period_month_the_plan_does_not_report_at_runs_with_a_warning(data, recorded, capsys):
    shutil.copytree(data / "raw" / PLAN / "2018-03", data / "raw" / PLAN / "2019-02")
    status, err = _run(
        capsys, "--period", "2019-02", "--data-dir", str(data), "--output-dir", str(data / "o")
    )
    assert status == 0 and recorded == [(PLAN, "2019-02")]
    assert err.count("警告") == 1 and "2019-02（平成31年2月末）" in err and "3月末・9月末" in err


def test_new_period_at_another_month_is_made_with_a_warning(data, capsys):
    """Once made without a word: new-period 2019-02 for a plan reporting at 3月末 and 9月末."""
    status, err = _run(capsys, "new-period", "2019-02", "--csv", "--data-dir", str(data))
    assert status == 0 and (data / "raw" / PLAN / "2019-02" / "kpi_sheet.csv").is_file()
    assert "警告" in err and "報告の月（3月末・9月末）ではありません" in err


def test_workbook_toml_pdf_makes_every_run_print_and_each_run_is_logged(
    two_plans, monkeypatch, tmp_path, capsys
):
    """A scheduled run and a hand run agree on PDFs (workbook.toml); run-log.csv gets a line each."""
    import csv

    import helpers.run.cli
    from helpers.run.settings import Settings

    asked: list[tuple[str, str, bool]] = []
    monkeypatch.setattr(helpers.run.cli, "read_settings", lambda root: Settings(pdf=True))
    monkeypatch.setattr(helpers.run.cli, "check_chromium", lambda: None)
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: None)
    monkeypatch.setattr(
        helpers.run.cli,
        "run_period",
        lambda period, *a, plan=None, pdf=False, **k: asked.append((plan, period, pdf)),
    )
    out = tmp_path / "out"
    out.mkdir()  # a real run makes it; the stand-in does not
    assert main(["--data-dir", str(two_plans), "--output-dir", str(out)]) == 0
    assert asked and all(pdf for _, _, pdf in asked)
    log = list(csv.DictReader((out / "run-log.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["計画"], r["期間"], r["結果"]) for r in log] == [
        (plan, period, "作成") for plan, period, _ in asked
    ]
    assert all(r["日時"] and r["秒"] for r in log)


@pytest.mark.parametrize("code", [13, 30, 1])  # EACCES, EROFS, EPERM
def test_a_folder_that_cannot_be_written_is_told_once_with_the_option(code, tmp_path):
    from helpers.run.pipeline import input_error_from

    exc = OSError(code, "English words of the system", str(tmp_path / "out"))
    message = str(input_error_from(exc, "--output-dir"))
    assert message.count("別のフォルダを指定してください") == 1, message
    assert "--output-dir で別のフォルダを指定してください" in message
    assert "English" not in message


@pytest.mark.parametrize("made", [True, False])
def test_a_run_log_that_cannot_be_written_is_a_japanese_warning_naming_it(
    data, monkeypatch, capsys, tmp_path, made
):
    import helpers.run.cli

    out = tmp_path / "out"
    out.mkdir()

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(out / "run-log.csv"))

    monkeypatch.setattr(helpers.run.cli, "append_runs", read_only)
    args = cli.parse_args(["--data-dir", str(data), "--output-dir", str(out)])
    code = cli.EXIT_OK if made else cli.EXIT_FAILED
    args.run_lines = [cli._run_line(PLAN, "2018-03", code, 0.0)]
    cli._write_run_log(args)
    err = capsys.readouterr().err
    assert f"実行の記録 {out / 'run-log.csv'} を書けませんでした（読み取り専用のディスクです" in err
    assert ("レポートはできています" in err) is made
    assert ("レポートも作れていません" in err) is not made
    assert "Read-only" not in err and err.count("\n") == 1


def test_a_jobs_value_that_is_no_number_is_told_in_japanese(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--jobs", "abc"])
    err = capsys.readouterr().err
    assert (
        exc.value.code == 2
        and "--jobs の値 'abc' は正しくありません（整数を指定してください）" in err
    )
    assert " int " not in err


def test_list_names_each_plan_toml_fault_with_its_line(data, capsys):
    toml = data / "raw" / PLAN / "plan.toml"
    text = "years = 5\nmonths = [13]\n" + toml.read_text(encoding="utf-8")
    toml.write_text(text, encoding="utf-8")
    status = main(["list", "--data-dir", str(data)])
    out, err = capsys.readouterr()
    assert status == 0 and f"{PLAN}\t（plan.toml に誤りがあります" in out
    lines = toml.read_text(encoding="utf-8").splitlines()
    years, months = lines.index("years = 5") + 1, lines.index("months = [13]") + 1
    assert f"{years}行目 キー years" in err and f"{months}行目 キー months" in err, err


def test_a_period_whose_output_folder_holds_a_users_file_does_not_stop_the_others(
    data, monkeypatch, capsys, tmp_path
):
    """Found by a new analyst: a memo in 2017-09's output folder stopped 2018-03 unnamed."""
    import helpers.run.cli

    out = tmp_path / "out"
    ran, indexes = [], []

    def run(period, data_dir, output_dir, *a, plan=None, **k):
        if period == "2017-09":
            raise InputError(Path(output_dir) / plan / period, "ワークブックが作っていないファイル")
        ran.append(period)

    monkeypatch.setattr(helpers.run.cli, "run_period", run)
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: indexes.append(a))
    status, err = _run(capsys, "--all", "--data-dir", str(data), "--output-dir", str(out))
    assert status == 2 and ran == ["2018-03"], err
    assert f"{PLAN} 2017-09: " in err and indexes


def test_the_index_is_rebuilt_when_every_period_was_refused(data, monkeypatch, capsys, tmp_path):
    """The index shows a refused period as failed (run_failed.json), not its earlier report as current."""
    import helpers.run.cli

    indexes = []

    def refuse(period, *a, plan=None, **k):
        raise InputError(data / "raw" / plan / period / "kpi_sheet.csv", "誤り")

    monkeypatch.setattr(helpers.run.cli, "run_period", refuse)
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: indexes.append(a))
    status, _ = _run(capsys, "--all", "--data-dir", str(data), "--output-dir", str(tmp_path / "o"))
    assert status == 2 and len(indexes) == 1


@pytest.mark.parametrize("command", ["report", "all", "list", "new-period", "draft-kpis", "clean"])
def test_help_columns_line_up_on_screen_with_full_width_text(command, capsys):
    """argparse pads by characters; a metavar such as フォルダ takes two columns each."""
    from helpers.run.cli import _display_width

    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    starts = set()
    for line in out.splitlines():
        if line.startswith("  -") and "  " in line.strip():
            head = line[: line.index("  ", 2) if "  " in line[2:] else len(line)]
            rest = line[len(head) :]
            starts.add(_display_width(head) + len(rest) - len(rest.lstrip()))
    assert len(starts) == 1, (starts, out)


def test_list_of_a_data_folder_without_plans_says_so(tmp_path, capsys):
    status, err = _run(capsys, "list", "--data-dir", str(tmp_path / "nowhere"))
    assert status == 2 and str(tmp_path / "nowhere" / "raw") in err


@pytest.mark.parametrize("argv", [["--debug", "list"], ["list", "--debug"]])
def test_debug_may_stand_before_the_command(argv):
    args = cli.parse_args(argv)
    assert args.command == "list" and args.debug


def test_each_period_of_a_run_logs_the_time_its_own_run_ended(monkeypatch, tmp_path):
    """Two periods of one run: each run-log line has the time that period ended, not the
    time the log was written (a long --all run's lines would all show its end)."""
    import csv

    import helpers.run.cli
    from helpers.present.runlog import append_runs

    clock = iter(["2026-04-01 06:00:07", "2026-04-01 06:00:15", "2026-04-01 06:09:59"])
    monkeypatch.setattr(helpers.run.cli, "now", lambda: next(clock))
    lines = [cli._run_line(PLAN, p, cli.EXIT_OK, 0.0) for p in ("2018-03", "2018-09")]
    monkeypatch.setattr("helpers.present.runlog.now", lambda: next(clock))
    log = append_runs(tmp_path, lines)
    rows = list(csv.DictReader(log.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["日時"], r["期間"]) for r in rows] == [
        ("2026-04-01 06:00:07", "2018-03"),
        ("2026-04-01 06:00:15", "2018-09"),
    ]
