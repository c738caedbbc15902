"""Checks within one table beyond the two-sided summaries: column sums, row splits, the 类/款/项
hierarchy and the expenditure-by-use side, on hand-made tables whose figures are chosen here. Each
identity passes when it holds, fails when one figure moves, and reports the figures and the line it
compared (expected, found and tolerance derived by hand in the comments)."""

from __future__ import annotations

import pytest

from scripts.checks.report import Report
from scripts.checks.within import check_columns, check_hierarchy, check_splits, check_two_sided


class Ex:
    """An extraction with the given resources; `None` rows: the resource is not in the file at all."""

    def __init__(self, **tables):
        self.resources = {k: object() for k, v in tables.items() if v is not None}
        self._rows = {k: v for k, v in tables.items() if v is not None}

    def rows(self, name):
        return self._rows.get(name, [])


def by_id(rep: Report) -> dict[str, dict]:
    return {r["check_id"]: r for r in rep.rows}


def line(row_type, line_no, **fields):
    return {"row_type": row_type, "source_line": line_no, **fields}


# ---------------------------------------------------------------- column sums

RES = "expenditure_summary"


def columns(res_rows, cols=("total", "basic")) -> dict[str, dict]:
    rep = Report()
    check_columns(Ex(**{RES: res_rows}), rep, RES, list(cols))
    return by_id(rep)


def spending(total=("30.00", "10.00"), items=(("20.00", "10.00"), ("10.00", None))):
    rows = [line("total", 5, total=total[0], basic=total[1])]
    rows += [line("item", 6 + i, total=t, basic=b) for i, (t, b) in enumerate(items)]
    return rows


def test_column_sums_compare_the_items_with_the_total_row():
    rep = columns(spending())
    total, basic = rep[f"{RES}.sum.total"], rep[f"{RES}.sum.basic"]
    # total: 20.00 + 10.00 = 30.00; 2 terms and the total at half a cent each: 0.015
    assert (total["status"], total["expected"], total["found"], total["tolerance"]) == (
        "pass",
        "30.00",
        "30.00",
        "0.015",
    )
    # basic: the blank item counts as zero and adds no rounding: one term and the total, 0.01
    assert (basic["status"], basic["found"], basic["tolerance"]) == ("pass", "10.00", "0.01")
    assert total["source_line"] == basic["source_line"] == 5
    assert "2 个明细行" in total["detail"]


@pytest.mark.parametrize(
    "items,column,status,difference",
    [
        ((("20.00", "10.00"), ("10.02", None)), "total", "fail", "0.02"),  # beyond 0.015
        ((("20.00", "10.00"), ("9.99", None)), "total", "pass", "-0.01"),  # within it
        ((("20.00", "10.02"), ("10.00", None)), "basic", "fail", "0.02"),  # beyond 0.01
        ((("20.00", "10.01"), ("10.00", None)), "basic", "pass", "0.01"),  # at its edge
    ],
)
def test_a_moved_item_moves_its_column_only(items, column, status, difference):
    rep = columns(spending(items=items))
    row = rep[f"{RES}.sum.{column}"]
    assert (row["status"], row["difference"]) == (status, difference)
    other = rep[f"{RES}.sum.{'basic' if column == 'total' else 'total'}"]
    assert (other["status"], other["difference"]) == ("pass", "0")
    title = "合计" if column == "total" else "基本支出"
    assert row["detail"].startswith(f"合计行（第 5 行）“{title}” ")
    if status == "fail":
        assert row["detail"].endswith(f"相差 {difference} 万元")
    else:
        assert "相差" not in row["detail"]


def test_the_last_total_row_is_the_one_compared():
    """A table may print a 合计 above its items and again below: the one below the items is compared."""
    rows = spending() + [line("total", 20, total="30.00", basic="10.00")]
    rows[0]["total"] = "99.00"
    row = columns(rows)[f"{RES}.sum.total"]
    assert (row["status"], row["source_line"], row["expected"]) == ("pass", 20, "30.00")


