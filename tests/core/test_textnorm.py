"""Width and whitespace normalisation of PDF text (helpers.core.textnorm)."""

from __future__ import annotations

import pytest

from helpers.core.textnorm import collapse, join_lines, nfkc, squash, widen_fix

# --------------------------------------------------------------------------
# nfkc
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１ ４ ２", "1 4 2"),
        ("９，７１８人", "9,718人"),
        ("９４．８％", "94.8%"),
        ("ＰＤＣＡ", "PDCA"),
        ("ｶﾀｶﾅ", "カタカナ"),  # half-width katakana to full width
        ("ａｂｃ\u3000ＤＥＦ", "abc DEF"),  # ideographic space to a space
        ("1\u00a0万人", "1 万人"),
        ("（ＰＤＣＡ）", "(PDCA)"),
        # dashes and minus signs all become the ASCII hyphen-minus
        ("\u2212３", "-3"),
        ("－３", "-3"),
        ("\u2010\u2011\u2013", "---"),
        # wave dash and full-width tilde become the same character
        ("80〜90％", "80~90%"),
        ("80～90%", "80~90%"),
    ],
)
def test_nfkc(text, expected):
    assert nfkc(text) == expected


def test_nfkc_keeps_line_structure():
    assert nfkc("平成 29 年度末で 9,718\n人") == "平成 29 年度末で 9,718\n人"
    assert nfkc(" a \t b \r\n c ") == " a \t b \r\n c "


def test_nfkc_wave_dash_and_tilde_agree():
    assert nfkc("\u301c") == nfkc("\uff5e") == nfkc("~")


def test_nfkc_turns_circled_numbers_into_digits():
    # why widen_fix exists: NFKC makes ①94.8% read as 194.8%
    assert nfkc("①94.8%") == "194.8%"


# --------------------------------------------------------------------------
# squash
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成 29 年度末で 9,718\n人", "平成29年度末で9,718人"),
        ("１ ４ ２", "142"),
        (" a \t b \r\n c ", "abc"),
        ("平成\u300029年度", "平成29年度"),
        ("1\u00a0万人", "1万人"),
        ("", ""),
        (" \n\t\u3000 ", ""),
        ("予定以上に進捗（Ｓ）", "予定以上に進捗(S)"),
    ],
)
def test_squash(text, expected):
    assert squash(text) == expected


def test_squash_makes_pdf_and_sheet_wording_equal():
    pdf = "市民活動支援センター来場者数は、平成 29 年度末で 9,718\n人"
    sheet = "市民活動支援センター来場者数は、平成２９年度末で９，７１８人"
    assert squash(pdf) == squash(sheet)


# --------------------------------------------------------------------------
# widen_fix
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１ ４ ２（ＰＤＣＡ）①９４．８％", "1 4 2（PDCA）①94.8%"),
        ("ａｂｃＸＹＺ０９", "abcXYZ09"),
        ("９，７１８", "9,718"),
        ("\u3000", " "),
        # kept as printed
        ("①②③", "①②③"),
        ("（）：；！？～", "（）：；！？～"),
        ("－", "－"),  # the "none" dash
        ("\u2212３", "\u22123"),
        ("Ⅰ 地域協働", "Ⅰ 地域協働"),
        ("ｶﾀｶﾅ", "ｶﾀｶﾅ"),
        ("平成 29年度末", "平成 29年度末"),
        ("a\nb", "a\nb"),  # only width is touched
    ],
)
def test_widen_fix(text, expected):
    assert widen_fix(text) == expected


def test_widen_fix_is_idempotent():
    s = "１ ４ ２（ＰＤＣＡ）①９４．８％"
    assert widen_fix(widen_fix(s)) == widen_fix(s)


# --------------------------------------------------------------------------
# collapse
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  ①　市民　満足度（ＰＤＣＡ）  ９４．８％ ", "① 市民 満足度（PDCA） 94.8%"),
        ("平成 29 年度末で 9,718\n人", "平成 29 年度末で 9,718 人"),
        (" a \t b \r\n c ", "a b c"),
        ("③②①", "③②①"),
        ("（再掲）", "（再掲）"),
        ("Ⅰ 地域協働", "Ⅰ 地域協働"),
        ("", ""),
        ("\u3000\n", ""),
    ],
)
def test_collapse(text, expected):
    assert collapse(text) == expected


def test_collapse_keeps_circled_numbers_apart_from_digits():
    out = collapse("①９４．８％")
    assert out == "①94.8%"
    assert "194.8" not in out


# --------------------------------------------------------------------------
# join_lines
# --------------------------------------------------------------------------


def test_join_lines():
    assert (
        join_lines(["平成 29年度末で", "9,718 人", "", "  ＳＮＳ  ", "の"])
        == "平成 29年度末で9,718 人SNSの"
    )
    assert join_lines([]) == ""
    assert join_lines(["  ", "\u3000"]) == ""
    assert join_lines(["①利用料", "収入"]) == "①利用料収入"


def test_squash_removes_ideographic_and_no_break_spaces():
    from helpers.core.textnorm import squash

    assert squash("1\u3000万\u00a0人 以上\n") == "1万人以上"


def test_normalisation_is_cached_and_pure():
    from helpers.core.textnorm import nfkc, squash

    hits = squash.cache_info().hits
    for _ in range(2):  # the second call comes from the cache, with the same result
        assert squash("９，７１８ 人") == "9,718人"
        assert nfkc("８０〜９０％") == "80~90%"
    assert squash.cache_info().hits > hits


def _unclosed_quote_line_by_character(text: str) -> int | None:
    """The per-character reading the regular expressions replaced (the reference)."""
    inside, at_start, opened, line = False, True, None, 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if inside:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    inside = False
            elif c == "\n":
                line += 1
        elif c == '"' and at_start:
            inside, opened = True, line
        elif c == "\n":
            line += 1
        at_start = (not inside) and c in ",\n"
        i += 1
    return opened if inside else None


def test_an_unclosed_quote_is_found_as_character_by_character():
    """Every text of up to six characters from a, ",", '"', line end and carriage
    return, and longer random ones: the same line (or None) as the reference."""
    import itertools
    import random

    from helpers.core.textnorm import unclosed_quote_line

    alphabet = 'a,"\n\r'
    for n in range(7):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert unclosed_quote_line(text) == _unclosed_quote_line_by_character(text), text
    rng = random.Random(17)
    for _ in range(2000):
        text = "".join(rng.choice('ab,"""\n') for _ in range(rng.randint(0, 60)))
        assert unclosed_quote_line(text) == _unclosed_quote_line_by_character(text), text
