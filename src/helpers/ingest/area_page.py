"""The per-area status table as the city's web page, saved from the browser (``*.html``).

The page is decoded by the encoding it declares (``<meta charset>`` or
``<meta http-equiv="Content-Type" content="…; charset=…">``): Shift_JIS is read
as CP932 (its Windows form, which city pages use), UTF-8 with or without a
byte-order mark; a page that declares nothing is read as a raw text file is
(UTF-8, else CP932). Then the rules of a raw text apply: invisible characters
(:func:`helpers.ingest.rawio.strip_invisible`) and radical code points
(:mod:`helpers.core.radicals`).

Of the page's tables (menus, layout tables, the footer's), the one read is the
innermost table whose text holds 分野 and a word of each of the plan's status
labels; it is read with ``pandas.read_html`` (lxml), which knows header rows,
``<th>`` cells and spanned cells, and then checked as a CSV table is
(:func:`helpers.ingest.area_table.area_table_from_rows`); a message names the
line of the page's ``<tr>``. The page's title (for the plan check), the
table's ``<caption>`` and the page's update date (更新日：2018年1月20日) go into
the table's provenance.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import lxml.html
import pandas as pd

from helpers.core.errors import Faults, InputError
from helpers.core.radicals import to_unified
from helpers.core.textnorm import collapse, squash, strip_invisible
from helpers.core.vocab import STANDARD, Vocabulary
from helpers.ingest.area_table import AreaTable, area_table_from_rows
from helpers.ingest.rawio import decode_bytes, read_bytes

PAGE_SUFFIXES = (".html", ".htm")
MAX_BYTES = 5 * 1024 * 1024  # a city page is 20-200 KB
_HEAD = 4096  # the charset is declared in the first bytes of the page
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CODECS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "cp932": "cp932",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "euc-jp": "euc_jp",
    "x-euc-jp": "euc_jp",
}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_UPDATED_RE = re.compile(
    r"(?:更新日|最終更新日|更新)\s*[：:]?\s*((?:\d{4}|(?:令和|平成)\s*(?:\d{1,2}|元))\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
)


def is_area_page(path: Path) -> bool:
    return path.suffix.lower() in PAGE_SUFFIXES


def _declared(data: bytes) -> str | None:
    m = _CHARSET_RE.search(data[:_HEAD])
    return m.group(1).decode("ascii").lower() if m else None


def decode_page(data: bytes, path: Path) -> str:
    """The page's text in the encoding it declares (Shift_JIS read as CP932)."""
    declared = _declared(data)
    if declared is None:
        return decode_bytes(data, path)[0]
    codec = _CODECS.get(declared)
    if codec is None:
        raise InputError(
            path,
            f"ページの文字コード「{declared}」は読めません（読めるのは Shift_JIS・UTF-8・EUC-JP）。"
            "ブラウザで開き直して「名前を付けて保存」で保存し直すか、表を CSV（UTF-8）にしてください",
        )
    body = data[3:] if codec == "utf-8" and data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            f"ページは文字コード {declared} と宣言していますが、{exc.start} バイト目"
            f"（0x{body[exc.start]:02x}）がその文字コードではありません。ファイルが壊れているか、"
            "保存し直したときに文字コードが変わっています。市のページを保存し直してください",
            line=line,
        ) from None


def _text(el) -> str:
    return collapse(el.text_content())


def _names_the_table(text: str, vocab: Vocabulary) -> bool:
    s = squash(text)
    return "分野" in s and all(
        any(squash(k) in s for k in (*vocab.keywords[c], *vocab.labels[c])) for c in vocab.codes
    )


