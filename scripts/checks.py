"""Accounting identities and completeness rules (DESIGN.md §2) -> the `quality_report` resource.

Every check is evaluated on the published figures as extracted and reported as pass / fail /
not_applicable; nothing is ever corrected. The catalogue (ids, Chinese descriptions, the columns a
total splits into, the kinds that must be published) is data in `vocab/checks.json`.
A check whose table or field is not there reports `not_applicable` with the reason, never raises.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from .cells import decimal
from .segment import kind_of, kinds

VOCAB = Path(__file__).with_name("vocab") / "checks.json"
EMPTY_KINDS_NOTE = re.compile(r"没有|无[^。，,]{0,30}(?:预算|支出|项目|经费|安排|收入)|未安排|不涉及")


@cache
def catalogue() -> dict:
    return json.loads(VOCAB.read_text(encoding="utf-8"))


def _kind_titles() -> dict[str, str]:
    return {k["kind"]: k["title"] for k in kinds()}


# ---------------------------------------------------------------- tolerance and formatting


def decimals_of(digits: str | None) -> int | None:
    if digits is None or digits == "":
        return None
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def tolerance(figures: list[str | None], terms: int | None = None) -> Decimal:
    """Rounding allowance for comparing published figures (see vocab/checks.json `tolerance`).

    Each non-blank figure may be off by half a unit of its last published decimal place, so the
    allowance is the sum of those half-units, capped at `max_units` units of the coarsest precision.
    A bare "0" adds nothing: it is exact. `terms` is accepted for readability only.
    """
    rule = catalogue()["tolerance"]
    places = [decimals_of(f) for f in figures if f not in (None, "") and not re.fullmatch(r"-?0", f)]
    if not places:
        places = [rule["default_decimals"]]
    half_units = sum((Decimal(1).scaleb(-p) / 2 for p in places), Decimal(0))
    cap = Decimal(1).scaleb(-min(places)) * rule["max_units"]
    return min(half_units, cap).normalize() if half_units else half_units


def fmt(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return "0" if re.fullmatch(r"-?0(?:\.0+)?", text) else text


def wan(value: Decimal | None) -> str:
    return f"{fmt(value)} 万元" if value is not None else "（空）"


def shown(digits: str | None) -> str:
    return f"{digits} 万元" if digits not in (None, "") else "为空"


class Report:
    """Collects quality-report rows; descriptions come from the catalogue."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.ids: set[str] = set()
        self.titles = _kind_titles()

    def add(
        self,
        template: str,
        args: dict,
        *,
        expected=None,
        found=None,
        tol=None,
        status=None,
        detail: str = "",
        source_line: int | None = None,
    ) -> dict:
        spec = catalogue()["checks"][template]
        args = {"table": self.titles.get(args.get("resource", ""), args.get("resource", "")), **args}
        if status is None:
            status = "pass" if abs(found - expected) <= tol else "fail"
        if status == "fail" and spec.get("advisory"):
            # Tables that need not agree by design (a sheet may list only some projects): worth a
            # look, not an error in the publication.
            status = "advisory"
        check_id = template.format(**args)
        if check_id in self.ids:  # a class or topic published twice: keep both, ids stay unique
            check_id = f"{check_id}.{sum(1 for i in self.ids if i.startswith(check_id)) + 1}"
        self.ids.add(check_id)
        row = {
            "check_id": check_id,
            "category": spec["category"],
            "description": spec["description"].format(**args),
            "table": spec["table"].format(**args),
            "expected": fmt(expected),
            "found": fmt(found),
            "difference": fmt(found - expected) if expected is not None and found is not None else None,
            "tolerance": fmt(tol),
            "status": status,
            "detail": detail or None,
            "source_line": source_line,
        }
        self.rows.append(row)
        return row

    def not_applicable(self, template: str, args: dict, reason: str) -> dict:
        return self.add(template, args, status="not_applicable", detail=reason)


def _missing_reason(ex, resource: str, titles: dict[str, str]) -> str:
    name = titles.get(resource, resource)
    res = ex.resources.get(resource)
    if res is None:
        return f"本文件没有可读取的“{name}”，无法核对"
    return f"“{name}”公开为空，无法核对"


