"""The exported report in a real browser: headless Chromium driven by Playwright.

Readers open ``report.html`` offline in Edge or Chrome, so the report is opened
from a ``file://`` URL in the system's Chromium (``/usr/bin/chromium``; never
``playwright install``) and checked for: no dialog, no request other than the
file itself and ``data:`` URLs, no console error, every image decoded, headings
in Japanese drawn with a real Japanese font. A screenshot is saved in the test's
own folder as ``report.png`` (the period's folder holds only what the workbook writes).

Without Chromium the tests are skipped (``apt-get install chromium
fonts-ipaexfont-gothic``); with ``REFORM_REQUIRE_BROWSER=1`` they fail instead.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from support import PLAN, copy_raw

pytestmark = pytest.mark.browser

from helpers.present.pdf import CHROMIUM, launch_chromium  # noqa: E402  (the product's launcher)

INSTALL_HINT = "apt-get install chromium fonts-ipaexfont-gothic"
# Family names under which fontconfig reports the Japanese fonts the report's CSS asks for.
JAPANESE_FONTS = {
    "IPAexGothic",
    "IPAexゴシック",
    "IPAGothic",
    "IPAPGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Yu Gothic",
    "Meiryo",
}
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def _unavailable(message: str):
    if os.environ.get("REFORM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (REFORM_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium; requested before e2e_run so a missing browser skips at once."""
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: .venv/bin/pip install -e '.[dev]'")
    with sync_playwright() as pw:
        b = launch_chromium(pw, CHROMIUM)
        try:
            yield b
        finally:
            b.close()


@dataclass
class OpenedPage:
    page: object
    url: str
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def open_report(browser, html: Path) -> OpenedPage:
    """Open ``html`` from a file:// URL with every listener attached before loading."""
    t0 = time.perf_counter()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    opened = OpenedPage(page, html.resolve().as_uri())

    def on_dialog(dialog):
        opened.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda req: opened.requests.append(req.url))
    page.on(
        "console",
        lambda msg: opened.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: opened.page_errors.append(str(exc)))
    page.goto(opened.url, wait_until="load")
    # let onerror handlers and late scripts (if any had survived) fire
    page.wait_for_timeout(300)
    opened.seconds = time.perf_counter() - t0
    return opened


def outside_requests(opened: OpenedPage) -> list[str]:
    return [u for u in opened.requests if u != opened.url and not u.startswith("data:")]


def _is_japanese(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x3040 <= cp <= 0x30FF  # hiragana, katakana
        or 0x3400 <= cp <= 0x9FFF  # CJK ideographs
        or 0xF900 <= cp <= 0xFAFF
        or 0x3000 <= cp <= 0x303F  # CJK punctuation 、。「」
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms （）
    )


@pytest.fixture(scope="module")
def report(browser, e2e_run):
    opened = open_report(browser, e2e_run["period_dir"] / "report.html")
    yield opened
    opened.page.close()


# ------------------------------------------------------------- the real report


@pytest.mark.e2e
def test_no_dialog(report):
    assert report.dialogs == []


@pytest.mark.e2e
def test_no_request_but_the_file_and_data_urls(report):
    assert report.url in report.requests
    assert outside_requests(report) == []


@pytest.mark.e2e
def test_no_console_errors(report):
    assert report.console_errors == []
    assert report.page_errors == []


@pytest.mark.e2e
def test_every_image_is_decoded(report):
    images = report.page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.src.slice(0, 40), w: e.naturalWidth, ok: e.complete}))"
    )
    assert images, "the report has no images (figures expected)"
    bad = [i for i in images if not (i["ok"] and i["w"] > 0)]
    assert bad == []
    assert all(i["src"].startswith("data:image/") for i in images)


