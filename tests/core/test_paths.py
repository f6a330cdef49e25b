"""Which folders the workbook may write and replace: never raw/, only its own."""

from __future__ import annotations

import pytest
from support import PLAN

from helpers.core import paths
from helpers.core.errors import InputError


@pytest.fixture
def data(tmp_path):
    (tmp_path / "data" / "raw" / PLAN / "2018-03").mkdir(parents=True)
    return tmp_path / "data"


@pytest.mark.parametrize("target", ["raw", "raw/2018-03", "raw/2018-03/x"])
def test_a_folder_inside_raw_is_refused(data, target):
    with pytest.raises(InputError, match="生データのフォルダ .* の中にあります"):
        paths.check_outside_raw(data / target, data, "output folder")


def test_a_folder_holding_raw_is_refused(data):
    with pytest.raises(InputError, match="生データのフォルダ .* を含んでいます"):
        paths.check_outside_raw(data, data, "output folder")


def test_a_link_into_raw_is_refused(data, tmp_path):
    link = tmp_path / "processed-link"
    link.symlink_to(data / "raw" / PLAN / "2018-03", target_is_directory=True)
    with pytest.raises(InputError, match="リンクの先は"):
        paths.check_outside_raw(link, data, "processed folder")


def test_a_folder_beside_raw_is_fine(data):
    paths.check_outside_raw(data / "processed" / PLAN / "2018-03", data, "processed folder")


def test_absent_empty_and_marked_folders_may_be_replaced(tmp_path):
    paths.check_replaceable(tmp_path / "absent", "output folder", "--output-dir")
    (tmp_path / "empty").mkdir()
    paths.check_replaceable(tmp_path / "empty", "output folder", "--output-dir")
    paths.mark(tmp_path / "marked")
    (tmp_path / "marked" / "report.html").write_text("x", encoding="utf-8")
    paths.check_replaceable(tmp_path / "marked", "output folder", "--output-dir")
    legacy = tmp_path / "legacy"  # a run before the marker existed left its fingerprint
    legacy.mkdir()
    (legacy / paths.FINGERPRINT_FILE).write_text("abc\n", encoding="utf-8")
    paths.check_replaceable(legacy, "output folder", "--output-dir")


def test_a_folder_of_someone_else_is_refused(tmp_path):
    folder = tmp_path / "2018-03"
    folder.mkdir()
    (folder / "memo.docx").write_bytes(b"PK")
    with pytest.raises(InputError, match="作っていないファイル") as exc:
        paths.check_replaceable(folder, "period's output folder", "--output-dir")
    assert str(folder) in str(exc.value) and "--output-dir" in str(exc.value)
    # a table of the user's is not mistaken for processed tables of an earlier version
    (folder / "memo.docx").unlink()
    (folder / "budget.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="作っていないファイル"):
        paths.check_replaceable(folder, "period's output folder", "--output-dir")
    # nor by a processed folder: only the tables the workbook writes there are its own
    with pytest.raises(InputError, match=r"作っていないファイルがあります（budget.csv）"):
        paths.check_replaceable(folder, "processed folder", "--data-dir", processed=True)
    (folder / "budget.csv").unlink()
    (folder / "areas.csv").write_text("area_no\n1\n", encoding="utf-8")  # an earlier version's
    paths.check_replaceable(folder, "processed folder", "--data-dir", processed=True)


def test_a_users_file_inside_a_marked_folder_keeps_it_from_being_replaced(tmp_path):
    out = paths.mark(tmp_path / "out")
    for rel in (
        "report.html",
        "figures/status_by_area.png",
        "figures/kpi_history.svg",
        "tables/tables.xlsx",
        "tables/items.csv",
        "notebooks/01_clean.ipynb",
        "notebooks/.ipynb_checkpoints/01_clean-checkpoint.ipynb",
    ):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")
    paths.check_replaceable(out, "output folder", "--output-dir")  # all the workbook's
    (out / "figures" / "memo.docx").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"作っていないファイルがあります（figures/memo.docx）"):
        paths.check_replaceable(out, "output folder", "--output-dir")
    (out / "figures" / "memo.docx").unlink()
    # named as the workbook names its own kind of file, in a folder it writes: still the user's
    for rel in (
        "tables/my_notes.csv",
        "figures/extra.png",
        "notebooks/mine.ipynb",
        "failed/x.ipynb",
    ):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")
        with pytest.raises(InputError, match=rf"作っていないファイルがあります（{rel}）"):
            paths.check_replaceable(out, "output folder", "--output-dir")
        (out / rel).unlink()
    processed = paths.mark(tmp_path / "processed")
    (processed / "metrics.csv").write_text("x\n", encoding="utf-8")
    (processed / "my.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"作っていないファイルがあります（my.xlsx）"):
        paths.check_replaceable(processed, "processed folder", "--data-dir", processed=True)


def test_a_file_or_a_link_where_the_folder_should_be_is_refused(tmp_path):
    (tmp_path / "2018-03").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="ファイルがあります。そのファイルを移す"):
        paths.check_replaceable(tmp_path / "2018-03", "output folder", "--output-dir")
    (tmp_path / "real").mkdir()
    (tmp_path / "2017-09").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(InputError, match="リンクです"):
        paths.check_replaceable(tmp_path / "2017-09", "output folder", "--output-dir")