@pytest.mark.parametrize(
    "res_rows,reasons",
    [
        (None, ["本文件没有可读取的“支出总表”，无法核对"] * 2),
        ([], ["“支出总表”公开为空，无法核对"] * 2),
        ([line("item", 6, total="1.00", basic="1.00")], ["支出总表没有合计行"] * 2),
        ([line("total", 5, total="1.00", basic="1.00")], ["支出总表只有合计行，没有可读取的明细行"] * 2),
        # a column not published: the next one is still checked
        (
            [line("total", 5, total="", basic="1.00"), line("item", 6, total=None, basic="1.00")],
            ["支出总表没有“合计”栏或该栏全部为空", None],
        ),
    ],
)
def test_column_sums_not_applicable_say_why(res_rows, reasons):
    rep = columns(res_rows, ("total", "basic"))
    for column, reason in zip(("total", "basic"), reasons, strict=True):
        row = rep[f"{RES}.sum.{column}"]
        if reason is None:
            assert row["status"] == "pass"
        else:
            assert (row["status"], row["detail"], row["expected"], row["found"]) == (
                "not_applicable",
                reason,
                None,
                None,
            )


def test_a_column_blank_in_the_total_but_filled_in_an_item_is_checked():
    rows = [line("total", 5, total=None), line("item", 6, total="3.00")]
    row = columns(rows, ("total",))[f"{RES}.sum.total"]
    assert (row["status"], row["expected"], row["found"]) == ("fail", "0", "3.00")


# ---------------------------------------------------------------- row splits

GB = "general_budget_expenditure"
SPLITS = [
    {"name": "total_split", "whole": "total", "parts": ["basic", "project"]},
    {"name": "basic_split", "whole": "basic", "parts": ["personnel", "public_admin"]},
]


def splits(res_rows, specs=SPLITS) -> dict[str, dict]:
    rep = Report()
    check_splits(Ex(**{GB: res_rows}), rep, GB, specs)
    return by_id(rep)


def gb(line_no, total, basic, project, personnel, public_admin, name="事业运行"):
    return line(
        "item",
        line_no,
        function_name=name,
        total=total,
        basic=basic,
        project=project,
        personnel=personnel,
        public_admin=public_admin,
    )


def consistent():
    return [
        gb(9, "", "", "", "", "", "其他"),  # nothing filled in: skipped
        gb(10, "100.00", "60.00", "40.00", "50.00", "10.00", "行政运行"),
        gb(11, "7.50", "7.50", None, "7.50", None, "一般行政管理事务"),  # blank parts count as zero
        gb(12, None, None, None, None, None, "其他"),
    ]


def test_every_row_of_a_consistent_table_passes_its_splits():
    rep = splits(consistent())
    total, basic = rep[f"{GB}.total_split"], rep[f"{GB}.basic_split"]
    assert total["status"] == basic["status"] == "pass"
    assert total["detail"] == basic["detail"] == "全部已填列的行均相符"
    # the row reported is the one nearest its rounding allowance: line 11 (two figures, 0.01) fits
    # exactly as line 10 does, but line 10's three figures allow 0.015
    assert (total["source_line"], total["expected"], total["found"], total["tolerance"]) == (
        11,
        "7.50",
        "7.50",
        "0.01",
    )
    assert total["description"] == "一般公共预算支出表：每一行的“合计”应等于“基本支出”与“项目支出”之和"


def test_the_worst_row_is_reported_and_every_failing_row_counted():
    rows = consistent()
    rows[1]["project"] = "40.10"  # total 100.00 vs 100.10: 0.10 off, 0.085 beyond its 0.015
    # total 7.50 vs 7.52: 0.01 beyond its 0.01; basic 7.52 vs personnel 7.48: 0.03 beyond
    rows[2]["basic"], rows[2]["personnel"] = "7.52", "7.48"
    rep = splits(rows)
    row = rep[f"{GB}.total_split"]
    assert row["status"] == "fail"
    assert (row["source_line"], row["expected"], row["found"], row["difference"]) == (
        10,
        "100.00",
        "100.10",
        "0.10",
    )
    assert row["detail"].startswith("2 行不符（第 10、11 行）；差额最大的是第 10 行“行政运行”")
    basic = rep[f"{GB}.basic_split"]
    assert (basic["status"], basic["source_line"], basic["difference"]) == ("fail", 11, "-0.04")


