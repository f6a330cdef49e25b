"""The text of a report published as PDF: extracted, running headers and page numbers dropped.

The text layer is read with pypdf (pure Python, no program to install, the same
on Windows; see docs/pdf-input.md for why pypdf and not pdfplumber). Each page's
text comes in the order the PDF draws it, so a table's cells come one after the
other (No, name, progress, causes, next steps), as the report parser reads them.

What is dropped, page by page (and listed in :attr:`PdfText.dropped`):

- running headers and footers: a line among the first or last
  :data:`EDGE_LINES` lines of a page that stands at the same place on most
  pages (digits aside, so ``資料3 2/8`` and ``資料3 3/8`` are one line), and
  nowhere else in the text (a table header repeated at each page break is
  kept: it also stands inside the pages);
- page numbers: a line among the first or last lines of a page that holds only
  a number (``3``, ``- 3 -``, ``－３－``, ``3/12``, ``p.3``, ``3ページ``) which
  runs with the page: page number minus page index the same on most numbered
  pages, so an item number alone on a line (``7``) at the top of a page stays.

Radical code points a PDF gives for kanji (⾏ for 行) become the kanji
(:mod:`helpers.core.radicals`); ligatures (ﬁ) become their letters; the other
invisible-character rules of raw text apply (:func:`helpers.ingest.rawio.strip_invisible`).

Refused, with a message saying what to do: a file that is not a PDF, a damaged
one, one that needs a password, one without a text layer (a scan: the workbook
does no OCR), one larger than :data:`MAX_BYTES` or with more than
:data:`MAX_PAGES` pages.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from helpers.core.errors import InputError
from helpers.core.radicals import count_radicals, to_unified
from helpers.core.textnorm import strip_invisible
from helpers.ingest.rawio import read_bytes

MAX_BYTES = 30 * 1024 * 1024  # a 30-page report with figures is 1-5 MB
MAX_PAGES = 300
MAX_CHARS = 3_000_000  # extracted text, all pages
EDGE_LINES = 3  # lines at the top and at the bottom of a page where headers and footers stand
MIN_TEXT_CHARS = 20  # fewer visible characters on all pages together: no text layer
_HEAD_SCAN = 1024  # the %PDF- mark may follow some bytes of junk (the format allows it)

_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_DIGITS_RE = re.compile(r"[0-9０-９]+")
_DASHES = "-－–—―‐ー"
_PAGE_NO_RES = (
    re.compile(rf"^[{_DASHES}]?\s*(\d+)\s*[{_DASHES}]?$"),  # 3, - 3 -, －３－
    re.compile(r"^(\d+)\s*/\s*(\d+)$"),  # 3/12
    re.compile(r"^(?:[pP][.．]?|ページ|頁)\s*(\d+)$"),  # p.3
    re.compile(r"^(\d+)\s*(?:ページ|頁)$"),  # 3ページ
)


@dataclass
class PdfLine:
    page: int  # 1-based
    line: int  # 1-based, the line on its page as extracted (dropped lines counted)
    text: str


@dataclass
class PdfText:
    """A PDF's text, line by line, with the page and line each came from."""

    path: Path
    pages: int
    lines: list[PdfLine]
    dropped: list[PdfLine] = field(default_factory=list)
    radicals: int = 0  # radical code points replaced by their kanji

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    def place(self, n: int) -> tuple[int, int] | None:
        """(page, line on the page) of line ``n`` (1-based) of :attr:`text`."""
        if 1 <= n <= len(self.lines):
            return self.lines[n - 1].page, self.lines[n - 1].line
        return None

    def page_starts(self) -> list[int]:
        """The line of :attr:`text` (1-based) each page starts at (its first kept line)."""
        starts: dict[int, int] = {}
        for n, ln in enumerate(self.lines, start=1):
            starts.setdefault(ln.page, n)
        return [starts.get(p, 0) for p in range(1, self.pages + 1)]


# ------------------------------------------------------------------ refusals

_SAVE_AS_TEXT = (
    "報告書のテキストを .txt（UTF-8）で保存して、PDF の代わりに期のフォルダに置いてください"
)


def _not_a_pdf(path: Path) -> InputError:
    return InputError(
        path,
        "PDF ではありません（ファイルの先頭に %PDF- の印がありません）。別の形式のファイルの"
        "名前を .pdf に変えたものではありませんか。市の公開している PDF をそのまま置くか、"
        + _SAVE_AS_TEXT,
    )


def _damaged(path: Path, why: str) -> InputError:
    return InputError(
        path,
        f"PDF を読めません（{why}）。壊れているか、保存が途中で終わっています。市のページから"
        "もう一度ダウンロードして置き直すか、" + _SAVE_AS_TEXT,
    )


