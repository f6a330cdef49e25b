"""The report's text as lines: marks shared by the readers, counts, double spacing undone."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.jpnum import MAX_COUNT
from helpers.core.messages import say
from helpers.core.textnorm import squash

BULLETS = tuple("・①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳※【(（●○■□◆◇-") + ("ア ", "イ ")
MARKER_RE = re.compile(r"【([^】]{1,12})】")


def open_brackets(text: str) -> bool:
    """Whether ``text`` leaves a bracket （ 「 ( open."""
    return any(text.count(o) > text.count(c) for o, c in ("（）", "「」", "()"))


@dataclass
class Squashed:
    """The lines with every space and line break removed, and where each line starts."""

    text: str
    starts: list[int]

    @classmethod
    def of(cls, lines: list[str]) -> Squashed:
        parts = [squash(line) for line in lines]
        starts, at = [], 0
        for part in parts:
            starts.append(at)
            at += len(part)
        return cls("".join(parts), starts)

    def line_of(self, offset: int) -> int:
        """1-based number of the line holding the character at ``offset``."""
        return bisect_right(self.starts, offset)


def read_count(digits: str, path: Path, line: int, what: str) -> int:
    """A count of items as printed, refused beyond MAX_COUNT (a typo or garbage, never a count)."""
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        raise InputError(
            path,
            say("report.implausible_count", what=what, digits=digits, most=f"{MAX_COUNT:,}"),
            line=line,
        )
    return int(digits)


def undouble_lines(lines: list[str]) -> tuple[list[str], list[int]]:
    """Undo double line spacing: some PDF extractors end every line with two breaks.

    When (nearly) every run of empty lines between two lines is of odd length,
    each run of m empty lines becomes (m - 1) // 2, so that real blank lines
    (often a single space in PDF text) stay blank. Returns the lines and, for
    each, its 1-based line number in the file.

    >>> undouble_lines(["a", "", "b", "", " ", "", "c", ""])
    (['a', 'b', ' ', 'c'], [1, 3, 5, 7])
    """
    runs: list[int] = []
    m = 0
    for line in lines:
        if line == "":
            m += 1
        else:
            runs.append(m)
            m = 0
    runs = runs[1:]
    numbers = list(range(1, len(lines) + 1))
    if len(runs) < 3 or sum(1 for r in runs if r % 2 == 1) / len(runs) < 0.9:
        return lines, numbers
    out: list[str] = []
    out_no: list[int] = []
    pending: list[int] = []
    for no, line in zip(numbers, lines, strict=True):
        if line == "":
            pending.append(no)
            continue
        keep = (len(pending) - 1) // 2 if out else len(pending)
        for p in pending[: max(0, keep)]:
            out.append("")
            out_no.append(p)
        pending = []
        out.append(line)
        out_no.append(no)
    return out, out_no


def undouble_repeatedly(lines: list[str]) -> tuple[list[str], list[int]]:
    """:func:`undouble_lines` until nothing changes (text double-spaced twice over)."""
    numbers = list(range(1, len(lines) + 1))
    while True:
        out, kept = undouble_lines(lines)
        if len(out) == len(lines):
            return lines, numbers
        lines, numbers = out, [numbers[k - 1] for k in kept]
