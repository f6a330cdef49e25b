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
    QUALIFIERS,
    UNIT_ALIASES,
    ambiguous_dash,
    bare_signed,
    figures,
    says_missing,
)
from helpers.core.textnorm import collapse, squash
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


class Figures:
    """A normalised text, indexed once: where its figures are, and which needles it holds whole."""

    def __init__(self, squashed: str) -> None:
        self.text = squashed
        inside = bytearray(len(squashed) + 1)
        for m in _FIGURE_RE.finditer(squashed):
            inside[m.start() + 1 : m.end()] = b"\x01" * (m.end() - m.start() - 1)
        self._inside = bytes(inside)
        self._found: dict[str, bool] = {}

    def holds(self, needle: str) -> bool:
        """True if the squashed ``needle`` occurs with both ends outside any figure."""
        if needle not in self._found:
            self._found[needle] = self._search(needle)
        return self._found[needle]

    def _whole_at(self, needle: str) -> list[int]:
        """Where ``needle`` occurs with both ends outside any figure."""
        found = []
        start = self.text.find(needle)
        while start >= 0:
            if not self._inside[start] and not self._inside[start + len(needle)]:
                found.append(start)
            start = self.text.find(needle, start + 1)
        return found

    def _qualifier(self, needle: str, start: int) -> str | None:
        """The qualifier (以上, 台, …) the text goes on with after a needle ending in a figure."""
        if not _ENDS_IN_FIGURE_RE.search(needle):
            return None
        tail = self.text[start + len(needle) :]
        return next((w for w in QUALIFIERS if tail.startswith(w)), None)

    def _search(self, needle: str) -> bool:
        return any(self._qualifier(needle, at) is None for at in self._whole_at(needle))

    def qualified(self, needle: str) -> str | None:
        """``needle`` with the qualifier the text adds to it everywhere (80% → 80%台), or None."""
        for at in self._whole_at(needle):
            word = self._qualifier(needle, at)
            if word:
                return needle + word
        return None

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
    """Refuse a figure that the report prints only with a qualifier that changes its meaning."""
    qualified = index.figures.qualified(squash(text))
    if qualified:
        raise RowFault(
            name,
            f"'{text}' is in the report's text of item {item_no} ({index.item.name}) only as "
            f"'{qualified}': the word after the figure changes what it means (a bound, a range "
            f"or an approximation); copy the wording as printed: '{qualified}'",
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
            f"'{text}': '{dash}' (U+{ord(dash):04X}) right before a digit: PDF text gives it for "
            "a printed minus sign or a dash, so the figure cannot be read; look at the PDF and "
            "write − or △ as printed, in this sheet and in the report text",
        )
    if _COMMA_LIKE_RE.search(squash(text)):
        raise RowFault(
            name,
            f"'{text}': 、 between digits may be a thousands separator (9,718) or a list "
            "(9 and 718); if the PDF prints one figure, write it with a comma (9,718) in this "
            "sheet and in the report text",
        )
    found = figures(text)
    allowed = 2 if name == "target_text" and _RANGE_MARK_RE.search(squash(text)) else 1
    if len(found) > allowed:
        raise RowFault(
            name,
            f"'{text}' holds {len(found)} figures ({', '.join(found)}); copy only the figure "
            "of this field as printed (dates and era years such as 平成29年度末 do not count)",
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
            f"'{rec['prev_text']}' is a figure with a sign ({sign}) but no words: a previous "
            "value below zero, or a change? Write the previous value as printed (9,855人), or "
            "the change with its words as printed (前年度比△159万円, 前年度から159万円の減)",
        )


def check_wording(rec: dict[str, str], item_no: int, index: ItemIndex) -> None:
    """Every stated text must be in the report's text of the item, its figures whole."""
    item = index.item
    for name in TEXT_FIELDS:
        text = rec[name]
        # a missing marker is checked too where it stands for the value (未算出)
        if text and (name == "value_text" or not says_missing(text)):
            if not index.figures.holds(squash(text)):
                _refuse_qualified(name, text, item_no, index)
                near = index.figures.nearest(squash(text))
                hint = f" (the report has '{near}')" if near else ""
                raise RowFault(
                    name,
                    f"'{text}' is not in the report's text of item {item_no} "
                    f"({item.name}, lines {item.line}-{item.end_line}) as whole figures{hint}; "
                    "copy the wording as printed",
                )
