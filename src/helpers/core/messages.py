"""Every message the workbook shows its user, in Japanese, in one catalogue.

A message says what is wrong, where (the file; the line, or the sheet, row and
column as Excel shows them) and what to do. Code asks for a message by its key
and gives the values to fill in::

    raise InputError(path, say("kpi.unknown_column", name="taget_text", hint=""), line=1)

The place is put in front by :class:`helpers.core.errors.InputError` with
:func:`place`: ``data/raw/kodaira-3/2018-03/kpi_sheet.csv 5行目 value_text列: …``.
Keys are grouped by the module that uses them (``core.``, ``kpi.``, ``areas.``,
``report.``, ``cli.``, …). ``tests/core/test_messages.py`` walks the catalogue:
every entry must be Japanese, with no run of three English words once paths,
placeholders and quoted values are taken out.
"""

from __future__ import annotations

import errno
from pathlib import Path

#: key → template (str.format); {placeholders} are filled by :func:`say`
MESSAGES: dict[str, str] = {}


def _add(group: str, entries: dict[str, str]) -> None:
    for key, text in entries.items():
        MESSAGES[f"{group}.{key}"] = text


def say(key: str, /, **values: object) -> str:
    """The catalogue's message ``key`` with ``values`` filled in."""
    return MESSAGES[key].format(**values)


# ------------------------------------------------------------------ places
def place(
    path: str | Path | None,
    line: int | None = None,
    field: str | None = None,
    *,
    page: int | None = None,
) -> str:
    """Where a fault is: ``…/kpi_sheet.csv 5行目 value_text列``; a PDF: ``…/r.pdf 3ページ 12行目``."""
    where = str(path) if path is not None else "（入力）"
    if page is not None:
        where += f" {page}ページ"
    if line is not None:
        where += f" {line}行目"
    if field is not None:
        # a setting file's field is a key (plan.toml: months), a table's a column
        toml = path is not None and str(path).lower().endswith(".toml")
        where += f" キー {field}" if toml else f" {field}列"
    return where


def cell_place(
    path: str | Path | None,
    sheet: str,
    row: int | None = None,
    letter: str | None = None,
    field: str | None = None,
) -> str:
    """Where a fault of an Excel sheet is: ``…/kpi_sheet.xlsx シート「kpi_sheet」 2行目 E列（value_text）``."""
    where = f"{path} シート「{sheet}」"
    if row is not None:
        where += f" {row}行目"
    if letter is not None:
        where += f" {letter}列"
        if field:
            where += f"（{field}）"
    elif field is not None:
        where += f" {field}列"
    return where


# ------------------------------------------------------------ system errors
#: what an OSError's errno means for the user, and what to do
_OS_ERRORS = {
    errno.EACCES: "書き込み（または読み取り）の権限がありません。自分で書き込めるようにするか、別のフォルダを指定してください",
    errno.EPERM: "この操作は許可されていません。自分で書き込めるようにするか、別のフォルダを指定してください",
    errno.EROFS: "読み取り専用のディスクです。別のフォルダを指定してください",
    errno.ENOSPC: "ディスクがいっぱいです。空き容量を作ってからもう一度実行してください",
    errno.EDQUOT: "ディスクの割り当て（クォータ）を超えました。空き容量を作ってください",
    errno.EEXIST: "フォルダがあるべき場所にファイルがあります。そのファイルを移してください",
    errno.ENOTDIR: "フォルダがあるべき場所にファイルがあります。そのファイルを移してください",
    errno.ENOENT: "ファイルまたはフォルダが見つかりません。名前と場所を確かめてください",
    errno.EISDIR: "ファイルがあるべき場所にフォルダがあります。そのフォルダを移してください",
    errno.ENAMETOOLONG: "パスが長すぎます。短い名前のフォルダに移してください",
    errno.EMFILE: "開いているファイルが多すぎます。ほかのプログラムを閉じてからもう一度実行してください",
    errno.EIO: "ディスクの読み書きに失敗しました（入出力エラー）。ディスクの状態を確かめてください",
    errno.ELOOP: "リンクがたどり着けない輪になっています（リンクの先がまたそのリンク）。リンクを外して本当のファイルやフォルダを置いてください",
}

#: the errnos a user can fix by choosing another folder, freeing space, moving a file
FIXABLE_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EEXIST, errno.ENOTDIR}
)


