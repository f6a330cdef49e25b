"""Parse the published progress report (text extracted from its PDF).

The report holds, in this order:

1. a title with its as-of label (平成 29年度末);
2. the summary sentence: 全 43項目（再掲 2項目）の取組のうち、3 項目が「予定以上に進捗」…;
3. the per-area table 【表１】: area rows (roman numeral, name wrapped over
   lines, （N項目）, then the S/A/B counts in full-width digits) and a 計 row;
4. the list of items ahead of schedule (【参考１】) and behind it (【参考２】),
   as a table No / 項目名 / 進捗状況 / 今後の取組 whose header repeats at page
   breaks. In PDF text the rows of one list may be printed inside the other;
   a row is then told apart by its content: a delayed item explains itself
   under 【要因】 (causes), an item ahead does not.

Item numbers run area by area in the order and counts of the table, so each
item's area follows from its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .periods import find_label_in_text
from .rawio import read_text
from .textnorm import ROMAN_NUMERALS, collapse, nfkc, squash, tidy_jp

STATUS_LABELS = {
    "S": "予定以上に進捗",
    "A": "予定どおりに進捗",
    "B": "予定よりも遅れている",
}
_ROMAN = ROMAN_NUMERALS
_BULLETS = tuple("・①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳※【(（●○■□◆◇-") + ("ア ", "イ ")
_MARKER_RE = re.compile(r"【([^】]{1,12})】")
NAME_MAX = 9  # a name cell wraps at about seven full-width characters


def status_of_label(label: str) -> str | None:
    """S / A / B for a status label as written (予定以上に進捗, 予定どおり…, 遅れ…)."""
    s = squash(label)
    if "以上" in s or "上回" in s:
        return "S"
    if "どおり" in s or "通り" in s:
        return "A"
    if "遅れ" in s:
        return "B"
    return None


@dataclass
class Summary:
    total: int
    relisted: int | None
    counts: dict[str, int]
    line: int
    text: str


@dataclass
class AreaRow:
    area_no: int
    area_name: str
    items: int
    S: int
    A: int
    B: int
    line: int


@dataclass
class ListHeading:
    status: str
    count: int | None
    relisted: int | None
    line: int
    text: str


@dataclass
class ListedItem:
    numbers: list[int]
    name: str
    status: str
    progress: str
    causes: str | None
    next_steps: str | None
    text: str  # the row as printed, whitespace removed: for wording checks
    line: int
    end_line: int
    status_basis: str  # 'position' or 'content (【要因】)'


@dataclass
class ParsedReport:
    path: Path
    period_id: str | None
    summary: Summary
    areas: list[AreaRow]
    totals: dict[str, int]
    totals_line: int
    headings: dict[str, ListHeading]
    items: list[ListedItem] = field(default_factory=list)
    plan_name: str | None = None

    @property
    def total_items(self) -> int:
        return sum(a.items for a in self.areas)

    def area_of(self, item_no: int) -> int | None:
        """Area number of an item number, from the table's counts."""
        upto = 0
        for area in self.areas:
            upto += area.items
            if item_no <= upto:
                return area.area_no
        return None


# ---------------------------------------------------------------- the summary


def parse_summary(lines: list[str], path: Path) -> Summary:
    """The sentence 全N項目（再掲M項目）の取組のうち、x 項目が「…」、… となりました。"""
    for i, line in enumerate(lines):
        if not re.search(r"全\d+項目", squash(line)):
            continue
        text = squash("".join(lines[i : i + 8]))
        m = re.search(
            r"全(\d+)項目(?:[(（]再掲(\d+)項目[)）])?の取組のうち、?(.*?)(?:となりました|となった|です)",
            text,
        )
        if not m:
            continue
        counts: dict[str, int] = {}
        for num, label in re.findall(r"(\d+)項目が「([^」]+)」", m.group(3)):
            status = status_of_label(label)
            if status is None:
                raise InputError(
                    path,
                    f"unknown status 「{label}」 in the summary sentence; expected one of "
                    + ", ".join(f"「{v}」" for v in STATUS_LABELS.values()),
                    line=i + 1,
                )
            if status in counts:
                raise InputError(
                    path, f"status 「{label}」 appears twice in the summary", line=i + 1
                )
            counts[status] = int(num)
        if not counts:
            raise InputError(
                path, "the summary sentence gives no counts (N 項目が「…」)", line=i + 1
            )
        stated = len(re.findall(r"項目が「", m.group(3)))
        if stated != len(counts):
            raise InputError(
                path,
                "a count in the summary sentence is not written in digits "
                f"({stated} statuses named, {len(counts)} with a number): '{m.group(3)[:60]}'",
                line=i + 1,
            )
        for status in STATUS_LABELS:
            counts.setdefault(status, 0)
        relisted = int(m.group(2)) if m.group(2) else None
        return Summary(int(m.group(1)), relisted, counts, i + 1, m.group(0))
    raise InputError(
        path,
        "no summary sentence found: expected '全N項目（再掲M項目）の取組のうち、"
        "x 項目が「予定以上に進捗」…となりました' (is this a progress report?)",
    )


