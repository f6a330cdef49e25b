"""workbook.toml: the project's settings (pdf = true makes the PDFs in every run)."""

from __future__ import annotations

import pytest
from support.japanese import assert_japanese

from helpers.core.errors import InputError
from helpers.run.settings import SETTINGS_FILE, Settings, read_settings


def test_without_the_file_the_defaults(tmp_path):
    assert read_settings(tmp_path) == Settings(pdf=False)


def test_pdf_true(tmp_path):
    (tmp_path / SETTINGS_FILE).write_text("pdf = true  # PDF も作る\n", encoding="utf-8")
    assert read_settings(tmp_path).pdf is True


@pytest.mark.parametrize(
    "text, says",
    [("pdf = 1\n", "true"), ("pdfs = true\n", "知らないキー「pdfs」"), ("pdf = \n", "TOML")],
)
def test_a_malformed_setting_is_refused_in_japanese(tmp_path, text, says):
    (tmp_path / SETTINGS_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=says) as err:
        read_settings(tmp_path)
    assert_japanese(str(err.value))


def test_a_workbook_toml_that_is_not_toml_is_told_in_japanese_with_its_line(tmp_path):
    (tmp_path / "workbook.toml").write_text("# 設定\npdf = yes\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_settings(tmp_path)
    message = str(err.value)
    assert err.value.line == 2 and "2行目" in message and "値の書き方が違います" in message
    assert "Invalid" not in message and "at line" not in message
