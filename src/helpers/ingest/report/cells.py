"""One list row's columns: its name, progress (進捗状況), causes (【要因】) and next steps."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.textnorm import collapse, squash, tidy_jp
from helpers.ingest.report.lines import BULLETS, MARKER_RE, open_brackets
from helpers.ingest.report.rows import Row

NAME_MAX = 9  # a name cell wraps at about seven full-width characters
_FULL_SLACK = 3  # a line this close to the longest line of its row ran to the wrap width


_OPENING = ("（", "(")
_ENUMERATION = re.compile(r"^[（(][0-9０-９a-zａ-ｚア-ン一二三四五六七八九十]{1,2}[）)]")


def _starts_paragraph(t: str, before: str) -> bool:
    """Whether a line starts a new paragraph of its cell: a bullet (・ ① ※) or marker,
    but an opening bracket only after a sentence's end or as an enumeration (（１）):
    a line wrapped just before （学園西町地区…） continues its sentence."""
    if not t.startswith(BULLETS):
        return False
    if t.startswith(_OPENING) and not _ENUMERATION.match(t):
        return before.endswith(("。", "）", ")", "」", ":", "："))
    return True


def _join_cell(lines: list[str]) -> str:
    """Join a wrapped cell; bullets (・ ① ※) and markers start a new line."""
    out: list[str] = []
    for line in lines:
        t = collapse(line)
        if not t:
            continue
        if not out or _starts_paragraph(t, out[-1]):
            out.append(t)
        else:
            sep = " " if re.match(r"[A-Za-z0-9]", t) and re.search(r"[A-Za-z0-9]$", out[-1]) else ""
            out[-1] = out[-1] + sep + t
    return "\n".join(tidy_jp(o) for o in out)


def _split_future(lines: list[str]) -> tuple[str | None, str | None, str]:
    """Split 今後の取組 into (causes, next_steps, other) by 【要因】 / 【今後の対応】."""
    blocks: dict[str, list[str]] = {"": []}
    key = ""
    for line in lines:
        m = MARKER_RE.match(collapse(line))
        if m:
            key = squash(m.group(1))
            blocks.setdefault(key, [])
            rest = collapse(line)[m.end() :]
            if rest:
                blocks[key].append(rest)
            continue
        blocks[key].append(line)
    causes = next((blocks[k] for k in blocks if "要因" in k or "課題" in k), None)
    nexts = next((blocks[k] for k in blocks if "今後" in k or "対応" in k), None)
    other = _join_cell(blocks[""])
    return (
        _join_cell(causes) if causes is not None else None,
        _join_cell(nexts) if nexts is not None else None,
        other,
    )


def _name_goes_on(name: str, line: str, prev_len: int, wrap: int) -> bool | None:
    """Whether ``line`` continues a row's name; None where the text cannot tell.

    A name line is short (a narrow 項目名 column) or closes a bracket the name
    opened. Where the name's last line ran to the row's wrap width (every
    column wrapped at one width), a long next line may be either: ambiguous.
    """
    if line.startswith(BULLETS) or MARKER_RE.match(line):
        return False
    if open_brackets(name) and (
        not re.search("[、。]", line) or re.search("[）)」]", line.split("、")[0])
    ):
        return True
    if re.search("[、。]", line):
        return False
    if len(squash(line)) <= NAME_MAX:
        return True
    if prev_len >= wrap - _FULL_SLACK:
        return None
    return False


def _take_name(row: Row, path: Path) -> tuple[list[str], list[str], int]:
    """The row's name parts, progress text on its first line, and where the body goes on."""
    tokens = row.first_rest.split(" ", 1) if row.first_rest else []
    name = tokens[:1]
    if len(tokens) > 1 and tokens[1].strip():
        return name, [tokens[1]], 0  # name and progress share the first line
    wrap = max([row.first_len] + [len(collapse(t)) for _, t in row.body])
    prev_len = row.first_len
    for k, (lineno, raw) in enumerate(row.body):
        line = collapse(raw)
        if not line:
            if name:
                return name, [], k + 1
            continue
        goes_on = _name_goes_on("".join(name), line, prev_len, wrap) if name else True
        if goes_on is None:
            raise InputError(
                path,
                say("report.name_or_progress", no=row.numbers[0], text=line[:20]),
                line=lineno,
            )
        if not goes_on:
            return name, [], k
        name.append(line)
        prev_len = len(line)
    return name, [], len(row.body)


_PAST_END_RE = re.compile(r"[ただ]。$")


def _sentences(lines: list[tuple[int, str]]) -> list[tuple[int, bool, str]]:
    """(index in ``lines``, starts at a line's start, text) of each sentence or bullet."""
    out: list[tuple[int, bool, str]] = []
    current: list | None = None
    for k, (_, raw) in enumerate(lines):
        line = collapse(raw)
        if line.startswith(BULLETS) and current is not None:
            out.append(tuple(current))
            current = None
        for n, piece in enumerate(re.findall(r"[^。]*。|[^。]+$", line)):
            if current is None:
                current = [k, n == 0, ""]
            current[2] += piece
            if piece.endswith("。"):
                out.append(tuple(current))
                current = None
    if current is not None:
        out.append(tuple(current))
    return out


def _split_by_tense(lines: list[tuple[int, str]], row: Row, path: Path) -> int:
    """Where 今後の取組 begins in a row without blank lines or markers: the first
    sentence not in the past tense (進捗状況 tells what was done). Refuses where
    that sentence starts inside a line or the past tense comes back after it."""
    sentences = _sentences(lines)
    future = next(
        (
            n
            for n, (_, _, s) in enumerate(sentences)
            if s.endswith("。") and not _PAST_END_RE.search(s)
        ),
        None,
    )
    if future is None:
        return len(lines)
    k, at_start, _ = sentences[future]
    if future == 0 or not at_start or any(_PAST_END_RE.search(s) for _, _, s in sentences[future:]):
        raise InputError(
            path,
            say("report.progress_end", no=row.numbers[0]),
            line=lines[k][0],
        )
    return k


def _take_progress(
    row: Row, first: list[str], rest: list[tuple[int, str]], path: Path
) -> tuple[list[str], list[str]]:
    """Split the lines after the name into the progress column and the 今後の取組 column."""
    has_markers = any(MARKER_RE.match(collapse(t)) for _, t in row.body)
    progress = list(first)
    texts = [t for _, t in rest]
    for k, line in enumerate(texts):
        t = collapse(line)
        if MARKER_RE.match(t):
            return progress, texts[k:]
        if not t and progress and not has_markers and any(map(collapse, texts[k + 1 :])):
            return progress, texts[k + 1 :]  # a blank line ends the progress column
        if t:
            progress.append(line)
    if has_markers:
        return progress, []
    lines = [(row.line, t) for t in first] + [(n, t) for n, t in rest if collapse(t)]
    split = _split_by_tense(lines, row, path)
    return [t for _, t in lines[:split]], [t for _, t in lines[split:]]


def parse_row(row: Row, path: Path) -> dict:
    """Split one row's lines into name, progress and the 今後の取組 column."""
    name, first_progress, k = _take_name(row, path)
    progress, future = _take_progress(row, first_progress, row.body[k:], path)
    causes, next_steps, other = _split_future(future)
    if causes is None and next_steps is None:
        next_steps = other or None
    elif other:
        next_steps = (other + "\n" + (next_steps or "")).strip()
    return {
        "name": tidy_jp("".join(p.replace(" ", "") for p in name)),
        "progress": _join_cell(progress),
        "causes": causes,
        "next_steps": next_steps,
        "has_causes": causes is not None,
    }
