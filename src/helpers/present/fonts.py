"""Switch matplotlib to a Japanese font (IPAexGothic).

japanize-matplotlib, as the design card names it, on Python 3.11; its
maintained fork matplotlib-fontja (the same font) where japanize cannot import
(Python 3.12 and later: ``No module named 'distutils'``).
"""

from __future__ import annotations

import importlib
import warnings

import matplotlib

FONT_FAMILY = "IPAexGothic"


def use_japanese_font() -> str:
    """Register and select IPAexGothic; return the module that provided it."""
    last_error: Exception | None = None
    for module in ("japanize_matplotlib", "matplotlib_fontja"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # japanize's distutils deprecation
                importlib.import_module(module)
        except ImportError as exc:
            last_error = exc
            continue
        matplotlib.rcParams["font.family"] = FONT_FAMILY
        matplotlib.rcParams["axes.unicode_minus"] = False
        return module
    raise ImportError(
        "neither japanize-matplotlib nor matplotlib-fontja can be imported; run `make install`"
    ) from last_error
