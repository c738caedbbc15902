"""资产配置预算表 (武汉 表13) -> one row per asset line, plus the unlabeled summary rows at the top.

Codes come in brackets (`[2010399]…`, `[A3]设备`, `[A02021301]碎纸机`, `[30201]办公费`). The rows
before the first asset carry figures but no label: the first is the table's total, the others are
subtotals (by project and by function class in 武汉's layout); they are kept as published.
"""

from __future__ import annotations

from scripts.errors import CellError
from scripts.extract.cells import amount, code_name, to_wan
from scripts.extract.model import RawTable
from scripts.extract.tables._columns import cell, map_columns, split_header, text, vocab

KINDS = ("asset_allocation",)
SCHEMAS = {"asset_allocation": "asset_allocation"}
LABELS = ("project_name", "function", "asset_class", "asset_name")
AMOUNTS = ("unit_price", "amount", "approved_unit_price", "approved_amount")
COUNTS = ("quantity", "establishment_count", "requested_quantity", "approved_quantity")
CODED = {
    "function": ("function_code", "function_name"),
    "asset_class": ("asset_class_code", "asset_class_name"),
    "asset_category": ("asset_category_code", "asset_category_name"),
    "dept_economic": ("dept_economic_code", "dept_economic_name"),
}


def extract(table: RawTable) -> dict[str, list[dict]]:
    header, data = split_header(table)
    columns = map_columns(header, vocab("asset_allocation_columns")["columns"])
    if data and "amount" not in columns:
        raise CellError(
            "the asset table has no 金额 column",
            line=table.title_line,
            expected="a header naming 总金额",
            hint="extend vocab/asset_allocation_columns.json",
        )
    rows: list[dict] = []
    for row in data:
        labelled = any(cell(row, columns.get(f)) for f in LABELS)
        row_type = "item" if labelled else ("total" if not rows else "subtotal")
        out: dict = {"row_type": row_type, "project_name": text(row, columns.get("project_name"))}
        for field, (code_field, name_field) in CODED.items():
            code, name = code_name(cell(row, columns.get(field)))
            out[code_field], out[name_field] = code, name or None
        out["asset_name"] = text(row, columns.get("asset_name"))
        out["standard_name"] = text(row, columns.get("standard_name"))
        for field in COUNTS:
            out[field] = amount(cell(row, columns.get(field)), row.line)
        for field in AMOUNTS:
            out[field] = to_wan(amount(cell(row, columns.get(field)), row.line), table.unit)
        out["fund_source"] = text(row, columns.get("fund_source"))
        out["fund_nature"] = text(row, columns.get("fund_nature"))
        out["unit_original"] = table.unit
        out["source_line"] = row.line
        rows.append(out)
    if all(all(r[f] is None for f in AMOUNTS + COUNTS) for r in rows):
        return {"asset_allocation": []}
    return {"asset_allocation": rows}
