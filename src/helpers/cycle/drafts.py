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
from helpers.core.messages import say
from helpers.core.periods import (
    fiscal_year,
    is_year_end,
    parse_period,
    period_label,
    prev_value_period,
)
from helpers.core.plans import load_plan
from helpers.core.textnorm import squash
from helpers.core.vocab import MARK_CHECK, MARK_UNSURE, carried_from, carried_words
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


def month_names(year: int, month: int) -> list[str]:
    """How a report may name the calendar year of ``year-month`` before 年 (squashed).

    >>> month_names(2018, 9), month_names(2019, 9)
    (['平成30'], ['令和元', '令和1'])
    """
    if (year, month) >= (2019, 5):
        n = year - 2018
        return [f"令和{n}"] if n > 1 else ["令和元", "令和1"]
    return [f"平成{year - 1988}"]


def as_of_re(period: str) -> str:
    """The period's own as-of wording: 平成29年度末 for 2018-03, 平成30年9月末 for 2018-09."""
    if is_year_end(period):
        return _year_re(fiscal_year(period)) + "末"
    year, month = int(period[:4]), int(period[5:])
    return "(?:" + "|".join(map(re.escape, month_names(year, month))) + f")年{month}月末"


@dataclass
class Found:
    """A drafted text: the wording, the sentence and line it came from, whether it is sure.

    ``why`` says why a draft is not sure (two candidates, a range, a qualifier,
    a figure from another sentence); it goes to ``draft_source``.
    """

    text: str
    sentence: str
    line: int | None = None
    sure: bool = True
    why: str = ""

    def doubt(self, why: str) -> Found:
        self.sure = False
        self.why = "、".join(w for w in (self.why, why) if w)
        return self


# a figure that is an end of a range, or carries a qualifier, is not a whole value
_RANGE_SEP = r"(?:～|〜|~|－|–|—|-|から)"
_QUALIFIERS_AFTER = ("台", "以上", "以下", "程度", "前後", "余り", "強", "弱", "超")
_QUALIFIERS_BEFORE = ("約", "およそ", "概ね", "おおむね", "ほぼ")


def whole_figure(s: str, start: int, end: int, unit: str) -> tuple[str, str]:
    """The figure at ``s[start:end]`` with its range and qualifiers, and why it is doubtful.

    Never one end of a range (9,700～9,800人 is drafted whole) and never a
    figure without its qualifier (9,718人台, 約340万件).

    >>> whole_figure("来場者数は9,700～9,800人であり", 11, 17, "人")
    ('9,700～9,800人', '範囲で記載（9,700～9,800人）')
    >>> whole_figure("平成29年度末で9,718人台であり", 8, 14, "人")
    ('9,718人台', '限定語つきの数値（9,718人台）')
    """
    why = []
    before = re.search(rf"({_NUMBER}(?:{_unit_re(unit)})?{_PER}){_RANGE_SEP}$", s[:start])
    after = re.match(rf"{_RANGE_SEP}({_figure_re(unit)})", s[end:])
    if before:
        start = before.start(1)
    if after and not re.match(r"から(?:の)?(?:増|減|向上|低下|微|大幅|改善|悪化)", s[end:]):
        end += after.end()
    else:
        after = None
    if before or after:
        why.append(f"範囲で記載（{s[start:end]}）")
    q_after = next((q for q in _QUALIFIERS_AFTER if s[end:].startswith(q)), None)
    if q_after:
        end += len(q_after)
    q_before = next((q for q in _QUALIFIERS_BEFORE if s[:start].endswith(q)), None)
    if q_before and not s[start:end].startswith(q_before):
        start -= len(q_before)
    text = s[start:end]
    if (q_after or q_before or text.startswith(_QUALIFIERS_BEFORE)) and not why:
        why.append(f"限定語つきの数値（{text}）")
    return text, "、".join(why)


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


