"""Reading raw files as received: encodings, empty, binary and special files, invisible characters.

Raw files are only ever opened for reading here, and only regular files are
opened: a FIFO, a device, a socket or a folder named like a raw file is refused
from its ``os.stat`` before any ``open`` (opening a FIFO would wait forever for
a writer).

Invisible formatting characters (Unicode category Cf) in the text, decided per
character; a refusal names the character (``U+202E RIGHT-TO-LEFT OVERRIDE``),
the line and, in a CSV file, the column:

- bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C): refused everywhere. They change the order in which a reader sees
  the text (U+202E at the end of an indicator name shows what follows it
  reversed in the report), so what the report shows would not be what the data
  says.
- zero-width space, joiners, word joiner, soft hyphen (U+200B, U+200C, U+200D,
  U+2060, U+00AD): refused next to a digit, where they split a figure
  (``9<U+200B>718`` would read as 9) and no reader could see why; removed
  elsewhere, where text copied from a PDF or a web page carries them between
  words harmlessly: they show nothing and mean nothing in Japanese text, and
  removing them lets the report, the KPI sheet and the per-area CSV compare
  as they read.
- U+FEFF after the start of the text: refused. A byte-order mark belongs only
  at the start of a file (where it is accepted and dropped); anywhere else it
  marks two files joined into one.
- every other format character (invisible operators U+2061-U+2064, tag
  characters U+E0000-, interlinear annotation U+FFF9-U+FFFB, ...): refused;
  none has a place in a report or a sheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import stat
import unicodedata
from pathlib import Path

from .errors import InputError

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


# Invisible characters that PDF and web copies put between words: removed there,
# refused next to a digit (they would split the figure)
_REMOVABLE = frozenset("\u200b\u200c\u200d\u2060\u00ad")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
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


def strip_invisible(text: str, path: str | Path) -> str:
    """``text`` without the harmless invisible characters; refuse the others.

    See the module docstring for the decision per character.
    """
    found = [c for c in set(text) if unicodedata.category(c) == "Cf"]
    if not found:
        return text
    path = Path(path)
    runs = re.compile("[" + "".join(re.escape(c) for c in found) + "]+")
    for m in runs.finditer(text):
        for pos in range(m.start(), m.end()):
            c = text[pos]
            if c in _BIDI:
                why = (
                    "an invisible control that changes the order in which the text is "
                    "displayed; delete it"
                )
            elif c == "\ufeff":
                why = (
                    "a byte-order mark inside the text (two files joined into one?); "
                    "delete it, or re-save the file"
                )
            elif c not in _REMOVABLE:
                why = "an invisible formatting character; delete it"
            elif _next_to_digit(text, m.start(), m.end()):
                why = (
                    "an invisible character next to a digit, which splits the figure; "
                    "retype the number"
                )
            else:
                continue
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