@pytest.mark.parametrize(
    "names,label",
    [
        ({"function_name": "行政运行", "dept_economic_name": "工资", "unit_name": "本级"}, "行政运行"),
        ({"function_name": None, "dept_economic_name": "工资福利支出", "unit_name": "本级"}, "工资福利支出"),
        ({"function_name": "", "dept_economic_name": None, "unit_name": "东城区本级"}, "东城区本级"),
        ({"function_name": None, "dept_economic_name": None, "unit_name": None}, ""),
    ],
)
def test_a_failing_row_is_named_by_its_first_name_field(names, label):
    rows = [{**gb(10, "100.00", "60.00", "40.50", "50.00", "10.00"), **names}]
    detail = splits(rows, SPLITS[:1])[f"{GB}.total_split"]["detail"]
    assert f"差额最大的是第 10 行“{label}”：合计 100.00 万元，组成部分之和 100.50 万元" in detail


def test_equal_misfits_report_the_first_row():
    rows = [gb(10 + i, "10.00", "5.00", "5.50", None, None) for i in range(3)]
    row = splits(rows, SPLITS[:1])[f"{GB}.total_split"]
    assert row["source_line"] == 10 and row["detail"].startswith("3 行不符（第 10、11、12 行）")


def test_a_row_with_only_its_parts_filled_is_checked():
    rows = [gb(10, "2.00", "2.00", None, None, None), gb(11, None, "1.00", None, None, None)]
    row = splits(rows, SPLITS[:1])[f"{GB}.total_split"]
    assert (row["status"], row["source_line"], row["expected"], row["found"]) == ("fail", 11, "0", "1.00")


def test_failing_lines_are_listed_up_to_six():
    rows = [gb(10 + i, "10.00", "5.00", "6.00", None, None) for i in range(7)]
    detail = splits(rows, SPLITS[:1])[f"{GB}.total_split"]["detail"]
    assert detail.startswith("7 行不符（第 10、11、12、13、14、15等 行）")
    detail = splits(rows[:6], SPLITS[:1])[f"{GB}.total_split"]["detail"]
    assert detail.startswith("6 行不符（第 10、11、12、13、14、15 行）")


@pytest.mark.parametrize(
    "res_rows,reason",
    [
        (None, "本文件没有可读取的“一般公共预算支出表”，无法核对"),
        ([], "“一般公共预算支出表”公开为空，无法核对"),
        ([line("item", 10, basic="1.00", project="1.00")], "一般公共预算支出表没有“合计”或其组成栏"),
        ([line("item", 10, total="1.00")], "一般公共预算支出表没有“合计”或其组成栏"),
    ],
)
def test_splits_not_applicable_say_why(res_rows, reason):
    rep = splits(res_rows)
    row = rep[f"{GB}.total_split"]
    assert (row["status"], row["detail"]) == ("not_applicable", reason)
    assert rep[f"{GB}.basic_split"]["status"] == "not_applicable"  # every split gets its row


def test_a_split_with_only_one_part_published_is_still_checked():
    rows = [line("item", 10, total="5.00", basic="5.00"), line("item", 11, total="2.00", basic="1.00")]
    row = splits(rows, SPLITS[:1])[f"{GB}.total_split"]
    assert (row["status"], row["source_line"], row["difference"]) == ("fail", 11, "-1.00")
    # a row with the whole and no part filled in: its parts are zero
    rows[1] = line("item", 11, total="2.00")
    row = splits(rows, SPLITS[:1])[f"{GB}.total_split"]
    assert (row["status"], row["source_line"], row["found"]) == ("fail", 11, "0")
    # and the other split of the table, whose parts are not published, is not applicable
    rep = splits(rows, SPLITS[::-1])
    assert (
        rep[f"{GB}.basic_split"]["status"] == "not_applicable"
        and rep[f"{GB}.total_split"]["status"] == "fail"
    )


def test_a_row_at_its_rounding_allowance_fits():
    """total 10.00 against basic 10.01 and a blank project: 0.01 off, two figures allow 0.01."""
    row = splits([gb(10, "10.00", "10.01", None, None, None)], SPLITS[:1])[f"{GB}.total_split"]
    assert (row["status"], row["difference"], row["tolerance"]) == ("pass", "0.01", "0.01")
    assert row["detail"] == "全部已填列的行均相符"


