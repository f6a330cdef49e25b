"""The one vocabulary: status codes, their labels as printed, display names, colours.

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

#: the status codes, in the order the reports print them
STATUS_CODES: tuple[str, ...] = ("S", "A", "B")


@dataclass(frozen=True)
class Vocabulary:
    """How one plan's sources word the three statuses.

    ``labels`` maps a code to the labels as printed (the first is the one the
    workbook prints); ``keywords`` to words that identify a label written with
    small variations (予定どおり / 予定通り) in headers and tables. With
    ``exact`` (a plan's own labels) a label must be one of ``labels``; the
    keywords (then the labels themselves) only locate labels inside a longer
    text such as a table header.
    """

    labels: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]
    exact: bool = False

    @classmethod
    def of_plan(cls, labels: dict[str, list[str] | tuple[str, ...]]) -> Vocabulary:
        """A plan's vocabulary: its labels as printed, matched exactly.

        >>> v = Vocabulary.of_plan({"S": ["予定より前倒しで進行している"],
        ...                         "A": ["予定どおり進行している"], "B": ["予定より遅れている"]})
        >>> v.code_of("予定より 遅れている"), v.code_of("予定通り進行している")
        ('B', None)
        """
        clean = {c: tuple(labels[c]) for c in STATUS_CODES}
        return cls(clean, {c: tuple(squash(x) for x in clean[c]) for c in STATUS_CODES}, True)

    def to_dict(self) -> dict:
        """The vocabulary as plain data (kept in a period's meta.json)."""
        return {
            "labels": {c: list(self.labels[c]) for c in STATUS_CODES},
            "keywords": {c: list(self.keywords[c]) for c in STATUS_CODES},
            "exact": self.exact,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Vocabulary:
        return cls(
            {c: tuple(d["labels"][c]) for c in STATUS_CODES},
            {c: tuple(d["keywords"][c]) for c in STATUS_CODES},
            bool(d.get("exact", False)),
        )

    def label(self, code: str) -> str:
        """The label printed for ``code``: ``STANDARD.label("B") -> '予定よりも遅れている'``."""
        return self.labels[code][0]

    def code_of(self, label: str) -> str | None:
        """S / A / B for a label as written, or None.

        >>> STANDARD.code_of("予定どおりに 進捗")
        'A'
        >>> STANDARD.code_of("予定よりも遅れている（B）")
        'B'
        >>> STANDARD.code_of("未着手") is None
        True
        """
        s = squash(label)
        for code in STATUS_CODES:
            if any(squash(x) == s for x in self.labels[code]):
                return code
        if self.exact:
            return None
        for code in STATUS_CODES:
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
            for code in STATUS_CODES
            for x in self.labels[code]
            if squash(x) in s
        ]
        if found:
            return max(found)[1]
        return None if self.exact else self.code_of(text)

    def known_labels(self) -> list[str]:
        """Every label as printed, for messages that list what is understood."""
        return [x for code in STATUS_CODES for x in self.labels[code]]


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


def status_display(code: str, vocab: Vocabulary = STANDARD) -> str:
    """A status as the report and charts show it: ``予定以上に進捗（S）``."""
    return f"{vocab.label(code)}（{code}）"


#: colours and patterns of the statuses in charts and tables (readable in grey:
#: S dark, A light with dots, B orange with hatching)
STATUS_STYLE: dict[str, dict[str, str]] = {
    "S": {"color": "#1f5fa8", "hatch": "", "text": "white"},
    "A": {"color": "#c9d6e3", "hatch": "..", "text": "black"},
    "B": {"color": "#e07b00", "hatch": "///", "text": "black"},
}

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