def _check_size(path: Path, size: int) -> None:
    if size > MAX_BYTES:
        raise InputError(
            path,
            f"PDF が大きすぎます（{size / 1024 / 1024:.1f} MB、上限 {MAX_BYTES // 1024 // 1024} MB）。"
            "報告書の PDF か確かめてください。ほかの資料と一緒になっているなら報告書のページだけの "
            "PDF にするか、" + _SAVE_AS_TEXT,
        )


def _open(path: Path, data: bytes) -> PdfReader:
    if b"%PDF-" not in data[:_HEAD_SCAN]:
        raise _not_a_pdf(path)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # a PDF locked against editing only opens with the empty password
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise _locked(path)
        pages = len(reader.pages)
    except FileNotDecryptedError:
        raise _locked(path) from None
    except DependencyError:
        raise InputError(
            path,
            "この PDF は暗号化されていて、開くための部品（cryptography）がインストールされて"
            "いません。make install をやり直すか、" + _SAVE_AS_TEXT,
        ) from None
    except InputError:
        raise
    except Exception:  # a damaged file fails inside pypdf in many ways
        raise _damaged(path, "PDF の内部の構造を読み取れません") from None
    if pages > MAX_PAGES:
        raise InputError(
            path,
            f"PDF のページ数が多すぎます（{pages} ページ、上限 {MAX_PAGES} ページ）。"
            "報告書のページだけの PDF にするか、" + _SAVE_AS_TEXT,
        )
    if pages == 0:
        raise _damaged(path, "ページがありません")
    return reader


def _locked(path: Path) -> InputError:
    return InputError(
        path,
        "PDF にパスワードがかかっていて開けません。パスワードのない PDF を入手して置くか、"
        "PDF を開けるパソコンで" + _SAVE_AS_TEXT,
    )


def _no_text_layer(path: Path, pages: int) -> InputError:
    return InputError(
        path,
        f"PDF に文字の情報（テキスト層）がありません（{pages} ページとも画像だけです。"
        "紙をスキャンした PDF ではありませんか）。このワークブックは文字認識（OCR）をしません。"
        "文字を選択・コピーできる PDF を市から入手して置くか、" + _SAVE_AS_TEXT,
    )


# ------------------------------------------------------------------ extraction


def _page_texts(path: Path, reader: PdfReader) -> list[str]:
    texts: list[str] = []
    total = 0
    for no, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except FileNotDecryptedError:
            raise _locked(path) from None
        except Exception:  # as in _open
            raise _damaged(path, f"{no} ページ目の文字を取り出せません") from None
        total += len(text)
        if total > MAX_CHARS:
            raise InputError(
                path,
                f"PDF の文字が多すぎます（{no} ページまでで {total:,} 文字、上限 {MAX_CHARS:,} 文字）。"
                "報告書のページだけの PDF にするか、" + _SAVE_AS_TEXT,
            )
        texts.append(text)
    return texts


@contextmanager
def _quiet_pypdf():
    """pypdf logs a warning for each flaw it repairs; the refusals say what matters."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _shape(line: str, page: int, pages: int) -> str:
    """A line without spaces, its page number (or count) aside: ``資料3 2/8`` on page 2 is ``資料3 #/#``.

    Only a number that may be this page's (its index from 0 or from 1) or the
    page count is set aside: other figures keep lines apart.
    """

    def number(m: re.Match) -> str:
        n = int(unicodedata.normalize("NFKC", m.group(0)))
        return "#" if n in (page, page + 1, pages) else m.group(0)

    return _DIGITS_RE.sub(number, "".join(line.split()))


def _edges(lines: list[str]) -> list[tuple[int, int]]:
    """(index, position) of the non-blank lines at a page's top (0, 1, …) and bottom (-1, -2, …)."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    top = [(i, k) for k, i in enumerate(filled[:EDGE_LINES])]
    bottom = [(i, -1 - k) for k, i in enumerate(reversed(filled[-EDGE_LINES:]))]
    return top + [b for b in bottom if b[0] not in {i for i, _ in top}]


