"""Exceptions with the context a user needs to fix their input."""

from __future__ import annotations

from pathlib import Path


class WorkbookError(Exception):
    """Base class of the workbook's own errors."""


class InputError(WorkbookError):
    """Raw input that cannot be read or does not mean anything.

    The message always names the file, and where known the line and the field,
    and says what was expected. For a PDF, ``page`` names the page and ``line``
    the line on that page.
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
        where = str(self.path) if self.path is not None else "<input>"
        if self.page is not None:
            where += f", page {self.page}"
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.detail}"


class PeriodError(WorkbookError, ValueError):
    """A period id or label that does not name a real half-year."""


class StageError(WorkbookError):
    """A notebook of the pipeline failed; the executed copy is kept."""


class LockedError(WorkbookError):
    """Another run of the same period holds the lock."""