# ---------------------------------------------------------- the per-area table


def _area_block_start(lines: list[str], path: Path) -> int:
    for i, line in enumerate(lines):
        s = squash(line)
        if s.startswith("【表") or (s.startswith("分野") and i + 1 < len(lines)):
            return i
    raise InputError(path, "no per-area table found: expected a heading 【表１】 or a header 分野")


def _column_order(header_text: str, path: Path, line: int) -> list[str]:
    pos = {}
    for status in "SAB":
        m = re.search(rf"[(（]{status}[)）]", header_text)
        if m:
            pos[status] = m.start()
        else:
            label_pos = squash(header_text).find(
                {"S": "予定以上", "A": "予定どおり", "B": "遅れ"}[status]
            )
            if label_pos < 0:
                raise InputError(
                    path,
                    f"the per-area table header has no column for {status} ({STATUS_LABELS[status]})",
                    line=line,
                )
            pos[status] = label_pos + 10_000  # labels only: keep their order
    return sorted(pos, key=pos.get)


_AREA_NO_RE = re.compile(r"^(?:[(（]\s*)?(\d{1,2})\s*(?:[)）.．、]\s*|\s+)(?=\D)")


def _area_start(line: str) -> tuple[int, str] | None:
    """(area number, rest of the line) where a line starts an area row: Ⅰ …, 1 …, （1）…."""
    stripped = line.strip()
    if stripped[:1] in _ROMAN:
        return _ROMAN[stripped[0]], stripped[1:]
    text = collapse(stripped)
    m = _AREA_NO_RE.match(text)
    if m and not re.fullmatch(r"[\d\s]+", text):
        return int(m.group(1)), text[m.end() :]
    return None


