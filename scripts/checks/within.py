"""Checks within one table: two-sided summaries, column sums, row splits, code hierarchies."""

from __future__ import annotations

from decimal import Decimal

from scripts.checks.report import (
    Report,
    column_sum,
    column_title,
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

# ---------------------------------------------------------------- 收支总表 / 财政拨款收支总表


def _current(side_rows: list[dict]) -> dict | None:
    """This year's total of one side: the 本年 subtotal, or the grand total of a side with no
    carry-over figure (江苏 收入合计 / 支出合计 with blank 上年结转 lines)."""
    current = one_row(side_rows, item_key="current_total")
    carried = any(r.get("row_type") == "carryover" and r.get("amount") not in (None, "") for r in side_rows)
    return current if current is not None or carried else one_row(side_rows, item_key="grand_total")


def _check_use_side(rep: Report, rows: list[dict], name: str, args: dict) -> None:
    """Expenditure printed twice (by function and by use: 基本支出, 项目支出 …): the use lines sum to the
    same 本年支出合计."""
    use = [r for r in rows if r.get("side") == "expenditure_use"]
    if not use:
        return
    current = _current([r for r in rows if r.get("side") == "expenditure"])
    template = "{resource}.expenditure_use_items_sum"
    if current is None:
        rep.not_applicable(template, args, f"{name}中找不到本年支出合计行")
        return
    items = items_of(use)
    total, figures, n = column_sum(items, "amount")
    rep.add(
        template,
        args,
        expected=decimal(current.get("amount")),
        found=total,
        tol=tolerance(figures + [current.get("amount")]),
        detail=f"{name}本年支出合计 {wan_digits(current.get('amount'))}（第 {current['source_line']} 行），"
        f"按支出用途各项之和 {wan_exact(total)}（{n} 项有数字）",
        source_line=current.get("source_line"),
    )


def check_two_sided(ex, rep: Report, resource: str) -> None:
    rows = ex.rows(resource)
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
            rep.not_applicable(t, args, missing_reason(ex, resource, rep))
        return
    name = rep.title(resource)
    for side, template, word in (("income", templates[0], "收入"), ("expenditure", templates[1], "支出")):
        side_rows = [r for r in rows if r.get("side") == side]
        current = _current(side_rows)
        if current is None:
            rep.not_applicable(template, args, f"{name}中找不到本年{word}合计行")
            continue
        # a numbered part of an item (1.一般公共预算 under 一、财政拨款) is inside its parent's figure
        parents = {r["seq"] for r in side_rows if r.get("row_type") == "item"}
        items = [r for r in items_of(side_rows) if r.get("parent_seq") not in parents]
        total, figures, n = column_sum(items, "amount")
        expected = decimal(current.get("amount"))
        tol = tolerance(figures + [current.get("amount")])
        blanks = [r for r in items if r.get("amount") in (None, "")]
        detail = (
            f"{name}本年{word}合计 {wan_digits(current.get('amount'))}（第 {current['source_line']} 行），"
            f"各项{word}之和 {wan_exact(total)}（{n} 项有数字）"
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
            row["detail"] += (
                f"，相差 {wan_exact(total - expected)}；{len(blanks)} 项{word}为空，缺数可能在空白项中"
            )
    _check_use_side(rep, rows, name, args)
    income = [r for r in rows if r.get("side") == "income"]
    spend = [r for r in rows if r.get("side") == "expenditure"]
    in_total = one_row(income, item_key="grand_total")
    out_total = one_row(spend, item_key="grand_total")
    if in_total is None or out_total is None:
        rep.not_applicable(templates[2], args, f"{name}中找不到收入总计或支出总计行")
    else:
        a, b = in_total.get("amount"), out_total.get("amount")
        rep.add(
            templates[2],
            args,
            expected=decimal(a),
            found=decimal(b),
            tol=tolerance([a, b]),
            detail=f"收入总计 {wan_digits(a)}（第 {in_total['source_line']} 行），支出总计 {wan_digits(b)}（第 {out_total['source_line']} 行）",
            source_line=out_total.get("source_line"),
        )
    for side_rows, total_row, template, cur_word, carry_key, carry_word in (
        (income, in_total, templates[3], "本年收入合计", "carryover", "上年结转结余"),
        (spend, out_total, templates[4], "本年支出合计", "year_end_balance", "年终结转结余"),
    ):
        current = one_row(side_rows, item_key="current_total")
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
        carry, figures, n = column_sum(parts, "amount")
        found = decimal(current.get("amount")) + carry
        g = total_row.get("amount")
        rep.add(
            template,
            args,
            expected=decimal(g),
            found=found,
            tol=tolerance([g, current.get("amount")] + figures),
            detail=f"总计 {wan_digits(g)}，{cur_word} {wan_digits(current.get('amount'))}，{carry_word} {wan_exact(carry)}",
            source_line=total_row.get("source_line"),
        )


# ---------------------------------------------------------------- column sums, row splits, hierarchy


def check_columns(ex, rep: Report, resource: str, columns: list[str]) -> None:
    rows = ex.rows(resource)
    name = rep.title(resource)
    for column in columns:
        args = {"resource": resource, "column": column, "column_title": column_title(column)}
        if not rows:
            rep.not_applicable("{resource}.sum.{column}", args, missing_reason(ex, resource, rep))
            continue
        total = find_total(rows)
        if total is None:
            rep.not_applicable("{resource}.sum.{column}", args, f"{name}没有合计行")
            continue
        if not has_field(rows, column):
            rep.not_applicable(
                "{resource}.sum.{column}", args, f"{name}没有“{args['column_title']}”栏或该栏全部为空"
            )
            continue
        items = items_of(rows)
        if not items:
            rep.not_applicable("{resource}.sum.{column}", args, f"{name}只有合计行，没有可读取的明细行")
            continue
        found, figures, _ = column_sum(items, column)
        expected = decimal(total.get(column))
        row = rep.add(
            "{resource}.sum.{column}",
            args,
            expected=expected,
            found=found,
            tol=tolerance(figures + [total.get(column)]),
            detail=f"合计行（第 {total['source_line']} 行）“{args['column_title']}” {wan_digits(total.get(column))}，"
            f"{len(items)} 个明细行之和 {wan_exact(found)}",
            source_line=total.get("source_line"),
        )
        if row["status"] == "fail":
            row["detail"] += f"，相差 {wan_exact(found - expected)}"


def check_splits(ex, rep: Report, resource: str, splits: list[dict]) -> None:
    rows = ex.rows(resource)
    name = rep.title(resource)
    for split in splits:
        whole, parts = split["whole"], split["parts"]
        args = {
            "resource": resource,
            "split": split["name"],
            "whole_title": column_title(whole),
            "parts_title": "与".join(f"“{column_title(p)}”" for p in parts),
        }
        template = "{resource}.{split}"
        if not rows:
            rep.not_applicable(template, args, missing_reason(ex, resource, rep))
            continue
        present = [p for p in parts if has_field(rows, p)]
        if not has_field(rows, whole) or not present:
            rep.not_applicable(template, args, f"{name}没有“{args['whole_title']}”或其组成栏")
            continue
        worst = None
        failing = []
        for r in rows:
            if r.get(whole) in (None, "") and all(r.get(p) in (None, "") for p in parts):
                continue
            expected = decimal(r.get(whole))
            found = sum((decimal(r.get(p)) for p in parts), Decimal(0))
            tol = tolerance([r.get(whole)] + [r.get(p) for p in parts])
            diff = abs(found - expected)
            if diff > tol:
                failing.append(r)
            if worst is None or diff - tol > worst[0]:
                worst = (diff - tol, r, expected, found, tol)
        # a row carries the whole (has_field above), so `worst` is set
        _, r, expected, found, tol = worst
        if failing:
            label = r.get("function_name") or r.get("dept_economic_name") or r.get("unit_name") or ""
            detail = (
                f"{len(failing)} 行不符（第 {line_list(failing)} 行）；差额最大的是第 {r['source_line']} 行"
                f"“{label}”：{args['whole_title']} {wan_digits(r.get(whole))}，组成部分之和 {wan_exact(found)}"
            )
        else:
            detail = "全部已填列的行均相符"
        rep.add(
            template,
            args,
            expected=expected,
            found=found,
            tol=tol,
            detail=detail,
            source_line=r.get("source_line"),
        )


def check_hierarchy(ex, rep: Report, resource: str, code_field: str) -> None:
    rows = ex.rows(resource)
    args = {"resource": resource}
    template = "{resource}.hierarchy"
    name = rep.title(resource)
    classes = [r for r in rows if r.get("row_type") == "class" and r.get(code_field)]
    if not classes:
        rep.not_applicable(
            template,
            args,
            missing_reason(ex, resource, rep) if not rows else f"{name}不分类、款列示汇总行",
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
        found, figures, _ = column_sum(children, "total")
        expected = decimal(cls.get("total"))
        tol = tolerance(figures + [cls.get("total")])
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
            f"合计 {wan_digits(c.get('total'))}，下级之和 {wan_exact(f)}"
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
        detail=detail,
        source_line=cls.get("source_line"),
    )
