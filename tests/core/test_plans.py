"""Plans (helpers.core.plans and the plan-scoped parts of cleaning and comparison).

A second, synthetic plan (tests/fixtures/plans/kodaira-2: its own status
wording and area counts, a period id shared with the real plan) is copied next
to a copy of the real data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import AREAS_FILE, FIXTURES, PLAN, copy_raw

from helpers.analysis.compare import available_periods, latest_period, load_history, status_counts
from helpers.core import plans
from helpers.core.errors import InputError, InputErrors
from helpers.core.plans import Plan, load_plan, read_plan_config, resolve_plan
from helpers.ingest.clean import clean_period
from helpers.ingest.plan_sources import check_title
from helpers.run.fingerprint import run_fingerprint

OTHER = "kodaira-2"
OTHER_NAME = "第2次行財政再構築プラン（フォローアップ項目）"


def add_other_plan(data: Path) -> Path:
    """The synthetic second plan, copied into ``data/raw/kodaira-2``."""
    return Path(shutil.copytree(FIXTURES / "plans" / OTHER, data / "raw" / OTHER))


@pytest.fixture
def data(tmp_path):
    return copy_raw(tmp_path / "data")


@pytest.fixture
def two(data):
    add_other_plan(data)
    return data


# --- plan folders ----------------------------------------------------------------


def test_the_real_plan_and_its_plan_toml(data):
    assert plans.plan_ids(data) == [PLAN]
    plan = load_plan(data)
    assert plan.id == PLAN and plan.name == "第3次行財政再構築プラン"
    # the source states no fiscal years of the plan, so plan.toml gives none
    assert (plan.first_year, plan.last_year, plan.years_label()) == (None, None, "")
    assert plan.vocab.exact and plan.vocab.label("B") == "予定よりも遅れている"


def test_a_period_folder_directly_under_raw_is_skipped_with_the_new_layout(data):
    """Once every command's exit 2 (issue 22): now named in a warning, the plans run."""
    (data / "raw" / "2018-09").mkdir()
    assert plans.plan_ids(data) == [PLAN]
    (stray,) = plans.stray_folders(data)
    assert stray.path == data / "raw" / "2018-09"
    assert "data/raw/<計画>/2018-09/" in stray.reason and "飛ばします" in stray.reason
    with pytest.raises(InputError, match=r"data/raw/<計画>/2018-09/") as err:
        resolve_plan(data, "2018-09")  # named as the plan: refused, as before
    assert err.value.path == data / "raw" / "2018-09"


@pytest.mark.parametrize("name", ["第2次", "a b", "-x", "x" * 41, "old backup"])
def test_a_folder_whose_name_is_no_plan_id_is_skipped(data, name):
    (data / "raw" / name).mkdir()
    assert plans.plan_ids(data) == [PLAN]
    (stray,) = plans.stray_folders(data)
    assert stray.path.name == name and "計画のフォルダ名（ID）ではありません" in stray.reason
    with pytest.raises(InputError, match="ID は英数字"):
        resolve_plan(data, name)


def test_an_empty_plan_folder_is_skipped(data):
    (data / "raw" / "kodaira-9").mkdir()
    (data / "raw" / "kodaira-9" / "plan.toml").write_text('name = "x"\n', encoding="utf-8")
    assert plans.plan_ids(data) == [PLAN]
    assert resolve_plan(data, None) == PLAN  # still the only plan
    (stray,) = plans.stray_folders(data)
    assert "時点のフォルダ" in stray.reason
    with pytest.raises(InputError, match="時点のフォルダ"):
        resolve_plan(data, "kodaira-9")


def test_a_symlinked_alias_of_a_plan_folder_is_skipped(data):
    alias = data / "raw" / "a-alias"  # sorts before the real folder: still the alias
    try:
        alias.symlink_to(data / "raw" / PLAN, target_is_directory=True)
    except OSError as exc:  # no symbolic links here (Windows without the right)
        pytest.skip(f"cannot make a symbolic link: {exc}")
    assert plans.plan_ids(data) == [PLAN]
    (stray,) = plans.stray_folders(data)
    assert stray.path == alias and f"{PLAN} の別名" in stray.reason
    (data / "raw" / "gone").symlink_to(data / "raw" / "nowhere", target_is_directory=True)
    assert [s.path.name for s in plans.stray_folders(data)] == ["a-alias", "gone"]


