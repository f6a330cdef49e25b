"""Plans: which plans have raw data, their ``plan.toml``, and which plan a run is of.

A city reports several plans to the same committee (Kodaira: the 第3次 plan
beside the 第2次 plan's follow-up items); each plan's periods are compared only
with each other. The raw data of a plan lies in ``data/raw/<plan>/<YYYY-MM>/``,
where ``<plan>`` is a short ASCII folder id the analyst chooses. The plan folder
may hold ``plan.toml``::

    name = "第3次行財政再構築プラン"   # as the reports print it
    first_year = 2017                 # fiscal years of the plan (optional)
    last_year = 2021
    months = [3, 9]                   # the months it reports at (optional; default 3 and 9)
    [status]                          # 2 to 7 levels, best first: code = labels as printed
    S = ["予定以上に進捗"]
    A = ["予定どおりに進捗"]
    B = ["予定よりも遅れている"]
    ahead = ["S"]                     # listed as ahead / behind (default: first / last)
    behind = ["B"]
    not_rated = ["対象外"]            # items outside the scale (optional)

Every key is described in docs/plan-toml.md.

Without ``plan.toml`` the name comes from the sources' titles and the standard
vocabulary applies. A malformed ``plan.toml`` is bad input (file and line).

A folder in ``data/raw`` that is not a plan (a name that is no plan id, a period
folder left from the layout before plans, a plan folder without period folders,
a symbolic link to another plan's folder, a link that leads nowhere) is a
:class:`StrayFolder`: left out of every list of plans, and named in a warning
by the command line; naming it as the plan of a command is refused with the
same words. A period whose month is not one the plan reports at
(:func:`month_warning`) is accepted with a warning.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from helpers.core import paths
from helpers.core.errors import Faults, InputError, PeriodError
from helpers.core.messages import say, toml_error_text
from helpers.core.periods import fiscal_year_label, period_label, validate_period
from helpers.core.textnorm import squash, strip_invisible
from helpers.core.vocab import MAX_LEVELS, MIN_LEVELS, STANDARD, Vocabulary

PLAN_FILE = "plan.toml"
#: a plan's folder id: short ASCII, not a period id
# [0-9], not \d (full-width digits are not an id); \Z, not $ (which allows a final newline)
PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z")
PERIOD_ID = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z")
PLAN_KEYS = {"name", "first_year", "last_year", "months", "status", "scales"}
#: the months (as-of month-ends) a plan reports at unless its plan.toml says otherwise
DEFAULT_MONTHS = (3, 9)
#: the largest plan.toml read (a plan.toml is a few hundred bytes)
MAX_PLAN_TOML_BYTES = 64 * 1024
#: the keys of [status] other than the codes of its levels
SCALE_KEYS = {"ahead", "behind", "not_rated"}
#: a level's code: short ASCII (it becomes a column name of areas.csv)
STATUS_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,7}\Z")
_YEARS = (1989, 2100)  # fiscal years the workbook's era labels cover


@dataclass(frozen=True)
class Plan:
    """One plan: its folder id, its ``plan.toml`` (if any) and its status vocabulary."""

    id: str
    folder: Path
    name: str | None = None  # as printed, from plan.toml; None: from the sources' titles
    first_year: int | None = None
    last_year: int | None = None
    vocab: Vocabulary = STANDARD  # the plan's scale (its first, where it has several)
    config: Path | None = None  # the plan.toml read
    months: tuple[int, ...] = DEFAULT_MONTHS  # the months it reports at
    scales: tuple[Vocabulary, ...] = ()  # every scale, where plan.toml gives [scales]

    def years_label(self) -> str:
        """The plan's fiscal years in Japanese, or '' where plan.toml gives none."""
        if self.first_year is None and self.last_year is None:
            return ""
        first = fiscal_year_label(self.first_year) if self.first_year else ""
        last = fiscal_year_label(self.last_year) if self.last_year else ""
        return f"{first}～{last}"


def _skipped(p: Path) -> bool:
    """Hidden entries, README, and what the analyst set aside with a leading ``_``
    (``_old backup``): never a plan or a period."""
    return p.name.startswith((".", "_")) or p.name.lower().startswith("readme")


@dataclass(frozen=True)
class StrayFolder:
    """A folder in ``data/raw`` that is not a plan, and why (in Japanese, with what to do)."""

    path: Path
    reason: str

    def message(self) -> str:
        return f"{self.path}: {self.reason}"

    def error(self) -> InputError:
        return InputError(self.path, self.reason)


