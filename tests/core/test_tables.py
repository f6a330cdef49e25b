"""Tables written for code (processed CSVs): exact texts, numbers without float noise."""

from __future__ import annotations

import pandas as pd

from helpers.core import tables


def test_write_csv_round_trip(tmp_path):

    df = pd.DataFrame({"a": [1.0, None], "b": ["x", "y"]})
    tables.write_csv(df, tmp_path / "t.csv", bom=True)
    assert (tmp_path / "t.csv").read_bytes() == "\ufeffa,b\n1,x\n,y\n".encode()
