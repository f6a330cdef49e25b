"""Each notebook runs top to bottom with its defaults, as in JupyterLab (no papermill parameters).

The defaults resolve the project's folders through helpers.paths; the test points
them at a temporary copy with REFORM_DATA_DIR / REFORM_OUTPUT_DIR, which the
kernel inherits.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import PLAN, copy_raw
from nbclient import NotebookClient

from helpers import paths
from helpers.tables import read_csv

pytestmark = pytest.mark.e2e


def test_notebooks_run_in_order_with_their_defaults(tmp_path, monkeypatch):
    data = copy_raw(tmp_path / "data")
    out = tmp_path / "outputs"
    monkeypatch.setenv("REFORM_DATA_DIR", str(data))
    monkeypatch.setenv("REFORM_OUTPUT_DIR", str(out))
    for name in ("01_clean", "02_analyze", "03_report"):
        nb = nbformat.read(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"), as_version=4)
        NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}},
        ).execute()
        streams = [
            o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "stream"
        ]
        assert not [o for o in streams if o["name"] == "stderr"], name
        assert "period: 2018-03" in "".join(o["text"] for o in streams), name  # the latest period
    metrics = read_csv(data / "processed" / PLAN / "2018-03" / "metrics.csv")
    assert len(metrics) == 18
    assert (out / PLAN / "2018-03" / "tables" / "tables.xlsx").exists()
    assert (out / PLAN / "2018-03" / "figures" / "status_by_area.png").exists()
