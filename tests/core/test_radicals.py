"""The radical → kanji table and its use on text."""

import unicodedata

import pytest

from helpers.core.radicals import EQUIVALENT_UNIFIED_IDEOGRAPH, count_radicals, to_unified


@pytest.mark.parametrize(
    ("radical", "kanji"),
    [("\u2f8f", "行"), ("\u2f6c", "目"), ("\u2f08", "人"), ("\u2ed6", "阝"), ("\u2ed7", "雨")],
)
def test_radical_becomes_its_kanji(radical, kanji):
    assert to_unified(f"施策{radical}の") == f"施策{kanji}の"


def test_other_characters_stay_as_printed():
    text = "①②③ １２３ ＡＢ （）～ 行政改革 ⅠⅡ ㈱ ⿰ \u2e80"
    assert to_unified(text) == text
    assert count_radicals(text) == 0


def test_kangxi_block_is_complete_and_agrees_with_nfkc():
    kangxi = {cp: t for cp, t in EQUIVALENT_UNIFIED_IDEOGRAPH.items() if 0x2F00 <= cp <= 0x2FD5}
    assert len(kangxi) == 214
    for cp, target in kangxi.items():
        assert unicodedata.normalize("NFKC", chr(cp)) == chr(target)


def test_supplement_block_maps_only_what_unicode_lists():
    supplement = {cp for cp in EQUIVALENT_UNIFIED_IDEOGRAPH if 0x2E80 <= cp <= 0x2EF3}
    assert len(supplement) == 114
    assert 0x2E80 not in supplement  # CJK RADICAL REPEAT: no equivalent
    assert set(EQUIVALENT_UNIFIED_IDEOGRAPH) == supplement | set(range(0x2F00, 0x2FD6))


def test_targets_are_unified_ideographs():
    for target in EQUIVALENT_UNIFIED_IDEOGRAPH.values():
        assert unicodedata.name(chr(target)).startswith("CJK UNIFIED IDEOGRAPH")