#: tomllib's complaints (English), the start of each → the catalogue's phrase
_TOML_ERRORS = (
    ("Cannot overwrite a value", "core.toml_twice"),
    ("Cannot declare", "core.toml_twice"),
    ("Cannot redefine namespace", "core.toml_twice"),
    ("Duplicate inline table key", "core.toml_twice"),
    ("Cannot mutate immutable namespace", "core.toml_twice"),
    ("Unterminated string", "core.toml_open_string"),
    ("Unclosed array", "core.toml_open_bracket"),
    ("Unclosed inline table", "core.toml_open_brace"),
    ("Expected ']'", "core.toml_open_bracket"),
    ("Expected '='", "core.toml_no_equals"),
    ("Invalid value", "core.toml_bad_value"),
    ("Invalid date", "core.toml_bad_value"),
    ("Invalid hex value", "core.toml_bad_value"),
    ("Unescaped", "core.toml_backslash"),
    ("Escaped character", "core.toml_backslash"),
    ("Illegal character '\\n'", "core.toml_open_string"),  # a string left open at the line's end
    ("Illegal character", "core.toml_bad_char"),
    ("Found invalid character", "core.toml_bad_char"),
    ("Invalid initial character for a key", "core.toml_bad_key"),
    ("Invalid statement", "core.toml_bad_statement"),
)


def toml_error_text(exc: Exception) -> str:
    """tomllib's complaint (English) about a setting file as a Japanese phrase."""
    text = str(exc)
    for start, key in _TOML_ERRORS:
        if text.startswith(start):
            return say(key)
    return say("core.toml_other")


def csv_error_text(exc: Exception) -> str:
    """Python's csv module's complaint (English) as a Japanese phrase for ``*.bad_csv``."""
    text = str(exc)
    if text.startswith("field larger than field limit"):
        return say("core.csv_field_too_long", limit=text.rsplit("(", 1)[-1].rstrip(")"))
    if text.startswith("new-line character seen in unquoted field"):
        return say("core.csv_lone_cr")
    if "NUL" in text:
        return say("core.csv_nul")
    return say("core.csv_other")


def os_error_with_option(exc: OSError, option: str) -> str:
    """:func:`os_error_text`, its advice to choose another folder naming ``option`` (said once)."""
    text = os_error_text(exc)
    if exc.errno not in FIXABLE_ERRNOS:  # choosing another folder would not help
        return text
    tail = "別のフォルダを指定してください"
    if text.endswith(tail):
        return text[: -len(tail)] + say("core.os_error_option_folder", option=option)
    return say("core.os_error_with_option", text=text, option=option)


def os_error_text(exc: OSError) -> str:
    """A system error (permission, full disk, missing file) as a Japanese sentence, no place."""
    if isinstance(exc, FileNotFoundError) and exc.filename is None:
        return say("core.program_missing", what=exc)
    known = _OS_ERRORS.get(exc.errno or -1)
    if known:
        return known
    return say("core.os_error", errno=exc.errno, what=exc.strerror or type(exc).__name__)


_add(
    "core",
    {
        "os_error": "システムのエラーが起きました（「{what}」、errno {errno}）。"
        "ディスクや権限を確かめてもう一度実行し、続くときは --debug を付けて詳細を担当者に伝えてください",
        "os_error_with_option": "{text}。または {option} で別のフォルダを指定してください",
        "toml_twice": "同じキーか表（[…]）が二度書かれています",
        "toml_open_string": '文字列の引用符 " が閉じられていません',
        "toml_open_bracket": "角かっこ [ ] が閉じられていません",
        "toml_open_brace": "波かっこ {{ }} が閉じられていません",
        "toml_no_equals": "キーのあとに = がありません",
        "toml_bad_value": '値の書き方が違います（文字は "…" で囲み、数は数字だけで書きます）',
        "toml_backslash": "文字列の中の \\ の使い方が違います",
        "toml_bad_char": "使えない文字があります",
        "toml_bad_key": "キーの名前の書き方が違います",
        "toml_bad_statement": "キー = 値 の形になっていない行があります",
        "toml_other": "書き方が TOML の形になっていません",
        "own_file_too_large": "ワークブックが書くファイルとしては大きすぎます（{mb} MB を超えています）。別のファイルが置かれていませんか。このファイルを移してから、もう一度実行してください",
        "csv_field_too_long": "一つのセルが長すぎます（{limit} 文字を超えています。改行が引用符の中に入ったままになっていませんか）",
        "csv_open_quote": 'この行で開いた引用符 " が閉じられていません（ファイルの終わりまでが一つのセルとして読まれます）',
        "csv_lone_cr": "引用符の外に改行（CR だけの改行）があります",
        "csv_nul": "NUL 文字が含まれています",
        "csv_other": "区切りや引用符の形が崩れています",
        "os_error_option_folder": "{option} で別のフォルダを指定してください",
        "program_missing": "必要なプログラムが見つかりません（{what}）。"
        "README の「準備」にあるパッケージを入れてください",
        "unexpected": "思わぬエラーで止まりました（{kind}: {what}）。"
        "--debug を付けてもう一度実行すると詳細（トレースバック）が出ます。担当者に伝えてください",
    },
)

