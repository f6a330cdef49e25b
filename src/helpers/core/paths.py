"""The one place that knows where things are, and which folders are the workbook's.

Paths are found from this package's location, so notebooks and the command
line work from any working directory. ``REFORM_DATA_DIR`` and
``REFORM_OUTPUT_DIR`` override the defaults (papermill parameters and the CLI
pass them explicitly).

Layout: ``data/raw/<plan>/<period>/`` (as received), ``data/processed/<plan>/<period>/``
and ``<output>/<plan>/<period>/``; ``<output>/index.html`` lists every plan and
period (:mod:`helpers.present.index_page`).

A folder the workbook makes for a period (``<output>/<plan>/<period>/``,
``data/processed/<plan>/<period>/``) carries a marker file, ``.reform-workbook``. A run
replaces a period's folder only if it carries that marker (or, for folders made
before the marker existed, the run fingerprint ``.fingerprint``); anything else
at that path is the user's and is left alone. No folder the workbook writes may
lie inside ``raw/`` or hold it, also when reached through a link.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from helpers.core.atomic import atomic_write_bytes
from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.schema import TABLES
from helpers.core.tables import read_own

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PROJ_ROOT = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"

MARKER = ".reform-workbook"
MARKER_TEXT = (
    "このフォルダはワークブック（reform-workbook）が作りました。次の実行で置き換わります。"
    "ワークブックのものでないファイルを置くと、その期間は作り直されません。\n"
)
FINGERPRINT_FILE = ".fingerprint"
PRECLEANED_FILE = ".precleaned"
#: a PDF report's extracted text, written beside the processed tables for the analyst to read
REPORT_TEXT_FILE = "report_text.txt"
#: written into a period's output folder when its latest run failed (the earlier report
#: stays); a successful or up-to-date run removes it. The index shows the period as failed.
RUN_FAILED_FILE = "run_failed.json"
#: the reader tables notebook 03 writes under ``tables/`` (CSV each, and all in tables.xlsx)
READER_TABLES = (
    "metrics",
    "audit",
    "areas",
    "items",
    "status_counts",
    "area_comparison",
    "kpi_history",
)
READER_WORKBOOK = "tables.xlsx"
#: the charts notebook 02 draws under ``figures/`` (PNG and SVG each)
FIGURE_NAMES = (
    "status_by_area",
    "status_across_periods",
    "kpi_achievement",
    "kpi_prev_current",
    "kpi_history",
)
FIGURE_FORMATS = ("png", "svg")
#: the notebooks a run executes, in order; their executed copies go under ``notebooks/``
#: (or ``failed/`` for the one that failed)
NOTEBOOK_NAMES = ("01_clean", "02_analyze", "03_report")


#: a killed run's leftovers beside a period's folder: ``.2018-03.staging-1a2b3c4d`` (what it
#: was writing) and ``.2018-03.old-1a2b3c4d`` (the folder it had set aside to swap)
LEFTOVER = re.compile(r"\.(\d{4}-\d{2})\.(staging|old)-[0-9a-f]+")


def staging_name(period: str, token: str) -> str:
    """The name of a run's staging folder for ``period`` (see :data:`LEFTOVER`)."""
    return f".{period}.staging-{token}"


def aside_name(period: str, token: str) -> str:
    """The name a period's folder is set aside under while a run swaps (see :data:`LEFTOVER`)."""
    return f".{period}.old-{token}"


def _output_products() -> frozenset[str]:
    """Every file the workbook writes in a period's output folder, by exact relative path.

    Exact names, not patterns: a user's ``tables/memo.csv`` in a marked folder is
    not the workbook's, so the folder is not replaced (and ``clean`` keeps it).
    """
    names = [MARKER, FINGERPRINT_FILE, "report.html", "report.pdf", "summary.json", RUN_FAILED_FILE]
    names += [f"tables/{t}.csv" for t in READER_TABLES] + [f"tables/{READER_WORKBOOK}"]
    names += [f"figures/{f}.{ext}" for f in FIGURE_NAMES for ext in FIGURE_FORMATS]
    for folder in ("notebooks", "failed"):
        names += [f"{folder}/{n}.ipynb" for n in NOTEBOOK_NAMES]
        # JupyterLab's copies when someone opens an executed notebook
        names += [f"{folder}/.ipynb_checkpoints/{n}-checkpoint.ipynb" for n in NOTEBOOK_NAMES]
    return frozenset(names)