def test_product_folder_marks_a_new_folder_and_drops_the_fingerprint(data):
    folder = paths.product_folder(
        data / "processed" / PLAN / "2018-03", data, "processed folder", "processed_dir"
    )
    assert (folder / paths.MARKER).is_file()
    (folder / paths.FINGERPRINT_FILE).write_text("abc\n", encoding="utf-8")
    paths.product_folder(folder, data, "processed folder", "processed_dir")
    assert not (folder / paths.FINGERPRINT_FILE).exists()


def test_product_folder_refuses_a_folder_of_someone_else_before_writing(data, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "memo.docx").write_bytes(b"PK")
    with pytest.raises(InputError, match="memo.docx"):
        paths.product_folder(mine, data, "output folder", "period_output_dir")
    assert sorted(p.name for p in mine.iterdir()) == ["memo.docx"]


def test_product_folder_refuses_a_table_named_like_the_workbooks_without_its_marker(data, tmp_path):
    """A notebook run alone never overwrites a user's tables/areas.csv (found by a break trial)."""
    theirs = tmp_path / "out" / PLAN / "2018-03"
    (theirs / "tables").mkdir(parents=True)
    (theirs / "tables" / "areas.csv").write_text("my own areas\n", encoding="utf-8")
    with pytest.raises(InputError, match=paths.MARKER):
        paths.product_folder(theirs, data, "output folder", "period_output_dir")
    assert (theirs / "tables" / "areas.csv").read_text(encoding="utf-8") == "my own areas\n"
    assert sorted(p.name for p in theirs.rglob("*")) == ["areas.csv", "tables"]


def test_product_folder_refuses_raw(data):
    with pytest.raises(InputError, match="生データのフォルダ .* の中にあります"):
        paths.product_folder(
            data / "raw" / PLAN / "2018-03", data, "processed folder", "processed_dir"
        )
    assert list((data / "raw" / PLAN / "2018-03").iterdir()) == []


def test_the_products_named_are_the_ones_the_workbook_writes():
    """One list (core) names what the later stages write: charts, reader tables, notebooks."""
    import json

    from helpers import notebook
    from helpers.run.pipeline import STAGES

    assert tuple(name for name, _ in STAGES) == paths.NOTEBOOK_NAMES
    assert set(notebook.CHARTS) | {"kpi_history"} == set(paths.FIGURE_NAMES)
    source = "".join(
        "".join(c["source"])
        for c in json.loads((paths.NOTEBOOKS_DIR / "03_report.ipynb").read_text(encoding="utf-8"))[
            "cells"
        ]
    )
    for table in paths.READER_TABLES:
        assert f'"{table}": ' in source, table
    # and what is not listed is refused before a file is written (nb.export_tables, save_figure)
    run = type("Run", (), {})()
    notebook._current["run"] = run
    try:
        with pytest.raises(ValueError, match="READER_TABLES"):
            notebook.export_tables(run, {"memo": None}, {})
    finally:
        notebook._current["run"] = None
    from helpers.present.charts import save_figure

    with pytest.raises(ValueError, match="FIGURE_NAMES"):
        save_figure(None, "/nonexistent", "memo")


def test_a_file_named_as_a_product_that_the_run_did_not_write_is_the_users(tmp_path):
    """A break trial's: a run without PDF, then the user's own scan saved as report.pdf."""
    out = paths.mark(tmp_path / "out")
    for rel in ("report.html", "tables/items.csv"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")
    (out / paths.FINGERPRINT_FILE).write_text(
        "abc\nreport.html\ntables/items.csv\n", encoding="utf-8"
    )
    (out / paths.RUN_FAILED_FILE).write_text("{}", encoding="utf-8")  # written after the run
    paths.check_replaceable(out, "output folder", "--output-dir")
    (out / "report.pdf").write_bytes(b"%PDF-1.4 the user's scan")
    with pytest.raises(InputError, match=r"作っていないファイルがあります（report.pdf）"):
        paths.check_replaceable(out, "output folder", "--output-dir")
    # an earlier version's fingerprint (the hash alone) lists nothing: the names decide
    (out / paths.FINGERPRINT_FILE).write_text("abc\n", encoding="utf-8")
    paths.check_replaceable(out, "output folder", "--output-dir")