_add(
    "cli",
    {
        "arg_required": "次の引数を指定してください: {names}",
        "arg_unknown": "知らない引数です: {names}。reform-workbook --help で使えるオプションを確かめてください",
        "arg_choice": "{name} に {value} は使えません。使えるのは {choices} です",
        "arg_needs_value": "{name} の後に値を一つ指定してください",
        "arg_bad_value": "{name} の値 {value} は正しくありません（{kind}を指定してください）",
        "arg_ambiguous": "{name} は複数のオプションに当てはまります（{matches}）。省略せずに書いてください",
        "arg_no_value": "{name} には値を付けません（{value} を外してください）",
        "arg_other": "コマンドラインが正しくありません（{what}）。reform-workbook --help を見てください",
        "no_plans": "生データのある計画フォルダがありません。各期間を data/raw/<計画>/<YYYY-MM>/ に置いてください",
        "no_plan_has_period": "{period} の生データを持つ計画がありません。生データのある期間: {have}",
        "no_periods": "生データのある期間フォルダ（YYYY-MM）がありません。"
        "make new-period PERIOD=YYYY-MM で作るか、報告書をその下に置いてください",
        "period_and_all": "--period と --all はどちらか一方だけを指定してください",
        "bad_jobs": "--jobs {jobs}: 同時に実行する期間の数を 1 以上で指定してください",
        "interrupted": "中断しました（Ctrl-C）。前回のレポートと表はそのままです",
        "list_plan_fault": "（plan.toml に誤りがあります。下の警告を見てください）",
        "run_log_failed": "実行の記録 {path} を書けませんでした（{why}）。{reports}",
        "run_log_reports_made": "レポートはできています",
        "run_log_no_report": "レポートも作れていません。上のエラーを確かめてください",
        "run_log_locked": "別の実行が記録を書いています",
    },
)

_add(
    "period",
    {
        "not_id": "期間「{period}」は YYYY-MM の形ではありません。使える書き方: {forms}",
        "no_month": "期間「{period}」: {month}月はありません（01〜12 で指定してください）",
        "year_out": "期間「{period}」: {year}年は扱える範囲（{low}〜{high}年、平成と令和）の外です",
        "showa": "期間「{period}」は昭和63年度末で、平成より前です。平成以降の期間を指定してください",
        "before_heisei": "{date} は平成より前なので、和暦の表記がありません",
        "fy_out": "{fy}年度は扱える範囲（{low}〜{high}年度）の外です",
        "era_year_zero": "「{text}」: 元号の年は 1（元）以上で書いてください",
        "in_text": "「{text}」: {error}",
        "not_text": "期間は文字で指定してください（{kind} が渡されました）",
        "era_ended": "「{text}」: {label}はありません（その元号は{end}年に終わりました）。{instead}と書いてください",
        "text_no_month": "「{text}」: {month}月はありません",
        "outside_era": "「{text}」: {label}は{era}の期間（{start}〜{end}）の外です",
        "not_period": "「{text}」は期間として読めません。使える書き方: {forms}",
    },
)

_add(
    "num",
    {
        "not_number": "「{source}」: 「{digits}」は数として読めません",
        "bad_commas": "「{source}」: 「{digits}」の桁区切りのコンマの位置が正しくありません（3桁ごとに書いてください）",
        "too_many_digits": "「{source}」: 「{digits}」は有効数字が{n}桁あります。表が正確に保てるのは{most}桁までです",
        "multipliers": "「{source}」: 「{token}」の万・億などの順序が正しくありません",
        "too_large": "「{source}」: 「{token}」は1,000兆（10の15乗）以上で、自治体の数値としてあり得ません",
        "none": "「{text}」: 数値が見つかりません",
        "wari_unit": "「{source}」: 割は10分の1（9割 = 90%）の割合ですが、単位の列は「{unit}」です。単位を % にするか、「{unit}」の数値を写してください",
        "bound_word": "「{text}」: 数値の後の「{word}」で上限・下限や範囲になり、値になりません。値を書いてください",
        "vague_target": "「{text}」: 数値の後に「{word}」があります。目標は数値をはっきり書いてください",
        "change_none": "「{text}」: 前年度からの増減に数値がありません",
        "change_wari": "「{text}」: 割での増減（1割増 = 10%増）は相対的で、量ではありません。代わりに前年度末の値を報告書のとおりに書いてください",
        "change_signs": "「{text}」: 数値の前の記号と後の言葉が食い違っています（▲/△ は減、+ は増）",
        "change_no_sign": "「{text}」: 増減のどちらか（増/減）が書かれていません",
    },
)