def test_plan_toml_months_and_the_month_warning(data, tmp_path):
    plan = load_plan(data)
    assert plan.months == (3, 9) and plans.month_warning(plan, "2019-03") is None
    assert "3月末・9月末" in plans.month_warning(plan, "2019-02")
    p = _toml(tmp_path, 'name = "x"\nmonths = [6, 12]\n')
    plan = read_plan_config(p, "x")
    assert plan.months == (6, 12) and plans.month_warning(plan, "2019-06") is None
    assert "6月末・12月末" in plans.month_warning(plan, "2019-03")
    with pytest.raises(InputError, match="months"):
        read_plan_config(_toml(tmp_path, "months = [13]\n"), "x")


def test_a_huge_plan_toml_is_refused(tmp_path):
    p = _toml(tmp_path, "# " + "x" * 100_000 + "\n")
    with pytest.raises(InputError, match="大きすぎます"):
        read_plan_config(p, "x")


def test_readme_and_hidden_entries_are_not_plans(data):
    (data / "raw" / "README.md").write_text("notes", encoding="utf-8")
    (data / "raw" / ".cache").mkdir()
    assert plans.plan_ids(data) == [PLAN]


def test_an_unknown_plan_lists_the_plans(two):
    with pytest.raises(
        InputError, match=f"計画「kodaira-9」はありません。生データのある計画: {OTHER}, {PLAN}"
    ):
        resolve_plan(two, "kodaira-9")


def test_several_plans_need_a_choice(two):
    with pytest.raises(InputError, match="計画が複数あります.*--plan"):
        resolve_plan(two, None)
    assert resolve_plan(two, OTHER) == OTHER


def test_a_notebooks_default_plan(two):
    # the newest period: kodaira-3's 2018-03; a period only one plan has: that plan
    assert plans.default_plan(two) == PLAN
    assert plans.default_plan(two, "2017-03") == OTHER
    assert plans.default_plan(two, "2017-09") == OTHER  # both have it: the first by id
    assert plans.choose_plan(two, PLAN, "2017-09") == PLAN


# --- plan.toml ----------------------------------------------------------------------


def _toml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plan.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_plan_toml_with_years_and_labels(tmp_path):
    p = _toml(
        tmp_path,
        'name = "試験用プラン"\nfirst_year = 2013\nlast_year = 2016\n'
        '[status]\nS = ["予定より前倒しで進行している"]\nA = ["予定どおり進行している", "ほぼ予定どおり"]\n'
        'B = ["予定より遅れている"]\n',
    )
    plan = read_plan_config(p, "x")
    assert (plan.name, plan.first_year, plan.last_year) == ("試験用プラン", 2013, 2016)
    assert plan.years_label() == "平成25年度～平成28年度"
    assert plan.vocab.code_of("ほぼ予定どおり") == "A"


