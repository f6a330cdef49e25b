"""Numbers as the report printed them: the one formatter of the workbook.

Everything that shows a number (the report, the index page, the notebooks' tables,
the charts' labels and ticks, the reader files) writes it through this module, so
one figure reads the same everywhere.

Three rules:

- **A value the source printed is shown as printed**: its digits, its unit scale
  (万円, 億円, 千円, 百万円), and its qualifiers (約, 延べ, 合計 before; 以上, 以下,
  未満, 超, 台, ／年 after), with widths and PDF spaces tidied (``28.6 億円`` →
  ``28.6億円``). :func:`shown_value` checks that the printed figure is the value
  (a previous-value text such as ``前年度から159万円の減`` is a change, not a value).
- **A derived figure** (a change, a previous value computed from a stated change,
  a gap to the target) is written in the unit scale and to the decimals of the
  figures it comes from (:class:`Form`, :func:`finest`): 43,771万円 − 802万円 is
  42,969万円, never 4.4億円; a difference is never hidden by a coarser unit.
- **Rounding** is half up, as people do (0.05 → 0.1). A result that rounds to
  zero is ``0.0`` (never ``-0.0`` or ``0`` in one place and ``0.0`` in another);
  a signed change that is not zero but rounds to zero gets more decimals until a
  digit shows (``−0.04``), so a change is never hidden. Minus is U+2212 (−).

Examples (the printed forms are the specification):

>>> shown_value(3400000, "件", "約340万件", approx=True)
'約340万件'
>>> shown_value(3000000, "件", None, approx=True, form=form_of("約340万件"))
'約300万件'
>>> shown_value(429690000, "円", None, form=form_of("43,771万円"))
'42,969万円'
>>> shown_value(980, "人", "延べ 980 人／年")
'延べ980人／年'
>>> shown_value(2860000000, "円", "28.6 億円")
'28.6億円'
>>> shown_value(24240000, "円", "前年度から 159万円の減", form=form_of("2,265 万円"))
'2,424万円'
>>> format_number(80, "%"), format_number(92.6, "%")
('80.0%', '92.6%')
>>> format_decimal(-0.04, 1), format_signed(-0.04, 1), format_signed(0, 1)
('0.0', '−0.04', '±0.0')
>>> format_signed(-2.2, 1, "ポイント"), format_signed(8020000, None, "円", form=form_of("43,771万円"))
('−2.2ポイント', '+802万円')
>>> tick_label(12500, "人", 10000), tick_label(10000, "人", 10000), tick_label(2.5e9, "円", 1e8)
('1.25万人', '1万人', '25億円')
>>> tick_label(0, "円", 10000)
'0'
>>> printed_target("80%台"), printed_target("1 万人以上"), printed_target("目標値 95%")
('80%台', '1万人以上', '目標値95%')
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from helpers.core.jpnum import UNIT_ALIASES
from helpers.core.schema import is_missing
from helpers.core.textnorm import tidy_jp

#: what a missing value shows (never 0): helpers.core.vocab.MISSING_TEXT
MISSING = "—"
MINUS = "\u2212"
#: unit scales a Japanese report writes amounts in, largest first
SCALES: dict[str, int] = {"億": 10**8, "百万": 10**6, "万": 10**4, "千": 10**3}
SCALE_NAMES = {v: k for k, v in SCALES.items()}
#: words before a figure that belong to it (kept as printed)
PREFIX_WORDS = ("約", "延べ", "合計", "計", "年間")
#: words after a figure that belong to it (kept as printed)
SUFFIX_WORDS = ("以上", "以下", "未満", "以内", "超", "台", "強", "弱", "余", "程度", "前後")
PER_YEAR = ("／年", "/年")
_UNITS = "|".join(sorted((re.escape(u) for u in UNIT_ALIASES), key=len, reverse=True))
_FIGURE_RE = re.compile(
    rf"(?P<pre>(?:{'|'.join(PREFIX_WORDS)})?)"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)"
    rf"(?P<scale>百万|億|万|千)?(?P<unit>{_UNITS})?"
    rf"(?P<per>{'|'.join(map(re.escape, PER_YEAR))})?"
    rf"(?P<post>(?:{'|'.join(SUFFIX_WORDS)})?)"
    rf"(?P<per2>{'|'.join(map(re.escape, PER_YEAR))})?"
)


@dataclass(frozen=True)
class Form:
    """How a figure is written: its unit scale (1, 千, 万, 百万, 億) and decimals."""

    scale: int = 1
    places: int = 0

    @property
    def resolution(self) -> Decimal:
        """The smallest step the form can show, in base units (42,969万円: 10,000)."""
        return Decimal(self.scale).scaleb(-self.places)


@functools.lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    """The text as figures are read from it (a KPI's texts are read some eight times in a
    report: by its sentence, its table row, its history, the index; remembered, once)."""
    return tidy_jp(text).replace(" ", "").replace("％", "%")


_DATE_AFTER = ("年", "月", "日", "か月", "ヶ月")


def _parse(text) -> re.Match | None:
    """The first figure of a text that is not part of a date (平成28年度末, 9月末)."""
    if not isinstance(text, str) or not text.strip():
        return None
    return _first_figure(str(text))


@functools.lru_cache(maxsize=4096)
def _first_figure(text: str) -> re.Match | None:
    cleaned = _clean(text)
    for m in _FIGURE_RE.finditer(cleaned):
        if m["num"] and not (m["unit"] is None and cleaned.startswith(_DATE_AFTER, m.end("num"))):
            return m
    return None


def form_of(text) -> Form | None:
    """The form of the first figure of a printed text, or None (no figure in it).

    >>> form_of("28.6 億円"), form_of("2,265 万円"), form_of("9,718人"), form_of("未算出")
    (Form(scale=100000000, places=1), Form(scale=10000, places=0), Form(scale=1, places=0), None)
    >>> form_of("平成 28年度末から 4.7ポイント向上")
    Form(scale=1, places=1)
    """
    m = _parse(text)
    if m is None:
        return None
    num = m["num"]
    places = len(num.split(".")[1]) if "." in num else 0
    return Form(SCALES.get(m["scale"] or "", 1), places)


def finest(*forms: Form | None) -> Form | None:
    """The form fine enough for a figure derived from figures of these forms.

    The scale is the largest one that shows the finest step without more than one
    decimal more than printed (万 for 万円 and 億円 in tenths: 2億円 − 1,500万円).

    >>> finest(Form(10**8, 1), Form(10**4, 0))
    Form(scale=10000, places=0)
    >>> finest(Form(10**8, 1), None, Form(10**8, 1))
    Form(scale=100000000, places=1)
    """
    known = [f for f in forms if f is not None]
    if not known:
        return None
    step = min(f.resolution for f in known)
    scale = min(f.scale for f in known)
    places = max(0, -int((step / scale).adjusted()))
    return Form(scale, places)


def _quantize(x, places: int) -> Decimal:
    d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(d) if d.is_zero() else d


def _places_needed(x: float, most: int = 2) -> int:
    """As few decimals as show ``x`` (at most ``most``): 1.39015 → 2, 137.0 → 0."""
    d = _quantize(x, most).normalize()
    return max(0, -d.as_tuple().exponent)


def format_decimal(x, places: int = 1, *, comma: bool = True) -> str:
    """``x`` rounded half up to ``places`` decimals; minus as −; zero as 0 (0.0).

    >>> format_decimal(1.25, 1), format_decimal(-2.25, 1), format_decimal(1234567, 0)
    ('1.3', '−2.3', '1,234,567')
    """
    d = _quantize(x, places)
    text = f"{abs(d):,}" if comma else f"{abs(d)}"
    return (MINUS if d < 0 else "") + text


def format_plain(x, places: int | None = None, *, comma: bool = True) -> str:
    """A number in base units for a table: ``places`` decimals, or as few as needed (at most 2).

    >>> format_plain(2860000000.0), format_plain(1.39015), format_plain(float("nan"))
    ('2,860,000,000', '1.39', '—')
    """
    if is_missing(x) or (isinstance(x, str) and not x.strip()):
        return MISSING
    return format_decimal(x, _places_needed(float(x)) if places is None else places, comma=comma)


def _unit_text(unit) -> str:
    return unit if isinstance(unit, str) else ""


def format_number(
    x, unit: str | None = None, *, form: Form | None = None, approx: bool = False
) -> str:
    """A value in ``form`` (the source's unit scale and decimals) with its unit.

    Without a form: percentages with one decimal, anything else in base units with
    as few decimals as needed.

    >>> format_number(437710000, "円", form=Form(10**4, 0)), format_number(9718, "人")
    ('43,771万円', '9,718人')
    >>> format_number(None, "人")
    '—'
    """
    if is_missing(x):
        return MISSING
    unit = _unit_text(unit)
    if form is None:
        form = Form(1, 1 if unit == "%" else _places_needed(float(x)))
    text = format_decimal(float(x) / form.scale, form.places) + SCALE_NAMES.get(form.scale, "")
    return ("約" if approx else "") + text + unit


def printed_figure(text, unit: str | None, value=None) -> str | None:
    """The figure of a printed text as the report shows it, or None where it is no value.

    None where the text has no figure, its unit is another one, or (``value``
    given) its number is not the value (a stated change, a date).

    >>> printed_figure("36のアクションプラン", "件"), printed_figure("94.3％", "%")
    ('36件', '94.3%')
    >>> printed_figure("平成 28年度末から 4.7ポイント向上", "%", 57.9)
    """
    m = _parse(text)
    if m is None:
        return None
    written = m["unit"]
    unit = _unit_text(unit)
    if written and UNIT_ALIASES.get(written) != unit and written != unit:
        return None
    if not written and m["scale"] is None and not _clean(text).startswith(m.group(0)):
        return None  # a number inside words, unit not written: not a printed value
    if value is not None:
        form = form_of(text)
        number = Decimal(m["num"].replace(",", "")) * (form.scale if form else 1)
        if abs(number - Decimal(repr(float(value)))) > form.resolution / 2:
            return None
    per = "／年" if (m["per"] or m["per2"]) else ""  # NFKC made the printed ／ a /
    return f"{m['pre']}{m['num']}{m['scale'] or ''}{written or unit}{m['post']}{per}"


def shown_value(
    value, unit: str | None, text=None, *, approx: bool = False, form: Form | None = None
) -> str:
    """A value as the report shows it: the printed figure where the source printed it,
    else the value in ``form`` (that of the figures it derives from); 約 where approximate.
    """
    if is_missing(value):
        said = tidy_jp(text) if isinstance(text, str) else ""
        return said or MISSING
    printed = printed_figure(text, unit, value)
    if printed is not None:
        return ("約" if approx and "約" not in printed else "") + printed
    return format_number(value, unit, form=form_of(text) or form, approx=approx)


def format_signed(
    x, places: int | None = None, unit: str | None = "", *, form: Form | None = None
) -> str:
    """A change with its sign (+, −, ±0): in ``form`` or to ``places`` decimals.

    A change that is not zero is never shown as zero: decimals are added until a
    digit shows.
    """
    if is_missing(x):
        return MISSING
    x = float(x)
    unit = _unit_text(unit)
    scale = form.scale if form else 1
    p = form.places if form else (_places_needed(x) if places is None else places)
    while x != 0 and _quantize(x / scale, p).is_zero() and p < 6:
        p += 1
    size = format_decimal(abs(x) / scale, p) + SCALE_NAMES.get(scale, "") + unit
    if _quantize(x / scale, p).is_zero():
        return "±" + size
    return ("+" if x > 0 else MINUS) + size


def format_size(x, unit: str | None, *, form: Form | None = None, approx: bool = False) -> str:
    """The size of a change or a gap (no sign): 137人, 2.2ポイント, 802万円."""
    if is_missing(x):
        return MISSING
    unit = _unit_text(unit)
    if unit == "%":
        places = form.places if form else 1
        return ("約" if approx else "") + format_decimal(abs(float(x)), max(places, 1)) + "ポイント"
    return format_number(abs(float(x)), unit, form=form, approx=approx)


def format_percent(x, places: int = 1) -> str:
    """A rate computed by the workbook (an achievement, a share): one decimal and %.

    >>> format_percent(97.18), format_percent(None)
    ('97.2%', '—')
    """
    return MISSING if is_missing(x) else format_decimal(float(x), places) + "%"


def printed_target(text) -> str:
    """A target text as printed, tidied (width, PDF spaces): 1万人以上, 80%台."""
    return _clean(text) if isinstance(text, str) else ""


def axis_scale(values, unit: str | None, form: Form | None = None) -> int:
    """The unit scale an axis writes its ticks in: the source's, else 万/億 for large counts."""
    if form is not None and form.scale != 1:
        return form.scale
    top = max((abs(float(v)) for v in values if not is_missing(v)), default=0.0)
    if _unit_text(unit) == "円" and top >= 10**8:
        return 10**8
    if top >= 10**5:
        return 10**4
    return 1


@dataclass(frozen=True)
class TickLabels:
    """A chart axis' tick labels (:func:`tick_label` in ``unit`` and ``scale``), as
    matplotlib's FuncFormatter calls them; a class, not a lambda, so that a chart pickles
    (its SVG is drawn in a second process: helpers.present.figure_worker)."""

    unit: str | None
    scale: int = 1

    def __call__(self, v: float, _pos=None) -> str:
        return tick_label(v, self.unit, self.scale)


def tick_label(v: float, unit: str | None, scale: int = 1) -> str:
    """An axis tick at ``v`` (base units) in ``scale``: exact, never rounded off its position."""
    if v == 0:
        return "0"  # the axis' origin needs no unit (never 0万円)
    x = v / scale
    places = 0
    while places < 6 and not math.isclose(
        round(x, places), x, rel_tol=0, abs_tol=1e-9 * max(1, abs(x))
    ):
        places += 1
    return format_decimal(x, places) + SCALE_NAMES.get(scale, "") + _unit_text(unit)
