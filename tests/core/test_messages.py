"""The message catalogue: every message for the user is Japanese, with no run of English words."""

from __future__ import annotations

import errno
import string

import pytest
from support.japanese import assert_japanese, english_runs

from helpers.core.errors import InputError, InputErrors
from helpers.core.messages import MESSAGES, cell_place, os_error_text, place, say


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_japanese(key):
    template = MESSAGES[key]
    filled = say(key, **{name: "「値」" for name in _placeholders(template)})
    assert_japanese(filled)


def test_the_checker_finds_english():
    assert english_runs("the file is empty") == ["the file is empty"]
    assert english_runs("「U+200B ZERO WIDTH SPACE」 が含まれています") == []
    assert english_runs("data/raw/kodaira-3/2018-03/kpi_sheet.csv 5行目: ファイルが空です") == []


def test_places_are_written_as_excel_and_a_text_editor_show_them():
    assert place("a/kpi_sheet.csv", 5, "value_text") == "a/kpi_sheet.csv 5行目 value_text列"
    assert cell_place("a/k.xlsx", "kpi_sheet", 2, "E", "value_text") == (
        "a/k.xlsx シート「kpi_sheet」 2行目 E列（value_text）"
    )
    err = InputError("a/kpi_sheet.csv", say("raw.empty"), line=5, field="value_text")
    assert str(err) == "a/kpi_sheet.csv 5行目 value_text列: ファイルが空です"


@pytest.mark.parametrize(
    "code", [errno.EACCES, errno.EROFS, errno.ENOSPC, errno.ENOTDIR, errno.EIO, 9999]
)
def test_system_errors_are_japanese_sentences(code):
    assert_japanese(os_error_text(OSError(code, "strerror in English", "/x")))


def test_many_faults_are_listed_up_to_fifty_then_counted():
    faults = [InputError("a.csv", say("raw.empty"), line=n) for n in range(2, 62)]
    text = str(InputErrors("a.csv", faults))
    assert text.startswith("a.csv: 60件の誤りがあります")
    assert "2行目" in text and "51行目" in text and "52行目" not in text
    assert "ほか10件" in text
    assert_japanese(text)


def test_every_key_the_code_asks_for_is_in_the_catalogue_and_every_entry_is_used():
    import re
    from pathlib import Path

    import helpers

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(helpers.__file__).parent.rglob("*.py")
    )
    asked = set(re.findall(r'say\(\s*"([a-z_0-9]+\.[a-z_0-9]+)"', source))
    named = set(re.findall(r'"([a-z_0-9]+\.[a-z_0-9]+)"', source)) & set(MESSAGES)
    assert asked <= set(MESSAGES), sorted(asked - set(MESSAGES))
    assert set(MESSAGES) <= named, sorted(set(MESSAGES) - named)


def test_every_template_names_only_placeholders():
    """A brace meant as text ({ } of a TOML inline table) must be doubled, or say() fails."""
    import string

    for key, text in MESSAGES.items():
        for _, name, _, _ in string.Formatter().parse(text):
            assert name is None or name.isidentifier(), (key, name)
