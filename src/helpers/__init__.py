"""Helpers for the reform-plan progress workbook (行財政改革 進捗状況ワークブック).

One concern per module:

- ``paths``: where raw data, processed data and outputs live.
- ``errors``: the exceptions raised for bad input, with file and line.
- ``periods``: period ids (``YYYY-MM``) and their Japanese labels.
- ``jpnum``: Japanese numbers, amounts, targets and changes.
- ``textnorm``: width and whitespace normalisation of PDF text.
- ``ingest.report``: the published progress report (text from its PDF), one module for each part it reads.
- ``area_table``: per-area status tables in CSV.
- ``kpi_sheet``: the analysts' KPI sheet, checked against the report.
- ``clean``: one period's raw files to processed tables.
- ``metrics``, ``audit``, ``compare``: the analysis.
- ``charts``, ``fonts``, ``narrative``, ``render``, ``export``: the report.
- ``pipeline``, ``cli``: running a period end to end.
"""

__version__ = "0.1.0"