# ---------------------------------------------------------------- helpers over rows


def _sum(rows: list[dict], field: str) -> tuple[Decimal, list[str | None], int]:
    figures = [r.get(field) for r in rows]
    nonblank = [f for f in figures if f not in (None, "")]
    return sum((decimal(f) for f in nonblank), Decimal(0)), figures, len(nonblank)


def _lines(rows: list[dict], limit: int = 6) -> str:
    lines = [str(r["source_line"]) for r in rows if r.get("source_line") is not None]
    more = "等" if len(lines) > limit else ""
    return "、".join(lines[:limit]) + more


def _one(rows: list[dict], **match) -> dict | None:
    for r in rows:
        if all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def _total_row(rows: list[dict]) -> dict | None:
    totals = [r for r in rows if r.get("row_type") == "total"]
    return totals[-1] if totals else None


def _items(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("row_type") == "item"]


def _has_field(rows: list[dict], field: str) -> bool:
    return any(r.get(field) not in (None, "") for r in rows)


# ---------------------------------------------------------------- 收支总表 / 财政拨款收支总表


def check_two_sided(ex, rep: Report, resource: str) -> None:
    rows = ex.rows(resource)
    titles = rep.titles
    args = {"resource": resource}
    templates = [
        "{resource}.income_items_sum",
        "{resource}.expenditure_items_sum",
        "{resource}.totals_balance",
        "{resource}.income_total_composition",
        "{resource}.expenditure_total_composition",
    ]
    if not rows:
        for t in templates:
            rep.not_applicable(t, args, _missing_reason(ex, resource, titles))
        return
    name = titles.get(resource, resource)
    for side, template, word in (("income", templates[0], "收入"), ("expenditure", templates[1], "支出")):
        side_rows = [r for r in rows if r.get("side") == side]
        current = _one(side_rows, item_key="current_total")
        if current is None:
            rep.not_applicable(template, args, f"{name}中找不到本年{word}合计行")
            continue
        items = _items(side_rows)
        total, figures, n = _sum(items, "amount")
        expected = decimal(current.get("amount"))
        tol = tolerance(figures + [current.get("amount")], n)
        blanks = [r for r in items if r.get("amount") in (None, "")]
        detail = (
            f"{name}本年{word}合计 {shown(current.get('amount'))}（第 {current['source_line']} 行），"
            f"各项{word}之和 {wan(total)}（{n} 项有数字）"
        )
        row = rep.add(
            template,
            args,
            expected=expected,
            found=total,
            tol=tol,
            detail=detail,
            source_line=current.get("source_line"),
        )
        if row["status"] == "fail":
            row["detail"] += f"，相差 {wan(total - expected)}；{len(blanks)} 项{word}为空，缺数可能在空白项中"
    income = [r for r in rows if r.get("side") == "income"]
    spend = [r for r in rows if r.get("side") == "expenditure"]
    in_total = _one(income, item_key="grand_total")
    out_total = _one(spend, item_key="grand_total")
    if in_total is None or out_total is None:
        rep.not_applicable(templates[2], args, f"{name}中找不到收入总计或支出总计行")
    else:
        a, b = in_total.get("amount"), out_total.get("amount")
        rep.add(
            templates[2],
            args,
            expected=decimal(a),
            found=decimal(b),
            tol=tolerance([a, b], 1),
            detail=f"收入总计 {shown(a)}（第 {in_total['source_line']} 行），支出总计 {shown(b)}（第 {out_total['source_line']} 行）",
            source_line=out_total.get("source_line"),
        )
    for side_rows, total_row, template, cur_word, carry_key, carry_word in (
        (income, in_total, templates[3], "本年收入合计", "carryover", "上年结转结余"),
        (spend, out_total, templates[4], "本年支出合计", "year_end_balance", "年终结转结余"),
    ):
        current = _one(side_rows, item_key="current_total")
        if total_row is None or current is None:
            rep.not_applicable(template, args, f"{name}中找不到总计行或{cur_word}行")
            continue
        carry_rows = [r for r in side_rows if r.get("row_type") == "carryover"]
        top = [r for r in carry_rows if r.get("item_key") == carry_key]
        parts = (
            top
            if any(r.get("amount") not in (None, "") for r in top)
            else [r for r in carry_rows if r.get("parent_seq") is not None]
        )
        carry, figures, n = _sum(parts, "amount")
        found = decimal(current.get("amount")) + carry
        g = total_row.get("amount")
        rep.add(
            template,
            args,
            expected=decimal(g),
            found=found,
            tol=tolerance([g, current.get("amount")] + figures, n + 1),
            detail=f"总计 {shown(g)}，{cur_word} {shown(current.get('amount'))}，{carry_word} {wan(carry)}",
            source_line=total_row.get("source_line"),
        )


