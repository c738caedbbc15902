"""Number fidelity, row by row and column by column: every amount (and code) printed in a table's data
row is in an output row that records that same source line, and the cells of one printed column land in
one field throughout the table. A number in the wrong row, or a column whose values wander between fields,
is reported; membership in a set of all values would let both pass."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from scripts.extract import cells

META = frozenset(
    {"source_line", "seq", "level", "parent_seq", "enumerator_level", "source_row", "source_page"}
)


def _published(text: str, unit: str | None) -> set[str]:
    digits = cells.amount(text)
    return {digits, cells.to_wan(digits, unit)}


def lost(
    table,
    data_rows: Iterable,
    outputs: Iterable[tuple[str, dict]],
    *,
    columns: bool = True,
    forms: bool = False,
) -> list:
    """Problems of one table: `outputs` are (resource, row dict) pairs; each printed amount must be a
    value of a row with its `source_line`, and (with `columns`) each printed column must map to one
    field in every data row (a table split into resources keeps it: `amount` of a category and of its items) that prints an amount there. With `forms`, a record read from a
    form (one record for several printed lines, recorded at its first line) also holds the lines up to
    the next record."""
    by_line: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    for resource, row in outputs:
        if row.get("source_line") not in (None, ""):
            by_line[int(row["source_line"])].append((resource, row))
    problems: list = []
    fields_of_column: dict[int, set] = {}
    for row in data_rows:
        targets = by_line.get(row.line, [])
        if forms:
            starts = [line for line in by_line if line < row.line]
            targets = targets + (by_line[max(starts)] if starts else [])
        kept = Counter(
            str(v) for _, r in targets for k, v in r.items() if k not in META and v not in (None, "")
        )
        tokens = Counter(t for value in kept.elements() for t in value.split())
        for i, text in enumerate(row.cells):
            if cells.looks_like_amount(text):
                options = _published(text, getattr(table, "unit", None))
                hit = next((o for o in sorted(options) if kept[o] > 0), None)
                if hit is None:
                    hit = next((o for o in sorted(options) if tokens[o] > 0), None)
                    if hit is None:
                        problems.append((row.line, i, text, "not in its row"))
                        continue
                    tokens[hit] -= 1
                    continue
                kept[hit] -= 1
                if columns:
                    fields = {k for _, r in targets for k, v in r.items() if str(v) in options}
                    fields_of_column[i] = fields_of_column.get(i, fields) & fields
                    if not fields_of_column[i]:
                        problems.append((row.line, i, text, "column lands in another field"))
            else:
                code, _ = cells.code_name(text)
                if (
                    code
                    and len(code) >= 3
                    and not any(str(v) == code for _, r in targets for k, v in r.items() if k not in META)
                ):
                    problems.append((row.line, i, text, "code not in its row"))
    return problems
