"""The Japanese font: IPAexGothic from japanize-matplotlib or matplotlib-fontja."""

from __future__ import annotations

import importlib
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager

from helpers.present import fonts


def test_use_japanese_font_selects_ipaexgothic():
    module = fonts.use_japanese_font()
    assert module in ("japanize_matplotlib", "matplotlib_fontja")
    assert matplotlib.rcParams["font.family"] == [fonts.FONT_FAMILY]
    assert matplotlib.rcParams["axes.unicode_minus"] is False  # − drawn from the font itself
    path = font_manager.findfont(
        font_manager.FontProperties(family=fonts.FONT_FAMILY), fallback_to_default=False
    )
    assert Path(path).name.lower() == "ipaexg.ttf"


def test_font_has_the_glyphs_the_charts_use():
    fonts.use_japanese_font()
    path = font_manager.findfont(font_manager.FontProperties(family=fonts.FONT_FAMILY))
    font = matplotlib.ft2font.FT2Font(path)
    charmap = font.get_charmap()
    for ch in "分野別の進捗状況予定以上どおり遅れている（）目標達成率％①②③〔〕…＊→−":
        assert ord(ch) in charmap, ch


def test_falls_back_to_the_fork(monkeypatch):
    real_import = importlib.import_module
    tried = []

    def fake(name, *args):
        tried.append(name)
        if name == "japanize_matplotlib":
            raise ImportError("No module named 'distutils'")
        return real_import(name, *args)

    monkeypatch.setattr(fonts.importlib, "import_module", fake)
    try:
        module = fonts.use_japanese_font()
    except ImportError:
        pytest.skip("matplotlib-fontja is not installed here (Python < 3.12)")
    assert module == "matplotlib_fontja"
    assert tried == ["japanize_matplotlib", "matplotlib_fontja"]


def test_says_what_to_do_without_either(monkeypatch):
    def fake(name, *args):
        raise ImportError(f"No module named '{name}'")

    monkeypatch.setattr(fonts.importlib, "import_module", fake)
    with pytest.raises(ImportError, match="make install"):
        fonts.use_japanese_font()
