"""Each notebook runs top to bottom with its defaults, as in JupyterLab (no papermill parameters),
and alone, for any period with raw data; an unknown period stops it with one Japanese line.

The defaults resolve the project's folders through helpers.core.paths; the tests point
them at a temporary copy with REFORM_DATA_DIR / REFORM_OUTPUT_DIR, which the
kernel inherits.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from support import PLAN, copy_raw

from helpers.core import paths
from helpers.core.tables import read_csv
from helpers.run.pipeline import is_up_to_date

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: a Python object's repr shown as a result (RawFiles(report=PosixPath(...)), {...}, [...])
REPR = re.compile(r"^\s*(\w+\(|PosixPath|WindowsPath|\{|\[|<\w)")


@pytest.fixture
def folders(tmp_path, monkeypatch):
    data = copy_raw(tmp_path / "data")
    out = tmp_path / "outputs"
    monkeypatch.setenv("REFORM_DATA_DIR", str(data))
    monkeypatch.setenv("REFORM_OUTPUT_DIR", str(out))
    return data, out


def run_notebook(name: str, period: str = "", *, fails: bool = False) -> nbformat.NotebookNode:
    """Execute a notebook as JupyterLab's "run all" does, with ``period`` typed into its cell.

    With ``fails``, the run must stop at a cell (as "run all" does at an error).
    """
    nb = nbformat.read(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"), as_version=4)
    if period:
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = cell.source.replace('period: str = ""', f'period: str = "{period}"')
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}},
    )
    if fails:
        with pytest.raises(CellExecutionError):
            client.execute()
    else:
        client.execute()
    return nb


def outputs(nb, kind: str | None = None) -> list:
    return [
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if kind is None or o["output_type"] == kind
    ]


def stdout(nb) -> str:
    return "".join(o["text"] for o in outputs(nb, "stream") if o["name"] == "stdout")


def check_readable(nb, name: str) -> None:
    """No error, no stderr, and every result drawn for a reader (no bare repr)."""
    assert not outputs(nb, "error"), name
    assert not [o for o in outputs(nb, "stream") if o["name"] == "stderr"], name
    for o in outputs(nb, "execute_result"):
        data = o["data"]
        assert "text/html" in data or "image/png" in data, (name, data)
        assert not REPR.match(data.get("text/plain", "")), (name, data["text/plain"][:200])


def test_notebooks_run_in_order_with_their_defaults(folders):
    data, out = folders
    for name in ("01_clean", "02_analyze", "03_report"):
        nb = run_notebook(name)
        check_readable(nb, name)
        assert "期間: 平成29年度末（2018-03）" in stdout(nb), name  # the latest period
        # each finds what the one before wrote
        assert "01_clean と同じ処理" not in stdout(nb), name
        assert "02_analyze と同じ処理" not in stdout(nb), name
        if name == "02_analyze":  # all four charts, each under its caption
            assert len(outputs(nb, "display_data")) == 8
            assert sum("image/png" in o["data"] for o in outputs(nb, "display_data")) == 4
    metrics = read_csv(data / "processed" / PLAN / "2018-03" / "metrics.csv")
    assert len(metrics) == 18
    period_dir = out / PLAN / "2018-03"
    assert (period_dir / "tables" / "tables.xlsx").exists()
    assert (period_dir / "figures" / "status_by_area.png").exists()
    # 03 wrote the report as make report does: the next run finds the period up to date
    assert "書き出しました" in stdout(nb)
    assert (period_dir / "report.html").is_file() and (out / "index.html").is_file()
    assert (period_dir / "notebooks" / "03_report.ipynb").is_file()
    assert is_up_to_date("2018-03", data, out, plan=PLAN)


def test_the_report_notebook_alone_for_an_earlier_period(folders):
    """03 for 2017-09 in a fresh copy: it builds 01's and 02's results first, and says so."""
    data, out = folders
    nb = run_notebook("03_report", "2017-09")
    check_readable(nb, "03_report")
    said = stdout(nb)
    assert "期間: 平成29年9月末（2017-09）" in said
    assert "01_clean と同じ処理" in said and "02_analyze と同じ処理" in said
    assert (out / PLAN / "2017-09" / "report.html").is_file()
    assert is_up_to_date("2017-09", data, out, plan=PLAN)
    assert not (out / PLAN / "2018-03").exists()  # only the period asked for


@pytest.mark.parametrize("name", ["01_clean", "02_analyze", "03_report"])
def test_an_unknown_period_stops_the_notebook_with_one_japanese_line(folders, name):
    data, out = folders
    nb = run_notebook(name, "2030-03", fails=True)
    errors = outputs(nb, "error")
    assert len(errors) == 1 and errors[0]["ename"] == "NotebookStop"
    shown = [ANSI.sub("", line) for line in errors[0]["traceback"]]
    assert len(shown) == 1 and "Traceback" not in shown[0]
    assert shown[0].startswith("第3次行財政再構築プラン（kodaira-3）には 2030-03（令和11年度末）")
    assert "2017-09（平成29年9月末）、2018-03（平成29年度末）" in shown[0]
    assert not (data / "processed" / PLAN / "2030-03").exists()
    assert not (out / PLAN / "2030-03").exists()


def test_papermill_sees_a_stopped_notebook_as_failed(folders, tmp_path):
    from papermill import execute_notebook
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as failed:
        execute_notebook(
            str(paths.NOTEBOOKS_DIR / "02_analyze.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"period": "2018-13"},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(paths.NOTEBOOKS_DIR),
        )
    assert failed.value.ename == "NotebookStop"
    assert "期間「2018-13」を読み取れません" in failed.value.evalue


def test_the_pipeline_exports_once(e2e_run):
    """Run by the pipeline, 03 leaves the export to it (no second run from inside the notebook)."""
    executed = nbformat.read(str(e2e_run["period_dir"] / "notebooks" / "03_report.ipynb"), 4)
    said = stdout(executed)
    assert "パイプラインが書き出します" in said
    assert "書き出しています" not in said
    assert sum("report.html" in line for line in e2e_run["log"]) == 2  # the step, and the end