@pytest.mark.parametrize(
    "text, message, line, field",
    [
        ('name = "x"\nfirst_year = 2017\nlast_year = \n', "TOML として読めません", 3, None),
        ('name = "x\n', "TOML として読めません", 1, None),
        ('name = "x"\nyears = 5\n', "知らないキー「years」", 2, "years"),
        ('name = "x"\nfirst_year = "2017"\n', "first_year は 2017 のような年度", 2, "first_year"),
        ("first_year = 2021\nlast_year = 2017\n", "last_year 2017 より後", 1, "first_year"),
        ('[status]\nS = ["a"]\n', "2～7の区分", 1, "status"),
        (
            "[status]\n" + "".join(f'{c} = ["{c.lower()}"]\n' for c in "ABCDEFGH"),
            "2～7の区分",
            1,
            "status",
        ),
        ('[status]\n"Ｓ" = ["a"]\nA = ["b"]\n', "区分コード Ｓ は使えません", 1, "status"),
        (
            '[status]\nS = ["a"]\nA = ["a"]\nB = ["c"]\n',
            "ラベル「a」が S と A の両方",
            3,
            "status.A",
        ),
        ('[status]\nS = []\nA = ["b"]\nB = ["c"]\n', "ラベルのリスト", 2, "status.S"),
        (
            '[status]\nS = ["a"]\nA = ["b"]\nahead = ["X"]\n',
            "ahead は、この計画の区分",
            4,
            "status.ahead",
        ),
        (
            '[status]\nS = ["a"]\nA = ["b"]\nB = ["c"]\nahead = ["A"]\nbehind = ["A", "B"]\n',
            "A が ahead と behind の両方",
            6,
            "status.behind",
        ),
        ('[status]\nS = ["a"]\nA = ["b"]\nnot_rated = [""]\n', "not_rated", 4, "status.not_rated"),
        ("months = [3, 13]\n", "months は報告する月", 1, "months"),
        ("months = []\n", "months は報告する月", 1, "months"),
        ('name = ""\n', "name には計画の名前", 1, "name"),
        ('name = "\u200b"\n', "name には計画の名前", 1, "name"),  # invisible only: removed, empty
        ('[status]\nS = 1\nA = ["b"]\nB = ["c"]\n', "ラベルのリスト", 2, "status.S"),
        ('[status]\nS = true\nA = ["b"]\nB = ["c"]\n', "ラベルのリスト", 2, "status.S"),
        ('[status]\nS = {x = "a"}\nA = ["b"]\nB = ["c"]\n', "ラベルのリスト", 2, "status.S"),
    ],
)
def test_a_malformed_plan_toml_is_bad_input_with_file_and_line(
    tmp_path, text, message, line, field
):
    p = _toml(tmp_path, text)
    with pytest.raises(InputError, match=message) as err:
        read_plan_config(p, "x")
    assert err.value.path == p and err.value.line == line and err.value.field == field


def test_every_fault_of_a_plan_toml_is_told_at_once_each_with_its_line(tmp_path):
    p = _toml(
        tmp_path,
        'name = "x"\nyears = 5\nfirst_year = "2017"\nmonths = [3, 13]\n'
        '[status]\nS = ["a"]\nA = ["a"]\nB = ["c"]\n',
    )
    with pytest.raises(InputErrors) as err:
        read_plan_config(p, "x")
    faults = err.value.faults
    assert [(f.line, f.field) for f in faults] == [
        (2, "years"),
        (3, "first_year"),
        (7, "status.A"),
        (4, "months"),
    ]
    text = str(err.value)
    assert "4件" in text and text.count("  ・") == 4, text
    assert "2行目" in text and "知らないキー「years」" in text and "months は報告する月" in text


def test_a_four_level_scale_with_its_own_ahead_behind_and_not_rated(tmp_path):
    p = _toml(
        tmp_path,
        'name = "第3次木津川市行財政改革行動計画"\nmonths = [3]\n[status]\n'
        'S = ["特に良好に進捗"]\nA = ["良好に進捗"]\nB = ["概ね進捗"]\nC = ["進捗に課題あり"]\n'
        'behind = ["C"]\nnot_rated = ["対象外", "−"]\n',
    )
    plan = read_plan_config(p, "x")
    v = plan.vocab
    assert v.codes == ("S", "A", "B", "C")
    assert (v.ahead, v.behind, v.listed, v.on_track) == (("S",), ("C",), ("S", "C"), ("A", "B"))
    assert v.not_rated == ("対象外", "−") and v.count_columns()[-1] == "not_rated"
    assert v.is_not_rated("対 象 外") and v.code_of("概ね進捗") == "B"
    assert plan.months == (3,)


def test_two_levels_and_the_default_ahead_behind_and_months(tmp_path):
    p = _toml(tmp_path, '[status]\nA = ["完了"]\nB = ["未完了"]\n')
    plan = read_plan_config(p, "x")
    assert (plan.vocab.ahead, plan.vocab.behind, plan.months) == (("A",), ("B",), (3, 9))
    assert plan.vocab.not_rated == () and plan.vocab.count_columns() == ("A", "B")


