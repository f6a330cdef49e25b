"""Is a message for the user Japanese? The check the catalogue test and the bad-input corpus share.

A message passes when it holds Japanese (kana or kanji) and, once the places
and values it quotes are taken out (paths, quoted values 「…」 '…' "…",
placeholders {…}, options --x, cell references), has no run of three or more
English words.
"""

from __future__ import annotations

import re

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_QUOTED = re.compile(r"「[^」]*」|'[^'\n]*'|\"[^\"\n]*\"|\{[^}]*\}|`[^`]*`")
# a path: anything with a slash or backslash, or a file name with an extension
_PATHLIKE = re.compile(r"\S*[/\\]\S*|\S+\.(?:csv|xlsx|txt|toml|html|pdf|ipynb|json|md|lock)\b")
_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'-]*[A-Za-z])?")


def english_runs(message: str) -> list[str]:
    """The runs of three or more English words left in ``message`` once places and values are out."""
    text = _QUOTED.sub(" ", message)
    text = _PATHLIKE.sub(" ", text)
    runs, run = [], []
    for token in re.split(r"[ \t]+", text):
        if _WORD.fullmatch(token) and not token.startswith("-"):
            run.append(token)
            continue
        if len(run) >= 3:
            runs.append(" ".join(run))
        run = []
    if len(run) >= 3:
        runs.append(" ".join(run))
    return runs


def assert_japanese(message: str) -> None:
    """Fail unless ``message`` is Japanese with no run of three English words."""
    assert _JAPANESE.search(message), f"no Japanese in: {message}"
    runs = english_runs(message)
    assert not runs, f"English words {runs} in: {message}"