_NOT_AN_ID = (
    "計画のフォルダ名（ID）ではありません。ID は英数字・-・_ の 40 文字まで"
    "（例 kodaira-3）です: 計画のデータなら名前を変え（計画の名前は plan.toml の name に）、"
    "そうでなければ data/raw の外に移してください。このフォルダは飛ばします"
)


def _period_outside_a_plan(name: str) -> str:
    return (
        f"時点のフォルダが data/raw の直下にあります: data/raw/<計画>/{name}/ に移してください"
        "（<計画> は kodaira-3 のような短い英数字の ID）。このフォルダは飛ばします"
    )


_EMPTY = (
    "時点のフォルダ（YYYY-MM、例 2018-03）がない計画のフォルダです: 報告書を置いた時点の"
    "フォルダを作るまで、この計画は飛ばします"
)
_NOWHERE = "リンク先のないシンボリックリンクです: 削除するか、リンク先を直してください。このフォルダは飛ばします"


def _alias_of(other: Path) -> str:
    return (
        f"計画のフォルダ {other.name} の別名（シンボリックリンク）です: 同じ計画の時点を二度"
        "数えないよう、このフォルダは飛ばします。不要ならリンクを削除してください"
    )


def _has_period_folders(p: Path) -> bool:
    return any(not _skipped(q) and q.is_dir() for q in p.iterdir())


def _real_path(p: Path) -> Path | None:
    try:
        return p.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop of links, an unreadable link
        return None


def scan_raw(data: Path) -> tuple[list[str], list[StrayFolder]]:
    """The plans with a folder under ``data/raw`` (sorted), and the folders that are not plans.

    Files, hidden entries and README are neither. A real folder is taken before a
    symbolic link to it, so the link is the alias whatever the names.
    """
    raw = paths.raw_root(data)
    try:
        entries = sorted(raw.iterdir()) if raw.is_dir() else []
    except OSError:
        return [], []
    ids: list[str] = []
    stray: list[StrayFolder] = []
    seen: dict[Path, Path] = {}
    for p in sorted(entries, key=lambda q: (q.is_symlink(), q.name)):
        if _skipped(p):
            continue
        if p.is_symlink() and not p.exists():
            stray.append(StrayFolder(p, _NOWHERE))
            continue
        if not p.is_dir():
            continue
        real = _real_path(p)
        if PERIOD_ID.match(p.name):
            stray.append(StrayFolder(p, _period_outside_a_plan(p.name)))
        elif not PLAN_ID.match(p.name):
            stray.append(StrayFolder(p, _NOT_AN_ID))
        elif real is None:
            stray.append(StrayFolder(p, _NOWHERE))
        elif real in seen:
            stray.append(StrayFolder(p, _alias_of(seen[real])))
        elif not _has_period_folders(p):
            seen[real] = p
            stray.append(StrayFolder(p, _EMPTY))
        else:
            seen[real] = p
            ids.append(p.name)
    return sorted(ids), sorted(stray, key=lambda s: s.path.name)


def plan_ids(data: Path) -> list[str]:
    """The plans with a folder under ``data/raw``, sorted (folders that are no plan left out)."""
    return scan_raw(data)[0]


def stray_folders(data: Path) -> list[StrayFolder]:
    """The folders under ``data/raw`` that are not plans, each with why (see :func:`scan_raw`)."""
    return scan_raw(data)[1]


def plan_periods(data: Path, plan: str) -> list[str]:
    """Periods (``YYYY-MM`` folder names) of ``plan`` with raw data, in order.

    Raises
    ------
    InputError
        For the folders in the plan's folder whose name is not a period id
        (``2018-9``, ``2018-13``, ``H30_9月末``), all of them at once: silently passing
        over one would let a run say "up to date" while the analyst's new period is
        never read. A folder set aside on purpose starts with ``_`` (skipped).
    """
    folder = paths.plan_raw_dir(data, plan)
    if not folder.is_dir():
        return []
    out = []
    faults = Faults(folder)
    for p in sorted(folder.iterdir()):
        if _skipped(p) or not p.is_dir():
            continue
        with faults.collect():
            out.append(_period_folder(p))
    faults.refuse()
    return sorted(out)


def raw_periods(data: Path, plan: str | None = None) -> list[str]:
    """Periods of ``plan`` (None: the only plan) with a raw data folder, in order."""
    if plan is None and not plan_ids(data):
        return []
    return plan_periods(data, plan or resolve_plan(data, None))


