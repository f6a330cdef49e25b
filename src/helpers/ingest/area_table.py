"""Per-area status tables in CSV, as the city writes them.

Headers are Japanese (分野, 項目数, 予定以上に進捗(S), 予定どおりに進捗(A),
予定よりも遅れている(B)); the file may be UTF-8, UTF-8 with BOM or CP932, with
LF or CRLF line ends, and may start with ``#`` comment lines. The area label
is ``1 地域協働の推進`` (or ``Ⅰ 地域協働の推進``); a totals row is labelled
計/合計 or left blank.

A status column's header is a label of the plan's vocabulary, optionally with
its code, ``予定以上に進捗(S)``. With a plan's own labels (``plan.toml``) a label
must be one of them exactly; with the standard vocabulary the keywords and the
code alone are understood too. A plan's scale may have 2 to 7 levels (one
column each) and a column of items outside it (対象外, plan.toml's
``not_rated``); the item count is then the rated items plus those.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.core.errors import Faults, InputError
from helpers.core.jpnum import MAX_COUNT
from helpers.core.messages import csv_error_text, say
from helpers.core.textnorm import ROMAN_NUMERALS, collapse, squash
from helpers.core.vocab import NOT_RATED, STANDARD, Vocabulary
from helpers.ingest.rawio import read_text

_ROMAN = ROMAN_NUMERALS

#: words that identify the columns other than the statuses (whose labels come from helpers.core.vocab)
COLUMN_KEYS = {
    "area": ("分野", "取組分野", "area"),
    "items": ("項目数", "取組数", "items"),
}


def required_columns(vocab: Vocabulary = STANDARD) -> tuple[str, ...]:
    """The columns a table must have, in the order the city prints them."""
    return (*COLUMN_KEYS, *vocab.count_columns())


TOTAL_LABELS = ("", "計", "合計", "総計")


@dataclass
class AreaTable:
    areas: pd.DataFrame  # area_no, area_name, items, a column per code (not_rated), line
    totals: dict[str, int] | None
    totals_line: int | None
    path: Path
    provenance: dict = field(default_factory=dict)  # a web page's title, caption, update date


def header_names(vocab: Vocabulary = STANDARD) -> dict[str, str]:
    """Each column's header as the city writes it, for messages."""
    return {"area": "分野", "items": "項目数"} | {
        code: (f"{vocab.label(code)}({code})" if code != NOT_RATED else vocab.label(code))
        for code in vocab.count_columns()
    }


_CODE_MARK = re.compile(r"[(（]\s*([A-Za-z][A-Za-z0-9]{0,7})\s*[)）]$")


def _status_column(h: str, vocab: Vocabulary) -> tuple[str | None, str, str | None]:
    """For a squashed header: the status it names, its label part, and its code mark (S)."""
    m = _CODE_MARK.search(h)
    mark = m.group(1) if m else None
    if mark is not None and mark not in vocab.codes and mark.upper() in vocab.codes:
        mark = mark.upper()  # (s) for (S)
    label = h[: m.start()] if m else h
    if not label:
        return mark, label, mark
    code = vocab.code_of(label)
    if code is None and not vocab.exact:
        code = vocab.code_of(h) or mark
    return code, label, mark


def _column_for(header: str, vocab: Vocabulary, path: Path, line: int) -> str | None:
    """The column a header names: area, items, or a status code (by its label or by (S))."""
    h = squash(header)
    for key, words in COLUMN_KEYS.items():
        if any(w.lower() in h.lower() for w in words):
            return key
    if vocab.is_not_rated(h):
        return NOT_RATED
    code, label, mark = _status_column(h, vocab)
    if code is not None and mark is not None and mark != code:
        raise InputError(
            path,
            say(
                "areas.mark_disagrees", header=header, mark=mark, code=code, label=vocab.label(code)
            ),
            line=line,
            field=header,
        )
    if code is None and vocab.exact and mark is not None:
        raise InputError(
            path,
            say(
                "areas.unknown_label",
                label=label,
                header=header,
                known=", ".join(f"「{x}」" for x in vocab.known_labels()),
            ),
            line=line,
            field=header,
        )
    return code


def _count(cell: str, path: Path, line: int, field: str) -> int:
    s = squash(cell)
    if not re.fullmatch(r"\d+", s):
        raise InputError(path, say("areas.not_whole", cell=cell), line=line, field=field)
    if len(s) > len(str(MAX_COUNT)) or int(s) > MAX_COUNT:
        raise InputError(
            path,
            say("areas.implausible", cell=cell, most=f"{MAX_COUNT:,}"),
            line=line,
            field=field,
        )
    return int(s)