# ---------------------------------------------------------------- column sums, row splits, hierarchy


def check_columns(ex, rep: Report, resource: str, columns: list[str]) -> None:
    rows = ex.rows(resource)
    name = rep.titles.get(resource, resource)
    col_titles = catalogue()["column_titles"]
    for column in columns:
        args = {"resource": resource, "column": column, "column_title": col_titles.get(column, column)}
        if not rows:
            rep.not_applicable("{resource}.sum.{column}", args, _missing_reason(ex, resource, rep.titles))
            continue
        total = _total_row(rows)
        if total is None:
            rep.not_applicable("{resource}.sum.{column}", args, f"{name}没有合计行")
            continue
        if not _has_field(rows, column):
            rep.not_applicable(
                "{resource}.sum.{column}", args, f"{name}没有“{args['column_title']}”栏或该栏全部为空"
            )
            continue
        items = _items(rows)
        if not items:
            rep.not_applicable("{resource}.sum.{column}", args, f"{name}只有合计行，没有可读取的明细行")
            continue
        found, figures, n = _sum(items, column)
        expected = decimal(total.get(column))
        row = rep.add(
            "{resource}.sum.{column}",
            args,
            expected=expected,
            found=found,
            tol=tolerance(figures + [total.get(column)], n),
            detail=f"合计行（第 {total['source_line']} 行）“{args['column_title']}” {shown(total.get(column))}，"
            f"{len(items)} 个明细行之和 {wan(found)}",
            source_line=total.get("source_line"),
        )
        if row["status"] == "fail":
            row["detail"] += f"，相差 {wan(found - expected)}"


def check_splits(ex, rep: Report, resource: str, splits: list[dict]) -> None:
    rows = ex.rows(resource)
    name = rep.titles.get(resource, resource)
    col_titles = catalogue()["column_titles"]
    for split in splits:
        whole, parts = split["whole"], split["parts"]
        args = {
            "resource": resource,
            "split": split["name"],
            "whole_title": col_titles.get(whole, whole),
            "parts_title": "与".join(f"“{col_titles.get(p, p)}”" for p in parts),
        }
        template = "{resource}.{split}"
        if not rows:
            rep.not_applicable(template, args, _missing_reason(ex, resource, rep.titles))
            continue
        present = [p for p in parts if _has_field(rows, p)]
        if not _has_field(rows, whole) or not present:
            rep.not_applicable(template, args, f"{name}没有“{args['whole_title']}”或其组成栏")
            continue
        worst = None
        failing = []
        for r in rows:
            if r.get(whole) in (None, "") and all(r.get(p) in (None, "") for p in parts):
                continue
            expected = decimal(r.get(whole))
            found = sum((decimal(r.get(p)) for p in parts), Decimal(0))
            tol = tolerance([r.get(whole)] + [r.get(p) for p in parts], len(parts))
            diff = abs(found - expected)
            if diff > tol:
                failing.append(r)
            if worst is None or diff - tol > worst[0]:
                worst = (diff - tol, r, expected, found, tol)
        if worst is None:
            rep.not_applicable(template, args, f"{name}没有填列数字的行")
            continue
        _, r, expected, found, tol = worst
        if failing:
            label = r.get("function_name") or r.get("dept_economic_name") or r.get("unit_name") or ""
            detail = (
                f"{len(failing)} 行不符（第 {_lines(failing)} 行）；差额最大的是第 {r['source_line']} 行"
                f"“{label}”：{args['whole_title']} {shown(r.get(whole))}，组成部分之和 {wan(found)}"
            )
        else:
            detail = "全部已填列的行均相符"
        rep.add(
            template,
            args,
            expected=expected,
            found=found,
            tol=tol,
            status="fail" if failing else "pass",
            detail=detail,
            source_line=r.get("source_line"),
        )


