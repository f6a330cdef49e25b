"""Japanese numbers, amounts, targets and changes as they are written in reports.

Everything is parsed with :class:`decimal.Decimal`, so ``25.4億円`` is exactly
2,540,000,000 (no float error, no truncation). Values come out in base units:
yen (not 万円/億円), persons, cases, districts; a percentage stays a percent
number (92.6). Missing markers (未算出, 未集計, －) give ``None``, never 0.

Bound on figures: a number written with more than 15 significant digits, or a
figure of 10^15 (1,000兆) or more once 万/億/兆 are applied, is refused with
:class:`NumberError`. 15 digits is what a float (the tables' type) holds
exactly, and 1,000兆 is beyond any municipal figure (Japan's whole GDP is about
600兆円; a city's budget is a few hundred 億円), so such a text is a typo or
garbage, never a value to compute with.

▲ and △ mark a minus. Before a stated change (前年度から△159万円,
前年度比▲159万円) they mean a decrease, and such a text is a change, never a
negative previous value. ``ー`` (the long-vowel mark, which PDF extraction
gives for a printed minus or dash) right before a digit is no sign this module
guesses: :func:`ambiguous_dash` finds it, and the KPI sheet refuses it.

割 is a tenth: 9割 = 90%, 9割5分 = 95% (a figure in 割 is a percentage).

A word right after a figure (and its unit) can change what the figure means:
以上/以下/未満/以内/超 make a bound, 台 a range (80%台), 強/弱/余 "a little
more/less than"; 程度/前後/ほど make it approximate. A value followed by a
bound is refused (``100件以上`` is no value), an approximate one keeps
``approx``.

Examples
--------
>>> parse_amount("25.4億円")
Decimal('2540000000')
>>> parse_amount("１ 万人")
Decimal('10000')
>>> parse_amount("▲159万円")
Decimal('-1590000')
>>> parse_quantity("約340万件")
Quantity(value=Decimal('3400000'), unit='件', approx=True, missing=False)
>>> parse_quantity("未算出").missing
True
>>> t = parse_target("80%台")
>>> (t.kind, t.low, t.high, t.high_open)
('range', Decimal('80'), Decimal('90'), True)
>>> parse_target("1 万人以上").kind, parse_target("1 万人以上").low
('at_least', Decimal('10000'))
>>> parse_change("前年度から 159万円の減").amount
Decimal('-1590000')
>>> parse_change("4.7ポイント向上")
Change(amount=Decimal('4.7'), unit='%', points=True)
>>> parse_quantity("9割5分")
Quantity(value=Decimal('95'), unit='%', approx=False, missing=False)
>>> parse_target("5%以内").kind, parse_target("5%以内").high
('at_most', Decimal('5'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from helpers.core.messages import say
from helpers.core.textnorm import nfkc

MULTIPLIERS = {
    "百": Decimal(10) ** 2,
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "億": Decimal(10) ** 8,
    "兆": Decimal(10) ** 12,
}
MISSING_MARKERS = (
    "未算出",
    "未集計",
    "未確定",
    "未把握",
    "集計中",
    "算出中",
    "不明",
    "該当なし",
    "NA",
    "N/A",
)
_DASHES = "-－―—‐ｰー‒–"  # NFKC turns ｰ into ー
_DASHES_ONLY_RE = re.compile(f"[{re.escape(_DASHES)}]*")  # also the empty text
_MISSING_RE = re.compile("|".join(map(re.escape, MISSING_MARKERS)))
# Units as written → base unit. Longer spellings first.
UNIT_ALIASES = {
    "ポイント": "%",
    "pt": "%",
    "%": "%",
    "パーセント": "%",
    "円": "円",
    "人": "人",
    "名": "人",
    "件": "件",
    "地区": "地区",
    "か所": "か所",
    "箇所": "か所",
    "ヵ所": "か所",
    "カ所": "か所",
    "団体": "団体",
    "指標": "指標",
    "本": "本",
    "回": "回",
    "日": "日",
    "時間": "時間",
    "冊": "冊",
    "校": "校",
    "施設": "施設",
    "世帯": "世帯",
    "事業": "事業",
    "項目": "項目",
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNIT_ALIASES), key=len, reverse=True))
_NUM = r"\d[\d,]*(?:\.\d+)?|\.\d+"
# A multiplier: 万/億/兆, or 百/千 alone or before one of them (1千万, 5百万).
_MULT = r"(?:[百千]\s*[万億兆]?|[万億兆])"
#: compiled once (each KPI text is read through these several times)
_DECIMAL_RE = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_GROUPED_RE = re.compile(r"\d{1,3}(?:,\d{3})+")
_NUM_MULT_RE = re.compile(rf"({_NUM})\s*({_MULT})")
_UNIT_AT_RE = re.compile(rf"(?:{_UNIT_RE})")
# A figure in 割 (tenths): 9割 = 90%, 9割5分 = 95%
_WARI = r"(\d+(?:\.\d+)?)\s*割(?:\s*(\d)\s*分)?"
_WARI_RE = re.compile(_WARI)
# One number with optional multipliers: 25.4億, 1億2,000万, 2億5千万, 2,265万, 9,718; or 9割5分
_AMOUNT_RE = re.compile(rf"{_WARI}|(?:(?:{_NUM})\s*{_MULT})+(?:\s*(?:{_NUM}))?|(?:{_NUM})")
_MINUS_MARKS = ("▲", "△", "-", "マイナス")
# 15 significant digits: what a float holds exactly (DBL_DIG)
MAX_DIGITS = 15
# 10^15 = 1,000兆: beyond any municipal figure, and floats are exact below it
MAX_MAGNITUDE = Decimal(10) ** 15
# Counts of items (a plan's items, S/A/B per area, totals): a plan has tens of
# items; 10,000 is far beyond any, and far inside what a table's int64 holds
MAX_COUNT = 10_000


class NumberError(ValueError):
    """Text that should hold a number but does not."""


@lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    """NFKC, all whitespace removed (PDF text splits numbers: ``1, 000``, ``1 万``)."""
    return re.sub(r"\s+", "", nfkc(text))


def says_missing(text: str | None) -> bool:
    """True for empty text and for the report's missing markers (未算出, －)."""
    if text is None:
        return True
    s = _clean(str(text))
    if s.lower() in ("nan", "<na>", "none"):
        return True
    return _DASHES_ONLY_RE.fullmatch(s) is not None or _MISSING_RE.search(s) is not None


