"""draft-kpis measured: how many drafted texts equal the answer key, exactly as printed.

Not a timing. Two reports: the real 2018-03 one against the analysts' sheet, and the
made-up 9月末 fixture (tests/fixtures/report_2018_09/, the 2018-03 wording with the
dates moved) against its hand-written answer key. The key's value, previous-value and
result texts are blanked and drafted again (``helpers.cycle.drafts.measure_drafts``);
rendered into docs/benchmarks.md each time it is rendered (the figures follow the code).
"""

from __future__ import annotations

from helpers.core import paths
from helpers.core.plans import load_plan
from helpers.cycle.drafts import measure_drafts

PLAN = "kodaira-3"
FIXTURE = paths.PROJ_ROOT / "tests" / "fixtures" / "report_2018_09"


def _cases() -> list[tuple[str, str, object, object]]:
    real = paths.PROJ_ROOT / "data" / "raw" / PLAN / "2018-03"
    return [
        ("the real report (2018-03), the analysts' sheet", "2018-03", real / "kpi_sheet.csv", real),
        (
            "the made-up 9月末 report (2018-09), its hand-written answer key",
            "2018-09",
            FIXTURE / "answer_key.csv",
            FIXTURE,
        ),
    ]


def markdown() -> list[str]:
    plan = load_plan(paths.PROJ_ROOT / "data", PLAN)
    out = [
        "## draft-kpis: drafts found exactly",
        "",
        "Each KPI's `value_text`, `prev_text` and `result_text` blanked and drafted again from "
        "the report (`helpers.cycle.drafts.measure_drafts`). A draft counts as found exactly "
        "when it is the key's text with only spaces taken out (full-width ％ and ／ as printed: "
        "`延べ980人/年` for `延べ 980 人／年` is a miss).",
        "",
        "| report, key | fields stated | found exactly | proposed but different "
        "| of those marked 要確認（不一致の可能性） | not found | blank, left blank "
        "| blank, but something proposed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    details = []
    for title, period, key, folder in _cases():
        m = measure_drafts(key, folder, period, plan)
        share = 100 * m.exact / m.with_text if m.with_text else 0.0
        out.append(
            f"| {title} | {m.with_text} | {m.exact} ({share:.1f}%) | {m.different} | "
            f"{m.different_marked} | {m.not_found} | {m.blank_kept} | {m.blank_filled} |"
        )
        details += [f"- {period}: {d}" for d in m.details]
    return [*out, "", *details, ""]