def check_hierarchy(ex, rep: Report, resource: str, code_field: str) -> None:
    rows = ex.rows(resource)
    args = {"resource": resource}
    template = "{resource}.hierarchy"
    name = rep.titles.get(resource, resource)
    classes = [r for r in rows if r.get("row_type") == "class" and r.get(code_field)]
    if not classes:
        rep.not_applicable(
            template,
            args,
            _missing_reason(ex, resource, rep.titles) if not rows else f"{name}不分类、款列示汇总行",
        )
        return
    coded = [r for r in rows if r.get(code_field) and r.get("row_type") in ("class", "item")]
    failing, worst = [], None
    for cls in classes:
        code = cls[code_field]
        longer = [r for r in coded if r[code_field].startswith(code) and len(r[code_field]) > len(code)]
        if not longer:
            continue
        next_len = min(len(r[code_field]) for r in longer)
        children = [r for r in longer if len(r[code_field]) == next_len]
        found, figures, n = _sum(children, "total")
        expected = decimal(cls.get("total"))
        tol = tolerance(figures + [cls.get("total")], n)
        diff = abs(found - expected)
        if diff > tol:
            failing.append((cls, found))
        if worst is None or diff - tol > worst[0]:
            worst = (diff - tol, cls, expected, found, tol)
    if worst is None:
        rep.not_applicable(template, args, f"{name}的汇总行下没有明细行")
        return
    _, cls, expected, found, tol = worst
    if failing:
        detail = "；".join(
            f"第 {c['source_line']} 行“{c.get(code_field)} {c.get('function_name') or c.get('dept_economic_name') or ''}”"
            f"合计 {shown(c.get('total'))}，下级之和 {wan(f)}"
            for c, f in failing[:5]
        )
    else:
        detail = f"全部 {len(classes)} 个汇总行均等于其下级之和"
    rep.add(
        template,
        args,
        expected=expected,
        found=found,
        tol=tol,
        status="fail" if failing else "pass",
        detail=detail,
        source_line=cls.get("source_line"),
    )


# ---------------------------------------------------------------- cross-table


def check_class_cross(ex, rep: Report, summary: str, details: list[str]) -> None:
    titles = rep.titles
    srows = [r for r in ex.rows(summary) if r.get("side") == "expenditure" and r.get("function_class_code")]
    detail_rows = [
        r for d in details for r in ex.rows(d) if r.get("row_type") == "item" and r.get("function_code")
    ]
    detail_title = "、".join(titles.get(d, d) for d in details)
    base = {
        "summary": summary,
        "summary_title": titles.get(summary, summary),
        "detail_title": detail_title,
        "table": f"{titles.get(summary, summary)}、{detail_title}",
    }
    template = "cross.{summary}_class.{code}"
    if not srows or not detail_rows:
        missing = summary if not srows else details[0]
        rep.not_applicable(
            template,
            {**base, "code": "all", "item": "各类支出"},
            _missing_reason(ex, missing, titles)
            if not ex.rows(missing)
            else f"{titles.get(missing, missing)}没有功能分类科目编码",
        )
        return
    seen = set()
    for r in srows:
        code = r["function_class_code"]
        seen.add(code)
        under = [d for d in detail_rows if d["function_code"].startswith(code)]
        expected, figures, n = _sum(under, "total")
        found = decimal(r.get("amount"))
        if not under and found == 0:
            continue  # a class neither table uses: nothing to compare
        args = {**base, "code": code, "item": r.get("item") or code}
        tol = tolerance(figures + [r.get("amount")], n)
        where = f"（第 {_lines(under)} 行）" if under else "（没有该类的行）"
        detail = (
            f"{base['summary_title']}“{args['item']}”{shown(r.get('amount'))}（第 {r['source_line']} 行），"
            f"{detail_title}中 {code} 类各行合计 {wan(expected)}{where}"
        )
        if r.get("amount") in (None, "") and expected != 0:
            detail = (
                f"{base['summary_title']}“{args['item']}”为空（第 {r['source_line']} 行），但{detail_title}中该类合计 "
                f"{wan(expected)}（第 {_lines(under)} 行）"
            )
        rep.add(
            template,
            args,
            expected=expected,
            found=found,
            tol=tol,
            detail=detail,
            source_line=r.get("source_line"),
        )
    # classes spent in the detail tables but not listed in the summary at all
    for code in sorted({d["function_code"][:3] for d in detail_rows} - seen):
        under = [d for d in detail_rows if d["function_code"].startswith(code)]
        expected, figures, n = _sum(under, "total")
        args = {**base, "code": code, "item": f"{code} 类支出"}
        rep.add(
            template,
            args,
            expected=expected,
            found=Decimal(0),
            tol=tolerance(figures, n),
            detail=f"{base['summary_title']}没有列出 {code} 类，但{detail_title}中该类合计 {wan(expected)}（第 {_lines(under)} 行）",
            source_line=under[0].get("source_line"),
        )


