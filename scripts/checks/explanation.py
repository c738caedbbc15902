"""Prose against tables: figures stated in the 情况说明 compared with the tables’ own figures."""

from __future__ import annotations

import re
from decimal import Decimal

from scripts.checks.report import (
    Report,
    catalogue,
    decimals_of,
    missing_reason,
    tolerance,
)
from scripts.extract.cells import decimal
from scripts.numfmt import exact, wan_digits

# ---------------------------------------------------------------- 情况说明


def _topic_of(topic: str) -> dict | None:
    topic = re.sub(r"\s+", "", topic)
    for entry in catalogue()["explanation_topics"]["topics"]:
        if topic in entry["names"]:
            return entry
    return None


def _source(ex, entry: dict) -> dict:
    """The topic's table: the first of its `prefer` alternatives the disclosure publishes, else its own."""
    return next((alt for alt in entry.get("prefer", []) if ex.rows(alt["resource"])), entry)


def _statements(rows: list[dict], entry: dict) -> list[dict]:
    """Rows stating the topic; those in a section about the topic's own table first (a 公务接待费 line in
    the 基本支出 breakdown is an economic class, the one in the “三公” section the 三公 figure)."""
    own = [r for r in rows if any(w in str(r.get("section") or "") for w in entry.get("section_any", []))]
    return own + [r for r in rows if r not in own]


def _table_figure(ex, entry: dict) -> tuple[dict | None, str | None]:
    rows = ex.rows(entry["resource"])
    match = {k: entry[k] for k in ("row_type", "side", "item_key", "part") if k in entry}
    for r in rows:
        if all(r.get(k) == v for k, v in match.items()):
            return r, r.get(entry["column"])
    return None, None


def _class_topic(ex, rep: Report, r: dict, done: set) -> None:
    """A 情况说明 figure naming a 功能分类 class (卫生健康支出 …) against 财政拨款收支总表."""
    spec = catalogue()["explanation_topics"]["class_topics"]
    topic = re.sub(r"\s+", "", str(r.get("topic") or ""))
    target = next(
        (
            x
            for x in ex.rows(spec["resource"])
            if x.get("side") == spec["side"] and x.get("function_class_code") and x.get("item") == topic
        ),
        None,
    )
    if target is None or r.get("amount") in (None, "") or ("class", topic) in done:
        return
    done.add(("class", topic))
    figure = target.get(spec["column"])
    args = {"code": target["function_class_code"], "title": topic}
    rep.add(
        "explanation.fiscal_class.{code}",
        args,
        expected=decimal(figure),
        found=decimal(r["amount"]),
        tol=tolerance([r["amount"], figure]),
        detail=f"情况说明（第 {r.get('source_line')} 行）“{topic}”{r['amount']} 万元，财政拨款收支总表（第 "
        f"{target.get('source_line')} 行）{wan_digits(figure)}",
        source_line=r.get("source_line"),
    )


def check_explanation(ex, rep: Report) -> None:
    rows = ex.rows("explanation")
    if not rows:
        reason = (
            "情况说明中的数字尚未提取（没有 explanation 资源）"
            if "explanation" not in ex.resources
            else "情况说明中没有可核对的数字"
        )
        rep.not_applicable(
            "explanation.{key}.amount", {"key": "all", "title": "各项", "table": "各表"}, reason
        )
        return
    done = set()
    chosen = {}  # topic key -> the statement checked
    for entry in catalogue()["explanation_topics"]["topics"]:
        mine = [r for r in rows if _topic_of(str(r.get("topic") or "")) is entry]
        if mine:
            chosen[entry["key"]] = _statements(mine, entry)[0]
    for r in rows:
        topic = str(r.get("topic") or "")
        entry = _topic_of(topic)
        if entry is None:
            _class_topic(ex, rep, r, done)
            continue
        if chosen[entry["key"]] is not r:  # one statement per topic: the chosen one
            continue
        entry = _source(ex, entry)
        args = {
            "key": entry["key"],
            "title": entry["title"],
            "table": rep.title(entry["resource"]),
        }
        line = r.get("source_line")
        amount = r.get("amount")
        target, figure = _table_figure(ex, entry)
        if amount in (None, ""):
            rep.not_applicable(
                "explanation.{key}.amount", args, f"情况说明第 {line} 行没有{entry['title']}金额"
            )
        elif target is None:
            rep.not_applicable(
                "explanation.{key}.amount",
                args,
                missing_reason(ex, entry["resource"], rep)
                if not ex.rows(entry["resource"])
                else f"{args['table']}中找不到对应数字",
            )
        else:
            rep.add(
                "explanation.{key}.amount",
                args,
                expected=decimal(figure),
                found=decimal(amount),
                tol=tolerance([amount, figure]),
                detail=f"情况说明（第 {line} 行）{entry['title']} {amount} 万元，{args['table']}（第 {target.get('source_line')} 行）"
                f" {wan_digits(figure)}",
                source_line=line,
            )
        prev, change, pct = r.get("previous_amount"), r.get("change"), r.get("change_pct")
        if prev in (None, "") or change in (None, "") or amount in (None, ""):
            rep.not_applicable("explanation.{key}.change", args, f"情况说明第 {line} 行没有与上年比较的数字")
        else:
            # the sign may be carried by the words 增加/减少, so magnitudes are compared
            calc = decimal(amount) - decimal(prev)
            rep.add(
                "explanation.{key}.change",
                args,
                expected=abs(calc),
                found=abs(decimal(change)),
                tol=tolerance([amount, prev, change]),
                detail=f"本年 {amount} 万元，上年 {prev} 万元，公布增减额 {change} 万元，计算得 {exact(calc)} 万元",
                source_line=line,
            )
        if pct in (None, "") or change in (None, "") or decimal(prev) == 0:  # a blank prev is zero
            rep.not_applicable(
                "explanation.{key}.change_pct", args, f"情况说明第 {line} 行没有增减幅度或上年数为零"
            )
        else:
            places = decimals_of(pct)
            calc_pct = (abs(decimal(change)) / decimal(prev) * 100).quantize(Decimal(1).scaleb(-places))
            rep.add(
                "explanation.{key}.change_pct",
                args,
                expected=calc_pct,
                found=abs(decimal(pct)),
                tol=Decimal(1).scaleb(-places),
                detail=f"公布增减幅度 {pct}%，按增减额 {change} ÷ 上年 {prev} 计算得 {exact(calc_pct)}%",
                source_line=line,
            )
