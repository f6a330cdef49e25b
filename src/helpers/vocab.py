"""The one vocabulary: status codes, their labels as printed, display names, colours.

Every module that names a status (the report parser, the per-area table, the
audit, the narrative, the HTML report, the charts) takes it from here. A plan
whose reports word the statuses differently gets its own :class:`Vocabulary`
(the plans issue reads it from ``plan.toml``); :data:`STANDARD` is the wording
of the 第3次行財政再構築プラン's reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from .textnorm import squash

#: the status codes, in the order the reports print them
STATUS_CODES: tuple[str, ...] = ("S", "A", "B")


@dataclass(frozen=True)
class Vocabulary:
    """How one plan's sources word the three statuses.

    ``labels`` maps a code to the labels as printed (the first is the one the
    workbook prints); ``keywords`` to words that identify a label written with
    small variations (予定どおり / 予定通り) in headers and tables.
    """

    labels: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]

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
        for code in STATUS_CODES:
            if any(k in s for k in self.keywords[code]):
                return code
        return None

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
#: the sign of a change, as shown to readers (the audit's check of 微減, 伸び … words)
CHANGE_LABELS: dict[str, str] = {"increase": "増加", "decrease": "減少", "none": "変化なし"}
#: shown wherever a value is missing (NA): never 0
MISSING_TEXT = "—"
