"""Extraction variants of the real report text: the same report as other tools give it.

The real file (``data/raw/kodaira-3/2018-03/progress_report_H29_end.txt``) is one PDF
extraction: every line followed by an empty line, real blank lines holding a
space, each cell's last line ending in a space. pdftotext, pdfplumber or a copy
from a PDF viewer give the same report with other line breaks and spacing. This
module makes those variants from the real text, so that a test can check that
the parser reads the report's structure, not one extraction's layout.

Transformations (each a function ``str -> str`` or a layout of the structure):

- ``single_spaced``: the double line spacing undone;
- ``no_blank_lines``: every empty or whitespace-only line removed;
- ``rewrap(width)``: each cell (a run of lines up to one ending in a space, as
  PDF text ends a block) re-flowed at ``width`` characters, never cutting a
  number (``9,718``, ``62.6%``), an ASCII word or a 【…】 marker, closing
  punctuation kept on the line before (as Japanese typesetting does);
- ``strip_trailing``: trailing spaces removed;
- ``crlf``: CRLF line ends;
- ``fullwidth_digits`` / ``halfwidth_digits``: every digit one width;
- ``doubled_spaces``: every run of spaces twice as long;
- ``double_line_spacing``: every line followed by an empty line;
- ``split_headings(at)``: the title and the headings broken over two lines.

:func:`variants` returns the named combinations the tests run. ``must_parse``
is False for variants wrapped narrower than an item name column (12 and 15
characters), where a name and its progress text may be impossible to tell
apart: the parser may refuse those with an InputError naming a line, but must
never read them differently from the original.

    .venv/bin/python tests/support/extraction_variants.py OUT_DIR   # writes every variant
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Transform = Callable[[str], str]

_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_HALF = str.maketrans("０１２３４５６７８９", "0123456789")
# Units the re-wrapping never cuts: markers, numbers (with their separators,
# decimal point and percent sign), ASCII words; and single characters.
_UNIT_RE = re.compile(
    r"【[^】]*】|[0-9０-９][0-9０-９,，.．]*[%％]?|[A-Za-zＡ-Ｚａ-ｚ]+|\s+|.", re.DOTALL
)
# Characters a line never starts with (kinsoku): they stay on the line before.
_NO_LINE_START = set("、。，．）」』】・:：;；!！?？%％")


# ------------------------------------------------------------ line-level ones


def single_spaced(text: str) -> str:
    """The real file ends every line with two line breaks: make it one."""
    return text.replace("\n\n", "\n")


def no_blank_lines(text: str) -> str:
    """Remove every empty or whitespace-only line (single spacing as a result)."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def strip_trailing(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def fullwidth_digits(text: str) -> str:
    return text.translate(_FULL)


def halfwidth_digits(text: str) -> str:
    return text.translate(_HALF)


def doubled_spaces(text: str) -> str:
    return re.sub(r" +", lambda m: m.group(0) * 2, text)


def double_line_spacing(text: str) -> str:
    return "\n\n".join(text.split("\n"))


# ------------------------------------------------------------- re-wrapping


def blocks(text: str) -> list[str | None]:
    """The cells of single-spaced PDF text, each as one string; None for a blank line.

    A cell runs up to a line ending in whitespace (PDF text ends each block
    so) or up to a blank line. Lines inside a cell join without a space,
    except between two ASCII letters or digits.
    """
    out: list[str | None] = []
    current: str | None = None
    for line in text.split("\n"):
        if not line.strip():
            if current is not None:
                out.append(current)
                current = None
            out.append(None)
            continue
        if current is None:
            current = line.rstrip()
        else:
            part = line.strip()
            sep = (
                " "
                if re.search(r"[A-Za-z0-9]$", current) and re.match(r"[A-Za-z0-9]", part)
                else ""
            )
            current += sep + part
        if line != line.rstrip():
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return out


def wrap_cell(cell: str, width: int) -> list[str]:
    """Break one cell into lines of at most ``width`` characters (a unit that does not
    fit alone, or closing punctuation, may overflow). A break at a space drops it."""
    indent = cell[: len(cell) - len(cell.lstrip())]
    lines: list[str] = []
    line, space = indent, ""
    for unit in _UNIT_RE.findall(cell.lstrip()):
        if unit.isspace():
            space = " " * len(unit)
            continue
        fits = len(line) + len(space) + len(unit) <= width
        if fits or not line.strip() or unit in _NO_LINE_START:
            line += space + unit
        else:
            lines.append(line)
            line = unit
        space = ""
    lines.append(line)
    return lines