def parse_area_label(label: str) -> tuple[int, str] | None:
    """``1 地域協働の推進`` or ``Ⅰ 地域協働の推進`` → (1, '地域協働の推進')."""
    s = label.strip()
    if s[:1] in _ROMAN:
        return _ROMAN[s[0]], collapse(s[1:]).replace(" ", "") or ""
    m = re.match(r"^(\d{1,2})[\s.．、:)）]*(.*)$", collapse(s))
    if m:
        return int(m.group(1)), m.group(2).replace(" ", "")
    return None


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The table's rows as (line number, cells), without comment and blank lines."""
    text = read_text(path)
    rows = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rows.append((n, next(csv.reader(io.StringIO(line)))))
        except csv.Error as exc:
            raise InputError(
                path, say("areas.bad_csv", error=csv_error_text(exc)), line=n
            ) from None
    if not rows:
        raise InputError(path, say("areas.no_rows"))
    return rows


def _header_columns(
    path: Path, header_line: int, header: list[str], vocab: Vocabulary
) -> dict[str, int]:
    """Each required column's index in the header; unknown, repeated or missing ones refused."""
    columns: dict[str, int] = {}
    names = header_names(vocab)
    faults = Faults(path)
    for idx, name in enumerate(header):
        if not name.strip():
            continue
        with faults.collect():
            key = _column_for(name, vocab, path, header_line)
            if key is None:
                raise InputError(
                    path,
                    say("areas.unknown_column", name=name, expected=", ".join(names.values())),
                    line=header_line,
                    field=name,
                )
            if key in columns:
                raise InputError(
                    path,
                    say("areas.two_columns", key=names.get(key, key)),
                    line=header_line,
                    field=name,
                )
            columns[key] = idx
    missing = [k for k in required_columns(vocab) if k not in columns]
    if missing and not faults:  # a column not understood is the missing one: said once
        faults.add(
            InputError(
                path,
                say("areas.missing_columns", names=", ".join(names[k] for k in missing)),
                line=header_line,
            )
        )
    faults.refuse()
    return columns


def _check_area_order(path: Path, areas: list[dict], field: str, faults: Faults) -> None:
    for expected, area in enumerate(areas, start=1):
        if area["area_no"] != expected:
            faults.add(
                InputError(
                    path,
                    say("areas.order", got=area["area_no"], expected=expected),
                    line=area["line"],
                    field=field,
                )
            )
            return  # one break in the order; the areas after it would all be off by one


def read_area_table(path: str | Path, vocab: Vocabulary = STANDARD) -> AreaTable:
    """Read a per-area table; every fault names the file, line and field.

    ``vocab`` is the plan's status vocabulary (see the module docstring). The
    faults of the rows are refused together, once the whole table has been read
    (:class:`helpers.core.errors.Faults`).
    """
    path = Path(path)
    return area_table_from_rows(path, _read_rows(path), vocab)


def area_table_from_rows(
    path: Path, rows: list[tuple[int, list[str]]], vocab: Vocabulary = STANDARD
) -> AreaTable:
    """The per-area table of rows (line, cells), the header first; from a CSV or a web page."""
    header_line, header = rows[0]
    columns = _header_columns(path, header_line, header, vocab)
    area_field = header[columns["area"]]
    areas = []
    totals = None
    totals_line = None
    faults = Faults(path)
    skipped = False  # a row left out: the order of the areas after it is not checked
    for n, row in rows[1:]:
        if len(row) != len(header):
            faults.add(
                InputError(path, say("areas.fields", got=len(row), want=len(header)), line=n)
            )
            skipped = True
            continue
        label = row[columns["area"]].strip()
        counts = {}
        for k in ("items", *vocab.count_columns()):
            with faults.collect():
                counts[k] = _count(row[columns[k]], path, n, header[columns[k]])
        if totals is not None:
            faults.add(InputError(path, say("areas.after_totals"), line=n))
            continue
        if squash(label) in TOTAL_LABELS:
            totals = {k: counts.get(k) for k in vocab.count_columns()} | {
                "items": counts.get("items")
            }
            totals_line = n
            continue
        parsed = parse_area_label(label)
        if parsed is None:
            faults.add(
                InputError(path, say("areas.label_number", label=label), line=n, field=area_field)
            )
            skipped = True
            continue
        areas.append({"area_no": parsed[0], "area_name": parsed[1], **counts, "line": n})
    if not areas and not faults:
        raise InputError(path, say("areas.no_area_rows"), line=header_line)
    if not skipped:
        _check_area_order(path, areas, area_field, faults)
    faults.refuse()
    return AreaTable(pd.DataFrame(areas), totals, totals_line, path)
