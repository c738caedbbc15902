"""Performance-target tables (绩效目标表): projects, their indicators, and the whole-body (整体) sheet.

Two layout shapes are known, named by shape, not by publisher: grids (one line per indicator, project
cells only on the first line of a project; 北京 publishes these) and forms (labelled key/value lines,
sub-tables for funds, spending detail, procurement and indicators; 武汉 publishes these). Columns are
found by content: a cell holding an indicator level-1 word (产出指标 …) anchors the indicator cells, an operator cell (≤ ≥ = 定性) anchors the overall indicators, so rows
that lost or glued a cell are still read right. Words live in vocab/performance.json.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from scripts.errors import CellError, DisclosureError
from scripts.extract import cells
from scripts.extract.model import RawTable, Row
from scripts.package.tableschema import field_names

KINDS = ("performance_projects", "performance_overall")
SCHEMAS = {
    "performance_projects": "performance_projects",
    "performance_indicators": "performance_indicators",
    "performance_project_lines": "performance_project_lines",
    "performance_overall": "performance_overall",
}

_PROJECT_CODE = re.compile(r"^\d{6,}[A-Z]+\d{6,}$")
_TAGS = re.compile(r"<\s*/?\s*(p|br|div|li)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]{0,200}>")
_EMBEDDED = re.compile(r"^(≤|≥|=|＝|<|>|＜|＞|≦|≧)?\s*(-?\d[\d,]*(?:\.\s*\d+)?)\s*(\S{0,12})$")
_YEAR = re.compile(r"(20\d\d)\s*年")


@cache
def vocab() -> dict:
    return json.loads((Path(__file__).resolve().parents[1] / "vocab" / "performance.json").read_text("utf-8"))


@cache
def _field_names(schema: str) -> tuple[str, ...]:
    """Field names in schema order, so every row carries every field (both layouts)."""
    return tuple(field_names(schema))


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def text(value: str | None) -> str | None:
    """Plain text of a goal cell: HTML paragraph tags become line breaks, any other tag is dropped."""
    if cells.is_blank(value):
        return None
    out = _TAGS.sub("\n", value)
    out = _ANY_TAG.sub("", out)
    out = "\n".join(cells.label(part) for part in out.split("\n"))
    out = re.sub(r"\n{2,}", "\n", out).strip("\n ")
    return out or None


def num_or_text(value: str | None) -> str | None:
    """A figure as repaired digits when it is one, otherwise the text (labels repaired)."""
    if cells.is_blank(value):
        return None
    if cells.looks_like_amount(value):
        return cells.amount(value)
    return text(value)


def _is_level1(cell: str) -> bool:
    return _squash(cell) in vocab()["level1"]


def _is_operator(cell: str) -> bool:
    return _squash(cell) in vocab()["operators"]


def _is_header(row: Row) -> bool:
    words = vocab()["header_words"]
    filled = [_squash(c) for c in row.cells if c.strip()]
    return bool(filled) and sum(c in words for c in filled) >= max(1, len(filled) // 2)


def split_levels(glued: str) -> tuple[str | None, str | None, str]:
    """`效益指标生态效益指标环保类案件办理准确率` -> ('效益指标', '生态效益指标', '环保类案件办理准确率')."""
    rest = cells.label(glued)
    level1 = next((w for w in vocab()["level1"] if rest.startswith(w)), None)
    if level1 is None:
        return None, None, rest
    rest = rest[len(level1) :]
    level2 = next((w for w in sorted(vocab()["level2"], key=len, reverse=True) if rest.startswith(w)), None)
    if level2 is None and "指标" in rest[:12]:
        level2 = rest[: rest.index("指标") + 2]
    if level2:
        rest = rest[len(level2) :]
    return level1, level2, rest


def split_value(value: str | None) -> tuple[str | None, str | None, str | None]:
    """`≥88%` -> ('≥', '88', '%'); `12 期` -> (None, '12', '期'); text stays text."""
    if cells.is_blank(value):
        return None, None, None
    match = _EMBEDDED.match(value.strip())
    if match and cells.looks_like_amount(match.group(2)):
        return match.group(1), cells.amount(match.group(2)), match.group(3) or None
    return None, text(value), None


def _indicator(**fields) -> dict:
    keys = (
        "source_line",
        "project_code",
        "activity",
        "goal",
        "target_type",
        "seq",
        "level1",
        "level2",
        "level3",
        "operator",
        "value",
        "unit",
        "direction",
        "basis",
        "value_last_year",
        "value_two_years_ago",
    )
    return {k: fields.get(k) for k in keys}


# ------------------------------------------------------------------------ grid layout (one row per indicator)
def _project_cell(pre: list[str]) -> int | None:
    for i, cell in enumerate(pre):
        code, _ = cells.code_name(cell)
        if code and _PROJECT_CODE.match(code):
            return i
    return None


def _unglue_unit(name: str, project_name: str, known: set[str]) -> str:
    """`北京市…指挥中心支撑安全运维服务` -> `北京市…指挥中心` when the tail belongs to the project name."""
    prefixes = [k for k in known if k != name and name.startswith(k) and name[len(k) :] in project_name]
    if prefixes:
        return min(prefixes, key=len)
    for end in sorted(vocab()["unit_name_endings"], key=len, reverse=True):
        idx = name.rfind(end)
        if idx > 0 and name[idx + len(end) :] and name[idx + len(end) :] in project_name:
            return name[: idx + len(end)]
    return name


def _grid_projects(table: RawTable) -> dict[str, list[dict]]:
    projects: list[dict] = []
    indicators: list[dict] = []
    annual = (
        any(w in "".join(table.rows[0].cells) for w in vocab()["annual_header_words"])
        if table.rows
        else False
    )
    current: dict | None = None
    seq = 0
    for row in table.rows:
        if _is_header(row) or not any(c.strip() for c in row.cells):
            continue
        anchor = next((i for i, c in enumerate(row.cells) if _is_level1(c)), len(row.cells))
        pre = row.cells[:anchor]
        if any(c.strip() for c in pre):
            p = _project_cell(pre)
            if p is None:
                raise CellError(
                    "project line without a project code",
                    line=row.line,
                    expected="a cell like 11010122T000000402024-项目名称",
                    hint="add the layout to vocab/performance.json if this is a new one",
                )
            code, name = cells.code_name(pre[p])
            unit_cells = [c for c in pre[:p] if c.strip()]
            unit_code, unit_name = cells.code_name(unit_cells[0]) if unit_cells else (None, None)
            rest = pre[p + 1 :]
            goal_idx = max(
                (i for i, c in enumerate(rest) if c.strip() and not cells.looks_like_amount(c)), default=None
            )
            slots = rest[:goal_idx] if goal_idx is not None else rest
            if len(slots) > 3 and any(c.strip() for c in slots[3:]):
                raise CellError(
                    "more than three amounts before the goal",
                    line=row.line,
                    expected="项目总额, 财政资金, 其他资金",
                )
            slots = (slots + ["", "", ""])[:3]
            amounts = [cells.amount(c, row.line) for c in slots]
            current = {
                "source_line": row.line,
                "unit_code": unit_code,
                "unit_name": unit_name or None,
                "project_code": code,
                "project_name": name,
                "total": amounts[0],
                "fiscal_funds": amounts[1],
                "other_funds": amounts[2],
                "goal": text(rest[goal_idx]) if goal_idx is not None else None,
            }
            projects.append(current)
            seq = 0
        if anchor == len(row.cells):
            continue
        if current is None:
            raise CellError(
                "indicator line before any project", line=row.line, expected="a project line first"
            )
        rest = [c.strip() for c in row.cells[anchor:]] + [""] * 8
        op, value = cells.label(rest[3]) or None, rest[4]
        if op and not _is_operator(op):
            raise CellError(
                f"{op!r} is not an indicator operator",
                line=row.line,
                expected=" / ".join(vocab()["operators"]),
            )
        embedded_op, digits, embedded_unit = (
            split_value(value) if not op else (None, num_or_text(value), None)
        )
        tail = [c for c in rest[5:] if c]
        direction = next((cells.label(c) for c in tail if _squash(c) in vocab()["directions"]), None)
        units = [c for c in rest[5:6] if c and _squash(c) not in vocab()["directions"]]
        seq += 1
        indicators.append(
            _indicator(
                source_line=row.line,
                project_code=current["project_code"],
                target_type="annual" if annual else None,
                seq=seq,
                level1=cells.label(rest[0]),
                level2=cells.label(rest[1]) or None,
                level3=text(rest[2]),
                operator=op or embedded_op,
                value=digits,
                unit=cells.label(units[0]) if units else embedded_unit,
                direction=direction,
            )
        )
    if projects:
        known = {p["unit_name"] for p in projects if p["unit_name"]}
        for p in projects:
            if p["unit_name"]:
                p["unit_name"] = _unglue_unit(p["unit_name"], p["project_name"], known)
    return {"performance_projects": projects, "performance_indicators": indicators}


def _grid_overall(table: RawTable) -> dict[str, list[dict]]:
    overall: list[dict] = []
    indicators: list[dict] = []
    fv = vocab()["overall_form"]
    year = _title_year(table)
    header: list[list[str]] = []
    in_indicators = False
    activity = None
    seq = 0
    for row in table.rows:
        filled = [(i, c) for i, c in enumerate(row.cells) if c.strip()]
        if not filled:
            continue
        words = [_squash(c) for _, c in filled]
        if any(w in fv["activity_header"] for w in words):
            in_indicators = True
            continue
        if in_indicators:
            o = next((i for i, c in enumerate(row.cells) if _is_operator(c)), None)
            if o is None:
                raise CellError(
                    "indicator line without an operator",
                    line=row.line,
                    expected=" / ".join(vocab()["operators"]),
                )
            before = [(i, c) for i, c in filled if i < o]
            if not before:
                raise CellError("indicator line without an indicator name", line=row.line)
            name_cell = before[-1][1]
            if len(before) > 1:
                activity = cells.label(before[-2][1])
                seq = 0
            after = [c for i, c in filled if i > o + 1]
            level1, level2, level3 = split_levels(name_cell)
            seq += 1
            indicators.append(
                _indicator(
                    source_line=row.line,
                    activity=activity,
                    target_type="annual",
                    seq=seq,
                    level1=level1,
                    level2=level2,
                    level3=level3,
                    operator=cells.label(row.cells[o]),
                    value=num_or_text(_cell(row, o + 1)),
                    unit=cells.label(after[0]) if after else None,
                )
            )
            continue
        head = words[0]
        amounts = [(i, c) for i, c in filled if cells.looks_like_amount(c)]
        if amounts and len(amounts) == len(filled):
            for i, c in amounts:
                group, measure = _column_label(header, i)
                overall.append(
                    _overall(
                        row.line,
                        section="总体资金情况",
                        item=group,
                        measure=measure,
                        year=year,
                        amount=cells.amount(c, row.line),
                    )
                )
            continue
        if head in fv["kv"]:
            overall.append(
                _overall(
                    row.line,
                    section="基本信息",
                    item=cells.label(filled[0][1]),
                    value=num_or_text(filled[-1][1]) if len(filled) > 1 else None,
                )
            )
            continue
        if any(w in fv["money"] for w in words[:1]) or (
            header
            and not any(len(w) > 40 for w in words)
            and not any(w in fv["text"] + fv["overall_goal"] for w in words)
        ):
            header.append(row.cells)
            continue
        if any(w in fv["text"] + fv["overall_goal"] for w in words):
            labels = [w for w in words if w in fv["text"] + fv["overall_goal"]]
            body = [c for i, c in filled if _squash(c) not in fv["text"] + fv["overall_goal"]]
            overall.append(
                _overall(row.line, section=labels[-1], value=text("\n".join(body)) if body else None)
            )
            continue
        raise CellError(
            "line of the 整体支出绩效目标表 not understood",
            line=row.line,
            hint="add its first-cell label to overall_form in vocab/performance.json",
        )
    return {"performance_overall": overall, "performance_indicators": indicators}


def _cell(row: Row, i: int) -> str:
    return row.cells[i] if i < len(row.cells) else ""


def _column_label(header: list[list[str]], col: int) -> tuple[str | None, str | None]:
    """Group and sub-label of a column: a header cell spans the blank cells to its right."""
    labels = []
    for cells_ in header:
        found = None
        for i in range(min(col, len(cells_) - 1), -1, -1):
            if cells_[i].strip():
                found = cells.label(cells_[i])
                # a row-title cell at column 0/1 does not span over the figures
                if i < col and i == 0:
                    found = None
                break
        if found and (len(labels) == 0 or found != labels[-1]):
            labels.append(found)
    labels = [x for x in labels if x]
    if not labels:
        return None, None
    return labels[0], labels[-1] if len(labels) > 1 else None


def _overall(line: int, **fields) -> dict:
    keys = ("source_line", "section", "group", "item", "measure", "year", "amount", "value")
    return {k: fields.get(k) if k != "source_line" else line for k in keys}


def _title_year(table: RawTable) -> str | None:
    match = _YEAR.search(table.title or "")
    return match.group(1) if match else None


# --------------------------------------------------------------------- form layout (labelled fields per sheet)
def _is_form(table: RawTable) -> bool:
    """A form sheet: a first cell is one of the form's own field labels (vocab `form_markers`)."""
    markers = vocab()["form_markers"]
    firsts = {_squash(r.cells[0]) for r in table.rows if r.cells}
    cells_anywhere = {_squash(c) for r in table.rows for c in r.cells}
    return bool(firsts & set(markers["first_cell"])) or any(
        anywhere in cells_anywhere and first in firsts for anywhere, first in markers["cell_and_first_cell"]
    )