_add(
    "paths",
    {
        "what_output": "出力フォルダ（{option}）",
        "what_period_output": "期間の出力フォルダ",
        "what_period_processed": "期間の処理済みデータのフォルダ",
        "what_processed": "処理済みデータのフォルダ",
        "inside_raw": "{what}が生データのフォルダ {raw} の中にあります{leads}。生データには決して書き込みません。その外のフォルダを指定してください",
        "leads_to": "（リンクの先は {real}）",
        "holds_raw": "{what}が生データのフォルダ {raw} を含んでいます。生データには決して書き込みません。それを含まないフォルダを指定してください",
        "inside_processed": "{what}が処理済みデータのフォルダ {processed}（ワークブックが表を置く所）の中にあります。その外のフォルダ（例: outputs/）を指定してください",
        "is_link": "{what}がリンクです。ワークブックはこのフォルダを置き換えるため、リンクをたどりません。リンクを外すか、{option} で本当のフォルダを指定してください",
        "file_in_the_way": "{what}があるべき場所にファイルがあります。そのファイルを移すか、{option} で別のフォルダを指定してください",
        "and_more": " ほか{n}件",
        "no_marker": "（{marker} の印がありません）",
        "foreign_files": "{what}にワークブックが作っていないファイルがあります{detail}。そのままにしてあります。そのファイルを移すか、{option} で別のフォルダを指定してください",
    },
)

_add(
    "runlog",
    {
        "not_ours": "ワークブックの実行の記録の形ではありません（見出しが「日時,計画,期間,結果,秒,詳細」でない、UTF-8 でない、または大きすぎます）。そのままにして、記録を加えません。このファイルを別の名前にすると、次の実行から新しい記録を作ります",
    },
)

_add(
    "clean",
    {
        "kept": "{folder}: ワークブックが作っていないファイルがあるため、そのファイルとフォルダを残しました（{names}）。ワークブックのファイルは削除しました。この期間のレポートは、そのファイルを別の場所に移すまで作り直せません",
        "busy": "{folder}: この期間は実行中のため、削除しませんでした。実行が終わってから、もう一度実行してください",
        "done": "ワークブックが作ったファイルを {n} 件削除しました（生データと、ワークブックが作っていないファイルはそのままです）",
    },
)

_add(
    "atomic",
    {
        "not_regular": "通常のファイルではありません（リンクや特殊なファイル）。そのままにしてあります。別の場所を指定してください",
        "exists": "このファイルは既にあります。そのままにしてあり、何も書き込んでいません",
    },
)

_add(
    "text",
    {
        "invisible": "{char} が含まれています。{why}",
        "bidi": "文字の表示順を変える見えない制御文字です。削除してください",
        "bom": "テキストの途中にバイト順マーク（BOM）があります（二つのファイルをつないだ？）。削除するか、ファイルを保存し直してください",
        "line_separator": "Unicode の行・段落の区切りで、プログラムによって改行に見えたり見えなかったりします。普通の改行に置き換えてください",
        "format_char": "見えない書式用の文字です。削除してください",
        "invisible_char": "見えない文字です（何も見えないか、空白に見えますがスペースではありません）。削除してください",
        "splits_figure": "数字の隣の見えない文字で、数値を分けてしまいます。数値を打ち直してください",
        "mark_on_digit": "数字に付いた結合文字で、数値の見え方を変えるか分けてしまいます。数値を打ち直してください",
    },
)

_add(
    "plans",
    {
        "period_hint": "基準月 YYYY-MM の名前にしてください（平成30年9月末なら 2018-09、平成30年度末なら 2019-03）。"
        "報告の時点でない、取っておくだけのフォルダなら、名前の先頭に _ を付けると読まずに飛ばします（例 _old backup）",
        "not_period_folder": "期間のフォルダ名ではありません。{hint}",
        "bad_period_folder": "{error}。{hint}",
        "unknown": "計画「{plan}」はありません。生データのある計画: {ids}",
        "several": "計画が複数あります（{ids}）。--plan ID（make では PLAN=ID）でどれかを指定してください",
        "not_utf8": "UTF-8 のテキストではありません（ファイルの {byte} バイト目。Shift_JIS などで保存されていませんか）。メモ帳などで文字コードを UTF-8 にして保存し直してください",
        "bad_toml": 'TOML として読めません（{detail}）。その行を キー = 値 の形で書いてください（文字は "…" で囲み、数と true・false はそのまま）',
        "unknown_key": "知らないキー「{key}」です。plan.toml に書けるキー: {keys}",
        "bad_name": 'name には計画の名前を報告書のとおりに、引用符（"）で囲んで書いてください',
        "bad_year": "{key} は 2017 のような年度（{low}〜{high}）で書いてください（{value} ではなく）",
        "years_reversed": "first_year {first} が last_year {last} より後です。入れ替えてください",
        "toml_is_folder": "計画の plan.toml ファイルがあるべき場所にフォルダがあります。フォルダを移してください",
        "toml_not_regular": "通常のファイルではありません（リンクや特殊なファイル）。plan.toml をテキストファイルとして置いてください",
        "toml_too_large": "plan.toml が大きすぎます（上限は {kb} KB）。plan.toml は"
        "計画の名前・年度・報告の月・区分の表記だけを書くファイルです",
    },
)

