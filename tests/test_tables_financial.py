"""Golden tests of the core financial tables (收支总表, 财政拨款收支总表, 收入总表, 支出总表,
功能分类支出表, 基本支出表) over the five disclosures, with figures read off the published text."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from scripts.extract import cells
from scripts.extract.readers.text import read_lines
from scripts.extract.segment import segment
from scripts.extract.tables import _columns, basic, expenditure, functional, income, summary

ROOT = Path(__file__).resolve().parent.parent
DISCLOSURES = ROOT / "disclosures" / "2026"
SLUGS = ["110101-dongcheng", "110105-chaoyang", "110102-xicheng", "110000-beijing-zwfw", "420107-qingshan"]
MODULES = (summary, income, expenditure, functional, basic)
KIND_MODULE = {kind: m for m in MODULES for kind in m.KINDS}


@cache
def tables(slug: str) -> tuple:
    return tuple(t for t in segment(read_lines(DISCLOSURES / f"{slug}.txt")) if t.kind in KIND_MODULE)


@cache
def resources(slug: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for table in tables(slug):
        out.update(KIND_MODULE[table.kind].extract(table))
    return out


def rows(slug: str, kind: str, **match) -> list[dict]:
    return [r for r in resources(slug)[kind] if all(r.get(k) == v for k, v in match.items())]


def one(slug: str, kind: str, **match) -> dict:
    found = rows(slug, kind, **match)
    assert len(found) == 1, (slug, kind, match, found)
    return found[0]


def dec(value: str | None) -> Decimal:
    return cells.decimal(value)


# --- 收支总表 / 财政拨款收支总表 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "slug,current,grand,carry",
    [
        ("110101-dongcheng", "5372.82", "5372.82", None),
        ("110105-chaoyang", "6403.229368", "6403.229368", None),
        ("110102-xicheng", "5488.974386", "5508.974386", "20.000000"),
        ("110000-beijing-zwfw", "8721.588540", "9715.698690", "994.110150"),
        ("420107-qingshan", "880.84", "880.84", "0.00"),
    ],
)
def test_budget_summary_totals(slug, current, grand, carry):
    assert one(slug, "budget_summary", side="income", item_key="current_total")["amount"] == current
    assert one(slug, "budget_summary", side="income", item_key="grand_total")["amount"] == grand
    assert one(slug, "budget_summary", side="income", item_key="carryover")["amount"] == carry
    assert one(slug, "budget_summary", side="income", item_key="grand_total")["row_type"] == "total"


def test_budget_summary_classes_and_blanks():
    assert (
        one("110101-dongcheng", "budget_summary", side="expenditure", function_class_code="212")["amount"]
        == "4015.72"
    )
    # 001 leaves 卫生健康支出 blank although its totals include it: kept blank, not 0, not repaired.
    health = one("110105-chaoyang", "budget_summary", side="expenditure", function_class_code="210")
    assert health["amount"] is None and health["item"] == "卫生健康支出"
    assert (
        one("110105-chaoyang", "fiscal_summary", side="expenditure", function_class_code="210")["amount"]
        == "263.108814"
    )
    # 004 writes explicit 0.00; 廿一 is an enumerator like 二十一.
    disaster = one("420107-qingshan", "budget_summary", side="expenditure", item_no="廿一")
    assert disaster["function_class_code"] == "224" and disaster["amount"] == "0.00"
    # 收 入 总 计 (spaces between characters) is still the grand total.
    assert (
        one("420107-qingshan", "budget_summary", side="expenditure", item_key="grand_total")["source_line"]
        == 124
    )


def test_fiscal_summary_nesting_wuhan():
    side = rows("420107-qingshan", "fiscal_summary", side="income")
    current = next(r for r in side if r["item_key"] == "current_total")
    carry = next(r for r in side if r["item_key"] == "carryover")
    assert current["amount"] == "880.84" and current["row_type"] == "subtotal" and current["level"] == 1
    parts = [r for r in side if r["parent_seq"] == current["seq"]]
    assert [r["item_key"] for r in parts] == ["general_budget", "gov_fund", "state_capital"]
    assert parts[0]["amount"] == "880.84" and parts[1]["amount"] is None  # blank is not 0.00
    carried = [r for r in side if r["parent_seq"] == carry["seq"]]
    assert len(carried) == 3 and all(r["row_type"] == "carryover" and r["level"] == 2 for r in carried)
    # the 上年结转 block sits on the left beside expenditure rows of the same lines
    assert carry["source_line"] == 181
    assert (
        one("420107-qingshan", "fiscal_summary", side="expenditure", source_line=181)["function_class_code"]
        == "205"
    )


def test_fiscal_summary_items_under_current_total():
    exp = rows("110101-dongcheng", "fiscal_summary", side="expenditure")
    head = exp[0]
    assert head["item"] == "本年支出" and head["amount"] == "5372.82"
    classes = [r for r in exp if r["row_type"] == "item"]
    assert all(r["parent_seq"] == head["seq"] for r in classes)
    assert sum(dec(r["amount"]) for r in classes) == Decimal("5372.82")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("kind", ["budget_summary", "fiscal_summary"])
def test_every_expenditure_class_has_a_code(slug, kind):
    unclassified = set(_columns.vocab("function_classes")["unclassified"])
    for r in rows(slug, kind, side="expenditure", row_type="item"):
        assert r["function_class_code"] or r["item"] in unclassified, r


@pytest.mark.parametrize("slug", SLUGS)
def test_class_codes_agree_with_expenditure_summary(slug):
    """收支总表 per 类 = Σ 项 of that 类 in 支出总表: verifies vocab/function_classes.json on real data."""
    items = rows(slug, "expenditure_summary", row_type="item")
    checked = 0
    for r in rows(slug, "budget_summary", side="expenditure", row_type="item"):
        if r["amount"] is None:
            continue
        parts = [dec(i["total"]) for i in items if i["function_code"][:3] == r["function_class_code"]]
        # each part may carry half a unit of rounding (因四舍五入可能存在尾差)
        tolerance = max(Decimal("0.01"), Decimal("0.005") * len(parts))
        assert abs(sum(parts) - dec(r["amount"])) <= tolerance, (r, sum(parts))
        checked += bool(parts)
    assert checked >= 3


# --- 收入总表 -----------------------------------------------------------------------------------


def test_income_units_and_codes():
    dept = one("110101-dongcheng", "income_summary", unit_code="063")
    unit = one("110101-dongcheng", "income_summary", unit_code="063001")
    assert dept["row_type"] == "subtotal" and unit["row_type"] == "item"
    assert unit["current_general_budget"] == "5372.82" and unit["current_gov_fund"] is None
    total = one("110101-dongcheng", "income_summary", row_type="total")
    assert total["total"] == "5372.82"


def test_income_without_unit_columns():
    (row,) = resources("110000-beijing-zwfw")["income_summary"]
    assert row["unit_code"] is None and row["row_type"] == "total"
    assert (row["total"], row["current_total"], row["current_general_budget"]) == (
        "9715.698690",
        "8721.588540",
        "8721.588540",
    )
    assert (row["carryover_total"], row["carryover_general_budget"]) == ("994.110150", "994.110150")


def test_income_spaced_header_words_wuhan():
    row = one("420107-qingshan", "income_summary", unit_code="143001")
    assert row["current_general_budget"] == "880.84"
    assert row["current_gov_fund"] == "0.00" and row["carryover_unit_funds"] == "0.00"
    assert one("420107-qingshan", "income_summary", unit_code="143")["row_type"] == "subtotal"


def test_income_is_absent_in_chaoyang():
    assert "income_summary" not in resources("110105-chaoyang")


# --- 支出总表 -----------------------------------------------------------------------------------


def test_expenditure_beijing_code_name_cells():
    r = one("110101-dongcheng", "expenditure_summary", source_line=129)
    assert (r["function_code"], r["function_name"], r["function_level"]) == (
        "2080501",
        "行政单位离退休",
        "项",
    )
    assert (r["gov_economic_code"], r["dept_economic_code"], r["dept_economic_name"]) == (
        "50299",
        "30299",
        "其他商品和服务支出",
    )
    assert (r["total"], r["basic"], r["project"]) == ("1.63", "1.63", None)


def test_expenditure_ocr_spaces_repaired():
    assert one("110102-xicheng", "expenditure_summary", source_line=58)["total"] == "241.380000"
    assert one("110102-xicheng", "expenditure_summary", source_line=81)["basic"] == "1091.871800"


def test_expenditure_wuhan_hierarchy():
    cls = one("420107-qingshan", "expenditure_summary", function_code="201")
    assert (cls["row_type"], cls["function_level"], cls["total"]) == ("class", "类", "751.35")
    assert one("420107-qingshan", "expenditure_summary", function_code="20103")["function_level"] == "款"
    item = one("420107-qingshan", "expenditure_summary", function_code="2010399")
    assert (item["row_type"], item["basic"], item["project"]) == ("item", "0.00", "417.00")
    assert one("420107-qingshan", "expenditure_summary", row_type="total")["total"] == "880.84"


# --- 功能分类支出表 -------------------------------------------------------------------------------


def test_functional_beijing_unit_column():
    r = one("110101-dongcheng", "general_budget_expenditure", function_code="2120101")
    assert (r["unit_code"], r["unit_name"]) == ("063001", "北京市东城区城市管理指挥中心")
    assert (r["total"], r["basic"], r["personnel"], r["public_admin"]) == (
        "2494.85",
        "2494.85",
        "2289.50",
        "205.35",
    )
    p = one("110101-dongcheng", "general_budget_expenditure", function_code="2120107")
    assert (p["project"], p["project_excl_capital"], p["basic"]) == ("1520.87", "1520.87", None)


def test_functional_short_rows_and_gaps():
    r = one("110105-chaoyang", "general_budget_expenditure", function_code="2050803")
    assert (r["basic"], r["personnel"], r["public_admin"]) == ("4.769600", None, "4.769600")


def test_functional_wuhan_classes():
    r = one("420107-qingshan", "general_budget_expenditure", function_code="201")
    assert (r["row_type"], r["function_level"], r["personnel"], r["public_admin"]) == (
        "class",
        "类",
        "305.55",
        "28.80",
    )


def test_functional_empty_and_zero_tables():
    for slug in ("110101-dongcheng", "110105-chaoyang", "110000-beijing-zwfw", "420107-qingshan"):
        assert resources(slug)["gov_fund_expenditure"] == []
        assert resources(slug)["state_capital_expenditure"] == []
    # 西城 publishes explicit zeros under its unit name: kept as that unit's subtotal.
    unit = one("110102-xicheng", "gov_fund_expenditure", row_type="subtotal")
    assert unit["unit_name"] == "北京市西城区城市管理指挥中心" and unit["total"] == "0"


# --- 基本支出表 -----------------------------------------------------------------------------------


def test_basic_beijing_and_wuhan():
    r = one("110101-dongcheng", "basic_expenditure", dept_economic_code="30101")
    assert (r["gov_economic_code"], r["gov_economic_name"], r["total"]) == (
        "50101",
        "工资奖金津补贴",
        "557.49",
    )
    assert (
        one("110000-beijing-zwfw", "basic_expenditure", dept_economic_code="3021101")["public_admin"]
        == "2.250000"
    )
    cls = one("420107-qingshan", "basic_expenditure", dept_economic_code="301")
    assert (cls["row_type"], cls["gov_economic_code"], cls["total"]) == ("class", None, "425.47")
    assert one("420107-qingshan", "basic_expenditure", dept_economic_code="30101")["row_type"] == "item"
    assert one("110102-xicheng", "basic_expenditure", row_type="total")["total"] == "3497.326891"


# --- identities that fail when a column is mis-mapped ------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_total_rows_add_up(slug):
    res = resources(slug)
    for kind in ("expenditure_summary", "general_budget_expenditure"):
        for r in res.get(kind, []):
            if r["row_type"] == "total":
                assert abs(dec(r["total"]) - dec(r["basic"]) - dec(r["project"])) <= Decimal("0.01"), r
    for kind in ("general_budget_expenditure", "basic_expenditure"):
        for r in res.get(kind, []):
            if r["row_type"] == "total":
                base = r["basic"] if kind == "general_budget_expenditure" else r["total"]
                assert abs(dec(base) - dec(r["personnel"]) - dec(r["public_admin"])) <= Decimal("0.01"), r


def test_header_words_drive_columns():
    """Swap the 人员经费 / 公用经费 header words of a real table: the amounts must follow the words."""
    table = next(t for t in tables("110101-dongcheng") if t.kind == "general_budget_expenditure")
    swap = {"人员经费": "公用经费", "公用经费": "人员经费"}
    header, data = _columns.split_header(table)
    swapped = [replace(r, cells=[swap.get(c, c) for c in r.cells]) for r in header]
    out = functional.extract(replace(table, rows=swapped + data))[table.kind]
    r = next(x for x in out if x["function_code"] == "2120101")
    assert (r["personnel"], r["public_admin"]) == ("205.35", "2289.50")


def test_unnamed_amount_column_is_an_error():
    table = next(t for t in tables("110101-dongcheng") if t.kind == "basic_expenditure")
    header, data = _columns.split_header(table)
    blinded = [replace(r, cells=["" if c == "公用经费" else c for c in r.cells]) for r in header]
    with pytest.raises(cells.CellError):
        basic.extract(replace(table, rows=blinded + data))


# --- every published number is kept ----------------------------------------------------------


def _data_rows(table):
    if table.kind in summary.KINDS:
        return summary._split(table)[1]
    return _columns.split_header(table)[1]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_number_kept(slug):
    for table in tables(slug):
        out = KIND_MODULE[table.kind].extract(table)[table.kind]
        for row in _data_rows(table):
            published = Counter(
                cells.to_wan(cells.amount(c), table.unit) for c in row.cells if cells.looks_like_amount(c)
            )
            if not published:
                continue
            kept = Counter(
                v
                for r in out
                if r["source_line"] == row.line
                for k, v in r.items()
                if k not in ("source_line", "seq", "level", "parent_seq", "enumerator_level")
                and isinstance(v, str)
            )
            missing = published - kept
            assert not missing, (slug, table.kind, row.line, missing)
