"""Stage 4a, cycle: the half-year cycle's tools, new-period and draft-kpis.

A sibling of present: the two never import each other. Imports analysis and below.
"""
