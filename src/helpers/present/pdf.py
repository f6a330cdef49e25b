"""The report as a PDF: ``report.html`` printed on A4 by the system's Chromium.

Chromium (Debian's ``chromium``, never a browser downloaded by ``playwright
install``) opens the report from a ``file://`` URL, drives nothing else, and
prints it with the report's own print style (``templates/report-print.css``: no
table of contents, sections running on with no heading at a page's foot, table
headers repeated, charts kept within the page). Fonts are embedded as subsets, so the PDF shows the same
on any PC and its Japanese text can be selected and searched.

Wiring (the ``--pdf`` flag, ``PDF=1`` in make)::

    if args.pdf: pdf.check_chromium()          # cli.py, before anything runs
    ...
    printer = Printer()                        # pipeline, as the notebooks begin: the
    ...                                        # browser starts while they run
    html_to_pdf(stage / "report.html", stage / "report.pdf", printer=printer)  # after the export
    printer.close()

:func:`check_chromium` raises :class:`~helpers.core.errors.InputError` (exit status 2)
with a one-line how-to-install message when there is no browser to print with.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pikepdf
from markupsafe import escape

from helpers.core.errors import InputError, StageError
from helpers.core.messages import say
from helpers.core.radicals import to_unified
from helpers.core.tables import atomic_write_bytes

#: where Debian installs Chromium; else the first of these names found on PATH
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: a browser of the user's choice (a path), tried first
CHROMIUM_ENV = "REFORM_CHROMIUM"
INSTALL_HINT = say("pdf.install_hint", env=CHROMIUM_ENV)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: at the foot of every page: the report's 基準日 (left) and page / pages (right);
#: Chromium fills in the spans
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#555;margin:0 13mm;display:flex;'
    'justify-content:space-between;font-family:IPAexGothic,sans-serif">'
    "<span>{left}</span><span>"
    '<span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)
#: the code points a ToUnicode map must not send a visible glyph to: U+00AD (soft
#: hyphen, never drawn in HTML: Chromium's name for the minus glyph IPAexGothic shares)
SOFT_HYPHEN_AS = {"\u00ad": "\u2212"}


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
        raise InputError(where, say("pdf.no_chromium", hint=INSTALL_HINT))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise InputError("playwright", say("pdf.no_playwright")) from None
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


def footer_html(footer: str = "") -> str:
    """The page footer: ``footer`` (escaped) and the page number."""
    return FOOTER.format(left=escape(footer))


def _print_page(page, html: Path, footer: str = "") -> bytes:
    """``html`` loaded in ``page`` (fonts ready) and printed on A4, backgrounds included."""
    page.goto(html.resolve().as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.pdf(
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template="<div></div>",
        footer_template=footer_html(footer),
    )


class Printer:
    """Chromium started ahead of the report it prints.

    Starting Playwright and Chromium and opening a page take about a second: a run
    starts its printer when its notebooks begin, the browser starts in a thread of its
    own while they run (Playwright's synchronous API refuses a thread with a running
    asyncio loop, as a notebook's kernel has, and keeps its objects to the thread that
    made them), and :meth:`print` then only loads and prints the report. Use it as a
    context manager: leaving it closes the browser, whether or not anything was printed.
    """

    def __init__(self, chromium: Path | None = None) -> None:
        self._chromium = chromium or check_chromium()
        self._job: Future = Future()  # (html, footer), or None: nothing to print
        self._pdf: Future = Future()  # the bytes printed, or the error that stopped it
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reform-pdf")
        self._served = self._pool.submit(self._serve)

    def _serve(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = launch_chromium(pw, self._chromium)
                try:
                    page = browser.new_page()
                    page.route("**/*", _only_local)
                    job = self._job.result()
                    if job is not None:
                        self._pdf.set_result(_print_page(page, *job))
                finally:  # the bytes are handed over first: the browser closes meanwhile
                    browser.close()
        except BaseException as exc:
            if not self._pdf.done():
                self._pdf.set_exception(exc)

    def print(self, html: Path, footer: str = "") -> bytes:
        """The bytes of ``html`` printed on A4 (once per printer)."""
        from playwright.sync_api import Error as PlaywrightError

        self._job.set_result((Path(html), footer))
        try:
            return self._pdf.result()
        except PlaywrightError as exc:
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            raise PdfError(say("pdf.failed", html=html, first=first)) from exc

    def close(self, wait: bool = True) -> None:
        """Close the browser (after the print, if one was asked) and end its thread; with
        ``wait=False`` the browser closes while the caller goes on (the thread is joined
        when the program ends at the latest)."""
        if not self._job.done():
            self._job.set_result(None)
        self._pool.shutdown(wait=wait)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def print_pdf(html: Path, chromium: Path, footer: str = "") -> bytes:
    """The bytes of ``html`` printed on A4 by ``chromium`` (a :class:`Printer` of its own)."""
    with Printer(chromium) as printer:
        return printer.print(html, footer)


def html_to_pdf(
    html: str | Path,
    pdf: str | Path,
    *,
    chromium: Path | None = None,
    footer: str = "",
    printer: Printer | None = None,
) -> Path:
    """Print ``html`` to ``pdf`` (A4), its text layer mended (:func:`fix_text_layer`),
    written atomically: a temporary file, then a rename. ``footer``: the text at the
    foot of each page beside the page number (the report's 基準日); ``printer``: a
    browser started ahead (:class:`Printer`), else one is started now."""
    html = Path(html)
    if not html.is_file():
        raise InputError(html, say("pdf.no_html"))
    if printer is not None:
        data = printer.print(html, footer)
    else:
        data = print_pdf(html, chromium or check_chromium(), footer)
    return atomic_write_bytes(pdf, fix_text_layer(data))


# --- the text layer ---------------------------------------------------------------
#
# Chromium writes each font's ToUnicode map (glyph → text) from the font's own cmap,
# taking the lowest code point of a glyph the font gives to several: IPAexGothic
# draws 行 and ⾏ (U+2F8F KANGXI RADICAL WALK ENCLOSURE) with one glyph, so the PDF
# shows 行 but copies and searches as ⾏ (crbug.com/981259); its minus sign becomes a
# soft hyphen. The maps are rewritten after printing with Unicode's
# EquivalentUnifiedIdeograph table (helpers.core.radicals), as vivliostyle does.

_HEX = r"<([0-9A-Fa-f]+)>"
_BFCHAR_RE = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE_RE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_RANGE_ROW_RE = re.compile(rf"{_HEX}\s*{_HEX}\s*(?:{_HEX}|\[([^\]]*)\])")
_PAIR_RE = re.compile(rf"{_HEX}\s*{_HEX}")
_CODESPACE_RE = re.compile(r"begincodespacerange(.*?)endcodespacerange", re.S)


def _text_of(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", errors="surrogatepass")


def _hex_of(text: str) -> str:
    return text.encode("utf-16-be", errors="surrogatepass").hex().upper()


def read_cmap(cmap: str) -> tuple[dict[str, str], int]:
    """The glyph → text pairs of a ToUnicode CMap (source code as hex), and the code width."""
    pairs: dict[str, str] = {}
    for block in _BFCHAR_RE.findall(cmap):
        for src, dst in _PAIR_RE.findall(block):
            pairs[src.upper()] = _text_of(dst)
    for block in _BFRANGE_RE.findall(cmap):
        for lo, hi, start, array in _RANGE_ROW_RE.findall(block):
            width = len(lo)
            first, last = int(lo, 16), int(hi, 16)
            if array:
                targets = [_text_of(h) for h in re.findall(_HEX, array)]
            else:
                base = _text_of(start)
                targets = [base[:-1] + chr(ord(base[-1]) + i) for i in range(last - first + 1)]
            for i, text in enumerate(targets[: last - first + 1]):
                pairs[f"{first + i:0{width}X}"] = text
    widths = {len(k) for k in pairs} or {4}
    return pairs, max(widths)


def mended(text: str) -> str:
    """A glyph's text with radicals as ideographs and a soft hyphen as the minus it shows."""
    text = to_unified(text)
    return SOFT_HYPHEN_AS.get(text, text)


def write_cmap(pairs: dict[str, str], codespace: str) -> str:
    """A ToUnicode CMap of ``pairs`` (bfchar blocks of at most 100, as the format asks)."""
    rows = [f"<{src}> <{_hex_of(dst)}>" for src, dst in sorted(pairs.items())]
    blocks = [
        f"{len(rows[i : i + 100])} beginbfchar\n" + "\n".join(rows[i : i + 100]) + "\nendbfchar"
        for i in range(0, len(rows), 100)
    ]
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        f"1 begincodespacerange\n{codespace}\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CIDInit /ProcSet findresource pop end\nend\n"
    )


