"""Reading raw files as received: encodings, empty, binary and special files.

Raw files are only ever opened for reading here, and only regular files are
opened: a FIFO, a device, a socket or a folder named like a raw file is refused
from its ``os.stat`` before any ``open`` (opening a FIFO would wait forever for
a writer).

Invisible characters are decided by :func:`helpers.core.textnorm.strip_invisible`.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import os_error_text, say
from helpers.core.radicals import to_unified
from helpers.core.textnorm import strip_invisible

MiB = 1024 * 1024
#: The largest raw file read, in bytes. A report's text is tens of KB and a KPI
#: sheet of 10,000 rows about 2 MB; a larger file is refused before it is read
#: (and while it is read, should it grow), so no read takes unbounded memory or time.
MAX_RAW_BYTES = 16 * MiB
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
            say("raw.bom_not_utf8", byte=f"0x{data[exc.start]:02x}"),
            line=_line_of_offset(data, exc.start),
        ) from None


def _decode_cp932(data: bytes, path: str | Path) -> str:
    """CP932, refusing the single bytes its codec accepts but which are never text."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            say("raw.not_utf8_cp932", byte=f"0x{data[exc.start]:02x}", offset=exc.start),
            line=_line_of_offset(data, exc.start),
        ) from None
    m = _CP932_NON_TEXT_RE.search(text)
    if m:
        raise InputError(
            path,
            say("raw.cp932_non_text", byte=f"0x{_CP932_NON_TEXT[m.group(0)]:02x}"),
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
        raise InputError(path, say("raw.empty"))
    if b"\x00" in data:
        raise InputError(
            path,
            say("raw.binary"),
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
                say("raw.damaged_utf8", byte=f"0x{data[utf_exc.start]:02x}", offset=utf_exc.start),
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
        raise InputError(path, say("raw.control_chars"), line=line)


_FILE_KINDS = (
    (stat.S_ISDIR, say("raw.is_folder")),
    (stat.S_ISFIFO, say("raw.is_special", kind="FIFO（名前付きパイプ）")),
    (stat.S_ISCHR, say("raw.is_special", kind="キャラクタデバイス")),
    (stat.S_ISBLK, say("raw.is_special", kind="ブロックデバイス")),
    (stat.S_ISSOCK, say("raw.is_special", kind="ソケット")),
)


_NO_PERMISSION = say("raw.no_permission")


def too_large(path: Path, size: int | str, limit: int, what: str = "ファイル") -> InputError:
    """The refusal of a file (or a part of one) larger than ``limit`` bytes, in Japanese."""
    shown = f"{size:,} バイト" if isinstance(size, int) else size
    return InputError(
        path,
        f"{what}が大きすぎます（{shown}。上限は {limit / MiB:g} MB）: 報告書のテキストや KPI "
        "シートはふつう数十 KB です。取り違えたファイルでないか確かめ、必要な部分だけを"
        "保存し直してください",
    )


def _regular_file(p: Path) -> int:
    """Refuse what is not a regular file, from its stat alone (never opened); its size."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(p, say("raw.not_found")) from None
    except PermissionError:
        raise InputError(p, _NO_PERMISSION) from None
    mode = st.st_mode
    for is_kind, message in _FILE_KINDS:
        if is_kind(mode):
            raise InputError(p, message)
    if not stat.S_ISREG(mode):
        raise InputError(p, say("raw.is_special", kind="特殊なファイル"))
    return st.st_size


def read_bytes(path: str | Path, limit: int = MAX_RAW_BYTES) -> bytes:
    """The bytes of a raw file (a regular file only), refused beyond ``limit`` bytes."""
    p = Path(path)
    size = _regular_file(p)
    if size > limit:
        raise too_large(p, size, limit)
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)  # the file may have grown since its stat
    except PermissionError:
        raise InputError(p, _NO_PERMISSION) from None
    except FileNotFoundError:
        raise InputError(p, say("raw.not_found")) from None
    except OSError as exc:
        raise InputError(p, say("raw.unreadable", why=os_error_text(exc))) from None
    if len(data) > limit:
        raise too_large(p, f"{limit:,} バイト超", limit)
    return data


def read_text(path: str | Path) -> str:
    """Text of a raw file, in UTF-8, UTF-8 with BOM or CP932, any line ends.

    Line ends come back as ``\\n``; harmless invisible characters are removed
    and the others refused (see the module docstring); Kangxi radicals and CJK
    radical supplements that stand for a kanji (⾏ U+2F8F for 行, as text copied
    from many PDFs has them) become that kanji (:mod:`helpers.core.radicals`).

    Raises
    ------
    InputError
        For a missing, unreadable or special file, an empty, binary or
        undecodable one, and refused invisible characters, naming the line.
    """
    p = Path(path)
    text, _ = decode_bytes(read_bytes(p), p)
    check_text(text, p)
    return to_unified(strip_invisible(text.replace("\r\n", "\n").replace("\r", "\n"), p))


def file_sha256(path: str | Path) -> str:
    """sha256 of a raw file's bytes (a regular file only, as for :func:`read_text`)."""
    return hashlib.sha256(read_bytes(path)).hexdigest()
