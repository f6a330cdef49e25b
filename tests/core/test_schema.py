"""The processed tables' schema (helpers.core.schema): columns, order, dtypes, the missing-value test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.core import schema
from helpers.core.tables import write_csv
from helpers.ingest import kpi_sheet


def test_every_table_has_unique_columns_and_known_dtypes():
    allowed = {schema.INT, schema.NULLABLE_INT, schema.FLOAT, schema.BOOL, schema.TEXT}
    for name, cols in schema.TABLES.items():
        assert cols, name
        assert len(set(cols)) == len(cols), name
        assert set(cols.values()) <= allowed, name
        for dtype in cols.values():
            pd.api.types.pandas_dtype(dtype)  # a dtype pandas knows


def test_column_lists_are_the_tables():
    assert schema.AREA_COLUMNS == schema.columns("areas")
    assert schema.ITEM_COLUMNS == schema.columns("items")
    assert schema.INDICATOR_COLUMNS == schema.columns("indicators")
    assert schema.AUDIT_COLUMNS == ["check", "scope", "expected", "actual", "ok", "detail"]
    # metrics = the indicators, then the metric columns
    assert schema.columns("metrics") == schema.INDICATOR_COLUMNS + schema.METRIC_COLUMNS
    assert schema.METRIC_COLUMNS[: len(schema.METRIC_NUMBER_COLUMNS)] == list(
        schema.METRIC_NUMBER_COLUMNS
    )
    for col in schema.NUMBER_COLUMNS + schema.METRIC_NUMBER_COLUMNS:
        assert schema.METRICS[col] == "Float64", col


def test_kpi_sheet_uses_the_schemas_lists():
    # one definition: kpi_sheet imports the lists, it does not copy them
    assert kpi_sheet.INDICATOR_COLUMNS is schema.INDICATOR_COLUMNS
    assert kpi_sheet.NUMBER_COLUMNS is schema.NUMBER_COLUMNS


def test_data_contract_columns_are_present():
    # the columns DESIGN.md promises to users (more may be added)
    contract = {
        "areas": "area_no area_name items S A B",
        "items": "item_no item_name area_no status relisted_as progress causes next_steps",
        "indicators": "item_no indicator unit value value_text approx prev_value prev_text "
        "prev_derived target_kind target_low target_high target_text direction source_quote",
        "metrics": "change_abs change_pct change_pt achievement_pct gap met trend",
        "audit": "check expected actual ok detail",
    }
    for name, cols in contract.items():
        assert set(cols.split()) <= set(schema.columns(name)), name


def test_unknown_table_is_named():
    with pytest.raises(KeyError, match="no processed table named 'area'"):
        schema.columns("area")


@pytest.mark.parametrize(
    "value", [None, pd.NA, float("nan"), np.nan, np.float64("nan"), pd.NaT, pd.array([None], dtype="Float64")[0]]
)  # fmt: skip
def test_is_missing(value):
    assert schema.is_missing(value) is True


@pytest.mark.parametrize("value", [0, 0.0, False, "", "nan", "未算出", "—", [], [None], {}])
def test_is_not_missing(value):
    # zero, False and any text are values; containers are not scalars
    assert schema.is_missing(value) is False


def test_conform_orders_and_types():
    df = pd.DataFrame(
        {
            "detail": ["d", None],
            "ok": [True, None],
            "actual": ["1", "2"],
            "expected": ["1", "3"],
            "scope": ["s", "s"],
            "check": ["c", "c"],
        }
    )
    out = schema.conform(df, "audit")
    assert list(out.columns) == schema.AUDIT_COLUMNS
    assert out.dtypes.astype(str).to_dict() == {
        "check": "str",
        "scope": "str",
        "expected": "str",
        "actual": "str",
        "ok": "boolean",
        "detail": "str",
    }
    assert out["ok"].isna().tolist() == [False, True]
    assert schema.is_missing(out.loc[1, "detail"])


def test_conform_refuses_a_column_missing_or_unlisted():
    df = pd.DataFrame({"note": ["a"], "extra": [1]})
    with pytest.raises(ValueError, match=r"not in the schema \['extra'\]"):
        schema.conform(df, "history_notes")
    with pytest.raises(ValueError, match=r"missing \['note'\]"):
        schema.conform(pd.DataFrame({"x": [1]}), "history_notes")


def test_frame_without_rows_is_typed():
    df = schema.frame([], "metrics")
    assert len(df) == 0
    assert list(df.columns) == schema.columns("metrics")
    assert df.dtypes.astype(str).to_dict() == {
        c: str(pd.api.types.pandas_dtype(d)) for c, d in schema.METRICS.items()
    }


def test_frame_fills_absent_keys_with_na():
    df = schema.frame([{"item_no": 1, "area_no": 1}], "items")
    assert df.loc[0, "item_no"] == 1
    assert all(schema.is_missing(df.loc[0, c]) for c in schema.ITEM_COLUMNS[3:])
    assert str(df["source_line"].dtype) == "Int64"


def test_read_table_round_trip(tmp_path):
    items = schema.frame(
        [
            {"item_no": 7, "item_name": "x", "area_no": 1, "status": "S", "relisted_as": "41",
             "source_line": 120},
            {"item_no": 8, "area_no": 1, "status": None, "relisted_as": "7,41"},
        ],
        "items",
    )  # fmt: skip
    path = write_csv(items, tmp_path / "items.csv")
    back = schema.read_table(path, "items")
    pd.testing.assert_frame_equal(back, items)
    # a list of item numbers stays text: "41", not 41.0
    assert back.loc[0, "relisted_as"] == "41"


def test_read_table_keeps_flags_and_missing_numbers(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(
        "check,scope,expected,actual,ok,detail\nc,s,7,7,True,\nc,s,≤ 2,3,False,d\n",
        encoding="utf-8",
    )
    df = schema.read_table(path, "audit")
    assert df["ok"].tolist() == [True, False]
    assert df["expected"].tolist() == ["7", "≤ 2"]  # text even where every value is a number
    assert schema.is_missing(df.loc[0, "detail"])


def test_read_table_refuses_other_columns(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text("check,ok\nc,True\n", encoding="utf-8")
    with pytest.raises(ValueError, match="audit.csv: columns .* rerun the period"):
        schema.read_table(path, "audit")