# ---------------------------------------------------------------- 类 / 款 / 项


def coded(row_type, line_no, code, total, name="支出"):
    return line(row_type, line_no, function_code=code, function_name=name, total=total)


def hierarchy_rows():
    """201 = 20101 + 20102; 20101 = 2010101 + 2010102; 20102 = 2010201; 205 = 20502 = 2050201.
    The 合计 row has no code and stands outside the hierarchy."""
    return [
        line("total", 4, total="108.00"),
        coded("class", 5, "201", "100.00", "一般公共服务支出"),
        coded("class", 6, "20101", "70.00", "人大事务"),
        coded("item", 7, "2010101", "50.00", "行政运行"),
        coded("item", 8, "2010102", "20.00", "一般行政管理事务"),
        coded("class", 9, "20102", "30.00", "政协事务"),
        coded("item", 10, "2010201", "30.00", "行政运行"),
        coded("class", 11, "205", "8.00", "教育支出"),
        coded("class", 12, "20502", "8.00", "普通教育"),
        coded("item", 13, "2050201", "8.00", "学前教育"),
    ]


def hierarchy(res_rows, code_field="function_code") -> dict:
    rep = Report()
    check_hierarchy(Ex(**{GB: res_rows}), rep, GB, code_field)
    return by_id(rep)[f"{GB}.hierarchy"]


def test_each_class_equals_the_sum_of_the_level_below_it():
    row = hierarchy(hierarchy_rows())
    assert row["status"] == "pass" and row["detail"] == "全部 5 个汇总行均等于其下级之和"
    # every class fits exactly; the one nearest its allowance is reported: 20102 (two figures, 0.01)
    # before 201 (70.00 + 30.00 against 100.00, three figures, 0.015)
    assert (row["source_line"], row["expected"], row["found"], row["tolerance"]) == (
        9,
        "30.00",
        "30.00",
        "0.01",
    )


def test_a_moved_item_fails_its_own_class_only():
    """2010102 moved by 1.00: 20101 (its 款) fails; 201 is compared with its 款, which did not move."""
    rows = hierarchy_rows()
    rows[4]["total"] = "21.00"
    row = hierarchy(rows)
    assert row["status"] == "fail"
    assert (row["source_line"], row["expected"], row["found"]) == (6, "70.00", "71.00")
    assert row["detail"] == "第 6 行“20101 人大事务”合计 70.00 万元，下级之和 71.00 万元"


def test_a_moved_class_fails_itself_and_its_parent():
    rows = hierarchy_rows()
    rows[8]["total"] = "8.50"  # 20502: its parent 205 (8.00) and its item (8.00) disagree with it
    row = hierarchy(rows)
    assert row["detail"] == (
        "第 11 行“205 教育支出”合计 8.00 万元，下级之和 8.50 万元；"
        "第 12 行“20502 普通教育”合计 8.50 万元，下级之和 8.00 万元"
    )
    assert (row["source_line"], row["difference"]) == (11, "0.50")  # equal misfits: the first


def test_a_class_without_rows_below_it_is_passed_over():
    rows = [
        coded("class", 4, "199", "5.00"),
        coded("class", 5, "201", "1.00"),
        coded("item", 6, "2010101", "2.00"),
    ]
    row = hierarchy(rows)
    assert (row["status"], row["source_line"], row["found"]) == ("fail", 5, "2.00")


def test_a_class_at_its_rounding_allowance_fits():
    row = hierarchy([coded("class", 5, "201", "10.00"), coded("item", 6, "2010101", "10.01")])
    assert (row["status"], row["difference"], row["tolerance"]) == ("pass", "0.01", "0.01")
    assert row["detail"] == "全部 1 个汇总行均等于其下级之和"


def test_at_most_five_failing_classes_are_named():
    rows = [coded("class", 10 + 2 * i, f"2{i:02d}", "1.00") for i in range(6)]
    rows += [coded("item", 11 + 2 * i, f"2{i:02d}01", "2.00") for i in range(6)]
    detail = hierarchy(rows)["detail"]
    assert detail.count("合计 1.00 万元，下级之和 2.00 万元") == 5 and "第 20 行" not in detail