def _whole(s: str, m: re.Match, group: int, unit: str, offset: int = 0) -> Found:
    text, why = whole_figure(s, offset + m.start(group), offset + m.end(group), unit)
    found = Found(text, s)
    return found.doubt(why) if why else found


def draft_value(region: Region, indicator: str, unit: str, period: str) -> Found | None:
    """The value of a KPI in its sentence (see the module docstring for the rules, in order)."""
    s = region.first
    fig = _figure_re(unit)
    m = re.search(rf"{as_of_re(period)}(?:時点)?(?:で|は|では|に|には)?、?({fig})", s)
    if m:
        found = _whole(s, m, 1, unit)
        others = _plain_figures(s[m.end() :], unit)
        if others and not found.why and re.match(r"[（(]", s[m.end() :]):
            found.doubt(f"候補が2つ以上（{found.text}、{others[0].group(0)}）")
        return found
    pair = _arrow(s, unit)
    if pair:
        return Found(pair[1], s)
    total = re.search(rf"合計{_NUMBER}{_unit_re(unit)}", s)
    if total:
        return Found(total.group(0), s)
    after = _after_name(s, indicator)
    plain = _plain_figures(after, unit)
    if plain:
        found = _whole(after, plain[0], 0, unit)
        found.sentence = s
        if len(plain) > 1:
            found.doubt(f"候補が2つ以上（{'、'.join(p.group(0) for p in plain[:3])}）")
        return found
    for other in region.rest:
        m = re.search(rf"{as_of_re(period)}(?:時点)?(?:で|は|では|に|には)?、?({fig})", other)
        if m:
            return _whole(other, m, 1, unit).doubt("指標名と別の文の数値")
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
    return Found(bare[-1].group(0), s).doubt("単位のない数値") if bare else None


def draft_prev(region: Region, unit: str, period: str) -> Found | None:
    """The previous year-end's value, or the change from it, as the report words it."""
    held = prev_value_period(period)
    year = _year_re(fiscal_year(held)) if held else "(?!)"
    ref = rf"(?:前年度末?|{year}末?)" if held else "前年度末?"
    change_fig = _figure_re(unit, points=unit == "%")
    for s in [region.first, *region.rest]:
        m = re.search(rf"{ref}(?:から|比で?|に比べて?|と比べて?)、?{change_fig}{_CHANGE_WORDS}", s)
        if m:
            return Found(m.group(0), s)
        pair = _arrow(s, unit)
        if pair:
            return Found(pair[0], s)
        m = re.search(rf"{year}末(?:時点)?(?:の|で|は|では)?、?({_figure_re(unit)})", s)
        if m:
            return _whole(s, m, 1, unit)
    return None


# what a sentence says was achieved: 達成した, 届かなかった, 協定締結には至らなかった …
_RESULT_RE = re.compile(
    r"(?:目標を)?(?:達成(?:でき(?:なかった|ず|た)|しなかった|していない|した)"
    r"|達(?:しなかった|していない|した|せず)|届かなかった|届いていない|届いた"
    r"|至らなかった|至っていない|及ばなかった|及んでいない|上回った|下回った)"
)


def draft_result(region: Region) -> Found | None:
    """The words of what was achieved, as the KPI's sentence (or its continuation) states them."""
    for s in [region.first, *region.rest]:
        found = [m.group(0) for m in _RESULT_RE.finditer(s)]
        if found:
            f = Found(found[-1], s)
            return f.doubt(f"候補が2つ以上（{'、'.join(found)}）") if len(set(found)) > 1 else f
    return None


# ------------------------------------------------------------ lines of the file


