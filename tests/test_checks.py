"""The quality report: real pipeline over the five disclosures, plus perturbations that must flip checks."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts import checks
from scripts.build import disclosure
from scripts.extract import pipeline
from scripts.extract.cells import decimal

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["110101-dongcheng", "110105-chaoyang", "110102-xicheng", "110000-beijing-zwfw", "420107-qingshan"]
SCHEMA = json.loads(
    (ROOT / "scripts" / "package" / "schemas" / "quality_report.json").read_text(encoding="utf-8")
)


@cache
def extraction(slug: str) -> pipeline.Extraction:
    path = ROOT / "disclosures" / "2026" / f"{slug}.txt"
    return disclosure(path.read_bytes(), path.name)


def report(ex) -> dict[str, dict]:
    return {r["check_id"]: r for r in checks.run(ex)}


@pytest.mark.parametrize("slug", SEEDS)
def test_report_rows_follow_schema(slug):
    rows = checks.run(extraction(slug))
    names = [f["name"] for f in SCHEMA["fields"]]
    enums = {
        f["name"]: f["constraints"]["enum"] for f in SCHEMA["fields"] if "enum" in f.get("constraints", {})
    }
    assert rows, "every disclosure gets a report"
    assert len({r["check_id"] for r in rows}) == len(rows), "check ids are unique"
    for r in rows:
        assert list(r) == names
        for field, allowed in enums.items():
            assert r[field] in allowed, (r["check_id"], field, r[field])
        if r["status"] != "not_applicable" and r["category"] not in ("completeness", "text"):
            assert abs(decimal(r["found"]) - decimal(r["expected"])) == abs(decimal(r["difference"]))
            assert (r["status"] == "pass") == (abs(decimal(r["difference"])) <= decimal(r["tolerance"]))
        assert r["detail"], r["check_id"]
        assert all("\u4e00" <= ch <= "\u9fff" for ch in r["description"][:1]) or "“" in r["description"][:1]


def test_pipeline_publishes_the_report():
    ex = extraction("110101-dongcheng")
    assert ex.resources["quality_report"].rows == checks.run(ex)


def test_chaoyang_blank_health_class_fails_and_names_it():
    rep = report(extraction("110105-chaoyang"))
    row = rep["cross.budget_summary_class.210"]
    assert row["status"] == "fail"
    assert "卫生健康支出" in row["detail"] and "263.108814" in row["detail"]
    assert row["expected"] == "263.108814" and decimal(row["found"]) == 0
    assert rep["budget_summary.expenditure_items_sum"]["status"] == "fail"
    assert rep["budget_summary.expenditure_items_sum"]["difference"] == "-263.108814"
    # the other classes of the same table agree with 支出总表
    assert rep["cross.budget_summary_class.212"]["status"] == "pass"


def test_chaoyang_has_no_income_summary():
    rep = report(extraction("110105-chaoyang"))
    assert rep["completeness.income_summary"]["status"] == "fail"
    assert "收入总表" in rep["completeness.income_summary"]["detail"]
    assert rep["cross.summary_income_vs_income_summary"]["status"] == "not_applicable"


CORE = [
    "budget_summary.income_items_sum",
    "budget_summary.expenditure_items_sum",
    "budget_summary.totals_balance",
    "budget_summary.income_total_composition",
    "budget_summary.expenditure_total_composition",
    "fiscal_summary.income_items_sum",
    "fiscal_summary.expenditure_items_sum",
    "fiscal_summary.totals_balance",
    "expenditure_summary.sum.total",
    "expenditure_summary.sum.basic",
    "expenditure_summary.sum.project",
    "expenditure_summary.total_split",
    "general_budget_expenditure.sum.total",
    "general_budget_expenditure.sum.basic",
    "general_budget_expenditure.total_split",
    "general_budget_expenditure.basic_split",
    "basic_expenditure.sum.total",
    "basic_expenditure.total_split",
    "cross.summary_expenditure_vs_expenditure_summary",
    "cross.summary_income_vs_income_summary",
    "cross.general_basic_vs_basic_expenditure",
    "cross.general_vs_fiscal_summary",
    "three_public.parts_sum",
    "procurement.rows_sum",
    "cross.budget_summary_class.210",
    "cross.budget_summary_class.212",
    "cross.fiscal_summary_class.221",
]


def test_dongcheng_core_identities_pass():
    rep = report(extraction("110101-dongcheng"))
    bad = {cid: rep.get(cid, {}).get("status") for cid in CORE if rep.get(cid, {}).get("status") != "pass"}
    assert not bad
    assert rep["budget_summary.income_items_sum"]["expected"] == "5372.82"


def test_qingshan_toc_lists_procurement_but_it_is_missing():
    rep = report(extraction("420107-qingshan"))
    row = rep["completeness.toc_listed.procurement"]
    assert row["status"] == "fail" and "政府采购" in row["detail"]
    assert row["source_line"] == 25
    assert rep["completeness.toc_listed.budget_summary"]["status"] == "pass"
    # hierarchical 武汉 tables: 类 = Σ 款 = Σ 项
    for cid in (
        "expenditure_summary.hierarchy",
        "general_budget_expenditure.hierarchy",
        "basic_expenditure.hierarchy",
    ):
        assert rep[cid]["status"] == "pass", rep[cid]


def test_qingshan_inventory_lists_the_missing_procurement_table():
    """The `tables` resource names a table the 目录 lists and the body lacks, at its 目录 line, and only
    that one (every other listed kind is in the body)."""
    ex = extraction("420107-qingshan")
    missing = [t for t in ex.rows("tables") if t["status"] == "missing"]
    assert [(t["kind"], t["title"], t["source_line"]) for t in missing] == [
        ("procurement", "政府采购预算表", 25)
    ]
    assert missing[0]["rows"] is None and missing[0]["resource"] is None
    assert [t["seq"] for t in ex.rows("tables")] == list(range(1, len(ex.rows("tables")) + 1))
    toc = {r["kind"] for r in ex.rows("toc") if r.get("kind") not in (None, "unknown")}
    body = {t.kind for t in ex.tables}
    assert {t["kind"] for t in missing} == toc - body
    # The missing row is not counted as a table found: the completeness check still fails.
    assert report(ex)["completeness.toc_listed.procurement"]["status"] == "fail"
    assert report(ex)["completeness.procurement"]["status"] == "not_applicable"


def test_no_missing_rows_when_the_body_has_every_listed_table():
    for slug in ("110101-dongcheng", "110102-xicheng"):
        ex = extraction(slug)
        toc = {r["kind"] for r in ex.rows("toc") if r.get("kind") not in (None, "unknown")}
        missing = {t["kind"] for t in ex.rows("tables") if t["status"] == "missing"}
        assert missing == toc - {t.kind for t in ex.tables}


def test_empty_tables_are_complete_not_failing():
    rep = report(extraction("110101-dongcheng"))
    assert rep["completeness.gov_fund_expenditure"]["status"] == "pass"
    assert "空" in rep["completeness.gov_fund_expenditure"]["detail"]
    assert rep["gov_fund_expenditure.sum.total"]["status"] == "not_applicable"


# (seed, resource, row selector, field, check that must flip to fail)
PERTURB = [
    (
        "110101-dongcheng",
        "budget_summary",
        {"side": "income", "item_key": "general_budget"},
        "amount",
        "budget_summary.income_items_sum",
    ),
    (
        "110101-dongcheng",
        "budget_summary",
        {"side": "expenditure", "function_class_code": "212"},
        "amount",
        "cross.budget_summary_class.212",
    ),
    (
        "110101-dongcheng",
        "expenditure_summary",
        {"row_type": "item"},
        "total",
        "expenditure_summary.total_split",
    ),
    (
        "110101-dongcheng",
        "general_budget_expenditure",
        {"row_type": "item"},
        "personnel",
        "general_budget_expenditure.basic_split",
    ),
    (
        "110101-dongcheng",
        "basic_expenditure",
        {"row_type": "total"},
        "total",
        "cross.general_basic_vs_basic_expenditure",
    ),
    ("110101-dongcheng", "three_public", {"part": "total"}, "amount", "three_public.parts_sum"),
    ("110101-dongcheng", "procurement", {"row_type": "item"}, "amount", "procurement.rows_sum"),
    (
        "420107-qingshan",
        "general_budget_expenditure",
        {"function_code": "2101103"},
        "total",
        "general_budget_expenditure.hierarchy",
    ),
    ("420107-qingshan", "project_expenditure", {"row_type": "item"}, "total", "project_expenditure.rows_sum"),
]


def perturbed(slug: str, resource: str, selector: dict, field: str, delta: Decimal):
    ex = copy.deepcopy(extraction(slug))
    row = next(r for r in ex.resources[resource].rows if all(r.get(k) == v for k, v in selector.items()))
    places = len((row.get(field) or "0.00").partition(".")[2]) or 2
    row[field] = format((decimal(row.get(field)) + delta).quantize(Decimal(1).scaleb(-places)), "f")
    return ex


@pytest.mark.parametrize("slug,resource,selector,field,check_id", PERTURB)
def test_perturbing_one_amount_flips_its_check(slug, resource, selector, field, check_id):
    before = report(extraction(slug))[check_id]
    assert before["status"] == "pass"
    row = report(perturbed(slug, resource, selector, field, Decimal("1.00")))[check_id]
    assert row["status"] == "fail"
    # the difference moves by exactly the perturbation (rounding tails of the original stay)
    assert abs(decimal(row["difference"]) - decimal(before["difference"])) == Decimal("1.00")


@settings(max_examples=25, deadline=None)
@given(cents=st.integers(min_value=11, max_value=10**6), sign=st.sampled_from([1, -1]))
def test_any_perturbation_of_a_summary_item_is_caught(cents, sign):
    # beyond 0.10 万元 = the cap of the tolerance for a 2-decimal table, any change must be reported
    delta = Decimal(cents * sign).scaleb(-2)
    ex = perturbed(
        "110101-dongcheng",
        "budget_summary",
        {"side": "expenditure", "function_class_code": "221"},
        "amount",
        delta,
    )
    rep = report(ex)
    assert rep["budget_summary.expenditure_items_sum"]["status"] == "fail"
    assert rep["cross.budget_summary_class.221"]["status"] == "fail"
    base = report(extraction("110101-dongcheng"))["cross.budget_summary_class.221"]
    assert decimal(rep["cross.budget_summary_class.221"]["difference"]) - decimal(base["difference"]) == delta


def synthetic(items: list[str], total: str) -> pipeline.Extraction:
    rows = [{"row_type": "item", "amount": a, "source_line": i} for i, a in enumerate(items, start=10)]
    rows.append({"row_type": "total", "amount": total, "source_line": 99})
    res = {"procurement": pipeline.Resource("procurement", "procurement", rows)}
    return pipeline.Extraction("x.txt", "0" * 64, b"", [], [], res, [])


@pytest.mark.parametrize(
    "items,total,status",
    [
        # 2-decimal table, 3 terms + total: tolerance 4 × 0.005 = 0.02
        (["0.33", "0.33", "0.33"], "1.00", "pass"),  # 0.99 vs 1.00: a rounding tail
        (["0.33", "0.33", "0.33"], "1.01", "pass"),  # exactly at the edge
        (["0.33", "0.33", "0.33"], "1.02", "fail"),  # one cent beyond the edge
        # 6-decimal table: tolerance 4 × 0.0000005 = 0.000002
        (["0.333333", "0.333333", "0.333333"], "1.000000", "pass"),
        (["0.333333", "0.333333", "0.333333"], "1.000001", "pass"),
        (["0.333333", "0.333333", "0.333333"], "1.000002", "fail"),
        (
            ["0.333333", "0.333333", "0.333333"],
            "1.00",
            "pass",
        ),  # total published coarser: its half-cent counts
    ],
)
def test_tolerance_at_the_rounding_edge(items, total, status):
    tol = checks.tolerance(items + [total])
    diff = abs(sum(Decimal(i) for i in items) - Decimal(total))
    assert (diff <= tol) == (status == "pass")
    row = report(synthetic(items, total))["procurement.rows_sum"]
    assert row["status"] == status, row
    assert decimal(row["tolerance"]) == tol


def test_tolerance_rule():
    assert checks.tolerance(["1.00", "2.00", "3.00"]) == Decimal("0.015")
    assert checks.tolerance(["263.108814", "252.452319", "10.656495"]) == Decimal("0.0000015")
    assert checks.tolerance(["0", "1.00"]) == Decimal("0.005")  # a bare 0 is exact
    assert checks.tolerance(["500"] * 40) == Decimal("10")  # capped at 10 units of the coarsest precision


def test_missing_resources_give_not_applicable_not_errors():
    ex = pipeline.Extraction("x.txt", "0" * 64, b"", [], [], {}, [])
    rows = checks.run(ex)
    assert rows
    statuses = {r["check_id"]: r["status"] for r in rows}
    assert statuses["budget_summary.income_items_sum"] == "not_applicable"
    assert statuses["completeness.budget_summary"] == "fail"
    assert all(r["status"] in ("not_applicable", "fail") for r in rows)
