"""Drafts of a KPI sheet's values from the report: ``reform-workbook draft-kpis``.

For each KPI row whose value or previous-value text is blank (or whose row
still carries a mark), the row of its item in the report is searched for:

- the sentence naming the indicator (its marker ①②③ at the start of a line, else
  the sentence sharing the longest run of characters with the indicator's name;
  a following sentence of the same line that names no KPI, such as
  「また、平成28年度末の9,855人から微減となった。」, belongs to it too);
- the value: the figure after the period's year-end (「平成29年度末で9,718人」),
  the second figure of an arrow (「94.8%→92.6%」), a total (「合計29,509,646円」),
  else the first figure in the KPI's unit after the indicator's name that is no
  target (目標…, …以上) and no earlier value; a missing marker (未算出) where
  there is no figure; for a KPI without a unit (協定締結), the sentence's last
  clause when it says whether it was done;
- the previous value: a stated change from the year before
  (「前年度から159万円の減」, 「平成28年度末から4.7ポイント向上」), the first
  figure of an arrow, or the figure after the earlier year-end
  (「平成28年度末の9,855人」).

Every drafted row gets a mark in the ``draft`` column and where each text came
from in ``draft_source`` (file, line, sentence). The marks:

- ``要確認``: drafted; check it against the report;
- ``要確認（不一致の可能性）``: drafted by a weaker rule (a bare number without the
  unit, two candidates, a figure that reads otherwise than the unit column says,
  a report figure that differs from the carried previous value): check with care;
- ``未入力``: carried by ``new-period``; nothing drafted yet.

The analyst checks each drafted row, corrects it if needed, and empties its
``draft`` cell; a run refuses a sheet holding any mark
(:func:`helpers.ingest.kpi_sheet.read_kpi_sheet`), so no draft reaches a report
unconfirmed. A sheet the analyst made is never edited: the drafted sheet is
written beside it as ``<name>.draft.xlsx`` (or ``.csv``), and a run refuses a
folder holding such a file until it has replaced the sheet or been deleted.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core import paths
from helpers.core.atomic import write_new_file
from helpers.core.errors import InputError
from helpers.core.jpnum import (
    NumberError,
    looks_like_change,
    parse_change,
    parse_quantity,
    parse_result,
)
from helpers.core.periods import fiscal_year, parse_period, period_label
from helpers.core.plans import load_plan
from helpers.core.textnorm import squash
from helpers.core.vocab import MARK_CHECK, MARK_UNSURE
from helpers.cycle.new_period import carry_rows, sheet_bytes
from helpers.ingest.plan_sources import check_title
from helpers.ingest.report import parse_report_source
from helpers.ingest.report.source import find_report, read_report_text
from helpers.ingest.sheets import DRAFT_SUFFIX, kpi_sheet_of, sheet_records

MIN_NAME_MATCH = 3  # characters shared with an indicator's name for a sentence to name it


# --------------------------------------------------------------- the wording

_PREFIX = r"(?:約|延べ|合計)?"
_NUMBER = r"[▲△\-]?\d[\d,]*(?:\.\d+)?(?:[千万億兆]\d[\d,]*(?:\.\d+)?)*[千万億兆]?"
_PER = r"(?:/(?:年|月|日|件|人))?"
_QUALIFIER_AFTER = ("以上", "以下", "未満", "以内", "超", "台", "のうち", "中")
_TARGET_BEFORE = re.compile(r"目標(?:値|とする|である|の|は|数|実施数)*$")
_CHANGE_WORDS = r"(?:の)?(?:増加|減少|増|減|向上|低下|上昇|改善|悪化)"
_MISSING = ("未算出", "未集計", "未確定", "未把握", "集計中", "算出中")


def _unit_re(unit: str) -> str:
    """What may follow a figure in the KPI's unit: 円 after 万/億 too, ％ as %."""
    if not unit:
        return r"(?!)"
    return {"%": r"%", "円": r"円"}.get(unit, re.escape(squash(unit)))


def _figure_re(unit: str, points: bool = False) -> str:
    u = "ポイント" if points else _unit_re(unit)
    return rf"{_PREFIX}{_NUMBER}(?:{u}){_PER}"


