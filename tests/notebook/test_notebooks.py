"""The notebooks: committed without outputs, one typed and commented parameters cell each,
Japanese headings and prose, short code cells."""

import json
import re

import nbformat
import pytest
from papermill import inspect_notebook

from helpers.core import paths

NOTEBOOKS = ["01_clean", "02_analyze", "03_report"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: three English words in a row, outside `code`: English prose
ENGLISH_PROSE = re.compile(r"[A-Za-z]+[ ,]+[A-Za-z]+[ ,]+[A-Za-z]+")


def _read(name: str):
    return nbformat.read(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"), as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_japanese_title_and_purpose_then_the_parameters(name):
    nb = _read(name)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    title, _, rest = first.source.partition("\n")
    assert title.startswith(f"# {name[:2]} ") and JAPANESE.search(title)
    purpose = rest.strip().split("\n")[0]
    assert purpose.endswith("。") and JAPANESE.search(purpose)
    assert "parameters" in nb.cells[1].metadata.get("tags", [])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_headings_are_japanese_questions_and_the_prose_is_japanese(name):
    nb = _read(name)
    prose = [c.source for c in nb.cells if c.cell_type == "markdown"]
    h2 = [line for text in prose for line in text.splitlines() if line.startswith("## ")]
    assert len(h2) >= 3
    for heading in h2:
        assert JAPANESE.search(heading) and "？" in heading, heading
    for text in prose:
        plain = re.sub(r"`[^`]*`", "", text)
        assert not ENGLISH_PROSE.search(plain), plain
        for word in ("papermill", "helpers.", "help-notebook", "DataFrame"):
            assert word not in text, (word, text)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_code_cells_are_short_calls(name):
    for cell in _read(name).cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            assert len(cell.source.splitlines()) <= 12, cell.source


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
    assert {n: p["inferred_type_name"] for n, p in params.items()} == {
        "plan": "str",
        "period": "str",
        "data_dir": "str",
        "output_dir": "str",
        "processed_dir": "str",
        "period_output_dir": "str",
        "run_by_pipeline": "bool",
    }
    for p in params.values():
        assert JAPANESE.search(p["help"]), f"{p['name']} needs a comment in Japanese"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_do_not_hard_code_relative_data_paths(name):
    text = (paths.NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8")
    assert "../data" not in text and "../outputs" not in text


def test_report_notebook_tags_its_sections():
    nb = nbformat.read(str(paths.NOTEBOOKS_DIR / "03_report.ipynb"), as_version=4)
    assert sum("report" in c.metadata.get("tags", []) for c in nb.cells) >= 8