def parse_area_table(lines: list[str], path: Path) -> tuple[list[AreaRow], dict[str, int], int]:
    """Rows of the per-area table and its 計 row.

    Returns the area rows, the totals (S/A/B) and the 1-based line of the 計 row.
    """
    start = _area_block_start(lines, path)
    # the header runs until the first area row (a roman numeral at line start)
    first_area = None
    for j in range(start + 1, min(len(lines), start + 60)):
        if _area_start(lines[j]):
            first_area = j
            break
    if first_area is None:
        raise InputError(
            path,
            "the per-area table has no area rows: expected rows starting with Ⅰ, Ⅱ, …",
            line=start + 1,
        )
    order = _column_order(squash("".join(lines[start:first_area])), path, start + 1)

    areas: list[AreaRow] = []
    totals_line = None
    totals: dict[str, int] = {}
    current: dict | None = None

    def finish(cur: dict) -> None:
        nums = cur["nums"]
        if cur["items"] is None:
            raise InputError(
                path,
                f"area {cur['no']} ({cur['name']}) has no item count （N項目）",
                line=cur["line"],
            )
        if len(nums) != 3:
            raise InputError(
                path,
                f"area {cur['no']} ({cur['name']}): expected 3 counts (S A B), found "
                f"{len(nums)}: {' '.join(map(str, nums)) or 'none'}",
                line=cur["line"],
            )
        counts = dict(zip(order, nums, strict=True))
        areas.append(
            AreaRow(
                cur["no"],
                cur["name"],
                cur["items"],
                counts["S"],
                counts["A"],
                counts["B"],
                cur["line"],
            )
        )

    j = first_area
    while j < len(lines):
        raw = lines[j]
        text = collapse(raw)
        area_start = _area_start(raw)
        roman = raw.strip()[:1] in _ROMAN
        # a numbered line starts an area only once the previous area is complete,
        # so that a faulty counts line ("1 x 2") is reported as such
        if area_start and (roman or current is None or len(current["nums"]) >= 3):
            if current:
                finish(current)
            no, rest = area_start
            current = {"no": no, "name": "", "items": None, "nums": [], "line": j + 1}
            text = collapse(rest)
        if current is None:
            j += 1
            continue
        m_total = re.match(r"^(?:合計|総計|計)\s*(.*)$", text)
        if m_total and current["nums"]:
            finish(current)
            current = None
            nums = re.findall(r"\d+", m_total.group(1))
            if len(nums) != 3 or not re.fullmatch(r"[\d\s]*", m_total.group(1)):
                raise InputError(
                    path,
                    f"the 計 row should hold 3 counts (S A B), found '{m_total.group(1)}'",
                    line=j + 1,
                )
            totals = dict(zip(order, map(int, nums), strict=True))
            totals_line = j + 1
            break
        if current["items"] is None:
            m_items = re.search(r"[(（]\s*(\d+)\s*項目\s*[)）]", text)
            if m_items:
                current["name"] += collapse(text[: m_items.start()]).replace(" ", "")
                rest = text[m_items.end() :]
                current["items"] = int(m_items.group(1))
                text = rest
            else:
                current["name"] += text.replace(" ", "")
                text = ""
        if text.strip():
            if not re.fullmatch(r"[\d\s]+", text.strip()):
                raise InputError(
                    path,
                    f"area {current['no']}: counts must be whole numbers, found '{text.strip()}'",
                    line=j + 1,
                )
            current["nums"].extend(int(n) for n in text.split())
        j += 1
    if totals_line is None:
        raise InputError(
            path,
            "the per-area table has no 計 (totals) row after its areas; the file may be truncated",
            line=(current or {}).get("line", start + 1),
        )
    expected = list(range(1, len(areas) + 1))
    got = [a.area_no for a in areas]
    if got != expected:
        bad, want = next((a, e) for a, e in zip(areas, expected, strict=True) if a.area_no != e)
        raise InputError(
            path,
            f"area numbers must run Ⅰ, Ⅱ, … in order; found {bad.area_no} where {want} was expected",
            line=bad.line,
        )
    return areas, totals, totals_line


# ------------------------------------------------------------- the item lists


def _heading_of(line: str) -> tuple[str, int | None, int | None] | None:
    s = squash(line)
    if not s.startswith("【参考"):
        return None
    status = status_of_label(s)
    if status not in ("S", "B"):
        return None
    m = re.search(r"[(（](\d+)項目(?:[(（]うち再掲(\d+)項目[)）])?[)）]", s)
    count = int(m.group(1)) if m else None
    relisted = int(m.group(2)) if m and m.group(2) else (0 if m else None)
    return status, count, relisted


def _is_header_start(line: str) -> bool:
    s = squash(line).lower()
    return s.startswith("no項目名") or s in ("no", "no.") or s.startswith("no.項目名")


def _header_end(lines: list[str], i: int) -> int:
    """Index of the last line of a table header that starts at ``i``."""
    for j in range(i, min(len(lines), i + 7)):
        s = squash(lines[j])
        if s.endswith(("今後の取組", "今後の対応", "今後の方向性", "今後の予定")):
            return j
    return i


def _is_page_number(line: str) -> bool:
    return bool(
        re.fullmatch(r"[-－‐―]?\s*\d{1,3}\s*[-－‐―]?|\d{1,3}\s*/\s*\d{1,3}", collapse(line))
    ) and ("-" in nfkc(line) or "/" in line or "－" in line)


# A number followed by these is a quantity in running text, not a row's No.
_NOT_ROW_AFTER = re.compile(
    r"^(?:[,.%\d]|年|か?月|日[間目]|万|億|千|円|件|か所|箇所|ポイント|地区|本|回|人(?:[、。／/）)]|$|で|の|を|に|が|は|と))"
)


_ROW_NUMBERS_RE = re.compile(
    r"^[(（]?(\d{1,3}(?:\s*[・,、/／]\s*\d{1,3}|\s*[(（]\s*\d{1,3}\s*[)）])*)[)）]?"
    r"(?:\s*[(（]\s*再掲\s*[)）])?(?:\s+(.*))?$"
)