def rewrap(width: int) -> Transform:
    """Re-flow every cell of single-spaced text at ``width`` characters."""

    def apply(text: str) -> str:
        out: list[str] = []
        for cell in blocks(text):
            if cell is None:
                out.append(" ")  # a blank line, as the PDF text has it
                continue
            lines = wrap_cell(cell, width)
            lines[-1] += " "  # the block's end, as the PDF text marks it
            out.extend(lines)
        return "\n".join(out)

    apply.__name__ = f"rewrap{width}"
    return apply


def split_headings(at: int) -> Transform:
    """Break the title and every heading (【表…】, 【参考…】) after ``at`` characters, as a
    narrower column would: ``第３次行財政再構築プ`` / ``ランの進捗状況``. A heading's
    first part ends without a space, so :func:`blocks` reads the two lines as one cell."""

    def apply(text: str) -> str:
        out: list[str] = []
        for n, line in enumerate(text.split("\n")):
            body = line.strip()
            heading = body.startswith(("【表", "【参考")) or (n < 8 and "進捗状況" in body)
            cut = max(at, body.find("】") + 1)  # a 【…】 marker is never cut
            if heading and len(body) > cut + 1:
                indent = line[: len(line) - len(line.lstrip())]
                out += [indent + body[:cut], body[cut:] + line[len(line.rstrip()) :]]
            else:
                out.append(line)
        return "\n".join(out)

    apply.__name__ = f"split_headings{at}"
    return apply


# ---------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variant:
    name: str
    text: str
    must_parse: bool = True  # False: may be refused as ambiguous, never misread


def compose(*steps: Transform) -> Transform:
    def apply(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return apply


SURFACES: dict[str, Transform] = {
    "": lambda t: t,
    "trailing_stripped": strip_trailing,
    "crlf": crlf,
    "fullwidth_digits": fullwidth_digits,
    "halfwidth_digits": halfwidth_digits,
    "doubled_spaces": doubled_spaces,
    "double_line_spacing": double_line_spacing,
}

COMBINATIONS: dict[str, tuple[str, ...]] = {
    "stripped+crlf": ("trailing_stripped", "crlf"),
    "fullwidth+doubled_spaces": ("fullwidth_digits", "doubled_spaces"),
    "halfwidth+double_line_spacing+crlf": ("halfwidth_digits", "double_line_spacing", "crlf"),
    "all": (
        "fullwidth_digits",
        "doubled_spaces",
        "trailing_stripped",
        "double_line_spacing",
        "crlf",
    ),
}


def layouts() -> dict[str, Transform]:
    """The line structures: as extracted, single-spaced, without blank lines, re-wrapped."""
    out: dict[str, Transform] = {
        "original": lambda t: t,
        "single_spaced": single_spaced,
        "no_blank_lines": compose(single_spaced, no_blank_lines),
    }
    for width in (20, 35, 60):
        out[f"rewrap{width}"] = compose(single_spaced, rewrap(width))
        out[f"no_blank_rewrap{width}"] = compose(single_spaced, rewrap(width), no_blank_lines)
    return out


NARROW = {
    "rewrap12": (12, False),
    "no_blank_rewrap15": (15, True),
}


def variants(text: str) -> list[Variant]:
    """Every layout with every surface change alone, and with the combinations."""
    out: list[Variant] = []
    for layout, shape in layouts().items():
        base = shape(text)
        for surface, change in SURFACES.items():
            out.append(Variant(f"{layout}+{surface}" if surface else layout, change(base)))
        for combo, names in COMBINATIONS.items():
            change = compose(*(SURFACES[n] for n in names))
            out.append(Variant(f"{layout}+{combo}", change(base)))
    for name, (width, drop_blanks) in NARROW.items():
        shape = compose(single_spaced, rewrap(width), *([no_blank_lines] if drop_blanks else []))
        out.append(Variant(name, shape(text), must_parse=False))
    return out


def main(argv: list[str]) -> int:
    report = (
        Path(__file__).resolve().parents[2]
        / "data/raw/kodaira-3/2018-03/progress_report_H29_end.txt"
    )
    dest = Path(argv[1]) if len(argv) > 1 else Path("variants")
    dest.mkdir(parents=True, exist_ok=True)
    for v in variants(report.read_text(encoding="utf-8")):
        (dest / f"{v.name}.txt").write_bytes(v.text.encode("utf-8"))
    print(f"{len(variants(report.read_text(encoding='utf-8')))} variants in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