def fy_names(fy: int) -> list[str]:
    """How a report may name fiscal year ``fy`` before 年度 (squashed).

    >>> fy_names(2017), fy_names(2019)
    (['平成29'], ['令和元', '令和1', '平成31'])
    """
    if fy >= 2019:
        n = fy - 2018
        names = [f"令和{n}"] if n > 1 else ["令和元", "令和1"]
        return names + (["平成31"] if fy == 2019 else [])
    return [f"平成{fy - 1988}"]


def _year_re(fy: int) -> str:
    return "(?:" + "|".join(map(re.escape, fy_names(fy))) + ")年度"


@dataclass
class Found:
    """A drafted text: the wording, the sentence and line it came from, whether it is sure."""

    text: str
    sentence: str
    line: int | None = None
    sure: bool = True


@dataclass
class Region:
    """Where a KPI is spoken of: its sentence, and the sentences after it in the same line."""

    first: str
    rest: list[str] = field(default_factory=list)

    @property
    def whole(self) -> str:
        return "".join([self.first, *self.rest])


def sentences_of(text: str | None) -> list[list[str]]:
    """The item's text as lines (bullets) of squashed sentences."""
    out = []
    for line in (text or "").split("\n"):
        parts = [squash(s) for s in re.split(r"(?<=。)", line) if squash(s)]
        if parts:
            out.append(parts)
    return out


def _name_score(indicator: str, marker: str, sentence: str) -> int:
    if marker and sentence.lstrip("・").startswith(squash(marker)):
        return 1000
    name = squash(indicator)
    m = difflib.SequenceMatcher(None, name, sentence, autojunk=False).find_longest_match(
        0, len(name), 0, len(sentence)
    )
    return m.size


def find_region(
    kpi: tuple[str, str], others: list[tuple[str, str]], lines: list[list[str]]
) -> Region | None:
    """The sentence naming ``kpi`` (indicator, marker), with its continuation sentences."""
    best, where = 0, None
    for i, line in enumerate(lines):
        for j, sentence in enumerate(line):
            score = _name_score(kpi[0], kpi[1], sentence)
            if score > best:
                best, where = score, (i, j)
    if where is None or best < MIN_NAME_MATCH:
        return None
    i, j = where
    rest = []
    for sentence in lines[i][j + 1 :]:
        if max(_name_score(n, m, sentence) for n, m in [kpi, *others]) >= MIN_NAME_MATCH:
            break
        rest.append(sentence)
    return Region(lines[i][j], rest)


def _after_name(sentence: str, indicator: str) -> str:
    """The sentence from the end of the indicator's name on (the name may hold figures)."""
    name = squash(indicator)
    m = difflib.SequenceMatcher(None, name, sentence, autojunk=False).find_longest_match(
        0, len(name), 0, len(sentence)
    )
    return sentence[m.b + m.size :] if m.size >= MIN_NAME_MATCH else sentence


def _plain_figures(text: str, unit: str) -> list[re.Match]:
    """Figures in the unit that are no target (目標…, …以上) and no part of a count (…のうち)."""
    out = []
    for m in re.finditer(_figure_re(unit), text):
        before, after = text[: m.start()], text[m.end() :]
        if _TARGET_BEFORE.search(before) or after.startswith(_QUALIFIER_AFTER):
            continue
        if re.search(r"(?:前年度|年度末)(?:から|比で?|に比べ)$", before):
            continue
        out.append(m)
    return out


def _arrow(text: str, unit: str) -> tuple[str, str] | None:
    m = re.search(rf"({_figure_re(unit)})(?:→|⇒|->)({_figure_re(unit)})", text)
    return (m.group(1), m.group(2)) if m else None


def draft_value(region: Region, indicator: str, unit: str, period: str) -> Found | None:
    """The value of a KPI in its sentence (see the module docstring for the rules, in order)."""
    s = region.first
    fig = _figure_re(unit)
    m = re.search(
        rf"{_year_re(fiscal_year(period))}末(?:時点)?(?:で|は|では|に|には)?、?({fig})", s
    )
    if m:
        return Found(m.group(1), s)
    pair = _arrow(s, unit)
    if pair:
        return Found(pair[1], s)
    total = re.search(rf"合計{_NUMBER}{_unit_re(unit)}", s)
    if total:
        return Found(total.group(0), s)
    plain = _plain_figures(_after_name(s, indicator), unit)
    if plain:
        return Found(plain[0].group(0), s, sure=len(plain) == 1)
    return _value_without_figure(s, unit)


