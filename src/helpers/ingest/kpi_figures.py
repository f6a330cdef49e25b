"""A KPI sheet row's texts against the report's text of its item: found whole, read one way.

Each text of the sheet must be in the report's text of the item, after width
and whitespace normalisation. Figures are matched whole: ``718人`` is not in ``9,718人`` and ``2.6%`` is not
in ``92.6%`` (a match may neither start nor end inside a figure of the report,
its digits, thousands separators, decimal point, ▲/△/− sign and 万/億 included;
``、`` before exactly three digits counts as a separator, so ``718人`` is not in
``9、718人`` either). Nor is a figure matched where the report goes on with a
word that changes its meaning (``jpnum.QUALIFIERS``: 以上 以下 未満 以内 超 台
強 弱 余 程度 前後 ほど くらい ぐらい): ``80%`` is not in ``80%台``, and the
message gives the form as printed.

Each figure field (value, previous value or change, target) must be readable
one way only, else the row is refused naming the field:

- one figure per field (two for an explicit target range 80～90%); dates and
  era years (平成29年度末) do not count, nor do the spaces of PDF text (1 万人);
- no ``ー`` (or ― —) right before a digit: PDF text gives it for a printed minus
  or dash; the analyst writes − or △ as the PDF prints it;
- no ``、`` between a digit and three more (a thousands separator or a list?);
- a previous-value text is a previous value as printed (9,855人) or a change
  with its words (前年度から159万円の減, 前年度比△159万円, 前年度比 −159万円,
  each a decrease); a signed figure without words (−159万円, △159万円) is
  refused: it could be either.

Each item's text is normalised and indexed once, so the check costs the same
for every row, whatever the size of the sheet.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from helpers.core.jpnum import (
    PREFIX_QUALIFIERS,
    QUALIFIERS,
    UNIT_ALIASES,
    ambiguous_dash,
    bare_signed,
    figures,
    says_missing,
    stated_range,
)
from helpers.core.messages import say
from helpers.core.textnorm import collapse, squash
from helpers.core.vocab import carried_from
from helpers.ingest.kpi_rows import TEXT_FIELDS, RowFault
from helpers.ingest.report import ListedItem

# A figure as the report's normalised text prints it: 9,718 / 92.6 / ▲159万 / -159万 /
# 1億2,000万 / 9割5 / 9、718 (、 before exactly three digits, as a thousands separator
# would stand). A wording match may not start or end strictly inside one.
_DIGITS = r"\d+(?:[,.]\d+|、\d{3}(?!\d))*"
_FIGURE_RE = re.compile(rf"[▲△\-ー―—‒]?{_DIGITS}(?:[百千万億兆割]+(?:{_DIGITS})?)*")
# A sheet text that ends in a figure or its unit: the report must not go on with a qualifier
_ENDS_IN_FIGURE_RE = re.compile(
    r"(?:\d|[百千万億兆割分]|" + "|".join(map(re.escape, UNIT_ALIASES)) + r")$"
)
# Targets that carry no number, whatever the unit column says


_UNIT = "|".join(sorted(map(re.escape, UNIT_ALIASES), key=len, reverse=True))
_BARE_FIGURE = rf"{_DIGITS}(?:[百千万億兆割]+(?:{_DIGITS})?)*"
# A figure (and its unit) then a range mark, ending where a needle starts: 9,700~ | 9,700人から
_RANGE_BEFORE_RE = re.compile(rf"[▲△]?{_BARE_FIGURE}(?:{_UNIT})?(~|-|から)$")
# A range mark then a figure (and its unit), where a needle ends: ~9,800人 | から9,800
_RANGE_AFTER_RE = re.compile(rf"(?:{_UNIT})?(~|-|から)[▲△]?{_BARE_FIGURE}(?:{_UNIT})?")
# After 「AからB」, words that make it a change from A to B (9,855人から9,718人に減少)
_FROM_TO = r"(?:に|へ|の?(?:増|減)|向上|上昇|低下|下落|改善|悪化|伸び)"
_FROM_TO_RE = re.compile(_FROM_TO)
_UNIT_THEN_FROM_TO_RE = re.compile(rf"(?:{_UNIT})?{_FROM_TO}")
_STARTS_WITH_FIGURE_RE = re.compile(r"[▲△\-]?\d")


@dataclass(frozen=True)
class Form:
    """Why the report's text holds a needle only as part of something else."""

    kind: str  # 'qualifier' (after: 80%台), 'prefix' (before: 約340万件), 'range' (9,700~9,800人)
    words: str  # the report's words, normalised: 80%台, 約340万件, 9,700~9,800人


