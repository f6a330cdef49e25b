"""Reading raw files as received: encodings, empty, binary and special files, invisible characters.

Raw files are only ever opened for reading here, and only regular files are
opened: a FIFO, a device, a socket or a folder named like a raw file is refused
from its ``os.stat`` before any ``open`` (opening a FIFO would wait forever for
a writer).

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
import hashlib
import io
import re
import stat
import unicodedata
from pathlib import Path

from helpers.core.errors import InputError

ENCODINGS = ("utf-8", "cp932")  # CP932, not shift_jis: Windows-made files use its extensions
_BOM = b"\xef\xbb\xbf"
# Single bytes Python's cp932 codec accepts but which are never text (0x80, 0xA0, 0xFD-0xFF).
_CP932_NON_TEXT = {"\x80": 0x80, "\uf8f0": 0xA0, "\uf8f1": 0xFD, "\uf8f2": 0xFE, "\uf8f3": 0xFF}
_CP932_NON_TEXT_RE = re.compile("[" + "".join(_CP932_NON_TEXT) + "]")


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode_after_bom(data: bytes, path: str | Path) -> str:
    """UTF-8 after a byte-order mark: no fallback to CP932, the mark says UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"starts with a UTF-8 byte-order mark but byte 0x{data[exc.start]:02x} is not UTF-8",
            line=_line_of_offset(data, exc.start),
        ) from None


def _decode_cp932(data: bytes, path: str | Path) -> str:
    """CP932, refusing the single bytes its codec accepts but which are never text."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is neither "
            "UTF-8 nor CP932 (Shift_JIS); re-save the file in UTF-8",
            line=_line_of_offset(data, exc.start),
        ) from None
    m = _CP932_NON_TEXT_RE.search(text)
    if m:
        raise InputError(
            path,
            f"byte 0x{_CP932_NON_TEXT[m.group(0)]:02x} is neither UTF-8 nor CP932 text; "
            "re-save the file in UTF-8",
            line=text.count("\n", 0, m.start()) + 1,
        )
    return text


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode raw bytes as UTF-8 (with or without BOM) or CP932.

    Returns the text and the encoding used. Raises :class:`InputError` for an
    empty file, a binary file, or bytes that are neither encoding, naming the
    line of the first bad byte.
    """
    if not data.strip() or (data.startswith(_BOM) and not data[3:].strip()):
        raise InputError(path, "the file is empty")
    if b"\x00" in data:
        raise InputError(
            path,
            "contains NUL bytes: this is a binary file (Excel .xlsx, PDF, UTF-16?), "
            "not text; save it as CSV/text in UTF-8 or CP932",
            line=_line_of_offset(data, data.index(b"\x00")),
        )
    if data.startswith(_BOM):
        return _decode_after_bom(data[3:], path), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf_exc:
        if any(ord(c) >= 0x800 for c in data[: utf_exc.start].decode("utf-8")):
            # Japanese text before the bad byte was UTF-8: a damaged UTF-8 file,
            # which CP932 would turn into mojibake without complaint.
            raise InputError(
                path,
                f"byte 0x{data[utf_exc.start]:02x} at offset {utf_exc.start} is not UTF-8, "
                "although the text before it is; the file is damaged, re-save it in UTF-8",
                line=_line_of_offset(data, utf_exc.start),
            ) from None
    return _decode_cp932(data, path), "cp932"


# C0 controls other than tab, line feed, carriage return and form feed
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def check_text(text: str, path: str | Path) -> None:
    """Refuse text full of control characters (binary garbage that decoded)."""
    first = _CONTROL_RE.search(text)
    if first is None:
        return
    count = len(_CONTROL_RE.findall(text))
    if count > max(2, len(text) // 200):
        line = text.count("\n", 0, first.start()) + 1
        raise InputError(path, "contains control characters: not a text file", line=line)


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
_FILE_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)


def _char_name(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}"


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
    return InputError(path, f"contains {_char_name(char)}, {why}", line=line, field=field)


def _next_to_digit(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _is_invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or ord(c) in DEFAULT_IGNORABLE or c in _LINE_SEPARATORS


def _why_refused(c: str, beside_digit: bool) -> str | None:
    """Why an invisible character is refused where it stands, or None to remove it."""
    if c in _BIDI:
        return (
            "an invisible control that changes the order in which the text is displayed; delete it"
        )
    if c == "\ufeff":
        return (
            "a byte-order mark inside the text (two files joined into one?); "
            "delete it, or re-save the file"
        )
    if c in _LINE_SEPARATORS:
        return (
            "a Unicode line/paragraph separator, which some programs show as a line break "
            "and others not; replace it with an ordinary line break"
        )
    if c not in _REMOVABLE:
        if unicodedata.category(c) == "Cf":
            return "an invisible formatting character; delete it"
        return "an invisible character (it shows as nothing, or as a blank that is no space); delete it"
    if beside_digit:
        return "an invisible character next to a digit, which splits the figure; retype the number"
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
            "a combining mark on a digit, which changes how the figure looks or splits it; "
            "retype the number",
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


_NO_PERMISSION = (
    "permission denied: the file cannot be read; give your user read access to it "
    "(or copy it into the folder as yourself)"
)


def _regular_file(p: Path) -> None:
    """Refuse what is not a regular file, from its stat alone (never opened)."""
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError(p, "file not found") from None
    except PermissionError:
        raise InputError(p, _NO_PERMISSION) from None
    for is_kind, message in _FILE_KINDS:
        if is_kind(mode):
            raise InputError(p, message)
    if not stat.S_ISREG(mode):
        raise InputError(p, "is not a regular file")


def _read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    _regular_file(p)
    try:
        return p.read_bytes()
    except PermissionError:
        raise InputError(p, _NO_PERMISSION) from None
    except FileNotFoundError:
        raise InputError(p, "file not found") from None
    except OSError as exc:
        raise InputError(p, f"cannot be read: {exc.strerror or exc}") from None


def read_text(path: str | Path) -> str:
    """Text of a raw file, in UTF-8, UTF-8 with BOM or CP932, any line ends.

    Line ends come back as ``\\n``; harmless invisible characters are removed
    and the others refused (see the module docstring).

    Raises
    ------
    InputError
        For a missing, unreadable or special file, an empty, binary or
        undecodable one, and refused invisible characters, naming the line.
    """
    p = Path(path)
    text, _ = decode_bytes(_read_bytes(p), p)
    check_text(text, p)
    return strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"), p)


def file_sha256(path: str | Path) -> str:
    """sha256 of a raw file's bytes (a regular file only, as for :func:`read_text`)."""
    return hashlib.sha256(_read_bytes(path)).hexdigest()