def _figure(ex, rep, resource: str, column: str, **match) -> tuple[dict | None, str]:
    rows = ex.rows(resource)
    if not rows:
        return None, _missing_reason(ex, resource, rep.titles)
    row = _total_row(rows) if not match else _one(rows, **match)
    if row is None:
        return None, f"{rep.titles.get(resource, resource)}没有合计行"
    return row, ""


def _compare(rep: Report, template: str, left: tuple, right: tuple, args: dict | None = None) -> None:
    """left/right = (row, column, label, reason); expected = right, found = left."""
    (lrow, lcol, llabel, lreason), (rrow, rcol, rlabel, rreason) = left, right
    args = args or {}
    if lrow is None or rrow is None:
        rep.not_applicable(template, args, lreason or rreason)
        return
    a, b = lrow.get(lcol), rrow.get(rcol)
    rep.add(
        template,
        args,
        expected=decimal(b),
        found=decimal(a),
        tol=tolerance([a, b], 1),
        detail=f"{llabel} {shown(a)}（第 {lrow.get('source_line')} 行），{rlabel} {shown(b)}（第 {rrow.get('source_line')} 行）",
        source_line=lrow.get("source_line"),
    )


def check_cross_totals(ex, rep: Report) -> None:
    s_exp, r1 = _figure(ex, rep, "budget_summary", "amount", side="expenditure", item_key="current_total")
    s_inc, r2 = _figure(ex, rep, "budget_summary", "amount", side="income", item_key="current_total")
    e_tot, r3 = _figure(ex, rep, "expenditure_summary", "total")
    _compare(
        rep,
        "cross.summary_expenditure_vs_expenditure_summary",
        (s_exp, "amount", "收支总表本年支出合计", r1),
        (e_tot, "total", "支出总表合计", r3),
    )
    i_tot, r4 = _figure(ex, rep, "income_summary", "current_total")
    _compare(
        rep,
        "cross.summary_income_vs_income_summary",
        (s_inc, "amount", "收支总表本年收入合计", r2),
        (i_tot, "current_total", "收入总表本年收入合计", r4),
    )
    g_tot, r5 = _figure(ex, rep, "general_budget_expenditure", "basic")
    b_tot, r6 = _figure(ex, rep, "basic_expenditure", "total")
    _compare(
        rep,
        "cross.general_basic_vs_basic_expenditure",
        (g_tot, "basic", "一般公共预算支出表基本支出合计", r5),
        (b_tot, "total", "基本支出表合计", r6),
    )
    # 一般公共预算支出表 spends this year's 一般公共预算 money plus its carry-over from last year
    f_rows = [
        r
        for r in ex.rows("fiscal_summary")
        if r.get("side") == "income" and r.get("item_key") == "general_budget"
    ]
    template = "cross.general_vs_fiscal_summary"
    if g_tot is None or not f_rows:
        rep.not_applicable(template, {}, r5 or _missing_reason(ex, "fiscal_summary", rep.titles))
    else:
        expected, figures, n = _sum(f_rows, "amount")
        a = g_tot.get("total")
        rep.add(
            template,
            {},
            expected=expected,
            found=decimal(a),
            tol=tolerance(figures + [a], n),
            detail=f"一般公共预算支出表合计 {shown(a)}（第 {g_tot.get('source_line')} 行），财政拨款收支总表一般公共预算"
            f"本年收入与上年结转之和 {wan(expected)}（第 {_lines(f_rows)} 行）",
            source_line=g_tot.get("source_line"),
        )