def _running_lines(pages: list[list[str]]) -> set[tuple[int, int]]:
    """(page index, line index) of the running headers and footers."""
    if len(pages) < 2:
        return set()
    at: Counter[tuple[int, str]] = Counter()
    seen: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for p, lines in enumerate(pages):
        for i, pos in _edges(lines):
            if not any(c.isalpha() for c in lines[i]):
                continue  # a number alone is a page number or not (_page_number_lines)
            key = (pos, _shape(lines[i], p, len(pages)))
            if (p, i) not in seen.get(key, []):
                at[key] += 1
                seen.setdefault(key, []).append((p, i))
    most = max(2, (len(pages) + 1) // 2)
    found = {key for key, n in at.items() if n >= most}
    places = {pi for key in found for pi in seen[key]}
    # a line of the same shape inside some page is text (a table header at each page break)
    inside = Counter(
        _shape(ln, p, len(pages))
        for p, lines in enumerate(pages)
        for i, ln in enumerate(lines)
        if (p, i) not in places
    )
    return {pi for key in found if not inside[key[1]] for pi in seen[key]}


def _page_number(line: str) -> tuple[int, int | None] | None:
    """(number, total pages or None) when the line holds only a page number."""
    s = unicodedata.normalize("NFKC", line).strip()
    for pattern in _PAGE_NO_RES:
        m = pattern.match(s)
        if m:
            total = int(m.group(2)) if m.lastindex and m.lastindex > 1 else None
            return int(m.group(1)), total
    return None


def _page_number_lines(pages: list[list[str]], skip: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """(page index, line index) of the lines that are page numbers running with the pages."""
    candidates = []
    for p, lines in enumerate(pages):
        for i, _ in _edges(lines):
            number = _page_number(lines[i]) if (p, i) not in skip else None
            if number is not None:
                candidates.append((p, i, number))
    offsets = Counter(n - p for p, _, (n, _total) in candidates)
    if not offsets:
        return set()
    offset, count = offsets.most_common(1)[0]
    numbered = {p for p, _, _ in candidates}
    if count < max(1, (len(numbered) + 1) // 2) or (len(pages) > 1 and count < 2):
        return set()
    return {
        (p, i)
        for p, i, (n, total) in candidates
        if n - p == offset and (total is None or total == len(pages))
    }


def drop_page_furniture(pages: list[list[str]]) -> tuple[list[PdfLine], list[PdfLine]]:
    """The lines of the pages without running headers, footers and page numbers; and those dropped.

    >>> pages = [["資料3", "本文の一行目", "- 1 -"], ["資料3", "7", "本文の二行目", "- 2 -"]]
    >>> kept, dropped = drop_page_furniture(pages)
    >>> [ln.text for ln in kept], [(ln.page, ln.line, ln.text) for ln in dropped]
    (['本文の一行目', '7', '本文の二行目'], [(1, 1, '資料3'), (1, 3, '- 1 -'), (2, 1, '資料3'), (2, 4, '- 2 -')])
    """
    running = _running_lines(pages)
    furniture = running | _page_number_lines(pages, running)
    kept, dropped = [], []
    for p, lines in enumerate(pages):
        for i, text in enumerate(lines):
            (dropped if (p, i) in furniture else kept).append(PdfLine(p + 1, i + 1, text))
    return kept, dropped


def _clean_lines(path: Path, lines: list[PdfLine]) -> list[PdfLine]:
    """Invisible characters as for a raw text (an error names the page and line); ligatures."""
    text = "\n".join(ln.text for ln in lines).translate(_LIGATURES)
    try:
        text = strip_invisible(text, path)
    except InputError as exc:
        raise relocate(exc, lines) from None
    return [PdfLine(ln.page, ln.line, t) for ln, t in zip(lines, text.split("\n"), strict=True)]


def relocate(exc: InputError, lines: list[PdfLine]) -> InputError:
    """The error with its line of the extracted text given as the PDF's page and line."""
    if exc.line is None or not 1 <= exc.line <= len(lines):
        return exc

    def place(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(lines):
            return m.group(0)
        return f"{lines[n - 1].page}ページ {lines[n - 1].line}行目"

    where = lines[exc.line - 1]
    detail = re.sub(r"(?<![\dページ ])(\d+)行目", place, exc.detail)
    return InputError(exc.path, detail, page=where.page, line=where.line, field=exc.field)


def read_pdf_text(path: str | Path) -> PdfText:
    """The text of the PDF at ``path``, page by page, without running headers and page numbers.

    Raises
    ------
    InputError
        In Japanese, saying what to do, for a file that is not a PDF, a damaged
        or locked one, one without a text layer, or one over the limits.
    """
    p = Path(path)
    if p.is_file():
        _check_size(p, p.stat().st_size)  # the PDF's own message, before the bounded read
    data = read_bytes(p, MAX_BYTES)
    with _quiet_pypdf():
        texts = _page_texts(p, _open(p, data))
    if sum(len("".join(t.split())) for t in texts) < MIN_TEXT_CHARS:
        raise _no_text_layer(p, len(texts))
    pages = [t.replace("\r\n", "\n").replace("\r", "\n").split("\n") for t in texts]
    kept, dropped = drop_page_furniture(pages)
    radicals = sum(count_radicals(ln.text) for ln in kept)
    kept = [PdfLine(ln.page, ln.line, to_unified(ln.text)) for ln in kept]
    return PdfText(p, len(texts), _clean_lines(p, kept), dropped, radicals)
