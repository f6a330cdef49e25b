"""The workbook's errors: one message shape, file N行目 x列: what is wrong."""

from __future__ import annotations

from pathlib import Path

from helpers.core.errors import InputError, LockedError, PeriodError, StageError, WorkbookError


def test_input_error_names_the_file_line_and_field():
    err = InputError(
        Path("data/raw/p/2018-03/kpi_sheet.csv"), "not a number", line=3, field="value_text"
    )
    assert str(err) == "data/raw/p/2018-03/kpi_sheet.csv 3行目 value_text列: not a number"
    assert (err.path, err.line, err.field, err.detail) == (
        Path("data/raw/p/2018-03/kpi_sheet.csv"),
        3,
        "value_text",
        "not a number",
    )


def test_input_error_without_a_file_says_input():
    assert str(InputError(None, "empty")) == "（入力）: empty"


def test_every_error_is_a_workbook_error_and_periods_are_value_errors():
    for cls in (InputError, PeriodError, StageError, LockedError):
        assert issubclass(cls, WorkbookError)
    assert issubclass(PeriodError, ValueError)
