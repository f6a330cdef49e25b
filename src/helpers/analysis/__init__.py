"""Stage 3, analysis: what the processed tables say.

Metrics (changes, achievement), the audit within a period and across periods,
the comparison with the last period, the KPI history and pace, and the
Japanese sentences. Imports core and ingest.
"""
