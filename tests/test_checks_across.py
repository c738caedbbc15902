"""Checks across tables on hand-made tables whose figures are chosen here: per-class figures of a
summary against its detail tables, the totals two tables both publish, the “三公” sums and the project
sums. Each identity passes when it holds, fails when one figure moves, and reports the figures and the
line it compared; a table or figure that is not there gives `not_applicable` with the reason."""

from __future__ import annotations

import pytest

from scripts.checks.across import check_class_cross, check_cross_totals, check_projects, check_three_public
from scripts.checks.report import Report


class Ex:
    """An extraction with the given resources; `None` rows: the resource is not in the file at all."""

    def __init__(self, **tables):
        self.resources = {k: object() for k, v in tables.items() if v is not None}
        self._rows = {k: v for k, v in tables.items() if v is not None}

    def rows(self, name):
        return self._rows.get(name, [])


def by_id(rep: Report) -> dict[str, dict]:
    return {r["check_id"]: r for r in rep.rows}


def figures(row: dict) -> tuple:
    return row["status"], row["expected"], row["found"], row["source_line"]


# ---------------------------------------------------------------- per class


def cls(code, amount, line, item=None, side="expenditure"):
    return {"side": side, "function_class_code": code, "item": item, "amount": amount, "source_line": line}


def detail(code, total, line, row_type="item"):
    return {"row_type": row_type, "function_code": code, "total": total, "source_line": line}


def class_cross(
    summary_rows, detail_rows, summary="budget_summary", details=("expenditure_summary",), **more
):
    rep = Report()
    tables = {summary: summary_rows, details[0]: detail_rows, **more}
    check_class_cross(Ex(**tables), rep, summary, list(details))
    return by_id(rep)


SUMMARY = [
    cls("201", "30.00", 10, "一般公共服务支出"),
    cls("205", "8.00", 11, "教育支出"),
    cls("206", None, 12, "科学技术支出"),  # neither table spends on 206: not compared
    cls("207", "0.00", 13, "文化旅游体育与传媒支出"),  # a zero of a class no detail row has: not compared
    cls("208", "1.00", 14, "社会保障和就业支出"),  # listed with money but no detail rows
    cls("", "99.00", 15, "收入合计"),  # no class code: not a class line
    cls("201", "99.00", 16, "一般公共服务支出", side="income"),  # the income side is not compared
]
DETAILS = [
    detail("201", "30.00", 20, "class"),  # a class row of the detail table is not an item
    detail("2010101", "20.00", 21),
    detail("2010102", "10.00", 22),
    detail("2050201", "8.00", 23),
]


def test_each_class_of_the_summary_equals_its_detail_rows():
    rep = class_cross(SUMMARY, DETAILS)
    assert set(rep) == {f"cross.budget_summary_class.{c}" for c in ("201", "205", "208")}
    row = rep["cross.budget_summary_class.201"]
    # 20.00 + 10.00 under 201; 3 figures: 0.015
    assert figures(row) == ("pass", "30.00", "30.00", 10) and row["tolerance"] == "0.015"
    assert (
        row["detail"]
        == "收支总表“一般公共服务支出”30.00 万元（第 10 行），支出总表中 201 类各行合计 30.00 万元（第 21、22 行）"
    )
    assert row["description"] == "收支总表中的“一般公共服务支出”应等于支出总表中201类各行之和"
    assert row["table"] == "收支总表、支出总表"
    assert figures(rep["cross.budget_summary_class.205"]) == ("pass", "8.00", "8.00", 11)
    row = rep["cross.budget_summary_class.208"]
    assert figures(row) == ("fail", "0", "1.00", 14) and row["detail"].endswith("（没有该类的行）")


def test_a_moved_detail_row_fails_its_class_only():
    details = [dict(d) for d in DETAILS]
    details[2]["total"] = "10.50"
    rep = class_cross(SUMMARY, details)
    assert figures(rep["cross.budget_summary_class.201"]) == ("fail", "30.50", "30.00", 10)
    assert rep["cross.budget_summary_class.201"]["difference"] == "-0.50"
    assert rep["cross.budget_summary_class.205"]["status"] == "pass"


