"""Writing tables and files atomically, in forms Excel and diff both like."""

from __future__ import annotations

import json
import math
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pandas as pd


def format_number(value) -> str:
    """Shortest exact text of a number: 2540000000.0 → '2540000000', NA → ''."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(float(round(float(value), 10)))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def frame_for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers as text without float noise (9718, not 9718.0); NA stays empty."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s) or s.dtype == object:
            out[col] = [format_number(v) if not isinstance(v, str) else v for v in s]
        elif pd.api.types.is_bool_dtype(s):
            out[col] = [format_number(v) if not pd.isna(v) else "" for v in s]
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(df: pd.DataFrame, path: str | Path, *, bom: bool = False) -> Path:
    """CSV with LF line ends; ``bom=True`` for files people open in Excel."""
    text = frame_for_csv(df).to_csv(index=False, lineterminator="\n")
    return atomic_write_bytes(path, text.encode("utf-8-sig" if bom else "utf-8"))


def write_json(obj, path: str | Path) -> Path:
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    return atomic_write_bytes(path, text.encode("utf-8"))


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_csv(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a processed CSV (UTF-8, with or without BOM)."""
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""], **kwargs)