def _value_without_figure(s: str, unit: str) -> Found | None:
    missing = next((w for w in _MISSING if w in s), None)
    if missing:
        return Found(missing, s)
    if not unit:
        clause = re.split(r"[、，]", s.rstrip("。"))[-1]
        return Found(clause, s) if parse_result(clause) is not None else None
    # a bare number (36のアクションプラン): not in the unit, so only a guess
    bare = [
        b
        for b in re.finditer(r"(?<![\d,.])\d[\d,]*(?:\.\d+)?(?![\d,.]|年|月|日|のうち)", s)
        if not _TARGET_BEFORE.search(s[: b.start()])
    ]
    return Found(bare[-1].group(0), s, sure=False) if bare else None


def draft_prev(region: Region, unit: str, period: str) -> Found | None:
    """The previous year-end's value, or the change from it, as the report words it."""
    fy = fiscal_year(period)
    ref = rf"(?:前年度末?|{_year_re(fy - 1)}末?)"
    change_fig = _figure_re(unit, points=unit == "%")
    for s in [region.first, *region.rest]:
        m = re.search(rf"{ref}(?:から|比で?|に比べて?|と比べて?)、?{change_fig}{_CHANGE_WORDS}", s)
        if m:
            return Found(m.group(0), s)
        pair = _arrow(s, unit)
        if pair:
            return Found(pair[0], s)
        m = re.search(rf"{_year_re(fy - 1)}末(?:時点)?(?:の|で|は|では)?、?({_figure_re(unit)})", s)
        if m:
            return Found(m.group(1), s)
    return None


# ------------------------------------------------------------ lines of the file


def line_of(raw_lines: list[str], first: int, last: int, needle: str) -> int | None:
    """The line (1-based) of the report between ``first`` and ``last`` where ``needle`` starts."""
    target = squash(needle)
    if not target:
        return None
    text, starts = "", []
    for no in range(first, min(last, len(raw_lines)) + 1):
        starts.append((len(text), no))
        text += squash(raw_lines[no - 1])
    at = text.find(target)
    if at < 0:
        return None
    return max(no for start, no in starts if start <= at)


# ------------------------------------------------------------------- a sheet


@dataclass
class RowDraft:
    """What was drafted for one row: the texts, and the words for ``draft_source``."""

    value: Found | None = None
    prev: Found | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def sure(self) -> bool:
        return all(f is None or f.sure for f in (self.value, self.prev)) and not any(
            n.startswith("!") for n in self.notes
        )


def _checked_unit(found: Found | None, unit: str, is_prev: bool) -> Found | None:
    """A drafted figure that reads in another unit than the unit column says is not sure."""
    if found is None or not unit or not re.search(r"\d", found.text):
        return found
    try:
        parsed = (
            parse_change(found.text, unit)
            if is_prev and looks_like_change(found.text)
            else parse_quantity(found.text, unit)
        )
        if parsed.unit and squash(parsed.unit) != squash(unit):
            found.sure = False
    except NumberError:
        found.sure = False
    return found


def draft_row(rec: dict, item, others: list[tuple[str, str]], period: str) -> RowDraft:
    """Draft the blank value and previous-value texts of one row from its item's report text."""
    out = RowDraft()
    kpi = (rec["indicator"], rec["marker"])
    region = find_region(kpi, others, sentences_of(item.progress))
    if region is None:
        out.notes.append("!報告書の取組の本文に指標名が見つかりません")
        return out
    unit = squash(rec["unit"])
    if not rec["value_text"]:
        out.value = _checked_unit(draft_value(region, rec["indicator"], unit, period), unit, False)
    prev = _checked_unit(draft_prev(region, unit, period), unit, True)
    if not rec["prev_text"]:
        out.prev = prev
    elif rec["draft"] and prev is not None and squash(prev.text) != squash(rec["prev_text"]):
        out.prev = prev
        if not _change_agrees(rec, out, prev, unit):
            # the previous value carried from the workbook is not what the report prints
            out.notes.append(
                f"!前年度末の値: 転記した「{rec['prev_text']}」と報告書の「{prev.text}」が異なる"
            )
        else:
            out.notes.append(
                f"前年度末の値: 報告書は増減「{prev.text}」で記載（今期の値から引くと転記した"
                f"「{rec['prev_text']}」と一致）"
            )
    return out