@pytest.mark.parametrize("spent", ["263.108814", "1.00"])
def test_a_blank_summary_class_with_spending_below_it_fails_and_says_blank(spent):
    """朝阳 210: blank in the 收支总表, 263.108814 in the 支出总表."""
    rep = class_cross([cls("210", "", 10, "卫生健康支出")], [detail("2100101", spent, 20)])
    row = rep["cross.budget_summary_class.210"]
    assert figures(row) == ("fail", spent, "0", 10)
    assert (
        row["detail"]
        == f"收支总表“卫生健康支出”为空（第 10 行），但支出总表中该类合计 {spent} 万元（第 20 行）"
    )


def test_a_class_spent_below_but_missing_from_the_summary_fails():
    rep = class_cross(
        SUMMARY[:2],
        DETAILS + [detail("2130101", "5.00", 24), detail("2130102", "2.00", 25), detail("2140101", "", 26)],
    )
    row = rep["cross.budget_summary_class.213"]
    assert figures(row) == ("fail", "7.00", "0", 24) and row["tolerance"] == "0.01"
    assert row["description"] == "收支总表中的“213 类支出”应等于支出总表中213类各行之和"
    assert row["detail"] == "收支总表没有列出 213 类，但支出总表中该类合计 7.00 万元（第 24、25 行）"
    # a class whose only detail row is blank: listed as missing with a zero sum (it passes)
    assert figures(rep["cross.budget_summary_class.214"]) == ("pass", "0", "0", 26)
    # the summary's own classes are not reported as missing
    assert [cid for cid in rep if cid.startswith("cross.budget_summary_class.20")] == [
        "cross.budget_summary_class.201",
        "cross.budget_summary_class.205",
    ]


def test_a_class_printed_twice_keeps_both_rows():
    rep = class_cross([cls("201", "30.00", 10), cls("201", "31.00", 11)], DETAILS)
    assert figures(rep["cross.budget_summary_class.201"]) == ("pass", "30.00", "30.00", 10)
    assert figures(rep["cross.budget_summary_class.201.2"]) == ("fail", "30.00", "31.00", 11)
    assert rep["cross.budget_summary_class.201"]["description"].startswith("收支总表中的“201”")


def test_the_fiscal_summary_is_compared_with_all_its_detail_tables():
    rep = class_cross(
        [cls("201", "30.00", 10, "一般公共服务支出"), cls("212", "5.00", 11, "城乡社区支出")],
        DETAILS[:3],
        summary="fiscal_summary",
        details=("general_budget_expenditure", "gov_fund_expenditure"),
        gov_fund_expenditure=[detail("2120801", "5.00", 40)],
    )
    row = rep["cross.fiscal_summary_class.212"]
    assert figures(row) == ("pass", "5.00", "5.00", 11)
    assert row["table"] == "财政拨款收支总表、一般公共预算支出表、政府性基金预算支出表"
    assert figures(rep["cross.fiscal_summary_class.201"]) == ("pass", "30.00", "30.00", 10)


@pytest.mark.parametrize(
    "summary_rows,detail_rows,reason",
    [
        (None, DETAILS, "本文件没有可读取的“收支总表”，无法核对"),
        ([], DETAILS, "“收支总表”公开为空，无法核对"),
        ([cls("", "1.00", 10)], DETAILS, "收支总表没有功能分类科目编码"),
        (SUMMARY, None, "本文件没有可读取的“支出总表”，无法核对"),
        (SUMMARY, [detail("", "1.00", 20)], "支出总表没有功能分类科目编码"),
        (SUMMARY, [detail("2010101", "1.00", 20, "class")], "支出总表没有功能分类科目编码"),
    ],
)
def test_class_cross_not_applicable_says_why(summary_rows, detail_rows, reason):
    rep = class_cross(summary_rows, detail_rows)
    assert list(rep) == ["cross.budget_summary_class.all"]
    row = rep["cross.budget_summary_class.all"]
    assert (row["status"], row["detail"]) == ("not_applicable", reason)
    assert row["description"] == "收支总表中的“各类支出”应等于支出总表中all类各行之和"


# ---------------------------------------------------------------- totals two tables publish


def summary_rows(inc="100.00", exp="90.00"):
    """This year's totals of the two sides, each after another line of its side."""
    return [
        {
            "side": "income",
            "item_key": "general_budget",
            "row_type": "item",
            "amount": "70.00",
            "source_line": 4,
        },
        {"side": "income", "item_key": "current_total", "row_type": "total", "amount": inc, "source_line": 5},
        {
            "side": "expenditure",
            "item_key": "grand_total",
            "row_type": "total",
            "amount": "1.00",
            "source_line": 7,
        },
        {
            "side": "expenditure",
            "item_key": "current_total",
            "row_type": "total",
            "amount": exp,
            "source_line": 6,
        },
    ]


