"""HTML sections of the Japanese report, built from the processed tables.

Every string that comes from data is escaped here (markupsafe), so item names
or KPI texts holding ``<script>`` appear as text. The exporter sanitises the
whole page once more (see :mod:`helpers.present.render`). Status labels, their display
form and the text shown for a missing value come from :mod:`helpers.core.vocab`.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup, escape

from helpers.analysis.history import PACE_DEFINITION, PREVIOUS, paces
from helpers.analysis.metrics import summarise_met
from helpers.analysis.narrative import (
    change_shown,
    is_na,
    kpi_sentence,
    prev_shown,
    target_label,
    tidy,
    value_shown,
)
from helpers.core.numfmt import (
    form_of,
    format_decimal,
    format_number,
    format_percent,
    format_signed,
    shown_value,
)
from helpers.core.periods import fiscal_year_label, period_label
from helpers.core.tables import records as table_records
from helpers.core.vocab import (
    MISSING_TEXT,
    NOT_RATED,
    STANDARD,
    TREND_LABELS,
    Vocabulary,
    scales_of,
    status_display,
)
from helpers.present.display import CHECK_LABELS, source_words
from helpers.present.render import strip_bidi_controls

#: a KPI's judgement in the KPI table (met is True / False / NA)
JUDGEMENT = {True: "達成", False: "未達成", None: "判定不能"}
#: what the comparison tables show for an item's status that the source does not give
UNKNOWN_STATUS = "状況不明"

#: the method section's definitions after the statuses (term, definition)
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("増減", "今期の値 − 前年度末の値（指標の単位）。"),
    ("増減率", "増減 ÷ 前年度末の値 × 100。割合（%）の指標には用いません。"),
    (
        "ポイント",
        "割合（%）の指標の増減は、差をポイントで表します（例: 94.8% → 92.6% は −2.2ポイントであり、−2.3%ではありません）。",
    ),
    (
        "前年度末の値の算出",
        "報告書が前年度末の値でなく増減（例:「前年度から159万円の減」）を記載している場合、前年度末の値 = 今期の値 − 増減 とし、表では＊を付けます。",
    ),
    (
        "望ましい方向",
        "原則は値が大きいほど良いものとし、経常収支比率のように小さいほど良い指標（指標名、成果指標シートの「望ましい方向」の欄、または「以下」「未満」の目標から判断）は逆に扱います。傾向（改善・悪化・横ばい）はこの向きで判定します。",
    ),
    (
        "達成率",
        "大きいほど良い指標: 今期の値 ÷ 目標値 × 100。小さいほど良い指標: 目標値 ÷ 今期の値 × 100。範囲の目標（80%台）や数値のない目標では算出しません。",
    ),
    (
        "目標の種類と達成",
        "以上: 値 ≥ 目標。超: 値 > 目標。以下: 値 ≤ 目標。未満: 値 < 目標。目標値（到達）: 値 ≥ 目標（小さいほど良い指標では ≤）。範囲（80%台 = 80.0以上90.0未満）: 範囲内なら達成。数値なしの達成（「目標を達成した」）: 達成。実施の有無（協定締結など）: 実施したなら達成。",
    ),
    (
        "差",
        "目標までの不足分（指標の単位、割合はポイント）。大きいほど良い指標: 目標 − 値、小さいほど良い指標: 値 − 目標。正なら不足、負なら目標超過。範囲の目標では、範囲内なら0、範囲外なら近い方の境界までの距離。",
    ),
    (
        "欠損",
        "「未算出」「未集計」「－」などは欠損（値なし）とし、0とはしません。欠損の指標は達成・未達成のどちらにも数えません。",
    ),
    ("概数", "報告書が「約」を付けた値は概数として扱い、文中でも「約」を付けます。"),
    (
        "構成比",
        "各状況の項目数 ÷ 全項目数 × 100（小数第1位で四捨五入）。期間の比較ではポイント差で示します。",
    ),
    ("端数処理", "表示は小数第1位で四捨五入（0.05は切り上げ）。計算は丸めずに行います。"),
    (
        "検算",
        "分野ごとの状況別の件数の和（{sum}）と項目数、列の合計と計の行、本文の件数と表、一覧の掲載数と表の件数、本文の合計額と内訳、記載された割合と「N件中M件」、記載された増減と前年度末・今期の値、「達成した」「届かなかった」などの記述と数値による判定を照合します。不一致があっても処理は止めず、表で示します。",
    ),
)


def esc(text) -> Markup:
    r"""A text from the data as HTML: escaped, its invisible direction controls removed.

    >>> esc('<script>"x" & \u202eabc')
    Markup('&lt;script&gt;&#34;x&#34; &amp; abc')
    """
    if isinstance(text, Markup):
        return text
    return escape(strip_bidi_controls(str(text)))


def heading(level: int, text: str, anchor: str) -> Markup:
    return Markup(f'<h{level} id="{esc(anchor)}">{esc(text)}</h{level}>')


def para(text: str, cls: str | None = None) -> Markup:
    c = f' class="{esc(cls)}"' if cls else ""
    return Markup(f"<p{c}>{esc(text)}</p>")


def _td(numeric: bool, name: bool = False) -> str:
    """The opening tag of a cell of a numeric column, a column of names, both or neither."""
    classes = " ".join(c for c, on in (("num", numeric), ("name", name)) if on)
    return f'<td class="{classes}">' if classes else "<td>"


_NAME_CLASS = ' class="name"'


def table(
    headers: list[str],
    rows: list[list],
    *,
    caption: str | None = None,
    num_cols: set[int] | None = None,
    row_classes: list[str] | None = None,
    name_cols: set[int] | None = None,
) -> Markup:
    """A plain HTML table in a box that scrolls sideways on a narrow screen (its first
    column stays in view); header cells ``<th scope="col">``; every cell escaped.
    ``name_cols``: columns of names, never narrower than about 12 characters."""
    num_cols = num_cols or set()
    name_cols = name_cols or set()
    out = ['<div class="table-wrap"><table class="data">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th scope="col"{_NAME_CLASS if j in name_cols else ""}>{esc(h)}</th>'
            for j, h in enumerate(headers)
        )
        + "</tr></thead><tbody>"
    )
    width = max((len(row) for row in rows), default=0)
    opening = [_td(j in num_cols, j in name_cols) for j in range(width)]  # once per column
    for i, row in enumerate(rows):
        cls = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        cells = "".join(
            f"{opening[j]}{esc('' if is_na(v) else str(v))}</td>" for j, v in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table></div>")
    return Markup("".join(out))


def _join(parts) -> Markup:
    return Markup("").join(parts)


def _share(n: int, total: int) -> str:
    return MISSING_TEXT if not total else format_percent(n / total * 100)


def _int(v) -> str:
    return MISSING_TEXT if is_na(v) else str(int(v))


def _signed(d: float, text: str, zero_when: bool) -> str:
    """``+3``, ``−3`` or ``±0``: the sign of ``d`` in front of ``text`` (its size)."""
    sign = "±" if zero_when else ("+" if d > 0 else "−")
    return f"{sign}{text}"


def _status_name(code, vocab: Vocabulary = STANDARD) -> str:
    return status_display(code, vocab) if code in vocab.codes else UNKNOWN_STATUS


def _displays(codes, vocab: Vocabulary, sep: str = "または") -> str:
    """``予定以上に進捗（S）または予定よりも遅れている（B）``."""
    return sep.join(status_display(c, vocab) for c in codes)


# ------------------------------------------------------------------- sections


def title_block(meta: dict, plan_name: str) -> Markup:
    return Markup(
        f'<h1 id="top">{esc(plan_name)}の進捗状況（{esc(meta["label"])}）</h1>'
        f'<p class="lead">{esc(meta["label"])}時点の各プログラム（取組項目）の進捗状況と成果指標を、'
        "公表資料から機械的に集計・検算したものです。数値はすべてデータからプログラムで算出しています。</p>"
    )


def status_totals(areas: pd.DataFrame, vocab: Vocabulary = STANDARD) -> dict[str, int]:
    """Items in all areas, per code and not rated, and ``rated`` (the items on the scale):
    ``{"items": 43, "S": 3, "A": 30, "B": 10, "rated": 43}``."""
    out = {k: int(areas[k].sum()) for k in ("items", *vocab.count_columns())}
    out["rated"] = out["items"] - out.get(NOT_RATED, 0)
    return out


def _rated(row) -> int:
    """The items of a row (an area, a period) on the scale: all but those not rated."""
    items = int(row["items"])
    nr = row.get(NOT_RATED) if hasattr(row, "get") else None
    return items - (0 if nr is None or is_na(nr) else int(nr))


def _not_rated_words(totals: dict[str, int], vocab: Vocabulary) -> tuple[str, str]:
    """(the clause on items not rated, the note that shares are of rated items) or ('', '')."""
    if not vocab.has_not_rated:
        return "", ""
    return (
        f"{vocab.label(NOT_RATED)}が{totals[NOT_RATED]}項目、評価した{totals['rated']}項目のうち、",
        f"（割合は{vocab.label(NOT_RATED)}を除く評価した項目に対するもの）",
    )


def _status_sentence(label: str, totals: dict[str, int], relisted: str, vocab: Vocabulary) -> str:
    total, rated = totals["items"], totals["rated"]
    per_status = "、".join(
        f"{status_display(c, vocab)}が{totals[c]}項目（{_share(totals[c], rated)}）"
        for c in vocab.codes
    )
    not_rated, note = _not_rated_words(totals, vocab)
    return (
        f"{label}の進捗状況は、全{total}項目{relisted}のうち、{not_rated}{per_status}です{note}。"
    )


def _status_delta(code: str, now: dict[str, int], prev) -> str:
    """One status against the previous period: count change and share change in points."""
    before, after = int(prev[code]), now[code]
    d = after - before
    pts = (after / now["rated"] * 100 if now["rated"] else 0) - (
        before / _rated(prev) * 100 if _rated(prev) else 0
    )
    count = _signed(d, f"{abs(d)}項目", d == 0)
    share = format_signed(pts, 1, "ポイント")
    return f"{code}は{before}項目から{after}項目（{count}、構成比{share}）"


def _change_sentence(counts: pd.DataFrame, totals: dict[str, int], vocab: Vocabulary) -> str:
    prev = counts.iloc[-2]
    deltas = "、".join(
        _status_delta(c, totals, prev) for c in vocab.codes if not is_na(prev.get(c))
    )
    return f"前回（{prev['label']}）と比べると、{deltas}となりました。"


def _met_sentence(metrics: pd.DataFrame, vocab: Vocabulary) -> str:
    m = summarise_met(metrics)
    return (
        f"{_displays(vocab.listed, vocab)}の取組の成果指標{m['kpis']}件のうち、"
        f"目標を達成したものが{m['met']}件、未達成が{m['not_met']}件、"
        f"値や目標の記載がなく判定できないものが{m['undetermined']}件です。"
    )


def summary_section(
    areas: pd.DataFrame,
    metrics: pd.DataFrame,
    counts: pd.DataFrame,
    meta: dict,
    *,
    vocab: Vocabulary = STANDARD,
) -> Markup:
    summ = meta.get("summary") or {}
    relisted = f"（再掲{summ['relisted']}項目を含む）" if summ.get("relisted") else ""
    out = [heading(2, "概要", "summary")]
    scales = scales_of(meta) if len(scales_of(meta)) > 1 else (vocab,)
    for scale in scales:  # a plan on two scales (着手, 達成度): each on its own
        totals = status_totals(areas, scale)
        name = f"【{scale.name}】" if len(scales) > 1 else ""
        out.append(para(name + _status_sentence(meta["label"], totals, relisted, scale)))
        if len(counts) > 1:
            out.append(para(name + _change_sentence(counts, totals, scale)))
    if len(metrics):
        out.append(para(_met_sentence(metrics, vocab)))
    elif not meta.get("has_indicators"):
        out.append(
            para(
                "この期間のデータには取組ごとの一覧と成果指標がないため、分野別の集計のみを示します。",
                "note",
            )
        )
    return _join(out)


def _status_legend(vocab: Vocabulary) -> str:
    return "、".join(f"{c}: {vocab.label(c)}" for c in vocab.codes)


def _column_head(code: str, vocab: Vocabulary) -> str:
    return vocab.label(code) if code == NOT_RATED else code


def areas_section(
    areas: pd.DataFrame,
    figure_html: Markup | str = "",
    *,
    vocab: Vocabulary = STANDARD,
    scales: tuple[Vocabulary, ...] = (),
) -> Markup:
    """表1 per scale (``scales``: a plan's scales where it has two or more), then the figure."""
    out = [heading(2, "分野別の進捗状況", "areas")]
    if len(scales) > 1:
        for k, scale in enumerate(scales, start=1):
            out.append(_areas_table(areas, scale, f"表1-{k} 分野別の進捗状況【{scale.name}】"))
    else:
        out.append(_areas_table(areas, vocab, "表1 分野別の進捗状況"))
    out.append(Markup(figure_html))
    return _join(out)


def _areas_table(areas: pd.DataFrame, vocab: Vocabulary, caption: str) -> Markup:
    cols = vocab.count_columns()
    behind = vocab.behind

    def behind_share(r: dict) -> str:
        return _share(sum(int(r[c]) for c in behind), _rated(r))

    rows = [
        [
            r["area_no"],
            r["area_name"],
            f"No.{r['item_from']}～{r['item_to']}",
            r["items"],
            *(r[c] for c in cols),
            behind_share(r),
        ]
        for r in areas.to_dict("records")
    ]
    t = status_totals(areas, vocab)
    rows.append(["計", "", "", t["items"], *(t[c] for c in cols), behind_share(t)])
    rated = f"、{vocab.label(NOT_RATED)}を除く" if vocab.has_not_rated else ""
    return table(
        ["No.", "分野", "項目番号", "項目数", *(_column_head(c, vocab) for c in cols)]
        + [f"{'・'.join(behind)}の割合{rated}"],
        rows,
        num_cols=set(range(3, 5 + len(cols))),
        name_cols={1},
        caption=f"{caption}（{_status_legend(vocab)}）",
        row_classes=[""] * (len(rows) - 1) + ["total"],
    )


# ------------------------------------------------------------- comparison


def _counts_table(
    counts: pd.DataFrame, vocab: Vocabulary, caption: str = "表2 進捗状況の推移"
) -> Markup:
    rows = []
    for r in counts.to_dict("records"):
        row = [r["label"], r["items"]]
        if vocab.has_not_rated:
            row.append(_int(r.get(NOT_RATED)))
        for c in vocab.codes:
            v = r.get(c)
            row += [_int(v), MISSING_TEXT if is_na(v) else _share(int(v), _rated(r))]
        rows.append(row)
    headers = ["時点", "項目数"] + ([vocab.label(NOT_RATED)] if vocab.has_not_rated else [])
    headers += [h for c in vocab.codes for h in (c, f"{c}の割合")]
    return table(headers, rows, num_cols=set(range(1, len(headers))), caption=caption)


def _count_change(v) -> str:
    if is_na(v):
        return MISSING_TEXT
    v = int(v)
    return _signed(v, str(abs(v)), v == 0)


def _area_changes_table(
    area_cmp: pd.DataFrame, vocab: Vocabulary, caption: str = "表3 分野別の増減"
) -> Markup:
    def cell(r: dict, c: str) -> str:
        prev, now, change = (r[f"{c}_prev"], r[c], r[f"{c}_change"])
        return f"{_int(prev)} → {_int(now)}（{_count_change(change)}）"

    cols = [c for c in vocab.count_columns() if c in area_cmp.columns]
    rows = [
        [r["area_no"], r["area_name"], *(cell(r, c) for c in cols)]
        for r in area_cmp.to_dict("records")
    ]
    headers = ["No.", "分野", *(f"{_column_head(c, vocab)}（前回→今回）" for c in cols)]
    return table(headers, rows, caption=caption, name_cols={1})


def _item_changes(item_cmp: pd.DataFrame) -> list[Markup]:
    # items added, completed or merged between the periods (the change column) are listed too
    if "change" not in item_cmp:
        item_cmp = item_cmp.assign(change=None)
    moved = item_cmp["change"].notna()
    changed = item_cmp[item_cmp["changed"]]
    kinds = "、".join(
        f"{k}{n}項目" for k, n in item_cmp.loc[moved, "change"].value_counts().items()
    )
    out = [
        para(
            f"両時点で状況が分かる{int((~moved).sum())}項目（一覧への掲載、または分野の件数から確定するもの）のうち、"
            f"{int((changed['change'].isna()).sum())}項目の状況が変わりました"
            + (f"（ほかに取組の増減: {kinds}）。" if kinds else "。")
        )
    ]
    if len(changed):
        rows = [
            [
                r.item_no,
                tidy(r.item_name) or "（名称の記載なし）",
                r.status_prev if not pd.isna(r.status_prev) else "—",
                r.status if pd.isna(getattr(r, "change", None)) else r.change,
                "一覧" if r.status_basis == "listed" else "件数から確定",
            ]
            for r in changed.itertuples()
        ]
        out.append(
            table(
                ["No.", "取組", "前回", "今回", "今回の根拠"],
                rows,
                caption="表4 状況が変わった取組",
                name_cols={1},
            )
        )
    return out


def comparison_section(
    counts: pd.DataFrame,
    area_cmp: pd.DataFrame | None,
    item_cmp: pd.DataFrame | None,
    notes: list[str],
    figure_html: Markup | str = "",
    *,
    vocab: Vocabulary = STANDARD,
    scales: tuple[Vocabulary, ...] = (),
) -> Markup:
    """The counts against the last period (表2, 表3: one each per scale of a plan on two)."""
    out = [heading(2, "前回との比較", "comparison")]
    if len(counts) < 2:
        out.append(para("比較できる過去の期間のデータがありません。", "note"))
        out += [para(n, "note") for n in notes]
        return _join(out)
    several = len(scales) > 1
    for k, scale in enumerate(scales if several else (vocab,), start=1):
        name = f"-{k} 【{scale.name}】" if several else ""
        out.append(_counts_table(counts, scale, f"表2{name} 進捗状況の推移"))
        if area_cmp is not None and len(area_cmp):
            out.append(_area_changes_table(area_cmp, scale, f"表3{name} 分野別の増減"))
    if item_cmp is not None and len(item_cmp):
        out += _item_changes(item_cmp)
    out += [para(n, "note") for n in notes]
    out.append(Markup(figure_html))
    return _join(out)


# ------------------------------------------------------------------- KPIs


def _kpi_item_block(item: pd.Series, group: list[dict], period_label: str, vocab) -> Markup:
    """The heading of one item and its KPIs (rows of the metrics table) in words."""
    relisted = f"（No.{item['relisted_as']}に再掲）" if not is_na(item["relisted_as"]) else ""
    title = f"No.{item['item_no']} {tidy(item['item_name'])}{relisted}：{_status_name(item['status'], vocab)}"
    sentences = "".join(f"<li>{esc(kpi_sentence(r, period_label))}</li>" for r in group)
    return heading(3, title, f"kpi-{item['item_no']}") + Markup(f'<ul class="kpi">{sentences}</ul>')


def _indicator_name(r: dict) -> str:
    marker = r["marker"] if isinstance(r["marker"], str) else ""
    return marker + tidy(r["indicator"])


def _value_text(r: dict) -> str:
    return value_shown(r)


def _prev_text(r: dict) -> str:
    if is_na(r["prev_value"]):
        return MISSING_TEXT
    derived = "＊" if r["prev_derived"] is True else ""
    return prev_shown(r) + derived


def _achievement_text(r: dict) -> str:
    return format_percent(r["achievement_pct"])


def _fmt_change(r: dict) -> str:
    return change_shown(r)


def _kpi_row(r: dict) -> list[str]:
    met = None if is_na(r["met"]) else bool(r["met"])
    return [
        r["kpi_id"],
        _indicator_name(r),
        _value_text(r),
        _prev_text(r),
        _fmt_change(r),
        target_label(r) or MISSING_TEXT,
        _achievement_text(r),
        JUDGEMENT[met],
        MISSING_TEXT if is_na(r["trend"]) else TREND_LABELS.get(r["trend"], MISSING_TEXT),
    ]


def _kpi_table(metrics: pd.DataFrame, records: list[dict]) -> Markup:
    return table(
        ["ID", "成果指標", "今期", "前年度末", "増減", "目標", "達成率", "判定", "傾向"],
        [_kpi_row(r) for r in records],
        num_cols={2, 3, 4, 6},
        name_cols={1},
        caption="表5 成果指標の一覧（＊は報告書の記載する増減から算出した前年度末の値）",
        row_classes=["ng" if r is False else "" for r in metrics["met"].tolist()],
    )


def kpi_section(
    items: pd.DataFrame,
    metrics: pd.DataFrame,
    period_label: str,
    figures_html: Markup | str = "",
    *,
    vocab: Vocabulary = STANDARD,
) -> Markup:
    out = [heading(2, "成果指標の状況", "kpis")]
    if not len(metrics):
        out.append(para("この期間には成果指標のデータがありません。", "note"))
        return _join(out)
    out.append(
        para(
            f"{_displays(vocab.listed, vocab, 'の取組と')}の取組について、"
            "報告書に記載された成果指標を取組ごとに示します。"
        )
    )
    by_no = items.drop_duplicates("item_no").set_index("item_no", drop=False)
    records = table_records(metrics)  # once: thousands of KPIs cost a second each time
    groups: dict = {}  # by item, in order of first appearance (as groupby(sort=False))
    for r in records:
        if not is_na(r["item_no"]):  # as groupby, which leaves out a missing key
            groups.setdefault(r["item_no"], []).append(r)
    for item_no, group in groups.items():
        out.append(_kpi_item_block(by_no.loc[item_no], group, period_label, vocab))
    out.append(_kpi_table(metrics, records))
    out.append(Markup(figures_html))
    return _join(out)


# ------------------------------------------------------------- KPI history


def history_point_text(r: dict) -> str:
    """A point of a KPI's history as printed: the value text of the report it comes from."""
    return shown_value(r["value"], r["unit"], r.get("value_text"))


def _history_points(points: list[dict]) -> str:
    parts = []
    for r in points:
        if is_na(r["value"]):
            continue
        mark = "（後の報告書が記載する前年度末の値）" if r["basis"] == PREVIOUS else ""
        parts.append(f"{period_label(r['period'])} {history_point_text(r)}{mark}")
    return " → ".join(parts)


def _pace_items(kpi_history: pd.DataFrame, last_year: int) -> list[str]:
    out = []
    for p in paces(kpi_history, last_year):
        rows = kpi_history.loc[kpi_history["kpi_id"] == p.kpi_id]
        unit = rows["unit"].iloc[-1]
        unit = None if is_na(unit) else unit
        form = next((f for f in map(form_of, rows["value_text"].iloc[::-1]) if f), None)
        detail = ""
        if p.needed is not None and p.latest is not None:
            step = "ポイント" if unit == "%" else ""
            needed = (
                format_number(p.needed, unit, form=form)
                if not step
                else format_decimal(p.needed, 1) + step
            )
            latest = (
                format_number(p.latest, unit, form=form)
                if not step
                else format_decimal(p.latest, 1) + step
            )
            detail = f"（{fiscal_year_label(last_year)}末までに毎年度 {needed} の伸びが必要、直近1年の伸びは {latest}）"
        out.append(f"{p.kpi_id} {tidy(p.indicator)}: {p.words}{detail}。")
    return out


def _by_kpi(kpi_history: pd.DataFrame) -> list[list[dict]]:
    """The rows of each KPI in order of first appearance (one pass: a pandas group per
    KPI costs about a millisecond, seconds for a sheet of thousands)."""
    groups: dict = {}
    for r in table_records(kpi_history):
        if not is_na(r["kpi_id"]):
            groups.setdefault(r["kpi_id"], []).append(r)
    return list(groups.values())


def kpi_history_section(
    kpi_history: pd.DataFrame, meta: dict, figures_html: Markup | str = ""
) -> Markup:
    """成果指標の推移: each KPI's points over the plan's periods, the chart, the pace."""
    out = [heading(2, "成果指標の推移", "kpi-history")]
    series = [g for g in _by_kpi(kpi_history) if sum(not is_na(r["value"]) for r in g) >= 2]
    if not series:
        out.append(para("2時点以上の値がある成果指標はまだありません。", "note"))
        return _join(out)
    out.append(
        para(
            "同じ計画の各時点の値を指標ごとに並べます（取組番号と指標名が同じものを同じ指標とみなします）。"
            "後の時点の報告書が記載する前年度末の値は、その年度末の値として示します。"
        )
    )
    items = "".join(
        f"<li>{esc(g[0]['kpi_id'])} {esc(tidy(g[-1]['indicator']))}: {esc(_history_points(g))}</li>"
        for g in series
    )
    out.append(Markup(f'<ul class="kpi">{items}</ul>'))
    out.append(Markup(figures_html))
    last_year = (meta.get("plan_years") or [None, None])[1]
    if last_year:
        lines = "".join(f"<li>{esc(t)}</li>" for t in _pace_items(kpi_history, int(last_year)))
        out.append(heading(3, "目標年度までの見通し", "kpi-pace"))
        out.append(Markup(f'<ul class="kpi">{lines}</ul>' if lines else ""))
    return _join(out)


# ------------------------------------------------------------- narratives


def _quote_block(label: str, text) -> Markup:
    if is_na(text) or not str(text).strip():
        return Markup(f'<p class="label">{esc(label)}</p><p class="note">（記載なし）</p>')
    paras = "".join(f"<p>{esc(line)}</p>" for line in str(text).split("\n") if line.strip())
    return Markup(
        f'<p class="label">{esc(label)}（報告書から引用）</p><blockquote>{paras}</blockquote>'
    )


def _which(codes, vocab: Vocabulary, what: str) -> Markup:
    """The line saying which codes a section takes (plan.toml's ahead / behind)."""
    return para(f"この計画で{what}とする区分: {_displays(codes, vocab, '、')}", "note")


def _delayed_blocks(items: pd.DataFrame, vocab: Vocabulary) -> list[Markup]:
    out = [heading(2, "遅れている取組の要因と今後の対応", "delayed")]
    out.append(_which(vocab.behind, vocab, "遅れ"))
    delayed = items[items["status"].isin(vocab.behind) & items["item_name"].notna()]
    if not len(delayed):
        out.append(para("この期間のデータには、遅れている取組の一覧がありません。", "note"))
    for r in delayed.itertuples():
        out.append(heading(3, f"No.{r.item_no} {tidy(r.item_name)}", f"delayed-{r.item_no}"))
        out.append(_quote_block("進捗状況", r.progress))
        out.append(_quote_block("要因", r.causes))
        out.append(_quote_block("今後の対応", r.next_steps))
    return out


def _ahead_blocks(items: pd.DataFrame, vocab: Vocabulary) -> list[Markup]:
    out = [heading(2, "予定以上に進捗している取組", "ahead")]
    out.append(_which(vocab.ahead, vocab, "予定以上"))
    ahead = items[
        items["status"].isin(vocab.ahead) & items["item_name"].notna() & items["progress"].notna()
    ]
    if not len(ahead):
        out.append(
            para("この期間のデータには、予定以上に進捗している取組の一覧がありません。", "note")
        )
    # an item listed twice (再掲) is shown once, under its first number
    for r in ahead.drop_duplicates("item_name").itertuples():
        relisted = f"（No.{r.relisted_as}に再掲）" if not is_na(r.relisted_as) else ""
        out.append(
            heading(3, f"No.{r.item_no}{relisted} {tidy(r.item_name)}", f"ahead-{r.item_no}")
        )
        out.append(_quote_block("進捗状況", r.progress))
        out.append(_quote_block("今後の取組", r.next_steps))
    return out


def narratives_section(items: pd.DataFrame, *, vocab: Vocabulary = STANDARD) -> Markup:
    """The items behind, then ahead of schedule (plan.toml's ``behind`` and ``ahead``)."""
    return _join(_delayed_blocks(items, vocab) + _ahead_blocks(items, vocab))


# ------------------------------------------------------------------ audit


def _audit_kinds(audit: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(kind in words, checks, disagreements) per kind of check, disagreements first."""
    kinds: dict[str, list[int]] = {}
    for r in audit.itertuples():
        counts = kinds.setdefault(CHECK_LABELS.get(r.check, "その他の検算"), [0, 0])
        counts[0] += 1
        counts[1] += 0 if bool(r.ok) else 1
    return sorted(((k, n, ng) for k, (n, ng) in kinds.items()), key=lambda t: (-t[2], -t[1]))


def audit_section(audit: pd.DataFrame) -> Markup:
    """The checks grouped by kind with their counts, the disagreements first."""
    out = [heading(2, "検算結果", "audit")]
    n_ng = int((~audit["ok"].astype(bool)).sum()) if len(audit) else 0
    if n_ng:
        out.append(
            para(
                f"⚠ 検算{len(audit)}件のうち{n_ng}件で報告書の数値が一致しません（表中「× 不一致」）。",
                "alert",
            )
        )
    else:
        out.append(para(f"報告書自身の数値の整合性を{len(audit)}件検算し、すべて一致しました。"))
    kinds = _audit_kinds(audit)
    out.append(
        table(
            ["検算の種類", "件数", "一致", "不一致"],
            [[k, n, n - ng, ng] for k, n, ng in kinds],
            caption="表6 検算の種類ごとの件数（不一致のある種類を先に）",
            num_cols={1, 2, 3},
            name_cols={0},
            row_classes=["ng" if ng else "" for _, _, ng in kinds],
        )
    )
    order = {k: i for i, (k, _, _) in enumerate(kinds)}
    ordered = sorted(
        audit.itertuples(),
        key=lambda r: (bool(r.ok), order[CHECK_LABELS.get(r.check, "その他の検算")]),
    )
    rows = [
        [
            "○ 一致" if r.ok else "× 不一致",
            CHECK_LABELS.get(r.check, "その他の検算"),
            # an input file by what it is, never its name: 平成29年度末の成果指標シート 12行
            source_words(r.detail),
            source_words(r.expected),
            source_words(r.actual),
        ]
        for r in ordered
    ]
    out.append(
        table(
            ["結果", "種類", "検算内容", "報告書の値", "再計算の値"],
            rows,
            caption="表6-2 検算の一覧（不一致を先に、種類の順）",
            name_cols={2},
            row_classes=["" if r.ok else "ng" for r in ordered],
        )
    )
    return _join(out)


# ----------------------------------------------------------------- method


def _status_definition(vocab: Vocabulary) -> tuple[str, str]:
    labels = "".join(f"「{status_display(c, vocab)}」" for c in vocab.codes)
    listed = "・".join(vocab.listed)
    if len(vocab.on_track) == 1 and not vocab.has_not_rated:
        unlisted = (
            f"一覧に掲載のない取組は、その分野の一覧掲載数（{listed}）が表の件数と一致する場合に"
            f"限り {vocab.on_track[0]} と確定し、それ以外は不明（欠損）とします。"
        )
    else:
        unlisted = f"一覧（{listed}）に掲載のない取組の状況は、分野の件数だけからは決まらないため不明（欠損）とします。"
    not_rated = (
        f"「{vocab.label(NOT_RATED)}」の項目は区分の外にあり、項目数 = 評価した項目 + "
        f"{vocab.label(NOT_RATED)}、割合は評価した項目に対するものです。"
        if vocab.has_not_rated
        else ""
    )
    return (
        f"状況（{'/'.join(vocab.codes)}）",
        f"報告書の{labels}（よい方から順）。{not_rated}{unlisted}取組の分野は、番号が"
        "分野順・表の項目数どおりに振られていることから求めます。",
    )


def _history_definitions(meta: dict) -> list[list[str]]:
    """The KPI history's terms; the pace where plan.toml gives the plan's last year."""
    rows = [
        [
            "成果指標の推移",
            "同じ計画の各時点の成果指標シートの値を、取組番号と指標名（①②③を含む）が同じものを同じ"
            "指標として並べます。ある年度末に値がない指標は、後の時点の報告書が記載する前年度末の値を"
            "その年度末の値として示します（図では白抜きの点）。",
        ]
    ]
    last_year = (meta.get("plan_years") or [None, None])[1]
    if last_year:
        rows.append(list(PACE_DEFINITION))
    else:
        rows.append(
            [
                PACE_DEFINITION[0],
                "計画の最終年度が計画の設定に書かれていないため、示していません。",
            ]
        )
    return rows


def method_section(meta: dict, *, vocab: Vocabulary = STANDARD) -> Markup:
    # the check's sum in the plan's own codes: S+A+B, or S+A+B+C+対象外
    sum_words = "+".join(vocab.label(c) if c == NOT_RATED else c for c in vocab.count_columns())
    rows = [list(_status_definition(vocab))]
    rows += [[term, text.replace("{sum}", sum_words)] for term, text in DEFINITIONS]
    rows += _history_definitions(meta)
    return heading(2, "方法と定義", "method") + table(
        ["項目", "定義"], rows, caption="表7 用語と計算方法", name_cols={1}
    )


#: what each input is, in the reader's words
SOURCE_KINDS = {
    "report": "進捗状況報告書（公表資料のPDFから抽出したテキスト）",
    "kpi_sheet": "成果指標シート（報告書の成果指標の記載を転記したもの）",
    "area_table": "分野別の進捗状況の表（市のウェブページから転記したもの）",
}


def _source_title(kind: str, meta: dict) -> str:
    """The published title an input comes from: 第3次行財政再構築プランの進捗状況（平成29年度末）."""
    plan = meta.get("plan_name") or "行財政改革プラン"
    return f"「{plan}の進捗状況（{meta.get('label', '')}）」"


def tech_details(rows: list[list[str]], headers: list[str], caption: str) -> Markup:
    """A collapsed 技術情報 section for the analyst (file names, hashes): hidden in print."""
    return (
        Markup('<details class="tech"><summary>技術情報（分析担当者向け）</summary>')
        + table(headers, rows, caption=caption)
        + Markup("</details>")
    )


def sources_section(meta: dict) -> Markup:
    sources = sorted(meta.get("sources", {}).items())
    rows = [
        [SOURCE_KINDS.get(k.split(":")[0], "入力データ"), _source_title(k, meta)]
        for k, _ in sources
    ]
    tech = [[k.split(":")[0], v["file"], v["sha256"]] for k, v in sources]
    return _join(
        [
            heading(2, "データの出典", "sources"),
            table(["資料", "出典（公表資料）"], rows, caption="表8 入力データ"),
            tech_details(
                tech, ["種類", "ファイル", "SHA-256"], "入力ファイルとその指紋（SHA-256）"
            ),
        ]
    )