def test_a_direction_control_in_plan_toml_is_refused(tmp_path):
    p = _toml(tmp_path, 'name = "第3次行財政再構築プラン\u202e"\n')
    with pytest.raises(InputError, match="U\\+202E") as err:
        read_plan_config(p, "x")
    assert err.value.path == p


@pytest.mark.parametrize("name", ["２０１７-03", "2017-03\n"])
def test_a_period_folder_with_full_width_digits_or_a_newline_is_refused(two, name):
    (two / "raw" / OTHER / "2017-03").rename(two / "raw" / OTHER / name)
    with pytest.raises(InputError, match="YYYY-MM"):
        plans.plan_periods(two, OTHER)


def test_a_plan_id_ending_in_a_newline_is_skipped(data):
    (data / "raw" / "kodaira-2\n").mkdir()
    assert plans.plan_ids(data) == [PLAN]
    assert "ID" in plans.stray_folders(data)[0].reason


def test_without_plan_toml_two_plans_in_one_folder_are_refused(data):
    mixed = data / "raw" / "mixed"
    shutil.copytree(data / "raw" / PLAN / "2017-09", mixed / "2017-09")
    shutil.copytree(FIXTURES / "plans" / OTHER / "2017-03", mixed / "2017-03")
    with pytest.raises(InputError, match="「第2次行財政再構築プラン") as err:
        clean_period("2017-09", data, plan="mixed", write=False)
    assert "2017-03" in str(err.value) and err.value.path.parent == mixed / "2017-09"


def test_a_title_after_a_cover_sheet_is_still_checked(two):
    k2 = two / "raw" / OTHER / "2018-03"
    k2.mkdir()
    report = next((two / "raw" / PLAN / "2018-03").glob("*.txt"))
    text = report.read_text(encoding="utf-8")
    (k2 / report.name).write_text("資料３\n" * 16 + text, encoding="utf-8")
    shutil.copy(two / "raw" / PLAN / "2018-03" / "kpi_sheet.csv", k2)
    with pytest.raises(InputError, match="第3次行財政再構築プラン") as err:
        clean_period("2018-03", two, plan=OTHER, write=False)
    assert err.value.line == 17


def test_one_malformed_plan_toml_leaves_the_other_plans_running(two, capsys, monkeypatch):
    import helpers.present.index_page
    import helpers.run.cli
    import helpers.run.pipeline
    from helpers.run.cli import main

    (two / "raw" / OTHER / "plan.toml").write_text('name = "x\n', encoding="utf-8")
    ran: list[tuple[str, str]] = []
    monkeypatch.setattr(
        helpers.run.cli,
        "run_period",
        lambda period, *a, plan=None, **k: ran.append((plan, period)),
    )
    monkeypatch.setattr(helpers.run.cli, "build_index", lambda *a, **k: None)
    status = main(["--all", "--data-dir", str(two), "--output-dir", str(two.parent / "out")])
    err = capsys.readouterr().err
    assert status == 2 and "TOML として読めません" in err and OTHER in err
    assert ran == [(PLAN, "2017-09"), (PLAN, "2018-03")]


def test_a_malformed_plan_toml_stops_the_run_with_exit_2(data, capsys):
    from helpers.run.cli import main

    (data / "raw" / PLAN / "plan.toml").write_text('name = "x\n', encoding="utf-8")
    status = main(["--data-dir", str(data), "--output-dir", str(data.parent / "out")])
    err = capsys.readouterr().err
    assert status == 2 and "plan.toml 1行目" in err and "TOML として読めません" in err, err
    assert not (data.parent / "out").exists()


# --- titles naming another plan, labels outside the plan's vocabulary ---------------