def tot(line, **fields):
    return {"row_type": "total", "source_line": line, **fields}


def item(line, **fields):
    return {"row_type": "item", "source_line": line, **fields}


def fiscal(*amounts):
    rows = [
        {"side": "income", "item_key": "general_budget", "amount": a, "source_line": 50 + i}
        for i, a in enumerate(amounts)
    ]
    rows.append({"side": "expenditure", "item_key": "general_budget", "amount": "999.00", "source_line": 60})
    return rows


def tables(**change):
    base = {
        "budget_summary": summary_rows(),
        "expenditure_summary": [item(19, total="1.00"), tot(20, total="90.00"), item(21, total="90.00")],
        "income_summary": [tot(30, total="100.00", current_total="100.00", carryover_total="0.00")],
        "general_budget_expenditure": [tot(40, total="80.00", basic="30.00")],
        "basic_expenditure": [tot(45, total="30.00")],
        "fiscal_summary": fiscal("70.00", "10.00"),
    }
    return {**base, **change}


def totals(**change) -> dict[str, dict]:
    rep = Report()
    check_cross_totals(Ex(**tables(**change)), rep)
    return by_id(rep)


def test_totals_two_tables_publish_agree():
    rep = totals()
    assert figures(rep["cross.summary_expenditure_vs_expenditure_summary"]) == ("pass", "90.00", "90.00", 6)
    assert figures(rep["cross.summary_income_vs_income_summary"]) == ("pass", "100.00", "100.00", 5)
    assert figures(rep["cross.general_basic_vs_basic_expenditure"]) == ("pass", "30.00", "30.00", 40)
    # 一般公共预算支出表 total = this year's 一般公共预算 income 70.00 + its carry-over 10.00; three figures
    row = rep["cross.general_vs_fiscal_summary"]
    assert figures(row) == ("pass", "80.00", "80.00", 40) and row["tolerance"] == "0.015"
    assert row["detail"] == (
        "一般公共预算支出表合计 80.00 万元（第 40 行），"
        "财政拨款收支总表一般公共预算本年收入与上年结转之和 80.00 万元（第 50、51 行）"
    )
    assert rep["cross.summary_expenditure_vs_expenditure_summary"]["tolerance"] == "0.01"
    details = {
        "summary_expenditure_vs_expenditure_summary": "收支总表本年支出合计 90.00 万元（第 6 行），支出总表合计 90.00 万元（第 20 行）",
        "summary_income_vs_income_summary": "收支总表本年收入合计 100.00 万元（第 5 行），收入总表本年收入合计 100.00 万元（第 30 行）",
        "general_basic_vs_basic_expenditure": "一般公共预算支出表基本支出合计 30.00 万元（第 40 行），基本支出表合计 30.00 万元（第 45 行）",
    }
    assert {k: rep[f"cross.{k}"]["detail"] for k in details} == details


@pytest.mark.parametrize(
    "change,check,expected,found",
    [
        (
            {"budget_summary": summary_rows(exp="90.50")},
            "summary_expenditure_vs_expenditure_summary",
            "90.00",
            "90.50",
        ),
        (
            {"budget_summary": summary_rows(inc="99.00")},
            "summary_income_vs_income_summary",
            "100.00",
            "99.00",
        ),
        (
            {"income_summary": [tot(30, total="100.00", current_total="98.00", carryover_total="2.00")]},
            "summary_income_vs_income_summary",
            "98.00",
            "100.00",
        ),
        (
            {"basic_expenditure": [tot(45, total="31.00")]},
            "general_basic_vs_basic_expenditure",
            "31.00",
            "30.00",
        ),
        ({"fiscal_summary": fiscal("70.00")}, "general_vs_fiscal_summary", "70.00", "80.00"),
        ({"fiscal_summary": fiscal("70.00", "10.00", "0.10")}, "general_vs_fiscal_summary", "80.10", "80.00"),
    ],
)
def test_a_moved_total_fails_its_comparison(change, check, expected, found):
    rep = totals(**change)
    row = rep[f"cross.{check}"]
    assert (row["status"], row["expected"], row["found"]) == ("fail", expected, found)
    assert [cid for cid, r in rep.items() if r["status"] == "fail"] == [f"cross.{check}"]