def mend_cmap(cmap: str) -> str | None:
    """The CMap with every glyph's text mended, or None where nothing needed it."""
    pairs, width = read_cmap(cmap)
    fixed = {src: mended(dst) for src, dst in pairs.items()}
    if fixed == pairs:
        return None
    found = _CODESPACE_RE.search(cmap)
    codespace = found.group(1).strip() if found else f"<{'0' * width}> <{'F' * width}>"
    return write_cmap(fixed, codespace)


def fix_text_layer(data: bytes) -> bytes:
    """The PDF with its fonts' ToUnicode maps mended (:func:`mend_cmap`); pages untouched."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        changed = False
        for obj in doc.objects:
            if not isinstance(obj, pikepdf.Dictionary) or "/ToUnicode" not in obj:
                continue
            stream = obj.ToUnicode
            if not isinstance(stream, pikepdf.Stream):
                continue
            new = mend_cmap(stream.read_bytes().decode("latin-1"))
            if new is not None:
                stream.write(new.encode("latin-1"))
                changed = True
        if not changed:
            return data
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def text_layer_faults(data: bytes) -> list[str]:
    """Radicals or soft hyphens any font's ToUnicode map still sends a glyph to (a check)."""
    faults = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and isinstance(
                obj.get("/ToUnicode"), pikepdf.Stream
            ):
                pairs, _ = read_cmap(obj.ToUnicode.read_bytes().decode("latin-1"))
                faults += [t for t in pairs.values() if t != mended(t)]
    return faults
