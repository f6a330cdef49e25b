"""helpers.present.pdf and the report's print style: report.html printed on A4 by Chromium.

The browser tests need Debian's ``chromium``, ``fonts-ipaexfont-gothic`` and
``poppler-utils`` (pdffonts, pdftotext, pdfinfo); without them they skip, and with
``REFORM_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from support.words import findings

from helpers.core import paths
from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.core.paths import TEMPLATES_DIR
from helpers.present import pdf

POPPLER = ("pdffonts", "pdftotext", "pdfinfo")


def _unavailable(message: str):
    if os.environ.get("REFORM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (REFORM_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium():
    found = pdf.find_chromium()
    if found is None:
        _unavailable(f"no Chromium: {pdf.INSTALL_HINT}")
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        _unavailable(f"no {', '.join(missing)}: apt-get install poppler-utils")
    return found


def poppler(tool: str, path: Path, *options: str) -> str:
    """A poppler tool's output for ``path`` (pdftotext writes to stdout)."""
    command = [tool, *options, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout


def page_texts(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return poppler("pdftotext", path, "-layout").split("\f")[:-1]


# ------------------------------------------------------------ without a browser


def test_no_chromium_is_an_input_error_with_a_one_line_hint(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
    assert pdf.find_chromium() is None
    with pytest.raises(InputError) as err:
        pdf.check_chromium()
    message = str(err.value)
    assert "\n" not in message
    assert "apt-get install chromium fonts-ipaexfont-gothic" in message
    assert pdf.CHROMIUM_ENV in message


def test_a_chosen_browser_that_does_not_exist_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "chrome.exe"))
    with pytest.raises(InputError, match=re.escape(str(tmp_path / "chrome.exe"))):
        pdf.check_chromium()


def test_a_chosen_browser_is_used_first(monkeypatch, tmp_path):
    exe = tmp_path / "my-chromium"
    exe.write_text("", encoding="utf-8")
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(exe))
    assert pdf.find_chromium() == exe


def test_a_missing_report_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="印刷するレポートがありません"):
        pdf.html_to_pdf(tmp_path / "report.html", tmp_path / "report.pdf", chromium=Path("/x"))


def test_a_failed_print_leaves_the_previous_pdf_and_no_temporary_file(monkeypatch, tmp_path):
    html = tmp_path / "report.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    old = tmp_path / "report.pdf"
    old.write_bytes(b"%PDF-old")

    def fail(*_):
        raise pdf.PdfError("Chromium could not print")

    monkeypatch.setattr(pdf, "print_pdf", fail)
    with pytest.raises(pdf.PdfError):
        pdf.html_to_pdf(html, old, chromium=Path("/x"))
    assert old.read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.pdf"]


def test_the_page_template_carries_the_print_style():
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
    page = env.get_template("report.html.j2").render(title="t", toc="", body="", footer="")
    style = page[page.index("<style>") : page.index("</style>")]
    rules = re.sub(r"\s+", " ", style)
    assert "@page { size: A4;" in rules
    printed = rules[rules.index("@media print") :]
    for rule in (
        "nav.toc { display: none; }",
        "break-after: avoid;",
        "thead { display: table-header-group; }",
        "max-width: 100%;",
        "break-inside: avoid;",
    ):
        assert rule in printed, rule


# ------------------------------------------------------------ in Chromium

SMALL = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<style>body {{ font-family: "IPAexGothic", sans-serif; }}</style></head><body>
<h1>行財政再構築プランの進捗状況</h1><p>予定よりも遅れている取組は10項目です。</p>
<img src="http://example.invalid/tracker.png" alt="">{extra}</body></html>"""


@pytest.mark.browser
def test_a_small_page_prints_with_its_japanese_text_selectable(chromium, tmp_path):
    html = tmp_path / "page.html"
    html.write_text(SMALL.format(extra=""), encoding="utf-8")
    out = pdf.html_to_pdf(html, tmp_path / "out" / "page.pdf", chromium=chromium)
    assert out.read_bytes()[:5] == b"%PDF-"
    text = poppler("pdftotext", out)
    assert (
        "行財政再構築プランの進捗状況" in text and "予定よりも遅れている取組は10項目です。" in text
    )
    assert "IPAexGothic" in poppler("pdffonts", out)
    info = poppler("pdfinfo", out)
    assert "(A4)" in info
    assert [p.name for p in out.parent.iterdir()] == ["page.pdf"]


@pytest.mark.browser
def test_prints_from_a_notebook_with_its_running_event_loop(chromium, tmp_path):
    """A kernel runs an asyncio loop; Playwright's sync API refuses such a thread."""
    html = tmp_path / "page.html"
    html.write_text(SMALL.format(extra=""), encoding="utf-8")

    async def in_a_kernel():
        return pdf.html_to_pdf(html, tmp_path / "page.pdf", chromium=chromium)

    # a thread of its own: pytest's (test_browser's Playwright session) may hold this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        out = pool.submit(asyncio.run, in_a_kernel()).result()
    assert "行財政再構築プランの進捗状況" in poppler("pdftotext", out)