def test_titles_are_compared_after_width_and_space_normalisation(tmp_path):
    plan = Plan("x", tmp_path, name="第３次 行財政再構築プラン")
    assert check_title(plan, tmp_path / "a.csv", "# 第3次行財政再構築プランの進捗状況（…）") == (
        "第3次行財政再構築プラン"
    )
    with pytest.raises(
        InputError, match="「第2次行財政再構築プラン」.*「第３次 行財政再構築プラン」"
    ):
        check_title(plan, tmp_path / "a.csv", "x\n第2次行財政再構築プランの進捗状況\n")


def test_a_source_whose_title_names_another_plan_is_refused(two):
    """The real plan's mid-year table put into the second plan's folder."""
    folder = two / "raw" / OTHER / "2018-03"
    folder.mkdir()
    shutil.copy(AREAS_FILE, folder)
    with pytest.raises(InputError) as err:
        clean_period("2018-03", two, plan=OTHER, write=False)
    msg = str(err.value)
    assert err.value.path == folder / AREAS_FILE.name and err.value.line == 1
    assert "第3次行財政再構築プラン" in msg and OTHER_NAME in msg, msg


def test_a_label_outside_the_plans_vocabulary_is_refused(two):
    """A table of the second plan with the first plan's wording in a header."""
    table = two / "raw" / OTHER / "2017-09" / "progress_areas.csv"
    text = table.read_text(encoding="utf-8").replace(
        "予定より遅れている(B)", "予定よりも遅れている(B)"
    )
    table.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        clean_period("2017-09", two, plan=OTHER, write=False)
    msg = str(err.value)
    assert err.value.path == table and err.value.line == 3
    assert "「予定よりも遅れている」" in msg
    for label in ("予定より前倒しで進行している", "予定どおり進行している", "予定より遅れている"):
        assert f"「{label}」" in msg


def test_a_code_mark_that_contradicts_its_label_is_refused(two):
    table = two / "raw" / OTHER / "2017-09" / "progress_areas.csv"
    text = table.read_text(encoding="utf-8").replace(
        "予定より遅れている(B)", "予定より遅れている(S)"
    )
    table.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"\(S\) と印がありますが、その表記は B"):
        clean_period("2017-09", two, plan=OTHER, write=False)


def test_without_plan_toml_the_standard_wording_and_the_title_apply(data):
    (data / "raw" / PLAN / "plan.toml").unlink()
    r = clean_period("2017-09", data, write=False)
    assert r.meta["plan_name"] == "第3次行財政再構築プラン"
    assert r.meta["vocabulary"]["exact"] is False


def test_the_real_report_reads_the_same_with_its_plan_toml_as_without(data):
    with_toml = clean_period("2018-03", data, write=False)
    (data / "raw" / PLAN / "plan.toml").unlink()
    without = clean_period("2018-03", data, write=False)
    assert with_toml.items.equals(without.items) and with_toml.areas.equals(without.areas)
    assert with_toml.meta["vocabulary"]["exact"] is True


# --- isolation between plans -----------------------------------------------------------


def test_one_period_id_in_two_plans(two):
    mine = clean_period("2017-09", two, plan=PLAN, write=True)
    other = clean_period("2017-09", two, plan=OTHER, write=True)
    assert (int(mine.areas["items"].sum()), int(other.areas["items"].sum())) == (43, 41)
    assert other.areas["items"].tolist() == [7, 5, 6, 12, 11]
    assert other.meta["plan_name"] == OTHER_NAME and other.meta["plan"] == OTHER
    assert (two / "processed" / PLAN / "2017-09" / "areas.csv").is_file()
    assert (two / "processed" / OTHER / "2017-09" / "areas.csv").is_file()


def test_history_and_counts_stay_within_a_plan(two):
    assert available_periods(two, PLAN) == ["2017-09", "2018-03"]
    assert available_periods(two, OTHER) == ["2017-03", "2017-09"]
    assert latest_period(two, OTHER) == "2017-09"
    history, notes = load_history("2018-03", two, plan=PLAN)
    assert sorted(history) == ["2017-09", "2018-03"] and not notes
    counts = status_counts(history)
    # kodaira-3's own 2017-09 (43 items: 0/39/4), never kodaira-2's (41 items)
    assert counts[["items", "S", "A", "B"]].values.tolist() == [[43, 0, 39, 4], [43, 3, 30, 10]]
    other, _ = load_history("2017-09", two, plan=OTHER)
    assert status_counts(other)[["items", "B"]].values.tolist() == [[41, 5], [41, 7]]