def _change_agrees(rec: dict, out: RowDraft, prev: Found, unit: str) -> bool:
    """Whether the report's stated change, taken from this year's value, gives the carried value.

    62.6% carried and 「前年度から2.8ポイント向上」 with 65.4% this year agree: the
    report states the change instead of the figure, so nothing differs.
    """
    value_text = out.value.text if out.value is not None else rec["value_text"]
    if not value_text or not looks_like_change(prev.text):
        return False
    try:
        value = parse_quantity(value_text, unit).value
        carried = parse_quantity(rec["prev_text"], unit).value
        change = parse_change(prev.text, unit, rec.get("direction") or "higher").amount
    except NumberError:
        return False
    return value is not None and carried is not None and value - change == carried


def _source_words(d: RowDraft, report) -> str:
    parts = []
    for what, found in (("値", d.value), ("前年度末", d.prev)):
        if found is not None:
            line = report.line_words(found.line) if found.line else ""
            parts.append(f"{what}: {report.path.name} {line}「{found.sentence[:60]}」")
    parts += [n.lstrip("!") for n in d.notes]
    return "／".join(parts) or "報告書に該当する記載が見つかりません（空欄のまま）"


def draft_sheet(rows: list[dict], report, raw_lines: list[str], period: str) -> list[RowDraft]:
    """Draft every row that needs it (a blank value or previous value, or a mark); in place.

    ``report`` is the parsed report; rows of items it does not list are left
    as they are, with a note.
    """
    by_no = {no: item for item in report.items for no in item.numbers}
    drafts = []
    for rec in rows:
        d = RowDraft()
        if rec["value_text"] and rec["prev_text"] and not rec["draft"]:
            drafts.append(d)
            continue
        item = (
            by_no.get(int(squash(rec["item_no"]) or 0))
            if squash(rec["item_no"]).isdigit()
            else None
        )
        if item is None:
            d.notes.append(
                f"!取組 {rec['item_no']} は報告書の一覧（S・B）にありません: 行を削除するか確認"
            )
        else:
            others = [
                (r["indicator"], r["marker"])
                for r in rows
                if r is not rec and r["item_no"] == rec["item_no"]
            ]
            d = draft_row(rec, item, others, period)
            for found in (d.value, d.prev):
                if found is not None:
                    found.line = line_of(raw_lines, item.line, item.end_line, found.text)
        _apply(rec, d, report)
        drafts.append(d)
    return drafts


def _apply(rec: dict, d: RowDraft, report) -> None:
    if d.value is not None:
        rec["value_text"] = d.value.text
    if d.prev is not None:
        rec["prev_text"] = d.prev.text
    rec["draft"] = MARK_CHECK if d.sure else MARK_UNSURE
    rec["draft_source"] = _source_words(d, report)


# --------------------------------------------------------------- the command


def _report_of(folder: Path, period: str, plan) -> tuple:
    """The period's parsed report and its lines (InputError if the folder holds none)."""
    found = find_report(folder)
    if found is None:
        raise InputError(
            folder,
            "no report (.pdf or .txt) in the folder: put the city's PDF of the period's report "
            "there first; the drafts are read from it",
        )
    source = read_report_text(found)
    try:
        check_title(plan, found, source.text)
        report = parse_report_source(source, plan.vocab)
        if report.period_id is not None and report.period_id != period:
            raise InputError(
                found,
                f"the report is as of {report.period_id}, but lies in the folder of {period}",
                line=1,
            )
    except InputError as exc:
        raise source.relocate(exc) from None
    return report, source.text.split("\n")


@dataclass
class DraftResult:
    written: Path
    beside: Path | None  # the analyst's sheet the draft was written beside, if any
    drafts: list[RowDraft]
    rows: list[dict]


