"""The HTML export without a browser: the sanitiser's allow-list, figures, the table of
contents, the page template (CSP, nothing loaded from elsewhere)."""

from __future__ import annotations

import base64
import re

import nbformat
import pytest
from markupsafe import Markup

from helpers.present import render

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()
SVG_URI = "data:image/svg+xml;base64," + base64.b64encode(SVG).decode()
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


# ------------------------------------------------------------ the allow-list


@pytest.mark.parametrize(
    "html",
    [
        '<h2 id="summary">概要</h2>',
        '<p class="note">注</p>',
        '<table class="data"><caption>表</caption><thead><tr><th>a</th></tr></thead>'
        '<tbody><tr class="ng"><td class="num" colspan="2">1</td></tr></tbody></table>',
        "<ul><li>一</li></ul><ol><li>二</li></ol>",
        "<blockquote><p>引用</p></blockquote>",
        f'<figure><img src="{PNG_URI}" alt="図"><figcaption>図1</figcaption></figure>',
        f'<img src="{SVG_URI}" alt="図">',
        '<a href="#summary">概要へ</a>',
        "<strong>強</strong><em>調</em><code>x</code><br>",
    ],
)
def test_allowed_markup_survives(html):
    assert render.sanitize(html) == html


@pytest.mark.parametrize(
    ("html", "gone"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "alert"),  # the script and its content
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p onclick="alert(1)" onmouseover="x">t</p>', "on"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="http://evil.example/">x</a>', "evil"),
        ('<img src="http://evil.example/x.png">', "evil"),
        ('<img src="//evil.example/x.png">', "evil"),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "text/html"),
        ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "onload"),  # not base64
        ('<iframe src="http://evil.example/"></iframe>', "iframe"),
        ('<object data="x.swf"></object>', "object"),
        ('<link rel="stylesheet" href="http://evil.example/x.css">', "link"),
        ("<style>body{background:url(http://evil.example/)}</style>", "evil"),
        ('<p style="background:url(http://evil.example/)">x</p>', "style"),
        ('<svg onload="alert(1)"><script>alert(1)</script></svg>', "alert"),
        ('<form action="http://evil.example/"><input></form>', "form"),
        ('<meta http-equiv="refresh" content="0;url=http://evil.example/">', "refresh"),
        ("<!-- a comment -->", "comment"),
        ('<base href="http://evil.example/">', "base"),
    ],
)
def test_dangerous_markup_is_removed(html, gone):
    out = render.sanitize(html)
    assert gone not in out.lower(), out
    assert "<script" not in out.lower()


def test_sanitize_keeps_escaped_text_escaped():
    html = "<p>&lt;script&gt;alert(1)&lt;/script&gt; A&amp;B</p>"
    assert render.sanitize(html) == html


def test_sanitize_removes_bidi_controls():
    assert render.sanitize("<p>abc\u202edcba\u2066x\u2069</p>") == "<p>abcdcbax</p>"


def test_id_and_class_cannot_carry_markup():
    out = render.sanitize('<h2 id="a&quot; onmouseover=&quot;x">t</h2>')
    assert "onmouseover=" not in out.replace("&quot; onmouseover=&quot;", "")
    assert out.startswith('<h2 id="a&quot; onmouseover=&quot;x">')


# ------------------------------------------------------------------ figures


def test_figure_html_inlines_png_and_svg(tmp_path):
    (tmp_path / "a.png").write_bytes(PNG)
    (tmp_path / "a.svg").write_bytes(SVG)
    png = str(render.figure_html(tmp_path / "a.png", "図1 <b>&"))
    svg = str(render.figure_html(tmp_path / "a.svg", "図2"))
    assert f'src="{PNG_URI}"' in png and 'alt="図1 &lt;b&gt;&amp;"' in png
    assert f'src="{SVG_URI}"' in svg
    # both survive the sanitiser unchanged
    assert render.sanitize(png) == png and render.sanitize(svg) == svg


def test_figure_html_refuses_other_files(tmp_path):
    (tmp_path / "a.gif").write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match="png or .svg"):
        render.figure_html(tmp_path / "a.gif", "x")


