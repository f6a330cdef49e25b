"""``reform-workbook clean`` (``make clean-outputs``): remove what the workbook made, and only that.

Which files are the workbook's is decided file by file, as a run decides whether
it may replace a folder (:func:`helpers.core.paths.foreign_files`):

- a period's output folder ``<output>/<plan>/<period>/`` and its processed folder
  ``<data>/processed/<plan>/<period>/``, each carrying the workbook's marker (or the
  run fingerprint of a version before the marker): the files named in
  :data:`helpers.core.paths.OUTPUT_PRODUCTS` (or the processed tables) are removed,
  then the folders left empty. A file of the user's inside (``tables/memo.csv``) is
  kept with its folders, and named;
- the leftovers of a killed run beside them (``.<period>.staging-*``, ``.<period>.old-*``),
  the same way;
- each plan's ``kpi_history.csv`` in ``<data>/processed/<plan>/``, and ``<output>/index.html``
  if the workbook made it (its meta tag).

Only plans with raw data and folders named as a run names them are looked at (a copy
``2018-03 提出版`` is the user's); an output or processed folder inside ``raw/`` (or
holding it, also through a link) is refused before anything is removed.

A period that a run holds (its lock) is left alone and named. Nothing under
``raw/`` is ever touched, nor any folder without the marker.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from helpers.core import paths
from helpers.core.messages import say
from helpers.core.plans import PERIOD_ID, plan_ids
from helpers.present.index_page import INDEX_FILE, is_workbook_index


@dataclass
class CleanResult:
    removed: list[Path] = field(default_factory=list)  # files removed
    kept: dict[Path, list[Path]] = field(default_factory=dict)  # folder -> the user's files in it
    busy: list[Path] = field(default_factory=list)  # folders a running run holds


def _folders(root: Path, plans: set[str]) -> Iterator[tuple[Path, str, Path]]:
    """(plan folder, period, period folder or leftover) under ``root``; links never followed.

    Only the folders a run makes: ``<plan>/<YYYY-MM>`` of a plan with raw data, and
    a killed run's leftovers (:data:`helpers.core.paths.LEFTOVER`); a copy such as
    ``2018-03 提出版`` or ``archive/2017-09`` is the user's, whatever it holds. An
    output staging folder holds the period's folder one level down: that one comes
    first, so that the staging folder is empty but for its marker after it.
    """
    if not root.is_dir():
        return
    for plan in sorted(root.iterdir()):
        if plan.is_symlink() or not plan.is_dir() or plan.name not in plans:
            continue
        for sub in sorted(plan.iterdir()):
            if sub.is_symlink() or not sub.is_dir():
                continue
            leftover = paths.LEFTOVER.fullmatch(sub.name)
            if leftover is None and not PERIOD_ID.match(sub.name):
                continue
            period = leftover.group(1) if leftover else sub.name
            if leftover and leftover.group(2) == "staging":
                inner = sub / period
                if inner.is_dir() and not inner.is_symlink():
                    yield plan, period, inner
            yield plan, period, sub


def _is_workbooks(folder: Path) -> bool:
    return (folder / paths.MARKER).is_file() or (folder / paths.FINGERPRINT_FILE).is_file()


@contextlib.contextmanager
def _held(plan_dir: Path, period: str) -> Iterator[bool]:
    """The period's lock if free (True), else False; no lock file is made where none was."""
    lock_file = plan_dir / f".{period}.lock"
    if not lock_file.exists():
        yield True
        return
    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _clean_folder(folder: Path, processed: bool, result: CleanResult) -> None:
    """Remove the workbook's files in ``folder``, then the folders left empty."""
    foreign = set(paths.foreign_files(folder, processed=processed))
    for p in sorted(folder.rglob("*"), reverse=True):
        own_record = p.parent == folder and p.name in (paths.MARKER, paths.FINGERPRINT_FILE)
        if p in foreign or (foreign and own_record):
            # a folder kept for the user's files stays marked as the workbook's, and keeps
            # the list of what its run wrote: a user's report.pdf there stays the user's
            continue
        if p.is_dir() and not p.is_symlink():
            with contextlib.suppress(OSError):
                p.rmdir()  # only if empty
        else:
            p.unlink()
            result.removed.append(p)
    if foreign:
        result.kept[folder] = sorted(foreign)
    else:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _clean_root(root: Path, processed: bool, result: CleanResult, plans: set[str]) -> None:
    for plan_dir, period, folder in _folders(root, plans):
        if not folder.exists():  # the staging folder's period, removed with it just before
            continue
        if not _is_workbooks(folder):
            continue
        with _held(plan_dir, period) as free:
            if not free:
                result.busy.append(folder)
                continue
            _clean_folder(folder, processed, result)


def clean(
    data_dir: str | os.PathLike | None = None,
    output_dir: str | os.PathLike | None = None,
    log: Callable[[str], None] = print,
) -> CleanResult:
    """Remove the workbook's processed tables and outputs; keep and name everything else."""
    data = paths.data_dir(data_dir)
    out_root = paths.output_dir(output_dir)
    processed = paths.processed_root(data)
    # never into raw data: neither folder may lie in it or hold it, also through a link
    paths.check_outside_raw(out_root, data, say("paths.what_output", option="--output-dir"))
    if processed.exists() or processed.is_symlink():
        paths.check_outside_raw(processed, data, say("paths.what_processed"))
    plans = set(plan_ids(data))  # only the plans with raw data: nothing else is named as ours
    result = CleanResult()
    _clean_root(processed, True, result, plans)
    _clean_root(out_root, False, result, plans)
    for plan in sorted(plans):
        plan_dir = paths.plan_processed_dir(data, plan)
        history = plan_dir / "kpi_history.csv"
        if plan_dir.is_dir() and not plan_dir.is_symlink() and history.is_file():
            if not history.is_symlink():
                history.unlink()
                result.removed.append(history)
    index = out_root / INDEX_FILE
    if index.is_file() and not index.is_symlink() and is_workbook_index(index):
        index.unlink()
        result.removed.append(index)
    for folder, files in result.kept.items():
        names = "、".join(p.relative_to(folder).as_posix() for p in files[:3])
        more = say("paths.and_more", n=len(files) - 3) if len(files) > 3 else ""
        log(say("clean.kept", folder=folder, names=names + more))
    for folder in result.busy:
        log(say("clean.busy", folder=folder))
    log(say("clean.done", n=len(result.removed)))
    return result
