"""政府采购预算明细表 -> one row per 采购类别 (A 货物 / B 工程 / C 服务) plus the 合计 row."""

from __future__ import annotations

import re

from scripts.errors import CellError
from scripts.extract.cells import amount, code_name, to_wan
from scripts.extract.model import RawTable
from scripts.extract.tables._columns import TOTAL_LABELS, cell, map_columns, split_header, squeeze, vocab

KINDS = ("procurement",)
SCHEMAS = {"procurement": "procurement", "procurement_items": "procurement_items"}
DETAIL = ("project_name", "economic_name", "item_name", "method")
# `一、货物A` / `货物` / `A-货物`: a category row of a detailed table
CATEGORY = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．])?\s*(货物|工程|服务)\s*([ABC])?$")


def extract(table: RawTable) -> dict[str, list[dict]]:
    spec = vocab("procurement_columns")
    header, data = split_header(table)
    columns = map_columns(header, spec["columns"])
    names = spec["categories"]
    codes = {v: k for k, v in names.items()}
    if data and "amount" not in columns:
        raise CellError(
            "the procurement table has no amount column",
            line=table.title_line,
            expected="a header naming 金额",
            hint="extend vocab/procurement_columns.json",
        )
    if any(f in columns for f in DETAIL):
        return _detailed(table, columns, data, codes)
    rows: list[dict] = []
    for row in data:
        raw = cell(row, columns.get("category", 0))
        code, name = code_name(raw)
        if squeeze(raw) in TOTAL_LABELS:
            row_type, code, name = "total", None, "合计"
        else:
            row_type = "item"
            if code is None and name in codes:  # a category published by name only
                code = codes[name]
            if code is not None and code not in names:
                raise CellError(
                    f"unknown procurement category {raw!r}",
                    line=row.line,
                    expected="A-货物, B-工程 or C-服务",
                    hint="extend vocab/procurement_columns.json",
                )
        digits = amount(cell(row, columns["amount"]), row.line)
        rows.append(
            {
                "row_type": row_type,
                "category_code": code,
                "category_name": name or (names.get(code) if code else None),
                "amount": to_wan(digits, table.unit),
                "unit_original": table.unit,
                "source_line": row.line,
            }
        )
    if all(r["amount"] is None for r in rows):
        return {"procurement": []}
    return {"procurement": rows}


def _detailed(
    table: RawTable, columns: dict[str, int], data: list, codes: dict[str, str]
) -> dict[str, list[dict]]:
    """Category and total rows -> procurement; the project and item lines under them -> procurement_items."""
    spec = vocab("procurement_columns")["categories"]
    rows: list[dict] = []
    items: list[dict] = []
    category = None
    project: dict | None = None
    for row in data:
        raw = cell(row, columns.get("category"))
        digits = amount(cell(row, columns["amount"]), row.line)
        texts = {f: cell(row, columns.get(f)) for f in DETAIL}
        if raw is not None:
            match = CATEGORY.match(squeeze(raw))
            if squeeze(raw) in TOTAL_LABELS:
                code, name, row_type = None, "合计", "total"
            elif match:
                name = match.group(1)
                code, row_type = match.group(2) or codes[name], "item"
            else:
                raise CellError(
                    f"unknown procurement category {raw!r}",
                    line=row.line,
                    expected="货物, 工程 or 服务 (A, B, C), or 合计",
                    hint="extend vocab/procurement_columns.json",
                )
            category = code
            project = None
            rows.append(
                {
                    "row_type": row_type,
                    "category_code": code,
                    "category_name": name if code is None else spec[code],
                    "amount": to_wan(digits, table.unit),
                    "unit_original": table.unit,
                    "source_line": row.line,
                }
            )
            continue
        if not any(texts.values()) and digits is None:
            continue
        is_project = texts["project_name"] is not None or (
            texts["item_name"] is None and texts["method"] is None
        )
        record = {
            "seq": len(items) + 1,
            "level": "project" if is_project else "item",
            "category_code": category,
            "project_name": texts["project_name"] if is_project else (project or {}).get("project_name"),
            "economic_name": texts["economic_name"] if is_project else (project or {}).get("economic_name"),
            "item_name": texts["item_name"],
            "method": texts["method"],
            "amount": to_wan(digits, table.unit),
            "unit_original": table.unit,
            "source_line": row.line,
        }
        if is_project:
            project = record
        items.append(record)
    if all(r["amount"] is None for r in rows + items):
        return {"procurement": []}
    return {"procurement": rows, "procurement_items": items}