class Figures:
    """A normalised text, indexed once: where its figures are, and which needles it holds whole.

    A needle is held whole where it neither starts nor ends inside a figure of the
    text, the text neither goes on with a qualifier (以上, 台, 程度 …) nor puts one
    before it (約, 最大 …), and it is not an end of a range (9,700～9,800人,
    9,700から9,800人, 9,700–9,800人).
    """

    def __init__(self, squashed: str) -> None:
        self.text = squashed
        inside = bytearray(len(squashed) + 1)
        for m in _FIGURE_RE.finditer(squashed):
            inside[m.start() + 1 : m.end()] = b"\x01" * (m.end() - m.start() - 1)
        self._inside = bytes(inside)
        self._found: dict[str, bool] = {}
        self._forms: dict[str, Form | None] = {}

    def holds(self, needle: str) -> bool:
        """True if the squashed ``needle`` occurs whole at least once (see the class)."""
        if needle not in self._found:
            self._search(needle)
        return self._found[needle]

    def _occurrences(self, needle: str) -> list[int]:
        found = []
        start = self.text.find(needle) if needle else -1
        while start >= 0:
            found.append(start)
            start = self.text.find(needle, start + 1)
        return found

    def _range_around(self, needle: str, start: int) -> Form | None:
        """The range the needle is one end of, or None."""
        end = start + len(needle)
        if _ENDS_IN_FIGURE_RE.search(needle):
            m = _RANGE_AFTER_RE.match(self.text, end)
            if m and not (m.group(1) == "から" and _FROM_TO_RE.match(self.text, m.end())):
                return Form("range", self.text[start : m.end()])
        if _STARTS_WITH_FIGURE_RE.match(needle):
            # (9,800 of 9,700-9,800 lies inside the figure -9,800: the range is found first)
            m = _RANGE_BEFORE_RE.search(self.text, max(0, start - 40), start)
            if m and not (m.group(1) == "から" and _UNIT_THEN_FROM_TO_RE.match(self.text, end)):
                return Form("range", self.text[m.start() : end])
        return None

    def _form_at(self, needle: str, start: int) -> Form | None | bool:
        """At one occurrence: None where whole, a Form where qualified or a range end,
        False where it starts or ends inside a figure."""
        end = start + len(needle)
        form = self._range_around(needle, start)
        if form:
            return form
        if self._inside[start] or self._inside[end]:
            return False
        if _ENDS_IN_FIGURE_RE.search(needle):
            word = next((w for w in QUALIFIERS if self.text.startswith(w, end)), None)
            if word:
                return Form("qualifier", needle + word)
        if _STARTS_WITH_FIGURE_RE.match(needle):
            word = next((w for w in PREFIX_QUALIFIERS if self.text.endswith(w, 0, start)), None)
            if word:
                return Form("prefix", word + needle)
        return None

    def _search(self, needle: str) -> None:
        held, form = False, None
        for at in self._occurrences(needle):
            got = self._form_at(needle, at)
            if got is None:
                held = True
                break
            if got and form is None:
                form = got
        self._found[needle] = held
        self._forms[needle] = None if held else form

    def form(self, needle: str) -> Form | None:
        """Where ``needle`` is not held whole but found qualified or as a range end: how."""
        if needle not in self._found:
            self._search(needle)
        return self._forms[needle]

    def qualified(self, needle: str) -> str | None:
        """The report's words that hold ``needle`` with a qualifier or as a range end, or None."""
        form = self.form(needle)
        return form.words if form else None

    def nearest(self, needle: str) -> str | None:
        """The figure of the text most like ``needle`` (for a message), or None."""
        figures = [m.group(0) for m in _FIGURE_RE.finditer(self.text)]
        close = difflib.get_close_matches(needle, figures, n=1, cutoff=0.6)
        return close[0] if close else None


@dataclass
class ItemIndex:
    """One item of the report, normalised once for every row of the sheet that cites it."""

    item: ListedItem
    figures: Figures
    sentences: tuple[list[tuple[Figures, str]], list[tuple[Figures, str]]]
    quotes: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, item: ListedItem) -> ItemIndex:
        others = "\n".join(filter(None, [item.causes, item.next_steps]))
        return cls(item, Figures(item.text), (_sentences(item.progress), _sentences(others)))

    def quote(self, needle: str) -> str | None:
        """The sentence holding ``needle`` whole: from the progress text first, then the rest."""
        target = squash(needle)
        if target not in self.quotes:
            self.quotes[target] = next(
                (shown for part in self.sentences for fig, shown in part if fig.holds(target)),
                None,
            )
        return self.quotes[target]


