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
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    s = collapse(text)
    return re.sub(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])", "", s)