def _form_indicator_columns(header_rows: list[list[str]]) -> dict:
    """Where the indicator cells are, from the header; years of the 近两年指标值 columns if any."""
    first = header_rows[0]
    pos = {}
    for i, c in enumerate(first):
        w = _squash(c)
        if w == "一级指标":
            pos["level1"] = i
        elif w == "二级指标":
            pos["level2"] = i
        elif w.startswith("三级指标"):
            pos["level3"] = i
    years = [m.group(1) for r in header_rows[1:] for c in r for m in [_YEAR.search(c)] if m]
    pos["years"] = years
    return pos


def _form_indicator(row: Row, pos: dict, state: dict, **base) -> dict:
    missing = [k for k in ("level1", "level2", "level3") if k not in pos]
    if missing:  # damaged or reordered header: say so instead of failing on a missing column
        raise DisclosureError(
            "performance sheet has indicator rows but no 一级/二级/三级指标 header columns",
            line=row.line,
            expected="a header row naming 一级指标, 二级指标 and 三级指标 before the indicator rows",
        )
    c = row.cells + [""] * 12
    for key in ("level1", "level2"):
        if c[pos[key]].strip():
            state[key] = cells.label(c[pos[key]])
            if key == "level1":
                state["level2"] = None
    after = [x for x in c[pos["level3"] + 1 :]]
    n_years = len(pos["years"])
    # Published order: [近两年 values…], 当年 value, 依据 (the header cells of this block are not aligned)
    hist, current, basis = (
        after[:n_years],
        after[n_years] if n_years else after[0],
        after[n_years + 1] if n_years else after[1],
    )
    op, value, unit = split_value(current)
    state["seq"] = state.get("seq", 0) + 1
    return _indicator(
        source_line=row.line,
        seq=state["seq"],
        level1=state.get("level1"),
        level2=state.get("level2"),
        level3=text(c[pos["level3"]]),
        operator=op,
        value=value,
        unit=unit,
        basis=text(basis),
        value_last_year=text(hist[0]) if hist else None,
        value_two_years_ago=text(hist[1]) if len(hist) > 1 else None,
        **base,
    )


