"""The report as a PDF: ``report.html`` printed on A4 by the system's Chromium.

Chromium (Debian's ``chromium``, never a browser downloaded by ``playwright
install``) opens the report from a ``file://`` URL, drives nothing else, and
prints it with the report's own print style (``templates/report-print.css``: no
table of contents, a new page for each section, table headers repeated, charts
kept within the page). Fonts are embedded as subsets, so the PDF shows the same
on any PC and its Japanese text can be selected and searched.

Wiring (the ``--pdf`` flag, ``PDF=1`` in make), three lines::

    if args.pdf: pdf.check_chromium()                      # cli.py, before anything runs
    ...
    if pdf: html_to_pdf(stage / "report.html", stage / "report.pdf")   # pipeline, after the export

:func:`check_chromium` raises :class:`~helpers.core.errors.InputError` (exit status 2)
with a one-line how-to-install message when there is no browser to print with.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers.core.errors import InputError, StageError
from helpers.core.tables import atomic_write_bytes

#: where Debian installs Chromium; else the first of these names found on PATH
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: a browser of the user's choice (a path), tried first
CHROMIUM_ENV = "REFORM_CHROMIUM"
INSTALL_HINT = (
    "install Chromium and a Japanese font (Debian/Ubuntu: apt-get install chromium "
    f"fonts-ipaexfont-gothic) or set {CHROMIUM_ENV} to a Chromium or Chrome program"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: page number / pages, at the foot of every page (Chromium fills in the spans)
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#555;text-align:center;'
    'font-family:IPAexGothic,sans-serif"><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></div>'
)


class PdfError(StageError):
    """Chromium could not print the report (the HTML report is still there)."""


def find_chromium() -> Path | None:
    """The Chromium to print with: ``$REFORM_CHROMIUM``, ``/usr/bin/chromium``, or on PATH."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        return path if path.is_file() else None
    if CHROMIUM.is_file():
        return CHROMIUM
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def check_chromium() -> Path:
    """The browser to print with, or InputError with a one-line how-to-install message.

    Call it before anything runs, so that a run asked for a PDF does not stop
    after the notebooks for want of a browser.
    """
    chromium = find_chromium()
    if chromium is None:
        where = os.environ.get(CHROMIUM_ENV) or "chromium"
        raise InputError(where, f"no Chromium to print the PDF with: {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise InputError(
            "playwright", "Playwright is not installed: run make install (pip install -e .)"
        ) from None
    return chromium


def launch_chromium(pw, chromium: Path | None = None):
    """The one way the workbook (and its tests and benchmark) starts Chromium: headless, with
    :data:`LAUNCH_ARGS`, from ``chromium`` or :func:`find_chromium`'s; ``pw`` is a started
    Playwright (``sync_playwright()``)."""
    chromium = chromium or find_chromium() or CHROMIUM
    return pw.chromium.launch(executable_path=str(chromium), headless=True, args=LAUNCH_ARGS)


def _only_local(route) -> None:
    """The report is self-contained: anything but the file itself and data: URLs is refused."""
    url = route.request.url
    if url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def _print_in_this_thread(html: Path, chromium: Path) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, chromium)
        try:
            page = browser.new_page()
            page.route("**/*", _only_local)
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            return page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<div></div>",
                footer_template=FOOTER,
            )
        finally:
            browser.close()


def print_pdf(html: Path, chromium: Path) -> bytes:
    """The bytes of ``html`` printed on A4 by ``chromium``, backgrounds included.

    Playwright's synchronous API refuses to run in a thread with a running asyncio
    loop (a notebook's kernel) or beside another of its sessions, so the printing
    runs in a thread of its own.
    """
    from playwright.sync_api import Error as PlaywrightError

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reform-pdf") as pool:
        try:
            return pool.submit(_print_in_this_thread, html, chromium).result()
        except PlaywrightError as exc:
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            raise PdfError(f"{html}: Chromium could not print the report: {first}") from exc


def html_to_pdf(html: str | Path, pdf: str | Path, *, chromium: Path | None = None) -> Path:
    """Print ``html`` to ``pdf`` (A4), written atomically: a temporary file, then a rename."""
    html = Path(html)
    if not html.is_file():
        raise InputError(html, "no report to print (the HTML file is missing)")
    data = print_pdf(html, chromium or check_chromium())
    return atomic_write_bytes(pdf, data)
