"""A scanner of words only a developer knows, in what the committee reads (issue 21).

File names, snake_case words, Python values (True/False/None/nan), hex hashes, plan
ids and English words (codes such as at_least, worsened, higher, inferred from name)
in the visible text of an HTML page (outside the collapsed 技術情報, ``details.tech``),
in a PDF's text and in every cell (headers included) of the reader CSV and xlsx files.
"""

from __future__ import annotations

import csv
import html.parser
import re
from pathlib import Path

import openpyxl

PATTERNS = {
    "file name": re.compile(
        r"[\w.-]+\.(?:csv|xlsx|toml|json|txt|html|pdf|ipynb|png|svg|py)\b", re.I
    ),
    "snake_case": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "Python value": re.compile(r"\b(?:True|False|None|nan|NaN|NaT)\b|<NA>"),
    "hash": re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}\b"),
    "plan id": re.compile(r"\b[a-z]+-\d+\b"),
    "English word": re.compile(r"\b[a-z]{3,}\b"),
}
_VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source"}


def findings(text: str) -> list[tuple[str, str]]:
    """(kind, word) for each developer's word in ``text``."""
    return [(kind, m.group(0)) for kind, rx in PATTERNS.items() for m in rx.finditer(text)]


class _Visible(html.parser.HTMLParser):
    """The text a reader sees (and hears: alt, title, aria-label), outside 技術情報."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[bool] = []
        self.parts: list[str] = []

    def _shown(self) -> bool:
        return not any(self.hidden)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._shown():
            self.parts += [a[k] for k in ("alt", "title", "aria-label") if a.get(k)]
        if tag in _VOID:
            return
        tech = tag == "details" and "tech" in (a.get("class") or "").split()
        self.hidden.append(tag in ("script", "style", "title") or tech)

    def handle_endtag(self, tag):
        if tag not in _VOID and self.hidden:
            self.hidden.pop()

    def handle_data(self, data):
        if self._shown():
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return "\n".join(parser.parts)


def reader_cells(path: Path) -> list[str]:
    """Every text cell of a reader CSV or xlsx file, headers and sheet names included."""
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [c for row in csv.reader(fh) for c in row]
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [ws.title for ws in book.worksheets]
    for ws in book.worksheets:
        cells += [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    return cells


def scan_outputs(out: Path) -> dict[str, list[tuple[str, str]]]:
    """Findings per file: index.html, each report.html, each period's tables."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".html" and "notebooks" not in path.parts:
            words = findings(visible_text(path.read_text(encoding="utf-8")))
        elif path.suffix in (".csv", ".xlsx") and path.parent.name == "tables":
            words = [w for cell in reader_cells(path) for w in findings(cell)]
        else:
            continue
        found[str(path.relative_to(out))] = words
    return found