#: what the workbook writes in a period's output folder (relative POSIX paths); a
#: marked folder holding anything else is not replaced (someone's memo.docx)
OUTPUT_PRODUCTS = _output_products()


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """Folder holding ``raw/`` and ``processed/``."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("REFORM_DATA_DIR")
    return Path(env).expanduser().resolve() if env else PROJ_ROOT / "data"


def output_dir(override: str | os.PathLike | None = None) -> Path:
    """Folder holding ``index.html`` and ``<plan>/<period>/report.html`` and the other products."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("REFORM_OUTPUT_DIR")
    return Path(env).expanduser().resolve() if env else PROJ_ROOT / "outputs"


RAW, PROCESSED = "raw", "processed"


def raw_root(data: str | os.PathLike) -> Path:
    """``<data>/raw``: the raw data as received, never written."""
    return Path(data) / RAW


def plan_raw_dir(data: str | os.PathLike, plan: str) -> Path:
    """``<data>/raw/<plan>``: a plan's folder (its plan.toml and period folders)."""
    return raw_root(data) / plan


def raw_dir(period: str, data: str | os.PathLike | None, plan: str) -> Path:
    """``<data>/raw/<plan>/<period>``; ``data`` None: the project's data folder."""
    return plan_raw_dir(data_dir(data), plan) / period


def processed_root(data: str | os.PathLike) -> Path:
    """``<data>/processed``: the tables the workbook makes from the raw data."""
    return Path(data) / PROCESSED


def plan_processed_dir(data: str | os.PathLike, plan: str) -> Path:
    """``<data>/processed/<plan>``: a plan's processed periods and its KPI history."""
    return processed_root(data) / plan


def processed_dir(period: str, data: str | os.PathLike | None, plan: str) -> Path:
    """``<data>/processed/<plan>/<period>``; ``data`` None: the project's data folder."""
    return plan_processed_dir(data_dir(data), plan) / period


def period_output_dir(period: str, output: str | os.PathLike | None, plan: str) -> Path:
    """``<output>/<plan>/<period>``; ``output`` None: the project's outputs folder."""
    return output_dir(output) / plan / period


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_outside_raw(target: str | os.PathLike, data: str | os.PathLike, what: str) -> None:
    """Refuse a folder the workbook writes that lies inside ``raw/`` or holds it.

    Both are resolved first, so a link into ``raw/`` is caught too.

    Raises
    ------
    InputError
        Naming the folder and saying what to do.
    """
    raw = raw_root(data).resolve()
    real = Path(target).resolve()
    if _within(real, raw):
        raise InputError(
            target,
            say(
                "paths.inside_raw",
                what=what,
                raw=raw,
                leads=say("paths.leads_to", real=real) if real != Path(target) else "",
            ),
        )
    if _within(raw, real):
        raise InputError(
            target,
            say("paths.holds_raw", what=what, raw=raw),
        )


def check_outside_processed(target: str | os.PathLike, data: str | os.PathLike, what: str) -> None:
    """Refuse an output folder inside ``processed/``: its period folders and locks would collide."""
    processed = processed_root(data).resolve()
    if _within(Path(target).resolve(), processed):
        raise InputError(
            target,
            say("paths.inside_processed", what=what, processed=processed),
        )


def _processed_products() -> tuple[str, ...]:
    """What the workbook writes in a period's processed folder: its tables, meta, summary."""
    return (
        MARKER,
        FINGERPRINT_FILE,
        PRECLEANED_FILE,
        "meta.json",
        "summary.json",
        REPORT_TEXT_FILE,
        *(f"{name}.csv" for name in TABLES),
    )


def foreign_files(folder: Path, *, processed: bool = False) -> list[Path]:
    """Files in ``folder`` that the workbook does not write there (sorted), links included."""
    products = frozenset(_processed_products()) if processed else OUTPUT_PRODUCTS
    made = None if processed else _listed_by_the_run(folder)
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_dir() and not p.is_symlink():
            continue
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink() or rel not in products:
            out.append(p)
        elif made is not None and rel not in made and not _written_after_a_run(rel):
            out.append(p)  # named as a product, but the run that made the folder did not write it
    return out


def read_fingerprint(folder: Path) -> tuple[str, frozenset[str]] | None:
    """The fingerprint a run left in ``folder``: its hash and the files it wrote (None: none).

    The pipeline writes it (``run.pipeline.write_fingerprint``) as the hash on the first
    line, then one relative path a line; an earlier version wrote the hash alone.
    """
    try:
        lines = read_own(folder / FINGERPRINT_FILE).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError, InputError):
        return None
    if not lines:
        return None
    return lines[0].strip(), frozenset(line.strip() for line in lines[1:] if line.strip())