def _row_numbers(line: str, total_items: int) -> tuple[list[int], str] | None:
    """The item number(s) opening a row (``7``, ``7・41``, ``41（再掲）``) and the rest of the line."""
    text = collapse(line)
    m = _ROW_NUMBERS_RE.match(text)
    if not m:
        return None
    rest = m.group(2) or ""
    if rest and _NOT_ROW_AFTER.match(rest):
        return None
    numbers = [int(n) for n in re.findall(r"\d{1,3}", m.group(1))]
    if not all(1 <= no <= total_items for no in numbers):
        return None
    return numbers, rest


def _row_start(line: str, total_items: int) -> tuple[int, str] | None:
    found = _row_numbers(line, total_items)
    return (found[0][0], found[1]) if found else None


def _join_cell(lines: list[str]) -> str:
    """Join a wrapped cell; bullets (・ ① ※) and markers start a new line."""
    out: list[str] = []
    for line in lines:
        t = collapse(line)
        if not t:
            continue
        if not out or t.startswith(_BULLETS):
            out.append(t)
        else:
            sep = " " if re.match(r"[A-Za-z0-9]", t) and re.search(r"[A-Za-z0-9]$", out[-1]) else ""
            out[-1] = out[-1] + sep + t
    return "\n".join(tidy_jp(o) for o in out)


def _split_future(lines: list[str]) -> tuple[str | None, str | None, str]:
    """Split 今後の取組 into (causes, next_steps, other) by 【要因】 / 【今後の対応】."""
    blocks: dict[str, list[str]] = {"": []}
    key = ""
    for line in lines:
        m = _MARKER_RE.match(collapse(line))
        if m:
            key = squash(m.group(1))
            blocks.setdefault(key, [])
            rest = collapse(line)[m.end() :]
            if rest:
                blocks[key].append(rest)
            continue
        blocks[key].append(line)
    causes = next((blocks[k] for k in blocks if "要因" in k or "課題" in k), None)
    nexts = next((blocks[k] for k in blocks if "今後" in k or "対応" in k), None)
    other = _join_cell(blocks[""])
    return (
        _join_cell(causes) if causes is not None else None,
        _join_cell(nexts) if nexts is not None else None,
        other,
    )


def _parse_row(numbers: list[int], body: list[tuple[int, str]], first_rest: str) -> dict:
    """Split one row's lines into name, progress and the 今後の取組 column."""
    name_parts: list[str] = []
    progress: list[str] = []
    future: list[str] = []
    rest_tokens = first_rest.split(" ", 1) if first_rest else []
    if rest_tokens:
        name_parts.append(rest_tokens[0])
        if len(rest_tokens) > 1 and rest_tokens[1].strip():
            progress.append(rest_tokens[1])
    state = "name" if not progress else "progress"
    has_markers = any(_MARKER_RE.match(collapse(t)) for _, t in body)
    for _, line in body:
        t = collapse(line)
        if state == "name":
            if not t:
                if name_parts:
                    state = "progress"
                continue
            if (
                len(squash(t)) <= NAME_MAX
                and not t.startswith(_BULLETS)
                and not _MARKER_RE.match(t)
            ) or not name_parts:
                name_parts.append(t)
                continue
            state = "progress"
        if state == "progress":
            if _MARKER_RE.match(t):
                state = "future"
            elif not t and progress and not has_markers:
                state = "future"
                continue
            elif not t:
                continue
            else:
                progress.append(line)
                continue
        future.append(line)
    causes, next_steps, other = _split_future(future)
    if causes is None and next_steps is None:
        next_steps = other or None
    elif other:
        next_steps = (other + "\n" + (next_steps or "")).strip()
    return {
        "name": tidy_jp("".join(p.replace(" ", "") for p in name_parts)),
        "progress": _join_cell(progress),
        "causes": causes,
        "next_steps": next_steps,
        "has_causes": causes is not None,
    }