def test_another_plans_data_does_not_change_a_plans_fingerprint(data):
    out = data.parent / "out"
    before = run_fingerprint("2018-03", data, out, PLAN)
    add_other_plan(data)
    assert run_fingerprint("2018-03", data, out, PLAN) == before
    (data / "raw" / PLAN / "plan.toml").write_text(
        'name = "第3次行財政再構築プラン"\n', encoding="utf-8"
    )
    assert run_fingerprint("2018-03", data, out, PLAN) != before


def test_two_scales_each_with_its_codes_and_labels(tmp_path):
    plan = read_plan_config(FIXTURES / "plans" / "two-scales" / "plan.toml", "two")
    assert [v.name for v in plan.scales] == ["着手", "達成度"]
    assert plan.vocab is plan.scales[0] and plan.vocab.codes == ("D", "P", "N")
    assert plan.scales[1].behind == ("Z",)


@pytest.mark.parametrize(
    "text, message",
    [
        ('[scales."a"]\nS = ["x"]\nB = ["y"]\n', "2つ以上の尺度"),
        (
            '[status]\nS = ["x"]\nB = ["y"]\n[scales."a"]\nC = ["z"]\nD = ["w"]\n[scales."b"]\nE = ["v"]\nF = ["u"]\n',
            "2つ以上の尺度",
        ),
        (
            '[scales."a"]\nS = ["x"]\nB = ["y"]\n[scales."b"]\nS = ["z"]\nC = ["w"]\n',
            "「S」が尺度「a」と「b」",
        ),
        (
            '[scales."a"]\nS = ["x"]\nB = ["y"]\nnot_rated = ["-"]\n[scales."b"]\nC = ["z"]\nD = ["w"]\n',
            "not_rated",
        ),
    ],
)
def test_malformed_scales_are_refused(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as err:
        read_plan_config(_toml(tmp_path, text), "x")
    assert err.value.path.name == "plan.toml"


@pytest.mark.parametrize(
    "text, japanese",
    [
        ('name = "a"\nname = "b"\n', "二度書かれています"),
        ("name = x y\n", "値の書き方が違います"),
        ('name = "a\n', "引用符"),
        ("months = [3, 9\n", "角かっこ"),
        ("first_year 2017\n", "= がありません"),
        ("[status\n", "角かっこ"),
    ],
)
def test_a_plan_toml_that_is_not_toml_is_told_in_japanese_with_its_line(tmp_path, text, japanese):
    p = _toml(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_plan_config(p, "x")
    message = str(err.value)
    assert japanese in message and err.value.line is not None, message
    for english in ("Invalid", "Cannot", "Expected", "Unclosed", "Unterminated", "at line"):
        assert english not in message, message


def test_a_plan_toml_key_is_placed_as_a_key_not_a_column(tmp_path):
    p = _toml(tmp_path, "months = [3, 13]\n")
    with pytest.raises(InputError) as err:
        read_plan_config(p, "x")
    assert f"{p} 1行目 キー months: " in str(err.value)
    assert "列" not in str(err.value).split(": ")[0]


def test_a_plan_toml_saved_in_shift_jis_names_its_line(tmp_path):
    p = tmp_path / "plan.toml"
    p.write_bytes('# 計画\nname = "第3次行財政再構築プラン"\n'.encode("cp932"))
    with pytest.raises(InputError) as err:
        read_plan_config(p, "x")
    assert err.value.line == 1 and "UTF-8" in str(err.value) and "Shift_JIS" in str(err.value)


def test_an_inline_table_left_open_is_told_not_crashed(tmp_path):
    p = _toml(tmp_path, "name = {a = 1\n")
    with pytest.raises(InputError, match="波かっこ"):
        read_plan_config(p, "x")