_add(
    "raw",
    {
        "bom_not_utf8": "UTF-8 のバイト順マークで始まりますが、バイト {byte} は UTF-8 ではありません。UTF-8 で保存し直してください",
        "not_utf8_cp932": "{offset}バイト目のバイト {byte} は UTF-8 でも CP932（Shift_JIS）でもありません。UTF-8 で保存し直してください",
        "cp932_non_text": "バイト {byte} は UTF-8 でも CP932 の文字でもありません。UTF-8 で保存し直してください",
        "empty": "ファイルが空です",
        "binary": "NUL バイトを含むバイナリファイル（Excel の .xlsx、PDF、UTF-16 など）で、テキストではありません。UTF-8 か CP932 の CSV・テキストで保存してください",
        "damaged_utf8": "{offset}バイト目のバイト {byte} は UTF-8 ではありません（その前は UTF-8 です）。ファイルが壊れています。UTF-8 で保存し直してください",
        "control_chars": "制御文字を含んでいて、テキストファイルではありません。テキストとして保存し直してください",
        "is_folder": "ファイルではなくフォルダです",
        "is_special": "通常のファイルではなく{kind}です。読み込む表や報告書は普通のファイルとして保存し直して置いてください",
        "no_permission": "読み取りの権限がなく、ファイルを読めません。自分のユーザーに読み取りの権限を与えるか、自分でフォルダにコピーしてください",
        "not_found": "ファイルが見つかりません",
        "unreadable": "ファイルを読めません: {why}",
    },
)

_add(
    "errors",
    {
        "several": "{n}件の誤りがあります。すべて直してからもう一度実行してください（何も書き出していません）",
        "more": "ほか{n}件（最初の50件を示しました）",
    },
)

_add(
    "areas",
    {
        "mark_disagrees": "列「{header}」には ({mark}) と印がありますが、その表記は {code}（{label}）のものです。印か表記を直してください",
        "unknown_label": "列「{header}」の状況の表記「{label}」を知りません。この計画の表記（plan.toml）: {known}",
        "not_whole": "「{cell}」は項目数として整数ではありません。整数を書いてください",
        "implausible": "「{cell}」は項目数としてあり得ません（{most} まで）。数値を直してください",
        "bad_csv": "CSV として読めません（{error}）。引用符と区切りを確かめてください",
        "no_rows": "表の行がありません（コメントか空行だけです）",
        "unknown_column": "知らない列「{name}」です。使える列: {expected}",
        "two_columns": "{key} の列が二つあります。一つにしてください",
        "missing_columns": "列が足りません: {names}",
        "order": "分野の番号が {got} ですが、{expected} のはずです。分野は 1, 2, 3, … の順に一度ずつ並べてください（行の抜け・重複・入れ違い？）",
        "fields": "この行の欄は{got}個ですが、見出しは{want}個です",
        "after_totals": "合計（計）の行の後に行があります。合計の行は最後にしてください",
        "label_number": "分野の名前「{label}」が番号で始まっていません（例: 「1 地域協働の推進」）",
        "no_area_rows": "表に分野の行がありません",
    },
)

_add(
    "clean",
    {
        "no_folder": "この期間の生データのフォルダがありません。data/raw/<計画>/<期間>/ を作り、報告書を置いてください",
        "folder_not_file": "{suffix} ファイルがあるべき場所にフォルダがあります。ファイルをここに置いてください",
        "second_report": "フォルダに二つ目の報告書テキストがあります（一つ目: {first}）。一つにしてください",
        "unsupported": "扱えない種類のファイルです。報告書は市の .pdf か .txt、表は .csv（UTF-8 か CP932）か市の保存した Web ページ（.html）、成果指標シートは .csv か .xlsx で置いてください",
        "kpi_without_report": "成果指標シートには、照らし合わせる報告書（.pdf か .txt）が同じフォルダに必要です",
        "nothing": "報告書（.pdf か .txt）も分野別の表（.csv か .html）もありません。どちらかを置いてください",
        "two_area_tables": "フォルダに分野別の表が{n}つあります（{names}）。一つだけ残し、ほかは別の場所に移すか、名前を _ で始めてください",
        "draft_in_folder": "draft-kpis が作った成果指標シートの下書きがフォルダにあります。確認してから成果指標シートと置き換える（名前を変えて古いものに上書き）か、削除してください",
        "second_sheet": "フォルダに二つ目の成果指標シートがあります（一つ目: {first}）。kpi_sheet.csv か kpi_sheet.xlsx のどちらか一つにしてください",
        "other_period": "報告書は{label}（{id}）時点のものですが、{period}（{folder_label}）のフォルダにあります。正しい期間のフォルダに移してください",
    },
)

