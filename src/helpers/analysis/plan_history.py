"""The plan's ``kpi_history.csv``: a copy of its newest period's, written after a run.

Kept free of pandas so that an up-to-date rerun stays fast (see :mod:`helpers.analysis.history`).
"""

from __future__ import annotations

from pathlib import Path

from helpers.core.atomic import atomic_write_bytes
from helpers.core.paths import FINGERPRINT_FILE
from helpers.core.plans import PERIOD_ID
from helpers.core.tables import read_own

HISTORY_FILE = "kpi_history.csv"


def publish_plan_history(processed_plan: Path, periods: list[str] | None = None) -> Path | None:
    """Copy the newest period's ``kpi_history.csv`` to ``processed/<plan>/``, if it changed.

    Only period folders the workbook completed (with a run fingerprint) count, and
    of those only the periods that still have raw data (``periods``, when given):
    a period whose raw folder was removed leaves the history. The newest period's
    history is built from every earlier period's raw data, and a change in any of
    them makes the newest period's run out of date, so the command line reruns it
    (see ``helpers.run.cli``) and this copy follows.
    Written atomically; returns the path written, or None when nothing changed.
    """
    processed_plan = Path(processed_plan)
    if not processed_plan.is_dir():
        return None
    done = sorted(
        p
        for p in processed_plan.iterdir()
        if PERIOD_ID.match(p.name)
        and (periods is None or p.name in periods)
        and (p / HISTORY_FILE).is_file()
        and (p / FINGERPRINT_FILE).is_file()
    )
    if not done:
        return None
    data = read_own(done[-1] / HISTORY_FILE)
    target = processed_plan / HISTORY_FILE
    if target.is_file() and target.stat().st_size == len(data) and read_own(target) == data:
        return None
    return atomic_write_bytes(target, data)
