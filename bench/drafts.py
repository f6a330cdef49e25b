"""draft-kpis measured on the real report: how many drafted texts equal the analysts' sheet.

Not a timing: the 2018-03 sheet's value and previous-value texts are blanked and
drafted again from the report (``helpers.cycle.drafts.measure_drafts``); rendered into
docs/benchmarks.md each time it is rendered (the figures follow the code).
"""

from __future__ import annotations

from helpers.core import paths
from helpers.core.plans import load_plan
from helpers.cycle.drafts import measure_drafts

PLAN, PERIOD = "kodaira-3", "2018-03"


def markdown() -> list[str]:
    data = paths.PROJ_ROOT / "data"
    folder = data / "raw" / PLAN / PERIOD
    m = measure_drafts(folder / "kpi_sheet.csv", folder, PERIOD, load_plan(data, PLAN))
    share = 100 * m.exact / m.with_text if m.with_text else 0.0
    return [
        "## draft-kpis on the real report (2018-03)",
        "",
        "The sheet's 18 KPIs with their `value_text` and `prev_text` blanked, drafted again "
        "from `progress_report_H29_end.txt` (`helpers.cycle.drafts.measure_drafts`; texts compared "
        "after width and space normalisation, as the run compares them):",
        "",
        "| fields | found exactly | proposed but different | of those marked 要確認（不一致の可能性） "
        "| not found | blank in the sheet, left blank | blank, but something proposed |",
        "|---|---|---|---|---|---|---|",
        f"| {m.with_text} with text | {m.exact} ({share:.1f}%) | {m.different} | "
        f"{m.different_marked} | {m.not_found} | {m.blank_kept} | {m.blank_filled} |",
        "",
        *(f"- {d}" for d in m.details),
        "",
    ]
