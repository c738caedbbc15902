"""The 情况说明 checks on hand-made statements and tables whose figures are chosen here: a stated figure
equals its table's figure, a stated change equals this year's figure minus last year's, a stated
percentage equals the change over last year's figure at the published decimals; which statement of a
topic is checked, and why a check that cannot be made is not applicable."""

from __future__ import annotations

import pytest

from scripts.checks.explanation import check_explanation
from scripts.checks.report import Report


class Ex:
    """An extraction with the given resources; `None` rows: the resource is not in the file at all."""

    def __init__(self, **tables):
        self.resources = {k: object() for k, v in tables.items() if v is not None}
        self._rows = {k: v for k, v in tables.items() if v is not None}

    def rows(self, name):
        return self._rows.get(name, [])


def said(topic, amount, line, previous=None, change=None, pct=None, section=None):
    return {
        "topic": topic,
        "amount": amount,
        "previous_amount": previous,
        "change": change,
        "change_pct": pct,
        "section": section,
        "source_line": line,
    }


TABLES = {
    "budget_summary": [
        {"side": "income", "item_key": "grand_total", "amount": "120.00", "source_line": 4},
        {"side": "income", "item_key": "current_total", "amount": "95.00", "source_line": 5},
        {"side": "expenditure", "item_key": "current_total", "amount": "90.00", "source_line": 6},
    ],
    "fiscal_summary": [
        {
            "side": "expenditure",
            "function_class_code": "210",
            "item": "卫生健康支出",
            "amount": "12.00",
            "source_line": 7,
        },
        {
            "side": "expenditure",
            "function_class_code": "",
            "item": "合计",
            "amount": "50.00",
            "source_line": 8,
        },
        {
            "side": "income",
            "function_class_code": "213",
            "item": "农林水支出",
            "amount": "3.00",
            "source_line": 9,
        },
    ],
    "three_public": [
        {"part": "total", "amount": "4.00", "source_line": 11},
        {"part": "reception", "amount": "1.50", "source_line": 12},
    ],
    "general_budget_expenditure": [{"row_type": "total", "public_admin": "20.00", "source_line": 13}],
}


def check(statements, **tables) -> dict[str, dict]:
    rep = Report()
    check_explanation(Ex(explanation=statements, **{**TABLES, **tables}), rep)
    return {r["check_id"]: r for r in rep.rows}


def figures(row):
    return row["status"], row["expected"], row["found"], row["tolerance"], row["source_line"]


def test_a_stated_figure_its_change_and_percentage_are_checked():
    """支出预算 90.00, 上年 80.00, 增加 10.00, 增长 12.50%: 90.00 - 80.00 = 10.00; 10.00 / 80.00 = 12.50%."""
    rep = check([said("支出预算", "90.00", 40, "80.00", "10.00", "12.50")])
    row = rep["explanation.expenditure.amount"]
    assert figures(row) == ("pass", "90.00", "90.00", "0.01", 40)
    assert row["table"] == "情况说明、收支总表"
    assert row["description"] == "情况说明中的支出预算金额应等于收支总表中的数字"
    assert figures(rep["explanation.expenditure.change"]) == ("pass", "10.00", "10.00", "0.015", 40)
    assert figures(rep["explanation.expenditure.change_pct"]) == ("pass", "12.50", "12.50", "0.01", 40)


@pytest.mark.parametrize(
    "amount,previous,change,pct,failing",
    [
        ("90.10", "80.00", "10.10", "12.63", {"amount"}),  # table says 90.00
        ("90.00", "80.00", "10.10", "12.63", {"change"}),  # 90.00 - 80.00 is 10.00
        ("90.00", "80.00", "10.00", "12.52", {"change_pct"}),  # 10.00 / 80.00 is 12.50%
        ("90.00", "80.00", "10.00", "12.51", set()),  # one unit of the last published place
        ("90.00", "80.00", "10.00", "12.6", set()),  # one place published: 12.5
        ("90.00", "80.00", "10.00", "12.7", {"change_pct"}),
        ("90.00", "80.00", "10.00", "13", set()),  # none: 12.50 rounds to 12, one unit off is 13
        ("90.00", "80.00", "10.00", "14", {"change_pct"}),
        # a decrease, its sign carried by a minus or by the words (magnitudes are compared)
        ("90.00", "100.00", "-10.00", "-10.00", set()),
        ("90.00", "100.00", "10.00", "10.00", set()),
        ("90.00", "100.00", "10.00", "11.11", {"change_pct"}),  # over last year's figure, not this year's
        ("90.00", "100.00", "20.00", "20.00", {"change"}),
    ],
)
def test_a_wrong_figure_fails_its_own_check(amount, previous, change, pct, failing):
    rep = check([said("支出预算", amount, 40, previous, change, pct)])
    checked = {k: rep[f"explanation.expenditure.{k}"]["status"] for k in ("amount", "change", "change_pct")}
    assert {k for k, s in checked.items() if s == "fail"} == failing, checked
    assert set(checked.values()) <= {"pass", "fail"}


