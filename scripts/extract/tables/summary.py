"""收支总表 and 财政拨款收支总表: two-sided tables, income lines on the left, expenditure lines on the right.

Each side becomes its own sequence of lines (side, seq). A line is classified by its words
(vocab/summary_items.json): grand total, 本年 subtotal, carryover block, income source; expenditure
lines are 类 of the functional classification and get their 3-digit code from vocab/function_classes.json.
Blocks: a line such as `一、本年收入` or `二、上年结转` opens a block; the following lines of that side
are its parts (parent_seq, level 2) until the next total/subtotal/carryover line.
"""

from __future__ import annotations

from functools import cache

from scripts.errors import CellError
from scripts.extract.cells import amount, enumerator_level, is_blank, split_enumerator, to_wan
from scripts.extract.model import RawTable, Row
from scripts.extract.tables import _columns
from scripts.extract.tables._columns import LEFTOVER

KINDS = ("budget_summary", "fiscal_summary")
SCHEMAS = {"budget_summary": "two_sided_summary", "fiscal_summary": "two_sided_summary"}
SIDES = ("income", "expenditure", "expenditure_use")


@cache
def _classes() -> dict[str, str | None]:
    """类 name -> 3-digit code; names without a code (往来性支出) map to None."""
    data = _columns.vocab("function_classes")
    names: dict[str, str | None] = {c["name"]: c["code"] for c in data["classes"]}
    names.update({n: None for n in data.get("unclassified", [])})
    return names


def _line_rule(item: str, side: str) -> dict | None:
    words = _columns.squeeze(item)
    for rule in _columns.vocab("summary_items")["lines"]:
        if rule.get("side", side) != side:
            continue
        if words in rule.get("equals", []) or any(w in words for w in rule.get("any", [])):
            return rule
    return None


def _columns_of(header: list[Row]) -> list[tuple[str, int, int]]:
    """(side, label column, amount column) per side.

    北京 `项目 | 预算数 | 项目 | 预算数` gives income then expenditure. Other publishers name the label
    columns differently (项目名称, 功能科目名称) and may print expenditure twice, by function (功能分类) and
    by use (支出用途: 基本支出, 项目支出 …): the side is read from the words above each label column.
    """
    for row in header:
        cells = [_columns.squeeze(c) for c in row.cells]
        labels = [i for i, c in enumerate(cells) if c == "项目"]
        if len(labels) == 2:
            return [("income", labels[0], labels[0] + 1), ("expenditure", labels[1], labels[1] + 1)]
    words = _columns.vocab("summary_items")
    columns = _columns.combine(header)
    pairs: list[tuple[str, int, int]] = []
    for i, parts in enumerate(columns):
        if not parts or parts[-1] not in words["label_words"]:
            continue
        amount_col = next(
            (j for j in range(i + 1, len(columns)) if columns[j] and columns[j][-1] in words["amount_words"]),
            None,
        )
        if amount_col is None:
            continue
        above = "".join(parts)
        side = next((r["side"] for r in words["side_words"] if any(w in above for w in r["any"])), None)
        pairs.append((side, i, amount_col))
    if len(pairs) < 2:
        return [("income", 0, 1), ("expenditure", 2, 3)]
    defaults = iter(SIDES)
    return [(side or next(defaults), label, amount) for side, label, amount in pairs]


def _split(table: RawTable) -> tuple[list[Row], list[Row]]:
    words = set(_columns.vocab("summary_items")["header_words"])
    for i, row in enumerate(table.rows):
        texts = [_columns.squeeze(c) for c in row.cells if not is_blank(c)]
        if texts and not all(t in words for t in texts):
            return table.rows[:i], table.rows[i:]
    return table.rows, []


def _parent(rows: list[dict], row: dict) -> dict | None:
    return rows[row["parent_seq"] - 1] if row.get("parent_seq") else None


def extract(table: RawTable) -> dict[str, list[dict]]:
    header, data = _split(table)
    positions = _columns_of(header)
    classes = _classes()
    by_side: dict[str, list[dict]] = {side: [] for side, _, _ in positions}
    blocks: dict[str, dict | None] = {side: None for side, _, _ in positions}  # the line opening a block
    used = {c for _, label_col, amount_col in positions for c in (label_col, amount_col)}
    leftover: list[dict] = []
    for row in data:
        in_row: list[dict] = []
        for side, label_col, amount_col in positions:
            raw = row.cells[label_col] if label_col < len(row.cells) else ""
            cell = row.cells[amount_col] if amount_col < len(row.cells) else ""
            if is_blank(raw):
                if is_blank(cell):
                    continue
                # A label merged over both expenditure sides (当年支出小计) leaves its figure under the
                # last side's amount column: it belongs to that label, printed once.
                owner = next(
                    (r for r in reversed(in_row) if r["amount"] is None and r["side"][:5] == side[:5]), None
                )
                if owner is None:
                    raise CellError(
                        f"amount {cell!r} without a line label",
                        line=row.line,
                        expected="项目 | 预算数 pairs",
                        hint="check the columns of this row",
                    )
                owner["amount"] = to_wan(amount(cell, row.line), table.unit)
                continue
            item_no, item = split_enumerator(raw)
            rule = _line_rule(item, "expenditure" if side.startswith("expenditure") else side)
            row_type = rule.get("row_type", "item") if rule else "item"
            class_code = None
            if side == "expenditure" and row_type == "item":
                class_code = classes.get(_columns.squeeze(item))
            parent = None
            block = blocks[side]
            if rule and "opens" in rule:
                block = None
            if row_type == "item" and block is not None:
                parent = block
                if block["row_type"] == "carryover":
                    row_type = "carryover"
            elif rule and rule.get("row_type") in ("total", "subtotal", "carryover"):
                block = None
            elif row_type == "item" and enumerator_level(raw) == 3:
                # `1.一般公共预算` under `一、财政拨款`: a numbered part of the last `一、` line above it
                prev = by_side[side][-1] if by_side[side] else None
                top = (
                    prev
                    if prev and prev["enumerator_level"] == 1
                    else (prev and _parent(by_side[side], prev))
                )
                if top and top["enumerator_level"] == 1 and top["row_type"] == "item":
                    parent = top
            record = {
                "side": side,
                "seq": len(by_side[side]) + 1,
                "item_no": item_no,
                "enumerator_level": enumerator_level(raw),
                "item": item,
                "level": 2 if parent else 1,
                "parent_seq": parent["seq"] if parent else None,
                "row_type": row_type,
                "item_key": rule["key"] if rule else None,
                "function_class_code": class_code,
                "amount": to_wan(amount(cell, row.line), table.unit),
                "unit_original": table.unit,
                "source_line": row.line,
            }
            if rule and "opens" in rule:
                block = record
            blocks[side] = block
            by_side[side].append(record)
            in_row.append(record)
        # A published cell no column takes is never dropped: the pipeline keeps it in raw_cells.
        leftover += [
            {"source_line": row.line, "column": col, "text": text}
            for col, text in enumerate(row.cells, start=1)
            if col - 1 not in used and not is_blank(text)
        ]
    out = {table.kind: [r for side in by_side for r in by_side[side]]}
    if leftover:
        out[LEFTOVER] = leftover
    return out