_add(
    "report",
    {
        "no_area_table": "分野別の表が見つかりません。見出し【表１】か、見出しの行「分野」があるはずです",
        "no_area_rows": "分野別の表に分野の行がありません。Ⅰ, Ⅱ, … で始まる行があるはずです",
        "counts_not_whole": "分野 {area}: 件数は整数で書かれているはずですが、「{text}」でした",
        "what_area_count": "分野 {area} の件数",
        "what_item_count": "分野 {area} の項目数",
        "no_item_count": "分野 {area}（{name}）に項目数（N項目）がありません",
        "three_counts": "分野 {area}（{name}）: 件数が{want}つ（{codes}）あるはずですが、{n}つでした: {nums}",
        "totals_counts": "計の行には件数が{want}つ（{codes}）あるはずですが、「{rest}」でした",
        "what_totals": "計の行",
        "no_totals": "分野別の表の分野の後に計（合計）の行がありません。ファイルが途中で切れているかもしれません",
        "area_order": "分野の番号は Ⅰ, Ⅱ, … の順のはずですが、{want} のところに {got} がありました",
        "name_or_progress": "No. {no} の行: 「{text}」が取組名の続きか進捗状況の始まりか判断できません（行が同じ幅で折り返されています）",
        "progress_end": "No. {no} の行: 進捗状況がどこで終わり今後の取組がどこから始まるか判断できません（空行も【要因】/【今後の対応】もなく、文からも決まりません）",
        "implausible_count": "{what}: 「{digits}」は項目数としてあり得ません（{most} まで）",
        "second_heading": "状況 {status} の一覧の見出しが二つあります",
        "no_lists": "進捗の一覧（{headings}のような見出し）が見つかりません。ファイルが途中で切れているかもしれません",
        "no_item_name": "{numbers} の行に取組名がありません",
        "listed_twice": "取組 No. {no} が二度あります（最初は{first}行目）",
        "last_truncated": "最後の遅れている取組（No. {no}）に【要因】はありますが【今後の対応】がありません。ファイルが途中で切れているようです",
        "list_count": "一覧の見出しでは{label}の取組が{count}項目ですが、読めた行は{n}行です（番号: {numbers}）。ファイルが途中で切れているか、別の書式かもしれません",
        "text_before_rows": "取組の一覧の最初の行の前に文があります: 「{text}」",
        "unknown_status": "要約の文の状況「{label}」を知りません。使える表記: {known}",
        "status_twice": "要約の文に状況「{label}」が二度あります",
        "what_summary_total": "要約の全項目数",
        "what_summary_count": "要約の「{label}」の項目数",
        "summary_no_counts": "要約の文に項目数（N 項目が「…」）がありません",
        "summary_not_digits": "要約の文の項目数の一つが数字で書かれていません（状況は{stated}つ、数字付きは{n}つ）: 「{body}」",
        "no_summary": "要約の文が見つかりません。「全N項目（再掲M項目）の取組のうち、x 項目が「予定以上に進捗」…となりました」のような文があるはずです（進捗状況の報告書ですか？）",
    },
)

_add(
    "sources",
    {
        "title_vs_toml": "表題の計画名は「{title}」ですが、このフォルダの plan.toml（{config}）では「{name}」です。ファイルをその計画のフォルダに置くか、plan.toml の名前を直してください",
        "title_vs_other": "表題の計画名は「{title}」ですが、同じフォルダの {other}（{n}行目）では「{name}」です。一つのフォルダには一つの計画の期間だけを置きます。別の計画のファイルは別のフォルダに移すか、{folder} に plan.toml を置いてください",
    },
)