def parse_item_lists(
    lines: list[str], path: Path, total_items: int, after_line: int
) -> tuple[dict[str, ListHeading], list[ListedItem]]:
    """The lists of items ahead (S) and behind (B) schedule, with each row's texts."""
    headings: dict[str, ListHeading] = {}
    region_start = None
    for i in range(after_line, len(lines)):
        h = _heading_of(lines[i])
        if h:
            status, count, relisted = h
            if status in headings:
                raise InputError(path, f"a second list heading for status {status}", line=i + 1)
            headings[status] = ListHeading(status, count, relisted, i + 1, squash(lines[i]))
            region_start = i if region_start is None else region_start
    if not headings:
        raise InputError(
            path,
            "no list of items ahead of (【参考１】予定以上に進捗…) or behind schedule "
            "(【参考２】予定よりも遅れている…) found; the file may be truncated",
        )

    rows: list[dict] = []
    current: dict | None = None
    position_status: str | None = None
    boundary = True  # a row may start here (after a blank, a header or a heading)
    i = region_start
    while i < len(lines):
        line = lines[i]
        h = _heading_of(line)
        if h:
            position_status = h[0]
            boundary = True
            i += 1
            continue
        if _is_header_start(line):
            i = _header_end(lines, i) + 1
            boundary = True
            continue
        if _is_page_number(line):
            i += 1
            continue
        stripped = collapse(line)
        if not stripped:
            boundary = True
            if current is not None:
                current["body"].append((i + 1, ""))
            i += 1
            continue
        if current is None and squash(line) in (
            "該当なし",
            "なし",
            "該当項目なし",
            "該当する取組なし",
        ):
            # an empty list says so in place of rows
            i += 1
            continue
        more = _row_numbers(line, total_items)
        if current is not None and not current["started_name"] and more and not more[1]:
            # a second number of a re-listed item (7 / 41) before its name
            current["numbers"].extend(more[0])
            boundary = False
            i += 1
            continue
        start = _row_numbers(line, total_items) if boundary else None
        if start:
            current = {
                "numbers": list(start[0]),
                "first_rest": start[1],
                "body": [],
                "line": i + 1,
                "end": i + 1,
                "position": position_status,
                "started_name": bool(start[1]),
            }
            rows.append(current)
        elif current is not None:
            current["body"].append((i + 1, line))
            current["started_name"] = True
            current["end"] = i + 1
        else:
            raise InputError(
                path,
                f"text before the first row of the item list: '{stripped[:30]}'",
                line=i + 1,
            )
        boundary = False
        i += 1

    # Rows printed under each heading, by position.
    by_position = {s: [r for r in rows if r["position"] == s] for s in ("S", "B")}
    interleaved = len(headings) == 2 and any(not by_position[s] for s in ("S", "B"))
    items: list[ListedItem] = []
    seen: dict[int, int] = {}
    for r in rows:
        parsed = _parse_row(r["numbers"], r["body"], r["first_rest"])
        empty = [st for st, h in headings.items() if h.count == 0]
        if interleaved and len(empty) == 1:
            # one list says it has no items: every row belongs to the other
            status = "B" if empty[0] == "S" else "S"
            basis = "heading (the other list is empty)"
        elif interleaved:
            status = "B" if parsed["has_causes"] else "S"
            basis = "content (【要因】)"
        else:
            status = r["position"]
            basis = "position"
        if not parsed["name"]:
            raise InputError(path, f"row {r['numbers']} has no item name", line=r["line"])
        for no in r["numbers"]:
            if no in seen:
                raise InputError(
                    path,
                    f"item No. {no} is listed twice (first on line {seen[no]})",
                    line=r["line"],
                )
            seen[no] = r["line"]
        text = squash(" ".join([r["first_rest"]] + [t for _, t in r["body"]]))
        items.append(
            ListedItem(
                numbers=r["numbers"],
                name=parsed["name"],
                status=status,
                progress=parsed["progress"],
                causes=parsed["causes"],
                next_steps=parsed["next_steps"],
                text=text,
                line=r["line"],
                end_line=r["end"],
                status_basis=basis,
            )
        )
    if (
        items
        and items[-1].status == "B"
        and items[-1].causes is not None
        and not items[-1].next_steps
    ):
        # a delayed row gives 【要因】 then 【今後の対応】; the last row stopping in
        # between means the file was cut off
        last = items[-1]
        raise InputError(
            path,
            f"the last delayed item (No. {last.numbers[0]}) has 【要因】 but no 【今後の対応】: "
            "the file looks truncated",
            line=last.end_line,
        )
    for status, heading in headings.items():
        found = sum(len(it.numbers) for it in items if it.status == status)
        if heading.count is not None and found != heading.count:
            raise InputError(
                path,
                f"the list heading says {heading.count} items {STATUS_LABELS[status]} but "
                f"{found} rows were read (numbers: "
                + ", ".join(str(n) for it in items if it.status == status for n in it.numbers)
                + "); the file may be truncated or in another layout",
                line=heading.line,
            )
    return headings, items