def test_an_income_summary_without_this_years_column_is_read_by_its_total():
    """No 本年收入 column and nothing carried over: the 合计 is this year's income."""
    for carry in (None, "", "0.00"):
        rep = totals(income_summary=[tot(30, total="100.00", carryover_total=carry)])
        row = rep["cross.summary_income_vs_income_summary"]
        assert figures(row) == ("pass", "100.00", "100.00", 5)
        assert "收入总表合计（无上年结转） 100.00 万元" in row["detail"]
    # something carried over: the 合计 is not this year's income, the (blank) 本年收入 column is compared
    rep = totals(income_summary=[tot(30, total="100.00", carryover_total="5.00")])
    assert figures(rep["cross.summary_income_vs_income_summary"]) == ("fail", "0", "100.00", 5)
    # a 本年收入 column blank in the total row but filled in an item: that column is compared
    rep = totals(income_summary=[tot(30, total="100.00"), item(31, current_total="100.00")])
    assert figures(rep["cross.summary_income_vs_income_summary"]) == ("fail", "0", "100.00", 5)


@pytest.mark.parametrize(
    "change,check,reason",
    [
        (
            {"budget_summary": None},
            "summary_expenditure_vs_expenditure_summary",
            "本文件没有可读取的“收支总表”，无法核对",
        ),
        (
            {"expenditure_summary": []},
            "summary_expenditure_vs_expenditure_summary",
            "“支出总表”公开为空，无法核对",
        ),
        (
            {"expenditure_summary": [item(19, total="1.00")]},
            "summary_expenditure_vs_expenditure_summary",
            "支出总表没有合计行",
        ),
        (
            {
                "budget_summary": [
                    r for r in summary_rows() if r["item_key"] != "current_total" or r["side"] != "income"
                ]
            },
            "summary_income_vs_income_summary",
            "收支总表没有合计行",
        ),
        (
            {"income_summary": None},
            "summary_income_vs_income_summary",
            "本文件没有可读取的“收入总表”，无法核对",
        ),
        (
            {"general_budget_expenditure": [tot(40, total="80.00")]},
            "general_basic_vs_basic_expenditure",
            "一般公共预算支出表只列合计，没有分列基本支出",
        ),
        (
            {"general_budget_expenditure": []},
            "general_basic_vs_basic_expenditure",
            "“一般公共预算支出表”公开为空，无法核对",
        ),
        (
            {"basic_expenditure": None},
            "general_basic_vs_basic_expenditure",
            "本文件没有可读取的“一般公共预算基本支出表”，无法核对",
        ),
        (
            {"general_budget_expenditure": None},
            "general_vs_fiscal_summary",
            "本文件没有可读取的“一般公共预算支出表”，无法核对",
        ),
        (
            {"fiscal_summary": None},
            "general_vs_fiscal_summary",
            "本文件没有可读取的“财政拨款收支总表”，无法核对",
        ),
        ({"fiscal_summary": fiscal()}, "general_vs_fiscal_summary", "“财政拨款收支总表”公开为空，无法核对"),
    ],
)
def test_cross_totals_not_applicable_say_why(change, check, reason):
    row = totals(**change)[f"cross.{check}"]
    assert (row["status"], row["detail"]) == ("not_applicable", reason)


# ---------------------------------------------------------------- “三公”


def part(key, amount, year="2026", line=70, name=None):
    return {"part": key, "part_name": name or key, "year": year, "amount": amount, "source_line": line}


def three(rows) -> dict[str, dict]:
    rep = Report()
    check_three_public(Ex(three_public=rows), rep)
    return by_id(rep)


def three_public(**amounts):
    base = {
        "grand_total": "20.00",
        "total": "12.00",
        "overseas": "2.00",
        "reception": "3.00",
        "vehicles": "7.00",
        "vehicle_purchase": "4.00",
        "vehicle_operation": "3.00",
        "meeting": "5.00",
        "training": "3.00",
    }
    base.update(amounts)
    return [part(k, v, line=70 + i) for i, (k, v) in enumerate(base.items()) if v != "absent"]


def test_three_public_parts_add_up():
    rep = three(three_public())
    # 2.00 + 3.00 + 7.00 (the vehicle subtotal, not its two parts again); four figures: 0.02
    row = rep["three_public.parts_sum"]
    assert figures(row) == ("pass", "12.00", "12.00", 71) and row["tolerance"] == "0.02"
    assert row["detail"] == "合计 12.00 万元，overseas 2.00 万元，reception 3.00 万元，vehicles 7.00 万元"
    assert figures(rep["three_public.grand_total_sum"]) == ("pass", "20.00", "20.00", 70)
    row = rep["three_public.vehicles_sum"]
    assert (
        figures(row) == ("pass", "7.00", "7.00", 74)
        and row["detail"] == "小计 7.00 万元，购置费与运行维护费之和 7.00 万元"
    )
    assert row["tolerance"] == "0.015"  # the subtotal and its two parts