@pytest.mark.e2e
def test_headings_are_japanese_in_a_japanese_font(report):
    """Headings are Japanese text, and their glyphs are drawn by a real Japanese font.

    ``document.fonts.check('16px IPAexGothic', text)`` cannot tell: it answers
    true for any font that needs no loading, installed or not. Widths cannot
    either: a missing-glyph box ("tofu") is as wide (1 em) as a kanji. So two
    things are checked instead:

    1. Chromium's own record of the platform fonts that drew each heading
       (DevTools ``CSS.getPlatformFontsForNode``): only Japanese fonts, with
       glyphs drawn. This fails when the text falls back to a Latin font.
    2. The glyphs themselves: each distinct character of the headings is drawn
       on a canvas in the heading's font and its pixels compared with those of
       a code point no font has (U+10FFFD): no character may come out as that
       missing-glyph box, none may be blank, and distinct characters must give
       distinct pictures (a font without the glyphs draws one box for all).
       This fails even when the missing glyphs are attributed to IPAexGothic.
    """
    page = report.page
    headings = page.eval_on_selector_all(
        "h1, h2", "els => els.map(e => ({tag: e.tagName, text: e.textContent.trim()}))"
    )
    assert [h["tag"] for h in headings].count("H1") == 1
    assert len(headings) >= 5
    assert page.evaluate("document.documentElement.lang") == "ja"
    for h in headings:
        chars = [c for c in h["text"] if not c.isspace()]
        japanese = [c for c in chars if _is_japanese(c)]
        assert len(japanese) * 2 >= len(chars) and japanese, f"not Japanese: {h['text']!r}"
        assert not any(unicodedata.category(c) == "Co" for c in chars)

    if shutil.which("fc-list"):
        installed = subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, encoding="utf-8"
        ).stdout
        if not any(name in installed for name in JAPANESE_FONTS):
            _unavailable(f"no Japanese font installed: {INSTALL_HINT}")

    # 1. the platform fonts Chromium used for each heading
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "h1, h2"})["nodeIds"]
    assert len(node_ids) == len(headings)
    for node_id, h in zip(node_ids, headings, strict=True):
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
        used = {f["familyName"]: f["glyphCount"] for f in fonts}
        assert used and set(used) <= JAPANESE_FONTS, f"{h['text']!r} drawn with {used}"
        assert sum(used.values()) >= len([c for c in h["text"] if _is_japanese(c)])
    cdp.detach()

    # 2. the glyphs' pixels against the missing-glyph box
    distinct = sorted({c for h in headings for c in h["text"] if _is_japanese(c)})
    drawn = page.evaluate(
        """(chars) => {
            const font = '40px ' + getComputedStyle(document.querySelector('h1')).fontFamily;
            const c = document.createElement('canvas');
            c.width = 64; c.height = 64;
            const ctx = c.getContext('2d', {willReadFrequently: true});
            const draw = (ch) => {
                ctx.clearRect(0, 0, 64, 64);
                ctx.font = font;
                ctx.textBaseline = 'top';
                ctx.fillStyle = '#000';
                ctx.fillText(ch, 8, 8);
                const d = ctx.getImageData(0, 0, 64, 64).data;
                let ink = 0, hash = 0;
                for (let i = 3; i < d.length; i += 4) {
                    if (d[i] > 0) ink++;
                    hash = (Math.imul(hash, 31) + d[i]) >>> 0;
                }
                return {ink, hash: hash + ':' + ink};
            };
            return {missing: draw(String.fromCodePoint(0x10FFFD)), chars: chars.map(draw)};
        }""",
        distinct,
    )
    pictures = dict(zip(distinct, drawn["chars"], strict=True))
    blank = [c for c, p in pictures.items() if p["ink"] == 0]
    assert blank == [], f"drawn blank: {blank}"
    tofu = [c for c, p in pictures.items() if p["hash"] == drawn["missing"]["hash"]]
    assert tofu == [], f"drawn as the missing-glyph box: {tofu}"
    assert len({p["hash"] for p in pictures.values()}) == len(distinct), (
        "characters share one picture"
    )


@pytest.mark.e2e
def test_screenshot_of_the_report(report, tmp_path):
    shot = tmp_path / "report.png"
    report.page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 800 and height > 900, (width, height)
    assert len(data) > 20_000
    print(f"screenshot: {shot}")


# ----------------------------------------------- markup in the data stays text


@pytest.mark.e2e
def test_markup_in_the_data_is_shown_as_text(browser, tmp_path):
    """An item name and a progress line holding HTML are shown as text; nothing runs."""
    from helpers.run.pipeline import run_period

    data = copy_raw(tmp_path / "data")
    raw = data / "raw" / PLAN / "2018-03" / "progress_report_H29_end.txt"
    text = raw.read_text(encoding="utf-8")
    name_line, progress_line = "28 財産の有効活用", "公有財産の売払い等による財源"
    assert text.count(name_line) == 1 and text.count(progress_line) == 1
    # the name's first line (no spaces in it, so it stays in the name column) and
    # the first line of the same item's progress column; the KPI sheet's texts
    # for item 28 are still in the item's text, so the sheet still matches
    text = text.replace(name_line, f"28 {SCRIPT}財産の有効活用")
    text = text.replace(progress_line, f"{IMG}{progress_line}")
    raw.write_text(text, encoding="utf-8")
    kpi = data / "raw" / PLAN / "2018-03" / "kpi_sheet.csv"
    kpi_text = kpi.read_bytes().decode("utf-8-sig")
    kpi_text = kpi_text.replace(
        "公有財産の売払い等による財源確保額", f"公有財産の売払い等による財源確保額{IMG}"
    )
    kpi.write_bytes(b"\xef\xbb\xbf" + kpi_text.encode("utf-8"))

    out = tmp_path / "outputs"
    result = run_period("2018-03", data, out, force=True, log=lambda m: None)
    html = result.output / "report.html"

    # the payloads went through the parser into the data, so the test means something
    items = pd.read_csv(data / "processed" / PLAN / "2018-03" / "items.csv", encoding="utf-8-sig")
    item28 = items.set_index("item_no").loc[28]
    assert SCRIPT in item28["item_name"] and IMG in item28["progress"]

    source = html.read_text(encoding="utf-8")
    assert SCRIPT not in source and IMG not in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source

    opened = open_report(browser, html)
    try:
        page = opened.page
        assert opened.dialogs == []
        assert outside_requests(opened) == []  # <img src=x> would request file:///…/x
        assert opened.console_errors == [] and opened.page_errors == []
        shown = page.evaluate("document.body.innerText")
        assert f"{SCRIPT}財産の有効活用" in shown
        assert IMG in shown
        assert (
            page.evaluate(
                "Array.from(document.scripts).filter(s => s.textContent.includes('alert')).length"
            )
            == 0
        )
        handlers = page.evaluate(
            """Array.from(document.querySelectorAll('*'))
                 .flatMap(e => Array.from(e.attributes).filter(a => a.name.startsWith('on'))
                 .map(a => e.tagName + ' ' + a.name))"""
        )
        assert handlers == []
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => e.getAttribute('src').slice(0, 11))"
        )
        assert all(src.startswith("data:image/") for src in images)
    finally:
        opened.page.close()


