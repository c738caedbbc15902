"""Lines -> raw tables, found by their title words (vocab/table_kinds.json), never by their number.

A title is a line naming a table kind, numbered before it (`预算04表 …`, `表 5-1. …`, `公开 01 表：…`,
`表一 …`), with its number on a line of its own before or after it (`公开01表` / `公开表一`), or not
numbered at all (`收支预算总表`, `一、收支预算总表`) — then it must be followed by the table's meta lines
or rows, which tells it from the same words in the 目录 or a 情况说明 heading. A table runs from its title
to the next title or the next prose heading; its meta lines (部门名称, 金额单位, 填报日期) and notes
(注：, 说明：) are taken out of its rows. A title repeated right after its own table (a table continued
on the next page, `续表`) continues that table; its repeated header rows are dropped.
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
    r"|预算\s*\d{1,2}(?:\s*[-－]\s*\d{1,2})?\s*表"
    r"|公开\s*\d{1,2}\s*表\s*[：:]?|(?:公开)?表\s*[一二三四五六七八九十]{1,3}\s*[：:、]?)\s*(.*)$"
)
# A table number on a line of its own: 公开01表 / 公开 01 表 / 公开表一 / 表一 / 预算04表 / 续表
NUMBER_ONLY = re.compile(
    r"^\s*(?:公开\s*\d{1,2}\s*表|(?:公开)?表\s*[一二三四五六七八九十]{1,3}|预算\s*\d{1,2}\s*表"
    r"|(?:附)?表\s*\d{1,2}(?:\s*[-－]\s*\d{1,2})?)\s*$"
)
# A title with its number after it on the same line: “三公”经费…预算表 公开表九
TRAILING_NUMBER = re.compile(
    r"^\s*(\S.{1,60}?表(?:\s*[（(][^）)]{1,20}[）)])?)\s*((?:公开)?表\s*[一二三四五六七八九十]{1,3}|公开\s*\d{1,2}\s*表)\s*$"
)
CONTINUED = re.compile(r"^\s*[（(]?续(?:表|上表)?[)）]?\s*$")
# An unnumbered title: optional enumerator and year, words naming a kind, ending in 表 (and a bracket).
PLAIN_TITLE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]\s*)?((?:20\d\d\s*年(?:度)?)?\S{2,40}?表(?:\s*[（(][^）)]{1,20}[）)])?)\s*$"
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


def _plain_title(lines: list[Line], index: int) -> str | None:
    """An unnumbered title: it must be followed (number lines aside) by meta lines or table rows."""
    text = lines[index].text
    match = PLAIN_TITLE.match(text) if "\t" not in text else None
    if not match or re.search(r"[。；，,]", text) or kind_of(match.group(1)) == "unknown":
        return None
    for line in lines[index + 1 : index + 4]:
        if NUMBER_ONLY.match(line.text):
            continue
        return match.group(1) if ("\t" in line.text or META.match(line.text)) else None
    return None


def _same_title(a: str, b: str) -> bool:
    squeeze = lambda t: re.sub(r"\s+|^20\d\d年度?", "", t)  # noqa: E731
    return squeeze(a) == squeeze(b)


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
    number: str | None = None  # a number line seen just before a title
    repeat: list[list[str]] | None = None  # header rows a repeated title will repeat
    skip = None  # the second line of a wrapped title
    for index, line in enumerate(lines):
        text = line.text
        if line.no == skip:
            continue
        if NUMBER_ONLY.match(text) or CONTINUED.match(text):
            if current is not None and in_header and current.number is None and not current.rows:
                current.number = re.sub(r"\s+", "", text)  # the number printed after its title
            else:
                number = re.sub(r"\s+", "", text)
            continue
        title = _is_title(text)
        trailing = TRAILING_NUMBER.match(text) if not title and "\t" not in text else None
        if title:
            name, found = label(title.group(2)), re.sub(r"\s+", "", title.group(1)).rstrip("：:、")
        elif current is not None and in_header and not current.rows:
            name, found = None, None  # a subtitle under its table's title (收支总体情况表)
        elif trailing and kind_of(trailing.group(1)) != "unknown" and not re.search(r"[。；，,]", text):
            name, found = label(trailing.group(1)), re.sub(r"\s+", "", trailing.group(2))
        else:
            plain = _plain_title(lines, index)
            if (
                plain
                and current is not None
                and current.rows
                and kind_of(plain) == current.kind
                and not _same_title(plain, current.title)
            ):
                plain = None  # another sheet of the open table (a form repeated per project)
            name, found = (label(plain), number) if plain else (None, None)
            nxt = lines[index + 1].text if index + 1 < len(lines) else ""
            if plain is None and 0 < len(nxt.strip()) <= 4 and "\t" not in nxt + text:
                # a title wrapped in its cell: `…支出预算` + `表`
                joined = [*lines[:index], Line(line.no, text + nxt.strip(), line.page), *lines[index + 2 :]]
                plain = _plain_title(joined, index)
                if plain:
                    name, found, skip = label(plain), number, lines[index + 1].no
        if name is not None:
            if (
                current is not None
                and current.rows
                and _same_title(name, current.title)
                and not tables_closed(current, lines, index)
            ):
                repeat = _header_rows(current)  # the same table goes on (a page break)
                in_header = True
                number = None
                continue
            if current:
                tables.append(current)
            current = RawTable(
                kind=kind_of(name), number=found, title=name, title_line=line.no, end_line=line.no
            )
            in_header = True
            number = None
            repeat = None
            continue
        number = None
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
        if NOTE.match(text) or (
            "\t" not in text
            and current.rows
            and (line.page is not None or (current.notes and current.notes[-1].no == line.no - 1))
        ):
            # a note, its next lines, and (in a PDF, where every row has its cells) free text after rows
            current.notes.append(line)
            continue
        if in_header and "\t" not in text and not current.rows:
            # Subtitle lines between title and header (收支总体情况表, (2026年度)).
            continue
        cells = [c.strip() for c in text.split("\t")]
        if repeat:
            if cells == repeat[0]:
                repeat.pop(0)
                continue
            repeat = None
        in_header = False
        current.rows.append(Row(line.no, cells))
    if current:
        tables.append(current)
    return tables


def tables_closed(current: RawTable, lines: list[Line], index: int) -> bool:
    """Anything but meta lines between the table's last row and this title closes the table."""
    return any(
        line.no > current.end_line
        and "\t" not in line.text
        and not META.match(line.text)
        and not NUMBER_ONLY.match(line.text)
        and not CONTINUED.match(line.text)
        for line in lines[max(0, index - 6) : index]
    )


def _header_rows(table: RawTable) -> list[list[str]]:
    """The rows before the first row holding an amount or a code: what a repeated header repeats."""
    from scripts.extract.tables._columns import is_data_row

    out = []
    for row in table.rows:
        if is_data_row(row):
            break
        out.append(list(row.cells))
    return out