def _find_table(root, path: Path, vocab: Vocabulary):
    tables = [t for t in root.iter("table") if _names_the_table(t.text_content(), vocab)]
    inner = [t for t in tables if not any(u is not t and t in u.iterancestors() for u in tables)]
    if not inner:
        raise InputError(
            path,
            "ページに分野別の表が見つかりません（「分野」と進捗状況の見出し（"
            + "・".join(vocab.label(c) for c in vocab.codes)
            + "）のある表がありません）。分野別の進捗状況の表があるページか確かめてください",
        )
    if len(inner) > 1:
        lines = ", ".join(str(t.sourceline) for t in inner)
        raise InputError(
            path,
            f"ページに分野別の表が {len(inner)} つあります（{lines} 行目）。1つの表だけのページを"
            "保存するか、表を CSV にしてください",
            line=inner[1].sourceline,
        )
    return inner[0]


_UNNAMED = re.compile(r"Unnamed: \d+(_level_\d+)?")


def _header_names(columns: list[tuple[str, ...]]) -> list[str]:
    """One name per column from several header rows.

    A heading spanning several columns above their own names (進捗状況 over S, A and B:
    ``colspan``) groups them and is left out; a heading over one column only (分野 with
    ``rowspan``, repeated by pandas in each row) is kept once; blank cells are dropped.
    """
    out = []
    for i, col in enumerate(columns):
        parts = []
        for level, part in enumerate(col):
            if not part or _UNNAMED.fullmatch(part):
                continue
            last = level == len(col) - 1
            spans = any(
                0 <= j < len(columns)
                and columns[j][level] == part
                and columns[j][level + 1 :] != col[level + 1 :]
                for j in (i - 1, i + 1)
            )
            if not last and spans:
                continue  # a group heading over several columns
            parts.append(part)
        out.append("".join(dict.fromkeys(parts)))
    return out


#: the widest a cell may span: an area table has a handful of columns and of rows. A span
#: beyond it (``colspan="1000000"``) would make the table reader fill millions of cells
MAX_SPAN = 100
#: the most cells the table may fill once its spans are spread (an area table: about 60)
MAX_CELLS = 10_000


def _check_spans(table, path: Path) -> None:
    """Every colspan and rowspan a whole number from 1 to :data:`MAX_SPAN`, and the table's
    cells, spans spread, at most :data:`MAX_CELLS`; all faults at once."""
    faults = Faults(path)
    cells = 0
    for cell in table.iter("td", "th"):
        area = 1
        for attr in ("colspan", "rowspan"):
            value = cell.get(attr)
            if value is None:
                continue
            v = value.strip()
            if v.isascii() and v.isdigit() and 1 <= int(v) <= MAX_SPAN:
                area *= int(v)
            else:
                faults.add(
                    InputError(
                        path,
                        f'表のセルの {attr}="{value[:20]}" は、セルが何列（何行）にまたがるかとして'
                        f"読めません（1〜{MAX_SPAN} の整数）。ブラウザで表が正しく見えるか確かめ、"
                        "ページを保存し直すか、表を CSV にして置いてください",
                        line=cell.sourceline,
                    )
                )
        cells += area
    if cells > MAX_CELLS and not faults:
        faults.add(
            InputError(
                path,
                f"表が大きすぎます（結合を広げると {cells:,} セル、上限 {MAX_CELLS:,}）。"
                "分野別の表のページか確かめ、表を CSV にして置いてください",
                line=table.sourceline,
            )
        )
    faults.refuse()


