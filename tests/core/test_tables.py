"""Tables written for code (processed CSVs): exact texts, numbers without float noise."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import tables


def test_write_csv_round_trip(tmp_path):

    df = pd.DataFrame({"a": [1.0, None], "b": ["x", "y"]})
    tables.write_csv(df, tmp_path / "t.csv", bom=True)
    assert (tmp_path / "t.csv").read_bytes() == "\ufeffa,b\n1,x\n,y\n".encode()


def test_a_file_of_the_workbooks_is_read_within_its_bound(tmp_path):
    """summary.json, .fingerprint, tables read back: a huge file in their place is refused, unread."""
    from helpers.core.errors import InputError
    from helpers.core.tables import read_json, read_own

    p = tmp_path / "summary.json"
    p.write_bytes(b'{"a": 1}')
    assert read_own(p, limit=8) == b'{"a": 1}' and read_json(p) == {"a": 1}
    p.write_bytes(b" " * 9)
    with pytest.raises(InputError, match="大きすぎます"):
        read_own(p, limit=8)