# ------------------------------------------------------------------ the whole


def undouble_lines(lines: list[str]) -> tuple[list[str], list[int]]:
    """Undo double line spacing: some PDF extractors end every line with two breaks.

    When (nearly) every run of empty lines between two lines is of odd length,
    each run of m empty lines becomes (m - 1) // 2, so that real blank lines
    (often a single space in PDF text) stay blank. Returns the lines and, for
    each, its 1-based line number in the file.

    >>> undouble_lines(["a", "", "b", "", " ", "", "c", ""])
    (['a', 'b', ' ', 'c'], [1, 3, 5, 7])
    """
    runs: list[int] = []
    m = 0
    for line in lines:
        if line == "":
            m += 1
        else:
            runs.append(m)
            m = 0
    runs = runs[1:]
    numbers = list(range(1, len(lines) + 1))
    if len(runs) < 3 or sum(1 for r in runs if r % 2 == 1) / len(runs) < 0.9:
        return lines, numbers
    out: list[str] = []
    out_no: list[int] = []
    pending: list[int] = []
    for no, line in zip(numbers, lines, strict=True):
        if line == "":
            pending.append(no)
            continue
        keep = (len(pending) - 1) // 2 if out else len(pending)
        for p in pending[: max(0, keep)]:
            out.append("")
            out_no.append(p)
        pending = []
        out.append(line)
        out_no.append(no)
    return out, out_no


def find_plan_name(text: str) -> str | None:
    """The plan's name from a title such as 第３次行財政再構築プランの進捗状況（…）.

    >>> find_plan_name(" 第３次行財政再構築プランの進捗状況 \\n（平成 29年度末）について")
    '第3次行財政再構築プラン'
    """
    for line in text.split("\n")[:15]:
        s = squash(line).lstrip("#").strip()
        m = re.match(r"^(.{2,60}?)(?:の)?進捗状況", s)
        if m and not m.group(1).startswith(("【", "各")):
            return m.group(1).rstrip("の")
    return None


def parse_report_text(text: str, path: str | Path = "<report>") -> ParsedReport:
    """Parse the report's text; see the module docstring for what it holds."""
    path = Path(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines, line_numbers = undouble_lines(text.split("\n"))

    def file_line(n: int) -> int:
        """Line ``n`` of the (undoubled) lines as a line number of the file."""
        return line_numbers[n - 1] if 1 <= n <= len(line_numbers) else n

    try:
        report = _parse_lines(lines, path)
    except InputError as exc:
        if exc.line is not None and exc.path == path and 1 <= exc.line <= len(line_numbers):
            detail = re.sub(
                r"(?<=on line )\d+", lambda m: str(file_line(int(m.group(0)))), exc.detail
            )
            raise InputError(path, detail, line=file_line(exc.line), field=exc.field) from None
        raise
    # Every line number of the result refers to the file, not to the undoubled lines.
    report.summary.line = file_line(report.summary.line)
    report.totals_line = file_line(report.totals_line)
    for obj in [*report.areas, *report.headings.values()]:
        obj.line = file_line(obj.line)
    for item in report.items:
        item.line, item.end_line = file_line(item.line), file_line(item.end_line)
    return report


def _parse_lines(lines: list[str], path: Path) -> ParsedReport:
    period_id = find_label_in_text("\n".join(lines[:12]))
    summary = parse_summary(lines, path)
    areas, totals, totals_line = parse_area_table(lines, path)
    headings, items = parse_item_lists(lines, path, sum(a.items for a in areas), totals_line)
    return ParsedReport(path, period_id, summary, areas, totals, totals_line, headings, items)


def parse_report(path: str | Path) -> ParsedReport:
    """Read and parse a report file (UTF-8, UTF-8 with BOM or CP932)."""
    return parse_report_text(read_text(path), path)
