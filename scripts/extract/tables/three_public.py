"""“三公”经费支出表 -> one row per published part (total, overseas, reception, vehicles and its two parts).

A long table because publishers order the parts differently (北京: 总额|出国|接待|公务用车…; 武汉:
合计|出国|公务用车 小计/购置/运行|接待) and 000 even drops the 小计 column and adds a 年度 column.
Amounts are converted to 万元 exactly; the published digits and unit stay in amount_original/unit_original.
"""

from __future__ import annotations

import re

from scripts.errors import CellError
from scripts.extract.cells import amount, looks_like_amount, to_wan
from scripts.extract.model import RawTable
from scripts.extract.tables._columns import cell, map_columns, split_header, vocab

KINDS = ("three_public",)
SCHEMAS = {"three_public": "three_public"}
YEAR = re.compile(r"(20\d\d)\s*年")
GRAND_TOTAL = {"field": "grand_total", "name": "合计（“三公”经费、会议费、培训费）", "row_type": "total"}
ORDER = [
    "grand_total",
    "total",
    "overseas",
    "reception",
    "vehicles",
    "vehicle_purchase",
    "vehicle_operation",
    "meeting",
    "training",
]


def extract(table: RawTable) -> dict[str, list[dict]]:
    rules = vocab("three_public_columns")["columns"]
    header, data = split_header(table)
    columns = map_columns(header, rules)
    if "three_public_subtotal" in columns:
        # 合计 | “三公”经费 (小计 …) | 会议费 | 培训费: the first 合计 sums all three
        if "total" in columns:
            columns["grand_total"] = columns["total"]
        columns["total"] = columns.pop("three_public_subtotal")
    parts = [r for r in rules if r["field"] not in ("year", "three_public_subtotal")] + [GRAND_TOTAL]
    named = set(columns.values())
    for row in data:
        for index, text in enumerate(row.cells):
            if index not in named and looks_like_amount(text):
                raise CellError(
                    f"amount {text!r} sits in column {index + 1}, which no header word names",
                    line=row.line,
                    expected="a header naming every amount column",
                    hint="add the header words to vocab/three_public_columns.json",
                )
    if data and "total" not in columns:
        raise CellError(
            "the “三公” table has no 合计/总额 column",
            line=table.title_line,
            expected="a header naming 总额 or 合计",
            hint="add the header words to vocab/three_public_columns.json",
        )
    title_year = YEAR.search(table.title)
    rows: list[dict] = []
    for row in data:
        year = cell(row, columns.get("year")) or (title_year.group(1) if title_year else None)
        seen: set[str] = set()
        for rule in parts:
            part = rule["field"]
            if part in seen or part not in columns:
                continue
            seen.add(part)
            digits = amount(cell(row, columns[part]), row.line)
            rows.append(
                {
                    "part": part,
                    "part_name": rule["name"],
                    "row_type": rule["row_type"],
                    "year": year,
                    "amount": to_wan(digits, table.unit),
                    "amount_original": digits,
                    "unit_original": table.unit,
                    "source_line": row.line,
                }
            )
    # A table of blanks only (no figure at all) is published as empty.
    if rows and all(r["amount"] is None for r in rows):
        return {"three_public": []}
    rows.sort(key=lambda r: (r["source_line"], ORDER.index(r["part"])))
    return {"three_public": rows}
