"""Half-year periods: the ``YYYY-MM`` id and its Japanese labels.

A period is named by its as-of month: ``2018-03`` is 平成29年度末 (the end of
fiscal year 2017, which runs April 2017 to March 2018), ``2017-09`` is
平成29年9月末. Japanese forms are accepted as input and turned into the id.

Examples
--------
>>> period_label("2018-03")
'平成29年度末'
>>> period_label("2017-09")
'平成29年9月末'
>>> parse_period("令和元年度末")
'2020-03'
>>> parse_period("平成31年度")
'2020-03'
>>> parse_period("H29")
'2018-03'
>>> fiscal_year_label(2019)
'令和元年度'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from helpers.core.errors import PeriodError
from helpers.core.messages import say

ID_RE = re.compile(r"^(\d{4})-(\d{2})$")
MIN_YEAR, MAX_YEAR = 1989, 2100


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date  # first day of the era
    end: date | None  # last day, None while current

    @property
    def first_year(self) -> int:
        return self.start.year


ERAS = (
    Era("令和", "R", date(2019, 5, 1), None),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
)
_ERA_BY_TOKEN = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}

ACCEPTED_FORMS = (
    "YYYY-MM (例: 2018-03), 平成29年度末, 平成29年9月末, 令和元年度末, 平成31年度, "
    "H29, R1, H29.9, 2017年度末, 2017年9月末"
)


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def validate_period(period_id: str) -> str:
    """Return ``period_id`` if it is a well-formed, possible ``YYYY-MM`` id.

    Raises
    ------
    PeriodError
        For anything else, naming the accepted forms.
    """
    m = ID_RE.match(period_id or "")
    if not m:
        raise PeriodError(say("period.not_id", period=period_id, forms=ACCEPTED_FORMS))
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(say("period.no_month", period=period_id, month=f"{month:02d}"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            say("period.year_out", period=period_id, year=year, low=MIN_YEAR, high=MAX_YEAR)
        )
    if (year, month) == (1989, 3):
        # the end of FY1988 is 昭和63年度末: before the eras the workbook labels
        raise PeriodError(say("period.showa", period=period_id))
    return period_id


def fiscal_year(period_id: str) -> int:
    """The Japanese fiscal year (April to March) a period falls in.

    >>> fiscal_year("2018-03"), fiscal_year("2017-09"), fiscal_year("2017-04")
    (2017, 2017, 2017)
    """
    validate_period(period_id)
    year, month = int(period_id[:4]), int(period_id[5:])
    return year if month >= 4 else year - 1


def is_year_end(period_id: str) -> bool:
    """True for the end of a fiscal year (the March period)."""
    validate_period(period_id)
    return period_id.endswith("-03")


def _era_for_date(d: date) -> Era:
    for era in ERAS:
        if d >= era.start and (era.end is None or d <= era.end):
            return era
    raise PeriodError(say("period.before_heisei", date=d.isoformat()))


def _era_year(era: Era, year: int) -> str:
    n = year - era.first_year + 1
    return "元" if n == 1 else str(n)


def fiscal_year_label(fy: int) -> str:
    """Japanese label of a fiscal year: 2017 → 平成29年度, 2019 → 令和元年度."""
    if not MIN_YEAR <= fy <= MAX_YEAR:
        raise PeriodError(say("period.fy_out", fy=fy, low=MIN_YEAR, high=MAX_YEAR))
    # A fiscal year is named in the era in force at its start (1 April); FY2019,
    # begun under 平成, is customarily 令和元年度 (平成31年度 is the same year).
    era = ERAS[0] if fy >= 2019 else ERAS[1]
    return f"{era.name}{_era_year(era, fy)}年度"


def period_label(period_id: str) -> str:
    """Japanese label of a period id: 2018-03 → 平成29年度末, 2017-09 → 平成29年9月末."""
    validate_period(period_id)
    year, month = int(period_id[:4]), int(period_id[5:])
    if month == 3:
        return fiscal_year_label(year - 1) + "末"
    end = _month_end(year, month)
    era = _era_for_date(end)
    return f"{era.name}{_era_year(era, year)}年{month}月末"


def as_of_label(period_id: str) -> str:
    """The as-of date (基準日) of a period in Japanese: 2018-03 → 平成30年3月31日.

    >>> as_of_label("2018-03"), as_of_label("2019-06")
    ('平成30年3月31日', '令和元年6月30日')
    """
    validate_period(period_id)
    d = _month_end(int(period_id[:4]), int(period_id[5:]))
    era = _era_for_date(d)
    return f"{era.name}{_era_year(era, d.year)}年{d.month}月{d.day}日"


def period_label_short(period_id: str) -> str:
    """Short label for chart axes: 2018-03 → H29年度末, 2017-09 → H29年9月末."""
    label = period_label(period_id)
    for era in ERAS:
        label = label.replace(era.name, era.letter)
    return label


def _era_to_year(token: str, n: int, *, original: str) -> tuple[Era, int]:
    era = _ERA_BY_TOKEN[token]
    if n < 1:
        raise PeriodError(say("period.era_year_zero", text=original))
    return era, era.first_year + n - 1


def _fy_to_id(fy: int, original: str) -> str:
    period_id = f"{fy + 1:04d}-03"
    try:
        return validate_period(period_id)
    except PeriodError as exc:
        raise PeriodError(say("period.in_text", text=original, error=exc)) from None


def parse_period(text: str) -> str:
    """Turn a period id or a Japanese label into the ``YYYY-MM`` id.

    A fiscal-year form (平成29年度, 平成29年度末, H29) means the end of that
    fiscal year. An era year past the era's end (平成32年) or before its start
    (令和元年4月) is refused.

    Raises
    ------
    PeriodError
        If the text names no possible period.
    """
    if not isinstance(text, str):
        raise PeriodError(say("period.not_text", kind=type(text).__name__))
    original = text
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"\s+", "", s)
    if ID_RE.match(s):
        return validate_period(s)
    s = s.upper() if re.match(r"^[hHrR](\d|元)", s) else s

    m = re.fullmatch(r"(平成|令和|H|R)(元|\d{1,2})年?度?末?", s)
    if m and (s.endswith("度") or s.endswith("度末") or re.fullmatch(r"[HR](\d{1,2}|元)", s)):
        n = 1 if m.group(2) == "元" else int(m.group(2))
        era, fy = _era_to_year(m.group(1), n, original=original)
        if era.end is not None and fy > era.end.year:
            raise PeriodError(
                say(
                    "period.era_ended",
                    text=original,
                    label=f"{era.name}{n}年度",
                    end=era.end.year,
                    instead=fiscal_year_label(fy) if fy <= MAX_YEAR else "別の年度",
                )
            )
        return _fy_to_id(fy, original)

    m = re.fullmatch(r"(平成|令和|H|R)(元|\d{1,2})(?:年|[./-])(\d{1,2})月?末?", s)
    if m:
        n = 1 if m.group(2) == "元" else int(m.group(2))
        era, year = _era_to_year(m.group(1), n, original=original)
        month = int(m.group(3))
        if not 1 <= month <= 12:
            raise PeriodError(say("period.text_no_month", text=original, month=month))
        end = _month_end(year, month) if MIN_YEAR <= year <= MAX_YEAR else None
        if (
            end is None
            or end < era.start
            or (era.end is not None and date(year, month, 1) > era.end)
        ):
            raise PeriodError(
                say(
                    "period.outside_era",
                    text=original,
                    label=f"{era.name}{'元' if n == 1 else n}年{month}月",
                    era=era.name,
                    start=era.start.isoformat(),
                    end=era.end.isoformat() if era.end else "現在",
                )
            )
        return validate_period(f"{year:04d}-{month:02d}")

    m = re.fullmatch(r"(\d{4})年度末?", s)
    if m:
        return _fy_to_id(int(m.group(1)), original)
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月末?", s)
    if m:
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(say("period.text_no_month", text=original, month=month))
        return validate_period(f"{int(m.group(1)):04d}-{month:02d}")
    raise PeriodError(say("period.not_period", text=original, forms=ACCEPTED_FORMS))


def sort_periods(period_ids) -> list[str]:
    """Valid period ids in time order."""
    return sorted(validate_period(p) for p in period_ids)


def find_label_in_text(text: str) -> str | None:
    """The first period label (…年度末 or …年…月末) in ``text``, as an id, or None.

    Spaces and line breaks inside the label are allowed, as PDF text has them
    (平成 29年度末, a label wrapped over two lines).
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = re.search(r"(平成|令和)(元|\d{1,2})年(?:度末|\d{1,2}月末)", s)
    if not m:
        return None
    try:
        return parse_period(m.group(0))
    except PeriodError:
        return None


