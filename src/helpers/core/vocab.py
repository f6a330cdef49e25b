"""The one vocabulary: status scales (codes, labels as printed), display names, colours.

Every module that names a status (the report parser, the per-area table, the
audit, the narrative, the HTML report, the charts) takes it from here. A plan
whose reports word the statuses differently gets its own :class:`Vocabulary`
(:func:`Vocabulary.of_plan`, from its ``plan.toml``); :data:`STANDARD` is the
wording of the 第3次行財政再構築プラン's reports.

Matching: a plan's own labels are matched exactly (after width and space
normalisation); the keyword fallback (予定通り for 予定どおり) applies to the
standard vocabulary only, which is used where a plan gives no labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.core.textnorm import squash

#: the status codes of the standard scale, in the order the reports print them (best first)
STATUS_CODES: tuple[str, ...] = ("S", "A", "B")
#: a plan's scale has 2 to 7 levels
MIN_LEVELS, MAX_LEVELS = 2, 7
#: the column of the items a plan's table leaves outside its scale (対象外, 計画事項なし, −)
NOT_RATED = "not_rated"


@dataclass(frozen=True)
class Vocabulary:
    """How one plan's sources word its statuses: one scale of 2 to 7 levels, best first.

    ``labels`` maps each code, in the scale's order, to the labels as printed
    (the first is the one the workbook prints); ``keywords`` to words that
    identify a label written with small variations (予定どおり / 予定通り) in
    headers and tables. With ``exact`` (a plan's own labels) a label must be one
    of ``labels``; the keywords (then the labels themselves) only locate labels
    inside a longer text such as a table header.

    ``ahead`` and ``behind`` are the codes the report treats as ahead of and
    behind schedule (their items are listed one by one; default: the first and
    the last code); ``not_rated`` the labels of items outside the scale
    (対象外), counted beside the levels; ``name`` the scale's name where a plan
    has two (着手, 達成度), else "".
    """

    labels: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]
    exact: bool = False
    ahead: tuple[str, ...] = ("S",)
    behind: tuple[str, ...] = ("B",)
    not_rated: tuple[str, ...] = ()
    name: str = ""

    @classmethod
    def of_plan(
        cls,
        labels: dict[str, list[str] | tuple[str, ...]],
        *,
        ahead: tuple[str, ...] | list[str] | None = None,
        behind: tuple[str, ...] | list[str] | None = None,
        not_rated: tuple[str, ...] | list[str] = (),
        name: str = "",
    ) -> Vocabulary:
        """A plan's vocabulary: its codes in order with their labels as printed, matched exactly.

        >>> v = Vocabulary.of_plan({"S": ["予定より前倒しで進行している"],
        ...                         "A": ["予定どおり進行している"], "B": ["予定より遅れている"]})
        >>> v.code_of("予定より 遅れている"), v.code_of("予定通り進行している")
        ('B', None)
        >>> k = Vocabulary.of_plan({"S": ["特に良好に進捗"], "A": ["良好に進捗"],
        ...                         "B": ["概ね進捗"], "C": ["進捗に課題あり"]})
        >>> k.codes, k.ahead, k.behind
        (('S', 'A', 'B', 'C'), ('S',), ('C',))
        """
        clean = {c: tuple(v) for c, v in labels.items()}
        codes = tuple(clean)
        return cls(
            clean,
            {c: tuple(squash(x) for x in clean[c]) for c in codes},
            True,
            tuple(ahead) if ahead is not None else codes[:1],
            tuple(behind) if behind is not None else codes[-1:],
            tuple(not_rated),
            name,
        )

    @property
    def codes(self) -> tuple[str, ...]:
        """The scale's codes, best first: ``('S', 'A', 'B')``."""
        return tuple(self.labels)

    @property
    def listed(self) -> tuple[str, ...]:
        """The codes whose items the report lists one by one: ahead, then behind."""
        return tuple(c for c in self.codes if c in self.ahead or c in self.behind)

    @property
    def on_track(self) -> tuple[str, ...]:
        """The codes neither ahead nor behind (items only counted, not listed)."""
        return tuple(c for c in self.codes if c not in self.listed)

    @property
    def has_not_rated(self) -> bool:
        return bool(self.not_rated)

    def count_columns(self) -> tuple[str, ...]:
        """The count columns of the per-area table: the codes, then ``not_rated`` if any."""
        return self.codes + ((NOT_RATED,) if self.not_rated else ())

    def to_dict(self) -> dict:
        """The vocabulary as plain data (kept in a period's meta.json)."""
        return {
            "codes": list(self.codes),
            "labels": {c: list(self.labels[c]) for c in self.codes},
            "keywords": {c: list(self.keywords[c]) for c in self.codes},
            "exact": self.exact,
            "ahead": list(self.ahead),
            "behind": list(self.behind),
            "not_rated": list(self.not_rated),
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Vocabulary:
        codes = tuple(d.get("codes") or STATUS_CODES)  # meta written before plans had scales
        return cls(
            {c: tuple(d["labels"][c]) for c in codes},
            {c: tuple(d["keywords"][c]) for c in codes},
            bool(d.get("exact", False)),
            tuple(d.get("ahead", codes[:1])),
            tuple(d.get("behind", codes[-1:])),
            tuple(d.get("not_rated", ())),
            str(d.get("name", "")),
        )

    def label(self, code: str) -> str:
        """The label printed for ``code``: ``STANDARD.label("B") -> '予定よりも遅れている'``;
        ``not_rated``: the first not-rated label (対象外)."""
        if code == NOT_RATED:
            return self.not_rated[0] if self.not_rated else "対象外"
        return self.labels[code][0]

    def display(self, code: str) -> str:
        """A code as the report and charts show it: ``予定以上に進捗（S）``, ``対象外``."""
        if code == NOT_RATED:
            return self.label(code)
        return f"{self.label(code)}（{code}）"

    def is_not_rated(self, label: str) -> bool:
        """Whether ``label`` names items outside the scale (対象外)."""
        s = squash(label)
        return any(squash(x) == s for x in self.not_rated)

    def code_of(self, label: str) -> str | None:
        """The code of a label as written, or None.

        >>> STANDARD.code_of("予定どおりに 進捗")
        'A'
        >>> STANDARD.code_of("予定よりも遅れている（B）")
        'B'
        >>> STANDARD.code_of("未着手") is None
        True
        """
        s = squash(label)
        for code in self.codes:
            if any(squash(x) == s for x in self.labels[code]):
                return code
        if self.exact:
            return None
        for code in self.codes:
            if any(k in s for k in self.keywords[code]):
                return code
        return None

    def code_in(self, text: str) -> str | None:
        """The status a longer text (a list heading, a column header) names, or None.

        The longest label found in the text wins; the standard vocabulary then
        tries its keywords.

        >>> STANDARD.code_in("【参考２】予定よりも遅れている取組一覧（10項目）")
        'B'
        """
        s = squash(text)
        found = [
            (len(squash(x)), code)
            for code in self.codes
            for x in self.labels[code]
            if squash(x) in s
        ]
        if found:
            return max(found)[1]
        return None if self.exact else self.code_of(text)

    def known_labels(self) -> list[str]:
        """Every label as printed, for messages that list what is understood."""
        return [x for code in self.codes for x in self.labels[code]]

    def styles(self) -> dict[str, dict[str, str]]:
        """Each code's colour and hatching (and ``not_rated``'s, if any): see :func:`status_styles`."""
        return status_styles(self.count_columns())


STANDARD = Vocabulary(
    labels={
        "S": ("予定以上に進捗",),
        "A": ("予定どおりに進捗",),
        "B": ("予定よりも遅れている",),
    },
    keywords={
        "S": ("予定以上", "上回"),
        "A": ("どおり", "通り"),
        "B": ("遅れ",),
    },
)

#: the label printed for each code in the standard wording
STATUS_LABELS: dict[str, str] = {c: STANDARD.label(c) for c in STATUS_CODES}


def vocabulary_of(meta: dict | None) -> Vocabulary:
    """The vocabulary a period was cleaned with (kept in its meta), else the standard one."""
    d = (meta or {}).get("vocabulary")
    return Vocabulary.from_dict(d) if d else STANDARD


def scales_of(meta: dict | None) -> tuple[Vocabulary, ...]:
    """Every scale a period was cleaned with: plan.toml's [scales], else its one vocabulary."""
    several = (meta or {}).get("scales")
    if several:
        return tuple(Vocabulary.from_dict(d) for d in several)
    return (vocabulary_of(meta),)


def reading_vocabulary(scales: tuple[Vocabulary, ...]) -> Vocabulary:
    """One vocabulary holding every scale's codes and labels, for reading a per-area table
    whose columns are those of several scales (codes and labels are distinct across them)."""
    if len(scales) == 1:
        return scales[0]
    first = scales[0]
    return Vocabulary(
        {c: v.labels[c] for v in scales for c in v.codes},
        {c: v.keywords[c] for v in scales for c in v.codes},
        True,
        first.ahead,
        first.behind,
        (),
        "",
    )


def status_display(code: str, vocab: Vocabulary = STANDARD) -> str:
    """A status as the report and charts show it: ``予定以上に進捗（S）``."""
    return vocab.display(code)


#: colours and patterns of the statuses in charts and tables (readable in grey:
#: S dark, A light with dots, B orange with hatching)
STATUS_STYLE: dict[str, dict[str, str]] = {
    "S": {"color": "#1f5fa8", "hatch": "", "text": "white"},
    "A": {"color": "#c9d6e3", "hatch": "..", "text": "black"},
    "B": {"color": "#e07b00", "hatch": "///", "text": "black"},
}
#: the ordered palette of a scale, best first: blues to oranges, each with its own
#: hatching, so that neighbouring levels differ in grey too
PALETTE: tuple[dict[str, str], ...] = (
    STATUS_STYLE["S"],
    {"color": "#7aa6d9", "hatch": "\\\\", "text": "black"},
    STATUS_STYLE["A"],
    {"color": "#f4d9a8", "hatch": "--", "text": "black"},
    STATUS_STYLE["B"],
    {"color": "#a8480a", "hatch": "xx", "text": "white"},
    {"color": "#4a2208", "hatch": "++", "text": "white"},
)
#: which palette entries a scale of n levels takes (first best, last worst)
_PALETTE_PICKS = {
    2: (0, 4),
    3: (0, 2, 4),
    4: (0, 1, 2, 4),
    5: (0, 1, 2, 4, 5),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
NOT_RATED_STYLE = {"color": "#ffffff", "hatch": "", "text": "black", "edge": "#7f7f7f"}


def status_styles(columns: tuple[str, ...] | list[str]) -> dict[str, dict[str, str]]:
    """Colour and hatching of each code of a scale (and of ``not_rated``), in order.

    >>> status_styles(("S", "A", "B")) == STATUS_STYLE
    True
    >>> [s["color"] for s in status_styles(("A", "B", "C", "D")).values()]
    ['#1f5fa8', '#7aa6d9', '#c9d6e3', '#e07b00']
    """
    codes = [c for c in columns if c != NOT_RATED]
    picks = _PALETTE_PICKS.get(len(codes), tuple(range(len(codes))))
    out = {c: PALETTE[k % len(PALETTE)] for c, k in zip(codes, picks, strict=False)}
    if NOT_RATED in columns:
        out[NOT_RATED] = NOT_RATED_STYLE
    return out


#: whether a KPI met its target, as shown to readers
MET_LABELS: dict[bool, str] = {True: "目標達成", False: "目標未達成"}
MET_STYLE: dict[bool, dict[str, str]] = {
    True: {"color": "#1f5fa8", "hatch": ""},
    False: {"color": "#e07b00", "hatch": "///"},
}
#: a KPI's trend in the light of its direction, as shown to readers
TREND_LABELS: dict[str, str] = {"improved": "改善", "worsened": "悪化", "unchanged": "横ばい"}
#: the current value's bar beside the previous one (figure 4): improved or worsened in the
#: light of the KPI's direction; other colours than MET_STYLE's, which mean met / not met
TREND_STYLE: dict[str, dict[str, str]] = {
    "previous": {"color": "#9aa5b1", "hatch": ".."},
    "improved": {"color": "#2e7d32", "hatch": ""},
    "worsened": {"color": "#b23b3b", "hatch": "xx"},
}
#: the sign of a change, as shown to readers (the audit's check of 微減, 伸び … words)
CHANGE_LABELS: dict[str, str] = {"increase": "増加", "decrease": "減少", "none": "変化なし"}
#: shown wherever a value is missing (NA): never 0
MISSING_TEXT = "—"


# ------------------------------------------------------------- draft marks
#: the marks of a KPI sheet's ``draft`` column (see :mod:`helpers.cycle.drafts`)
MARK_TODO = "未入力"
MARK_CHECK = "要確認"
MARK_UNSURE = "要確認（不一致の可能性）"
DRAFT_MARKS = (MARK_CHECK, MARK_UNSURE, MARK_TODO)

# ------------------------------------------- a previous value carried by new-period
#: ``draft_source`` of a previous value new-period carried from the workbook's own
#: earlier period: 「prev_text は 2018-03/kpi_sheet.csv の value_text（9,718人）から転記」
_CARRIED_RE = re.compile(r"prev_text は (\d{4}-\d{2})/(\S+?) の value_text（(.*?)）から転記")


def carried_words(period: str, file_name: str, text: str) -> str:
    """The ``draft_source`` words of a previous value carried from ``period``'s sheet."""
    return f"prev_text は {period}/{file_name} の value_text（{text}）から転記"


def carried_from(draft_source: str, prev_text: str) -> str | None:
    """The period a previous value was carried from, if ``draft_source`` says so for this text.

    A previous value the report does not print, carried by new-period from the
    year-end that holds it, is checked by the cross-period audit against that
    period's value instead of against the report's words.
    """
    m = _CARRIED_RE.search(draft_source or "")
    if m and squash(m.group(3)) == squash(prev_text or "") and squash(prev_text or ""):
        return m.group(1)
    return None