def check_three_public(ex, rep: Report) -> None:
    rows = ex.rows("three_public")
    if not rows:
        reason = _missing_reason(ex, "three_public", rep.titles)
        rep.not_applicable("three_public.parts_sum", {}, reason)
        rep.not_applicable("three_public.vehicles_sum", {}, reason)
        return
    years = sorted({r.get("year") for r in rows}, key=lambda y: y or "")
    year = years[-1]  # the budget year; earlier years (if published) are comparisons
    by = {r["part"]: r for r in rows if r.get("year") == year}
    total = by.get("total")
    vehicles = by.get("vehicles")
    purchase, operation = by.get("vehicle_purchase"), by.get("vehicle_operation")
    if total is None:
        rep.not_applicable("three_public.parts_sum", {}, "“三公”经费支出表没有合计")
    else:
        parts = [by.get("overseas"), by.get("reception")]
        parts += (
            [vehicles]
            if vehicles is not None and vehicles.get("amount") not in (None, "")
            else [purchase, operation]
        )
        parts = [p for p in parts if p is not None]
        found, figures, n = _sum(parts, "amount")
        rep.add(
            "three_public.parts_sum",
            {},
            expected=decimal(total.get("amount")),
            found=found,
            tol=tolerance(figures + [total.get("amount")], n),
            detail=f"合计 {shown(total.get('amount'))}，"
            + "，".join(f"{p['part_name']} {shown(p.get('amount'))}" for p in parts),
            source_line=total.get("source_line"),
        )
    if vehicles is None or (purchase is None and operation is None):
        rep.not_applicable(
            "three_public.vehicles_sum", {}, "“三公”经费支出表没有单列公务用车购置及运行维护费小计"
        )
    else:
        parts = [p for p in (purchase, operation) if p is not None]
        found, figures, n = _sum(parts, "amount")
        rep.add(
            "three_public.vehicles_sum",
            {},
            expected=decimal(vehicles.get("amount")),
            found=found,
            tol=tolerance(figures + [vehicles.get("amount")], n),
            detail=f"小计 {shown(vehicles.get('amount'))}，购置费与运行维护费之和 {wan(found)}"
            + ("（两项均为空）" if all(p.get("amount") in (None, "") for p in parts) else ""),
            source_line=vehicles.get("source_line"),
        )


def _rows_sum(ex, rep: Report, resource: str, template: str, column: str) -> None:
    rows = ex.rows(resource)
    if not rows:
        rep.not_applicable(template, {}, _missing_reason(ex, resource, rep.titles))
        return
    total = _total_row(rows)
    if total is None:
        rep.not_applicable(template, {}, f"{rep.titles.get(resource, resource)}没有合计行")
        return
    items = _items(rows)
    found, figures, n = _sum(items, column)
    rep.add(
        template,
        {},
        expected=decimal(total.get(column)),
        found=found,
        tol=tolerance(figures + [total.get(column)], n),
        detail=f"合计 {shown(total.get(column))}（第 {total['source_line']} 行），{len(items)} 行之和 {wan(found)}",
        source_line=total.get("source_line"),
    )


