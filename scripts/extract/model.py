"""Plain data carried between stages: lines of text and raw (unparsed) tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A table note saying the publisher has nothing to show (没有… / 无…预算 / 不涉及).
EMPTY_NOTE = re.compile(r"没有|无[^。，,]{0,30}(?:预算|支出|项目|经费|安排|收入)|未安排|不涉及")


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based line number in the file as received (a PDF: in the reader's text of it)
    text: str
    page: int | None = None  # PDF input: the 1-based page the line stands on
    file: str | None = None  # several files make one disclosure: the file the line comes from
    row: int | None = None  # PDF table rows: the row's 1-based position in the tables of its page


@dataclass(slots=True)
class Row:
    line: int
    cells: list[str]

    def joined(self) -> str:
        return "".join(self.cells)


@dataclass(slots=True)
class RawTable:
    kind: str  # key of vocab/table_kinds.json, or "unknown"
    number: str | None  # as published: "预算04表", "表 5-1."
    title: str
    title_line: int
    unit: str = "万元"
    org_name: str | None = None
    rows: list[Row] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)
    end_line: int = 0

    @property
    def says_empty(self) -> bool:
        """The publisher states there is nothing to show (没有… / 无…)."""
        return any(EMPTY_NOTE.search(n.text) for n in self.notes)