def _period_folder(p: Path) -> str:
    """The period id of a period folder, or InputError saying how to name it."""
    hint = say("plans.period_hint")
    if not PERIOD_ID.match(p.name):
        raise InputError(p, say("plans.not_period_folder", hint=hint))
    try:
        return validate_period(p.name)
    except PeriodError as exc:
        raise InputError(p, say("plans.bad_period_folder", error=exc, hint=hint)) from None


def unknown_plan(data: Path, plan: str) -> InputError:
    """The refusal of a plan named on the command line that is no plan here."""
    ids, stray = scan_raw(data)
    named = next((s for s in stray if s.path.name == plan), None)
    if named is not None:
        return named.error()
    return InputError(
        paths.plan_raw_dir(data, plan),
        say("plans.unknown", plan=plan, ids=", ".join(ids) if ids else "なし"),
    )


def resolve_plan(data: Path, plan: str | None) -> str:
    """``plan`` if it has a folder; with None, the only plan (InputError if there are several)."""
    ids = plan_ids(data)
    if plan:
        if plan not in ids:
            raise unknown_plan(data, plan)
        return plan
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise InputError(
            paths.raw_root(data),
            say("cli.no_plans"),
        )
    raise InputError(
        paths.raw_root(data),
        say("plans.several", ids=", ".join(ids)),
    )


def default_plan(data: Path, period: str | None = None) -> str:
    """The plan a notebook run without ``plan`` works on.

    The only plan; with several, the first (by id) holding ``period``, or without
    a period the plan with the newest period (ties: the first by id).
    """
    data = Path(data)
    ids = plan_ids(data)
    if len(ids) <= 1:
        return resolve_plan(data, None)
    if period:
        having = [p for p in ids if period in plan_periods(data, p)]
        return having[0] if having else ids[0]
    newest = {p: (plan_periods(data, p) or [""])[-1] for p in ids}
    return next(p for p in ids if newest[p] == max(newest.values()))


def choose_plan(data: Path, plan: str = "", period: str | None = None) -> str:
    """A notebook's plan: ``plan`` if given (checked), else :func:`default_plan`."""
    return resolve_plan(Path(data), plan) if plan else default_plan(data, period)


# --- plan.toml ------------------------------------------------------------------