def check_projects(ex, rep: Report) -> None:
    _rows_sum(ex, rep, "procurement", "procurement.rows_sum", "amount")
    _rows_sum(ex, rep, "project_expenditure", "project_expenditure.rows_sum", "total")
    column, reason = _figure(ex, rep, "expenditure_summary", "project")
    pe_total, reason2 = _figure(ex, rep, "project_expenditure", "total")
    _compare(
        rep,
        "cross.project_expenditure_vs_project_column",
        (pe_total, "total", "项目支出表合计", reason2),
        (column, "project", "支出总表项目支出合计", reason),
    )
    projects = [r for r in ex.rows("performance_projects") if r.get("total") not in (None, "")]
    template = "cross.performance_projects_vs_project_column"
    if column is None or not projects:
        rep.not_applicable(template, {}, reason or _missing_reason(ex, "performance_projects", rep.titles))
        return
    found, figures, n = _sum(projects, "total")
    expected = decimal(column.get("project"))
    row = rep.add(
        template,
        {},
        expected=expected,
        found=found,
        tol=tolerance(figures + [column.get("project")], n),
        detail=f"{n} 个绩效目标表的项目资金之和 {wan(found)}，支出总表项目支出合计 {shown(column.get('project'))}"
        f"（第 {column['source_line']} 行）",
        source_line=column.get("source_line"),
    )
    if row["status"] == "fail":
        row["detail"] += "；绩效目标表可能只列出了部分项目，或有项目资金与支出总表不一致"


# ---------------------------------------------------------------- 情况说明


def _topic_of(topic: str) -> dict | None:
    topic = re.sub(r"\s+", "", topic)
    for entry in catalogue()["explanation_topics"]["topics"]:
        if topic in entry["names"]:
            return entry
    return None


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
        tol=tolerance([r["amount"], figure], 2),
        detail=f"情况说明（第 {r.get('source_line')} 行）“{topic}”{r['amount']} 万元，财政拨款收支总表（第 "
        f"{target.get('source_line')} 行）{shown(figure)}",
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
    for r in rows:
        topic = str(r.get("topic") or "")
        entry = _topic_of(topic)
        if entry is None:
            _class_topic(ex, rep, r, done)
            continue
        if entry["key"] in done:
            continue
        done.add(entry["key"])
        args = {
            "key": entry["key"],
            "title": entry["title"],
            "table": rep.titles.get(entry["resource"], entry["resource"]),
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
                _missing_reason(ex, entry["resource"], rep.titles)
                if not ex.rows(entry["resource"])
                else f"{args['table']}中找不到对应数字",
            )
        else:
            rep.add(
                "explanation.{key}.amount",
                args,
                expected=decimal(figure),
                found=decimal(amount),
                tol=tolerance([amount, figure], 1),
                detail=f"情况说明（第 {line} 行）{entry['title']} {amount} 万元，{args['table']}（第 {target.get('source_line')} 行）"
                f" {shown(figure)}",
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
                tol=tolerance([amount, prev, change], 2),
                detail=f"本年 {amount} 万元，上年 {prev} 万元，公布增减额 {change} 万元，计算得 {fmt(calc)} 万元",
                source_line=line,
            )
        if pct in (None, "") or prev in (None, "") or change in (None, "") or decimal(prev) == 0:
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
                detail=f"公布增减幅度 {pct}%，按增减额 {change} ÷ 上年 {prev} 计算得 {fmt(calc_pct)}%",
                source_line=line,
            )


# ---------------------------------------------------------------- completeness

TOC_HEAD = re.compile(r"^\s*目\s*录\s*$")
TOC_ENTRY = re.compile(
    r"^[\s\-•·]*(?:[一二三四五六七八九十廿]+\s*[、.．]|\d{1,2}\s*[、.．]|(?:预算)?表\s*\d+)?\s*(.+?)[\s.…·\d]*$"
)


