"""Run the three notebooks' code cells in this process, as the pipeline's shared kernel does.

``python bench/cells.py DATA WORK`` (under pyinstrument, by :mod:`bench.speed`): the
period's tables are cleaned into ``WORK/processed`` as the pipeline stages them, then
every code cell after the parameters cell runs in one IPython shell with the pipeline's
parameters, in order. The kernel's own work, profiled without the kernel's messaging.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("01_clean", "02_analyze", "03_report")


def main(data: Path, work: Path) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    from helpers.core import paths
    from helpers.ingest.clean import clean_period, write_cleaned

    processed, period_out = paths.mark(work / "processed"), paths.mark(work / "period")
    cleaned = clean_period("2018-03", data, plan="kodaira-3", write=False)
    write_cleaned(cleaned, processed)
    (processed / paths.PRECLEANED_FILE).write_bytes(b"")
    shell = InteractiveShell.instance()
    shell.user_ns.update(
        plan="kodaira-3",
        period="2018-03",
        data_dir=str(data),
        output_dir=str(work / "out"),
        processed_dir=str(processed),
        period_output_dir=str(period_out),
        run_by_pipeline=True,
    )
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        for src in code[1:]:  # the parameters are set above
            with contextlib.redirect_stdout(io.StringIO()):
                shell.run_cell(src, store_history=False).raise_error()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