def _line_of(text: str, key: str) -> int | None:
    m = re.search(rf"^\s*{re.escape(key)}\s*=", text, flags=re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> InputError:
    """A setting file saved in another encoding (Shift_JIS): its line, in Japanese."""
    line = data[: exc.start].count(b"\n") + 1
    return InputError(path, say("plans.not_utf8", byte=exc.start + 1), line=line)


def toml_fault(path: Path, exc: tomllib.TOMLDecodeError, text: str) -> InputError:
    """A setting file (plan.toml, workbook.toml) that is not TOML: in Japanese, with its line."""
    detail = toml_error_text(exc)
    return InputError(path, say("plans.bad_toml", detail=detail), line=_toml_line(exc, text))


def _toml_line(exc: tomllib.TOMLDecodeError, text: str) -> int | None:
    """The line tomllib names; "at end of document" (a bracket left open): the last line."""
    m = re.search(r"line (\d+)", str(exc))
    if m:
        return int(m.group(1))
    if "end of document" in str(exc):
        return max(1, len(text.rstrip("\n").split("\n")))
    return None


def _read_bounded(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(path, say("plans.toml_not_regular"))
    with path.open("rb") as fh:
        data = fh.read(MAX_PLAN_TOML_BYTES + 1)
    if len(data) > MAX_PLAN_TOML_BYTES:
        raise InputError(path, say("plans.toml_too_large", kb=MAX_PLAN_TOML_BYTES // 1024))
    return data


def _read_toml(path: Path) -> tuple[dict, str]:
    data = _read_bounded(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, data, exc) from None
    # the same policy as raw text: bidi controls refused, zero-width characters removed
    text = strip_invisible(text.replace("\r\n", "\n"), path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise toml_fault(path, exc, text) from None


def _check_keys(path: Path, text: str, conf: dict, faults: Faults) -> None:
    for key in conf:
        if key not in PLAN_KEYS:
            faults.add(
                InputError(
                    path,
                    say("plans.unknown_key", key=key, keys=", ".join(sorted(PLAN_KEYS))),
                    line=_line_of(text, key),
                    field=key,
                )
            )
    name = conf.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip() or "\n" in name):
        raise InputError(
            path,
            say("plans.bad_name"),
            line=_line_of(text, "name"),
            field="name",
        )


def _year(path: Path, text: str, conf: dict, key: str) -> int | None:
    value = conf.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not _YEARS[0] <= value <= _YEARS[1]:
        raise InputError(
            path,
            say("plans.bad_year", key=key, low=_YEARS[0], high=_YEARS[1], value=repr(value)),
            line=_line_of(text, key),
            field=key,
        )
    return value


def _status_line(text: str, table: str) -> int:
    return _line_of(text, table) or (text.count("\n", 0, max(text.find(table), 0)) + 1)


def _label_list(path: Path, text: str, value, key: str, field: str, line: int) -> list[str]:
    """A list of labels as printed (a single string is taken as a list of one)."""
    labels = [value] if isinstance(value, str) else value
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(x, str) and x.strip() and "\n" not in x for x in labels)
    ):
        raise InputError(
            path,
            f"[status] の {key} は、報告書に印刷されたとおりのラベルのリストで書いてください"
            f'（例: {key} = ["…"]）',
            line=_line_of(text, key) or line,
            field=field,
        )
    return labels


def _code_list(path: Path, text: str, status: dict, key: str, codes: list[str], line: int):
    """``ahead`` / ``behind``: a list of the scale's codes, or None where not given."""
    value = status.get(key)
    if value is None:
        return None
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(c, str) and c in codes for c in value):
        raise InputError(
            path,
            f"[status] の {key} は、この計画の区分（{', '.join(codes)}）のリストで書いてください"
            f'（例: {key} = ["{codes[-1]}"]）; 書かれている値: {value!r}',
            line=_line_of(text, key) or line,
            field=f"status.{key}",
        )
    return value


def _scale_codes(path: Path, status: dict, line: int) -> list[str]:
    codes = [k for k in status if k not in SCALE_KEYS]
    bad = [c for c in codes if not STATUS_CODE.match(c)]
    if bad:
        raise InputError(
            path,
            f"[status] の区分コード {', '.join(bad)} は使えません: 区分は英字で始まる短い英数字"
            "（S, A, B, C など）で、ほかに書けるキーは " + ", ".join(sorted(SCALE_KEYS)) + " です",
            line=line,
            field="status",
        )
    if not MIN_LEVELS <= len(codes) <= MAX_LEVELS:
        raise InputError(
            path,
            f"[status] には{MIN_LEVELS}～{MAX_LEVELS}の区分を、よい方から順に書いてください"
            f"（書かれている区分: {', '.join(codes) or 'なし'}）",
            line=line,
            field="status",
        )
    return codes


def _labels(path: Path, text: str, conf: dict) -> Vocabulary:
    """The plan's scale: [status] codes in order (best first) with their labels as printed,
    ``ahead`` / ``behind`` (default: the first and the last code) and ``not_rated``."""
    status = conf.get("status")
    if status is None:
        return STANDARD
    return _scale(path, text, status, "[status]")


def _scales(path: Path, text: str, conf: dict) -> tuple[Vocabulary, ...]:
    """A plan rated on two scales or more at once: ``[scales."着手"]``, ``[scales."達成度"]``,
    each written as [status] is; their codes and labels distinct (codes become columns)."""
    tables = conf.get("scales")
    line = _status_line(text, "[scales")
    if not isinstance(tables, dict) or len(tables) < 2 or "status" in conf:
        raise InputError(
            path,
            '[scales] には2つ以上の尺度を [scales."着手"] のように表で書き、[status] は書きません'
            "（尺度が1つなら [status] だけを書きます）",
            line=line,
            field="scales",
        )
    out: list[Vocabulary] = []
    seen: dict[str, str] = {}
    for name, table in tables.items():
        where = f'[scales."{name}"]'
        vocab = _scale(path, text, table, where, name)
        if vocab.not_rated:
            raise InputError(
                path,
                f"{where}: 尺度が2つ以上の計画では not_rated（区分外の取組）はまだ使えません",
                line=_line_of(text, "not_rated") or line,
                field=f"scales.{name}.not_rated",
            )
        for key in (*vocab.codes, *(squash(x) for x in vocab.known_labels())):
            if key in seen:
                raise InputError(
                    path,
                    f"区分のコードまたはラベル「{key}」が尺度「{seen[key]}」と「{name}」の両方にあります: "
                    "尺度ごとに別のコード・ラベルにしてください",
                    line=line,
                    field=f"scales.{name}",
                )
            seen[key] = name
        out.append(vocab)
    return tuple(out)


def _scale(path: Path, text: str, status, where: str, name: str = "") -> Vocabulary:
    """One scale written as [status] is (``where``: its table's name, for messages)."""
    line = _status_line(text, where)
    if not isinstance(status, dict):
        raise InputError(
            path,
            '[status] は表として、区分ごとに 「S = ["予定以上に進捗"]」 の形で書いてください',
            line=line,
            field="status",
        )
    codes = _scale_codes(path, status, line)
    seen: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    keys = [*codes, *(["not_rated"] if "not_rated" in status else [])]
    for code in keys:
        field = f"status.{code}"
        labels[code] = _label_list(path, text, status[code], code, field, line)
        for x in labels[code]:
            if squash(x) in seen:
                raise InputError(
                    path,
                    f"ラベル「{x}」が {seen[squash(x)]} と {code} の両方に書かれています",
                    line=_line_of(text, code) or line,
                    field=field,
                )
            seen[squash(x)] = code
    not_rated = labels.pop("not_rated", [])
    ahead = _code_list(path, text, status, "ahead", codes, line)
    behind = _code_list(path, text, status, "behind", codes, line)
    both = set(ahead or codes[:1]) & set(behind or codes[-1:])
    if both:
        raise InputError(
            path,
            f"[status] の区分 {', '.join(sorted(both))} が ahead と behind の両方にあります",
            line=_line_of(text, "behind") or line,
            field="status.behind",
        )
    return Vocabulary.of_plan(labels, ahead=ahead, behind=behind, not_rated=not_rated, name=name)


def _months(path: Path, text: str, conf: dict) -> tuple[int, ...]:
    value = conf.get("months")
    if value is None:
        return DEFAULT_MONTHS
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value)
    ):
        raise InputError(
            path,
            f"months は報告する月（その月末の時点で報告します）の一覧です"
            f"（例 months = [3, 9]、1〜12 の整数）。いまの値: {value!r}",
            line=_line_of(text, "months"),
            field="months",
        )
    return tuple(sorted(set(value)))


