"""Export the executed report notebook to one self-contained, safe HTML file.

nbconvert's default templates load require.js and MathJax from a CDN; this
module uses nbconvert's exporter with its ``basic`` template (the body only,
code cells excluded), sanitises that body with nh3 (an allow-list: no script,
no event handlers, images only as inline ``data:`` PNG or SVG, links only within
the page), adds a table of contents from its headings, and wraps it in the
workbook's own page template, which loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import TYPE_CHECKING

import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from helpers import __version__
from helpers.core.atomic import atomic_write_bytes
from helpers.core.paths import TEMPLATES_DIR
from helpers.core.tables import read_own

if TYPE_CHECKING:
    import nbformat
    from nbconvert import HTMLExporter

# nbformat and nbconvert are imported where they are used: importing them costs
# 1.5-2 s (jsonschema's format checkers), which the report notebook's kernel
# would pay only to call figure_html (see docs/benchmarks.md).

ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "div",
    "span",
    "strong",
    "em",
    "a",
    "br",
    "code",
    "pre",
    "nav",
    "section",
    "details",  # the collapsed 技術情報 and the table of contents on a phone
    "summary",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "aria-label"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
REPORT_TAG = "report"  # cells whose output goes into the report; others are left out

_exporter: HTMLExporter | None = None

#: invisible characters that change the direction of the text around them (Unicode's
#: bidi controls): a name from the data holding U+202E would print the report's own
#: text after it backwards ("Trojan Source", CVE-2021-42574); Japanese text needs none
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: one pass of the regular-expression engine (str.translate with a table of removals
#: looks up every character in Python: 0.5 s on a page of 10,000 KPIs, against 0.03 s)
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi_controls(text: str) -> str:
    r"""``text`` without Unicode's bidi control characters.

    >>> strip_bidi_controls("abc\u202efdp.exe")
    'abcfdp.exe'
    """
    return _BIDI.sub("", text)


#: images the page may hold: inline only (data: URIs), PNG or SVG. An SVG shown by <img>
#: runs no script and loads nothing (browsers' image mode), so it is as safe as a PNG.
IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/svg+xml;base64,")
_MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if value.startswith(IMAGE_PREFIXES) else None
    if tag == "a" and attr == "href":
        return value if value.startswith("#") else None
    return value


def sanitize(html: str, attribute_filter=None) -> str:
    """Keep only the allow-listed tags and attributes; drop scripts with their content.

    Bidi control characters are removed from the whole page as well.
    ``attribute_filter`` replaces the report's (the index page allows links to files).
    """
    return nh3.clean(
        strip_bidi_controls(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"data"},
        attribute_filter=attribute_filter or _attribute_filter,
        link_rel=None,
        strip_comments=True,
    )


def figure_html(image_path: str | Path, caption: str) -> Markup:
    """A figure with the PNG or SVG inlined as a data URI (no file beside the report needed)."""
    path = Path(image_path)
    media = _MEDIA_TYPES.get(path.suffix.lower())
    if media is None:
        raise ValueError(f"{path}: a figure must be .png or .svg")
    data = base64.b64encode(read_own(path)).decode("ascii")
    return Markup(
        f'<figure><img src="data:{media};base64,{data}" alt="{escape(caption)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def figure_if_drawn(figures_dir: str | Path, name: str, caption: str) -> Markup:
    """:func:`figure_html` of ``<name>.png`` if that chart was drawn, else nothing."""
    path = Path(figures_dir) / f"{name}.png"
    return figure_html(path, caption) if path.exists() else Markup("")


def _exporter_class() -> type[HTMLExporter]:
    """nbconvert's HTMLExporter without its last pass, in which BeautifulSoup parses the
    whole page again to add an English alt text to images without one and tabindex to
    output areas: the sanitiser keeps no tabindex, and every image of the report is a
    figure with its Japanese alt text (:func:`figure_html`; an image without one gets
    :data:`NO_ALT` below). The pass cost a second per 2 MB of report (6 s for a report
    of 10,000 KPIs, linear in its size); the report is byte for byte the same without it
    (tests/present/test_render.py compares the two on executed report notebooks)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def _get_exporter() -> HTMLExporter:
    global _exporter
    if _exporter is None:
        exp = _exporter_class()(template_name="basic")
        exp.exclude_input = True
        exp.exclude_input_prompt = True
        exp.exclude_output_prompt = True
        exp.exclude_markdown = True
        exp.exclude_raw = True
        exp.exclude_unknown = True
        _exporter = exp
    return _exporter


