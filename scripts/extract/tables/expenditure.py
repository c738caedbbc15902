"""支出总表 / 支出预算总表: expenditure by function (and, in 北京, by economic classification) split into
基本支出 / 项目支出 and the 其中 columns.

北京 rows are `2080501-行政单位离退休 | 50299-… | 30299-…` (code and name in one cell, 项 level only);
武汉 rows put 科目编码 and 科目名称 in their own columns and include 类/款 rows, kept as row_type class.
"""

from __future__ import annotations

from scripts.extract.model import RawTable
from scripts.extract.tables import _financial

KINDS = ("expenditure_summary",)
SCHEMAS = {"expenditure_summary": "expenditure"}
AMOUNTS = (
    "total",
    "basic",
    "project",
    "reserve",
    "carry_forward",
    "operating",
    "remit_to_higher",
    "subsidy_to_subordinate",
)


def extract(table: RawTable) -> dict[str, list[dict]]:
    fields, data = _financial.column_map(table, "expenditure")
    out: list[dict] = []
    for row in data:
        f_code, f_name = _financial.code_text(row, fields, "function")
        g_code, g_name = _financial.code_text(row, fields, "gov_economic")
        d_code, d_name = _financial.code_text(row, fields, "dept_economic")
        if f_code is None and f_name is None:
            f_name = _financial.row_label(row) or None
        record = {
            "function_code": f_code,
            "function_name": f_name,
            "function_level": _financial.level_of(f_code),
            "gov_economic_code": g_code,
            "gov_economic_name": g_name,
            "dept_economic_code": d_code,
            "dept_economic_name": d_name,
            "row_type": _financial.function_row_type(f_code, f_name),
        }
        out.append(_financial.finish(record, row, fields, AMOUNTS, table))
    if len(out) == 1 and out[0]["function_code"] is None and out[0]["function_name"] is None:
        out[0]["row_type"] = "total"  # one unlabelled row (江苏 支出预算总表): the table's total
    return _financial.result(table, out, AMOUNTS)
