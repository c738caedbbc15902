"""一般公共预算（财政拨款）基本支出表: basic expenditure by economic classification, split into
人员经费 and 公用经费.

北京 gives 政府支出经济分类 and 部门支出经济分类 as `50101-工资奖金津补贴 | 30101-基本工资`;
武汉 only 部门预算支出经济分类, hierarchical (类 301 → 款 30101) with code and name in their own columns;
类 rows are kept as row_type class.
"""

from __future__ import annotations

from scripts.extract.model import RawTable
from scripts.extract.tables import _financial

# 财政拨款基本支出表 and 机关运行经费支出表 list economic classes like the 基本支出表 (one 金额 column).
KINDS = ("basic_expenditure", "fiscal_basic_expenditure", "operating_expenses")
SCHEMAS = {kind: "basic_expenditure" for kind in KINDS}
AMOUNTS = ("total", "personnel", "public_admin")


def extract(table: RawTable) -> dict[str, list[dict]]:
    fields, data = _financial.column_map(table, "basic")
    out: list[dict] = []
    for row in data:
        g_code, g_name = _financial.code_text(row, fields, "gov_economic")
        d_code, d_name = _financial.code_text(row, fields, "dept_economic")
        if g_code is None and d_code is None:
            row_type = "total" if _financial.is_total_label(_financial.row_label(row)) else "subtotal"
            d_name = d_name or _financial.row_label(row) or None
        else:
            # a 3-digit 部门经济分类 code is a 类 that sums the 款 below it (武汉 301 → 30101)
            row_type = "class" if d_code is not None and len(d_code) == 3 else "item"
        record = {
            "gov_economic_code": g_code,
            "gov_economic_name": g_name,
            "dept_economic_code": d_code,
            "dept_economic_name": d_name,
            "row_type": row_type,
        }
        out.append(_financial.finish(record, row, fields, AMOUNTS, table))
    return _financial.result(table, out, AMOUNTS)