def _to_decimal(digits: str, source: str) -> Decimal:
    d = digits.replace(",", "")
    if not _DECIMAL_RE.fullmatch(d):
        raise NumberError(say("num.not_number", source=source, digits=digits))
    # commas must group thousands: 1,000 / 12,345,678 (not 1,00)
    grouped = digits.split(".")[0]
    if "," in grouped and not _GROUPED_RE.fullmatch(grouped):
        raise NumberError(say("num.bad_commas", source=source, digits=digits))
    int_part, _, frac = d.partition(".")
    significant = len((int_part + frac).strip("0"))
    if significant > MAX_DIGITS:
        raise NumberError(
            say("num.too_many_digits", source=source, digits=digits, n=significant, most=MAX_DIGITS)
        )
    return Decimal(d)


def _amount_from_match(token: str, source: str) -> Decimal:
    """Value of a token such as 25.4億, 1億2,000万, 1千万, 9,718 or 9割5分 (95)."""
    wari = _WARI_RE.fullmatch(token)
    if wari:
        tenths = _to_decimal(wari.group(1), source) * 10
        return _normal(tenths + Decimal(wari.group(2) or 0))
    total = Decimal(0)
    last_mult = None
    end = 0
    for m in _NUM_MULT_RE.finditer(token):
        mult = Decimal(1)
        for c in m.group(2):
            mult *= MULTIPLIERS.get(c, 1)
        if last_mult is not None and mult >= last_mult:
            raise NumberError(say("num.multipliers", source=source, token=token))
        last_mult = mult
        total += _to_decimal(m.group(1), source) * mult
        end = m.end()
    rest = token[end:].strip()
    if rest:
        total += _to_decimal(rest, source)
    if total >= MAX_MAGNITUDE:
        raise NumberError(say("num.too_large", source=source, token=token))
    return _normal(total)


