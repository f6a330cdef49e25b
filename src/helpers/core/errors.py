"""Exceptions with the context a user needs to fix their input."""

from __future__ import annotations

from pathlib import Path

from helpers.core.messages import place


class WorkbookError(Exception):
    """Base class of the workbook's own errors."""


class InputError(WorkbookError):
    """Raw input that cannot be read or does not mean anything.

    The message always names the file, and where known the line and the field,
    and says what was expected. For a PDF, ``page`` names the page and ``line``
    the line on that page. The message comes from :mod:`helpers.core.messages`
    (Japanese), and the place is written as ``…/kpi_sheet.csv 5行目 value_text列``
    (a PDF: ``…/report.pdf 3ページ 12行目``).
    """

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        page: int | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.page = page
        self.line = line
        self.field = field
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        return f"{place(self.path, self.line, self.field, page=self.page)}: {self.detail}"


class PeriodError(WorkbookError, ValueError):
    """A period id or label that does not name a real half-year."""


class StageError(WorkbookError):
    """A notebook of the pipeline failed; the executed copy is kept."""


class LockedError(WorkbookError):
    """Another run of the same period holds the lock."""
