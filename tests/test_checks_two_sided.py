"""The two-sided summary checks (收支总表, 财政拨款收支总表) on hand-made tables whose figures are
chosen here: each identity passes when it holds and fails, naming the right line, when one figure moves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.checks.report import Report
from scripts.checks.within import check_two_sided

RES = "budget_summary"


class Ex:
    def __init__(self, rows, present=True):
        self._rows = rows
        self.resources = {RES: object()} if present else {}

    def rows(self, name):
        return self._rows if name == RES else []


def row(side, seq, amount, line, item_key=None, row_type="item", parent_seq=None):
    return {
        "side": side,
        "seq": seq,
        "amount": amount,
        "source_line": line,
        "item_key": item_key,
        "row_type": row_type,
        "parent_seq": parent_seq,
    }


def table(
    inc=("100.00", "50.00"),
    exp=("120.00", "30.00"),
    inc_total="150.00",
    exp_total="150.00",
    carry="20.00",
    balance="20.00",
    inc_grand="170.00",
    exp_grand="170.00",
):
    rows = [row("income", i + 1, a, 10 + i) for i, a in enumerate(inc)]
    # a numbered part of the first item: inside its parent's figure, not added again
    rows.append(row("income", 9, "60.00", 19, parent_seq=1))
    rows += [
        row("income", 20, inc_total, 20, "current_total", "total"),
        row("income", 21, carry, 21, "carryover", "carryover"),
        row("income", 22, inc_grand, 22, "grand_total", "total"),
    ]
    rows += [row("expenditure", 31 + i, a, 31 + i) for i, a in enumerate(exp)]
    rows += [
        row("expenditure", 40, exp_total, 40, "current_total", "total"),
        row("expenditure", 41, balance, 41, "year_end_balance", "carryover"),
        row("expenditure", 42, exp_grand, 42, "grand_total", "total"),
    ]
    return rows


def run(rows, present=True) -> dict[str, dict]:
    rep = Report()
    check_two_sided(Ex(rows, present), rep, RES)
    return {r["check_id"].split(".", 1)[1]: r for r in rep.rows}


IDS = [
    "income_items_sum",
    "expenditure_items_sum",
    "totals_balance",
    "income_total_composition",
    "expenditure_total_composition",
]


def test_a_consistent_table_passes_every_identity():
    rep = run(table())
    assert {k: rep[k]["status"] for k in IDS} == dict.fromkeys(IDS, "pass")
    assert rep["income_items_sum"]["expected"] == "150.00" and rep["income_items_sum"]["found"] == "150.00"
    assert rep["income_items_sum"]["source_line"] == 20 and rep["expenditure_items_sum"]["source_line"] == 40
    assert rep["totals_balance"]["source_line"] == 42
    assert (
        rep["income_total_composition"]["source_line"],
        rep["expenditure_total_composition"]["source_line"],
    ) == (22, 42)


@pytest.mark.parametrize(
    "change,failing",
    [
        ({"inc": ("100.00", "51.00")}, {"income_items_sum"}),
        ({"exp": ("121.00", "30.00")}, {"expenditure_items_sum"}),
        # the grand totals differ: compared with each other, not each with itself
        ({"exp_grand": "171.00", "balance": "21.00"}, {"totals_balance"}),
        ({"inc_grand": "171.00", "carry": "21.00"}, {"totals_balance"}),
        ({"carry": "21.00"}, {"income_total_composition"}),
        ({"balance": "19.00"}, {"expenditure_total_composition"}),
        ({"inc_total": "151.00", "carry": "19.00"}, {"income_items_sum"}),
    ],
)
def test_one_moved_figure_fails_its_identity_only(change, failing):
    rep = run(table(**change))
    assert {k for k in IDS if rep[k]["status"] == "fail"} == failing, {k: rep[k]["status"] for k in IDS}
    for k in failing & {"income_items_sum", "expenditure_items_sum"}:
        assert "相差" in rep[k]["detail"]


def test_missing_table_and_missing_rows_are_not_applicable():
    for present in (True, False):
        rep = run([], present)
        assert {rep[k]["status"] for k in IDS} == {"not_applicable"}
        assert ("公开为空" if present else "没有可读取") in rep["income_items_sum"]["detail"]
    rows = [r for r in table() if r["item_key"] not in ("current_total",) or r["side"] == "expenditure"]
    rep = run(rows)
    assert (
        rep["income_items_sum"]["status"] == "not_applicable"
        and "本年收入合计" in rep["income_items_sum"]["detail"]
    )
    assert rep["income_total_composition"]["status"] == "not_applicable"
    assert rep["expenditure_items_sum"]["status"] == "pass"
    assert rep["expenditure_total_composition"]["status"] == "pass"  # the other side still checked
    rows = [r for r in table() if not (r["item_key"] == "grand_total" and r["side"] == "expenditure")]
    rep = run(rows)
    assert rep["totals_balance"]["status"] == "not_applicable"
    assert rep["expenditure_total_composition"]["status"] == "not_applicable"
    assert rep["income_total_composition"]["status"] == "pass"


def test_blank_items_are_counted_in_the_detail():
    rep = run(table(inc=("100.00", None, "20.00", "10.00"), inc_total="150.00"))
    row = rep["income_items_sum"]
    assert row["status"] == "fail" and "1 项收入为空" in row["detail"] and "（3 项有数字）" in row["detail"]


def test_a_blank_carryover_is_made_of_its_parts():
    """上年结转结余 published blank with its parts below it: the parts count (and only they)."""
    rows = table(carry=None)
    rows += [
        row("income", 23, "12.00", 23, None, "carryover", parent_seq=21),
        row("income", 24, "8.00", 24, None, "carryover", parent_seq=21),
    ]
    assert run(rows)["income_total_composition"]["status"] == "pass"
    rows[-1]["amount"] = "9.00"
    assert run(rows)["income_total_composition"]["status"] == "fail"
    # A published top figure wins over its parts.
    rows = table(carry="20.00") + [row("income", 23, "99.00", 23, None, "carryover", parent_seq=21)]
    assert run(rows)["income_total_composition"]["status"] == "pass"


def test_details_name_the_table_and_the_side():
    rep = run(table(inc=("100.00", "51.00")))
    assert "收支总表" in rep["income_items_sum"]["detail"] and "收入" in rep["income_items_sum"]["detail"]
    assert "支出" in rep["expenditure_items_sum"]["detail"]
    assert "上年结转结余" in rep["income_total_composition"]["detail"]
    assert "年终结转结余" in rep["expenditure_total_composition"]["detail"]
    rep = run([r for r in table() if r["item_key"] != "grand_total"])
    assert "收支总表" in rep["totals_balance"]["detail"] and "总计" in rep["totals_balance"]["detail"]
    assert "本年收入合计" in rep["income_total_composition"]["detail"]
    assert "本年支出合计" in rep["expenditure_total_composition"]["detail"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=8),
    st.lists(st.integers(0, 10**9), min_size=1, max_size=8),
    st.integers(0, 10**8),
    st.integers(-6, 6),  # near the rounding allowance, where a miscounted figure shows
)
def test_items_sum_passes_exactly_when_the_sum_is_within_rounding(inc, exp, carry, shift):
    """Amounts in cents (two decimals as published): the sum identity holds within the rounding of the
    terms (half a unit of the last digit per term) and fails beyond it."""
    fmt = lambda c: f"{Decimal(c) / 100:.2f}"  # noqa: E731
    total = sum(inc) + shift
    rows = table(
        inc=tuple(fmt(c) for c in inc),
        exp=tuple(fmt(c) for c in exp),
        inc_total=fmt(total),
        exp_total=fmt(sum(exp)),
        carry=fmt(carry),
        balance=fmt(carry),
        inc_grand=fmt(total + carry),
        exp_grand=fmt(sum(exp) + carry),
    )
    rep = run(rows)
    tol_cents = Decimal(len(inc) + 1) / 2
    assert rep["income_items_sum"]["status"] == ("pass" if abs(shift) <= tol_cents else "fail")
    assert rep["expenditure_items_sum"]["status"] == "pass"
    assert rep["income_total_composition"]["status"] == "pass"
    assert rep["totals_balance"]["status"] == ("pass" if abs(total - sum(exp)) <= 1 else "fail")


def test_details_and_tolerances_state_the_figures_compared():
    """Each figure compared counts half a cent of tolerance, and the detail names each figure."""
    rep = run(table())
    # income: items 100.00 + 50.00 (the numbered part inside 100.00 not again) and the total
    assert rep["income_items_sum"]["tolerance"] == "0.015"
    # composition: 总计, 本年收入合计 and 上年结转结余
    assert rep["income_total_composition"]["tolerance"] == "0.015"
    assert (
        rep["income_total_composition"]["detail"]
        == "总计 170.00 万元，本年收入合计 150.00 万元，上年结转结余 20.00 万元"
    )
    assert rep["expenditure_total_composition"]["detail"] == (
        "总计 170.00 万元，本年支出合计 150.00 万元，年终结转结余 20.00 万元"
    )
    rows = [r for r in table() if not (r["item_key"] == "current_total" and r["side"] == "expenditure")]
    rep = run(rows)
    assert rep["expenditure_items_sum"]["detail"] == "收支总表中找不到本年支出合计行"
    assert rep["expenditure_total_composition"]["detail"] == "收支总表中找不到总计行或本年支出合计行"
    rows = [r for r in table() if not (r["item_key"] == "current_total" and r["side"] == "income")]
    assert run(rows)["income_total_composition"]["detail"] == "收支总表中找不到总计行或本年收入合计行"


def test_blanks_read_back_from_a_csv_are_blanks():
    """Blank cells as read from a package's CSV are empty strings: counted as blank, not as figures."""
    items_sum = run(table(inc=("100.00", "", "20.00", "10.00"), inc_total="150.00"))["income_items_sum"]
    assert items_sum["status"] == "fail" and "1 项收入为空" in items_sum["detail"]
    rows = table(carry="") + [
        row("income", 23, "12.00", 23, None, "carryover", parent_seq=21),
        row("income", 24, "8.00", 24, None, "carryover", parent_seq=21),
    ]
    assert run(rows)["income_total_composition"]["status"] == "pass"
