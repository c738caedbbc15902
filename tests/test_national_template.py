"""The national 部门预算 template (部门收支总体情况表 … 一般公共预算基本支出情况表), in a hand-made text:
its titles, its income table by 功能分类科目, and economic codes printed over 类 | 款 columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.build.commands import disclosure

FIXTURE = Path(__file__).parent / "fixtures" / "national-template.txt"


@pytest.fixture(scope="module")
def ex():
    return disclosure(FIXTURE.read_bytes(), str(FIXTURE))


def test_titles_of_the_national_template_are_known_kinds(ex):
    assert [t.kind for t in ex.tables] == ["budget_summary", "income_summary", "basic_expenditure"]


def test_income_by_functional_class_keeps_codes_levels_and_columns(ex):
    rows = {r["function_code"]: r for r in ex.rows("income_summary")}
    total = next(r for r in ex.rows("income_summary") if r["row_type"] == "total")
    assert (total["total"], total["current_general_budget"], total["current_business_income"]) == (
        "1300.50",
        "1200.50",
        "100.00",
    )
    assert total["carryover_total"] is None  # a blank cell stays blank
    assert (rows["201"]["row_type"], rows["20101"]["function_level"], rows["2010101"]["row_type"]) == (
        "class",
        "款",
        "item",
    )
    assert rows["208"]["current_business_income"] is None and rows["208"]["total"] == "300.00"


def test_codes_printed_over_class_and_item_columns_are_one_code(ex):
    rows = [
        (r["dept_economic_code"], r["dept_economic_name"], r["personnel"], r["public_admin"])
        for r in ex.rows("basic_expenditure")
    ]
    assert rows == [
        (None, "合计", "800.00", "200.00"),
        ("301", "工资福利支出", "800.00", None),
        ("30101", "基本工资", "500.00", None),
        ("30102", "津贴补贴", "300.00", None),
        ("302", "商品和服务支出", None, "200.00"),
        ("30201", "办公费", None, "200.00"),
    ]


def test_the_checks_hold_on_the_template(ex):
    failed = [r["check_id"] for r in ex.rows("quality_report") if r["status"] == "fail"]
    assert all(f.startswith("completeness.") for f in failed), failed  # the fixture has three tables only
    passed = {r["check_id"] for r in ex.rows("quality_report") if r["status"] == "pass"}
    assert {
        "budget_summary.income_items_sum",
        "basic_expenditure.hierarchy",
        "income_summary.sum.total",
    } <= passed
