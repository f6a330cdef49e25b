"""Benchmark results as JSON: written by ``python -m bench``, read by ``python -m bench.render``.

A :class:`~bench.common.Sample` is stored as ``{"median": m, "values": [...]}`` and
read back as a Sample; number keys (rows, periods) come back as strings and each
section's ``from_json`` turns them into ints again.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from .common import RESULTS_DIR, Sample

LATEST = RESULTS_DIR / "latest.json"
SCHEMA = 1


def _default(o):
    if isinstance(o, Sample):
        return o.to_json()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean_floats(o):
    """NaN is not JSON: None instead."""
    if isinstance(o, float) and math.isnan(o):
        return None
    if isinstance(o, dict):
        return {k: _clean_floats(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_clean_floats(v) for v in o]
    if isinstance(o, Sample):
        return _clean_floats(o.to_json())
    return o


def _hook(d: dict):
    if set(d) == {"median", "values"}:
        return Sample([float(v) for v in d["values"]])
    return d


def dumps(results: dict) -> str:
    return json.dumps(
        _clean_floats({"schema": SCHEMA, **results}),
        ensure_ascii=False,
        indent=1,
        default=_default,
        allow_nan=False,
    )


def save(results: dict, path: Path) -> Path:
    """Write atomically (a temporary file in the same folder, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dumps(results) + "\n")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"), object_hook=_hook)
