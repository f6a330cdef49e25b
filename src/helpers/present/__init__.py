"""Stage 4b, present: what readers see.

Charts and fonts, the notebooks' tables, the report and index HTML with their
templates, rendering and sanitising, the reader CSV/xlsx, and the PDF (with the
one Chromium launcher). A sibling of cycle. Imports analysis and below.
"""
