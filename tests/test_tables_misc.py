"""Golden tests for the small table kinds: “三公”经费, 政府采购, 政府购买服务, 项目支出表, 资产配置."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from fidelity import lost

from scripts.extract.readers.text import read_lines
from scripts.extract.segment import segment
from scripts.extract.tables import assets, procurement, projects, services, three_public
from scripts.extract.tables._columns import split_header

ROOT = Path(__file__).resolve().parent.parent
DISCLOSURES = sorted((ROOT / "disclosures" / "2026").glob("*.txt"))
MODULES = (three_public, procurement, services, projects, assets)
SCHEMAS = ROOT / "scripts" / "package" / "schemas"


def tables_of(slug: str, kind: str):
    return [t for t in segment(read_lines(ROOT / "disclosures" / "2026" / f"{slug}.txt")) if t.kind == kind]


def rows_of(slug: str, module, kind: str) -> list[dict]:
    found = tables_of(slug, kind)
    assert len(found) == 1, f"{slug}: expected one {kind} table"
    out = module.extract(found[0])
    assert kind in out and set(out) <= set(module.SCHEMAS)
    return out[kind]


def field_names(schema: str) -> list[str]:
    spec = json.loads((SCHEMAS / f"{schema}.json").read_text(encoding="utf-8"))
    return [f if isinstance(f, str) else f["name"] for f in spec["fields"]]


def by_part(rows):
    return {r["part"]: r for r in rows}


# --- “三公”经费 ---


def test_three_public_000_yuan_converted_exactly():
    rows = by_part(rows_of("110101-dongcheng", three_public, "three_public"))
    assert rows["total"]["amount"] == "0.924000"
    assert rows["total"]["amount_original"] == "9240.00" and rows["total"]["unit_original"] == "元"
    assert rows["vehicle_operation"]["amount"] == "0.924000"
    assert rows["vehicle_purchase"]["amount"] is None
    assert rows["total"]["year"] == "2026"
    assert "vehicles" not in rows  # 000 publishes no 小计 column


def test_three_public_001_parts_in_the_right_columns():
    rows = by_part(rows_of("110105-chaoyang", three_public, "three_public"))
    assert rows["total"]["amount"] == "3.985484"
    assert rows["overseas"]["amount"] is None
    assert rows["reception"]["amount"] == "0.835684"
    assert rows["vehicles"]["amount"] == "3.149800"
    total = Decimal(rows["total"]["amount"])
    assert total == Decimal(rows["reception"]["amount"]) + Decimal(rows["vehicles"]["amount"])


def test_three_public_004_order_differs():
    rows = rows_of("420107-qingshan", three_public, "three_public")
    assert {r["part"] for r in rows} == {
        "total",
        "overseas",
        "reception",
        "vehicles",
        "vehicle_purchase",
        "vehicle_operation",
    }
    assert all(r["amount"] == "0.00" for r in rows)
    table = tables_of("420107-qingshan", "three_public")[0]
    # 公务接待费 is the last column in 武汉's layout: a mis-mapped header would put it in column 2.
    assert [r["source_line"] for r in rows] == [table.rows[-1].line] * 6


@pytest.mark.parametrize("slug,total", [("110000-beijing-zwfw", "0.187085"), ("110102-xicheng", "1.141345")])
def test_three_public_beijing_totals(slug, total):
    rows = by_part(rows_of(slug, three_public, "three_public"))
    assert rows["total"]["amount"] == total == rows["reception"]["amount"]


# --- 政府采购 ---


@pytest.mark.parametrize(
    "slug,items,total",
    [
        ("110101-dongcheng", {"C": "1361.04"}, "1361.04"),
        ("110105-chaoyang", {"A": "4.560000", "B": "428.258372", "C": "1475.177272"}, "1907.995644"),
        ("110102-xicheng", {"A": "21.480000"}, "21.480000"),
        ("110000-beijing-zwfw", {"C": "3494.751282"}, "3494.751282"),
    ],
)
def test_procurement(slug, items, total):
    rows = rows_of(slug, procurement, "procurement")
    assert {r["category_code"]: r["amount"] for r in rows if r["row_type"] == "item"} == items
    assert [r["amount"] for r in rows if r["row_type"] == "total"] == [total]
    names = {"A": "货物", "B": "工程", "C": "服务"}
    assert all(r["category_name"] == names[r["category_code"]] for r in rows if r["row_type"] == "item")
    assert sum(Decimal(v) for v in items.values()) == Decimal(total)


# --- 政府购买服务 ---


@pytest.mark.parametrize(
    "slug", ["110000-beijing-zwfw", "110101-dongcheng", "110105-chaoyang", "420107-qingshan"]
)
def test_services_empty(slug):
    assert rows_of(slug, services, "purchase_of_services") == []


def test_services_002_zero_total_kept():
    rows = rows_of("110102-xicheng", services, "purchase_of_services")
    assert [(r["row_type"], r["amount"]) for r in rows] == [("total", "0")]


def test_services_wuhan_header_mapped():
    table = tables_of("420107-qingshan", "purchase_of_services")[0]
    from scripts.extract.tables._columns import map_columns, vocab

    columns = map_columns(split_header(table)[0], vocab("services_columns")["columns"])
    assert columns["amount"] == 4 and columns["catalog_level1"] == 9 and columns["catalog_level3"] == 11
    assert columns["function"] == 7 and columns["dept_economic"] == 8


# --- 项目支出表 ---


def test_projects_004_hierarchy():
    rows = rows_of("420107-qingshan", projects, "project_expenditure")
    assert [(r["level"], r["code"]) for r in rows] == [
        ("total", None),
        ("department", "143"),
        ("unit", "143001"),
        ("project_category", "31"),
        ("project", "42010726143T000000100"),
        ("project", "42010726143T000000101"),
    ]
    project = rows[4]
    assert project["name"] == "网上群众工作部年度费用项目"
    assert project["unit_name"] == "武汉市青山区城市运行管理中心本级"
    assert project["total"] == project["current_general"] == "333.20"
    assert project["carryover_general"] == "0.00" and project["unit_funds"] == "0.00"
    items = [Decimal(r["total"]) for r in rows if r["level"] == "project"]
    assert sum(items) == Decimal(rows[0]["total"]) == Decimal("417.00")


# --- 资产配置 ---


def test_assets_004():
    rows = rows_of("420107-qingshan", assets, "asset_allocation")
    assert [r["row_type"] for r in rows[:4]] == ["total", "subtotal", "subtotal", "item"]
    total = rows[0]
    assert (total["quantity"], total["amount"], total["approved_amount"]) == ("12", "35.45", "35.45")
    shredder = rows[3]
    assert shredder["function_code"] == "2010399"
    assert (shredder["asset_class_code"], shredder["asset_class_name"]) == ("A3", "设备")
    assert (shredder["asset_category_code"], shredder["asset_category_name"]) == ("A02021301", "碎纸机")
    assert (shredder["dept_economic_code"], shredder["dept_economic_name"]) == ("30201", "办公费")
    assert (shredder["quantity"], shredder["unit_price"], shredder["amount"]) == ("3", "0.1", "0.3")
    assert (shredder["fund_source"], shredder["fund_nature"]) == ("预算安排", "经费拨款补助")
    items = [r for r in rows if r["row_type"] == "item"]
    assert sum(Decimal(r["amount"]) for r in items) == Decimal(total["amount"])
    assert sum(Decimal(r["quantity"]) for r in items) == Decimal(total["quantity"])


# --- every table, every seed ---


@pytest.mark.parametrize("path", DISCLOSURES, ids=lambda p: p.stem)
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_number_kept_and_fields_match_schema(path, module):
    for table in segment(read_lines(path)):
        if table.kind not in module.KINDS:
            continue
        out = module.extract(table)
        for resource, rows in out.items():
            names = field_names(module.SCHEMAS[resource])
            for row in rows:
                assert set(row) == set(names), f"{resource}: fields differ from the schema"
                assert isinstance(row["source_line"], int)
        outputs = [(resource, row) for resource, rows in out.items() for row in rows]
        problems = lost(table, split_header(table)[1], outputs)
        assert not problems, f"{path.stem} {table.kind}: {problems[:5]}"