def _form_projects(table: RawTable) -> dict[str, list[dict]]:
    fv = vocab()["project_form"]
    keys, sections = fv["keys"], fv["sections"]
    projects: list[dict] = []
    lines: list[dict] = []
    indicators: list[dict] = []
    current: dict | None = None
    section = None
    columns: dict[int, str] = {}
    ind_header: list[list[str]] = []
    pos: dict = {}
    state: dict = {}
    for row in table.rows:
        filled = [(i, c) for i, c in enumerate(row.cells) if c.strip()]
        if not filled:
            continue
        words = [_squash(c) for _, c in filled]
        if len(filled) == 1 and any(t in words[0] for t in fv["skip_titles"]):
            continue
        sec = next((sections[w] for w in words if w in sections), None)
        if words[0] in keys and sec is None:
            if keys[words[0]] == "project_name":
                current = {"source_line": row.line}
                projects.append(current)
                section, state = None, {}
            if current is None:
                raise CellError("project form line before 项目名称", line=row.line)
            for k, (_i, c) in enumerate(filled):
                w = _squash(c)
                if w in keys and k + 1 < len(filled) and _squash(filled[k + 1][1]) not in keys:
                    field = keys[w]
                    raw = filled[k + 1][1]
                    current[field] = (
                        cells.amount(raw, row.line)
                        if field in fv["amount_keys"]
                        else cells.code_name(raw)[0] or cells.label(raw)
                        if field == "project_code"
                        else num_or_text(raw)
                        if field in ("start_year", "end_year", "postcode")
                        else text(raw)
                    )
            continue
        if sec is not None:
            section = sec
            columns, ind_header = {}, []
            # 项目当年资金来源 carries its column header on the same line
            tail = [(i, c) for i, c in filled if _squash(c) not in sections]
            if tail:
                columns = {i: fv["line_columns"].get(_squash(c), _squash(c)) for i, c in tail}
            continue
        if current is None:
            raise CellError("project form line before 项目名称", line=row.line)
        if section in ("long_term", "annual"):
            if "一级指标" in words or (
                ind_header and all(w in vocab()["header_words"] or _YEAR.search(w) for w in words)
            ):
                ind_header.append(row.cells)
                pos = _form_indicator_columns(ind_header)
                state = {"seq": state.get("seq", 0)}
                continue
            indicators.append(
                _form_indicator(
                    row, pos, state, project_code=current.get("project_code"), goal=None, target_type=section
                )
            )
            continue
        if section == "绩效总目标":
            if words[0] in fv["goal_names"]:
                current[fv["goal_names"][words[0]]] = text("\n".join(c for _, c in filled[1:]))
            continue
        if section in ("资金来源", "支出明细测算", "项目采购"):
            if all(w in fv["line_columns"] or w == "名称" for w in words):
                columns = {
                    i: fv["line_columns"][_squash(c)] for i, c in filled if _squash(c) in fv["line_columns"]
                }
                continue
            out = {
                "source_line": row.line,
                "project_code": current.get("project_code"),
                "section": section,
                "row_type": "item",
                "item": None,
                "description": None,
                "economic_class": None,
                "quantity": None,
                "amount": None,
                "basis": None,
                "note": None,
            }
            for i, c in filled:
                field = columns.get(i) or _nearest(columns, i)
                if field in ("amount", "quantity"):
                    out[field] = cells.amount(c, row.line)
                else:
                    out[field] = text(c) if out.get(field) is None else out[field] + text(c)
            if out["item"] and _squash(out["item"]) in ("合计", "总计"):
                out["row_type"] = "total"
            lines.append(out)
            continue
        raise CellError(
            "line of the project form not understood",
            line=row.line,
            hint="add its label to project_form in vocab/performance.json",
        )
    for p in projects:
        p.setdefault("project_code", None)
        p.setdefault("project_name", None)
        for name in ("total", "annual_budget"):
            p.setdefault(name, None)
    return {
        "performance_projects": projects,
        "performance_indicators": indicators,
        "performance_project_lines": lines,
    }


