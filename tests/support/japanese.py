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
_P = r"[^\s\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"  # a character of a path: not blank, not Japanese
_PATHLIKE = re.compile(
    rf"{_P}*[/\\]{_P}*|{_P}+\.(?:csv|xlsx|txt|toml|html|pdf|ipynb|json|md|lock)\b"
)
# an English word of two letters or more, with the punctuation English puts around words
# (single letters are codes: S A B); a token with Japanese in it ends a run
_WORD = re.compile(r"[(\"']?[A-Za-z][A-Za-z'-]*[A-Za-z][.,;:!?)\"']*")


def english_runs(message: str) -> list[str]:
    """The runs of three or more English words left in ``message`` once places and values are out."""
    text = _QUOTED.sub(" ", message)
    text = _PATHLIKE.sub(" ", text)
    runs, run = [], []
    for token in text.split():
        if _WORD.fullmatch(token) and not token.startswith("-"):
            run.append(token)
            if not token.endswith(","):
                continue  # a comma ends a run: a list of names (columns, options), not prose
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
