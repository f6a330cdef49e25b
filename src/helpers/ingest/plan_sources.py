"""Which plan a period's sources name: the titles of the report and the per-area table.

The plan itself (its folder, plan.toml, its vocabulary) is :mod:`helpers.core.plans`;
this module reads the sources' titles to check that a file lies in its plan's
folder, and to name a plan that has no plan.toml.
"""

from __future__ import annotations

from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.plans import Plan, load_plan, plan_periods
from helpers.core.textnorm import squash
from helpers.ingest.area_page import PAGE_SUFFIXES, is_area_page, page_title_text
from helpers.ingest.rawio import read_text
from helpers.ingest.report import find_plan_name, find_plan_title
from helpers.ingest.report.source import read_report_text


def check_title(plan: Plan, path: Path, text: str) -> str | None:
    """The plan name in the source's title; refused if it names another plan than plan.toml.

    The names are compared after width and space normalisation (第３次 = 第3次).
    """
    found = find_plan_title(text, plan.name)
    if found is None:
        return None
    title, line = found
    if "\n" in title:
        return None
    if plan.name is not None and squash(title) != squash(plan.name):
        raise InputError(
            path,
            say("sources.title_vs_toml", title=title, config=plan.config, name=plan.name),
            line=line,
        )
    return title


_TITLED = (".txt", ".pdf", ".csv", *PAGE_SUFFIXES)


def _titled_text(f: Path) -> str | None:
    """The text holding a source's title: a report (.txt, .pdf), a table (.csv) or a web page."""
    if not f.is_file() or f.suffix.lower() not in _TITLED or "kpi" in f.name.lower():
        return None
    if is_area_page(f):
        return page_title_text(f)
    return read_report_text(f).text if f.suffix.lower() == ".pdf" else read_text(f)


def _source_titles(folder: Path):
    """(file, title, line) of each titled source (report, per-area table) in a period folder."""
    for f in sorted(folder.iterdir()):
        try:
            text = _titled_text(f)
            found = find_plan_title(text) if text is not None else None
        except InputError:
            continue  # its own run names that fault
        if found:
            yield f, found[0], found[1]


def check_same_plan(
    plan: Plan, period: str, path: Path, title: str | None, line: int | None
) -> None:
    """Without plan.toml, every period's sources must name one plan (never two plans mixed).

    Raises
    ------
    InputError
        Naming both files and both names when another period's source names another plan.
    """
    if plan.name is not None or not title:
        return  # with plan.toml, check_title compares each source with it
    for other in plan_periods(plan.folder.parent.parent, plan.id):
        if other == period:
            continue
        for f, name, n in _source_titles(plan.folder / other):
            if squash(name) != squash(title):
                raise InputError(
                    path,
                    say(
                        "sources.title_vs_other",
                        title=title,
                        other=f,
                        n=n,
                        name=name,
                        folder=plan.folder.name,
                    ),
                    line=line,
                )


def plan_name(data: Path, plan: str) -> str:
    """The plan's name: plan.toml's, else the title of its newest source, else its id."""
    p = load_plan(data, plan)
    if p.name:
        return p.name
    for period in reversed(plan_periods(data, plan)):
        folder = p.folder / period
        for f in sorted(folder.iterdir()):
            try:
                text = _titled_text(f)
                title = find_plan_name(text) if text is not None else None
            except InputError:
                continue
            if title:
                return title
    return plan