@pytest.mark.browser
def test_a_printer_started_ahead_prints_once_and_closes_its_browser(chromium, tmp_path):
    """The pipeline starts the browser while the notebooks run, then only prints."""
    html = tmp_path / "page.html"
    html.write_text(SMALL.format(extra=""), encoding="utf-8")
    with pdf.Printer(chromium) as printer:
        out = pdf.html_to_pdf(html, tmp_path / "page.pdf", printer=printer)
    assert printer._served.done() and printer._served.exception() is None
    assert "行財政再構築プランの進捗状況" in poppler("pdftotext", out)


@pytest.mark.browser
def test_a_printer_never_asked_closes_its_browser(chromium):
    """A run whose notebook failed never prints: the browser still ends with the printer."""
    printer = pdf.Printer(chromium)
    printer.close()
    assert printer._served.done() and printer._served.exception() is None


def test_a_printer_whose_browser_cannot_start_says_so_when_asked(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    missing = tmp_path / "no-chromium"
    with pdf.Printer(missing) as printer, pytest.raises(pdf.PdfError, match="印刷できませんでした"):
        printer.print(html)


@pytest.fixture(scope="module")
def report_pdf(chromium, e2e_run, tmp_path_factory):
    html = e2e_run["period_dir"] / "report.html"
    out = pdf.html_to_pdf(html, tmp_path_factory.mktemp("pdf") / "report.pdf", chromium=chromium)
    return html, out


@pytest.mark.browser
@pytest.mark.e2e
def test_the_report_pdf_embeds_ipaexgothic(report_pdf):
    _, out = report_pdf
    fonts = [line.split() for line in poppler("pdffonts", out).splitlines()[2:]]
    ipa = [f for f in fonts if f[0].endswith("+IPAexGothic")]
    assert ipa, fonts
    for row in ipa:
        # name, type…, encoding, emb, sub, uni: embedded (as a subset), with a Unicode map
        assert row[-5:-2] == ["yes", "yes", "yes"], row


@pytest.mark.browser
@pytest.mark.e2e
def test_the_report_pdf_holds_the_reports_japanese_text(report_pdf):
    html, out = report_pdf
    source = html.read_text(encoding="utf-8")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", source).group(1)
    sections = re.findall(r"<h2[^>]*>(.*?)</h2>", source)
    pages = page_texts(out)
    text = "".join(pages)
    assert title in text
    assert all(s in text for s in sections)
    assert "目次" not in text  # the table of contents is the screen's, not the paper's
    assert "(A4)" in poppler("pdfinfo", out)
    assert sections[0] in pages[0] and title in pages[0]
    # sections flow on (issue 21: a page per section left pages holding one sentence):
    # no page under 200 characters unless a figure fills it, and no heading ends a page
    figures = _pages_with_images(out)
    for i, page in enumerate(pages):
        chars = len("".join(page.split()))
        assert chars >= 200 or i + 1 in figures or i == len(pages) - 1, (i + 1, page)
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert not lines or lines[-2 if len(lines) > 1 else -1] not in sections, (i + 1, lines[-2:])


def _pages_with_images(out: Path) -> set[int]:
    rows = poppler("pdfimages", out, "-list").splitlines()[2:]
    return {int(r.split()[0]) for r in rows if r.strip()}


@pytest.mark.browser
@pytest.mark.e2e
def test_the_pdf_text_reads_and_searches_as_printed(report_pdf):
    """Every glyph maps to its normal code point (Chromium maps ~200 kanji to Kangxi
    radicals, crbug.com/981259, and its minus to a soft hyphen): the maps are mended."""
    html, out = report_pdf
    data = out.read_bytes()
    assert pdf.text_layer_faults(data) == []
    text = poppler("pdftotext", out)
    assert "行財政再構築プラン" in text
    for heading in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html.read_text(encoding="utf-8")):
        plain = re.sub(r"<[^>]+>|&[a-z#0-9]+;", "", heading)
        assert "".join(plain.split()) in "".join(text.split()), plain
    assert not [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF]
    assert "\u00ad" not in text and "\u2212" in text  # minus is minus
    assert findings(text) == []  # no file name, code or hash: 技術情報 is not printed


