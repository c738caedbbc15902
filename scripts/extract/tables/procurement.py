"""政府采购预算明细表 -> one row per 采购类别 (A 货物 / B 工程 / C 服务) plus the 合计 row."""

from __future__ import annotations

from scripts.errors import CellError
from scripts.extract.cells import amount, code_name, to_wan
from scripts.extract.model import RawTable
from scripts.extract.tables._columns import TOTAL_LABELS, cell, map_columns, split_header, squeeze, vocab

KINDS = ("procurement",)
SCHEMAS = {"procurement": "procurement"}


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
