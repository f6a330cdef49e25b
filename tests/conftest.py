"""Shared fixtures: one end-to-end run of the real data in a temporary folder (places and copies: ``support``)."""

from __future__ import annotations

import os
import sys

import pytest

# jsonschema (imported by nbformat) builds an RFC 3987 grammar with lark when it is
# imported, for "iri" formats that notebook validation never checks: about 6 s of every
# test run's collection. The pipeline skips it the same way (run.pipeline._skip_rfc3987).
sys.modules.setdefault("rfc3987_syntax", None)
from support import PLAN, copy_raw  # noqa: E402

# This process warns on an open without an encoding (make test sets the variable; pyproject
# turns the warning into an error for the workbook's code). The kernels and programs the
# tests start do not inherit it: a library's warning must not show in an executed notebook.
os.environ.pop("PYTHONWARNDEFAULTENCODING", None)


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory):
    """Run 2018-03 end to end once (papermill, three notebooks, HTML export) in a temp folder."""
    from helpers.run.pipeline import run_period

    root = tmp_path_factory.mktemp("e2e")
    data = copy_raw(root / "data")
    out = root / "outputs"
    logs: list[str] = []
    result = run_period("2018-03", data, out, force=True, log=logs.append)
    return {
        "data": data,
        "out": out,
        "period_dir": out / PLAN / "2018-03",
        "result": result,
        "log": logs,
    }
