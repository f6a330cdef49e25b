"""The code's shape: stage folders that import only downward (docs/architecture.md)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.core import paths

STAGES = ("core", "ingest", "analysis", "cycle", "present", "run")
PACKAGE = paths.PACKAGE_DIR


def _modules(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if p.name != "__init__.py"]


def _own_imports_in_functions() -> list[str]:
    """Imports of the package's own modules made inside a function."""
    found = []
    for path in _modules(PACKAGE):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    own = (inner.module or "").startswith("helpers") or inner.level > 0
                elif isinstance(inner, ast.Import):
                    own = any(a.name.startswith("helpers") for a in inner.names)
                else:
                    continue
                if own:
                    found.append(f"{path.relative_to(PACKAGE)}:{inner.lineno}")
    return found


def test_every_module_lies_in_a_stage_folder():
    loose = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "notebook.py")
    )
    assert loose == []
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file()


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_holds_about_ten_modules(stage):
    top = [p for p in (PACKAGE / stage).glob("*.py") if p.name != "__init__.py"]
    subpackages = [p for p in (PACKAGE / stage).iterdir() if (p / "__init__.py").is_file()]
    # 13: core holds the message catalogue (messages.py) beside its twelve concepts
    assert len(top) + len(subpackages) <= 13, sorted(p.name for p in top)


def test_at_most_five_imports_of_own_modules_inside_functions():
    assert len(_own_imports_in_functions()) <= 5, _own_imports_in_functions()


def test_the_layer_contract_holds():
    """import-linter's layers contract (pyproject.toml), as make lint runs it."""
    exe = Path(sys.executable).parent / "lint-imports"
    if not exe.exists() and shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [str(exe) if exe.exists() else "lint-imports"],
        cwd=paths.PROJ_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
