"""The run log, ``outputs/run-log.csv``: one line per plan and period each run, with date and time.

Columns, in Japanese as the analyst reads them in Excel (:data:`HEADERS`): 日時 (local
date and time the period's run ended, ``YYYY-MM-DD HH:MM:SS``), 計画, 期間, 結果 (in words: :data:`RESULT_WORDS`),
秒 (the period's duration) and 詳細 (the first line of a refusal or failure). UTF-8
with BOM, so it opens in Excel. A log of an earlier version (English headers
``time, plan, period, result, seconds, detail`` and codes such as ``made``) is read
too, and written back in Japanese at the next append.

An append is a read of the whole small file and an atomic write of it with the
new lines (:func:`helpers.core.atomic.atomic_write_bytes`), under a lock so two
runs never lose each other's lines; the file is bounded: beyond
:data:`MAX_LINES` lines the oldest go. The index page shows, for each period,
when its report was last made (最終更新) from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from helpers.core.atomic import atomic_write_bytes
from helpers.core.errors import InputError
from helpers.core.messages import say

RUN_LOG = "run-log.csv"
LOCK = ".run-log.lock"
COLUMNS = ("time", "plan", "period", "result", "seconds", "detail")
#: the file's headers, column for column
HEADERS = ("日時", "計画", "期間", "結果", "秒", "詳細")
#: made: a report written; up_to_date: nothing changed; refused: bad input (exit 2);
#: failed: a notebook failed (exit 1); locked: another run held the period (exit 3)
RESULTS = ("made", "up_to_date", "refused", "failed", "locked")
RESULT_WORDS = {
    "made": "作成",
    "up_to_date": "変更なし（最新）",
    "refused": "受け付けず（入力の誤り）",
    "failed": "失敗",
    "locked": "別の実行中",
}
_RESULT_CODES = {word: code for code, word in RESULT_WORDS.items()}
MAX_LINES = 20_000  # about 1.5 MB: decades of half-years with many plans
MAX_BYTES = 4 * 1024 * 1024  # a log larger than this is not read (it is not ours to parse)


@dataclass(frozen=True)
class RunLine:
    plan: str
    period: str
    result: str
    seconds: float
    detail: str = ""
    time: str = ""


def now() -> str:
    """Local date and time as the log writes it."""
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _read_rows(path: Path) -> list[dict[str, str]] | None:
    """The log's rows ([] without a log); None for a file that is not the workbook's log
    (other headers, another encoding, too large, not CSV), which is never rewritten."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        with open(path, "rb") as fh:  # bounded by the size checked above
            text = fh.read(MAX_BYTES + 1).decode("utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError):
        return None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = tuple(next(reader, ()))
        if header not in (HEADERS, COLUMNS):  # not the log (or another version's): not parsed
            return None
        rows = []
        for cells in reader:
            row = dict(zip(COLUMNS, cells, strict=False))
            if row.get("plan") and row.get("period"):
                row["result"] = _RESULT_CODES.get(row.get("result", ""), row.get("result", ""))
                rows.append(row)
    except csv.Error:
        return None
    return rows


def append_runs(out_root: str | Path, lines: list[RunLine]) -> Path:
    """Add ``lines`` to the log in ``out_root`` (atomically, bounded); the log's path."""
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    path = out_root / RUN_LOG
    with FileLock(str(out_root / LOCK), timeout=60):
        rows = _read_rows(path)
        if rows is None:  # someone's file, or a log edited out of shape: never overwritten
            raise InputError(path, say("runlog.not_ours"))
        stamp = now()
        rows += [
            {
                "time": line.time or stamp,
                "plan": line.plan,
                "period": line.period,
                "result": line.result,
                "seconds": f"{line.seconds:.1f}",
                "detail": line.detail.splitlines()[0] if line.detail else "",
            }
            for line in lines
        ]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows[-MAX_LINES:]:
            words = {**row, "result": RESULT_WORDS.get(row["result"], row["result"])}
            writer.writerow([words.get(c, "") for c in COLUMNS])
        atomic_write_bytes(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path


def last_made(out_root: str | Path) -> dict[tuple[str, str], str]:
    """When each (plan, period) had its report last made, from the log."""
    made: dict[tuple[str, str], str] = {}
    for row in _read_rows(Path(out_root) / RUN_LOG) or []:
        if row["result"] == "made":
            made[(row["plan"], row["period"])] = row["time"]
    return made
