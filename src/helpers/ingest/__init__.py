"""Stage 2, ingest: reading what the city publishes and the analysts' sheet.

Raw files as received, the progress report (``report/``: title and summary, the
area table, the item lists, each row's cells), the per-area table, the KPI sheet
(CSV and xlsx, its rows and its figures checked against the report), the plan
named by the sources' titles, cleaning a period into processed tables, and the
processed-table store. Imports only core.
"""