# ----------------------------------------------- the index page: outputs/index.html


@pytest.fixture(scope="module")
def site(e2e_run, tmp_path_factory):
    """The e2e run's folders with the synthetic second plan added and run (the index built)."""
    from support import FIXTURES

    from helpers.run.cli import main

    root = tmp_path_factory.mktemp("site")
    data, out = root / "data", root / "out"
    shutil.copytree(e2e_run["data"], data)
    shutil.copytree(e2e_run["out"], out)
    shutil.copytree(FIXTURES / "plans" / "kodaira-2", data / "raw" / "kodaira-2")
    args = ["--plan", "kodaira-2", "--all", "--data-dir", str(data), "--output-dir", str(out)]
    assert main(args) == 0
    return out


def _file_of(url: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(url).path))


@pytest.mark.e2e
def test_the_index_in_chromium_every_link_resolves_and_nothing_outside(browser, site):
    index = site / "index.html"
    opened = open_report(browser, index)
    try:
        page = opened.page
        assert opened.dialogs == [] and opened.console_errors == [] and opened.page_errors == []
        assert outside_requests(opened) == []
        assert page.eval_on_selector_all(
            "img", "els => els.every(e => e.complete && e.naturalWidth > 0)"
        )
        links = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => [e.getAttribute('href'), e.href])"
        )
        assert len(links) == 2 + 2 + 4  # 2 plans; report and Excel of 3 periods (not 2017-09)
        reports = []
        for href, absolute in links:
            if href.startswith("#"):
                assert page.locator(f"[id='{href[1:]}']").count() == 1, href
                continue
            assert absolute.startswith("file://"), absolute
            target = _file_of(absolute)
            assert target.is_file() and site in target.parents, absolute
            if href.endswith("report.html"):
                reports.append(absolute)
        assert len(reports) == 3  # kodaira-3 2018-03, kodaira-2 2017-03 and 2017-09
        shown = page.evaluate("document.body.innerText")
        assert "第2次行財政再構築プラン（フォローアップ項目）" in shown and "未作成" in shown
    finally:
        opened.page.close()
    for url in reports:  # each report links back to the index
        opened = open_report(browser, _file_of(url))
        try:
            assert outside_requests(opened) == []
            back = opened.page.locator("a[href='../../index.html']")
            assert back.count() == 1
            back.click()
            opened.page.wait_for_load_state()
            assert _file_of(opened.page.url) == index.resolve()
        finally:
            opened.page.close()


# ------------------------------------------------------------- any screen (issue 21)

PHONE, SMALL_PC = 390, 1024


@pytest.mark.e2e
@pytest.mark.parametrize("width", [PHONE, SMALL_PC])
def test_no_sideways_scroll_of_report_or_index(browser, site, width):
    """The page is as wide as the screen; a wide table scrolls in its own box, its name
    column at least about 12 characters wide; every header cell a <th>."""
    for html in (site / "index.html", site / PLAN / "2018-03" / "report.html"):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(html.resolve().as_uri(), wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") == width, html
            font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            narrowest = page.evaluate(
                "Math.min(...[...document.querySelectorAll('td.name')]"
                ".map(e => e.getBoundingClientRect().width))"
            )
            assert narrowest >= 11 * font, (html, narrowest)
            heads = page.evaluate(
                "[...document.querySelectorAll('table.data thead tr > *')].map(e => e.tagName)"
            )
            assert heads and set(heads) == {"TH"}
            wraps = page.evaluate(
                "[...document.querySelectorAll('.table-wrap')]"
                ".map(e => getComputedStyle(e).overflowX)"
            )
            assert wraps and set(wraps) == {"auto"}
        finally:
            page.close()


@pytest.mark.e2e
def test_the_table_of_contents_folds_on_a_phone(browser, e2e_run):
    html = e2e_run["period_dir"] / "report.html"
    shown = {}
    for width in (PHONE, SMALL_PC):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(html.resolve().as_uri(), wait_until="load")
            shown[width] = page.locator("nav.toc a[href='#summary']").is_visible()
        finally:
            page.close()
    assert shown == {PHONE: False, SMALL_PC: True}
