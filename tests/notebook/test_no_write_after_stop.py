"""No write after a stop: in a kernel that ran 03 for 2017-09, typing a period without raw data
(2031-03) and running all, all below or cell by cell changes no file under outputs/ (nor data/processed/)."""

from __future__ import annotations

import hashlib

import nbformat
import pytest
from nbclient import NotebookClient
from support import copy_raw

from helpers.core import paths

pytestmark = pytest.mark.e2e


def _tree(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _set_period(nb, period: str) -> int:
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nb.cells[index]
    cell.source = cell.source.replace('period: str = ""', f'period: str = "{period}"')
    if f'period: str = "{period}"' not in cell.source:
        cell.source = cell.source.replace('period: str = "2017-09"', f'period: str = "{period}"')
    return index


def _errors(cell) -> list[str]:
    return [o.get("evalue", "") for o in cell.get("outputs", []) if o["output_type"] == "error"]


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    data = copy_raw(tmp_path / "data")
    out = tmp_path / "outputs"
    monkeypatch.setenv("REFORM_DATA_DIR", str(data))
    monkeypatch.setenv("REFORM_OUTPUT_DIR", str(out))
    nb = nbformat.read(str(paths.NOTEBOOKS_DIR / "03_report.ipynb"), as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}},
    )
    with client.setup_kernel():
        yield client, nb, data, out


def _run(client, nb, indexes, *, stop_at_error: bool) -> None:
    for i in indexes:
        cell = nb.cells[i]
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        client.execute_cell(cell, i)
        if stop_at_error and _errors(cell):
            return


def test_after_a_stop_no_cell_writes_whatever_the_kernel_holds(kernel):
    client, nb, data, out = kernel
    params = _set_period(nb, "2017-09")
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    _run(client, nb, code, stop_at_error=True)
    assert not [e for c in nb.cells for e in _errors(c)], "2017-09 runs"
    assert (out / "kodaira-3" / "2017-09" / "tables" / "tables.xlsx").is_file()
    before = (_tree(out), _tree(data / "processed"))

    _set_period(nb, "2031-03")
    first = code[code.index(params) + 1]  # the cell that opens the period
    below = [i for i in code if i > first]

    # Run All: the first cell stops with one Japanese line; nothing below runs
    _run(client, nb, code, stop_at_error=True)
    assert any("2031-03" in e for e in _errors(nb.cells[first]))
    assert (_tree(out), _tree(data / "processed")) == before

    # the parameters cell, then Run All Below from the cell after the first one
    _run(client, nb, [params, *below], stop_at_error=False)
    assert (_tree(out), _tree(data / "processed")) == before
    refused = [e for i in below for e in _errors(nb.cells[i]) if "何も書き出しません" in e]
    assert refused, "the writing cells refuse, naming the stop"

    # cell by cell, every error ignored
    _run(client, nb, code, stop_at_error=False)
    assert (_tree(out), _tree(data / "processed")) == before

    # a first cell that succeeds again lets the notebook write
    _set_period(nb, "2018-03")
    nb.cells[params].source = nb.cells[params].source.replace(
        'period: str = "2031-03"', 'period: str = "2018-03"'
    )
    _run(client, nb, [params, first, *below[:2]], stop_at_error=True)
    assert not _errors(nb.cells[first])
