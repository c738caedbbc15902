"""收入总表 / 收入汇总表: one row per budget unit, one amount column per source of funds.

Columns are named by header words (vocab/financial_columns.json, section `income`). A unit whose code
prefixes another unit's code (部门 063 over 单位 063001) is a subtotal; the 合计 row, or a lone row
without any unit (北京 003 has no unit columns at all), is the total.
"""

from __future__ import annotations

from scripts.errors import CellError
from scripts.extract.model import RawTable
from scripts.extract.tables import _columns, _financial

KINDS = ("income_summary",)
SCHEMAS = {"income_summary": "income"}
AMOUNTS = tuple(
    r["field"]
    for r in _columns.vocab("financial_columns")["income"]
    if r["field"] not in ("unit_code", "unit_name")
)


def extract(table: RawTable) -> dict[str, list[dict]]:
    fields, data = _financial.column_map(table, "income")
    out: list[dict] = []
    for row in data:
        code = _columns.cell(row, fields.get("unit_code"))
        name = _columns.text(row, fields.get("unit_name"))
        if code is not None:
            code = code.replace(" ", "")
            if not code.isdigit():
                if _financial.is_total_label(code):
                    code, name = None, name or "合计"
                else:
                    raise CellError(
                        f"unit code {code!r} is not digits",
                        line=row.line,
                        expected="a unit code such as 063001",
                        hint="check the columns of this row",
                    )
        record = {"unit_code": code, "unit_name": name, "row_type": "total" if code is None else "item"}
        out.append(_financial.finish(record, row, fields, AMOUNTS, table))
    codes = [r["unit_code"] for r in out if r["unit_code"]]
    for record in out:
        code = record["unit_code"]
        if code and any(other != code and other.startswith(code) for other in codes):
            record["row_type"] = "subtotal"
    return _financial.result(table, out, AMOUNTS)