def _listed_by_the_run(folder: Path) -> frozenset[str] | None:
    """The files the pipeline's run listed in the folder's fingerprint (None: no listing).

    A notebook run alone removes the fingerprint (:func:`product_folder`), so only a
    folder as a run left it has one; a fingerprint of the hash alone lists nothing.
    """
    found = read_fingerprint(folder)
    return found[1] or None if found else None


def _written_after_a_run(rel: str) -> bool:
    """Files the workbook adds to a run's folder later: the failure record, a failed
    notebook, JupyterLab's checkpoint copies, the marker and fingerprint themselves."""
    return (
        rel in (MARKER, FINGERPRINT_FILE, RUN_FAILED_FILE)
        or rel.startswith("failed/")
        or "/.ipynb_checkpoints/" in rel
    )


def is_workbook_folder(folder: Path, *, processed: bool = False) -> bool:
    """Whether ``folder`` is one the workbook made and holds nothing else (so a run may replace it).

    True for an empty folder (or one holding empty folders only), and for a folder with the marker (or the run
    fingerprint of a run before the marker existed; or, ``processed``, nothing
    at all of its own, as earlier versions left it) that holds only the files the
    workbook writes there (:data:`OUTPUT_PRODUCTS`; the processed tables named in
    the schema). A user's file inside, even in a marked folder, keeps it from
    being replaced.
    """
    if not any(folder.iterdir()):
        return True
    if foreign_files(folder, processed=processed):
        return False
    if not any(p.is_file() for p in folder.rglob("*")):
        return True  # only empty folders (what a user left after moving their files out)
    return processed or (folder / MARKER).is_file() or (folder / FINGERPRINT_FILE).is_file()


#: how a make user gives the same option
_MAKE_OPTIONS = {"--output-dir": "OUTPUT_DIR", "--data-dir": "DATA_DIR"}


def _option_words(option: str) -> str:
    """``--output-dir（make では OUTPUT_DIR=…）``: the option as both kinds of users give it."""
    make = _MAKE_OPTIONS.get(option)
    return f"{option}（make では {make}=フォルダ）" if make else option


def check_replaceable(folder: Path, what: str, option: str, *, processed: bool = False) -> None:
    """Refuse to replace ``folder`` unless it is absent or the workbook's own.

    Raises
    ------
    InputError
        For a file or link at that path, or a folder without the workbook's marker.
    """
    option = _option_words(option)
    if folder.is_symlink():
        raise InputError(
            folder,
            say("paths.is_link", what=what, option=option),
        )
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InputError(
            folder,
            say("paths.file_in_the_way", what=what, option=option),
        )
    if not is_workbook_folder(folder, processed=processed):
        foreign = foreign_files(folder, processed=processed)
        names = ", ".join(p.relative_to(folder).as_posix() for p in foreign[:3])
        more = say("paths.and_more", n=len(foreign) - 3) if len(foreign) > 3 else ""
        detail = f"（{names}{more}）" if foreign else say("paths.no_marker", marker=MARKER)
        raise InputError(
            folder,
            say("paths.foreign_files", what=what, detail=detail, option=option),
        )


def mark(folder: Path) -> Path:
    """Write the workbook's marker into ``folder`` (made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / MARKER).is_file():
        atomic_write_bytes(folder / MARKER, MARKER_TEXT.encode("utf-8"))
    return folder


def product_folder(
    folder: str | os.PathLike,
    data: str | os.PathLike,
    what: str,
    option: str,
    *,
    processed: bool = False,
) -> Path:
    """The folder a notebook writes a period's products into, ready for writing.

    Used by the notebooks run alone (the pipeline gives them staging folders it
    made). Refuses a folder inside ``raw/``, and one that holds files the workbook
    did not make (as a run would: :func:`check_replaceable`), before anything is
    written there; makes the folder and marks it as the workbook's if it is new or empty. A folder the workbook's notebooks change
    outside a pipeline run loses its run fingerprint, so the next run does not call
    it up to date.
    """
    folder = Path(folder)
    check_outside_raw(folder, data, what)
    check_replaceable(folder, what, option, processed=processed)
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.iterdir()):
        mark(folder)
    (folder / FINGERPRINT_FILE).unlink(missing_ok=True)
    return folder