def test_economic_codes_are_named_by_their_economic_name():
    rows = [
        line("class", 5, dept_economic_code="301", dept_economic_name="工资福利支出", total="10.00"),
        line("item", 6, dept_economic_code="30101", dept_economic_name="基本工资", total="9.00"),
    ]
    row = hierarchy(rows, "dept_economic_code")
    assert row["detail"] == "第 5 行“301 工资福利支出”合计 10.00 万元，下级之和 9.00 万元"


@pytest.mark.parametrize(
    "res_rows,reason",
    [
        (None, "本文件没有可读取的“一般公共预算支出表”，无法核对"),
        ([], "“一般公共预算支出表”公开为空，无法核对"),
        (
            [coded("item", 5, "2010101", "1.00"), coded("class", 6, "", "1.00")],
            "一般公共预算支出表不分类、款列示汇总行",
        ),
        (
            [coded("class", 5, "201", "1.00"), coded("item", 6, "202", "1.00")],
            "一般公共预算支出表的汇总行下没有明细行",
        ),
    ],
)
def test_hierarchy_not_applicable_says_why(res_rows, reason):
    row = hierarchy(res_rows)
    assert (row["status"], row["detail"]) == ("not_applicable", reason)


def test_rows_of_other_types_are_not_children():
    """A 合计 or subtotal row carrying a code is not a level of the hierarchy."""
    rows = hierarchy_rows() + [line("total", 30, function_code="20101", total="5.00")]
    rows += [line("subtotal", 31, function_code="2010103", total="5.00")]
    assert hierarchy(rows)["status"] == "pass"


# ---------------------------------------------------------------- expenditure by use


def summary(use=(("60.00", "item"), ("40.00", "item"), ("100.00", "total")), current="100.00", carry="5.00"):
    rows = [
        {
            "side": "expenditure",
            "item_key": "current_total",
            "row_type": "total",
            "amount": current,
            "source_line": 30,
        },
        {
            "side": "expenditure",
            "item_key": "year_end_balance",
            "row_type": "carryover",
            "amount": carry,
            "source_line": 31,
        },
        {
            "side": "expenditure",
            "item_key": "grand_total",
            "row_type": "total",
            "amount": "105.00",
            "source_line": 32,
        },
    ]
    rows += [
        {"side": "expenditure_use", "row_type": t, "amount": a, "source_line": 40 + i}
        for i, (a, t) in enumerate(use)
    ]
    return rows


def use_side(rows):
    rep = Report()
    check_two_sided(Ex(budget_summary=rows), rep, "budget_summary")
    return by_id(rep).get("budget_summary.expenditure_use_items_sum")


def test_the_use_lines_sum_to_this_years_expenditure():
    row = use_side(summary())
    # 60.00 + 40.00 (the use side's own 合计 line is not an item); 3 figures: 0.015
    assert (row["status"], row["expected"], row["found"], row["tolerance"], row["source_line"]) == (
        "pass",
        "100.00",
        "100.00",
        "0.015",
        30,
    )
    row = use_side(summary(use=(("60.00", "item"), ("40.50", "item"))))
    assert (row["status"], row["difference"]) == ("fail", "0.50")


def test_no_use_lines_no_use_check():
    assert use_side(summary(use=())) is None


def test_use_lines_without_this_years_total_are_not_applicable():
    rows = [r for r in summary() if r.get("item_key") != "current_total"]
    row = use_side(rows)
    assert (row["status"], row["detail"]) == ("not_applicable", "收支总表中找不到本年支出合计行")


def test_use_lines_fall_back_to_the_grand_total_when_nothing_is_carried():
    """江苏: no 本年支出合计 and a blank 年终结转结余 line: the 支出总计 is this year's expenditure."""
    rows = [r for r in summary(carry="") if r.get("item_key") != "current_total"]
    row = use_side(rows)
    assert (row["status"], row["expected"], row["found"], row["source_line"]) == (
        "fail",
        "105.00",
        "100.00",
        32,
    )
    rows = [
        r
        for r in summary(carry=None, use=(("65.00", "item"), ("40.00", "item")))
        if r.get("item_key") != "current_total"
    ]
    assert use_side(rows)["status"] == "pass"