def _sentences(text: str | None) -> list[tuple[Figures, str]]:
    return [
        (Figures(squash(sentence)), collapse(sentence).strip("・ "))
        for sentence in re.split(r"(?<=。)|\n", text or "")
        if squash(sentence)
    ]


def _refuse_qualified(name: str, text: str, item_no: int, index: ItemIndex) -> None:
    """Refuse a figure that the report prints only with a word that changes its meaning
    (a qualifier after or before it) or only as an end of a range."""
    form = index.figures.form(squash(text))
    if form is None:
        return
    where = f"報告書の項目 {item_no}（{index.item.name}）"
    if form.kind == "qualifier":
        raise RowFault(
            name,
            say("kpi.qualified", text=text, no=item_no, name=index.item.name, qualified=form.words),
        )
    if form.kind == "prefix":
        raise RowFault(
            name,
            f"「{text}」は{where}に「{form.words}」としてしかありません。数値の前の語が"
            "その意味を変えます（概数・上限・下限）: 報告書のとおり"
            f"「{form.words}」と写してください",
        )
    words = form.words.replace("~", "～")
    raise RowFault(
        name,
        f"「{text}」は{where}に範囲「{words}」の一端としてしかありません。範囲の一端は"
        f"値ではありません: 報告書のとおり範囲「{words}」と写してください"
        "（値・前年度末の値としては数値なし（欠損）、目標としては範囲として読みます）",
    )


# 、 between a digit and exactly three more: a thousands separator (9,718) or a list?
_COMMA_LIKE_RE = re.compile(r"\d、\d{3}(?!\d)")
_RANGE_MARK_RE = re.compile(r"\d\D{0,8}(?:[~～〜]|から)\D{0,3}\d")
_FIGURE_FIELDS = ("value_text", "prev_text", "target_text")


def _check_figure_text(name: str, text: str) -> None:
    """One figure per field, written so that it can be read only one way."""
    dash = ambiguous_dash(text)
    if dash:
        raise RowFault(
            name,
            say("kpi.dash_before_digit", text=text, dash=dash, code=f"U+{ord(dash):04X}"),
        )
    if _COMMA_LIKE_RE.search(squash(text)):
        raise RowFault(
            name,
            say("kpi.ideographic_comma", text=text),
        )
    found = figures(text)
    is_range = stated_range(text) or (name == "target_text" and _RANGE_MARK_RE.search(squash(text)))
    allowed = 2 if is_range else 1
    if len(found) > allowed:
        raise RowFault(
            name,
            say("kpi.several_figures", text=text, n=len(found), found=", ".join(found)),
        )


def check_figures(rec: dict[str, str]) -> None:
    """Figures that cannot be read one way only: ambiguous dashes, several figures, bare signs."""
    for name in _FIGURE_FIELDS:
        if rec[name] and not says_missing(rec[name]):
            _check_figure_text(name, rec[name])
    sign = bare_signed(rec["prev_text"])
    if sign:
        raise RowFault(
            "prev_text",
            say("kpi.bare_sign", text=rec["prev_text"], sign=sign),
        )


def check_wording(rec: dict[str, str], item_no: int, index: ItemIndex) -> None:
    """Every stated text must be in the report's text of the item, its figures whole."""
    item = index.item
    for name in TEXT_FIELDS:
        text = rec[name]
        if name == "prev_text" and carried_from(rec.get("draft_source", ""), text):
            # carried by new-period from the workbook's year-end (the report does not
            # print it): the cross-period audit checks it against that period's value
            continue
        # a missing marker is checked too where it stands for the value (未算出)
        if text and (name == "value_text" or not says_missing(text)):
            if not index.figures.holds(squash(text)):
                _refuse_qualified(name, text, item_no, index)
                near = index.figures.nearest(squash(text))
                hint = say("kpi.report_has", near=near) if near else ""
                raise RowFault(
                    name,
                    say(
                        "kpi.not_in_report",
                        text=text,
                        no=item_no,
                        name=item.name,
                        first=item.line,
                        last=item.end_line,
                        hint=hint,
                    ),
                )