def test_mend_cmap_maps_radicals_and_the_soft_hyphen():
    cmap = (
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        "2 beginbfchar\n<0086> <00AD>\n<0675> <2F8F>\nendbfchar\n"
        "1 beginbfrange\n<0100> <0102> <2F00>\nendbfrange\n"
    )
    pairs, _ = pdf.read_cmap(pdf.mend_cmap(cmap))
    assert pairs == {"0086": "\u2212", "0675": "行", "0100": "一", "0101": "丨", "0102": "丶"}
    assert pdf.mend_cmap("1 beginbfchar\n<0003> <0020>\nendbfchar") is None


@pytest.mark.browser
@pytest.mark.e2e
def test_long_tables_repeat_their_header(report_pdf):
    _, out = report_pdf
    pages = page_texts(out)
    audit_pages = [p for p in pages if "検算内容" in p]
    assert len(audit_pages) >= 2  # the audit table runs over two pages, its header on each
    for page in audit_pages:
        header = next(line for line in page.splitlines() if "検算内容" in line)
        assert "報告書の値" in header and "再計算の値" in header


@pytest.mark.browser
@pytest.mark.e2e
def test_printed_images_fit_the_page(chromium, report_pdf):
    """In print, no image is wider than the A4 text area, and the contents list is hidden."""
    html, _ = report_pdf
    # Playwright's sync API refuses a thread where another of its sessions runs (test_browser's)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(check_print_layout, chromium, html).result()


