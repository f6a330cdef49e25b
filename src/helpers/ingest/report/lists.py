"""The lists of items ahead (【参考１】) and behind (【参考２】) schedule: headings, then listed items."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.textnorm import squash
from helpers.core.vocab import STANDARD, Vocabulary
from helpers.ingest.report.cells import parse_row
from helpers.ingest.report.lines import open_brackets
from helpers.ingest.report.model import ListedItem, ListHeading
from helpers.ingest.report.rows import Row, is_header_start, scan_rows

_HEADING_COUNT_RE = re.compile(r"[(（](\d+)項目(?:[(（]うち再掲(\d+)項目[)）])?[)）]")
_HEADING_MAX_LINES = 4


def _heading_goes_on(text: str, next_line: str) -> bool:
    """Whether a list heading wrapped onto ``next_line``."""
    s = squash(next_line)
    if not s or s.startswith("【") or is_header_start(next_line):
        return False
    if open_brackets(text):
        return True
    return "一覧" not in text or bool(re.match(r"[(（]\d+項目", s))


def _heading_at(lines: list[str], i: int, vocab: Vocabulary) -> tuple[ListHeading, int] | None:
    """The heading of a list (of an ahead or behind code) starting on line ``i``, and the
    index of its last line."""
    text = squash(lines[i])
    if not text.startswith("【参考"):
        return None
    end = i
    while (
        end + 1 < len(lines)
        and end - i + 1 < _HEADING_MAX_LINES
        and _heading_goes_on(text, lines[end + 1])
    ):
        end += 1
        text += squash(lines[end])
    status = vocab.code_in(text)
    if status not in vocab.listed:
        return None
    m = _HEADING_COUNT_RE.search(text)
    count = int(m.group(1)) if m else None
    relisted = int(m.group(2)) if m and m.group(2) else (0 if m else None)
    return ListHeading(status, count, relisted, i + 1, text), end


def find_list_headings(
    lines: list[str], path: Path, after_line: int, vocab: Vocabulary = STANDARD
) -> dict[int, tuple[ListHeading, int]]:
    """The list headings after ``after_line``, by the index of their first line."""
    found: dict[int, tuple[ListHeading, int]] = {}
    statuses: set[str] = set()
    i = after_line
    while i < len(lines):
        heading = _heading_at(lines, i, vocab)
        if heading is None:
            i += 1
            continue
        if heading[0].status in statuses:
            raise InputError(
                path, say("report.second_heading", status=heading[0].status), line=i + 1
            )
        statuses.add(heading[0].status)
        found[i] = heading
        i = heading[1] + 1
    if not found:
        raise InputError(
            path,
            say(
                "report.no_lists",
                headings="、".join(f"【参考】{vocab.label(c)}…一覧" for c in vocab.listed),
            ),
        )
    return found


def _row_status(
    row: Row, has_causes: bool, headings: dict[str, ListHeading], interleaved: bool
) -> tuple[str, str]:
    """A row's status and how it was found: by position, or by content where the
    two lists (one ahead, one behind) are printed inside each other."""
    if not interleaved:
        return row.position, "position"
    ahead, behind = headings  # interleaved: one list of each, ahead first
    empty = [st for st, h in headings.items() if h.count == 0]
    if len(empty) == 1:
        # one list says it has no items: every row belongs to the other
        return (behind if empty[0] == ahead else ahead), "heading (the other list is empty)"
    return (behind if has_causes else ahead), "content (【要因】)"


def _listed_items(
    rows: list[Row], headings: dict[str, ListHeading], path: Path, vocab: Vocabulary
) -> list[ListedItem]:
    by_position = {s: [r for r in rows if r.position == s] for s in headings}
    # the lists told apart by content: only one list ahead and one behind
    pair = [s for s in vocab.listed if s in headings]
    interleaved = (
        len(pair) == 2
        and pair[0] in vocab.ahead
        and pair[1] in vocab.behind
        and any(not by_position[s] for s in pair)
    )
    if interleaved:
        headings = {s: headings[s] for s in pair}
    items: list[ListedItem] = []
    seen: dict[int, int] = {}
    for r in rows:
        parsed = parse_row(r, path)
        status, basis = _row_status(r, parsed["has_causes"], headings, interleaved)
        if not parsed["name"]:
            raise InputError(path, say("report.no_item_name", numbers=r.numbers), line=r.line)
        for no in r.numbers:
            if no in seen:
                raise InputError(
                    path, say("report.listed_twice", no=no, first=seen[no]), line=r.line
                )
            seen[no] = r.line
        items.append(
            ListedItem(
                numbers=r.numbers,
                name=parsed["name"],
                status=status,
                progress=parsed["progress"],
                causes=parsed["causes"],
                next_steps=parsed["next_steps"],
                text=squash(" ".join([r.first_rest] + [t for _, t in r.body])),
                line=r.line,
                end_line=r.end,
                status_basis=basis,
            )
        )
    return items


def _check_last_row(items: list[ListedItem], path: Path, vocab: Vocabulary) -> None:
    """A delayed row gives 【要因】 then 【今後の対応】; the last row stopping in
    between means the file was cut off."""
    last = items[-1] if items else None
    if last and last.status in vocab.behind and last.causes is not None and not last.next_steps:
        raise InputError(
            path,
            say("report.last_truncated", no=last.numbers[0]),
            line=last.end_line,
        )


def _check_list_counts(
    items: list[ListedItem], headings: dict[str, ListHeading], path: Path, vocab: Vocabulary
) -> None:
    for status, heading in headings.items():
        numbers = [n for it in items if it.status == status for n in it.numbers]
        if heading.count is not None and len(numbers) != heading.count:
            raise InputError(
                path,
                say(
                    "report.list_count",
                    count=heading.count,
                    label=vocab.label(status),
                    n=len(numbers),
                    numbers=", ".join(map(str, numbers)),
                ),
                line=heading.line,
            )


def parse_item_lists(
    lines: list[str],
    path: Path,
    total_items: int,
    after_line: int,
    vocab: Vocabulary = STANDARD,
) -> tuple[dict[str, ListHeading], list[ListedItem]]:
    """The lists of items ahead of and behind schedule (plan.toml's ``ahead`` and
    ``behind`` codes), with each row's texts."""
    found = find_list_headings(lines, path, after_line, vocab)
    headings = {h.status: h for h, _ in found.values()}
    rows = scan_rows(lines, path, total_items, found)
    items = _listed_items(rows, headings, path, vocab)
    _check_last_row(items, path, vocab)
    _check_list_counts(items, headings, path, vocab)
    return headings, items
