"""Exceptions with the context a user needs to fix their input."""

from __future__ import annotations

import contextlib
from pathlib import Path

from helpers.core.messages import place, say


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


#: how many faults of one file a refusal lists before it gives only their count
MAX_LISTED_FAULTS = 50


class InputErrors(InputError):
    """Several faults of one file, refused at once: each with its place, up to 50, then a count."""

    def __init__(self, path: str | Path | None, faults: list[InputError]) -> None:
        self.faults = list(faults)
        first = self.faults[0]
        # line and field are the first fault's; the listing names each fault's own place
        super().__init__(
            path, say("errors.several", n=len(self.faults)), line=first.line, field=first.field
        )

    def _format(self) -> str:
        head = place(self.path)
        lines = [f"{head}: {self.detail}"]
        for fault in self.faults[:MAX_LISTED_FAULTS]:
            text = str(fault)
            if text.startswith(head + " "):  # the file is named once, above
                text = text[len(head) + 1 :]
            elif text.startswith(head + ": "):
                text = text[len(head) + 2 :]
            lines.append(f"  ・{text}")
        if len(self.faults) > MAX_LISTED_FAULTS:
            lines.append("  " + say("errors.more", n=len(self.faults) - MAX_LISTED_FAULTS))
        return "\n".join(lines)


class Faults:
    """The faults found in one file; refused together once the whole file has been read.

    ``with faults.collect(): ...`` keeps an InputError raised inside and goes on;
    :meth:`refuse` raises nothing (no fault), the one fault, or :class:`InputErrors`.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = path
        self.items: list[InputError] = []

    def add(self, fault: InputError) -> None:
        if isinstance(fault, InputErrors):
            self.items.extend(fault.faults)
        else:
            self.items.append(fault)

    @contextlib.contextmanager
    def collect(self):
        try:
            yield
        except InputError as exc:
            self.add(exc)

    def __bool__(self) -> bool:
        return bool(self.items)

    def refuse(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise InputErrors(self.path, self.items)
