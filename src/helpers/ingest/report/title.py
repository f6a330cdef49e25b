"""The title (the plan's name) and the summary sentence 全N項目（再掲M項目）の取組のうち、…."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.textnorm import squash
from helpers.core.vocab import NOT_RATED, STANDARD, Vocabulary
from helpers.ingest.report.lines import Squashed, read_count
from helpers.ingest.report.model import Summary

_SUMMARY_START_RE = re.compile(r"全\d+項目")
_SUMMARY_RE = re.compile(
    r"全(\d+)項目(?:[(（]再掲(\d+)項目[)）])?の取組のうち、?(.*?)(?:となりました|となった|です)"
)
_SUMMARY_SPAN = 400  # characters (spaces and line breaks removed) a summary sentence may run to


def _summary_counts(body: str, path: Path, line: int, vocab: Vocabulary) -> dict[str, int]:
    """Counts per code of the summary's 「N 項目が「label」」 parts (対象外: ``not_rated``)."""
    counts: dict[str, int] = {}
    for num, label in re.findall(r"(\d+)項目が「([^」]+)」", body):
        status = NOT_RATED if vocab.is_not_rated(label) else vocab.code_of(label)
        if status is None:
            raise InputError(
                path,
                say(
                    "report.unknown_status",
                    label=label,
                    known=", ".join(f"「{v}」" for v in [*vocab.known_labels(), *vocab.not_rated]),
                ),
                line=line,
            )
        if status in counts:
            raise InputError(path, say("report.status_twice", label=label), line=line)
        counts[status] = read_count(num, path, line, say("report.what_summary_count", label=label))
    if not counts:
        raise InputError(path, say("report.summary_no_counts"), line=line)
    stated = len(re.findall(r"項目が「", body))
    if stated != len(counts):
        raise InputError(
            path,
            say("report.summary_not_digits", stated=stated, n=len(counts), body=body[:60]),
            line=line,
        )
    for status in vocab.count_columns():
        counts.setdefault(status, 0)
    return counts


def parse_summary(lines: list[str], path: Path, vocab: Vocabulary = STANDARD) -> Summary:
    """The sentence 全N項目（再掲M項目）の取組のうち、x 項目が「…」、… となりました。

    The sentence is found by its words, wherever the lines are broken.
    """
    squashed = Squashed.of(lines)
    for start in _SUMMARY_START_RE.finditer(squashed.text):
        m = _SUMMARY_RE.match(squashed.text, start.start(), start.start() + _SUMMARY_SPAN)
        if not m:
            continue
        line = squashed.line_of(m.start())
        counts = _summary_counts(m.group(3), path, line, vocab)
        relisted = read_count(m.group(2), path, line, "再掲") if m.group(2) else None
        total = read_count(m.group(1), path, line, say("report.what_summary_total"))
        return Summary(total, relisted, counts, line, m.group(0))
    raise InputError(
        path,
        say("report.no_summary"),
    )


def find_plan_name(text: str) -> str | None:
    """The plan's name from a title such as 第３次行財政再構築プランの進捗状況（…）.

    >>> find_plan_name(" 第３次行財政再構築プランの進捗状況 \\n（平成 29年度末）について")
    '第3次行財政再構築プラン'
    """
    found = find_plan_title(text)
    return found[0] if found else None


