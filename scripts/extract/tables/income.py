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
# A tall 收入预算总表 (江苏: 项目名称 over two label columns | 金额, 小计 rows per source) has its own shape.
SCHEMAS = {"income_summary": "income", "income_lines": "income_lines"}
AMOUNTS = tuple(
    dict.fromkeys(
        r["field"]
        for r in _columns.vocab("financial_columns")["income"]
        if not r["field"].startswith(("unit_", "function_"))
    )
)


def _tall(table: RawTable) -> tuple[list[int], int, list] | None:
    """Label columns and the one amount column of a tall table (项目名称 … | 金额), else None."""
    header, data = _columns.split_header(table)
    columns = _columns.combine(header)
    amounts = [i for i, parts in enumerate(columns) if parts and parts[-1] in ("金额", "预算数")]
    if len(amounts) != 1 or not any("项目" in "".join(p) for p in columns[: amounts[0]]):
        return None
    return list(range(amounts[0])), amounts[0], data


def _lines(table: RawTable, labels: list[int], amount_col: int, data: list) -> dict[str, list[dict]]:
    out: list[dict] = []
    group = None
    for row in data:
        texts = [_columns.text(row, i) for i in labels]
        named = [t for t in texts if t]
        if not named:
            if _columns.cell(row, amount_col) is not None:
                raise CellError(
                    f"amount {_columns.cell(row, amount_col)!r} without a line label",
                    line=row.line,
                    expected="项目名称 | 金额",
                    hint="check the columns of this row",
                )
            continue
        if len(labels) > 1 and texts[0]:
            group = texts[0]  # the first column names a group of lines (a cell merged down)
        item = named[-1]
        words = _columns.squeeze(item)
        if len(named) == 1 and texts[0] and ("总计" in words or "合计" in words):
            row_type, group = "total", None
        elif words in ("小计", "合计") or words.endswith("小计"):
            row_type = "subtotal"
        else:
            row_type = "item"
        record = {
            "seq": len(out) + 1,
            "group": group if row_type != "total" else None,
            "item": item,
            "row_type": row_type,
        }
        out.append(_financial.finish(record, row, {"amount": amount_col}, ("amount",), table))
    filled = any(r["amount"] is not None for r in out)
    return {"income_lines": out if filled else []}


def extract(table: RawTable) -> dict[str, list[dict]]:
    tall = _tall(table)
    if tall is not None:
        return _lines(table, *tall)
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
        f_code, f_name = _financial.code_text(row, fields, "function")
        record = {"unit_code": code, "unit_name": name, "row_type": "total" if code is None else "item"}
        if f_code is not None or f_name is not None:
            # rows by 功能分类科目 (national template): 类/款 rows sum the rows under them
            label = f_name or _financial.row_label(row)
            record.update(
                function_code=f_code,
                function_name=f_name,
                function_level=_financial.level_of(f_code),
                row_type=_financial.function_row_type(f_code, label),
            )
        out.append(_financial.finish(record, row, fields, AMOUNTS, table))
    codes = [r["unit_code"] for r in out if r["unit_code"]]
    for record in out:
        code = record["unit_code"]
        if code and any(other != code and other.startswith(code) for other in codes):
            record["row_type"] = "subtotal"
    return _financial.result(table, out, AMOUNTS)
