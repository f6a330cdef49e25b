"""What a run depends on, hashed: raw data, code, notebooks, parameters, libraries.

Kept free of heavy imports so that an up-to-date check answers quickly.

Libraries: the Python version and the installed version of every distribution
the workbook needs at run time (its ``dependencies`` and theirs, read with
``importlib.metadata``), so upgrading pandas or matplotlib makes the next run
rebuild. JupyterLab (the editor, not used by a run) and the ``dev`` extra are left
out. Notebooks: ``notebooks/*.ipynb`` only, their cells' sources and tags
(:func:`notebook_content`); their outputs, JupyterLab's checkpoints and any
other file there do not count.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from helpers.core import paths
from helpers.core.plans import PLAN_FILE, raw_periods, resolve_plan
from helpers.core.tables import read_own

PACKAGE_DIR = paths.PACKAGE_DIR
DISTRIBUTION = "reform-workbook"
NOT_RUN_DEPENDENCIES = {"jupyterlab"}  # the editor; a run never imports it
# a requirement's name (PEP 508); markers other than extras are not evaluated:
# a conditional dependency that is installed counts (at worst, one rerun too many)
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_VERSION = re.compile(r"^Version:\s*(\S+)", re.M)
_REQUIRES = re.compile(r"^Requires-Dist:\s*(.+)$", re.M)


def notebook_files(folder: Path | None = None) -> list[Path]:
    """The workbook's notebooks: ``*.ipynb`` directly in the folder (not checkpoints)."""
    folder = paths.NOTEBOOKS_DIR if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))


def _text(source) -> str:
    """A cell's source, stored as one string or as a list of lines."""
    return "".join(source) if isinstance(source, list) else source


def notebook_content(path: Path) -> bytes:
    """What of a notebook a run executes: each cell's type, tags and source.

    Outputs, execution counts and the kernel's details, which JupyterLab writes
    when an analyst runs and saves a notebook (and the git filter strips), do not
    change what a run does, so they do not make the next run rebuild. A file
    that is not a notebook's JSON counts by its bytes.
    """
    data = read_own(path)
    try:
        cells = json.loads(data)["cells"]
        kept = [
            [c["cell_type"], c.get("metadata", {}).get("tags", []), _text(c["source"])]
            for c in cells
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return data
    return json.dumps(kept, ensure_ascii=False).encode("utf-8")


def _hash_tree(h, root: Path, patterns: tuple[str, ...]) -> None:
    files = sorted(
        {
            f
            for pat in patterns
            for f in root.rglob(pat)
            if f.is_file()
            and not any(p == "__pycache__" or p.startswith(".") for p in f.relative_to(root).parts)
        }
    )
    for f in files:
        h.update(str(f.relative_to(root)).encode())
        h.update(b"\0")
        with f.open("rb") as fh:  # in pieces: a large file beside the raw data costs no memory
            for piece in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(piece)
        h.update(b"\0")


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@lru_cache(maxsize=4)
def library_versions(root: str = DISTRIBUTION) -> dict[str, str]:
    """Installed versions of ``root``'s run-time dependencies, transitively, by name.

    Without installed metadata for ``root`` (running from a source tree), the
    libraries imported by every run are listed instead.
    """
    try:
        metadata.distribution(root)
        todo = [root]
    except metadata.PackageNotFoundError:
        todo = ["pandas", "matplotlib", "papermill", "nbconvert", "ipykernel", "pyarrow"]
    versions: dict[str, str] = {}
    while todo:
        key = _key(todo.pop())
        if key in versions or key in NOT_RUN_DEPENDENCIES:
            continue
        try:
            dist = metadata.distribution(key)
        except metadata.PackageNotFoundError:
            continue
        # the header of METADATA read directly: dist.version and dist.requires
        # parse it with the email package, five times slower (about 50 ms per check)
        head = (dist.read_text("METADATA") or dist.read_text("PKG-INFO") or "").split("\n\n")[0]
        version = _VERSION.search(head)
        versions[key] = version.group(1) if version else dist.version
        for req in _REQUIRES.findall(head):
            m = _REQ_NAME.match(req)
            if m and "extra" not in req.partition(";")[2]:
                todo.append(m.group(1))
    return dict(sorted(versions.items()))


def run_fingerprint(period: str, data: Path, output_root: Path, plan: str | None = None) -> str:
    """Hash of everything a period's run reads; equal hashes mean equal outputs.

    The raw data are the plan's own: its plan.toml and its periods up to this
    one. Other plans' data do not count (their periods are never compared).
    """
    plan = plan or resolve_plan(data, None)
    h = hashlib.sha256()
    h.update(f"plan={plan}\0period={period}\0data={data}\0out={output_root}\0".encode())
    config = paths.plan_raw_dir(data, plan) / PLAN_FILE
    if config.is_file():
        h.update(b"plan.toml\0" + read_own(config) + b"\0")
    for p in raw_periods(data, plan):
        if p <= period:
            _hash_tree(h, paths.raw_dir(p, data, plan), ("*",))
    _hash_tree(h, PACKAGE_DIR, ("*.py", "*.j2"))
    for nb in notebook_files():
        h.update(nb.name.encode() + b"\0" + notebook_content(nb) + b"\0")
    h.update(f"python={sys.version}\0".encode())
    for name, version in library_versions().items():
        h.update(f"{name}=={version}\0".encode())
    pyproject = paths.PROJ_ROOT / "pyproject.toml"
    if pyproject.exists():
        h.update(read_own(pyproject))
    return h.hexdigest()
