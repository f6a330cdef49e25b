"""What a run depends on, hashed: raw data, code, notebooks, parameters.

Kept free of heavy imports so that an up-to-date check answers quickly.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .errors import PeriodError
from .paths import NOTEBOOKS_DIR, PROJ_ROOT
from .periods import validate_period

PACKAGE_DIR = Path(__file__).resolve().parent
_ID = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def raw_periods(data: Path) -> list[str]:
    """Periods (valid ``YYYY-MM`` folder names) with a raw data folder under ``data``, in order."""
    raw = data / "raw"
    if not raw.is_dir():
        return []
    out = []
    for p in raw.iterdir():
        if not (p.is_dir() and _ID.match(p.name)):
            continue
        try:
            out.append(validate_period(p.name))
        except PeriodError:
            continue
    return sorted(out)


def _hash_tree(h, root: Path, patterns: tuple[str, ...]) -> None:
    files = sorted(
        {
            f
            for pat in patterns
            for f in root.rglob(pat)
            if f.is_file() and "__pycache__" not in f.parts
        }
    )
    for f in files:
        h.update(str(f.relative_to(root)).encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")


def run_fingerprint(period: str, data: Path, output_root: Path) -> str:
    """Hash of everything a period's run reads; equal hashes mean equal outputs."""
    h = hashlib.sha256()
    h.update(f"period={period}\0data={data}\0out={output_root}\0".encode())
    for p in raw_periods(data):
        if p <= period:
            _hash_tree(h, data / "raw" / p, ("*",))
    _hash_tree(h, PACKAGE_DIR, ("*.py", "*.j2"))
    if NOTEBOOKS_DIR.is_dir():
        _hash_tree(h, NOTEBOOKS_DIR, ("*.ipynb",))
    pyproject = PROJ_ROOT / "pyproject.toml"
    if pyproject.exists():
        h.update(pyproject.read_bytes())
    return h.hexdigest()
