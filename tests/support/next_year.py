"""A synthetic next year-end (2019-03, 平成30年度末) built from the real 2018-03, for tests only.

Never placed in data/raw/: the tests write it into a temporary copy of the raw
data. The report is the real 2018-03 text with every 平成 year moved one year on
and the figures of three KPIs changed; its printed previous values (前年度末 =
平成29年度末) agree with what 2018-03 holds (``agree=True``), or item 1's does
not (9,700人 printed where 2018-03 holds 9,718人).
"""

from __future__ import annotations

import re
from pathlib import Path

from support import KPI_FILE, PLAN, REPORT_FILE

PERIOD = "2019-03"
REPORT_NAME = "progress_report_H30_end.txt"


def _loose(old: str) -> re.Pattern:
    """``old`` with any whitespace allowed between its characters (PDF text)."""
    return re.compile(r"\s*".join(re.escape(c) for c in old))


def replace_loose(text: str, old: str, new: str, count: int = 0) -> str:
    out, n = _loose(old).subn(new, text, count=count)
    assert n, f"{old!r} not in the text"
    return out


def next_year_text(agree: bool = True) -> str:
    text = REPORT_FILE.read_text(encoding="utf-8")
    text = re.sub(r"平成(\s*)(\d+)", lambda m: f"平成{m.group(1)}{int(m.group(2)) + 1}", text)
    text = replace_loose(text, "9,718人", "9,901人")
    text = replace_loose(text, "9,855人から微減", ("9,718人" if agree else "9,700人") + "から増加")
    text = replace_loose(text, "約340万件", "約360万件")
    text = replace_loose(text, "約300万件", "約340万件")
    return text


def next_year_sheet(agree: bool = True) -> str:
    """The KPI sheet of the synthetic year: items 1 (one KPI), 3 and 8, as CSV text."""
    lines = KPI_FILE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0]
    prev = "9,718人" if agree else "9,700人"
    return "\n".join(
        [
            header,
            f'1,,市民活動支援センター来場者数,人,"9,901人","{prev}",1 万人以上,達成できなかった,,',
            "3,,地域連絡会の地区数,地区,2地区,,4 地区,達成していない,,",
            "8,,ホームページアクセス数,件,約360万件,約340万件,370万件,届かなかった,,",
            "",
        ]
    )


def add_next_year(data: Path, agree: bool = True, sheet: bool = True) -> Path:
    """Write the synthetic 2019-03 into ``data``'s raw copy (never the project's data/raw)."""
    folder = data / "raw" / PLAN / PERIOD
    assert "data/raw" not in folder.as_posix().replace(str(data.as_posix()), "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / REPORT_NAME).write_text(next_year_text(agree), encoding="utf-8")
    if sheet:
        (folder / "kpi_sheet.csv").write_text(next_year_sheet(agree), encoding="utf-8")
    return folder