def check_print_layout(chromium: Path, html: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pdf.launch_chromium(pw, chromium)
        try:
            # A4 is 210 mm wide, less 2 × 13 mm margins: 184 mm ≈ 695 CSS px
            page = browser.new_page(viewport={"width": 695, "height": 1000})
            page.emulate_media(media="print")
            page.goto(html.resolve().as_uri(), wait_until="load")
            widths = page.eval_on_selector_all(
                "img", "els => els.map(e => e.getBoundingClientRect().right)"
            )
            assert widths and max(widths) <= 695
            assert page.eval_on_selector("nav.toc", "e => getComputedStyle(e).display") == "none"
            assert (
                page.eval_on_selector("thead", "e => getComputedStyle(e).display")
                == "table-header-group"
            )
        finally:
            browser.close()


# ------------------------------------------------------------ --pdf / PDF=1 and the index


def test_pdf_without_chromium_says_how_to_install_and_exits_2_before_anything(
    monkeypatch, tmp_path, capsys
):
    from support import copy_raw

    from helpers.run import cli

    data = copy_raw(tmp_path / "data")
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)

    def must_not_run(*a, **k):
        raise AssertionError("a period ran although the PDF cannot be printed")

    monkeypatch.setattr(cli, "run_period", must_not_run)
    code = cli.main(["--pdf", "--data-dir", str(data), "--output-dir", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "apt-get install chromium fonts-ipaexfont-gothic" in err
    assert not (tmp_path / "out").exists() and not (data / "processed").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("value", "wanted"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_make_report_pdf_1_asks_for_the_pdf(tmp_path, value, wanted):
    from support import make_report_args

    assert ("--pdf" in make_report_args(tmp_path, f"PDF={value}")) is wanted


def test_the_index_page_carries_the_print_style(tmp_path):
    from helpers.present.index_page import render_index

    page = re.sub(r"\s+", " ", render_index([], "0" * 64))
    assert "@page { size: A4;" in page and "@media print" in page
    assert "thead { display: table-header-group; }" in page  # long tables repeat their header
    assert "nav { display: none; }" in page


@pytest.fixture(scope="module")
def pdf_run(chromium, tmp_path_factory):
    """A period run without, then with --pdf (through the pipeline), and the index."""
    from support import PLAN, copy_raw

    from helpers.present.index_page import build_index
    from helpers.run.pipeline import run_period

    root = tmp_path_factory.mktemp("pdfrun")
    data, out = copy_raw(root / "data"), root / "outputs"
    quiet = {"log": lambda _m: None}
    first = run_period("2018-03", data, out, **quiet)
    with_pdf = run_period("2018-03", data, out, pdf=True, **quiet)
    again = run_period("2018-03", data, out, pdf=True, **quiet)
    without = run_period("2018-03", data, out, **quiet)
    said: list[str] = []
    forced = run_period("2018-03", data, out, force=True, log=said.append)
    build_index(data, out, **quiet)
    return {
        "runs": (first, with_pdf, again, without),
        "forced": (forced, said),
        "folder": out / PLAN / "2018-03",
        "index": out / "index.html",
        "data": data,
        "out": out,
    }


@pytest.mark.browser
@pytest.mark.e2e
def test_the_pipeline_prints_report_pdf_beside_the_report(pdf_run):
    first, with_pdf, again, without = pdf_run["runs"]
    folder = pdf_run["folder"]
    # up to date but without its PDF: run again; then up to date with or without --pdf
    assert not first.skipped and not with_pdf.skipped and again.skipped and without.skipped
    report = folder / "report.pdf"
    assert report.read_bytes()[:5] == b"%PDF-"
    assert "(A4)" in poppler("pdfinfo", report)
    assert "report.pdf" in (folder / ".fingerprint").read_text(encoding="utf-8").splitlines()
    assert "pdf" in with_pdf.stage_seconds
    assert not list(folder.parent.glob(".2018-03.staging-*"))  # no staging left


@pytest.mark.browser
@pytest.mark.e2e
def test_a_rebuild_without_pdf_prints_the_pdf_the_report_had(pdf_run):
    """Forced (or data changed) without --pdf: the report's PDF is printed again, never
    dropped (nor left stale), and the run says so."""
    forced, said = pdf_run["forced"]
    assert not forced.skipped and "pdf" in forced.stage_seconds
    assert (pdf_run["folder"] / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert any("report.pdf があるため、PDF も作り直します" in line for line in said)


@pytest.mark.browser
@pytest.mark.e2e
def test_the_index_links_the_pdf_and_prints_on_a4(pdf_run, chromium, tmp_path):
    index = pdf_run["index"].read_text(encoding="utf-8")
    assert '<a href="kodaira-3/2018-03/report.pdf">PDF</a>' in index
    out = pdf.html_to_pdf(pdf_run["index"], tmp_path / "index.pdf", chromium=chromium)
    assert "(A4)" in poppler("pdfinfo", out)
    text = poppler("pdftotext", out)
    assert "進捗状況レポート一覧" in text and "第3次行財政再構築プラン" in text


@pytest.mark.e2e
def test_a_failed_pdf_leaves_the_previous_report_intact(e2e_run, monkeypatch, tmp_path):
    from helpers.core.errors import StageError
    from helpers.run.pipeline import run_period

    out = tmp_path / "outputs"
    shutil.copytree(e2e_run["out"], out)
    folder = out / "kodaira-3" / "2018-03"
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def fail(html, target, **_):
        raise pdf.PdfError(say("pdf.failed", html=html, first="crashed"))

    monkeypatch.setattr(pdf, "html_to_pdf", fail)
    monkeypatch.setattr("helpers.run.pipeline.html_to_pdf", fail)  # its own reference
    with pytest.raises(StageError, match="印刷できませんでした"):
        run_period("2018-03", e2e_run["data"], out, pdf=True, log=lambda _m: None)
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    # the failure is recorded beside the report (the index shows the period as failed)
    failed = after.pop(Path(paths.RUN_FAILED_FILE))
    assert "印刷できませんでした" in failed.decode("utf-8")
    assert after == before
    assert not (folder / "report.pdf").exists()
    assert not [*folder.parent.glob(".2018-03.staging-*"), *folder.parent.glob(".2018-03.old-*")]


@pytest.mark.browser
@pytest.mark.e2e
def test_a_rebuild_without_a_browser_drops_the_pdf_it_cannot_print_and_says_so(
    pdf_run, tmp_path, monkeypatch
):
    """The PDF was not asked for: no browser is no reason to refuse the HTML report."""
    from helpers.run.pipeline import run_period

    out = tmp_path / "outputs"
    shutil.copytree(pdf_run["out"], out)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    said: list[str] = []
    result = run_period("2018-03", pdf_run["data"], out, force=True, log=said.append)
    folder = out / "kodaira-3" / "2018-03"
    assert not result.skipped and "pdf" not in result.stage_seconds
    assert (folder / "report.html").is_file() and not (folder / "report.pdf").exists()
    assert any("PDF を印刷できないため" in line and "PDF なしで作ります" in line for line in said)
