"""一般公共预算 / 政府性基金预算 / 国有资本经营预算（财政拨款）支出表: expenditure by functional class,
split into 基本支出 (人员经费 / 公用经费) and 项目支出.

北京 variants carry a 单位名称 column (`063001-北京市…`), some (朝阳) economic classification columns;
武汉 lists 类/款/项 rows with codes in their own column. A row naming only a unit (西城 政府性基金表)
is that unit's subtotal.
"""

from __future__ import annotations

from scripts.extract.model import RawTable
from scripts.extract.tables import _financial

KINDS = (
    "general_budget_expenditure",
    "gov_fund_expenditure",
    "state_capital_expenditure",
    "fiscal_expenditure",
)
SCHEMAS = {kind: "functional_expenditure" for kind in KINDS}
AMOUNTS = ("total", "basic", "personnel", "public_admin", "project", "project_excl_capital")


def extract(table: RawTable) -> dict[str, list[dict]]:
    fields, data = _financial.column_map(table, "functional")
    out: list[dict] = []
    for row in data:
        u_code, u_name = _financial.code_text(row, fields, "unit")
        f_code, f_name = _financial.code_text(row, fields, "function")
        g_code, g_name = _financial.code_text(row, fields, "gov_economic")
        d_code, d_name = _financial.code_text(row, fields, "dept_economic")
        if u_name is None and f_code is None and f_name is None:
            f_name = _financial.row_label(row) or None
        row_type = _financial.function_row_type(f_code, f_name)
        if f_code is None and f_name is None and u_name is not None:
            row_type = "subtotal"
        record = {
            "unit_code": u_code,
            "unit_name": u_name,
            "function_code": f_code,
            "function_name": f_name,
            "function_level": _financial.level_of(f_code),
            "gov_economic_code": g_code,
            "gov_economic_name": g_name,
            "dept_economic_code": d_code,
            "dept_economic_name": d_name,
            "row_type": row_type,
        }
        out.append(_financial.finish(record, row, fields, AMOUNTS, table))
    return _financial.result(table, out, AMOUNTS)
