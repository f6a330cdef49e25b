"""Benchmarks of the workbook: a period run against papermill's floor, reruns, many
periods, the helpers at scale, the report in a browser, the KPI sheet check at size.

Run with ``.venv/bin/python -m bench`` (see ``python -m bench --help``): the results
go to ``bench/results/latest.json`` and ``docs/benchmarks.md`` is rendered from them
(``python -m bench.render`` renders it again). One module per section:
:mod:`bench.pipeline` (1-2), :mod:`bench.periods` (3), :mod:`bench.scale` (4),
:mod:`bench.report` (5), :mod:`bench.kpi_rows` (6). Everything runs in temporary
folders; the project's ``data/`` and ``outputs/`` are never written. Not part of the
tests, which check the benchmark's synthetic data instead (tests/test_bench.py).
"""