def month_warning(plan: Plan, period: str) -> str | None:
    """A warning (Japanese) where ``period``'s month is not one the plan reports at, else None.

    >>> "（3月末・9月末）ではありません" in month_warning(Plan("k", Path("raw/k")), "2019-02")
    True
    >>> month_warning(Plan("kodaira-3", Path("raw/kodaira-3")), "2019-09") is None
    True
    """
    if int(period[5:7]) in plan.months:
        return None
    months = "・".join(f"{m}月末" for m in plan.months)
    how = (
        "plan.toml の months"
        if plan.months != DEFAULT_MONTHS
        else "既定。plan.toml に months = [3, 9] のように書けば変えられます"
    )
    return (
        f"{period}（{period_label(period)}）は計画 {plan.id} の報告の月（{months}）ではありません"
        f"（{how}）: そのまま受け付けます。月を取り違えていないか確かめてください"
    )


def read_plan_config(path: Path, plan_id: str) -> Plan:
    """The plan described by ``path`` (a plan.toml).

    Raises
    ------
    InputError
        Malformed TOML (the line from tomllib), unknown keys, a year that is not
        one, first_year after last_year, a [status] of fewer than 2 or more than 7
        levels, ahead/behind naming no level of it, months that are not months.
    """
    conf, text = _read_toml(path)
    # every fault of the file at once: each part is read on its own, its fault kept
    faults = Faults(path)
    with faults.collect():
        _check_keys(path, text, conf, faults)
    years: dict[str, int | None] = {"first_year": None, "last_year": None}
    for key in years:
        with faults.collect():
            years[key] = _year(path, text, conf, key)
    first, last = years["first_year"], years["last_year"]
    if first is not None and last is not None and first > last:
        faults.add(
            InputError(
                path,
                say("plans.years_reversed", first=first, last=last),
                line=_line_of(text, "first_year"),
                field="first_year",
            )
        )
    scales: tuple[Vocabulary, ...] = ()
    vocab = STANDARD
    with faults.collect():
        scales = _scales(path, text, conf) if "scales" in conf else ()
        vocab = scales[0] if scales else _labels(path, text, conf)
    months = DEFAULT_MONTHS
    with faults.collect():
        months = _months(path, text, conf)
    faults.refuse()
    name = conf.get("name")
    return Plan(
        plan_id,
        path.parent,
        name.strip() if name else None,
        first,
        last,
        vocab,
        path,
        months,
        scales,
    )


def load_plan(data: Path, plan: str | None = None) -> Plan:
    """The plan ``plan`` (None: the only one) with its plan.toml read, if it has one."""
    pid = resolve_plan(Path(data), plan)
    folder = paths.plan_raw_dir(data, pid)
    config = folder / PLAN_FILE
    if config.is_dir():
        raise InputError(config, say("plans.toml_is_folder"))
    if not config.exists():
        return Plan(pid, folder)
    return read_plan_config(config, pid)
