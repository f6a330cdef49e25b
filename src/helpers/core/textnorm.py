"""Width and whitespace normalisation for text extracted from PDFs.

PDF text has full-width digits (``１ ４ ２``), spaces inside numbers and words
(``平成 29年度``, ``1 万人``) and cells wrapped over lines. Two forms are used:

- :func:`nfkc` keeps line structure and single spaces (for parsing layout);
- :func:`squash` removes every space and line break (for comparing the
  wording of two texts, e.g. a KPI sheet cell against the report).

>>> squash("平成 29 年度末で 9,718\\n人")
'平成29年度末で9,718人'
>>> nfkc("１ ４ ２")
'1 4 2'

Invisible characters: every character of Unicode category Cf (format), every
Default_Ignorable_Code_Point (some are letters or marks, not Cf: the Hangul
fillers U+3164 U+FFA0 U+115F U+1160, the combining grapheme joiner U+034F,
the variation selectors U+FE00-U+FE0F, Mongolian U+180B-U+180F, Khmer
U+17B4-U+17B5), the line and paragraph separators U+2028/U+2029, and any
combining mark (category Mn, Mc, Me) directly after a digit, decided per
character; a refusal names the character (``U+202E RIGHT-TO-LEFT OVERRIDE``),
the line and, in a CSV file, the column:

- bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C): refused everywhere. They change the order in which a reader sees
  the text (U+202E at the end of an indicator name shows what follows it
  reversed in the report), so what the report shows would not be what the data
  says.
- zero-width space, joiners, word joiner, soft hyphen (U+200B, U+200C, U+200D,
  U+2060, U+00AD) and the variation selectors (U+FE00-U+FE0F,
  U+E0100-U+E01EF): refused next to a digit, where they split a figure
  (``9<U+200B>718`` would read as 9) and no reader could see why; removed
  elsewhere, where text copied from a PDF or a web page carries them between
  words harmlessly: they show nothing and mean nothing in Japanese text (a
  variation selector only picks a glyph shape of the kanji before it), and
  removing them lets the report, the KPI sheet and the per-area CSV compare
  as they read.
- U+FEFF after the start of the text: refused. A byte-order mark belongs only
  at the start of a file (where it is accepted and dropped); anywhere else it
  marks two files joined into one.
- U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: refused everywhere.
  Some programs break the line there and others do not, so line numbers and
  table cells would differ between the editor and this workbook.
- a combining mark directly after a digit (``9<U+0301>718``, the keycap
  U+20E3): refused; it changes how the figure looks, or splits it.
- every other format or default-ignorable character (invisible operators
  U+2061-U+2064, tag characters U+E0000-, interlinear annotation
  U+FFF9-U+FFFB, the Hangul fillers, the combining grapheme joiner, ...):
  refused everywhere; none has a place in a report or a sheet, and some (the
  Hangul fillers) show as a blank that is not a space.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say

_SPACE_RE = re.compile(r"\s+")  # \s includes U+3000 and U+00A0
# Characters NFKC leaves alone but which mean the same thing in these reports.
_EXTRA = str.maketrans(
    {
        "\u2212": "-",  # MINUS SIGN
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u301c": "～",  # WAVE DASH → FULLWIDTH TILDE (NFKC makes it ~)
        "\uff5e": "～",
    }
)


# Ⅰ..Ⅻ and ⅰ..ⅻ: the numbering of areas in the city's tables
ROMAN_NUMERALS = {chr(0x2160 + i): i + 1 for i in range(12)} | {
    chr(0x2170 + i): i + 1 for i in range(12)
}


# The same cell texts are normalised several times per KPI-sheet row (wording
# check, missing test, parsing): cache the recent ones.
@lru_cache(maxsize=4096)
def nfkc(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), with dashes unified."""
    return unicodedata.normalize("NFKC", text.translate(_EXTRA)).translate(_EXTRA)


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """NFKC and remove all whitespace, for wording comparisons."""
    return _SPACE_RE.sub("", nfkc(text))