def test_a_percentage_is_compared_at_its_published_places():
    """3.00 / 8.00 = 37.5%: with no decimals published that is 38, and one unit either side passes."""
    for pct, status in (
        ("38", "pass"),
        ("37", "pass"),
        ("39", "pass"),
        ("36", "fail"),
        ("40", "fail"),
        ("37.5", "pass"),
        ("37.7", "fail"),
    ):
        row = check([said("支出预算", "90.00", 40, "8.00", "3.00", pct)])[
            "explanation.expenditure.change_pct"
        ]
        assert row["status"] == status, (pct, row)


@pytest.mark.parametrize(
    "statement,missing",
    [
        (said("支出预算", "90.00", 40), {"change", "change_pct"}),
        (said("支出预算", "90.00", 40, "80.00"), {"change", "change_pct"}),
        (said("支出预算", "90.00", 40, None, "10.00", "12.50"), {"change", "change_pct"}),
        (said("支出预算", "90.00", 40, "80.00", "10.00"), {"change_pct"}),
        (said("支出预算", "90.00", 40, "0.00", "90.00", "100"), {"change_pct"}),  # no percentage of zero
        (said("支出预算", "", 40, "80.00", "10.00", "12.50"), {"amount", "change"}),
        (said("支出预算", None, 40, "80.00", "10.00", "12.50"), {"amount", "change"}),
        (said("支出预算", "90.00", 40, "80.00", None, "12.50"), {"change", "change_pct"}),
    ],
)
@pytest.mark.parametrize("blank", [None, ""], ids=["extracted", "from_csv"])
def test_what_is_not_stated_is_not_applicable(statement, missing, blank):
    rep = check([{k: blank if v is None else v for k, v in statement.items()}])
    statuses = {k: rep[f"explanation.expenditure.{k}"]["status"] for k in ("amount", "change", "change_pct")}
    assert {k for k, s in statuses.items() if s == "not_applicable"} == missing, statuses
    reasons = {
        "amount": "情况说明第 40 行没有支出预算金额",
        "change": "情况说明第 40 行没有与上年比较的数字",
        "change_pct": "情况说明第 40 行没有增减幅度或上年数为零",
    }
    for k in missing:
        assert rep[f"explanation.expenditure.{k}"]["detail"] == reasons[k]


@pytest.mark.parametrize(
    "tables,reason",
    [
        ({"budget_summary": None}, "本文件没有可读取的“收支总表”，无法核对"),
        ({"budget_summary": []}, "“收支总表”公开为空，无法核对"),
        ({"budget_summary": TABLES["budget_summary"][:1]}, "收支总表中找不到对应数字"),
    ],
)
def test_a_table_figure_not_found_is_not_applicable(tables, reason):
    row = check([said("支出预算", "90.00", 40)], **tables)["explanation.expenditure.amount"]
    assert (row["status"], row["detail"]) == ("not_applicable", reason)


def test_no_statements_no_checks():
    for tables, reason in (
        ({}, "情况说明中的数字尚未提取（没有 explanation 资源）"),
        ({"explanation": []}, "情况说明中没有可核对的数字"),
    ):
        rep = Report()
        check_explanation(Ex(**tables), rep)
        assert [(r["check_id"], r["status"], r["detail"]) for r in rep.rows] == [
            ("explanation.all.amount", "not_applicable", reason)
        ]
        assert rep.rows[0]["table"] == "情况说明、各表"
        assert rep.rows[0]["description"] == "情况说明中的各项金额应等于各表中的数字"


