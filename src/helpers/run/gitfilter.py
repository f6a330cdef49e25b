"""Notebooks reach git without outputs: the nbstripout filter, set up for this checkout.

``.gitattributes`` (committed) names the filter for ``*.ipynb``; :func:`install`
(run by ``make install``, so by ``make report``, ``make test`` and ``make lab``
too) defines it in the checkout's git config, as ``nbstripout --install`` does,
with two differences:

- the command is this environment's Python by a path relative to the top of the
  work tree (``.venv/bin/python -m nbstripout``): git runs filters from there, so
  the setting still holds when the folder moves, and each clone or worktree
  sharing one ``.git`` uses its own ``.venv``;
- ``--keep-id``: the committed notebooks carry short stable cell ids (``c00``),
  which nbstripout would otherwise renumber, so every notebook would show as
  changed;
- ``filter.nbstripout.extrakeys`` (read by nbstripout from the git config): the
  kernel's details that JupyterLab writes into ``metadata.language_info`` on a run
  (Python version, lexer) are stripped too, down to the committed ``name``.

Why :func:`forget_stat` exists: git compares a tracked file with the index by its
size first and calls it modified when the size changed, without running the
filter (git's ``ie_modified``: it compares content only when the index records no
size). A notebook saved with outputs is larger, so ``git status`` would list it
although ``git diff`` is empty. Setting the index entry to its own blob again
(``git update-index --index-info``) clears the recorded size: git then compares
the filtered content, finds it equal and records the new size. The index keeps
the same blobs: nothing is staged. JupyterLab runs :func:`post_save` after each
save (``jupyter/jupyter_server_config.json``); :func:`install` does it for every
tracked notebook.

Outside a git checkout (a downloaded zip), or where the project is not the top of
the work tree, nothing is changed and :func:`install` says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.core.messages import say

FILTER = "nbstripout"
NOTEBOOK_PATTERN = "*.ipynb"
#: what a kernel writes into a notebook's metadata when it runs (its Python version
#: among them); the committed notebooks keep only ``language_info.name``
EXTRA_KEYS = " ".join(
    f"metadata.language_info.{key}"
    for key in (
        "codemirror_mode",
        "file_extension",
        "mimetype",
        "nbconvert_exporter",
        "pygments_lexer",
        "version",
    )
)


def _git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def work_tree_top(folder: Path) -> Path | None:
    """The top of the git work tree holding ``folder``, or None (no git, not a checkout)."""
    try:
        done = _git(folder, "rev-parse", "--show-toplevel")
    except (FileNotFoundError, NotADirectoryError):
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip()).resolve()


def filter_command(top: Path, python: str | os.PathLike | None = None) -> str:
    """The clean command: this Python, relative to ``top`` when it lies inside it.

    >>> filter_command(Path("/p"), "/p/.venv/bin/python")
    '".venv/bin/python" -m nbstripout --keep-id'
    >>> filter_command(Path("/p"), "/usr/bin/python3")
    '"/usr/bin/python3" -m nbstripout --keep-id'
    """
    exe = Path(python or sys.executable)
    if exe.is_absolute() and top in exe.parents:
        exe = exe.relative_to(top)
    return f'"{exe.as_posix()}" -m nbstripout --keep-id'


def install(project: Path, python: str | os.PathLike | None = None) -> str:
    """Define the filter in ``project``'s git config; a one-line note of what was done."""
    project = project.resolve()
    top = work_tree_top(project)
    if top is None or top != project:
        return say("gitfilter.not_a_checkout", project=project)
    clean = filter_command(top, python)
    settings = {
        f"filter.{FILTER}.clean": clean,
        f"filter.{FILTER}.smudge": "cat",
        f"filter.{FILTER}.required": "true",
        f"filter.{FILTER}.extrakeys": EXTRA_KEYS,
        "diff.ipynb.textconv": f"{clean} -t",
    }
    for key, value in settings.items():
        done = _git(top, "config", key, value)
        if done.returncode != 0:
            return say("gitfilter.config_failed", key=key, error=done.stderr.strip())
    forget_stat(top, [NOTEBOOK_PATTERN])
    return say("gitfilter.done", name=FILTER, command=clean)


def forget_stat(top: Path, pathspecs: list[str]) -> int:
    """Clear the recorded size of the tracked files matching ``pathspecs``; how many.

    Each entry is written back with its own mode and blob, so what is staged does
    not change; only git's shortcut by size is turned off until the next refresh.
    """
    listed = _git(top, "ls-files", "-s", "-z", "--", *pathspecs)
    if listed.returncode != 0:
        return 0
    entries = [e for e in listed.stdout.split("\0") if e]
    # stage 0 only: a notebook in a merge conflict is left as it is
    entries = [e for e in entries if e.split("\t", 1)[0].split(" ")[2] == "0"]
    if not entries:
        return 0
    done = _git(top, "update-index", "-z", "--index-info", stdin="\0".join(entries) + "\0")
    return len(entries) if done.returncode == 0 else 0


def post_save(model=None, os_path: str = "", contents_manager=None, **_) -> None:
    """Jupyter's post-save hook: a notebook saved with outputs shows no change in git status."""
    path = Path(os_path)
    if path.suffix != ".ipynb":
        return
    top = work_tree_top(path.parent)
    if top is None:
        return
    try:
        rel = path.resolve().relative_to(top)
    except ValueError:
        return
    # the pathspec is literal: a notebook named like a glob matches only itself
    forget_stat(top, [f":(literal){rel.as_posix()}"])


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.run.gitfilter [PROJECT]``: set up the filter (never fails the set-up)."""
    args = sys.argv[1:] if argv is None else argv
    print(install(Path(args[0] if args else ".")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