def _nearest(columns: dict[int, str], i: int) -> str:
    """A cell off its header column belongs to the header cell to its left (headers span right)."""
    left = [k for k in columns if k <= i]
    if left:
        return columns[max(left)]
    return columns[min(columns)] if columns else "item"


def _form_overall(table: RawTable) -> dict[str, list[dict]]:
    fv = vocab()["overall_form"]
    goal_key = re.compile(fv["goal_key"])
    year = _title_year(table)
    overall: list[dict] = []
    indicators: list[dict] = []
    block = None
    header: list[list[str]] = []
    group = None
    goal = None
    goal_texts: dict[str, dict] = {}
    ind_header: list[list[str]] = []
    pos: dict = {}
    state: dict = {}
    for row in table.rows:
        filled = [(i, c) for i, c in enumerate(row.cells) if c.strip()]
        if not filled:
            continue
        words = [_squash(c) for _, c in filled]
        head = _squash(row.cells[0])
        if head in fv["kv"]:
            for k in range(0, len(filled) - 1, 2):
                overall.append(
                    _overall(
                        row.line,
                        section="基本信息",
                        item=cells.label(filled[k][1]),
                        value=num_or_text(filled[k + 1][1]),
                    )
                )
            continue
        if head in fv["money"] or head in fv["grid"]:
            block, header, group = ("money" if head in fv["money"] else "grid"), [row.cells[1:]], None
            continue
        if head in fv["text"]:
            overall.append(_overall(row.line, section=head, value=text("\n".join(c for _, c in filled[1:]))))
            block = None
            continue
        if head in fv["goal_text"]:
            block, header = "goal_text", [row.cells]
            goal_texts = {}
            continue
        if goal_key.match(head):
            goal = head.rstrip(":：")
            overall.append(
                _overall(
                    row.line, section="绩效目标", item=goal, value=text("\n".join(c for _, c in filled[1:]))
                )
            )
            block = None
            continue
        if any(w in head for w in fv["indicators"]):
            block, ind_header, state = "indicators", [row.cells], {}
            pos = _form_indicator_columns(ind_header)
            continue
        if block == "indicators":
            if all(w in vocab()["header_words"] or _YEAR.search(w) for w in words):
                ind_header.append(row.cells)
                pos = _form_indicator_columns(ind_header)
                continue
            target = next(
                (v for k, v in vocab()["target_types"].items() if goal and goal.startswith(k)), None
            )
            indicators.append(
                _form_indicator(row, pos, state, project_code=None, goal=goal, target_type=target)
            )
            continue
        if block in ("money", "grid"):
            if not any(cells.looks_like_amount(c) for _, c in filled):
                header.append(row.cells[1:])
                continue
            cols = [(i, c) for i, c in filled if i >= 1]
            if block == "money":
                if cols[0][0] == 1:
                    group = cells.label(cols[0][1])
                    cols = cols[1:]
                item = cells.label(cols[0][1])
                for i, c in cols[1:]:
                    g, measure = _column_label(header, i - 1)
                    m_year = _YEAR.search(measure or "")
                    share = "占比" in (measure or g or "")  # a share is not an amount in 万元
                    overall.append(
                        _overall(
                            row.line,
                            section="总体资金情况",
                            group=group,
                            item=item,
                            measure=g if m_year else (measure or g),
                            year=m_year.group(1) if m_year else year,
                            amount=cells.amount(c, row.line)
                            if cells.looks_like_amount(c) and not share
                            else None,
                            value=None if cells.looks_like_amount(c) and not share else num_or_text(c),
                        )
                    )
            else:
                item = cells.label(cols[0][1])
                for i, c in cols[1:]:
                    _, measure = _column_label([header[0]], i - 1)
                    measure = measure or _column_label([header[0]], i - 1)[0]
                    overall.append(
                        _overall(
                            row.line,
                            section="项目支出情况",
                            item=item,
                            measure=measure,
                            year=year,
                            amount=cells.amount(c, row.line) if cells.looks_like_amount(c) else None,
                            value=None if cells.looks_like_amount(c) else text(c),
                        )
                    )
            continue
        if block == "goal_text":
            for i, c in filled:
                label = None
                for j in range(min(i, len(header[0]) - 1), -1, -1):
                    if header[0][j].strip() and j > 0:
                        label = cells.label(header[0][j])
                        break
                label = label or cells.label(next(h for h in header[0][1:] if h.strip()))
                if label in goal_texts:
                    goal_texts[label]["value"] += text(c) or ""
                else:
                    goal_texts[label] = _overall(
                        row.line, section="整体绩效总目标", item=label, value=text(c)
                    )
                    overall.append(goal_texts[label])
            continue
        raise CellError(
            "line of the 整体支出绩效目标表 not understood",
            line=row.line,
            hint="add its first-cell label to overall_form in vocab/performance.json",
        )
    return {"performance_overall": overall, "performance_indicators": indicators}


def extract(table: RawTable) -> dict[str, list[dict]]:
    form = _is_form(table)
    if table.kind == "performance_projects":
        out = _form_projects(table) if form else _grid_projects(table)
        out.setdefault("performance_project_lines", [])
        names = _field_names("performance_projects")
        out["performance_projects"] = [{k: p.get(k) for k in names} for p in out["performance_projects"]]
        return out
    if table.kind == "performance_overall":
        return _form_overall(table) if form else _grid_overall(table)
    raise CellError(f"kind {table.kind!r} is not a performance table")