@pytest.mark.parametrize(
    "change,failing",
    [
        ({"overseas": "2.10"}, {"parts_sum"}),
        ({"reception": "2.90"}, {"parts_sum"}),
        ({"vehicles": "7.10"}, {"parts_sum", "vehicles_sum"}),
        ({"vehicle_purchase": "4.10"}, {"vehicles_sum"}),
        ({"vehicle_operation": "2.90"}, {"vehicles_sum"}),
        ({"total": "12.10"}, {"parts_sum", "grand_total_sum"}),
        ({"meeting": "5.10"}, {"grand_total_sum"}),
        ({"training": "2.90"}, {"grand_total_sum"}),
        ({"grand_total": "20.10"}, {"grand_total_sum"}),
        # a blank vehicle subtotal: the total is made of the two vehicle parts instead
        ({"vehicles": ""}, {"vehicles_sum"}),
        ({"vehicles": "", "vehicle_purchase": "4.10"}, {"parts_sum", "vehicles_sum"}),
        ({"vehicles": "absent", "vehicle_operation": "3.10"}, {"parts_sum"}),
    ],
)
def test_a_moved_three_public_figure_fails_its_sums(change, failing):
    rep = three(three_public(**change))
    assert {cid.split(".")[1] for cid, r in rep.items() if r["status"] == "fail"} == failing


def test_three_public_of_the_budget_year_only():
    """Last year's column (if published) is a comparison, not part of the sums: the latest year counts."""
    rows = three_public() + [part("total", "50.00", "2025", 90), part("overseas", "50.00", None, 91)]
    rep = three(rows)
    assert figures(rep["three_public.parts_sum"]) == ("pass", "12.00", "12.00", 71)
    rows = [part(r["part"], r["amount"], "2025", r["source_line"]) for r in three_public()]
    rows += [part("total", "1.00", "2026", 99)]
    assert figures(three(rows)["three_public.parts_sum"]) == ("fail", "1.00", "0", 99)
    # a table with no year read is still checked (its one year counts)
    rows = [part(r["part"], r["amount"], None, r["source_line"]) for r in three_public()]
    assert three(rows)["three_public.parts_sum"]["status"] == "pass"


def test_three_public_without_vehicle_subtotal_or_total():
    rep = three(three_public(vehicles="absent", grand_total="absent"))
    assert figures(rep["three_public.parts_sum"]) == ("pass", "12.00", "12.00", 71)
    assert "three_public.grand_total_sum" not in rep
    row = rep["three_public.vehicles_sum"]
    assert (row["status"], row["detail"]) == (
        "not_applicable",
        "“三公”经费支出表没有单列公务用车购置及运行维护费小计",
    )
    rep = three(three_public(total="absent", vehicle_purchase="absent", vehicle_operation="absent"))
    row = rep["three_public.parts_sum"]
    assert (row["status"], row["detail"]) == ("not_applicable", "“三公”经费支出表没有合计")
    assert "three_public.grand_total_sum" not in rep
    assert rep["three_public.vehicles_sum"]["status"] == "not_applicable"
    # one vehicle part published: it alone makes the subtotal
    rep = three(three_public(vehicle_purchase="absent", vehicle_operation="7.00"))
    assert figures(rep["three_public.vehicles_sum"]) == ("pass", "7.00", "7.00", 74)
    rep = three(three_public(vehicle_purchase="", vehicle_operation=""))
    row = rep["three_public.vehicles_sum"]
    assert figures(row) == ("fail", "7.00", "0", 74) and row["detail"].endswith("（两项均为空）")
    rep = three(three_public(vehicle_purchase="", vehicle_operation="7.00"))
    assert not rep["three_public.vehicles_sum"]["detail"].endswith("（两项均为空）")


@pytest.mark.parametrize(
    "rows,reason",
    [(None, "本文件没有可读取的““三公”经费支出表”，无法核对"), ([], "““三公”经费支出表”公开为空，无法核对")],
)
def test_three_public_missing_is_not_applicable(rows, reason):
    rep = Report()
    check_three_public(Ex(three_public=rows), rep)
    assert [(r["check_id"], r["status"], r["detail"]) for r in rep.rows] == [
        ("three_public.parts_sum", "not_applicable", reason),
        ("three_public.vehicles_sum", "not_applicable", reason),
    ]


