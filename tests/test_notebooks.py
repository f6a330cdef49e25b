"""The notebooks: committed without outputs, one typed and commented parameters cell each."""

import json

import nbformat
import pytest
from papermill import inspect_notebook

from helpers import paths

NOTEBOOKS = ["01_clean", "02_analyze", "03_report"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name):
    nb = json.loads((paths.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == []
            assert cell.get("execution_count") is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_one_parameters_cell_with_typed_commented_defaults(name):
    nb = nbformat.read(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    params = inspect_notebook(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"))
    assert set(params) == {
        "plan",
        "period",
        "data_dir",
        "output_dir",
        "processed_dir",
        "period_output_dir",
    }
    for p in params.values():
        assert p["inferred_type_name"] == "str"
        assert p["help"], f"{p['name']} needs a comment"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_do_not_hard_code_relative_data_paths(name):
    text = (paths.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8")
    assert "../data" not in text and "../outputs" not in text


def test_report_notebook_tags_its_sections():
    nb = nbformat.read(str(paths.NOTEBOOKS_DIR / "03_report.ipynb"), as_version=4)
    assert sum("report" in c.metadata.get("tags", []) for c in nb.cells) >= 8
