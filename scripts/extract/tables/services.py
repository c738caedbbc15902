"""政府购买服务预算表 -> one row per purchased service, plus the 合计 row.

北京 lists the 指导性目录 levels, 服务领域 and 预算金额; 武汉 表12 adds project, content, quantity,
fund source/nature and the function and economic classifications (`[2010399]…`). Every seed publishes
this table empty, so the fields follow the headers; a table without a single figure yields no rows.
"""

from __future__ import annotations

from scripts.extract.cells import amount, code_name, to_wan
from scripts.extract.model import RawTable
from scripts.extract.tables._columns import (
    TOTAL_LABELS,
    cell,
    first_text,
    map_columns,
    split_header,
    text,
    vocab,
)

KINDS = ("purchase_of_services",)
SCHEMAS = {"purchase_of_services": "purchase_of_services"}


def extract(table: RawTable) -> dict[str, list[dict]]:
    header, data = split_header(table)
    columns = map_columns(header, vocab("services_columns")["columns"])
    rows: list[dict] = []
    for row in data:
        function_code, function_name = code_name(cell(row, columns.get("function")))
        econ_code, econ_name = code_name(cell(row, columns.get("dept_economic")))
        digits = amount(cell(row, columns.get("amount")), row.line)
        rows.append(
            {
                "row_type": "total" if first_text(row.cells) in TOTAL_LABELS else "item",
                "catalog_level1": text(row, columns.get("catalog_level1")),
                "catalog_level2": text(row, columns.get("catalog_level2")),
                "catalog_level3": text(row, columns.get("catalog_level3")),
                "service_area": text(row, columns.get("service_area")),
                "project_name": text(row, columns.get("project_name")),
                "service_content": text(row, columns.get("service_content")),
                "includes_procurement": text(row, columns.get("includes_procurement")),
                "quantity": amount(cell(row, columns.get("quantity")), row.line),
                "amount": to_wan(digits, table.unit),
                "unit_original": table.unit,
                "fund_source": text(row, columns.get("fund_source")),
                "fund_nature": text(row, columns.get("fund_nature")),
                "function_code": function_code,
                "function_name": function_name or None,
                "dept_economic_code": econ_code,
                "dept_economic_name": econ_name or None,
                "source_line": row.line,
            }
        )
        if rows[-1]["row_type"] == "total":
            rows[-1]["catalog_level1"] = "合计"
    if all(r["amount"] is None and r["quantity"] is None for r in rows):
        return {"purchase_of_services": []}
    return {"purchase_of_services": rows}
