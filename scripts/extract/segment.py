"""Lines -> raw tables, found by their title words (vocab/table_kinds.json), never by their number.

Two title layouts are known: 北京 `预算04表 …` and 武汉 `表 5-1. …`. A table runs from its title to
the next title or the next prose heading; its meta lines (部门名称, 金额单位, 填报日期) and notes
(注：, 说明：) are taken out of its rows.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from scripts.extract.cells import label
from scripts.extract.model import Line, RawTable, Row

VOCAB = Path(__file__).with_name("vocab")
# 预算04表 / 预算 4-1 表 / 表 1. / 表5-1． / 附表3
NUMBERED_TITLE = re.compile(
    r"^\s*((?:预算|附)?\s*表\s*\d{1,2}(?:\s*[-－]\s*\d{1,2})?\s*[.．、]?"
    r"|预算\s*\d{1,2}(?:\s*[-－]\s*\d{1,2})?\s*表)\s*(.*)$"
)
UNIT = re.compile(r"(?:金额)?单位\s*[：:]\s*(万元|元)")
META = re.compile(
    r"^\s*(?:部门(?:（单位）|\(单位\))?名称|部门|单位名称|金额单位|单位|填报日期|申报日期)\s*[：:]"
)
ORG = re.compile(r"^\s*(?:部门(?:（单位）|\(单位\))?名称|部门|单位名称)\s*[：:]\s*(.+?)\s*$")
NOTE = re.compile(r"^\s*(?:注|说明|备注)\s*\d*\s*[：:]")
# A prose heading ends a table: 三、2026年部门预算情况说明 / 第三部分 … / 四、名词解释
HEADING = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、\s*\S.{0,40}$)")


@cache
def kinds() -> list[dict]:
    return json.loads((VOCAB / "table_kinds.json").read_text(encoding="utf-8"))["kinds"]


def kind_of(title: str) -> str:
    words = re.sub(r"\s+", "", title)
    for entry in kinds():
        if any(w in words for w in entry["any"]) and not any(w in words for w in entry.get("none", [])):
            return entry["kind"]
    return "unknown"


def _is_title(text: str) -> re.Match | None:
    if "\t" in text.strip():
        return None
    match = NUMBERED_TITLE.match(text)
    # The rest must name a table, not be a sentence of prose that cites one ("具体情况见预算04表。").
    if (
        match
        and len(text) <= 90
        and not re.search(r"[。；]", text)
        and (match.group(2).endswith(("表", ")", "）")) or kind_of(match.group(2)) != "unknown")
    ):
        return match
    return None


def _rows_follow(lines: list[Line], index: int, window: int = 4) -> bool:
    """A `一、…` line is a row label, not a prose heading, when table rows go on right after it
    (extraction drops the TABs of a row whose other cells are blank)."""
    for line in lines[index + 1 : index + 1 + window]:
        if _is_title(line.text) or (line.text.lstrip().startswith("第") and "部分" in line.text):
            return False
        if "\t" in line.text:
            return True
    return False


def segment(lines: list[Line]) -> list[RawTable]:
    tables: list[RawTable] = []
    current: RawTable | None = None
    in_header = False
    for index, line in enumerate(lines):
        text = line.text
        title = _is_title(text)
        if title:
            if current:
                tables.append(current)
            number = re.sub(r"\s+", "", title.group(1))
            name = label(title.group(2))
            current = RawTable(
                kind=kind_of(name), number=number, title=name, title_line=line.no, end_line=line.no
            )
            in_header = True
            continue
        if current is None:
            continue
        if (
            "\t" not in text
            and HEADING.match(text)
            and not META.match(text)
            and not _rows_follow(lines, index)
        ):
            tables.append(current)
            current = None
            continue
        current.end_line = line.no
        unit = UNIT.search(text) if "\t" not in text else None
        if unit:
            current.unit = unit.group(1)
        if META.match(text) and "\t" not in text:
            org = ORG.match(text)
            if org and not current.org_name:
                current.org_name = label(UNIT.sub("", org.group(1)).strip())
            continue
        if NOTE.match(text):
            current.notes.append(line)
            continue
        if in_header and "\t" not in text and not current.rows:
            # Subtitle lines between title and header (收支总体情况表, (2026年度)).
            continue
        in_header = False
        current.rows.append(Row(line.no, [c.strip() for c in text.split("\t")]))
    if current:
        tables.append(current)
    return tables
