"""HTML sections of the Japanese report, built from the processed tables.

Every string that comes from data is escaped here (markupsafe), so item names
or KPI texts holding ``<script>`` appear as text. The exporter sanitises the
whole page once more (see :mod:`helpers.render`).
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup, escape

from .metrics import summarise_met
from .narrative import (
    TREND_JA,
    format_decimal,
    format_value,
    is_na,
    kpi_sentence,
    target_label,
    tidy,
)

STATUS_JA = {"S": "予定以上に進捗", "A": "予定どおりに進捗", "B": "予定よりも遅れている"}


def heading(level: int, text: str, anchor: str) -> Markup:
    return Markup(f'<h{level} id="{escape(anchor)}">{escape(text)}</h{level}>')


def para(text: str, cls: str | None = None) -> Markup:
    c = f' class="{escape(cls)}"' if cls else ""
    return Markup(f"<p{c}>{escape(text)}</p>")


def table(
    headers: list[str],
    rows: list[list],
    *,
    caption: str | None = None,
    num_cols: set[int] | None = None,
    row_classes: list[str] | None = None,
) -> Markup:
    """A plain HTML table; every cell escaped."""
    num_cols = num_cols or set()
    out = ['<table class="data">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    out.append(
        "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead><tbody>"
    )
    for i, row in enumerate(rows):
        cls = f' class="{escape(row_classes[i])}"' if row_classes and row_classes[i] else ""
        cells = []
        for j, v in enumerate(row):
            text = "" if is_na(v) else str(v)
            klass = ' class="num"' if j in num_cols else ""
            cells.append(f"<td{klass}>{escape(text)}</td>")
        out.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return Markup("".join(out))


def _share(n: int, total: int) -> str:
    return "—" if not total else format_decimal(n / total * 100, 1, trim=False) + "%"


# ------------------------------------------------------------------- sections


def title_block(meta: dict, plan_name: str) -> Markup:
    return Markup(
        f'<h1 id="top">{escape(plan_name)}の進捗状況（{escape(meta["label"])}）</h1>'
        f'<p class="lead">{escape(meta["label"])}時点の各プログラム（取組項目）の進捗状況と成果指標を、'
        "公表資料から機械的に集計・検算したものです。数値はすべてデータからプログラムで算出しています。</p>"
    )


def summary_section(
    areas: pd.DataFrame, metrics: pd.DataFrame, counts: pd.DataFrame, meta: dict
) -> Markup:
    total = int(areas["items"].sum())
    s, a, b = (int(areas[k].sum()) for k in ("S", "A", "B"))
    lines = [heading(2, "概要", "summary")]
    summ = meta.get("summary") or {}
    relisted = f"（再掲{summ['relisted']}項目を含む）" if summ.get("relisted") else ""
    lines.append(
        para(
            f"{meta['label']}の進捗状況は、全{total}項目{relisted}のうち、"
            f"予定以上に進捗（S）が{s}項目（{_share(s, total)}）、予定どおりに進捗（A）が{a}項目（{_share(a, total)}）、"
            f"予定よりも遅れている（B）が{b}項目（{_share(b, total)}）です。"
        )
    )
    if len(counts) > 1:
        prev = counts.iloc[-2]
        ptotal = int(prev["items"])

        def delta(k: str) -> str:
            now = {"S": s, "A": a, "B": b}[k]
            d = now - int(prev[k])
            pts = (now / total * 100 if total else 0) - (
                int(prev[k]) / ptotal * 100 if ptotal else 0
            )
            sign = "+" if d > 0 else ("±" if d == 0 else "−")
            psign = "+" if pts > 0 else ("±" if round(pts, 1) == 0 else "−")
            return (
                f"{k}は{int(prev[k])}項目から{now}項目（{sign}{abs(d)}項目、構成比"
                f"{psign}{format_decimal(abs(pts), 1, trim=False)}ポイント）"
            )

        lines.append(
            para(
                f"前回（{prev['label']}）と比べると、"
                + "、".join(delta(k) for k in "SAB")
                + "となりました。"
            )
        )
    if len(metrics):
        m = summarise_met(metrics)
        lines.append(
            para(
                f"予定以上または遅れている取組の成果指標{m['kpis']}件のうち、目標を達成したものが{m['met']}件、"
                f"未達成が{m['not_met']}件、値や目標の記載がなく判定できないものが{m['undetermined']}件です。"
            )
        )
    elif not meta.get("has_indicators"):
        lines.append(
            para(
                "この期間のデータには取組ごとの一覧と成果指標がないため、分野別の集計のみを示します。",
                "note",
            )
        )
    return Markup("".join(lines))


def areas_section(areas: pd.DataFrame, figure_html: Markup | str = "") -> Markup:
    rows = []
    for r in areas.itertuples():
        rows.append(
            [
                r.area_no,
                r.area_name,
                f"No.{r.item_from}～{r.item_to}",
                r.items,
                r.S,
                r.A,
                r.B,
                _share(int(r.B), int(r.items)),
            ]
        )
    total = [
        "計",
        "",
        "",
        int(areas["items"].sum()),
        int(areas["S"].sum()),
        int(areas["A"].sum()),
        int(areas["B"].sum()),
        _share(int(areas["B"].sum()), int(areas["items"].sum())),
    ]
    rows.append(total)
    return Markup(
        heading(2, "分野別の進捗状況", "areas")
        + table(
            ["No.", "分野", "項目番号", "項目数", "S", "A", "B", "Bの割合"],
            rows,
            num_cols={3, 4, 5, 6, 7},
            caption="表1 分野別の進捗状況（S: 予定以上に進捗、A: 予定どおりに進捗、B: 予定よりも遅れている）",
            row_classes=[""] * (len(rows) - 1) + ["total"],
        )
        + Markup(figure_html)
    )


def comparison_section(
    counts: pd.DataFrame,
    area_cmp: pd.DataFrame | None,
    item_cmp: pd.DataFrame | None,
    notes: list[str],
    figure_html: Markup | str = "",
) -> Markup:
    out = [heading(2, "前回との比較", "comparison")]
    if len(counts) < 2:
        out.append(para("比較できる過去の期間のデータがありません。", "note"))
        for n in notes:
            out.append(para(n, "note"))
        return Markup("".join(out))
    rows = [
        [
            r.label,
            r.items,
            r.S,
            _share(r.S, r.items),
            r.A,
            _share(r.A, r.items),
            r.B,
            _share(r.B, r.items),
        ]
        for r in counts.itertuples()
    ]
    out.append(
        table(
            ["時点", "項目数", "S", "Sの割合", "A", "Aの割合", "B", "Bの割合"],
            rows,
            num_cols=set(range(1, 8)),
            caption="表2 進捗状況の推移",
        )
    )
    if area_cmp is not None and len(area_cmp):

        def ch(v) -> str:
            if is_na(v):
                return "—"
            v = int(v)
            return f"+{v}" if v > 0 else (f"−{abs(v)}" if v < 0 else "±0")

        rows = []
        for r in area_cmp.itertuples():
            rows.append(
                [
                    r.area_no,
                    r.area_name,
                    f"{_int(r.S_prev)} → {_int(r.S)}（{ch(r.S_change)}）",
                    f"{_int(r.A_prev)} → {_int(r.A)}（{ch(r.A_change)}）",
                    f"{_int(r.B_prev)} → {_int(r.B)}（{ch(r.B_change)}）",
                ]
            )
        out.append(
            table(
                ["No.", "分野", "S（前回→今回）", "A（前回→今回）", "B（前回→今回）"],
                rows,
                caption="表3 分野別の増減",
            )
        )
    if item_cmp is not None and len(item_cmp):
        changed = item_cmp[item_cmp["changed"]]
        out.append(
            para(
                f"両時点で状況が分かる{len(item_cmp)}項目（一覧への掲載、または分野の件数から確定するもの）のうち、"
                f"{len(changed)}項目の状況が変わりました。"
            )
        )
        if len(changed):
            rows = [
                [
                    r.item_no,
                    tidy(r.item_name) or "（名称の記載なし）",
                    r.status_prev,
                    r.status,
                    "一覧" if r.status_basis == "listed" else "件数から確定",
                ]
                for r in changed.itertuples()
            ]
            out.append(
                table(
                    ["No.", "取組", "前回", "今回", "今回の根拠"],
                    rows,
                    caption="表4 状況が変わった取組",
                )
            )
    for n in notes:
        out.append(para(n, "note"))
    out.append(Markup(figure_html))
    return Markup("".join(out))


def _int(v) -> str:
    return "—" if is_na(v) else str(int(v))


def kpi_section(
    items: pd.DataFrame, metrics: pd.DataFrame, period_label: str, figures_html: Markup | str = ""
) -> Markup:
    out = [heading(2, "成果指標の状況", "kpis")]
    if not len(metrics):
        out.append(para("この期間には成果指標のデータがありません。", "note"))
        return Markup("".join(out))
    out.append(
        para(
            "予定以上に進捗している取組と予定よりも遅れている取組について、報告書に記載された成果指標を取組ごとに示します。"
        )
    )
    for item_no, group in metrics.groupby("item_no", sort=False):
        item = items[items["item_no"] == item_no].iloc[0]
        status = item["status"]
        relisted = f"（No.{item['relisted_as']}に再掲）" if not is_na(item["relisted_as"]) else ""
        out.append(
            heading(
                3,
                f"No.{item_no} {tidy(item['item_name'])}{relisted}：{STATUS_JA.get(status, '状況不明')}",
                f"kpi-{item_no}",
            )
        )
        out.append(Markup('<ul class="kpi">'))
        for r in group.to_dict("records"):
            out.append(Markup(f"<li>{escape(kpi_sentence(r, period_label))}</li>"))
        out.append(Markup("</ul>"))
    rows = []
    for r in metrics.to_dict("records"):
        rows.append(
            [
                r["kpi_id"],
                (r["marker"] or "") + tidy(r["indicator"])
                if not is_na(r["marker"])
                else tidy(r["indicator"]),
                format_value(r["value"], r["unit"], bool(r["approx"]))
                if not is_na(r["value"])
                else (tidy(r["value_text"]) or "—"),
                format_value(r["prev_value"], r["unit"], bool(r["prev_approx"]))
                + ("＊" if r["prev_derived"] else "")
                if not is_na(r["prev_value"])
                else "—",
                _fmt_change(r),
                target_label(r) or "—",
                format_decimal(float(r["achievement_pct"]), 1, trim=False) + "%"
                if not is_na(r["achievement_pct"])
                else "—",
                "達成" if r["met"] is True else ("未達成" if r["met"] is False else "判定不能"),
                TREND_JA.get(r["trend"], "—") if not is_na(r["trend"]) else "—",
            ]
        )
    out.append(
        table(
            ["ID", "成果指標", "今期", "前年度末", "増減", "目標", "達成率", "判定", "傾向"],
            rows,
            num_cols={2, 3, 4, 6},
            caption="表5 成果指標の一覧（＊は報告書の記載する増減から算出した前年度末の値）",
            row_classes=["ng" if r is False else "" for r in metrics["met"].tolist()],
        )
    )
    out.append(Markup(figures_html))
    return Markup("".join(out))


def _fmt_change(r: dict) -> str:
    if is_na(r.get("change_abs")):
        return "—"
    c = float(r["change_abs"])
    sign = "+" if c > 0 else ("±" if c == 0 else "−")
    approx = bool(r.get("approx")) or bool(r.get("prev_approx"))
    if r.get("unit") == "%":
        return f"{sign}{'約' if approx else ''}{format_decimal(abs(c), 1, trim=False)}ポイント"
    text = f"{sign}{format_value(abs(c), r.get('unit'), approx)}"
    if not is_na(r.get("change_pct")):
        text += f"（{sign}{format_decimal(abs(float(r['change_pct'])), 1, trim=False)}%）"
    return text


def narratives_section(items: pd.DataFrame) -> Markup:
    out = [heading(2, "遅れている取組の要因と今後の対応", "delayed")]
    delayed = items[(items["status"] == "B") & items["item_name"].notna()]
    if not len(delayed):
        out.append(para("この期間のデータには、遅れている取組の一覧がありません。", "note"))
    for r in delayed.itertuples():
        out.append(heading(3, f"No.{r.item_no} {tidy(r.item_name)}", f"delayed-{r.item_no}"))
        out.append(_quote_block("進捗状況", r.progress))
        out.append(_quote_block("要因", r.causes))
        out.append(_quote_block("今後の対応", r.next_steps))
    ahead = items[(items["status"] == "S") & items["item_name"].notna() & items["progress"].notna()]
    out.append(heading(2, "予定以上に進捗している取組", "ahead"))
    if not len(ahead):
        out.append(
            para("この期間のデータには、予定以上に進捗している取組の一覧がありません。", "note")
        )
    seen = set()
    for r in ahead.itertuples():
        if r.item_name in seen:
            continue
        seen.add(r.item_name)
        nos = f"No.{r.item_no}" + (
            f"（No.{r.relisted_as}に再掲）" if not is_na(r.relisted_as) else ""
        )
        out.append(heading(3, f"{nos} {tidy(r.item_name)}", f"ahead-{r.item_no}"))
        out.append(_quote_block("進捗状況", r.progress))
        out.append(_quote_block("今後の取組", r.next_steps))
    return Markup("".join(out))


def _quote_block(label: str, text) -> Markup:
    if is_na(text) or not str(text).strip():
        return Markup(f'<p class="label">{escape(label)}</p><p class="note">（記載なし）</p>')
    paras = "".join(f"<p>{escape(line)}</p>" for line in str(text).split("\n") if line.strip())
    return Markup(
        f'<p class="label">{escape(label)}（報告書から引用）</p><blockquote>{paras}</blockquote>'
    )


def audit_section(audit: pd.DataFrame) -> Markup:
    out = [heading(2, "検算結果", "audit")]
    n_ng = int((~audit["ok"].astype(bool)).sum()) if len(audit) else 0
    if n_ng:
        out.append(
            Markup(
                f'<p class="alert">⚠ 検算{len(audit)}件のうち{n_ng}件で報告書の数値が一致しません（表中「不一致」）。</p>'
            )
        )
    else:
        out.append(para(f"報告書自身の数値の整合性を{len(audit)}件検算し、すべて一致しました。"))
    rows = [
        ["一致" if r.ok else "不一致", r.detail, r.expected, r.actual] for r in audit.itertuples()
    ]
    out.append(
        table(
            ["結果", "検算内容", "報告書の値", "再計算の値"],
            rows,
            caption="表6 検算の一覧",
            row_classes=["" if r.ok else "ng" for r in audit.itertuples()],
        )
    )
    return Markup("".join(out))


def method_section(meta: dict) -> Markup:
    defs = [
        (
            "状況（S/A/B）",
            "報告書の「予定以上に進捗（S）」「予定どおりに進捗（A）」「予定よりも遅れている（B）」。一覧に掲載のない取組は、その分野の一覧掲載数（S・B）が表の件数と一致する場合に限り A と確定し、それ以外は不明（欠損）とします。取組の分野は、番号が分野順・表の項目数どおりに振られていることから求めます。",
        ),
        ("増減（change_abs）", "今期の値 − 前年度末の値（指標の単位）。"),
        ("増減率（change_pct）", "増減 ÷ 前年度末の値 × 100。割合（%）の指標には用いません。"),
        (
            "ポイント（change_pt）",
            "割合（%）の指標の増減は、差をポイントで表します（例: 94.8% → 92.6% は −2.2ポイントであり、−2.3%ではありません）。",
        ),
        (
            "前年度末の値の算出",
            "報告書が前年度末の値でなく増減（例:「前年度から159万円の減」）を記載している場合、前年度末の値 = 今期の値 − 増減 とし、表では＊を付けます。",
        ),
        (
            "望ましい方向",
            "原則は値が大きいほど良いものとし、経常収支比率のように小さいほど良い指標（指標名、KPIシートの direction 欄、または「以下」「未満」の目標から判断）は逆に扱います。傾向（改善・悪化・横ばい）はこの向きで判定します。",
        ),
        (
            "達成率（achievement_pct）",
            "大きいほど良い指標: 今期の値 ÷ 目標値 × 100。小さいほど良い指標: 目標値 ÷ 今期の値 × 100。範囲の目標（80%台）や数値のない目標では算出しません。",
        ),
        (
            "目標の種類と達成（met）",
            "以上: 値 ≥ 目標。超: 値 > 目標。以下: 値 ≤ 目標。未満: 値 < 目標。目標値（到達）: 値 ≥ 目標（小さいほど良い指標では ≤）。範囲（80%台 = 80.0以上90.0未満）: 範囲内なら達成。数値なしの達成（「目標を達成した」）: 達成。実施の有無（協定締結など）: 実施したなら達成。",
        ),
        (
            "差（gap）",
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
            "分野ごとの S+A+B と項目数、列の合計と計の行、本文の件数と表、一覧の掲載数と表の件数、本文の合計額と内訳、記載された割合と「N件中M件」、記載された増減と前年度末・今期の値、「達成した」「届かなかった」などの記述と数値による判定を照合します。不一致があっても処理は止めず、表で示します。",
        ),
    ]
    rows = [[k, v] for k, v in defs]
    return Markup(
        heading(2, "方法と定義", "method")
        + table(["項目", "定義"], rows, caption="表7 用語と計算方法")
    )


def sources_section(meta: dict) -> Markup:
    kinds = {
        "report": "進捗状況報告書（PDFから抽出したテキスト）",
        "kpi_sheet": "成果指標シート（報告書の記載を転記）",
        "area_table": "分野別進捗状況の表（CSV）",
    }
    rows = [
        [kinds.get(k.split(":")[0], k), v["file"], v["sha256"][:16] + "…"]
        for k, v in sorted(meta.get("sources", {}).items())
    ]
    return Markup(
        heading(2, "データの出典", "sources")
        + table(["種類", "ファイル", "SHA-256（先頭）"], rows, caption="表8 入力データ")
    )
