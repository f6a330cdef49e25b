"""Notebook outputs never reach a commit: the nbstripout filter as ``make install`` sets it up.

Each test works in a fresh ``git clone`` of this repository (with the working tree's
``.gitattributes`` and notebooks), whose ``.venv`` is a link to this project's, and
sets the filter up as ``make install`` does: ``.venv/bin/python -m helpers.run.gitfilter``
run at the top of the clone.
"""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest
from support import add_outputs, git, make_clone, set_up_filter

from helpers.core import paths
from helpers.run import gitfilter

NOTEBOOK = "notebooks/01_clean.ipynb"


@pytest.fixture
def clone(tmp_path):
    repo = make_clone(tmp_path / "clone")
    message = set_up_filter(repo)
    assert "設定しました" in message
    return repo


@pytest.mark.slow  # a git clone of this checkout and nbstripout runs
def test_the_filter_is_configured_relative_to_the_clone(clone):
    clean = git(clone, "config", "--get", "filter.nbstripout.clean").strip()
    assert clean == '".venv/bin/python" -m nbstripout --keep-id'
    assert git(clone, "config", "--get", "filter.nbstripout.required").strip() == "true"
    assert git(clone, "check-attr", "filter", "--", NOTEBOOK).strip().endswith("nbstripout")
    assert git(clone, "status", "--porcelain") == ""  # setting up changes no tracked file


@pytest.mark.slow  # a git clone of this checkout and nbstripout runs
def test_committed_notebooks_pass_through_the_filter_unchanged():
    """Otherwise every notebook would show as changed the moment the filter is set up."""
    for nb in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        stripped = subprocess.run(
            [sys.executable, "-m", "nbstripout", "--keep-id", "-t", str(nb)]
            + ["--extra-keys", gitfilter.EXTRA_KEYS],
            capture_output=True,
            check=True,
        ).stdout
        assert stripped == nb.read_bytes(), f"{nb.name} is not as the filter leaves it"


@pytest.mark.slow  # a git clone of this checkout and nbstripout runs
def test_saved_from_jupyter_with_outputs_shows_no_change(clone):
    """A save through Jupyter's contents manager (what JupyterLab's Ctrl+S does) with the hook."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    cm = FileContentsManager(root_dir=str(clone), post_save_hook="helpers.run.gitfilter.post_save")
    model = cm.get(NOTEBOOK)
    before = (clone / NOTEBOOK).stat().st_size
    model["content"] = add_outputs(model["content"])
    cm.save(model, NOTEBOOK)
    assert (clone / NOTEBOOK).stat().st_size > before + 1000  # the outputs are in the file
    assert '"execution_count": 1' in (clone / NOTEBOOK).read_text(encoding="utf-8")
    assert git(clone, "status", "--porcelain") == ""
    assert git(clone, "diff") == ""
    assert git(clone, "diff", "--stat") == ""


@pytest.mark.slow  # a git clone of this checkout and nbstripout runs
def test_written_with_outputs_then_set_up_shows_no_change(clone):
    """A notebook saved with outputs before ``make install`` is not listed after it."""
    path = clone / NOTEBOOK
    nbformat.write(add_outputs(nbformat.read(path, as_version=4)), path)
    set_up_filter(clone)
    assert git(clone, "status", "--porcelain") == ""
    assert git(clone, "diff") == ""


@pytest.mark.slow  # a git clone of this checkout and nbstripout runs
def test_a_real_change_still_shows_and_commits_without_outputs(clone):
    path = clone / NOTEBOOK
    nb = add_outputs(nbformat.read(path, as_version=4))
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\n# 追加した行"
    nbformat.write(nb, path)
    gitfilter.post_save(os_path=str(path))
    assert git(clone, "status", "--porcelain") == f" M {NOTEBOOK}\n"
    diff = git(clone, "diff")
    assert "# 追加した行" in diff
    assert "結果 1" not in diff and 'execution_count": 1' not in diff
    git(clone, "add", NOTEBOOK)
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "edit")
    committed = nbformat.reads(git(clone, "show", f"HEAD:{NOTEBOOK}"), as_version=4)
    assert any("# 追加した行" in c.source for c in committed.cells)
    for cell in committed.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # the file on disk keeps its outputs for the analyst
    assert "結果 1" in path.read_text(encoding="utf-8")
    assert git(clone, "status", "--porcelain") == ""


@pytest.mark.slow  # a git clone of this checkout and nbstripout runs
def test_forgetting_the_size_stages_nothing(clone):
    path = clone / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n追記"
    nbformat.write(nb, path)
    git(clone, "add", NOTEBOOK)
    staged = git(clone, "diff", "--cached")
    nbformat.write(add_outputs(nb), path)
    assert gitfilter.forget_stat(clone, ["*.ipynb"]) == len(
        list(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
    )
    assert git(clone, "diff", "--cached") == staged
    assert git(clone, "status", "--porcelain") == f"M  {NOTEBOOK}\n"


def test_post_save_ignores_other_files_and_folders_outside_git(tmp_path):
    gitfilter.post_save(os_path=str(tmp_path / "x.txt"))
    gitfilter.post_save(os_path=str(tmp_path / "x.ipynb"))  # not in a checkout: nothing, no error
    assert list(tmp_path.iterdir()) == []


def test_not_a_git_checkout_only_notes(tmp_path):
    """A downloaded zip: the set-up goes on, says why there is no filter, and writes nothing."""
    folder = tmp_path / "reform-workbook-main"
    folder.mkdir()
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "helpers.run.gitfilter"],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("注意:") and "最上位ではありません" in done.stdout
    assert list(folder.iterdir()) == []


def test_a_project_inside_another_repository_leaves_that_repository_alone(tmp_path):
    outer = tmp_path / "home"
    outer.mkdir()
    git(outer, "init", "-q")
    project = outer / "reform-workbook"
    project.mkdir()
    message = gitfilter.install(project)
    assert message.startswith("注意:")
    assert git(outer, "config", "--get", "filter.nbstripout.clean", check=False) == ""


def test_no_git_program_only_notes(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on PATH
    assert gitfilter.install(tmp_path).startswith("注意:")