def printed(raw_lines: list[str], first: int, last: int, needle: str) -> tuple[int, str] | None:
    """Where ``needle`` (squashed) is in the report's lines ``first``..``last``, as printed.

    Returns the line (1-based) it starts on and its text exactly as the report
    prints it (full-width ％ and ／, spaces inside a line kept), only the line
    breaks of the PDF's text (and the spaces at them) taken out: the drafted
    ``延べ 980 人／年``, never a normalised ``延べ980人/年``.
    """
    target = squash(needle)
    if not target:
        return None
    chars: list[str] = []  # squashed text
    where: list[tuple[int, int]] = []  # (line, column) of the raw character each came from
    for no in range(first, min(last, len(raw_lines)) + 1):
        for col, ch in enumerate(raw_lines[no - 1]):
            for c in squash(ch):
                chars.append(c)
                where.append((no, col))
    at = "".join(chars).find(target)
    if at < 0:
        return None
    (l1, c1), (l2, c2) = where[at], where[at + len(target) - 1]
    if l1 == l2:
        return l1, raw_lines[l1 - 1][c1 : c2 + 1]
    pieces = [raw_lines[l1 - 1][c1:].rstrip()]
    pieces += [raw_lines[n - 1].strip() for n in range(l1 + 1, l2)]
    pieces.append(raw_lines[l2 - 1][: c2 + 1].lstrip())
    return l1, "".join(pieces)


def line_of(raw_lines: list[str], first: int, last: int, needle: str) -> int | None:
    """The line (1-based) of the report between ``first`` and ``last`` where ``needle`` starts."""
    at = printed(raw_lines, first, last, needle)
    return at[0] if at else None


def as_printed(text: str, raw_lines: list[str], first: int, last: int) -> bool:
    """Whether ``text`` is in the report's lines as printed (only spaces and line breaks aside)."""
    bare = re.sub(r"\s+", "", text)
    body = re.sub(r"\s+", "", "".join(raw_lines[first - 1 : last]))
    return bool(bare) and bare in body


# ------------------------------------------------------------------- a sheet


@dataclass
class RowDraft:
    """What was drafted for one row: the texts, and the words for ``draft_source``."""

    value: Found | None = None
    prev: Found | None = None
    result: Found | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> list[Found]:
        return [f for f in (self.value, self.prev, self.result) if f is not None]

    @property
    def sure(self) -> bool:
        return all(f.sure for f in self.found) and not any(n.startswith("!") for n in self.notes)


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
            found.doubt(f"単位が{unit}と異なる（{found.text}）")
    except NumberError:
        found.doubt(f"数値として読めない（{found.text}）")
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
    if not rec.get("result_text"):
        out.result = draft_result(region)
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
    for what, found in (("値", d.value), ("前年度末", d.prev), ("結果", d.result)):
        if found is not None:
            line = report.line_words(found.line) if found.line else ""
            why = f"（要注意: {found.why}）" if found.why else ""
            parts.append(f"{what}: {report.path.name} {line}「{found.sentence[:60]}」{why}")
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
        if rec["value_text"] and rec["prev_text"] and rec["result_text"] and not rec["draft"]:
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
            for found in d.found:
                at = printed(raw_lines, item.line, item.end_line, found.text)
                if at is not None:
                    found.line, found.text = at
            carried = carried_from(rec.get("draft_source", ""), rec["prev_text"])
            for col in ("value_text", "prev_text", "result_text"):
                if col == "prev_text" and carried:
                    continue  # carried from the workbook: the cross-period audit checks it
                if (
                    rec[col]
                    and rec["draft"]
                    and not as_printed(rec[col], raw_lines, item.line, item.end_line)
                ):
                    d.notes.append(
                        f"!{col}「{rec[col]}」は報告書の表記どおりではありません"
                        "（報告書の文字のまま、全角・半角も含めて入力してください）"
                    )
        _apply(rec, d, report)
        drafts.append(d)
    return drafts


def _apply(rec: dict, d: RowDraft, report) -> None:
    if d.value is not None:
        rec["value_text"] = d.value.text
    if d.prev is not None:
        rec["prev_text"] = d.prev.text
    if d.result is not None:
        rec["result_text"] = d.result.text
    rec["draft"] = MARK_CHECK if d.sure else MARK_UNSURE
    words = _source_words(d, report)
    carried = carried_from(rec.get("draft_source", ""), rec["prev_text"])
    if carried and d.prev is None:
        # the previous value the report does not print stays as carried, and says so
        kept = carried_words(carried, _carried_file(rec["draft_source"]), rec["prev_text"])
        words = f"{kept}／{words}"
    rec["draft_source"] = words


