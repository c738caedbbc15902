"""Row building shared by the core financial tables (收入总表, 支出总表, 功能分类支出表, 基本支出表).

Columns are named by the header words in vocab/financial_columns.json (via _columns.map_columns);
this module turns one data row into a dict: code+name cells split, amounts kept as published digits
(converted to 万元 only when the table is in 元), the row classified as item / class / subtotal / total.
"""

from __future__ import annotations

from scripts.errors import CellError
from scripts.extract.cells import amount, code_name, is_blank, label, looks_like_amount, to_wan
from scripts.extract.model import RawTable, Row
from scripts.extract.tables import _columns

# Fields holding code and name in one cell (北京 `2120101-行政运行`); split into <x>_code / <x>_name.
PAIRED = ("unit", "function", "gov_economic", "dept_economic")
TEXT_SUFFIXES = ("_code", "_name")
LEVELS = {3: "类", 5: "款", 7: "项"}


def column_map(table: RawTable, section: str) -> tuple[dict[str, int], list[Row]]:
    """Field -> column index, and the data rows. Raises when an amount column has no name."""
    header, data = _columns.split_header(table)
    fields = _columns.map_columns(header, _columns.vocab("financial_columns")[section])
    width = max((len(r.cells) for r in data), default=0)
    named = set(fields.values())
    for row in data:
        for index in range(width):
            if index not in named and index < len(row.cells) and looks_like_amount(row.cells[index]):
                raise CellError(
                    f"amount {row.cells[index]!r} sits in column {index + 1}, which no header word names",
                    line=row.line,
                    expected="a header naming every amount column",
                    hint=f"add the header words to the `{section}` rules in scripts/extract/vocab/financial_columns.json",
                )
    return fields, data


def code_text(row: Row, fields: dict[str, int], name: str) -> tuple[str | None, str | None]:
    """(code, name) for a paired field or for separate <name>_code / <name>_name columns."""
    if name in fields:
        raw = _columns.cell(row, fields[name])
        if raw is None:
            return None, None
        code, text = code_name(raw)
    elif f"{name}_lei" in fields and f"{name}_code" not in fields:
        # one code printed over 类 | 款 | 项 columns: 201 | 13 | 01 is 2011301
        parts = [_columns.cell(row, fields.get(f"{name}_{level}")) for level in ("lei", "kuan", "xiang")]
        code = "".join(p.replace(" ", "") for p in parts if p is not None) or None
        text = _columns.text(row, fields.get(f"{name}_name"))
    else:
        code = _columns.cell(row, fields.get(f"{name}_code"))
        text = _columns.text(row, fields.get(f"{name}_name"))
    if code is not None and _columns.squeeze(code) in _columns.TOTAL_LABELS:
        return None, text or _columns.squeeze(code)  # 合计 printed in the code column
    if code is not None:
        code = code.replace(" ", "")
        if code.isdigit() and name == "function" and len(code) not in LEVELS:
            raise CellError(
                f"function code {code!r} has {len(code)} digits",
                line=row.line,
                expected="a 功能分类 code of 3 (类), 5 (款) or 7 (项) digits",
                hint="check that the code column lines up with the header, or that the code was not cut",
            )
        if not code.isdigit():  # e.g. a procurement row `C-服务` inside this table: the schema wants digits
            raise CellError(
                f"code {code!r} is not digits",
                line=row.line,
                expected="a numeric code such as 2010350",
                hint="check that the code column lines up with the header",
            )
    return code, text or None


def amounts(
    row: Row, fields: dict[str, int], names: tuple[str, ...], table: RawTable
) -> dict[str, str | None]:
    return {n: to_wan(amount(_columns.cell(row, fields.get(n)), row.line), table.unit) for n in names}


def is_total_label(text: str | None) -> bool:
    return _columns.squeeze(text) in _columns.TOTAL_LABELS


def function_row_type(code: str | None, label: str | None) -> str:
    """total for 合计; class for 类/款 (3/5 digits); item for 项 (7 digits) and anything finer."""
    if code is None:
        return "total" if is_total_label(label) else "subtotal"
    return "class" if len(code) < 7 else "item"


def row_label(row: Row) -> str:
    """The first non-amount text of a row (合 计 → 合计)."""
    for cell in row.cells:
        if not is_blank(cell) and not looks_like_amount(cell):
            return label(cell)
    return ""


def finish(record: dict, row: Row, fields: dict[str, int], names: tuple[str, ...], table: RawTable) -> dict:
    """Add the amounts, the original unit and the source line to a row's codes and names."""
    record.update(amounts(row, fields, names, table))
    record["unit_original"] = table.unit
    record["source_line"] = row.line
    return record


def result(table: RawTable, rows: list[dict], names: tuple[str, ...]) -> dict[str, list[dict]]:
    """The resource; a table whose rows carry no amount at all is published empty."""
    filled = any(r.get(f) is not None for r in rows for f in names)
    return {table.kind: rows if filled else []}


def level_of(code: str | None) -> str | None:
    return LEVELS.get(len(code)) if code else None


def unit_original(table: RawTable) -> str:
    return table.unit