def _normal(d: Decimal) -> Decimal:
    """Drop trailing zeros without scientific notation: 2540000000.0 → 2540000000."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def _is_date_part(s: str, m: re.Match) -> bool:
    """A number that is part of a date or era year (平成28年度末, 3月), not a quantity."""
    after = s[m.end() : m.end() + 1]
    before = s[max(0, m.start() - 2) : m.start()]
    return after in ("年", "月") or before.endswith(("平成", "令和", "昭和"))


def _find_amount(s: str, source: str) -> tuple[Decimal, re.Match] | None:
    """The first quantity in ``s`` (dates such as 平成28年度末 are passed over)."""
    m = next((x for x in _AMOUNT_RE.finditer(s) if not _is_date_part(s, x)), None)
    if not m:
        return None
    value = _amount_from_match(m.group(0), source)
    if s[: m.start()].endswith(_MINUS_MARKS):
        value = -value
    return value, m


def parse_amount(text: str) -> Decimal:
    """The first number in ``text``, with 千/万/億/兆 applied and ▲/△ as minus.

    >>> parse_amount("17,966,912円")
    Decimal('17966912')
    >>> parse_amount("1億2,000万円")
    Decimal('120000000')
    >>> parse_amount("△3.2")
    Decimal('-3.2')
    >>> parse_amount("平成 28年度末の 9,855人")
    Decimal('9855')

    Raises
    ------
    NumberError
        If there is no number, or it is malformed (``1,00``).
    """
    s = _clean(text)
    found = _find_amount(s, text)
    if found is None:
        raise NumberError(say("num.none", text=text))
    return found[0]


def _unit_after(s: str, end: int) -> str | None:
    m = _UNIT_AT_RE.match(s, end)
    if m:
        return UNIT_ALIASES[m.group(0)]
    return None


def _unit_of(s: str, m: re.Match, unit: str | None, source: str) -> tuple[str | None, int]:
    """The unit of the figure ``m`` of ``s`` and the length of its spelling after the figure.

    A figure in 割 is a percentage; with another unit expected it is refused.
    """
    if "割" in m.group(0):
        if unit not in (None, "%"):
            raise NumberError(say("num.wari_unit", source=source, unit=unit))
        return "%", 0
    um = _UNIT_AT_RE.match(s, m.end())
    if um:
        return UNIT_ALIASES[um.group(0)], len(um.group(0))
    return unit, 0


#: Words right after a figure (and its unit) that make it a bound or a range
#: (80%台 is 80 ≤ x < 90, 80%強 a little over 80%, 300人余 over 300), and words
#: that make it approximate. A KPI sheet's figure never matches the report's
#: where the report goes on with one of them (``80%`` is not in ``80%台``).
BOUND_QUALIFIERS = ("以上", "以下", "未満", "以内", "超", "台", "強", "弱", "余")
APPROX_QUALIFIERS = ("程度", "前後", "ほど", "くらい", "ぐらい")
QUALIFIERS = BOUND_QUALIFIERS + APPROX_QUALIFIERS
#: Words right before a figure that make it approximate or a bound (約340万件,
#: 最大30件, 少なくとも5件): a KPI sheet's figure never matches the report's where
#: the report puts one of them before it (``340万件`` is not in ``約340万件``).
PREFIX_QUALIFIERS = (
    "約",
    "およそ",
    "概ね",
    "おおむね",
    "ほぼ",
    "最大",
    "最小",
    "最低",
    "最高",
    "少なくとも",
)
#: Marks between two figures that make them the ends of one range (9,700～9,800人,
#: 9,700から9,800人, 9,700–9,800人), as they stand after normalisation (～ 〜 → ~, – → -).
RANGE_MARKS = ("~", "-", "から")
# After 「AからB」, words that make it a change from A to B, not a range
_FROM_TO_RE = re.compile(r"^(?:に|へ|の?(?:増|減)|向上|上昇|低下|下落|改善|悪化|伸び)")
_STATED_RANGE_RE = re.compile(
    rf"(?:{_NUM})\s*{_MULT}?(?:{_UNIT_RE})?(~|-|から)[▲△]?((?:{_NUM})\s*{_MULT}?(?:{_UNIT_RE})?)"
)


def stated_range(text: str | None) -> bool:
    """Whether ``text`` states a range of two figures (not a change from one to the other).

    >>> stated_range("9,700～9,800人"), stated_range("9,700から9,800人"), stated_range("80–90%")
    (True, True, True)
    >>> stated_range("9,855人から9,718人に減少"), stated_range("9,718人"), stated_range("1-2")
    (False, False, True)
    """
    if text is None:
        return False
    s = _clean(str(text))
    for m in _STATED_RANGE_RE.finditer(s):
        if m.group(1) != "から" or not _FROM_TO_RE.match(s[m.end() :]):
            return True
    return False


def qualifier_after(tail: str, unit: str | None = None) -> str | None:
    """The qualifier word that ``tail`` (the text right after a figure) starts with, or None.

    台 is the counter of machines and vehicles where the unit is 台 (5台), not a range.

    >>> qualifier_after("台であった"), qualifier_after("台", unit="台"), qualifier_after("であり")
    ('台', None, None)
    """
    word = next((w for w in QUALIFIERS if tail.startswith(w)), None)
    if word == "台" and unit == "台":
        return None
    return word


@dataclass(frozen=True)
class Quantity:
    value: Decimal | None
    unit: str | None
    approx: bool
    missing: bool


def parse_quantity(text: str | None, unit: str | None = None) -> Quantity:
    """A stated value: number in base units, its unit, whether 約 (approximate).

    ``unit`` is the unit the caller expects; when the text names none, it is used.

    >>> parse_quantity("延べ 980 人／年")
    Quantity(value=Decimal('980'), unit='人', approx=False, missing=False)
    >>> parse_quantity("94.3％")
    Quantity(value=Decimal('94.3'), unit='%', approx=False, missing=False)
    >>> parse_quantity("9割")
    Quantity(value=Decimal('90'), unit='%', approx=False, missing=False)
    >>> parse_quantity("300人程度").approx
    True

    Raises
    ------
    NumberError
        If there is no number, it is malformed, a bound or range (100件以上,
        80%台), or in 割 with a unit other than %.
    """
    if says_missing(text):
        return Quantity(None, unit, False, True)
    s = _clean(text)
    found = _find_amount(s, text)
    if found is None:
        raise NumberError(say("num.none", text=text))
    value, m = found
    approx = "約" in s[: m.start()] or "およそ" in s[: m.start()]
    got_unit, unit_len = _unit_of(s, m, unit, text)
    word = qualifier_after(s[m.end() + unit_len :], got_unit)
    if word in BOUND_QUALIFIERS:
        raise NumberError(say("num.bound_word", text=text, word=word))
    return Quantity(value, got_unit, approx or word is not None, False)


def bound_word(text: str | None, unit: str | None = None) -> str | None:
    """The word after a text's figure that makes it a bound or a range (台, 以上 …), or None.

    >>> bound_word("9,718人台"), bound_word("100件以上"), bound_word("300人程度"), bound_word("5台", "台")
    ('台', '以上', None, None)
    """
    if says_missing(text):
        return None
    s = _clean(str(text))
    found = _find_amount(s, str(text))
    if found is None:
        return None
    got_unit, unit_len = _unit_of(s, found[1], unit, str(text))
    word = qualifier_after(s[found[1].end() + unit_len :], got_unit)
    return word if word in BOUND_QUALIFIERS else None


@dataclass(frozen=True)
class Target:
    kind: str  # at_least, greater_than, at_most, less_than, point, range, achieved, yes_no, none
    low: Decimal | None
    high: Decimal | None
    high_open: bool  # range excludes its upper bound (80%台 is 80 ≤ x < 90)
    unit: str | None
    approx: bool

    @property
    def value(self) -> Decimal | None:
        """The single number of the target, where there is one."""
        if self.kind in ("at_least", "greater_than", "point"):
            return self.low
        if self.kind in ("at_most", "less_than"):
            return self.high
        return None


TARGET_KINDS = (
    "at_least",
    "greater_than",
    "at_most",
    "less_than",
    "point",
    "range",
    "achieved",
    "yes_no",
    "none",
)
# The word after a target's figure → its kind (none: a point to reach)
_BOUND_WORDS = (
    ("以上", "at_least"),
    ("超", "greater_than"),
    ("を超", "greater_than"),
    ("以下", "at_most"),
    ("以内", "at_most"),
    ("未満", "less_than"),
)
_ACHIEVED_RE = re.compile(r"目標(?:値)?を?(?:全て|すべて)?達成(?:した|している|済)")
# A second number after ～ or the word から makes an explicit range: 80～90%, 80%から90%
# (から as a word: 80か90% is no range)
_RANGE_RE = re.compile(r"(?:[～~〜]|から)(.*)")


def _decade(value: Decimal) -> Decimal:
    """Width of 'N台': 80 → 10, 100 → 100, 1,500 → 100, 5 → 1, 2.5 → 0.1."""
    return Decimal(1).scaleb(value.normalize().as_tuple().exponent)


def parse_target(text: str | None, unit: str | None = None) -> Target:
    """A target as written: 1 万人以上, 80%台, 35 億円, 目標を達成した, 協定締結.

    >>> parse_target("目標値 1,000万円以上").low
    Decimal('10000000')
    >>> parse_target("10%未満").kind
    'less_than'
    >>> t = parse_target("5%以内")  # 以内 includes its bound, like 以下
    >>> (t.kind, t.low, t.high)
    ('at_most', None, Decimal('5'))
    >>> t = parse_target("100件超")  # 超 excludes it
    >>> (t.kind, t.low, t.high)
    ('greater_than', Decimal('100'), None)
    >>> t = parse_target("9割以上")
    >>> (t.kind, t.low, t.unit)
    ('at_least', Decimal('90'), '%')
    >>> parse_target("9割5分").low
    Decimal('95')
    >>> parse_target("80%程度").approx
    True
    >>> parse_target("目標を達成した").kind
    'achieved'
    >>> parse_target("包括協定の締結").kind
    'yes_no'
    >>> parse_target("").kind
    'none'
    """
    if says_missing(text):
        return Target("none", None, None, False, unit, False)
    s = _clean(text)
    found = _find_amount(s, text)
    if found is None:
        if _ACHIEVED_RE.search(s) or s in ("達成", "達成した"):
            return Target("achieved", None, None, False, unit, False)
        return Target("yes_no", None, None, False, unit, False)
    value, m = found
    after = s[m.end() :]
    got_unit, unit_len = _unit_of(s, m, unit, text)
    tail = after[unit_len:]
    word = qualifier_after(tail, got_unit)
    if word in ("強", "弱", "余"):
        raise NumberError(say("num.vague_target", text=text, word=word))
    approx = "約" in s[: m.start()] or word in APPROX_QUALIFIERS
    rng = _RANGE_RE.match(tail) or _RANGE_RE.match(after)
    hi = _AMOUNT_RE.search(rng.group(1)) if rng else None
    if hi:
        high = parse_amount(rng.group(1))
        hi_unit = _unit_after(rng.group(1), hi.end())
        return Target("range", value, high, False, hi_unit or got_unit, approx)
    if word == "台":
        return Target("range", value, value + _decade(value), True, got_unit, approx)
    kind = next((k for w, k in _BOUND_WORDS if tail.startswith(w)), "point")
    if kind in ("at_most", "less_than"):
        return Target(kind, None, value, False, got_unit, approx)
    return Target(kind, value, None, False, got_unit, approx)


@dataclass(frozen=True)
class Change:
    amount: Decimal
    unit: str | None
    points: bool


_UP_WORDS = ("増加", "増", "向上", "上昇", "伸び", "プラス")
_DOWN_WORDS = ("減少", "減", "低下", "下落", "マイナス")
_CHANGE_WORDS = _UP_WORDS + _DOWN_WORDS + ("改善", "悪化")
# The reference point of a change, dropped so that its digits are not read:
# 前年度から, 平成28年度末から, 前年度比 (比 only right before a figure, not 比率)
_REFERENCE_RE = re.compile(r"^.*?(?:から|比(?=(?:[▲△+\-]|マイナス)?\d))")


def _drop_reference(s: str) -> tuple[str, bool]:
    """``s`` without its reference point (前年度から, 前年度比), and whether it had one."""
    rest, n = _REFERENCE_RE.subn("", s, count=1)
    return rest, n > 0


def _sign_of_mark(before: str) -> int | None:
    """−1 for ▲ △ - マイナス right before a figure, +1 for +, else None."""
    if before.endswith(_MINUS_MARKS):
        return -1
    if before.endswith("+"):
        return 1
    return None


def _sign_of_words(words: str, direction: str) -> int | None:
    """Which way the words after a figure say it went (増/減; 改善/悪化 by ``direction``)."""
    if any(w in words for w in _DOWN_WORDS):
        return -1
    if any(w in words for w in _UP_WORDS):
        return 1
    if "改善" in words:
        return -1 if direction == "lower" else 1
    if "悪化" in words:
        return 1 if direction == "lower" else -1
    return None


def parse_change(text: str, unit: str | None = None, direction: str = "higher") -> Change:
    """A stated change from the previous value: 前年度から 159万円の減 → −1,590,000.

    改善 (improved) and 悪化 (worsened) are read in the light of ``direction``:
    for a lower-is-better indicator an improvement is a decrease. ▲/△ before the
    figure is a decrease (前年度比▲159万円), never a negative previous value.

    >>> parse_change("802万円の増").amount
    Decimal('8020000')
    >>> parse_change("2.2ポイント改善", direction="lower").amount
    Decimal('-2.2')
    >>> parse_change("前年度比▲159万円").amount
    Decimal('-1590000')

    Raises
    ------
    NumberError
        If the text has no number, no word or mark saying which way it went, or
        a mark and a word that disagree (▲159万円の増).
    """
    s, _ = _drop_reference(_clean(text))
    found = _find_amount(s, text)
    if found is None:
        raise NumberError(say("num.change_none", text=text))
    value, m = found
    if "割" in m.group(0):
        raise NumberError(say("num.change_wari", text=text))
    after = s[m.end() :]
    um = _UNIT_AT_RE.match(after)
    got_unit = UNIT_ALIASES[um.group(0)] if um else unit
    points = bool(um and um.group(0) in ("ポイント", "pt"))
    by_mark = _sign_of_mark(s[: m.start()])
    by_words = _sign_of_words(after[len(um.group(0)) if um else 0 :], direction)
    if by_mark is not None and by_words is not None and by_mark != by_words:
        raise NumberError(say("num.change_signs", text=text))
    sign = by_words if by_words is not None else by_mark
    if sign is None:
        raise NumberError(say("num.change_no_sign", text=text))
    return Change(_normal(sign * abs(value)), got_unit, points)


def looks_like_change(text: str | None) -> bool:
    """True if the text states a change rather than a value.

    A change has a reference point (前年度から…, 前年度比…), a word saying which way
    it went (…の減, …ポイント向上), or starts with ▲, △ or + (▲3).

    >>> looks_like_change("前年度から△159万円"), looks_like_change("9,855人")
    (True, False)
    """
    if text is None:
        return False
    s = _clean(str(text))
    m = _AMOUNT_RE.search(s)
    if not m:
        return False
    if any(w in s[m.end() :] for w in _CHANGE_WORDS) or s.startswith(("▲", "△", "+")):
        return True
    rest, referenced = _drop_reference(s)
    return referenced and _AMOUNT_RE.search(rest) is not None


# Marks a sheet may put before a figure as its sign (after NFKC: − and － are -)
_SIGN_MARKS = ("▲", "△", "-", "+", "マイナス", "プラス")
# Dashes that PDF text gives for a printed minus (or a dash): never read as a sign
AMBIGUOUS_DASHES = "ー―—‒"  # NFKC turns the half-width ｰ into ー
_AMBIGUOUS_DASH_RE = re.compile(f"[{AMBIGUOUS_DASHES}](?=[.]?\\d)")


def ambiguous_dash(text: str | None) -> str | None:
    """The dash right before a digit that may be a minus or not (``ー159万円``), or None.

    PDF extraction gives ``ー`` (the long-vowel mark) for a printed minus sign or
    dash; a long-vowel mark never stands before a digit in Japanese, so the
    text cannot say which it was.

    >>> ambiguous_dash("前年度比ー159万円"), ambiguous_dash("データー"), ambiguous_dash("−159")
    ('ー', None, None)
    """
    if text is None:
        return None
    m = _AMBIGUOUS_DASH_RE.search(_clean(str(text)))
    return m.group(0) if m else None


def figures(text: str | None) -> list[str]:
    """The figures of ``text`` as written (spaces removed); dates and era years are no figures.

    >>> figures("平成 29年度末で 9,718 人")
    ['9,718']
    >>> figures("売払いは 5 件 17,966,912円、合計29,509,646円")
    ['5', '17,966,912', '29,509,646']
    >>> figures("1 万人以上"), figures("9割5分"), figures("1億2,000万円")
    (['1万'], ['9割5分'], ['1億2,000万'])
    """
    if text is None:
        return []
    s = _clean(str(text))
    return [m.group(0) for m in _AMOUNT_RE.finditer(s) if not _is_date_part(s, m)]


def bare_signed(text: str | None) -> str | None:
    """The sign of a figure written with a sign but no words of a change, or None.

    ``−159万円`` may be a previous value of −159万円 or a fall of 159万円: only
    the words (前年度比, 前年度から, …の減) tell; ``前年度比−159万円`` is a change.

    >>> bare_signed("−159万円"), bare_signed("△159万円"), bare_signed("前年度比−159万円")
    ('-', '△', None)
    >>> bare_signed("9,855人"), bare_signed("159万円の減")
    (None, None)
    """
    if text is None:
        return None
    s = _clean(str(text))
    m = next((x for x in _AMOUNT_RE.finditer(s) if not _is_date_part(s, x)), None)
    if m is None:
        return None
    sign = next((k for k in _SIGN_MARKS if s[: m.start()].endswith(k)), None)
    if sign is None or _drop_reference(s)[1] or any(w in s[m.end() :] for w in _CHANGE_WORDS):
        return None
    return sign


_NEG_RE = re.compile(
    r"(なかった|ていない|できず|至らず|及ばず|届かず|達せず|未達|未実施|未締結|不調)"
)
_POS_RE = re.compile(r"(達成|到達|達した|上回|締結した|実施した|策定した|完了)")


def parse_result(text: str | None) -> bool | None:
    """What the report says about reaching the target or doing the thing.

    >>> parse_result("達成できなかった"), parse_result("目標を達成した"), parse_result("")
    (False, True, None)
    >>> parse_result("協定締結には至らなかった")
    False
    """
    if text is None:
        return None
    s = _clean(str(text))
    if s in ("", "nan", "<NA>"):
        return None
    if _NEG_RE.search(s):
        return False
    if _POS_RE.search(s):
        return True
    return None


def to_float(value: Decimal | None) -> float | None:
    """Decimal to float for tables; None stays None (missing is never 0)."""
    return None if value is None else float(value)
