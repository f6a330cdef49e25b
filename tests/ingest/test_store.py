"""A period's processed tables saved and loaded (helpers.ingest.store) with the schema's dtypes."""

from __future__ import annotations

import pandas as pd
import pytest
from support import PLAN, copy_raw

from helpers.analysis.audit import run_audit
from helpers.analysis.compare import compare_with_previous, load_history, status_counts
from helpers.analysis.history import build_kpi_history
from helpers.analysis.metrics import compute_metrics
from helpers.core import schema
from helpers.ingest.clean import clean_period
from helpers.ingest.store import load_meta, load_table, save_table


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple:
    """Every processed table of 2018-03, computed as the notebooks do and saved."""
    data = copy_raw(tmp_path_factory.mktemp("store") / "data")
    r = clean_period("2018-03", data)  # writes areas, items, indicators, meta
    metrics = compute_metrics(r.indicators)
    history, notes = load_history("2018-03", data)
    area_cmp, item_cmp = compare_with_previous("2018-03", history, r.areas, r.items)
    tables = {
        "areas": r.areas,
        "items": r.items,
        "indicators": r.indicators,
        "metrics": metrics,
        "audit": run_audit(r.areas, r.items, metrics, r.meta),
        "status_counts": status_counts(history),
        "area_comparison": area_cmp,
        "item_comparison": item_cmp,
        "history_notes": pd.DataFrame({"note": notes}, dtype="string"),
        "kpi_history": build_kpi_history("2018-03", history, metrics),
    }
    for name, df in tables.items():
        if name not in ("areas", "items", "indicators"):
            save_table(df, "2018-03", name, data)
    return data, tables


def test_every_table_of_the_schema_is_saved(saved):
    data, tables = saved
    assert set(tables) == set(schema.TABLES)


@pytest.mark.parametrize("name", list(schema.TABLES))
def test_loaded_table_has_the_schema_columns_and_dtypes(saved, name):
    data, tables = saved
    df = load_table("2018-03", name, data)
    assert list(df.columns) == schema.columns(name)
    assert df.dtypes.astype(str).to_dict() == {
        c: str(pd.api.types.pandas_dtype(d)) for c, d in schema.TABLES[name].items()
    }
    # what is loaded is what was computed, typed by the schema
    pd.testing.assert_frame_equal(df, schema.conform(tables[name], name))


def test_real_values_survive_the_round_trip(saved):
    data, _ = saved
    items = load_table("2018-03", "items", data)
    assert items.loc[items["item_no"] == 7, "relisted_as"].item() == "41"
    metrics = load_table("2018-03", "metrics", data).set_index("kpi_id")
    assert metrics.loc["20-1", "change_pt"] == -2.2
    assert metrics.loc["22-3", "met"] is pd.NA  # a missing value is never met
    assert metrics.loc["1-1", "met"] == False  # noqa: E712
    assert load_meta("2018-03", data)["period"] == "2018-03"


def test_save_writes_the_schema_order(tmp_path):
    shuffled = pd.DataFrame({"detail": ["d"], "ok": [True], "actual": ["1"], "expected": ["1"],
                             "scope": ["s"], "check": ["c"]})  # fmt: skip
    path = save_table(shuffled, "2018-03", "audit", tmp_path, plan=PLAN)
    assert path == tmp_path / "processed" / PLAN / "2018-03" / "audit.csv"
    assert path.read_text(encoding="utf-8").splitlines() == [
        "check,scope,expected,actual,ok,detail",
        "c,s,1,1,True,d",
    ]


def test_save_refuses_a_column_outside_the_schema(tmp_path):
    df = pd.DataFrame({"note": ["a"], "comment": ["b"]})
    with pytest.raises(ValueError, match="comment"):
        save_table(df, "2018-03", "history_notes", tmp_path, plan=PLAN)
    assert not (tmp_path / "processed" / PLAN / "2018-03" / "history_notes.csv").exists()


def test_load_of_a_table_not_yet_written(tmp_path):
    with pytest.raises(FileNotFoundError, match="先に 2018-03 の前のノートブックを実行"):
        load_table("2018-03", "metrics", tmp_path, plan=PLAN)
