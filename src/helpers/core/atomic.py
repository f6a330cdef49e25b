"""Writing a file atomically: a temporary file in the same folder, then one rename.

Kept free of heavy imports (pandas) so that quick paths (the index page's
up-to-date check and rebuild, the marker files) stay quick.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new temporary file beside ``name``, opened for writing.

    Made with mode 0o666 so that the operating system applies the process umask
    itself, as for any new file (``tempfile.mkstemp`` makes 0o600, and reading
    the umask means setting it for a moment, which other threads would see).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # a rename would replace a device, a pipe or a link (as root even /dev/null)
        raise InputError(path, say("atomic.not_regular"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path.parent, path.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_new_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path``, which must not exist: never overwrites (InputError if it does)."""
    if path.exists() or path.is_symlink():
        raise InputError(path, say("atomic.exists"))
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        if path.exists():  # made meanwhile by someone else: theirs stays
            raise InputError(path, say("atomic.exists"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
