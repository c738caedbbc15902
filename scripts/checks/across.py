"""Checks across tables: per-class figures, totals, “三公” and project sums that two tables both publish."""

from __future__ import annotations

from decimal import Decimal

from scripts.checks.report import (
    Report,
    column_sum,
    find_total,
    has_field,
    items_of,
    line_list,
    missing_reason,
    one_row,
    tolerance,
)
from scripts.extract.cells import decimal
from scripts.numfmt import wan_digits, wan_exact

# ---------------------------------------------------------------- cross-table


def check_class_cross(ex, rep: Report, summary: str, details: list[str]) -> None:
    srows = [r for r in ex.rows(summary) if r.get("side") == "expenditure" and r.get("function_class_code")]
    detail_rows = [
        r for d in details for r in ex.rows(d) if r.get("row_type") == "item" and r.get("function_code")
    ]
    detail_title = "、".join(rep.title(d) for d in details)
    base = {
        "summary": summary,
        "summary_title": rep.title(summary),
        "detail_title": detail_title,
        "table": f"{rep.title(summary)}、{detail_title}",
    }
    template = "cross.{summary}_class.{code}"
    if not srows or not detail_rows:
        missing = summary if not srows else details[0]
        rep.not_applicable(
            template,
            {**base, "code": "all", "item": "各类支出"},
            missing_reason(ex, missing, rep)
            if not ex.rows(missing)
            else f"{rep.title(missing)}没有功能分类科目编码",
        )
        return
    seen = set()
    for r in srows:
        code = r["function_class_code"]
        seen.add(code)
        under = [d for d in detail_rows if d["function_code"].startswith(code)]
        expected, figures, _ = column_sum(under, "total")
        found = decimal(r.get("amount"))
        if not under and found == 0:
            continue  # a class neither table uses: nothing to compare
        args = {**base, "code": code, "item": r.get("item") or code}
        tol = tolerance(figures + [r.get("amount")])
        where = f"（第 {line_list(under)} 行）" if under else "（没有该类的行）"
        detail = (
            f"{base['summary_title']}“{args['item']}”{wan_digits(r.get('amount'))}（第 {r['source_line']} 行），"
            f"{detail_title}中 {code} 类各行合计 {wan_exact(expected)}{where}"
        )
        if r.get("amount") in (None, "") and expected != 0:
            detail = (
                f"{base['summary_title']}“{args['item']}”为空（第 {r['source_line']} 行），但{detail_title}中该类合计 "
                f"{wan_exact(expected)}（第 {line_list(under)} 行）"
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
        expected, figures, _ = column_sum(under, "total")
        args = {**base, "code": code, "item": f"{code} 类支出"}
        rep.add(
            template,
            args,
            expected=expected,
            found=Decimal(0),
            tol=tolerance(figures),
            detail=f"{base['summary_title']}没有列出 {code} 类，但{detail_title}中该类合计 {wan_exact(expected)}（第 {line_list(under)} 行）",
            source_line=under[0].get("source_line"),
        )


def _figure(ex, rep, resource: str, **match) -> tuple[dict | None, str]:
    """The row holding a table's figure: its 合计 row, or the row matching `match`; else why not."""
    rows = ex.rows(resource)
    if not rows:
        return None, missing_reason(ex, resource, rep)
    row = find_total(rows) if not match else one_row(rows, **match)
    if row is None:
        return None, f"{rep.title(resource)}没有合计行"
    return row, ""


def _compare(rep: Report, template: str, left: tuple, right: tuple, args: dict | None = None) -> None:
    """left/right = (row, column, label, reason); expected = right, found = left."""
    (lrow, lcol, llabel, lreason), (rrow, rcol, rlabel, rreason) = left, right
    args = args or {}
    if lrow is None or rrow is None:
        rep.not_applicable(template, args, lreason if lrow is None else rreason)
        return
    a, b = lrow.get(lcol), rrow.get(rcol)
    rep.add(
        template,
        args,
        expected=decimal(b),
        found=decimal(a),
        tol=tolerance([a, b]),
        detail=f"{llabel} {wan_digits(a)}（第 {lrow.get('source_line')} 行），{rlabel} {wan_digits(b)}（第 {rrow.get('source_line')} 行）",
        source_line=lrow.get("source_line"),
    )


def check_cross_totals(ex, rep: Report) -> None:
    s_exp, r1 = _figure(ex, rep, "budget_summary", side="expenditure", item_key="current_total")
    s_inc, r2 = _figure(ex, rep, "budget_summary", side="income", item_key="current_total")
    e_tot, r3 = _figure(ex, rep, "expenditure_summary")
    _compare(
        rep,
        "cross.summary_expenditure_vs_expenditure_summary",
        (s_exp, "amount", "收支总表本年支出合计", r1),
        (e_tot, "total", "支出总表合计", r3),
    )
    i_tot, r4 = _figure(ex, rep, "income_summary")
    column, label = "current_total", "收入总表本年收入合计"
    if (
        i_tot is not None
        and not has_field(ex.rows("income_summary"), "current_total")
        and not decimal(i_tot.get("carryover_total"))
    ):
        # no 本年收入 subtotal column and nothing carried over: the table's 合计 is this year's income
        column, label = "total", "收入总表合计（无上年结转）"
    _compare(
        rep,
        "cross.summary_income_vs_income_summary",
        (s_inc, "amount", "收支总表本年收入合计", r2),
        (i_tot, column, label, r4),
    )
    g_tot, r5 = _figure(ex, rep, "general_budget_expenditure")
    b_tot, r6 = _figure(ex, rep, "basic_expenditure")
    split = has_field(ex.rows("general_budget_expenditure"), "basic")
    _compare(
        rep,
        "cross.general_basic_vs_basic_expenditure",
        (
            g_tot if split else None,
            "basic",
            "一般公共预算支出表基本支出合计",
            r5 or "一般公共预算支出表只列合计，没有分列基本支出",
        ),
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
        rep.not_applicable(template, {}, r5 or missing_reason(ex, "fiscal_summary", rep))
    else:
        expected, figures, _ = column_sum(f_rows, "amount")
        a = g_tot.get("total")
        rep.add(
            template,
            {},
            expected=expected,
            found=decimal(a),
            tol=tolerance(figures + [a]),
            detail=f"一般公共预算支出表合计 {wan_digits(a)}（第 {g_tot.get('source_line')} 行），财政拨款收支总表一般公共预算"
            f"本年收入与上年结转之和 {wan_exact(expected)}（第 {line_list(f_rows)} 行）",
            source_line=g_tot.get("source_line"),
        )


def check_three_public(ex, rep: Report) -> None:
    rows = ex.rows("three_public")
    if not rows:
        reason = missing_reason(ex, "three_public", rep)
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
        _parts_sum(rep, "three_public.parts_sum", total, parts)
    grand = by.get("grand_total")
    if grand is not None and total is not None:
        _parts_sum(rep, "three_public.grand_total_sum", grand, [total, by.get("meeting"), by.get("training")])
    if vehicles is None or (purchase is None and operation is None):
        rep.not_applicable(
            "three_public.vehicles_sum", {}, "“三公”经费支出表没有单列公务用车购置及运行维护费小计"
        )
    else:
        parts = [p for p in (purchase, operation) if p is not None]
        found, figures, _ = column_sum(parts, "amount")
        rep.add(
            "three_public.vehicles_sum",
            {},
            expected=decimal(vehicles.get("amount")),
            found=found,
            tol=tolerance(figures + [vehicles.get("amount")]),
            detail=f"小计 {wan_digits(vehicles.get('amount'))}，购置费与运行维护费之和 {wan_exact(found)}"
            + ("（两项均为空）" if all(p.get("amount") in (None, "") for p in parts) else ""),
            source_line=vehicles.get("source_line"),
        )


def _parts_sum(rep: Report, template: str, whole: dict, parts: list[dict | None]) -> None:
    """A “三公” figure against the sum of its published parts."""
    parts = [p for p in parts if p is not None]
    found, figures, _ = column_sum(parts, "amount")
    rep.add(
        template,
        {},
        expected=decimal(whole.get("amount")),
        found=found,
        tol=tolerance(figures + [whole.get("amount")]),
        detail=f"合计 {wan_digits(whole.get('amount'))}，"
        + "，".join(f"{p['part_name']} {wan_digits(p.get('amount'))}" for p in parts),
        source_line=whole.get("source_line"),
    )


def _rows_sum(ex, rep: Report, resource: str, template: str, column: str) -> None:
    rows = ex.rows(resource)
    if not rows:
        rep.not_applicable(template, {}, missing_reason(ex, resource, rep))
        return
    total = find_total(rows)
    if total is None:
        rep.not_applicable(template, {}, f"{rep.title(resource)}没有合计行")
        return
    items = items_of(rows)
    found, figures, _ = column_sum(items, column)
    rep.add(
        template,
        {},
        expected=decimal(total.get(column)),
        found=found,
        tol=tolerance(figures + [total.get(column)]),
        detail=f"合计 {wan_digits(total.get(column))}（第 {total['source_line']} 行），{len(items)} 行之和 {wan_exact(found)}",
        source_line=total.get("source_line"),
    )


def check_projects(ex, rep: Report) -> None:
    _rows_sum(ex, rep, "procurement", "procurement.rows_sum", "amount")
    _rows_sum(ex, rep, "project_expenditure", "project_expenditure.rows_sum", "total")
    column, reason = _figure(ex, rep, "expenditure_summary")
    pe_total, reason2 = _figure(ex, rep, "project_expenditure")
    _compare(
        rep,
        "cross.project_expenditure_vs_project_column",
        (pe_total, "total", "项目支出表合计", reason2),
        (column, "project", "支出总表项目支出合计", reason),
    )
    projects = [r for r in ex.rows("performance_projects") if r.get("total") not in (None, "")]
    template = "cross.performance_projects_vs_project_column"
    if column is None or not projects:
        rep.not_applicable(template, {}, reason or missing_reason(ex, "performance_projects", rep))
        return
    found, figures, n = column_sum(projects, "total")
    expected = decimal(column.get("project"))
    rep.add(
        template,
        {},
        expected=expected,
        found=found,
        tol=tolerance(figures + [column.get("project")]),
        detail=f"{n} 个绩效目标表的项目资金之和 {wan_exact(found)}，支出总表项目支出合计 {wan_digits(column.get('project'))}"
        f"（第 {column['source_line']} 行）",
        source_line=column.get("source_line"),
    )