def test_figure_if_drawn(tmp_path):
    assert render.figure_if_drawn(tmp_path, "none", "x") == Markup("")
    (tmp_path / "chart.png").write_bytes(PNG)
    assert PNG_URI in render.figure_if_drawn(tmp_path, "chart", "x")


# ------------------------------------------------------- table of contents


def test_toc_nests_h3_under_h2():
    body = (
        '<h1 id="top">題</h1><h2 id="a">一</h2><h3 id="a1">一の一</h3><h3 id="a2">一の二</h3>'
        '<h2 id="b">二</h2><h2 id="c">三 &lt;x&gt; <em>強</em></h2>'
    )
    toc = str(render.build_toc(body))
    assert toc == (
        '<ul><li><a href="#a">一</a><ul><li><a href="#a1">一の一</a></li>'
        '<li><a href="#a2">一の二</a></li></ul></li><li><a href="#b">二</a></li>'
        '<li><a href="#c">三 &lt;x&gt; 強</a></li></ul>'
    )
    assert render.sanitize(toc) == toc


def test_toc_of_a_body_without_headings():
    assert str(render.build_toc("<p>x</p>")) == "<ul></ul>"


# ------------------------------------------------------------------ the page


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    report = nbformat.v4.new_code_cell("display(HTML(section))", metadata={"tags": ["report"]})
    report.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": '<h2 id="summary">概要</h2><p>本文&lt;b&gt;</p>'
                '<script>alert(1)</script><img src="x" onerror="alert(2)">'
                '<h3 id="sub">小見出し</h3>'
            },
        ),
        nbformat.v4.new_output("stream", name="stderr", text="a warning from the kernel"),
    ]
    hidden = nbformat.v4.new_code_cell("secret = 1", metadata={})
    hidden.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>隠す</p>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# notebook prose"), report, hidden]
    return nb


@pytest.fixture(scope="module")
def page() -> str:
    return render.render_report(_notebook(), "報告 <title>", "生成 &")


def test_page_has_the_csp_and_loads_nothing(page):
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in page
    assert '<html lang="ja">' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page.lower() and "<link" not in page.lower()


def test_page_keeps_only_report_outputs(page):
    assert "本文&lt;b&gt;" in page
    assert "onerror" not in page and "alert(" not in page
    assert "隠す" not in page and "secret" not in page  # an untagged cell
    assert "notebook prose" not in page  # markdown cells
    assert "display(HTML" not in page  # code is never shown
    assert "a warning" not in page  # stderr


def test_page_has_a_toc_and_escaped_title(page):
    assert '<nav class="toc" aria-label="目次">' in page
    assert '<a href="#summary">概要</a><ul><li><a href="#sub">小見出し</a></li></ul>' in page
    assert "<title>報告 &lt;title&gt;</title>" in page
    assert "<footer>生成 &amp;</footer>" in page


def test_an_image_shown_without_alt_text_gets_a_japanese_one():
    nb = _notebook()
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()})
    ]
    page = render.render_report(nb, "図", "")
    assert f'<img alt="{render.NO_ALT}" src="{PNG_URI}">' in page
    assert "No description" not in page


def _stock_exporter():
    from nbconvert import HTMLExporter

    exp = HTMLExporter(template_name="basic")
    for option in ("input", "input_prompt", "output_prompt", "markdown", "raw", "unknown"):
        setattr(exp, f"exclude_{option}", True)
    return exp


@pytest.mark.e2e
def test_the_report_is_nbconverts_without_its_soup_pass(e2e_run, monkeypatch):
    """The report exported without nbconvert's BeautifulSoup pass holds the same document
    as with it: parsed, the two pages are equal (the pass only re-serialised: attributes
    in another order, blank lines between tags; its alt texts and tabindex were not kept)."""
    from bs4 import BeautifulSoup

    nb = nbformat.read(e2e_run["period_dir"] / "notebooks" / "03_report.ipynb", as_version=4)
    ours = render.render_report(nb, "題", "脚注")
    monkeypatch.setattr(render, "_exporter", _stock_exporter())
    stock = render.render_report(nb, "題", "脚注")

    def parsed(page: str) -> str:
        return str(BeautifulSoup(page, features="html.parser"))

    assert len(ours) > 100_000 and parsed(ours) == parsed(stock)
    assert ours != stock  # the pass did run in the stock page
