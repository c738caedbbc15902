"""项目支出表 (武汉 表10) -> one row per line of the hierarchy: 合计, 部门 (143), 单位 (143001),
项目类别 (31 本级支出项目) and the projects (42010726143T000000100), with the amounts by fund source."""

from __future__ import annotations

import re

from scripts.errors import CellError
from scripts.extract.cells import amount, to_wan
from scripts.extract.model import RawTable
from scripts.extract.tables._columns import (
    TOTAL_LABELS,
    cell,
    map_columns,
    split_header,
    squeeze,
    text,
    vocab,
)

KINDS = ("project_expenditure",)
SCHEMAS = {"project_expenditure": "project_expenditure"}
AMOUNTS = (
    "total",
    "current_general",
    "current_gov_fund",
    "current_state_capital",
    "carryover_general",
    "carryover_gov_fund",
    "carryover_state_capital",
    "special_account",
    "unit_funds",
)


def _level(code: str | None, name: str | None, line: int) -> tuple[str, str]:
    if code is None:
        if name is None or squeeze(name) in TOTAL_LABELS:
            return "total", "total"
        raise CellError(
            f"project row {name!r} has no code",
            line=line,
            expected="a 项目编码 in the first column",
            hint="check the columns of this row against the header",
        )
    for entry in vocab("project_expenditure_columns")["levels"]:
        if re.search(entry["pattern"], code):
            return entry["level"], entry["row_type"]
    raise CellError(
        f"code {code!r} is neither a department, unit, category nor project code",
        line=line,
        expected="3 or 6 digits, a 1–2 digit category, or a project code",
        hint="extend `levels` in vocab/project_expenditure_columns.json",
    )


def extract(table: RawTable) -> dict[str, list[dict]]:
    header, data = split_header(table)
    columns = map_columns(header, vocab("project_expenditure_columns")["columns"])
    if data and "total" not in columns:
        raise CellError(
            "the project table has no 合计 column",
            line=table.title_line,
            expected="a header naming 合计",
            hint="extend vocab/project_expenditure_columns.json",
        )
    rows: list[dict] = []
    for row in data:
        raw_code = cell(row, columns.get("code"))
        code = squeeze(raw_code) or None
        name = text(row, columns.get("name"))
        level, row_type = _level(code, name, row.line)
        out = {
            "row_type": row_type,
            "level": level,
            "code": code,
            "name": "合计" if level == "total" else name,
            "unit_name": text(row, columns.get("unit_name")),
        }
        for field in AMOUNTS:
            out[field] = to_wan(amount(cell(row, columns.get(field)), row.line), table.unit)
        out["unit_original"] = table.unit
        out["source_line"] = row.line
        rows.append(out)
    if all(all(r[f] is None for f in AMOUNTS) for r in rows):
        return {"project_expenditure": []}
    return {"project_expenditure": rows}
