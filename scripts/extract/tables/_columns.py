"""Header handling shared by the small table kinds: split header from data, combine multi-row
headers per column, and map header words to field names with a column map kept as data (vocab JSON).

A column map is a list of rules `{"field": …, "any": [...], "all": [...], "none": [...]}` tried in order
against a column's combined header (all header cells of that column, spaces removed, top to bottom).
The first rule that matches a column names it; each field takes the first column it matches.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from scripts.errors import CellError
from scripts.extract.cells import code_name, is_blank, label, looks_like_amount
from scripts.extract.model import RawTable, Row

VOCAB = Path(__file__).resolve().parents[1] / "vocab"
TOTAL_LABELS = {"合计", "总计"}
# Key of a table module's output holding published cells that no column takes ({source_line, column,
# text}); the pipeline keeps them in raw_cells with a warning, so no published cell is dropped.
LEFTOVER = "_leftover"


@cache
def vocab(name: str) -> dict:
    return json.loads((VOCAB / f"{name}.json").read_text(encoding="utf-8"))


def squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def first_text(cells: list[str]) -> str:
    return next((squeeze(c) for c in cells if not is_blank(c)), "")


def is_data_row(row: Row) -> bool:
    """A row with an amount or a code, or one holding nothing but a 合计 label (a total left blank).

    A header row may start with 合计 too (北京 收入汇总表 `合计 | 本年收入 | …`), so 合计 alone decides
    only when no other header word stands beside it.
    """
    texts = [c for c in row.cells if not is_blank(c)]
    if any(looks_like_amount(c) or code_name(c)[0] is not None for c in texts):
        return True
    return bool(texts) and all(squeeze(c) in TOTAL_LABELS for c in texts)


_NUMBERISH = re.compile(r"[-\d,.\s]*\d[-\d,.\s]*")


def split_header(table: RawTable) -> tuple[list[Row], list[Row]]:
    """Header rows (before the first data row) and data rows.

    A damaged figure (`1,36,1.0.4`) would make its row look like a header and vanish with it, so a
    number-like cell in the header area is an error, not a header word.
    """
    for i, row in enumerate(table.rows):
        if is_data_row(row):
            header, data = table.rows[:i], table.rows[i:]
            break
    else:
        header, data = table.rows, []
    for row in header:
        for text in row.cells:
            if _NUMBERISH.fullmatch(text):
                raise CellError(
                    f"cell {text!r} looks like a damaged number",
                    line=row.line,
                    expected="an amount such as 1,361.04 (or a header word)",
                    hint="check this cell in the source; amounts may not contain more than one point",
                )
    return header, data


def combine(header: list[Row]) -> list[list[str]]:
    """Per column, the header cells top to bottom. A cell of an upper row spans the blank cells to its
    right (merged PDF cells come out as one text followed by blanks), but not past the end of the span
    above it: spans nest (a 会议费 column starts where the row above starts a new cell)."""
    width = max((len(r.cells) for r in header), default=0)
    columns: list[list[str]] = [[] for _ in range(width)]
    starts = set(range(width))  # where the row above starts a cell (the top row: everywhere)
    for depth, row in enumerate(header):
        cells = row.cells + [""] * (width - len(row.cells))
        spanning = depth < len(header) - 1
        carried = ""
        here: set[int] = set()
        for i, cell in enumerate(cells):
            text = squeeze(cell)
            if depth and i in starts and i not in here and not text:
                carried = ""  # the span above ends here, so does this one
            if text:
                carried = text
                here.add(i)
            elif spanning and carried:
                text = carried
            if text:
                columns[i].append(text)
        if depth == 0:
            starts = {i for i, c in enumerate(cells) if squeeze(c)}
        else:
            starts |= {i for i, c in enumerate(cells) if squeeze(c)}
    return columns


def map_columns(header: list[Row], rules: list[dict]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, parts in enumerate(combine(header)):
        words = "".join(parts)
        for rule in rules:
            if (
                (not rule.get("last") or (parts and parts[-1] in rule["last"]))
                and any(w in words for w in rule.get("any", [""]))
                and all(w in words for w in rule.get("all", []))
                and not any(w in words for w in rule.get("none", []))
            ):
                found.setdefault(rule["field"], index)
                break
    return found


def cell(row: Row, index: int | None) -> str | None:
    """The cell at index, None when the column is missing or the row is short."""
    if index is None or index >= len(row.cells):
        return None
    text = row.cells[index]
    return None if is_blank(text) else text


def text(row: Row, index: int | None) -> str | None:
    value = cell(row, index)
    return label(value) if value is not None else None