def find_plan_title(text: str, expected: str | None = None) -> tuple[str, int] | None:
    """The plan's name from the title in the first lines, and the title's line number.

    A title wrapped over two or three lines (a narrower column) is read whole:
    with ``expected`` (plan.toml's name) the name is looked for across line
    breaks anywhere in the first lines; without it, a title line's first part is
    the line before it where that line does not end a sentence or a cell.

    >>> find_plan_title("# 第3次行財政再構築プランの進捗状況（平成29年9月末）: counts")
    ('第3次行財政再構築プラン', 1)
    >>> find_plan_title("資料３\\n" * 16 + "第２次行財政再構築プランの進捗状況\\n本文")
    ('第2次行財政再構築プラン', 17)
    >>> find_plan_title(" 第３次行財政再構築プ\\nランの進捗状況 \\n（平成 29年度末）について")
    ('第3次行財政再構築プラン', 1)
    >>> find_plan_title("第３次行財政再構築プランの進\\n捗状況", expected="第３次 行財政再構築プラン")
    ('第3次行財政再構築プラン', 1)
    """
    lines = text.split("\n")
    if expected:
        found = _expected_title(lines[:_TITLE_LINES], expected)
        if found:
            return found
    found = _wrapped_title(lines[:15])
    if found:
        return found
    # Further down only a line that is a title and nothing else (…プランの進捗状況（…）),
    # so that a cover sheet or a note before the title does not hide it from the plan check.
    for n, line in enumerate(lines[15:_TITLE_LINES], start=16):
        s = squash(line).lstrip("#").strip()
        m = _TITLE_LINE.match(s)
        if m and not m.group(1).startswith(("【", "各")) and not m.group(1)[0].isdigit():
            return m.group(1).rstrip("の"), n
    return None


_TITLE_LINES = 200  # the title is looked for in the first lines only
_TITLE_MAX = 60  # characters of a plan's name
#: where a line ends a sentence, a cell or a field: the next line starts anew
_ENDS = tuple("。．.、，,）)」』】:：!！?？")
#: a document label before a title (資料３, 別紙1), never part of the plan's name
_LABEL = re.compile(r"^(?:資料|別紙|別添|参考|議題|報告)[\d\-－‐]*$")


def _expected_title(lines: list[str], expected: str) -> tuple[str, int] | None:
    """``expected`` followed by (の)進捗状況 across line breaks, and the line it starts on."""
    squashed = Squashed.of([x.lstrip().lstrip("#") for x in lines])
    name = squash(expected)
    for m in re.finditer(f"({re.escape(name)})の?進捗状況", squashed.text):
        line = squashed.line_of(m.start())
        if squashed.starts[line - 1] == m.start():  # a title, not a sentence citing it
            return m.group(1), line
    return None


def _continues(line: str) -> bool:
    """Whether ``line`` may be the first part of a title wrapped onto the next line."""
    s = squash(line)
    return (
        bool(s)
        and not line.lstrip().startswith("#")
        and not s.endswith(_ENDS)
        and "進捗状況" not in s
        and not _LABEL.match(s)
        and not s.isascii()  # a note, a file name, a page mark: not part of a Japanese name
    )


def _wrapped_title(lines: list[str]) -> tuple[str, int] | None:
    """A title in the first lines, its parts joined where it is wrapped over lines."""
    squashed = Squashed.of(lines)
    for found in re.finditer(r"の?進捗状況", squashed.text):
        end_line = squashed.line_of(found.start())
        first = end_line
        # where 進捗状況 itself is cut (…の進 / 捗状況), the title ends on the line before
        title = squashed.text[squashed.starts[first - 1] : found.start()]
        while not title.lstrip("#").strip() and first > 1:
            first -= 1
            title = squashed.text[squashed.starts[first - 1] : found.start()]
        for _ in range(2):  # at most three lines
            prev = first - 1
            while prev >= 1 and not squash(lines[prev - 1]):
                prev -= 1
            if prev < 1 or lines[first - 1].lstrip().startswith("#"):
                break
            if (
                not _continues(lines[prev - 1])
                or len(title) + len(squash(lines[prev - 1])) > _TITLE_MAX
            ):
                break
            first = prev
            title = squashed.text[squashed.starts[first - 1] : found.start()]
        m = re.match(r"^(.{2,60}?)$", title.lstrip("#").strip())
        if m and not m.group(1).startswith(("【", "各")) and not re.search(r"[、。]", m.group(1)):
            return m.group(1).rstrip("の"), first
    return None


_TITLE_LINE = re.compile(r"^([^、。]{2,60}?プラン)の?進捗状況(?:[（(][^）)]*[）)])?(?:について)?$")
