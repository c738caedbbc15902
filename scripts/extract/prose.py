"""The prose around the tables -> tidy rows: profile (主要职责, 机构设置, 人员构成, 车辆/资产), stated counts
(facts), the figures of the 情况说明 (explanation), the 名词解释 (glossary) and the 目录 entries that name
tables (toc, for the completeness check).

Lines inside table spans are skipped. Lines that PDF extraction wrapped mid-sentence are joined back into
paragraphs (a paragraph ends at sentence punctuation, a heading or an enumerated item), keeping the
source line of every character so each figure points at the line it is printed on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from scripts.extract.cells import label, to_wan
from scripts.extract.model import Line, RawTable
from scripts.extract.segment import kind_of

VOCAB = Path(__file__).with_name("vocab")
RESOURCES = ("profile", "facts", "explanation", "glossary", "toc")
SCHEMAS = {name: name for name in RESOURCES}

_CN = "一二三四五六七八九十"
# 第一部分 / （一） (1) / 一、 / 1. 1、 (a digit may follow only as a year: 1.2026年…)
ENUM = re.compile(
    rf"^\s*(?:第([{_CN}]+)部分\s*|[（(]\s*([{_CN}]+|\d{{1,2}})\s*[)）]\s*|([{_CN}]+)\s*、\s*"
    r"|(\d{1,2})\s*[.．、](?=\s*\D|\s*20\d\d\s*年)\s*)"
)
BULLET = re.compile(r"^\s*[-•·]\s+")
PAGE_NO = re.compile(r"\t+\s*\d{1,4}\s*$")
LATEX = re.compile(r"\$([^$]{1,80})\$")
HEADING_PUNCT = re.compile(r"[。；;，,：:、！？!?]")
SENTENCE_END = ("。", "；", "！", "？", "：", ":", ";")
MONEY = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|元|%)(?!\s*(?:以上|以下|以内))")
CHANGE_VERB = re.compile(r"^(增加|增长|减少|下降|降低|节约)")
CHANGE_VERB_END = re.compile(r"(增加|增长|减少|下降|降低|节约)$")
CHANGE_WORD = re.compile(r"(增加|增长|提高|多|减少|下降|降低|少|节约)$")
SAME_WORD = re.compile(r"持平|没有变化|无变化|不变|保持一致")
PREVIOUS = re.compile(r"比\d{4}年[^，,。；]*$")
SHARE = re.compile(r"占(?:比|比重)?(?:为)?$")
DOWN = {"减少", "下降", "降低", "少", "节约"}
DELIMS = re.compile(r"[，,、：:；;。]")
YEAR = re.compile(r"20\d\d\s*年度?")


@cache
def vocab() -> dict:
    return json.loads((VOCAB / "prose.json").read_text(encoding="utf-8"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def plain(text: str) -> str:
    """`$\\geq 88\\%$` -> `≥88%`: LaTeX left by PDF-to-text tools becomes the characters it stands for."""

    def repl(match: re.Match) -> str:
        inner = match.group(1)
        for command, char in sorted(vocab()["latex"].items(), key=lambda kv: -len(kv[0])):
            inner = re.sub(re.escape(command) + r"(?![A-Za-z])", char, inner)
        return squeeze(inner)

    return LATEX.sub(repl, text)


def split_enum(text: str) -> tuple[str | None, str]:
    match = ENUM.match(text)
    if not match:
        return None, text.strip()
    return next(g for g in match.groups() if g), text[match.end() :].strip()


def _match(entries: list[dict], key: str, text: str) -> str | None:
    words = squeeze(text)
    return next((e[key] for e in entries if any(w in words for w in e["any"])), None)


@dataclass
class Para:
    part: str | None
    section: str | None  # profile section from vocab (duties, organisation, …)
    heading: str | None  # nearest heading as published
    enumerator: str | None
    is_heading: bool
    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, source line)

    def add(self, text: str, line: int) -> None:
        self.starts.append((len(self.text), line))
        self.text += text

    def line_at(self, pos: int) -> int:
        return [no for start, no in self.starts if start <= pos][-1]

    @property
    def line(self) -> int:
        return self.starts[0][1]


def _is_heading(text: str) -> bool:
    enumerator, rest = split_enum(text)
    # table names listed in a heading (“三公”经费、会议费、培训费支出预算情况说明) are not a sentence
    words = rest.replace("、", "") if rest.endswith(("情况说明", "表")) else rest
    if not rest or HEADING_PUNCT.search(words) or len(squeeze(rest)) > 40:
        return False
    return bool(enumerator) or squeeze(rest) == "目录" or _match(vocab()["parts"], "part", rest) is not None


def _prose_lines(lines: list[Line], tables: list[RawTable]) -> list[Line]:
    inside = {no for t in tables for no in range(t.title_line, max(t.end_line, t.title_line) + 1)}
    out = []
    for line in lines:
        if line.no in inside:
            continue
        text = PAGE_NO.sub("", line.text)  # 目录 entries end in a TAB and a page number
        if "\t" in text or not text.strip():
            continue  # a stray table row outside any table span
        out.append(Line(line.no, plain(text.strip())))
    return out


def paragraphs(lines: list[Line], tables: list[RawTable]) -> list[Para]:
    """Wrapped lines joined; the 目录 itself (up to the first heading it lists) left out."""
    out: list[Para] = []
    part = section = heading = None
    toc_seen: set[str] | None = None
    current: Para | None = None
    for line in _prose_lines(lines, tables):
        key = squeeze(split_enum(BULLET.sub("", line.text))[1])
        if toc_seen is not None:
            if key not in toc_seen:
                toc_seen.add(key)
                continue
            toc_seen = None  # the body starts where the 目录's first entries repeat
        text = BULLET.sub("", line.text)
        if _is_heading(text):
            enumerator, rest = split_enum(text)
            if squeeze(rest) == "目录":
                toc_seen, current = set(), None
                continue
            part = _match(vocab()["parts"], "part", rest) or part
            section = _match(vocab()["sections"], "section", rest)
            heading = label(text)
            current = Para(part, section, heading, enumerator, True)
            current.add(label(rest), line.no)
            out.append(current)
            current = None
            continue
        enumerator, rest = split_enum(text)
        continues = current is not None and enumerator is None and not current.text.endswith(SENTENCE_END)
        if continues:
            current.add(text, line.no)
        else:
            current = Para(part, section, heading, enumerator, False)
            current.add(text, line.no)
            out.append(current)
    return out


# --- profile and facts -------------------------------------------------------------------------


def profile(paras: list[Para]) -> list[dict]:
    rows: list[dict] = []
    seq: dict[str, int] = {}
    for p in paras:
        if p.is_heading or p.section is None:
            continue
        seq[p.section] = seq.get(p.section, 0) + 1
        enumerator, rest = split_enum(p.text)
        rows.append(
            {
                "section": p.section,
                "section_title": p.heading,
                "seq": seq[p.section],
                "enumerator": enumerator,
                "text": label(rest),
                "source_line": p.line,
            }
        )
    return rows


def facts(paras: list[Para]) -> list[dict]:
    rows: list[dict] = []
    for p in paras:
        if p.is_heading or p.part in ("glossary", "toc"):
            continue
        for spec in vocab()["facts"]:
            for match in re.finditer(spec["pattern"], p.text):
                rows.append(
                    {
                        "key": spec["key"],
                        "name": spec["name"],
                        "value": match.group(1),
                        "unit": spec["unit"],
                        "text": _sentence(p.text, match.start(), match.end()),
                        "source_line": p.line_at(match.start(1)),
                    }
                )
    rows.sort(key=lambda r: r["source_line"])
    return rows


# --- explanation -------------------------------------------------------------------------------


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。；;") + 1
    rights = [i for i in (text.find(c, end) for c in "。；;") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return label(text[left:right])


def _clean_label(text: str) -> str:
    text = squeeze(YEAR.sub("", text))
    text = re.sub(r"^[（(]?[0-9一二三四五六七八九十]+[)）.．、]", "", text).lstrip("（(")
    text = re.sub(r"^.*包括", "", text)
    changed = True
    while changed:
        changed = False
        for prefix in vocab()["label_prefixes"]:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


def _wan(digits: str, unit: str) -> str:
    digits = digits.replace(",", "")
    if unit == "亿元":
        return format(Decimal(digits).scaleb(4), "f")
    return to_wan(digits, unit)


def explanation(paras: list[Para]) -> list[dict]:
    rows: list[dict] = []
    for p in paras:
        if p.is_heading or p.part != "explanation":
            continue
        text = p.text
        current: dict | None = None
        last_end = 0
        for match in MONEY.finditer(text):
            gap = text[last_end : match.start()]
            last_end = match.end()
            digits, unit = match.group(1).replace(",", ""), match.group(2)
            if current is not None and SAME_WORD.search(gap) and current["direction"] is None:
                current["direction"] = "持平"
            if current is not None and "。" in gap and not squeeze(gap.rsplit("。", 1)[1]).startswith("比"):
                current = None  # a new sentence that does not go on comparing the last figure
            clause = squeeze(DELIMS.split(gap)[-1]) if unit != "%" else squeeze(gap)
            whole = squeeze(gap)
            if unit == "%":
                if current is None:
                    continue
                word = CHANGE_WORD.search(whole)
                if word and current["change_pct"] is None:
                    current["change_pct"] = digits
                    current["direction"] = current["direction"] or (
                        "减少" if word.group(1) in DOWN else "增加"
                    )
                elif SHARE.search(whole) and current["share_pct"] is None:
                    current["share_pct"] = digits
                else:
                    continue
            elif current is not None and CHANGE_WORD.search(whole) and current["change"] is None:
                word = CHANGE_WORD.search(whole).group(1)
                current["change"] = _wan(digits, unit)
                current["direction"] = "减少" if word in DOWN else "增加"
            elif current is not None and PREVIOUS.search(whole) and current["previous_amount"] is None:
                current["previous_amount"] = _wan(digits, unit)
            else:
                name = _clean_label(clause)
                if not name:
                    continue
                # 增加基本支出 844.15 万元 / 信息化建设经费专项增加 55 万元: the figure is a change of the
                # named amount, not the amount
                verb = CHANGE_VERB.match(name) or CHANGE_VERB_END.search(name)
                topic = (
                    (name[: verb.start()] + name[verb.end() :])
                    if verb and len(name) > len(verb.group(1))
                    else name
                )
                current = {
                    "section": p.heading,
                    "topic": _match(vocab()["topics"], "topic", topic) or topic,
                    "label": name,
                    "amount": None if verb else _wan(digits, unit),
                    "amount_original": digits,
                    "unit_original": unit,
                    "previous_amount": None,
                    "change": _wan(digits, unit) if verb else None,
                    "change_pct": None,
                    "share_pct": None,
                    "direction": ("减少" if verb.group(1) in DOWN else "增加") if verb else None,
                    "sentence": (match.start(), match.end()),
                    "source_line": p.line_at(match.start()),
                }
                rows.append(current)
                continue
            start, _ = current["sentence"]
            current["sentence"] = (start, match.end())
        tail = text[last_end:]
        if current is not None and current["direction"] is None and SAME_WORD.search(tail.split("。")[0]):
            current["direction"] = "持平"
        for row in rows:
            if isinstance(row["sentence"], tuple):
                row["sentence"] = _sentence(text, *row["sentence"])
    return rows


# --- glossary and toc --------------------------------------------------------------------------


def glossary(paras: list[Para]) -> list[dict]:
    rows: list[dict] = []
    parent: str | None = None
    parts = vocab()["parts"]
    for p in paras:
        if p.part != "glossary" or (p.is_heading and (p.enumerator is None or _match(parts, "part", p.text))):
            continue  # the part heading itself, or an unnumbered heading
        enumerator, rest = (p.enumerator, p.text) if p.is_heading else split_enum(p.text)
        pieces = re.split(r"([：:])", rest, maxsplit=1)
        term, sep, definition = (pieces + ["", ""])[:3]
        term, definition = term.strip(), definition.strip()
        is_entry = p.is_heading or (
            sep
            and 0 < len(term) <= 40
            and not re.search(r"[，,。；]", term)
            and squeeze(term) not in vocab()["glossary_not_terms"]
        )
        if not is_entry:
            if squeeze(term) in vocab()["glossary_not_terms"] or not re.search(r"[。；;]", p.text):
                continue  # a note (备注：…) or the sign-off (body name, date)
            if rows:  # a paragraph that goes on explaining the last term (a list, a wrapped note)
                rows[-1]["definition"] = (rows[-1]["definition"] + " " + label(p.text)).strip()
            continue
        if p.is_heading:
            term, definition = rest, ""
        if enumerator:
            parent = label(term)
        rows.append(
            {
                "seq": len(rows) + 1,
                "enumerator": enumerator,
                "term": label(term),
                "definition": label(definition),
                "parent_term": None if enumerator else parent,
                "source_line": p.line,
            }
        )
    return rows


TABLE_TITLE_END = re.compile(r"表(?:[（(][^（()）]*[)）])?$")


def toc(lines: list[Line], tables: list[RawTable]) -> list[dict]:
    """Entries naming tables in the 目录 or the list of tables before the first table."""
    first = min((t.title_line for t in tables), default=None)
    rows: list[dict] = []
    for line in _prose_lines(lines, tables):
        if first is not None and line.no >= first:
            break
        enumerator, rest = split_enum(BULLET.sub("", line.text))
        title = label(rest)
        if not enumerator or re.search(r"[。；;]", title) or not TABLE_TITLE_END.search(title):
            continue
        kind = kind_of(title)
        if kind == "unknown":
            continue
        rows.append(
            {
                "seq": len(rows) + 1,
                "enumerator": enumerator,
                "title": title,
                "kind": kind,
                "source_line": line.no,
            }
        )
    return rows


def extract(lines: list[Line], tables: list[RawTable]) -> dict[str, list[dict]]:
    paras = paragraphs(lines, tables)
    return {
        "profile": profile(paras),
        "facts": facts(paras),
        "explanation": explanation(paras),
        "glossary": glossary(paras),
        "toc": toc(lines, tables),
    }