def _carried_file(draft_source: str) -> str:
    m = re.search(r"prev_text は \d{4}-\d{2}/(\S+?) の", draft_source)
    return m.group(1) if m else "kpi_sheet"


# --------------------------------------------------------------- the command


def _report_of(folder: Path, period: str, plan) -> tuple:
    """The period's parsed report and its lines (InputError if the folder holds none)."""
    found = find_report(folder)
    if found is None:
        raise InputError(
            folder,
            say("drafts.no_report"),
        )
    source = read_report_text(found)
    try:
        check_title(plan, found, source.text)
        report = parse_report_source(source, plan.vocab)
        if report.period_id is not None and report.period_id != period:
            raise InputError(
                found,
                say("drafts.other_period", id=report.period_id, period=period),
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
            say("drafts.no_folder", period=pid),
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
            say("drafts.draft_exists"),
        )
    drafts = draft_sheet(rows, report, lines, pid)
    write_new_file(out, sheet_bytes(rows, out.suffix.lower().lstrip(".")))
    return DraftResult(out, sheet, drafts, rows)


def summary_words(result: DraftResult, period: str) -> str:
    """What draft-kpis did and what the analyst does now, in Japanese."""
    marks = [r["draft"] for r in result.rows]
    steps = [
        "各行の value_text・prev_text・result_text を報告書と照らし合わせ、違っていれば報告書の"
        "表記どおりに（全角・半角も含めて）直します（特に「不一致の可能性」の行。理由は"
        " draft_source 欄にあります）。前年度末の値を転記した行は、報告書に記載がなくても"
        "そのままで構いません（前の期間の値との照合は検算で行います）。",
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

    exact: int = 0  # proposed, and the sheet's text (spaces aside)
    different: int = 0  # proposed, but not what the sheet says
    width_only: int = 0  # of those, the same text but for full/half width (94.3% for 94.3％)
    different_marked: int = 0  # of those, in rows marked 要確認（不一致の可能性）
    not_found: int = 0  # the sheet has a text, nothing was proposed
    blank_kept: int = 0  # the sheet is blank, nothing was proposed
    blank_filled: int = 0  # the sheet is blank, something was proposed
    details: list[str] = field(default_factory=list)

    @property
    def with_text(self) -> int:
        return self.exact + self.different + self.not_found


def measure_drafts(sheet: Path, report_dir: Path, period: str, plan) -> Measure:
    """Blank the sheet's value, previous-value and result texts, draft them again, and compare.

    ``sheet`` is the answer key: an analyst's sheet, or a hand-written CSV with
    the same columns. A draft counts as exact when it is the key's text with
    only spaces taken out (``延べ 980 人／年`` = ``延べ980人／年``, not ``延べ980人/年``).
    """
    report, lines = _report_of(report_dir, period, plan)
    truth = [rec for _, rec in sheet_records(sheet)]
    rows = [dict(r, value_text="", prev_text="", result_text="", draft="") for r in truth]
    draft_sheet(rows, report, lines, period)
    m = Measure()
    for want, got in zip(truth, rows, strict=True):
        for col in MEASURED:
            _count(m, want, got, col)
    return m


#: the fields draft-kpis drafts and measure_drafts counts
MEASURED = ("value_text", "prev_text", "result_text")


def _count(m: Measure, want: dict, got: dict, col: str) -> None:
    w, g = re.sub(r"\s+", "", want[col]), re.sub(r"\s+", "", got[col])
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
        m.width_only += squash(w) == squash(g)
        m.different_marked += got["draft"] == MARK_UNSURE
        m.details.append(f"{where}: sheet '{want[col]}', drafted '{got[col]}' ({got['draft']})")
