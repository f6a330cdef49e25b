"""The period's report as a file: its text from a ``.txt`` or from the city's ``.pdf``.

A period folder holds the report once: as the text (``*.txt``, UTF-8 or CP932)
or as the PDF the city publishes (``*.pdf``, read by :mod:`helpers.ingest.report.pdf_text`).
Both, or two of either, is refused naming both files.

The parser reads the text of either alike. Its line numbers are lines of that
text: for a PDF, of the extracted text the cleaning writes beside the processed
tables (:data:`helpers.core.paths.REPORT_TEXT_FILE`); a message about a PDF names
the page and the line on that page instead (:meth:`ReportText.relocate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.messages import say
from helpers.ingest.rawio import read_text
from helpers.ingest.report.pdf_text import PdfText, read_pdf_text, relocate

REPORT_SUFFIXES = (".txt", ".pdf")


@dataclass
class ReportText:
    """The report's text and where it came from."""

    path: Path
    text: str
    pdf: PdfText | None = None

    def relocate(self, exc: InputError) -> InputError:
        """``exc`` with a line of the text given as the PDF's page and line (as is for a .txt)."""
        if self.pdf is None or exc.path != self.path:
            return exc
        return relocate(exc, self.pdf.lines)

    def provenance(self) -> dict:
        """What meta.json keeps of a PDF's text: pages, where each starts, what was dropped."""
        if self.pdf is None:
            return {}
        return {
            "pages": self.pdf.pages,
            "page_starts": self.pdf.page_starts(),
            "dropped_lines": [
                {"page": ln.page, "line": ln.line, "text": ln.text} for ln in self.pdf.dropped
            ],
            "radicals_replaced": self.pdf.radicals,
        }


def read_report_text(path: str | Path) -> ReportText:
    """The text of a report file, ``.txt`` or ``.pdf``.

    Raises
    ------
    InputError
        As :func:`helpers.ingest.rawio.read_text` for a text file, and as
        :func:`helpers.ingest.report.pdf_text.read_pdf_text` for a PDF.
    """
    p = Path(path)
    if p.suffix.lower() == ".pdf":
        pdf = read_pdf_text(p)
        return ReportText(p, pdf.text, pdf)
    return ReportText(p, read_text(p))


def is_report_file(path: Path) -> bool:
    return path.suffix.lower() in REPORT_SUFFIXES


def second_report_error(path: Path, first: Path) -> InputError:
    """The error for a second report file beside ``first``."""
    if first.suffix.lower() != path.suffix.lower():
        return InputError(
            path,
            f"報告書が2つあります（{first.name} と {path.name}）。報告書は1期に1つです: "
            "PDF かテキスト（.txt）のどちらか一方を残し、もう一方を期のフォルダから移してください",
        )
    return InputError(path, say("clean.second_report", first=first.name))


def find_report(folder: Path) -> Path | None:
    """The report file of a period folder (``.txt`` or ``.pdf``), None if there is none.

    Raises
    ------
    InputError
        For two report files in the folder.
    """
    found = None
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "~$")) or not p.is_file() or not is_report_file(p):
            continue
        if p.name.lower().startswith("readme"):
            continue
        if found is not None:
            raise second_report_error(p, found)
        found = p
    return found
