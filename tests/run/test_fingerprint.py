"""The run fingerprint: what a run depends on, and nothing else."""

from __future__ import annotations

import importlib.metadata
import shutil
import sys

import pytest
from support import PLAN, copy_raw

from helpers.core import paths
from helpers.run import fingerprint
from helpers.run.fingerprint import library_versions, run_fingerprint


@pytest.fixture
def setup(tmp_path, monkeypatch):
    data = copy_raw(tmp_path / "data")
    nb_dir = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, nb_dir, ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nb_dir)
    return data, nb_dir, tmp_path / "out"


def test_library_versions_are_the_installed_run_dependencies():
    versions = library_versions()
    for name in ("pandas", "matplotlib", "papermill", "nbconvert", "numpy", "reform-workbook"):
        assert versions[name] == importlib.metadata.version(name), name
    # the editor and the dev tools do not change what a run makes
    for name in ("jupyterlab", "pytest", "ruff", "playwright"):
        assert name not in versions, name


def test_a_library_upgrade_changes_the_fingerprint(setup, monkeypatch):
    data, _, out = setup
    before = run_fingerprint("2018-03", data, out)
    upgraded = library_versions() | {"pandas": "99.0"}
    monkeypatch.setattr(fingerprint, "library_versions", lambda: upgraded)
    assert run_fingerprint("2018-03", data, out) != before


def test_another_python_changes_the_fingerprint(setup, monkeypatch):
    data, _, out = setup
    before = run_fingerprint("2018-03", data, out)
    monkeypatch.setattr(sys, "version", "3.99.0 (other build)")
    assert run_fingerprint("2018-03", data, out) != before


def test_checkpoints_and_other_files_beside_the_notebooks_do_not_count(setup):
    data, nb_dir, out = setup
    before = run_fingerprint("2018-03", data, out)
    checkpoints = nb_dir / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "01_clean-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    (nb_dir / "notes.txt").write_text("draft", encoding="utf-8")
    (nb_dir / "scratch").mkdir()
    (nb_dir / "scratch" / "try.ipynb").write_text("{}", encoding="utf-8")
    assert run_fingerprint("2018-03", data, out) == before
    assert [p.name for p in fingerprint.notebook_files()] == [
        "01_clean.ipynb",
        "02_analyze.ipynb",
        "03_report.ipynb",
    ]


def test_an_edited_notebook_or_raw_file_changes_the_fingerprint(setup):
    data, nb_dir, out = setup
    before = run_fingerprint("2018-03", data, out)
    nb = nb_dir / "02_analyze.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("show(", "show (", 1), encoding="utf-8")
    edited = run_fingerprint("2018-03", data, out)
    assert edited != before
    kpi = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    kpi.write_bytes(kpi.read_bytes() + b"\n")
    assert run_fingerprint("2018-03", data, out) != edited


def test_a_notebook_saved_with_outputs_in_jupyterlab_does_not_count(setup):
    """Running and saving a notebook in JupyterLab changes its file, not what a run does."""
    import nbformat
    from support import add_outputs

    data, nb_dir, out = setup
    before = run_fingerprint("2018-03", data, out)
    nb_file = nb_dir / "01_clean.ipynb"
    nb = add_outputs(nbformat.read(str(nb_file), as_version=4))
    nbformat.write(nb, str(nb_file))
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert run_fingerprint("2018-03", data, out) == before
    nb.cells[0].metadata["tags"] = ["report"]  # a tag changes what a run does
    nbformat.write(nb, str(nb_file))
    assert run_fingerprint("2018-03", data, out) != before