def test_the_first_statement_of_a_topic_is_checked_once():
    rep = check(
        [
            said("支出 预算", "90.00", 40),  # spaces in the topic do not matter
            said("部门支出预算", "99.00", 41),  # another name of the same topic, stated again
            said("收入预算", "95.00", 42),
            said("其他", "1.00", 43),  # a topic with no table figure: not checked
            said("收支总预算", "120.00", 44),  # the same table and side as 收入预算, another line
        ]
    )
    assert figures(rep["explanation.budget_total.amount"]) == ("pass", "120.00", "120.00", "0.01", 44)
    assert figures(rep["explanation.expenditure.amount"])[:3] == ("pass", "90.00", "90.00")
    assert "explanation.expenditure.amount.2" not in rep
    assert figures(rep["explanation.income.amount"]) == ("pass", "95.00", "95.00", "0.01", 42)
    assert sorted(rep) == sorted(
        f"explanation.{t}.{k}"
        for t in ("expenditure", "income", "budget_total")
        for k in ("amount", "change", "change_pct")
    )


def test_a_statement_in_the_topics_own_section_comes_first():
    """公务接待费 in the 基本支出 breakdown is an economic class; the one in the “三公” section is the
    “三公” figure, wherever it stands."""
    rep = check(
        [
            said("公务接待费", "9.00", 40, section="（二）基本支出情况"),
            said("公务接待费", "1.50", 50, section="（五）“三公”经费预算情况"),
            said("公务接待费", "7.00", 51, section="（五）“三公”经费预算情况"),
        ]
    )
    row = rep["explanation.reception.amount"]
    assert figures(row) == ("pass", "1.50", "1.50", "0.01", 50)
    assert row["description"] == "情况说明中的公务接待费金额应等于“三公”经费支出表中的数字"
    assert [k for k in rep if k.startswith("explanation.reception.amount")] == [
        "explanation.reception.amount"
    ]


def test_a_preferred_table_is_used_when_published():
    """机关运行经费: the 机关运行经费支出表 when there is one, else the 公用经费 of the 一般公共预算支出表."""
    statement = [said("机关运行经费", "20.00", 40)]
    row = check(statement)["explanation.admin_running.amount"]
    assert figures(row) == ("pass", "20.00", "20.00", "0.01", 40)
    assert row["table"] == "情况说明、一般公共预算支出表"
    operating = [
        {"row_type": "item", "total": "1.00"},
        {"row_type": "total", "total": "21.00", "source_line": 14},
    ]
    row = check(statement, operating_expenses=operating)["explanation.admin_running.amount"]
    assert figures(row) == ("fail", "21.00", "20.00", "0.01", 40)
    assert row["table"] == "情况说明、一般公共预算机关运行经费支出表"
    assert row["detail"].endswith("（第 14 行） 21.00 万元")


def test_a_class_named_in_the_explanation_is_checked_against_the_fiscal_summary():
    rep = check(
        [
            said("卫生健康 支出", "12.00", 40),
            said("卫生健康支出", "13.00", 41),  # the same class again: the first statement counts
            said("农林水支出", "3.00", 42),  # an income line of that name is no class of spending
            said("合计", "50.00", 43),  # a line without a class code is no class
        ]
    )
    row = rep["explanation.fiscal_class.210"]
    assert figures(row) == ("pass", "12.00", "12.00", "0.01", 40)
    assert row["description"] == "情况说明中的“卫生健康支出”金额应等于财政拨款收支总表中的数字"
    assert (
        row["detail"] == "情况说明（第 40 行）“卫生健康支出”12.00 万元，财政拨款收支总表（第 7 行）12.00 万元"
    )
    assert sorted(rep) == ["explanation.fiscal_class.210"]
    row = check([said("卫生健康支出", "12.10", 40)])["explanation.fiscal_class.210"]
    assert (row["status"], row["difference"]) == ("fail", "0.10")


def test_a_class_statement_without_an_amount_is_skipped_until_one_has_it():
    rep = check([said("卫生健康支出", "", 40), said("卫生健康支出", "12.00", 41)])
    assert figures(rep["explanation.fiscal_class.210"]) == ("pass", "12.00", "12.00", "0.01", 41)
    assert sorted(rep) == ["explanation.fiscal_class.210"]