def toc_entries(ex) -> list[dict]:
    """目录 entries naming a table: the prose engineer's `toc` resource, else a minimal reading of the
    lines between “目录” and the first table (entries that name a table kind and contain 表)."""
    if "toc" in ex.resources:
        return [
            {
                "kind": r.get("kind"),
                "title": r.get("title") or r.get("text") or "",
                "source_line": r.get("source_line"),
            }
            for r in ex.rows("toc")
            if r.get("kind") and r.get("kind") != "unknown"
        ]
    first_table = min((t.title_line for t in ex.tables), default=0)
    out, inside = [], False
    for line in ex.lines:
        if first_table and line.no >= first_table:
            break
        if TOC_HEAD.match(line.text):
            inside = True
            continue
        if not inside or "表" not in line.text:
            continue
        m = TOC_ENTRY.match(line.text)
        title = m.group(1) if m else line.text.strip()
        kind = kind_of(title)
        if kind != "unknown":
            out.append({"kind": kind, "title": title, "source_line": line.no})
    return out


def check_completeness(ex, rep: Report) -> None:
    required = set(catalogue()["required_kinds"])
    inventory = ex.rows("tables")
    listed = {}
    for entry in toc_entries(ex):
        listed.setdefault(entry["kind"], entry)
    for spec in kinds():
        kind = spec["kind"]
        title = spec["title"]
        args = {"kind": kind, "table": title}
        found = [t for t in inventory if t.get("kind") == kind]
        if found:
            t = found[0]
            status = t.get("status")
            numbers = "、".join(x.get("number") or "无编号" for x in found)
            if status == "unreadable":
                rep.add(
                    "completeness.{kind}",
                    args,
                    status="fail",
                    source_line=t.get("source_line"),
                    detail=f"{numbers}“{t.get('title')}”（第 {t.get('source_line')} 行）已公开但无法读取：{t.get('note') or ''}",
                )
            elif status == "empty":
                rep.add(
                    "completeness.{kind}",
                    args,
                    status="pass",
                    source_line=t.get("source_line"),
                    detail=f"{numbers}“{t.get('title')}”（第 {t.get('source_line')} 行）公开为空表"
                    + (f"：{t.get('note')}" if t.get("note") else ""),
                )
            else:
                rep.add(
                    "completeness.{kind}",
                    args,
                    status="pass",
                    source_line=t.get("source_line"),
                    detail=f"{numbers}“{t.get('title')}”（第 {t.get('source_line')} 行），{t.get('rows')} 行数据",
                )
        elif kind in required:
            rep.add(
                "completeness.{kind}",
                args,
                status="fail",
                detail=f"本文件没有“{title}”" + ("，但目录列出了它" if kind in listed else ""),
            )
        else:
            rep.add(
                "completeness.{kind}",
                args,
                status="not_applicable",
                detail=f"本文件没有“{title}”（该表并非每个发布机构都公开）",
            )
        if kind in listed:
            entry = listed[kind]
            rep.add(
                "completeness.toc_listed.{kind}",
                args,
                status="pass" if found else "fail",
                source_line=entry.get("source_line"),
                detail=(
                    f"目录第 {entry.get('source_line')} 行列出“{entry['title']}”，"
                    + (f"正文第 {found[0].get('source_line')} 行有此表" if found else "但正文中没有这张表")
                ),
            )


# ---------------------------------------------------------------- entry point


def run(extraction) -> list[dict]:
    """All checks over one disclosure's extracted resources, in catalogue order."""
    cat = catalogue()
    rep = Report()
    for resource in ("budget_summary", "fiscal_summary"):
        check_two_sided(extraction, rep, resource)
    for resource, columns in cat["sum_columns"].items():
        check_columns(extraction, rep, resource, columns)
    for resource, splits in cat["row_splits"].items():
        if not resource.startswith("_"):
            check_splits(extraction, rep, resource, splits)
    for resource, code_field in cat["hierarchy_codes"].items():
        if not resource.startswith("_"):
            check_hierarchy(extraction, rep, resource, code_field)
    for pair in cat["class_cross"]:
        check_class_cross(extraction, rep, pair["summary"], pair["detail"])
    check_cross_totals(extraction, rep)
    check_three_public(extraction, rep)
    check_projects(extraction, rep)
    check_explanation(extraction, rep)
    check_completeness(extraction, rep)
    return rep.rows


def summary(rows: list[dict]) -> dict[str, int]:
    out = {"pass": 0, "fail": 0, "advisory": 0, "not_applicable": 0}
    for r in rows:
        out[r["status"]] += 1
    return out
