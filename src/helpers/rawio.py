"""Reading raw files as received: encodings, empty and binary files.

Raw files are only ever opened for reading here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import InputError

ENCODINGS = ("utf-8", "cp932")  # CP932, not shift_jis: Windows-made files use its extensions
_BOM = b"\xef\xbb\xbf"
# Single bytes Python's cp932 codec accepts but which are never text (0x80, 0xA0, 0xFD-0xFF).
_CP932_NON_TEXT = {"\x80": 0x80, "\uf8f0": 0xA0, "\uf8f1": 0xFD, "\uf8f2": 0xFE, "\uf8f3": 0xFF}


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


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
    if data.startswith(b"\xef\xbb\xbf"):
        data_nobom = data[3:]
        try:
            return data_nobom.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(
                path,
                f"starts with a UTF-8 byte-order mark but byte 0x{data_nobom[exc.start]:02x} "
                "is not UTF-8",
                line=_line_of_offset(data_nobom, exc.start),
            ) from None
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
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError as cp_exc:
            raise InputError(
                path,
                f"byte 0x{data[cp_exc.start]:02x} at offset {cp_exc.start} is neither "
                "UTF-8 nor CP932 (Shift_JIS); re-save the file in UTF-8",
                line=_line_of_offset(data, cp_exc.start),
            ) from None
        for i, c in enumerate(text):
            if c in _CP932_NON_TEXT:
                raise InputError(
                    path,
                    f"byte 0x{_CP932_NON_TEXT[c]:02x} is neither UTF-8 nor CP932 text; "
                    "re-save the file in UTF-8",
                    line=text.count("\n", 0, i) + 1,
                ) from None
        return text, "cp932"


def check_text(text: str, path: str | Path) -> None:
    """Refuse text full of control characters (binary garbage that decoded)."""
    bad = [i for i, c in enumerate(text) if ord(c) < 32 and c not in "\t\n\r\f"]
    if bad and len(bad) > max(2, len(text) // 200):
        line = text.count("\n", 0, bad[0]) + 1
        raise InputError(path, "contains control characters: not a text file", line=line)


def read_text(path: str | Path) -> str:
    """Text of a raw file, in UTF-8, UTF-8 with BOM or CP932, any line ends.

    Line ends come back as ``\\n``.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(p, "file not found") from None
    except IsADirectoryError:
        raise InputError(p, "is a folder, not a file") from None
    text, _ = decode_bytes(data, p)
    check_text(text, p)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