# ------------------------------------------------- "the previous value", one rule


def prev_value_period(period_id: str) -> str | None:
    """The earlier period that holds ``period_id``'s 前年度末 (previous year-end) value.

    A report states, for each KPI, the value at the last fiscal year-end before
    its own as-of date: for a year-end that is the year-end a year before
    (2018-03 → 2017-03); for 9月末 and every other month the year-end just
    before it, in the same calendar year or the one before (2018-09 → 2018-03,
    2018-02 → 2017-03). None where that year-end is before the eras labelled.

    >>> prev_value_period("2018-03"), prev_value_period("2018-09"), prev_value_period("2019-01")
    ('2017-03', '2018-03', '2018-03')
    """
    candidate = f"{fiscal_year(period_id):04d}-03"
    try:
        return validate_period(candidate)
    except PeriodError:
        return None


def prev_value_label(period_id: str) -> str:
    """The Japanese label of the period holding the 前年度末 value: 2018-09 → 平成29年度末."""
    held = prev_value_period(period_id)
    return period_label(held) if held else "前年度末"


def last_report_period(period_id: str, periods) -> str | None:
    """ "The last report" before ``period_id``: the latest of the plan's ``periods`` before it.

    Whatever its month (2018-09 → 2018-03, 2019-03 → 2018-09 where the plan
    has both); this is what comparisons (前回との比較) compare with.

    >>> last_report_period("2019-03", ["2017-09", "2018-03", "2018-09"])
    '2018-09'
    """
    validate_period(period_id)
    earlier = [p for p in sort_periods(periods) if p < period_id]
    return earlier[-1] if earlier else None
