"""The status vocabulary (helpers.core.vocab): the standard one and a plan's own, matched exactly."""

from __future__ import annotations

from helpers.core.vocab import STANDARD, Vocabulary, vocabulary_of

OLDER = Vocabulary.of_plan(
    {
        "S": ["予定より前倒しで進行している"],
        "A": ["予定どおり進行している", "ほぼ予定どおり"],
        "B": ["予定より遅れている", "予定よりやや遅れ"],
    }
)


def test_a_plans_labels_match_exactly_after_width_and_space_normalisation():
    assert OLDER.code_of("予定より前倒しで進行している") == "S"
    assert OLDER.code_of("予定より 前倒しで\u3000進行している") == "S"
    assert OLDER.code_of("ほぼ予定どおり") == "A"
    assert OLDER.code_of("予定よりやや遅れ") == "B"


def test_a_plans_vocabulary_has_no_keyword_fallback():
    # the standard wording would be read by its keywords; a plan's own wording is not
    assert STANDARD.code_of("予定通りに進捗") == "A"
    assert OLDER.code_of("予定通り進行している") is None
    assert OLDER.code_of("予定以上に進捗") is None
    assert OLDER.code_of("遅れ") is None


def test_labels_inside_a_longer_text_the_longest_wins():
    assert OLDER.code_in("【参考２】予定より遅れている取組一覧（5項目）") == "B"
    v = Vocabulary.of_plan({"S": ["前倒し"], "A": ["予定どおり"], "B": ["予定どおりでない"]})
    assert v.code_in("予定どおりでない取組") == "B"
    assert OLDER.code_in("要検討の取組一覧") is None
    assert STANDARD.code_in("【参考１】予定以上に進捗している取組一覧") == "S"


def test_the_vocabulary_survives_meta_json():
    assert Vocabulary.from_dict(OLDER.to_dict()) == OLDER
    assert vocabulary_of({"vocabulary": OLDER.to_dict()}) == OLDER
    assert vocabulary_of({}) is STANDARD and vocabulary_of(None) is STANDARD


def test_known_labels_list_every_label_in_code_order():
    assert OLDER.known_labels() == [
        "予定より前倒しで進行している",
        "予定どおり進行している",
        "ほぼ予定どおり",
        "予定より遅れている",
        "予定よりやや遅れ",
    ]
    assert OLDER.label("A") == "予定どおり進行している"
