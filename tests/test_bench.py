"""The benchmark's correctness checks (moved out of the timed runs): its synthetic data
is valid and the fast paths it times give the reference results; results survive JSON.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from helpers.core import paths

sys.path.insert(0, str(paths.PROJ_ROOT))  # the bench package lives beside src/

from bench import kpi_rows, periods, render, scale  # noqa: E402
from bench.common import Sample  # noqa: E402
from bench.results import dumps, load, save  # noqa: E402


def test_cleaning_step_recovers_the_synthetic_values():
    small = scale.synthetic_indicators(2_000, seed=2)
    parsed = scale.clean_rows(scale.texts_of(small))
    vals = np.array([np.nan if r[0] is None else r[0] for r in parsed])
    ref = small["value"].to_numpy(np.float64, na_value=np.nan)
    assert (np.isnan(ref) | (vals == ref)).all()
    assert scale.clean_rows_dedup(scale.texts_of(small)) == parsed


def test_synthetic_periods_clean_with_their_varied_numbers(tmp_path):
    from helpers.ingest.clean import clean_period

    made = periods.synthetic_periods(tmp_path, 3)
    assert made == ["2016-03", "2017-03", "2018-03"]
    for pid in made:
        k = 2018 - int(pid[:4])
        ind = clean_period(pid, tmp_path, write=False).indicators.set_index("kpi_id")
        want = {"1-1": 9718 - 37 * k, "8-1": (340 - 2 * k) * 10_000, "10-1": 980 - 3 * k}
        for kpi, v in want.items():
            assert float(ind.loc[kpi, "value"]) == v, (pid, kpi)
        assert float(ind.loc["1-1", "prev_value"]) == 9855 - 37 * k


def test_kpi_sheets_of_any_size_pass_the_check(tmp_path):
    from helpers.ingest.clean import clean_period

    data = kpi_rows.make_data_dir(tmp_path, 40)
    ind = clean_period("2018-03", data, write=False).indicators
    assert len(ind) == 40
    assert ind[["item_no", "indicator"]].duplicated().sum() == 0
    _, real = kpi_rows.read_real_sheet()
    assert len(real) == 18 and kpi_rows.sheet_rows(18)[1] == real


def test_results_round_trip_through_json(tmp_path):
    res = {"sections": {"x": {"s": Sample([1.0, 3.0, 2.0]), "nan": math.nan, "top": [(1.5, "a")]}}}
    path = save(res, tmp_path / "r.json")
    back = load(path)
    assert back["schema"] == 1
    assert isinstance(back["sections"]["x"]["s"], Sample)
    assert back["sections"]["x"]["s"].median == 2.0
    assert back["sections"]["x"]["nan"] is None
    assert back["sections"]["x"]["top"] == [[1.5, "a"]]
    assert "NaN" not in dumps(res)


def test_render_kpi_rows_section(tmp_path):
    res = {
        "started": "2026-01-01 00:00 UTC",
        "elapsed": 60.0,
        "quick": True,
        "env": {
            "nproc": "2",
            "cpu": "c",
            "memory": "m",
            "os": "o",
            "python": "3.11",
            "versions": {"pandas": "3"},
            "chromium": "x",
            "loadavg": ["0.1", "0.1", "0.1"],
        },
        "untouched": {"data": [], "code": []},
        "sections": {
            "kpi_rows": {
                "sizes": {
                    18: {
                        "rows": 18,
                        "read_kpi_sheet": Sample([0.01]),
                        "clean_period": Sample([0.02]),
                    },
                    1000: {
                        "rows": 1000,
                        "read_kpi_sheet": Sample([0.5]),
                        "clean_period": Sample([0.6]),
                    },
                }
            }
        },
    }
    save(res, tmp_path / "r.json")
    out = render.render(tmp_path / "r.json", tmp_path / "b.md")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks")
    assert "## 6. The KPI sheet check at size" in text
    assert "| 1,000 | 500 ms | 500 µs | 600 ms | 600 µs | 1 |" in text
    assert "## How to reproduce" in text