# Full-width ASCII to ASCII for digits, letters and number punctuation only:
# Japanese punctuation （）：！？～ and circled numbers ①②③ stay as printed.
_KEEP_WIDE = set("（）：；！？～＆＃＠＝＜＞［］｛｝＿｜＾｀＇＂＊")
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_WIDE}
_WIDTH.update({0x3000: ord(" ")})
del _WIDTH[0xFF0D]  # － (none) is kept as printed


def widen_fix(text: str) -> str:
    """Full-width digits, letters, ％ and ，． to ASCII; all else as printed.

    >>> widen_fix("１ ４ ２（ＰＤＣＡ）①９４．８％")
    '1 4 2（PDCA）①94.8%'
    """
    return text.translate(_WIDTH)


def collapse(text: str) -> str:
    """Width-fixed, each run of whitespace one space, ends stripped (keeps ①, （）)."""
    return _SPACE_RE.sub(" ", widen_fix(text)).strip()


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one cell into one string.

    Line breaks inside a Japanese sentence carry no space; a break between two
    ASCII words or numbers (``SNS`` / ``の``) does not either in this material,
    so lines are joined with nothing and inner runs of spaces kept as one.
    """
    parts = [collapse(line) for line in lines]
    return "".join(p for p in parts if p)


def tidy_jp(text: str) -> str:
    """Display form of PDF text: width-fixed, and the spaces PDF extraction puts
    next to Japanese characters removed (``平成 29年度`` → ``平成29年度``).

    >>> tidy_jp("1 万人以上"), tidy_jp("SNS の 活用")
    ('1万人以上', 'SNSの活用')
    """
    return _JP_SPACE_RE.sub("", collapse(text))


#: a space the PDF extraction put next to a Japanese character
_JP_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])")


# Default_Ignorable_Code_Point, from DerivedCoreProperties.txt of Unicode 15.0.0
# (the same ranges since 14.0.0 added U+180F). Hard-coded: Python's unicodedata
# does not expose the property.
_DEFAULT_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ..KHMER VOWEL INHERENT AA
    (0x180B, 0x180D),  # MONGOLIAN FREE VARIATION SELECTOR ONE..THREE
    (0x180E, 0x180E),  # MONGOLIAN VOWEL SEPARATOR
    (0x180F, 0x180F),  # MONGOLIAN FREE VARIATION SELECTOR FOUR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x2064),  # WORD JOINER..INVISIBLE PLUS
    (0x2065, 0x2065),  # <reserved-2065>
    (0x2066, 0x206F),  # LEFT-TO-RIGHT ISOLATE..NOMINAL DIGIT SHAPES
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTOR-1..VARIATION SELECTOR-16
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # <reserved-FFF0>..<reserved-FFF8>
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT LETTER OVERLAP..SHORTHAND FORMAT UP STEP
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN BEAM..MUSICAL SYMBOL END PHRASE
    (0xE0000, 0xE0FFF),  # LANGUAGE TAG, TAG SPACE..CANCEL TAG, VARIATION SELECTOR-17..256, reserved
)
DEFAULT_IGNORABLE = frozenset(
    cp for low, high in _DEFAULT_IGNORABLE_RANGES for cp in range(low, high + 1)
)
_VARIATION_SELECTORS = frozenset(
    chr(cp) for cp in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)
_LINE_SEPARATORS = frozenset("\u2028\u2029")
# Invisible characters that PDF and web copies put between words: removed there,
# refused next to a digit (they would split the figure)
_REMOVABLE = frozenset("\u200b\u200c\u200d\u2060\u00ad") | _VARIATION_SELECTORS
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MARKS = ("Mn", "Mc", "Me")


def _char_name(c: str) -> str:
    return f"「U+{ord(c):04X} {unicodedata.name(c, '名前のない文字')}」"


def _csv_field(text: str, line: int, char: str) -> str | None:
    """Header name of the column of a CSV text whose record on ``line`` holds ``char``."""
    reader = csv.reader(io.StringIO(text))
    header = None
    first = 1
    try:
        for row in reader:
            span, first = (first, reader.line_num), reader.line_num + 1
            if header is None:
                if row and row[0].strip() and not row[0].lstrip().startswith("#"):
                    header = [c.strip() for c in row]
                    if span[0] <= line <= span[1]:
                        return None  # in the header itself
                continue
            if span[0] <= line <= span[1]:
                cells = [i for i, cell in enumerate(row) if char in cell]
                return header[cells[0]] if cells and cells[0] < len(header) else None
    except csv.Error:
        return None
    return None


def _invisible_error(text: str, pos: int, path: Path, why: str) -> InputError:
    char = text[pos]
    line = text.count("\n", 0, pos) + 1
    field = _csv_field(text, line, char) if path.suffix.lower() == ".csv" else None
    return InputError(
        path, say("text.invisible", char=_char_name(char), why=why), line=line, field=field
    )


def _next_to_digit(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _is_invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or ord(c) in DEFAULT_IGNORABLE or c in _LINE_SEPARATORS


def _why_refused(c: str, beside_digit: bool) -> str | None:
    """Why an invisible character is refused where it stands, or None to remove it."""
    if c in _BIDI:
        return say("text.bidi")
    if c == "\ufeff":
        return say("text.bom")
    if c in _LINE_SEPARATORS:
        return say("text.line_separator")
    if c not in _REMOVABLE:
        if unicodedata.category(c) == "Cf":
            return say("text.format_char")
        return say("text.invisible_char")
    if beside_digit:
        return say("text.splits_figure")
    return None


def _check_marks_on_digits(text: str, path: Path) -> None:
    """Refuse a combining mark (Mn, Mc, Me) directly after a digit."""
    marks = [c for c in set(text) if unicodedata.category(c) in _MARKS]
    if not marks:
        return
    m = re.search(r"(?<=\d)[" + "".join(re.escape(c) for c in marks) + "]", text)
    if m:
        raise _invisible_error(
            text,
            m.start(),
            path,
            say("text.mark_on_digit"),
        )


def strip_invisible(text: str, path: str | Path) -> str:
    """``text`` without the harmless invisible characters; refuse the others.

    See the module docstring for the decision per character.
    """
    path = Path(path)
    _check_marks_on_digits(text, path)
    found = [c for c in set(text) if _is_invisible(c)]
    if not found:
        return text
    runs = re.compile("[" + "".join(re.escape(c) for c in found) + "]+")
    for m in runs.finditer(text):
        beside_digit = _next_to_digit(text, m.start(), m.end())
        for pos in range(m.start(), m.end()):
            why = _why_refused(text[pos], beside_digit)
            if why is not None:
                raise _invisible_error(text, pos, path, why)
    return runs.sub("", text)


#: a quote that opens a cell: at the text's start or after a comma or a line end
_CELL_QUOTE = re.compile(r'(?<![^,\n])"')
#: the rest of a quoted cell up to its closing quote (``""`` is a quote character;
#: possessive: a doubled quote is never taken apart to close the cell)
_QUOTED_REST = re.compile(r'(?:[^"]|"")*+"')


def unclosed_quote_line(text: str) -> int | None:
    """The line where a CSV cell opens a quote that the file never closes, or None.

    The csv module then reads the rest of the file into that cell, and the faults it
    gives name lines past the end. A quote opens a cell only at the cell's start (a
    lone quote inside an unquoted cell, ``abc"def``, is text, as the csv module reads
    it); inside, ``""`` is a quote character. Linear in the text (regular expressions
    from one quoted cell to the next, not a step per character).
    """
    pos = 0
    while True:
        opening = _CELL_QUOTE.search(text, pos)
        if opening is None:
            return None
        rest = _QUOTED_REST.match(text, opening.end())
        if rest is None:
            return text.count("\n", 0, opening.start()) + 1
        pos = rest.end()