def _rows(table, path: Path) -> list[tuple[int, list[str]]]:
    """(line of its <tr>, cells) for the header and each row, as pandas.read_html reads them."""
    _check_spans(table, path)
    html = lxml.html.tostring(table, encoding="unicode")
    try:
        frame = pd.read_html(
            io.StringIO(html), flavor="lxml", thousands=None, keep_default_na=False
        )[0]
    except ValueError:
        raise InputError(
            path,
            "表を読めません（行と列の形が崩れています）。ブラウザで表が正しく見えるか確かめ、"
            "ページを保存し直すか、表を CSV にして置いてください",
            line=table.sourceline,
        ) from None
    frame = frame.astype(str)
    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):  # two or more header rows
        header = _header_names([tuple(str(x) for x in col) for col in columns])
        header_rows = columns.nlevels
    else:
        header, header_rows = [str(c) for c in columns], 1
    header = ["" if re.fullmatch(r"Unnamed: \d+(_level_\d+)?", h) else h for h in header]
    trs = [tr.sourceline for tr in table.iter("tr") if tr.getparent() is not None]
    lines = (
        trs
        if len(trs) == header_rows + len(frame)
        else [table.sourceline] * (header_rows + len(frame))
    )
    rows = [(lines[header_rows - 1], header)]
    rows += [(lines[header_rows + k], list(r)) for k, r in enumerate(frame.itertuples(index=False))]
    _refuse_cells_past_the_header(rows, path)
    return rows


def _refuse_cells_past_the_header(rows: list[tuple[int, list[str]]], path: Path) -> None:
    """A row longer than the header (its last cells under no heading) is refused, as in a CSV."""
    header = rows[0][1]
    named = max((i for i, h in enumerate(header) if h), default=-1)
    faults = Faults(path)
    for line, cells in rows[1:]:
        extra = [v for v in cells[named + 1 :] if v.strip() and v != "nan"]
        if extra:
            faults.add(
                InputError(
                    path,
                    f"この行には見出しのない列に値があります（{'、'.join(extra[:3])}）。"
                    f"見出しは{named + 1}列です。ページの表を確かめ、表を CSV にして置いてください",
                    line=line,
                )
            )
    faults.refuse()


def _provenance(root, table) -> dict:
    caption = table.find("caption")
    title = root.find(".//title")
    h1 = root.find(".//h1")
    updated = _UPDATED_RE.search(collapse(root.text_content()))
    out = {
        "page_title": _text(title) if title is not None else None,
        "heading": _text(h1) if h1 is not None else None,
        "caption": _text(caption) if caption is not None else None,
        "updated": re.sub(r"\s+", "", updated.group(1)) if updated else None,
        "table_line": table.sourceline,
    }
    return {k: v for k, v in out.items() if v is not None}


def title_text(table: AreaTable) -> str:
    """The page's heading and title, one per line, for the check of the plan's name."""
    return "\n".join(table.provenance.get(k, "") for k in ("heading", "page_title"))


def _page_root(p: Path):
    """The parsed page (decoded by its declared encoding, bounded in size)."""
    size = p.stat().st_size if p.is_file() else 0
    if size > MAX_BYTES:
        raise InputError(
            p,
            f"ページが大きすぎます（{size / 1024 / 1024:.1f} MB、上限 "
            f"{MAX_BYTES // 1024 // 1024} MB）。分野別の表のページか確かめてください",
        )
    data = read_bytes(p, MAX_BYTES)
    text = to_unified(strip_invisible(decode_page(data, p).replace("\r\n", "\n"), p))
    if "<" not in text:
        raise InputError(
            p, "HTML ではありません（タグがありません）。市のページを保存し直してください"
        )
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses one in decoded text
    try:
        return lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise InputError(p, f"HTML を読めません: {exc}") from None


def page_title_text(path: str | Path) -> str:
    """A saved page's heading and title, one per line (for the plan's name), without its table."""
    root = _page_root(Path(path))
    return "\n".join(
        _text(el) for el in (root.find(".//h1"), root.find(".//title")) if el is not None
    )


def read_area_page(path: str | Path, vocab: Vocabulary = STANDARD) -> AreaTable:
    """The per-area table of a saved web page; every fault names the file (and line of the page).

    Raises
    ------
    InputError
        For a page too large, in an encoding it does not declare truly, without
        the table or with two, and for the faults of a CSV table.
    """
    p = Path(path)
    root = _page_root(p)
    table = _find_table(root, p, vocab)
    area_table = area_table_from_rows(p, _rows(table, p), vocab)
    area_table.provenance = _provenance(root, table)
    return area_table