def warm_up() -> None:
    """Import nbconvert and compile its templates: the first export's own cost, paid
    ahead (the pipeline does it in a thread while the notebooks run)."""
    import nbformat

    _get_exporter().from_notebook_node(nbformat.v4.new_notebook())


def report_cells_only(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy keeping the outputs of cells tagged ``report``, minus stderr text."""
    import nbformat

    nb = nbformat.from_dict(nb)
    kept = []
    for cell in nb.cells:
        if cell.cell_type != "code" or REPORT_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        cell.outputs = [
            o
            for o in cell.get("outputs", [])
            if o.get("output_type") in ("display_data", "execute_result")
        ]
        kept.append(cell)
    nb.cells = kept
    return nb


def build_toc(body: str) -> Markup:
    """A nested list of links to the body's h2 and h3 headings."""
    items: list[tuple[int, str, str]] = []
    for m in re.finditer(r'<h([23]) id="([^"]+)">(.*?)</h\1>', body, flags=re.S):
        text = re.sub(r"<[^>]+>", "", m.group(3))
        items.append((int(m.group(1)), m.group(2), text))
    out = ["<ul>"]
    open_sub = False
    for level, anchor, text in items:
        if level == 2:
            if open_sub:
                out.append("</ul></li>")
                open_sub = False
            elif len(out) > 1:
                out.append("</li>")
            out.append(f'<li><a href="#{anchor}">{text}</a>')
        else:
            if not open_sub:
                out.append("<ul>")
                open_sub = True
            out.append(f'<li><a href="#{anchor}">{text}</a></li>')
    if open_sub:
        out.append("</ul></li>")
    elif len(out) > 1:
        out.append("</li>")
    out.append("</ul>")
    return Markup("".join(out))


#: the alt text of an image a report cell shows without one (a plot displayed as is,
#: not through figure_html): nbconvert's own was English
NO_ALT = "図（説明はありません）"
#: an attribute of a tag: its name, then = and a value (quoted or not), or no value
_ATTRIBUTE = r"""\s+([^\s"'=<>/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_IMG_TAG = re.compile(rf"<img\b((?:{_ATTRIBUTE})*)\s*/?>", flags=re.I)
_ATTRIBUTE_NAME = re.compile(_ATTRIBUTE)


def _with_alt(tag: re.Match) -> str:
    names = {name.lower() for name in _ATTRIBUTE_NAME.findall(tag.group(1))}
    return tag.group(0) if "alt" in names else f'<img alt="{NO_ALT}"{tag.group(0)[4:]}'


def with_alt_texts(html: str) -> str:
    """Every ``<img>`` of ``html`` with an alt attribute (:data:`NO_ALT` where it had
    none; an empty one, a decorative image's, is kept).

    >>> with_alt_texts('<img src="a.png"><img title="x > y" alt = "図 1">')
    '<img alt="図（説明はありません）" src="a.png"><img title="x > y" alt = "図 1">'
    >>> with_alt_texts('<img data-alt="x" src=a><img src=b alt>')
    '<img alt="図（説明はありません）" data-alt="x" src=a><img src=b alt>'
    """
    return _IMG_TAG.sub(_with_alt, html)


def render_report(nb: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """HTML of the whole report page from an executed report notebook."""
    body, _ = _get_exporter().from_notebook_node(report_cells_only(nb))
    body = sanitize(with_alt_texts(body))
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html", "j2"])
    )
    toc = Markup(sanitize(build_toc(body)))
    page = env.get_template("report.html.j2").render(
        title=title, toc=toc, body=Markup(body), footer=footer, version=__version__
    )
    return page


def export_report(
    executed_notebook: str | Path, out_html: str | Path, title: str, footer: str = ""
) -> Path:
    import nbformat

    nb = nbformat.read(str(executed_notebook), as_version=4)
    html = render_report(nb, title, footer)
    return atomic_write_bytes(out_html, html.encode("utf-8"))
