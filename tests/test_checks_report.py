"""The quality report's row format and shared helpers (`scripts/checks/report.py`) and the report summary:
the tolerance rule on figures of known precision, a row's status from its figures, unique check ids,
and the helpers every family of checks uses to pick rows and sum a column."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from scripts import checks
from scripts.checks.report import (
    Report,
    catalogue,
    column_sum,
    column_title,
    decimals_of,
    find_total,
    has_field,
    items_of,
    line_list,
    missing_reason,
    one_row,
    tolerance,
)


@pytest.mark.parametrize(
    "figures,allowance",
    [
        (["1.00", "2.00"], "0.01"),  # half a cent each
        (["1.00", None, "", "2.00"], "0.01"),  # blanks are not figures
        (["0", "-0", "1.00"], "0.005"),  # a bare zero is exact
        (["0.00", "1.00"], "0.01"),  # a zero with decimals was rounded like any figure
        (["-1.5", "2"], "0.55"),  # the places of each figure: 0.05 + 0.5
        ([], "0.005"),  # nothing published: a default 2-decimal figure
        ([None, "0"], "0.005"),
        (["1.00"] * 30, "0.1"),  # 30 half-cents = 0.15, capped at 10 cents
        (["1.00"] * 20, "0.1"),  # exactly at the cap
        (["1.00"] * 19, "0.095"),
        (["1", "1.00"] + ["1.000000"] * 30, "0.505015"),  # the cap is of the coarsest figure: 10 units of 1
    ],
)
def test_tolerance_is_half_a_unit_of_each_figures_last_place_capped(figures, allowance):
    tol = tolerance(figures)
    assert tol == Decimal(allowance) and str(tol) == allowance


@pytest.mark.parametrize("digits,places", [("12", 0), ("1.50", 2), ("-3.5", 1), ("0.000001", 6), ("-0", 0)])
def test_decimals_of_counts_published_places(digits, places):
    assert decimals_of(digits) == places


def add(rep, expected, found, tol, template="procurement.rows_sum", **more):
    return rep.add(template, {}, expected=expected, found=found, tol=tol, **more)


@pytest.mark.parametrize(
    "expected,found,tol,status,difference",
    [
        ("10.00", "10.00", "0.01", "pass", "0"),
        ("10.00", "10.01", "0.01", "pass", "0.01"),  # at the allowance
        ("10.00", "9.99", "0.01", "pass", "-0.01"),
        ("10.00", "10.02", "0.01", "fail", "0.02"),
        ("10.00", "9.98", "0.01", "fail", "-0.02"),
        ("10.00", "0", "0", "fail", "-10.00"),
    ],
)
def test_a_rows_status_and_difference_follow_its_figures(expected, found, tol, status, difference):
    row = add(Report(), Decimal(expected), Decimal(found), Decimal(tol))
    assert (row["status"], row["expected"], row["found"], row["difference"], row["tolerance"]) == (
        status,
        expected,
        found,
        difference,
        tol,
    )
    assert row["category"] == "identity" and row["table"] == "政府采购预算明细表"


def test_a_failure_of_an_advisory_check_is_advisory_and_a_pass_stays_a_pass():
    template = "cross.performance_projects_vs_project_column"
    rep = Report()
    assert add(rep, Decimal(5), Decimal(6), Decimal(0), template)["status"] == "advisory"
    assert add(rep, Decimal(5), Decimal(5), Decimal(0), template)["status"] == "pass"
    assert rep.not_applicable(template, {}, "x")["status"] == "not_applicable"


def test_check_ids_stay_unique_when_a_check_repeats():
    rep = Report()
    ids = [add(rep, Decimal(1), Decimal(1), Decimal(0))["check_id"] for _ in range(3)]
    assert ids == ["procurement.rows_sum", "procurement.rows_sum.2", "procurement.rows_sum.3"]
    assert rep.ids == set(ids) and [r["check_id"] for r in rep.rows] == ids


def test_a_row_without_figures_has_no_difference_and_its_detail_or_none():
    rep = Report()
    row = rep.not_applicable("{resource}.hierarchy", {"resource": "basic_expenditure"}, "没有合计行")
    assert (row["expected"], row["found"], row["difference"], row["tolerance"]) == (None, None, None, None)
    assert (row["detail"], row["source_line"]) == ("没有合计行", None)
    assert row["check_id"] == "basic_expenditure.hierarchy" and row["table"] == "一般公共预算基本支出表"
    row = rep.add("{resource}.hierarchy", {"resource": "x_unknown"}, status="pass", source_line=4)
    assert (row["detail"], row["source_line"], row["table"]) == (None, 4, "x_unknown")
    row = rep.add("procurement.rows_sum", {}, expected=Decimal(1), status="pass")
    assert (row["expected"], row["found"], row["difference"]) == ("1", None, None)


def rows(*specs):
    return [{"row_type": t, "amount": a, "source_line": n} for t, a, n in specs]


def test_column_sum_counts_the_published_figures():
    total, figures, n = column_sum(
        rows(("item", "1.50", 1), ("item", None, 2), ("item", "", 3), ("item", "-0.25", 4)), "amount"
    )
    assert (total, figures, n) == (Decimal("1.25"), ["1.50", None, "", "-0.25"], 2)
    assert column_sum([], "amount") == (Decimal(0), [], 0)


@pytest.mark.parametrize(
    "lines,limit,text",
    [
        ([1, 2, 3], 6, "1、2、3"),
        ([1, None, 3], 6, "1、3"),
        (list(range(1, 7)), 6, "1、2、3、4、5、6"),
        (list(range(1, 8)), 6, "1、2、3、4、5、6等"),
        ([1, 2, 3], 2, "1、2等"),
        ([], 6, ""),
    ],
)
def test_line_list_names_at_most_limit_lines(lines, limit, text):
    assert line_list([{"source_line": n} for n in lines], limit) == text


def test_row_pickers():
    table = rows(
        ("total", "9.00", 1), ("item", "", 2), ("item", "4.00", 3), ("total", "4.00", 4), ("class", None, 5)
    )
    assert find_total(table) is table[3] and find_total(table[1:3]) is None
    assert items_of(table) == [table[1], table[2]]
    assert one_row(table, row_type="item") is table[1]
    assert one_row(table, row_type="item", amount="4.00") is table[2]
    assert one_row(table, row_type="item", amount="5.00") is None
    assert one_row([], row_type="item") is None
    assert has_field(table, "amount") and not has_field(table[1:2] + table[4:], "amount")
    assert not has_field(table, "missing")


def test_summary_counts_rows_by_status():
    statuses = ["pass", "fail", "pass", "advisory", "not_applicable", "pass"]
    assert checks.summary([{"status": s} for s in statuses]) == {
        "pass": 3,
        "fail": 1,
        "advisory": 1,
        "not_applicable": 1,
    }
    assert checks.summary([]) == {"pass": 0, "fail": 0, "advisory": 0, "not_applicable": 0}


def test_every_table_and_column_a_check_names_has_a_chinese_title():
    """Descriptions are read by people: no field id (`reserve`, `carry_forward`) may show through."""
    cat, titles = catalogue(), Report().titles
    resources = set(cat["sum_columns"]) | set(cat["row_splits"]) | set(cat["hierarchy_codes"])
    resources |= {p["summary"] for p in cat["class_cross"]} | {
        d for p in cat["class_cross"] for d in p["detail"]
    }
    assert {r for r in resources if not r.startswith("_")} - set(titles) == set()
    columns = {c for cols in cat["sum_columns"].values() for c in cols}
    columns |= {
        c
        for splits in cat["row_splits"].values()
        if isinstance(splits, list)
        for s in splits
        for c in [s["whole"], *s["parts"]]
    }
    assert columns - set(cat["column_titles"]) == set()
    assert column_title("reserve") == "单位预留机动经费" and column_title("carry_forward") == "结转下年资金"


def test_a_table_or_column_without_a_title_is_named_by_its_id():
    rep = Report()
    assert (rep.title("budget_summary"), rep.title("x_table")) == ("收支总表", "x_table")
    assert (column_title("basic"), column_title("x_column")) == ("基本支出", "x_column")
    assert (
        missing_reason(SimpleNamespace(resources={}), "x_table", rep)
        == "本文件没有可读取的“x_table”，无法核对"
    )
    assert (
        missing_reason(SimpleNamespace(resources={}), "three_public", rep)
        == "本文件没有可读取的““三公”经费支出表”，无法核对"
    )
