"""Atomic writes: a temporary file and a rename, the usual file mode, no umask games."""

from __future__ import annotations

import os
import sys

import pytest

from helpers.core import atomic


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_new_file_gets_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o027)
    try:
        path = atomic.atomic_write_bytes(tmp_path / "a.csv", b"x\n")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


def test_writing_never_changes_the_process_umask(tmp_path, monkeypatch):
    """os.umask sets the mask for the whole process for a moment: other threads would see it."""

    def no_umask(mask):
        raise AssertionError("os.umask called")

    monkeypatch.setattr(os, "umask", no_umask)
    atomic.atomic_write_bytes(tmp_path / "a.csv", b"x\n")
    assert (tmp_path / "a.csv").read_bytes() == b"x\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.csv"
    target.write_bytes(b"old\n")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic.atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_special_file_or_a_link_is_never_replaced(tmp_path):
    from helpers.core.errors import InputError

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="通常のファイルではありません"):
        atomic.atomic_write_bytes(fifo, b"x")
    assert fifo.is_fifo()
    (tmp_path / "real").write_bytes(b"old")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(InputError, match="通常のファイルではありません"):
        atomic.atomic_write_bytes(tmp_path / "link", b"new")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real").read_bytes() == b"old"