_add(
    "kpi",
    {
        "empty_column": "見出しが空の列があります。その列を使うなら見出しを書き、使わないなら列ごと削除してください",
        "bad_csv": "CSV として読めません（{error}）。引用符と区切りを確かめてください",
        "no_header": "成果指標シートに見出しの行がありません",
        "no_rows": "成果指標シートに見出しはありますが行がありません。この期間に成果指標がないなら、ファイルを削除してください（成果指標シートのない期間は成果指標のデータを持ちません）",
        "unknown_column": "知らない列「{name}」です{hint}。使える列: {known}",
        "did_you_mean": "（「{hint}」のことですか？）",
        "column_twice": "列「{name}」が二つあります。一つにしてください",
        "missing_columns": "列が足りません: {names}",
        "draft_column_gone": "このシートは下書きから作られました（draft_source の列があります）が、draft の列がありません。列を戻し、報告書と照らし合わせてから各行の印を消してください（手で打ったシートなら draft_source の列も削除してください）",
        "draft_row": "{line}行目（取組 {item}: {mark}）",
        "unconfirmed": "{n}行に確認していない下書きがあります: {listed}{more}。下書きの文を報告書と照らし合わせ、必要なら直してから draft の欄を空にしてください（確認していない下書きはレポートに載りません）",
        "not_item_no": "「{text}」は取組の番号ではありません。番号（数字）だけを書いてください",
        "not_listed": "取組 {no} は報告書に予定以上・予定より遅れの取組として載っていません（載っている番号: {listed}）",
        "relisted": "取組 {no} は取組 {first} の再掲です。成果指標は取組 {first} の下にだけ書いてください",
        "bad_kpi_id": "「{text}」は取組 {no} の成果指標の ID ではありません（{no}-1、{no}-2 … の形）。new-period が書いたままにするか、空欄にしてください",
        "kpi_id_twice": "成果指標の ID「{id}」が{line}行目と重なっています。ID は一つの行にだけ書いてください",
        "no_indicator": "成果指標の名前が空です",
        "repeats": "取組 {no} の成果指標「{name}」が{line}行目と重なっています",
        "bad_direction": "「{text}」は higher（高いほど良い）か lower（低いほど良い）のどちらかにしてください",
        "unit_column": "単位の列は「{unit}」ですが、報告書のとおりの値の単位は「{got}」です。単位の列を直してください",
        "unit_differs": "{what}の単位「{got}」が単位の列の「{unit}」と違います",
        "what_value": "値",
        "no_number_no_flag": "「{text}」には数値がなく、達成したかどうかも書かれていません",
        "yes_no_target": "数値の値に対して、目標が数値のない「はい/いいえ」の形です。目標を数値で書いてください",
        "qualified": "「{text}」は取組 {no}（{name}）の報告書の文に「{qualified}」の形でしかありません。数値の後の言葉で意味（上限・下限、範囲、概数）が変わります。報告書のとおり「{qualified}」と写してください",
        "dash_before_digit": "「{text}」: 数字の直前に「{dash}」（{code}）があります。PDF のテキストでは印刷されたマイナス記号やダッシュがこうなり、数値が読めません。PDF を見て、このシートと報告書のテキストの両方に − か △ を印刷のとおりに書いてください",
        "ideographic_comma": "「{text}」: 数字の間の「、」は桁区切り（9,718）とも列挙（9 と 718）とも読めます。PDF で一つの数値なら、このシートと報告書のテキストの両方でコンマ（9,718）で書いてください",
        "several_figures": "「{text}」には数値が{n}個あります（{found}）。この欄の数値だけを報告書のとおりに写してください（日付や平成29年度末のような年は数えません）",
        "bare_sign": "「{text}」は符号（{sign}）付きの数値だけで言葉がありません。ゼロ未満の前年度の値か、増減か、分かりません。前年度末の値を報告書のとおり（9,855人）に書くか、増減を言葉とともに（前年度比△159万円、前年度から159万円の減）書いてください",
        "report_has": "（報告書では「{near}」）",
        "not_in_report": "「{text}」は取組 {no}（{name}、{first}〜{last}行目）の報告書の文に、数値全体としてはありません{hint}。報告書のとおりに写してください",
    },
)

_add(
    "xlsx",
    {
        "bool": "TRUE/FALSE のセルです",
        "date": "日付か時刻です（打った文字を Excel が日付に変えました）",
        "number": "数値（{value}）です。打った文字を Excel が数値に変えたので、報告書のとおりの書き方が失われています（92.6% は 0.926、9,718 は 9718 になります）",
        "other": "文字ではない値です（{kind}）",
        "merged": "セルが結合されています（{cells}）。結合したセルの値は最初のセルにしかないため、ほかの行は空欄として読まれます。結合を解除し（「セルを結合して中央揃え」を外す）、各行に値を書いてください",
        "kind_not_zip": "ファイルの形が .xlsx ではないか、途中で切れています",
        "kind_bad_xml": "ブックの中身（XML）が壊れています",
        "kind_locked": "パスワードで保護されているか、読めない圧縮方式です",
        "kind_parts": "ブックに必要な部品がないか、形が違います",
        "not_workbook": "読める Excel ブック（.xlsx）ではありません（{kind}）。Excel から .xlsx（Excel ブック）か CSV UTF-8 で保存し直してください",
        "formula": "数式です。報告書のとおりの文字を打ってください（セルの書式を文字列にしてから）",
        "error_value": "エラー値 {value} です。報告書のとおりの文字を打ってください",
        "format_as_text": "{why}。セルの書式を文字列にして、報告書のとおりに打ち直してください",
        "sheets": "ブックにシートが{n}枚あります（{names}）。成果指標シートのブックはシート1枚です。ほかのシートは別のファイルに移してください",
    },
)

