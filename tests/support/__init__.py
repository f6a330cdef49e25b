"""What the tests share: the real raw data's places, copies of it, and git clones of this checkout.

Fixtures built from these live in ``tests/conftest.py``."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from helpers.core import paths

REAL_RAW = paths.PROJ_ROOT / "data" / "raw"
PLAN = "kodaira-3"  # the real plan's folder id
REAL_PLAN = REAL_RAW / PLAN
REPORT_FILE = REAL_PLAN / "2018-03" / "progress_report_H29_end.txt"
KPI_FILE = REAL_PLAN / "2018-03" / "kpi_sheet.csv"
AREAS_FILE = REAL_PLAN / "2017-09" / "progress_areas_H29_9.csv"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# The real source files the tests are built on (their figures are asserted to the digit).
# Only these are copied: an analyst's own next period in data/raw/ must not change the
# suite's answers (a trial added 2018-09 there and twenty tests failed).
SOURCE_FILES = (
    Path(PLAN) / "plan.toml",
    AREAS_FILE.relative_to(REAL_RAW),
    REPORT_FILE.relative_to(REAL_RAW),
    KPI_FILE.relative_to(REAL_RAW),
)


def copy_raw(dest: Path) -> Path:
    """A data folder (raw/ only) holding a copy of the project's real source files."""
    for rel in SOURCE_FILES:
        target = dest / "raw" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REAL_RAW / rel, target)
    return dest


@functools.cache
def source_data() -> Path:
    """One read-only data folder (raw/ only) of the real source files for this test process.

    For tests that only read: they must not read the checkout's own data/ (an analyst's
    extra period there would change their answers)."""
    root = Path(tempfile.mkdtemp(prefix="reform-source-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return copy_raw(root / "data")


def raw_of(data: Path, period: str, plan: str = PLAN) -> Path:
    """``<data>/raw/<plan>/<period>``."""
    return data / "raw" / plan / period


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    if git(repo, "status", "--porcelain"):
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def make_clone(dest: Path) -> Path:
    """A clone of this repository holding the working tree's attributes and notebooks."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "clone", "-q", str(paths.PROJ_ROOT), str(dest)], check=True)
    shutil.copy2(paths.PROJ_ROOT / ".gitattributes", dest / ".gitattributes")
    for nb in paths.NOTEBOOKS_DIR.glob("*.ipynb"):
        shutil.copy2(nb, dest / "notebooks" / nb.name)
    # the clone's raw data: the real source files only (as copy_raw), whatever else the
    # checkout's data/raw holds
    shutil.rmtree(dest / "data" / "raw")
    copy_raw(dest / "data")
    shutil.copy2(REAL_RAW / "README.md", dest / "data" / "raw" / "README.md")
    commit_all(dest, "working tree's notebooks")
    venv = Path(sys.prefix)
    (dest / ".venv").symlink_to(venv, target_is_directory=True)
    with (dest / ".git" / "info" / "exclude").open("a", encoding="utf-8") as f:
        f.write(".venv\n")
    return dest


def set_up_filter(repo: Path) -> str:
    """What ``make install`` runs, from the top of the clone with the clone's .venv."""
    python = repo / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "helpers.run.gitfilter"],
        cwd=repo,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return done.stdout


def add_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Outputs, execution counts and the kernel's details, as a run in JupyterLab leaves them."""
    nb.metadata.language_info = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": "3.11.7",
    }
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=f"結果 {count}\n" * 20),
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/plain": "42", "text/html": "<b>42</b>"},
                    execution_count=count,
                ),
            ]
    return nb


def make_report_args(tmp_path: Path, *settings: str) -> list[str]:
    """The arguments a real `make report` passes to a stand-in for the command."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "reform-workbook"
    # a shell script that runs Python by its quoted path: a `#!` line cannot hold a
    # path with a space (the checkout may lie in "…/行革 ワークブック/")
    stub = bin_dir / "fake_command.py"
    stub.write_text("import json, sys\nprint(json.dumps(sys.argv[1:]))\n", encoding="utf-8")
    fake.write_text(
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(stub))} "$@"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    stamp = tmp_path / "stamp"
    stamp.touch()
    proc = subprocess.run(
        ["make", "-s", "-C", str(paths.PROJ_ROOT), "report", f"BIN={bin_dir}", f"STAMP={stamp}"]
        + list(settings),
        capture_output=True,
        text=True,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("PLAN", "PERIOD", "DATA_DIR", "OUTPUT_DIR", "FORCE", "JOBS", "MAKEFLAGS")
        },
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])