# ---------------------------------------------------------------- projects


def projects(**change) -> dict[str, dict]:
    base = {
        "procurement": [item(10, amount="3.00"), item(11, amount="2.00"), tot(12, amount="5.00")],
        "project_expenditure": [item(20, total="40.00"), item(21, total="2.00"), tot(22, total="42.00")],
        "expenditure_summary": [tot(30, total="100.00", project="42.00")],
        "performance_projects": [{"total": "40.00"}, {"total": ""}, {"total": "2.00"}],
    }
    rep = Report()
    check_projects(Ex(**{**base, **change}), rep)
    return by_id(rep)


def test_project_sums_agree():
    rep = projects()
    row = rep["procurement.rows_sum"]
    assert figures(row) == ("pass", "5.00", "5.00", 12) and row["tolerance"] == "0.015"
    assert row["detail"] == "合计 5.00 万元（第 12 行），2 行之和 5.00 万元"
    assert figures(rep["project_expenditure.rows_sum"]) == ("pass", "42.00", "42.00", 22)
    row = rep["cross.project_expenditure_vs_project_column"]
    assert figures(row) == ("pass", "42.00", "42.00", 22)
    assert (
        row["detail"] == "项目支出表合计 42.00 万元（第 22 行），支出总表项目支出合计 42.00 万元（第 30 行）"
    )
    row = rep["cross.performance_projects_vs_project_column"]
    assert figures(row) == ("pass", "42.00", "42.00", 30) and row["tolerance"] == "0.015"
    assert row["detail"].startswith("2 个绩效目标表的项目资金之和 42.00 万元")


@pytest.mark.parametrize(
    "change,check,status,expected,found",
    [
        (
            {"procurement": [item(10, amount="3.00"), tot(12, amount="5.00")]},
            "procurement.rows_sum",
            "fail",
            "5.00",
            "3.00",
        ),
        (
            {"project_expenditure": [item(20, total="40.00"), tot(22, total="42.00")]},
            "project_expenditure.rows_sum",
            "fail",
            "42.00",
            "40.00",
        ),
        (
            {"expenditure_summary": [tot(30, total="100.00", project="41.00")]},
            "cross.project_expenditure_vs_project_column",
            "fail",
            "41.00",
            "42.00",
        ),
        # the 绩效目标表 may list only some projects: a difference is advisory, not an error
        (
            {"performance_projects": [{"total": "40.00"}]},
            "cross.performance_projects_vs_project_column",
            "advisory",
            "42.00",
            "40.00",
        ),
    ],
)
def test_a_moved_project_figure_is_reported(change, check, status, expected, found):
    row = projects(**change)[check]
    assert (row["status"], row["expected"], row["found"]) == (status, expected, found)


@pytest.mark.parametrize(
    "change,check,reason",
    [
        ({"procurement": None}, "procurement.rows_sum", "本文件没有可读取的“政府采购预算明细表”，无法核对"),
        ({"procurement": [item(10, amount="3.00")]}, "procurement.rows_sum", "政府采购预算明细表没有合计行"),
        ({"project_expenditure": []}, "project_expenditure.rows_sum", "“项目支出表”公开为空，无法核对"),
        (
            {"project_expenditure": None},
            "cross.project_expenditure_vs_project_column",
            "本文件没有可读取的“项目支出表”，无法核对",
        ),
        (
            {"expenditure_summary": []},
            "cross.project_expenditure_vs_project_column",
            "“支出总表”公开为空，无法核对",
        ),
        (
            {"expenditure_summary": []},
            "cross.performance_projects_vs_project_column",
            "“支出总表”公开为空，无法核对",
        ),
        (
            {"performance_projects": None},
            "cross.performance_projects_vs_project_column",
            "本文件没有可读取的“项目支出绩效目标表”，无法核对",
        ),
        (
            {"performance_projects": [{"total": None}, {"total": ""}]},
            "cross.performance_projects_vs_project_column",
            "“项目支出绩效目标表”公开为空，无法核对",
        ),
    ],
)
def test_project_checks_not_applicable_say_why(change, check, reason):
    row = projects(**change)[check]
    assert (row["status"], row["detail"]) == ("not_applicable", reason)
