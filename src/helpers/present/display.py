"""Tables as an analyst sees them in the notebooks: Japanese labels, words for codes, readable numbers.

The processed CSVs keep their machine columns and codes; only what a notebook
shows changes. ``show(df)`` returns an object that JupyterLab draws as an HTML
table:

- every column of the processed tables (:mod:`helpers.core.schema`) under a Japanese
  label (``achievement_pct`` → 達成率（%）); a column the schema does not know
  keeps its name;
- codes as words: statuses through :mod:`helpers.core.vocab` (``S`` → 予定以上に進捗（S）),
  target kinds (``at_least`` → 以上), trends (``improved`` → 改善), True/False per
  column (met → 達成 / 未達成, ok → 一致 / 不一致, else はい / いいえ);
- numbers in their base units (yen, persons, percent), as stored, with thousands
  separators and the unit in its own column (単位): no 万/億 scaling in tables, so
  every digit stays visible and the figure is the one in the CSV; whole numbers
  without ``.0``; percentages and rates with one decimal (92.6, 80.0); changes
  with their sign (+137, −2.2), all by the one formatter (:mod:`helpers.core.numfmt`);
- missing values (None, NaN, NA, NaT, an empty text) as ``—``
  (:data:`helpers.core.vocab.MISSING_TEXT`), never 0 or ``nan``;
- every text from the data escaped, its invisible direction controls removed;
- the table inside a box that scrolls sideways, so wide tables are not cut.

>>> format_number(2860000000.0)
'2,860,000,000'
>>> format_number(92.6, places=1), format_number(80, places=1), format_number(-2.25, places=1)
('92.6', '80.0', '−2.3')
>>> format_number(1.39015), format_number(137, signed=True), format_number(float("nan"))
('1.39', '+137', '—')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from helpers.analysis import metrics
from helpers.core import schema
from helpers.core.numfmt import format_plain, format_signed
from helpers.core.periods import period_label
from helpers.core.vocab import (
    MISSING_TEXT,
    NOT_RATED,
    STANDARD,
    TREND_LABELS,
    Vocabulary,
    status_display,
)
from helpers.present.render import strip_bidi_controls

# ------------------------------------------------------------------ labels

#: Japanese label of every column of the processed tables (S, A, B: see column_label)
COLUMN_LABELS: dict[str, str] = {
    # areas, items
    "area_no": "分野番号",
    "area_name": "分野",
    "items": "項目数",
    "item_from": "最初の項目番号",
    "item_to": "最後の項目番号",
    "source_line": "報告書の行",
    "item_no": "項目番号",
    "item_name": "取組名",
    "status": "進捗状況",
    "status_basis": "判定の根拠",
    "relisted_as": "再掲の番号",
    "progress": "取組の状況",
    "causes": "要因",
    "next_steps": "今後の対応",
    # indicators
    "kpi_id": "指標ID",
    "item_status": "取組の進捗状況",
    "marker": "記号",
    "indicator": "成果指標",
    "unit": "単位",
    "value": "今期の値",
    "value_text": "今期の値（記載）",
    "approx": "概数",
    "value_flag": "実施",
    "prev_value": "前年度末の値",
    "prev_text": "前年度末の値（記載）",
    "prev_derived": "前年度末の値を増減から算出",
    "prev_approx": "前年度末の値が概数",
    "change_stated": "記載の増減",
    "target_kind": "目標の種類",
    "target_low": "目標の下限",
    "target_high": "目標の上限",
    "target_high_open": "上限を含まない",
    "target_value": "目標値",
    "target_text": "目標（記載）",
    "result_text": "結果の記述",
    "stated_met": "記載上の達成",
    "direction": "望ましい方向",
    "direction_basis": "方向の根拠",
    "source_quote": "報告書の記載",
    "note": "備考",
    "basis": "値の出所",
    "source": "出典（シート・行）",
    "sheet_line": "指標シートの行",
    # metrics
    "change_abs": "増減",
    "change_pct": "増減率（%）",
    "change_pt": "増減（ポイント）",
    "achievement_pct": "達成率（%）",
    "gap": "目標との差",
    "met": "目標の達成",
    "trend": "傾向",
    "achievement_formula": "達成率の計算",
    # audit
    "check": "検算の種類",
    "scope": "対象",
    "expected": "報告書の値",
    "actual": "再計算の値",
    "ok": "結果",
    "detail": "検算内容",
    # comparisons
    "period": "期間",
    "label": "期間（表記）",
    "items_prev": "前期の項目数",
    "status_prev": "前期の進捗状況",
    "status_basis_prev": "前期の判定の根拠",
    "changed": "状況の変化",
    "change": "取組の増減（追加・完了・統合）",
    # what the notebooks list: files, counts
    "kind": "種類",
    "file": "ファイル",
    "bytes": "大きさ（バイト）",
    "rows": "行数",
    "judgement": "判定",
    "count": "件数",
}

TARGET_KIND_LABELS = {
    "at_least": "以上",
    "greater_than": "超",
    "at_most": "以下",
    "less_than": "未満",
    "point": "目標値（到達）",
    "range": "範囲",
    "achieved": "数値なしの達成",
    "yes_no": "実施の有無",
    "none": "目標なし",
}
STATUS_BASIS_LABELS = {
    "listed": "一覧に掲載",
    "inferred from counts": "件数から確定",
    "position": "一覧での位置",
    "content (【要因】)": "記載内容（【要因】）",
}
DIRECTION_LABELS = {"higher": "高いほど良い", "lower": "低いほど良い"}
DIRECTION_BASIS_LABELS = {
    "sheet": "指標シートの指定",
    "inferred from name": "指標名から判断",
    "inferred from target (以下/未満)": "目標（以下・未満）から判断",
}
FORMULA_LABELS = {
    metrics.FORMULA_HIGHER: "今期の値 ÷ 目標値 × 100",
    metrics.FORMULA_LOWER: "目標値 ÷ 今期の値 × 100（低いほど良い）",
    metrics.FORMULA_RANGE: "範囲内なら達成（差は近い方の境界まで）",
    metrics.FORMULA_ACHIEVED: "「目標を達成した」の記載による",
    metrics.FORMULA_YES_NO: "実施したなら達成",
}
CHECK_LABELS = {
    "area_row_sum": "分野の状況別の件数の和と項目数",
    "column_total": "列の合計と計の行",
    "total_row_sum": "計の行の状況別の件数の和と項目数",
    "summary_total": "本文の全項目数と表",
    "summary_vs_table": "本文の件数と表",
    "listed_vs_total": "一覧の掲載数と計の行",
    "listed_vs_area": "分野内の一覧掲載数と表",
    "area_table_vs_report": "分野別の表と報告書",
    "heading_count": "一覧の見出しの件数",
    "heading_relisted": "一覧の見出しの再掲数",
    "summary_relisted": "本文の再掲数",
    "text_sum": "本文の合計額と内訳",
    "text_rate": "記載の割合と件数",
    "text_change_word": "増減の語と計算した増減",
    "text_change": "記載の増減と前年度末・今期の値",
    "stated_result": "達成の記述と判定",
    "prev_vs_earlier_period": "前年度末の値と前回の年度末の値",
    "kpi_identity": "名称の変わった成果指標（前回と同じ指標か確認）",
    "item_across_periods": "取組の番号・名称・分野（前回と）",
    "area_items_across_periods": "分野の項目数（前回と）",
}
#: where a KPI history point comes from (helpers.analysis.history)
BASIS_LABELS = {"reported": "その時点の値", "previous_value": "後の報告書の前年度末の値"}
#: True / False as words, per column (any other True/False column: はい / いいえ)
BOOL_LABELS: dict[str, tuple[str, str]] = {
    "met": ("達成", "未達成"),
    "stated_met": ("達成", "未達成"),
    "ok": ("一致", "不一致"),
    "changed": ("変化あり", "変化なし"),
    "value_flag": ("実施", "未実施"),
}
YES_NO = ("はい", "いいえ")
#: codes shown as words, per column
CODE_LABELS: dict[str, dict[str, str]] = {
    "target_kind": TARGET_KIND_LABELS,
    "trend": TREND_LABELS,
    "status_basis": STATUS_BASIS_LABELS,
    "status_basis_prev": STATUS_BASIS_LABELS,
    "direction": DIRECTION_LABELS,
    "direction_basis": DIRECTION_BASIS_LABELS,
    "achievement_formula": FORMULA_LABELS,
    "check": CHECK_LABELS,
    "basis": BASIS_LABELS,
}
STATUS_COLUMNS = ("status", "item_status", "status_prev")
#: the audit's scopes in words: "area 3" → 分野3, "KPI 12-1" → 指標12-1, "list B" → 一覧（B）
SCOPE_WORDS = {
    "area": "分野",
    "KPI": "指標",
    "item": "項目",
    "status": "状況",
    "list": "一覧",
    "column": "列",
}
SCOPE_LABELS = {"summary": "本文の要約", "totals": "計の行", "items": "全項目"}

# ------------------------------------------------------------------ numbers

#: numbers in the row's unit (one decimal where the unit is %)
UNIT_COLUMNS = (*schema.NUMBER_COLUMNS, "change_abs", "gap")
#: percentages and points: always one decimal
RATE_COLUMNS = ("change_pct", "change_pt", "achievement_pct")
#: changes: shown with their sign
SIGNED_COLUMNS = ("change_abs", "change_pct", "change_pt", "change_stated")
#: numbers that name something (no thousands separator)
ID_COLUMNS = ("area_no", "item_no", "item_from", "item_to", "source_line", "sheet_line")


def is_blank(value) -> bool:
    """Missing for display: None, NA, NaN, NaT, or a text of only spaces."""
    if isinstance(value, str):
        return not value.strip()
    return schema.is_missing(value)


def format_number(x, places: int | None = None, *, signed: bool = False, comma: bool = True) -> str:
    """A number for a table, by the one formatter (:mod:`helpers.core.numfmt`).

    ``places`` decimals, or as few as needed (at most 2); a change with its sign;
    missing gives ``—``.
    """
    if is_blank(x):
        return MISSING_TEXT
    if signed:
        return format_signed(x, places)
    return format_plain(x, places, comma=comma)


def column_label(col, vocab: Vocabulary = STANDARD) -> str:
    """The Japanese label of a column; an unknown column keeps its name.

    >>> column_label("achievement_pct"), column_label("B"), column_label("S_change")
    ('達成率（%）', '予定よりも遅れている（B）', '予定以上に進捗（S）の増減')
    """
    col = str(col)
    shown_codes = vocab.count_columns()
    if col in shown_codes:
        return status_display(col, vocab)
    for suffix, words in (("_prev", "前期の"), ("_change", "")):
        code = col.removesuffix(suffix)
        if code != col and code in shown_codes:
            shown = status_display(code, vocab)
            return f"{words}{shown}" if words else f"{shown}の増減"
    return COLUMN_LABELS.get(col, col)


#: the workbook's input files as a reader knows them (by what they are, not their names)
SOURCE_FILE_WORDS = {
    "kpi_sheet": "成果指標シート",
    "progress_report": "進捗状況報告書",
    "progress_areas": "分野別進捗状況の表",
    "plan": "計画の設定",
}
_SOURCE_FILE_RE = re.compile(
    r"(?:(\d{4}-\d{2})/)?([A-Za-z]+(?:_[A-Za-z0-9]+)*)\.(?:csv|xlsx|txt|toml)"
)


def source_words(v):
    """A reference to an input file in words: the sheet's name and its period.

    >>> source_words("2018-03/kpi_sheet.csv 2行の前年度末の値")
    '平成29年度末の成果指標シート 2行の前年度末の値'
    """
    if not isinstance(v, str):
        return v

    def words(m: re.Match) -> str:
        name = m.group(2)
        kind = next((w for k, w in SOURCE_FILE_WORDS.items() if name.startswith(k)), "入力ファイル")
        return f"{_period_words(m.group(1))}の{kind}" if m.group(1) else kind

    return _SOURCE_FILE_RE.sub(words, v)


def _period_words(period: str) -> str:
    try:
        return period_label(period)
    except Exception:  # an id the periods module does not know is shown as it is
        return period


def _reader_status(vocab: Vocabulary) -> Callable:
    return lambda v: status_display(v, vocab) if isinstance(v, str) and v in vocab.codes else v


def _reader_values(out: pd.DataFrame, col: str, vocab: Vocabulary) -> list | None:
    """A column's values in words for a reader's table; None where they stay as they are."""
    labels = CODE_LABELS.get(col)
    if labels is not None:
        return [labels.get(v, v) if isinstance(v, str) else v for v in out[col].tolist()]
    if col in STATUS_COLUMNS:
        status = _reader_status(vocab)
        return [status(v) for v in out[col].tolist()]
    if col == "scope":
        return [v if is_blank(v) else _format_scope(v) for v in out[col].tolist()]
    if col in ("source", "note", "detail"):
        return [source_words(v) for v in out[col].tolist()]
    if (
        col in BOOL_LABELS
        or str(out[col].dtype) == "boolean"
        or (col in schema.INDICATORS and schema.INDICATORS[col] == schema.BOOL)
    ):
        yes, no = BOOL_LABELS.get(col, YES_NO)
        return [v if is_blank(v) else (yes if _truthy(v) else no) for v in out[col].tolist()]
    return None


def _truthy(v) -> bool:
    return v is True or str(v) == "True" or (not isinstance(v, str) and bool(v))


def words_for_readers(df: pd.DataFrame, vocab: Vocabulary = STANDARD) -> pd.DataFrame:
    """The table as a reader's spreadsheet shows it: Japanese headers, codes and flags as
    words (the plan's status words, 達成／未達成, 改善／悪化, はい／いいえ), input files by
    what they are; no code, file name or Python value.

    Numbers stay numbers (the spreadsheet formats them); missing stays empty.

    >>> words_for_readers(pd.DataFrame({"trend": ["improved"], "met": [True]})).iloc[0].to_dict()
    {'傾向': '改善', '目標の達成': '達成'}
    """
    out = df.copy()
    for col in out.columns:
        values = _reader_values(out, str(col), vocab)
        if values is not None:
            out[col] = pd.Series(values, index=out.index, dtype=object)
    return out.rename(columns=lambda c: column_label(c, vocab))


def _format_bool(col: str) -> Callable:
    yes, no = BOOL_LABELS.get(col, YES_NO)
    return lambda v: MISSING_TEXT if is_blank(v) else (yes if bool(v) else no)


def _format_code(labels: dict[str, str]) -> Callable:
    return lambda v: MISSING_TEXT if is_blank(v) else labels.get(str(v), str(v))


def _format_status(vocab: Vocabulary) -> Callable:
    def show(v):
        if is_blank(v):
            return MISSING_TEXT
        return status_display(v, vocab) if v in vocab.codes else str(v)

    return show


def _format_period(v) -> str:
    if is_blank(v):
        return MISSING_TEXT
    try:
        return f"{period_label(str(v))}（{v}）"
    except Exception:  # an id the periods module does not know is shown as it is
        return str(v)


def _format_scope(v) -> str:
    """The audit's scope in words.

    >>> [_format_scope(s) for s in ("area 3", "area 1 B", "KPI 12-1", "column items", "totals")]
    ['分野3', '分野1（B）', '指標12-1', '列（項目数）', '計の行']
    """
    if is_blank(v):
        return MISSING_TEXT
    words = str(v).split()
    if len(words) == 1:
        return SCOPE_LABELS.get(words[0], words[0])
    if words[0] not in SCOPE_WORDS:
        return str(v)
    out = SCOPE_WORDS[words[0]]
    for w in words[1:]:
        out += (
            "（項目数）"
            if w == "items"
            else "（対象外）"
            if w == NOT_RATED
            else f"（{w}）"
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,7}", w)
            else w
        )
    return out


def _format_text(v) -> str:
    if is_blank(v):
        return MISSING_TEXT
    if isinstance(v, bool):
        return YES_NO[0] if v else YES_NO[1]
    if isinstance(v, int | float):
        return format_number(v)
    return str(v)


def _generic(series: pd.Series) -> Callable:
    if pd.api.types.is_bool_dtype(series):
        return _format_bool(str(series.name))
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_float_dtype(series):
        return lambda v: format_number(v, comma=series.name not in ID_COLUMNS)
    return _format_text


def formatter(series: pd.Series, vocab: Vocabulary = STANDARD) -> Callable:
    """How each value of a column (a Series named by its column) is written."""
    col = str(series.name)
    if col in STATUS_COLUMNS:
        return _format_status(vocab)
    if col in CODE_LABELS:
        return _format_code(CODE_LABELS[col])
    if col in BOOL_LABELS or col in schema.INDICATORS and schema.INDICATORS[col] == schema.BOOL:
        return _format_bool(col)
    if col == "period":
        return _format_period
    if col == "scope":
        return _format_scope
    if col in RATE_COLUMNS:
        return lambda v: format_number(v, 1, signed=col in SIGNED_COLUMNS)
    if col.endswith("_change"):
        return lambda v: format_number(v, signed=True)
    return _generic(series)


def _format_unit_column(df: pd.DataFrame, col: str) -> list[str]:
    units = df["unit"] if "unit" in df.columns else pd.Series([None] * len(df), index=df.index)
    signed = col in SIGNED_COLUMNS
    return [
        format_number(v, 1 if u == "%" else None, signed=signed)
        for v, u in zip(df[col], units, strict=True)
    ]


def display_frame(
    df: pd.DataFrame, columns: Sequence[str] | None = None, vocab: Vocabulary = STANDARD
) -> pd.DataFrame:
    """``df`` as text for reading: Japanese labels, words for codes, numbers formatted.

    ``columns`` picks and orders the columns shown (machine names); the result's
    columns are the Japanese labels and every cell is a str.
    """
    shown = list(columns) if columns is not None else list(df.columns)
    out = {}
    for col in shown:
        if col in UNIT_COLUMNS:
            values = _format_unit_column(df, col)
        else:
            values = [formatter(df[col], vocab)(v) for v in df[col]]
        out[column_label(col, vocab)] = values
    return pd.DataFrame(out, index=range(len(df)), dtype=object)


def _numeric_columns(df: pd.DataFrame, columns: Sequence[str]) -> set[str]:
    return {
        c
        for c in columns
        if c in UNIT_COLUMNS
        or c in RATE_COLUMNS
        or (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))
    }


def _cell_html(text: str, tag: str = "td", numeric: bool = False) -> str:
    # numbers, and short words or ids (未達成, 28-1), are never broken over lines
    nowrap = ";white-space:nowrap" if numeric or len(text) <= 6 else ""
    style = f' style="text-align:{"right" if numeric else "left"}{nowrap}"'
    return f"<{tag}{style}>{escape(strip_bidi_controls(text))}</{tag}>"


@dataclass
class Shown:
    """A table ready to show: ``.frame`` holds the texts; JupyterLab draws ``_repr_html_``."""

    frame: pd.DataFrame
    numeric: list[bool]
    caption: str | None = None
    note: str | None = None

    def to_html(self) -> Markup:
        head = "".join(_cell_html(str(c), "th") for c in self.frame.columns)
        rows = "".join(
            "<tr>"
            + "".join(_cell_html(v, numeric=n) for v, n in zip(row, self.numeric, strict=True))
            + "</tr>"
            for row in self.frame.itertuples(index=False)
        )
        cap = (
            f"<caption>{escape(strip_bidi_controls(self.caption))}</caption>"
            if self.caption
            else ""
        )
        note = f"<p>{escape(self.note)}</p>" if self.note else ""
        return Markup(
            '<div class="reform-table" style="overflow-x:auto;max-width:100%">'
            f'<table style="border-collapse:collapse">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>{note}</div>"
        )

    def _repr_html_(self) -> str:
        return str(self.to_html())

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


@dataclass
class Message:
    """A sentence in place of a table (a table without rows): shown as text, not as a repr."""

    text: str

    def _repr_html_(self) -> str:
        return f"<p>{escape(strip_bidi_controls(self.text))}</p>"

    def __repr__(self) -> str:
        return self.text


#: rows a notebook shows of a table by default: the executed notebook stays small and
#: quick to save and open; the table's file holds every row (the note says how many)
MAX_ROWS_SHOWN = 200


def show(
    df: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    caption: str | None = None,
    max_rows: int | None = MAX_ROWS_SHOWN,
    vocab: Vocabulary = STANDARD,
    empty: str | None = None,
) -> Shown | Message:
    """``df`` for the notebook's reader: ``display.show(metrics, ["kpi_id", "indicator", ...])``.

    ``max_rows`` shows the first rows only (:data:`MAX_ROWS_SHOWN` unless given; None:
    all), and says how many there are;
    ``empty`` is the sentence shown instead of a table without rows.
    """
    if empty is not None and len(df) == 0:
        return Message(empty)
    shown = list(columns) if columns is not None else [str(c) for c in df.columns]
    missing = [c for c in shown if c not in df.columns]
    if missing:
        raise KeyError(f"no column {missing} in the table (columns: {list(df.columns)})")
    part = df if max_rows is None or len(df) <= max_rows else df.head(max_rows)
    numeric = _numeric_columns(df, shown)
    note = f"先頭{len(part)}行を表示（全{len(df)}行）" if len(part) < len(df) else None
    return Shown(
        display_frame(part, shown, vocab), [c in numeric for c in shown], caption=caption, note=note
    )