def draft_kpis(period: str, data_dir=None, plan: str | None = None) -> DraftResult:
    """Draft the period's KPI sheet from its report; write it as a new file, never over one.

    Without a KPI sheet in the folder, the rows are carried as by ``new-period``
    and written as ``kpi_sheet.xlsx``; with one, the drafted sheet is written
    beside it as ``<name>.draft<suffix>``.
    """
    pid = parse_period(period)
    data = paths.data_dir(data_dir)
    the_plan = load_plan(data, plan)
    folder = paths.raw_dir(pid, data, the_plan.id)
    if not folder.is_dir():
        raise InputError(
            folder,
            f"no folder for {pid}: make it first (reform-workbook new-period {pid})",
        )
    report, lines = _report_of(folder, pid, the_plan)
    sheet = kpi_sheet_of(folder)
    if sheet is not None:
        rows = [rec for _, rec in sheet_records(sheet)]
        out = sheet.with_name(f"{sheet.stem}{DRAFT_SUFFIX}{sheet.suffix}")
    else:
        rows = carry_rows(data, the_plan.id, pid).rows
        out = folder / "kpi_sheet.xlsx"
    if out.exists():
        raise InputError(
            out,
            "a drafted sheet is there already; it is left as it is: check it and put it in "
            "place of the KPI sheet, or delete it, then run draft-kpis again",
        )
    drafts = draft_sheet(rows, report, lines, pid)
    write_new_file(out, sheet_bytes(rows, out.suffix.lower().lstrip(".")))
    return DraftResult(out, sheet, drafts, rows)


def summary_words(result: DraftResult, period: str) -> str:
    """What draft-kpis did and what the analyst does now, in Japanese."""
    marks = [r["draft"] for r in result.rows]
    steps = [
        "各行の value_text・prev_text を報告書と照らし合わせ、違っていれば報告書の表記どおりに"
        "直します（特に「不一致の可能性」の行）。result_text（達成できなかった など）も記入します。",
        "確認した行の draft 欄を空にします。draft 欄が空でない行があるとレポートは作られません。",
    ]
    if result.beside is not None:
        steps.append(
            f"確認が済んだら、{result.beside.name} を削除して {result.written.name} の名前を "
            f"{result.beside.name} に変えます（下書きが横にある間はレポートは作られません）。"
        )
    steps.append(f"make report PERIOD={period} でレポートを作ります。")
    return "\n".join(
        [
            f"{result.written} に下書きを書き出しました（{period_label(period)}、{len(marks)} 行）。",
            f"  要確認: {marks.count(MARK_CHECK)} 行、要確認（不一致の可能性）: "
            f"{marks.count(MARK_UNSURE)} 行（draft 欄）。どこから取ったかは draft_source 欄にあります。",
            "次の手順:",
            *(f"{n}. {step}" for n, step in enumerate(steps, start=1)),
        ]
    )


# ------------------------------------------------------------- measurement


@dataclass
class Measure:
    """How the drafts compare with the analysts' sheet, field by field."""

    exact: int = 0  # proposed, and equal to the sheet (after width/space normalisation)
    different: int = 0  # proposed, but not what the sheet says
    different_marked: int = 0  # of those, in rows marked 要確認（不一致の可能性）
    not_found: int = 0  # the sheet has a text, nothing was proposed
    blank_kept: int = 0  # the sheet is blank, nothing was proposed
    blank_filled: int = 0  # the sheet is blank, something was proposed
    details: list[str] = field(default_factory=list)

    @property
    def with_text(self) -> int:
        return self.exact + self.different + self.not_found


def measure_drafts(sheet: Path, report_dir: Path, period: str, plan) -> Measure:
    """Blank the sheet's value and previous-value texts, draft them again, and compare."""
    report, lines = _report_of(report_dir, period, plan)
    truth = [rec for _, rec in sheet_records(sheet)]
    rows = [dict(r, value_text="", prev_text="", draft="") for r in truth]
    draft_sheet(rows, report, lines, period)
    m = Measure()
    for want, got in zip(truth, rows, strict=True):
        for col in ("value_text", "prev_text"):
            _count(m, want, got, col)
    return m


def _count(m: Measure, want: dict, got: dict, col: str) -> None:
    w, g = squash(want[col]), squash(got[col])
    where = f"{want['item_no']}{want['marker']} {want['indicator'][:16]} {col}"
    if not w:
        m.blank_kept += not g
        m.blank_filled += bool(g)
        if g:
            m.details.append(f"{where}: blank in the sheet, drafted '{got[col]}'")
    elif not g:
        m.not_found += 1
        m.details.append(f"{where}: '{want[col]}' not found")
    elif w == g:
        m.exact += 1
    else:
        m.different += 1
        m.different_marked += got["draft"] == MARK_UNSURE
        m.details.append(f"{where}: sheet '{want[col]}', drafted '{got[col]}' ({got['draft']})")
