"""The project's settings, ``workbook.toml`` at the top of the project (optional).

One setting so far::

    pdf = true   # make report.pdf beside each report, in every run (a scheduled one too)

so that a scheduled ``make report`` and a hand run agree, and a rebuild after a
data change never drops the PDF people print. ``--pdf`` (``PDF=1``) still asks
for PDFs in one run; the setting cannot turn them off for a run that asks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.plans import not_utf8, toml_fault

SETTINGS_FILE = "workbook.toml"
KEYS = {"pdf"}
MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Settings:
    pdf: bool = False


def read_settings(root: str | Path) -> Settings:
    """The settings in ``root/workbook.toml``; the defaults without it; InputError if malformed."""
    path = Path(root) / SETTINGS_FILE
    if not path.exists():
        return Settings()
    if not path.is_file():
        raise InputError(path, say("raw.is_special", kind="フォルダか特殊なファイル"))
    with open(path, "rb") as fh:  # bounded: never more than the limit read
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InputError(path, say("settings.too_large", limit=MAX_BYTES // 1024))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, data, exc) from None
    try:
        conf = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_fault(path, exc, text) from None
    for key in conf:
        if key not in KEYS:
            raise InputError(
                path, say("settings.unknown_key", key=key, keys=", ".join(sorted(KEYS))), field=key
            )
    pdf = conf.get("pdf", False)
    if not isinstance(pdf, bool):
        raise InputError(path, say("settings.bad_pdf", value=repr(pdf)), field="pdf")
    return Settings(pdf=pdf)
