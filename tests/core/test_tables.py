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


def test_records_are_to_dicts_own(tmp_path):
    """Every dtype a table holds (numbers, nullable numbers and flags, texts, dates, mixed
    objects), missing or not: the same dicts, the same values of the same types."""
    import math
    from decimal import Decimal

    import numpy as np

    from helpers.core.tables import records

    df = pd.DataFrame(
        {
            "i": np.array([1, 2, 3]),
            "f": [1.5, float("nan"), 2.0],
            "F": pd.array([0.5, None, 3.0], dtype="Float64"),
            "I": pd.array([1, None, 3], dtype="Int64"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "s": pd.array(["a", None, "c"], dtype="string"),
            "o": pd.Series([np.int64(3), "x", None], dtype=object),
            "g": pd.Series([np.float32(1.5), np.bool_(True), Decimal("2.5")], dtype=object),
            "d": pd.to_datetime(["2020-01-01", None, "2021-03-31"]),
        }
    )
    want, got = df.to_dict("records"), records(df)
    assert len(got) == len(want) == 3
    for w, g in zip(want, got, strict=True):
        assert list(w) == list(g)
        for k in w:
            assert type(w[k]) is type(g[k]), k
            same_nan = isinstance(w[k], float) and math.isnan(w[k]) and math.isnan(g[k])
            assert same_nan or w[k] is g[k] or w[k] == g[k] or (pd.isna(w[k]) and pd.isna(g[k])), k
    assert records(pd.DataFrame(index=[0, 1])) == [{}, {}]
    assert records(df.iloc[:0]) == []
