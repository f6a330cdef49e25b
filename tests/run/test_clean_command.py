"""``reform-workbook clean`` removes the workbook's files and nothing else (a break trial's finding)."""

from __future__ import annotations

import pytest
from filelock import FileLock
from support import PLAN

from helpers.core import paths
from helpers.core.errors import InputError
from helpers.run.clean import clean
from helpers.run.cli import main

INDEX = '<!doctype html><meta name="reform-workbook-index" content="' + "a" * 64 + '">'


def _write(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _tree(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _data(tmp_path):
    """A data folder with the plan's raw data: clean looks only at plans that have some."""
    _write(tmp_path / "data" / "raw" / PLAN / "2018-03" / "report.txt", "報告書")
    return tmp_path / "data"


def _workbook_period(folder):
    paths.mark(folder)
    for rel in (
        "report.html",
        "summary.json",
        "tables/items.csv",
        "tables/tables.xlsx",
        "figures/status_by_area.png",
        "notebooks/01_clean.ipynb",
    ):
        _write(folder / rel)


def test_clean_removes_the_workbooks_files_and_keeps_the_users(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    raw = _write(data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv", "item_no\n1\n")
    processed = data / "processed" / PLAN
    paths.mark(processed / "2018-03")
    _write(processed / "2018-03" / "items.csv")
    _write(processed / "kpi_history.csv")
    _workbook_period(out / PLAN / "2017-09")
    _workbook_period(out / PLAN / "2018-03")
    _write(out / PLAN / "2018-03" / "tables" / "my_notes.csv", "the analyst's own\n")
    _write(out / PLAN / "2018-03" / "memo.docx")
    # a killed run's staging folder (marked, its period inside, marked too)
    staging = out / PLAN / ".2018-03.staging-ab12cd34"
    paths.mark(staging)
    _workbook_period(staging / "2018-03")
    # folders and files the workbook did not make
    _write(out / PLAN / "2016-03" / "report.html", "someone's")
    _write(out / "notes.txt")
    _write(out / "index.html", INDEX)
    lines = []

    result = clean(data, out, log=lines.append)

    assert (
        _tree(data / "raw") == ["kodaira-3/2018-03/kpi_sheet.csv"]
        and raw.read_text(encoding="utf-8") == "item_no\n1\n"
    )
    assert not (data / "processed" / PLAN).exists() or _tree(data / "processed") == []
    assert _tree(out) == [
        "kodaira-3/2016-03/report.html",
        "kodaira-3/2018-03/.reform-workbook",  # still the workbook's folder, kept for the files
        "kodaira-3/2018-03/memo.docx",
        "kodaira-3/2018-03/tables/my_notes.csv",
        "notes.txt",
    ]
    assert not (out / PLAN / "2017-09").exists() and not staging.exists()
    assert (out / PLAN / "2018-03" / "tables" / "my_notes.csv").read_text(
        encoding="utf-8"
    ) == "the analyst's own\n"
    assert list(result.kept) == [out / PLAN / "2018-03"]
    kept = [line for line in lines if "残しました" in line]
    assert len(kept) == 1 and "memo.docx" in kept[0] and "tables/my_notes.csv" in kept[0]
    assert f"{len(result.removed)} 件削除しました" in lines[-1]


def test_a_users_index_html_is_kept(tmp_path):
    out = tmp_path / "out"
    _write(out / "index.html", "<html>the city's own page</html>")
    clean(_data(tmp_path), out, log=lambda _: None)
    assert (out / "index.html").read_text(encoding="utf-8") == "<html>the city's own page</html>"


def test_a_period_a_run_holds_is_left_alone(tmp_path):
    out = tmp_path / "out"
    _workbook_period(out / PLAN / "2018-03")
    before = _tree(out / PLAN / "2018-03")
    lock = FileLock(str(out / PLAN / ".2018-03.lock"))
    lines = []
    with lock:
        result = clean(_data(tmp_path), out, log=lines.append)
    assert _tree(out / PLAN / "2018-03") == before
    assert result.busy == [out / PLAN / "2018-03"]
    assert any("実行中のため、削除しませんでした" in line for line in lines)


def test_the_command_and_its_help_are_japanese(tmp_path, capsys):
    out = tmp_path / "out"
    _workbook_period(out / PLAN / "2018-03")
    _write(out / PLAN / "2018-03" / "figures" / "extra.png")
    status = main(["clean", "--data-dir", str(_data(tmp_path)), "--output-dir", str(out)])
    printed = capsys.readouterr().out
    assert status == 0
    assert "figures/extra.png" in printed and "件削除しました" in printed
    assert _tree(out) == [
        "kodaira-3/2018-03/.reform-workbook",
        "kodaira-3/2018-03/figures/extra.png",
    ]
    try:
        main(["clean", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    help_text = capsys.readouterr().out
    assert "使い方:" in help_text and "ワークブックが作ったファイルだけを削除" in help_text


def test_a_folder_kept_for_a_users_file_can_be_rebuilt_once_the_file_is_moved(tmp_path):
    """Found by a new analyst: clean left an unmarked folder that no run could replace."""
    out = tmp_path / "out"
    folder = out / PLAN / "2018-03"
    _workbook_period(folder)
    mine = _write(folder / "tables" / "my_notes.csv")
    lines = []
    data = _data(tmp_path)
    clean(data, out, log=lines.append)
    assert (folder / paths.MARKER).is_file() and mine.is_file()
    assert "そのファイルを別の場所に移すまで作り直せません" in lines[0]
    mine.unlink()  # the user moves the file away, as told
    paths.check_replaceable(folder, "期間の出力フォルダ", "--output-dir")
    clean(data, out, log=lines.append)
    assert not folder.exists()


def test_a_folder_holding_only_empty_folders_may_be_replaced(tmp_path):
    folder = tmp_path / "2018-03"
    (folder / "tables").mkdir(parents=True)
    paths.check_replaceable(folder, "期間の出力フォルダ", "--output-dir")


def test_clean_never_reaches_into_raw(tmp_path):
    """A break trial's: --output-dir into raw, processed linked to raw: raw untouched, exit 2."""
    data = _data(tmp_path)
    raw = data / "raw"
    copy = raw / PLAN / "_old backup" / "2017-09"
    _workbook_period(copy)
    _write(raw / PLAN / "kpi_history.csv", "the user's\n")
    before = _tree(raw)
    for out in (raw, raw / PLAN, raw / PLAN / "_old backup"):
        status = main(["clean", "--data-dir", str(data), "--output-dir", str(out)])
        assert status == 2
    (data / "processed").symlink_to(raw, target_is_directory=True)
    status = main(["clean", "--data-dir", str(data), "--output-dir", str(tmp_path / "out")])
    assert status == 2 and _tree(raw) == before


def test_copies_and_folders_of_no_plan_are_the_users(tmp_path):
    data, out = _data(tmp_path), tmp_path / "out"
    for folder in (
        out / PLAN / "2018-03 提出版",  # a copy the user made of a period's folder
        out / "archive" / "2017-09",  # a plan with no raw data
        data / "processed" / "survey" / "2018-03",
    ):
        _workbook_period(folder)
    _write(data / "processed" / "survey" / "kpi_history.csv")
    before = _tree(tmp_path)
    result = clean(data, out, log=lambda _: None)
    assert result.removed == [] and _tree(tmp_path) == before


def test_a_users_file_named_as_a_product_stays_the_users_after_clean(tmp_path):
    """A recheck's: clean kept report.pdf, then a second clean (or the next run) removed it."""
    data, out = _data(tmp_path), tmp_path / "out"
    folder = out / PLAN / "2018-03"
    _workbook_period(folder)
    listed = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / paths.FINGERPRINT_FILE).write_text(
        "abc\n" + "\n".join(listed) + "\n", encoding="utf-8"
    )
    mine = _write(folder / "report.pdf", "%PDF the user's scan")
    for _ in range(2):
        result = clean(data, out, log=lambda _: None)
        assert mine.is_file() and list(result.kept) == [folder]
    with pytest.raises(InputError, match="report.pdf"):
        paths.check_replaceable(folder, "期間の出力フォルダ", "--output-dir")