_add(
    "drafts",
    {
        "no_report": "フォルダに報告書（.pdf か .txt）がありません。下書きは報告書から読みます。先にその期間の報告書（市の PDF）を置いてください",
        "other_period": "報告書は {id} 時点のものですが、{period} のフォルダにあります。正しい期間のフォルダに移してください",
        "no_folder": "{period} のフォルダがありません。先に作ってください（reform-workbook new-period {period}、make では make new-period PERIOD={period}）",
        "draft_exists": "下書きのシートが既にあります。そのままにしてあります。確認して成果指標シートと置き換えるか削除してから、もう一度 draft-kpis を実行してください",
    },
)

_add(
    "new_period",
    {
        "nothing_to_carry": "計画 {plan} の {period} より前の期間に、成果指標を引き継げる成果指標シートがありません。シートを手で写してください（列は data/raw/README.md）",
        "sheet_exists": "計画 {plan} の期間 {period} には成果指標シートが既にあります。そのままにしてあり、何も書き込んでいません。報告書から値の下書きを作るには: reform-workbook draft-kpis --plan {plan} --period {period}",
    },
)

_add(
    "pdf",
    {
        "install_hint": "Chromium と日本語フォントを入れてください（Debian/Ubuntu では「apt-get install chromium fonts-ipaexfont-gothic」）。または {env} に Chromium か Chrome のプログラムを指定してください",
        "no_chromium": "PDF を印刷する Chromium が見つかりません。{hint}",
        "no_playwright": "Playwright が入っていません。make install を実行してください（pip install -e .）",
        "failed": "{html}: Chromium がレポートを印刷できませんでした（「{first}」）。もう一度実行し、続くときは --debug を付けて担当者に伝えてください",
        "no_html": "印刷するレポートがありません（HTML ファイルが見つかりません）。先にレポートを作ってください",
    },
)

_add(
    "index",
    {
        "not_ours_kind": "ワークブックが作ったファイルではありません（リンクかフォルダ）。移すか、--output-dir で別のフォルダを指定してください",
        "not_ours": "この index.html はワークブックが作ったものではありません（reform-workbook-index の印がありません）。そのままにしてあります。移すか、--output-dir で別のフォルダを指定してください",
        "locked": "一覧ページを別の実行が作っています（ロック {lock}）。終わるのを待ってからもう一度実行してください",
    },
)

_add(
    "store",
    {
        "missing": "{path} がありません。先に {period} の前のノートブックを実行してください",
    },
)

_add(
    "pipeline",
    {
        "no_raw": "計画 {plan} に {period}（{label}）の生データがありません。生データのある期間: {have}",
        "locked": "{period} の別の実行が進んでいます（ロック {lock}）。終わるのを待ってからもう一度実行してください",
        "kernel_failed": "ノートブック {name}: カーネルが止まりました（「{error}」）。もう一度実行し、続くときは --debug を付けて担当者に伝えてください",
        "input_in_cell": "{what}（ノートブック {name} のセル {cell}）",
        "stage_failed": "ノートブック {name} がセル {cell} で失敗しました（{kind}: 「{what}」）。実行したノートブックを {kept} に残しました。前回のレポートはそのままです",
    },
)

_add(
    "gitfilter",
    {
        "not_a_checkout": "注意: {project} は git のチェックアウトの最上位ではありません。ノートブックの出力をコミットに入れないフィルタは設定しませんでした",
        "config_failed": "注意: git config {key} に失敗しました（「{error}」）。git が使えるか確かめてください",
        "done": "git のフィルタ「{name}」を設定しました: ノートブックは出力なしでコミットされます（{command}）",
    },
)

_add(
    "settings",
    {
        "too_large": "workbook.toml が大きすぎます（上限は {limit} KB）。設定だけを書くファイルです",
        "unknown_key": "知らないキー「{key}」です。workbook.toml に書けるキー: {keys}",
        "bad_pdf": "pdf は true（PDF を作る）か false（作らない）で書いてください（{value} ではなく）",
    },
)
