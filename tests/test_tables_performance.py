"""Golden tests of the performance-target tables (绩效目标表), read off the disclosures by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fidelity import lost

from scripts.extract import cells
from scripts.extract.model import RawTable, Row
from scripts.extract.readers.text import read_lines
from scripts.extract.segment import segment
from scripts.extract.tables import performance

ROOT = Path(__file__).resolve().parent.parent
DISCLOSURES = sorted((ROOT / "disclosures" / "2026").glob("*.txt"))
SLUGS = [p.stem for p in DISCLOSURES]


def tables(slug: str) -> list[RawTable]:
    path = ROOT / "disclosures" / "2026" / f"{slug}.txt"
    return [t for t in segment(read_lines(path)) if t.kind in performance.KINDS]


def extracted(slug: str, kind: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for table in tables(slug):
        if table.kind == kind:
            for name, rows in performance.extract(table).items():
                out.setdefault(name, []).extend(rows)
    return out


# slug -> (number of projects, some codes, (code, indicator count), (code, total))
GOLDEN = {
    "110101-dongcheng": (
        12,
        ["11010122T000000402024", "11010122T000000402122", "11010125T000003374567"],
        ("11010125T000003374567", 18),
        ("11010122T000000402024", "1.40"),
    ),
    "110105-chaoyang": (
        11,
        ["11010522T000000437074", "11010526T000003780041"],
        ("11010522T000000437074", 5),
        ("11010526T000003750168", "652.021072"),
    ),
    "110102-xicheng": (
        5,
        ["11010222T000000414812", "11010226T000003852385"],
        ("11010226T000003831239", 4),
        ("11010222T000000414812", "1431.217495"),
    ),
    "110000-beijing-zwfw": (
        6,
        ["11000021Y000000390843", "11000022Y000000444656"],
        ("11000021Y000000390843", 16),
        ("11000026T000003672775", "10.000000"),
    ),
    "420107-qingshan": (
        2,
        ["42010726143T000000100", "42010726143T000000101"],
        ("42010726143T000000100", 8),
        ("42010726143T000000101", "83.8"),
    ),
}


@pytest.mark.parametrize("slug", SLUGS)
def test_projects_golden(slug):
    count, codes, (ind_code, ind_count), (tot_code, total) = GOLDEN[slug]
    out = extracted(slug, "performance_projects")
    projects = out["performance_projects"]
    assert len(projects) == count
    by_code = {p["project_code"]: p for p in projects}
    assert len(by_code) == count
    for code in codes:
        assert code in by_code
    assert sum(i["project_code"] == ind_code for i in out["performance_indicators"]) == ind_count
    assert by_code[tot_code]["total"] == total


def test_split_codes_and_labels_repaired():
    by_code = {
        p["project_code"]: p
        for p in extracted("110101-dongcheng", "performance_projects")["performance_projects"]
    }
    assert by_code["11010125T000003374567"]["project_name"] == "东城区城市管理指挥中心网格化信息系统运维项目"
    assert by_code["11010125T000003374567"]["unit_code"] == "063001"
    assert by_code["11010125T000003374567"]["unit_name"] == "北京市东城区城市管理指挥中心"
    chaoyang = {
        p["project_code"]: p
        for p in extracted("110105-chaoyang", "performance_projects")["performance_projects"]
    }
    assert chaoyang["11010522T000000437074"]["project_name"] == "政府热线经费"


def test_columns_mapped_by_meaning():
    """Fails when amount or indicator columns are mis-mapped (e.g. fiscal funds read as the goal)."""
    out = extracted("110101-dongcheng", "performance_projects")
    first = out["performance_indicators"][0]
    assert (
        first["level1"],
        first["level2"],
        first["level3"],
        first["operator"],
        first["value"],
        first["unit"],
        first["direction"],
    ) == ("成本指标", "经济成本指标", "项目经费", "≤", "1.399999", "万元", "反向指标")
    p = out["performance_projects"][0]
    assert (p["total"], p["fiscal_funds"], p["other_funds"]) == ("1.40", "1.40", None)
    assert p["goal"].startswith("以习近平新时代")


def test_shifted_rows_read_by_content():
    out = extracted("110101-dongcheng", "performance_projects")
    by_code = {p["project_code"]: p for p in out["performance_projects"]}
    glued = by_code[
        "11010126T000003684508"
    ]  # unit cell glued with a project-name tail, 其他资金 cell missing
    assert glued["unit_code"] == "063001" and glued["unit_name"] == "北京市东城区城市管理指挥中心"
    assert (glued["total"], glued["fiscal_funds"], glued["other_funds"]) == ("50", "50", None)
    assert glued["goal"].startswith("依据网络安全等级保护要求")
    rows = {i["source_line"]: i for i in out["performance_indicators"]}
    left = rows[405]  # line starting directly with 效益指标
    assert left["project_code"] == "11010122T000000402124"
    assert (
        left["level1"],
        left["level3"],
        left["operator"],
        left["value"],
        left["unit"],
        left["direction"],
    ) == ("效益指标", "城市管理网格案件办理率", "=", "100", "%", "正向指标")
    # 朝阳: project row without the unit cell, level cells split by spaces
    cy = extracted("110105-chaoyang", "performance_projects")
    byc = {p["project_code"]: p for p in cy["performance_projects"]}
    assert byc["11010523T000002055641"]["total"] == "20.000000"
    assert {i["level2"] for i in cy["performance_indicators"]} >= {"服务对象满意度指标"}
    assert "服务对象满意 度指标" not in {i["level2"] for i in cy["performance_indicators"]}


def test_repeated_headers_skipped():
    out = extracted("110000-beijing-zwfw", "performance_projects")
    assert not any(i["level1"] in ("一级指标", None) for i in out["performance_indicators"])
    assert len(out["performance_indicators"]) == 74


def test_html_paragraphs_become_text():
    out = extracted("110102-xicheng", "performance_projects")
    goals = [p["goal"] for p in out["performance_projects"] if p["goal"]]
    assert not any("<" in g or ">" in g for g in goals)
    p = next(p for p in out["performance_projects"] if p["project_code"] == "11010223T000002005036")
    assert (
        p["goal"].startswith("完成西城区城市管理运行管理平台")
        and "\n完成西城区城市管理问题巡查上报" in p["goal"]
    )
    assert performance.text("<p>a</p><script>x()</script> <p>b</p>") == "a\nx()\nb"


def test_overall_beijing():
    out = extracted("110101-dongcheng", "performance_overall")
    money = {(r["item"], r["measure"]): r["amount"] for r in out["performance_overall"] if r["amount"]}
    assert money[("预算支出总额", None)] == "5372.82"
    assert money[("财政拨款", "基本支出")] == "3851.95"
    ind = out["performance_indicators"]
    assert len(ind) == 33
    first = ind[0]
    assert (
        first["activity"],
        first["level1"],
        first["level2"],
        first["level3"],
        first["operator"],
        first["value"],
        first["unit"],
    ) == ("城市管理热线", "效益指标", "生态效益指标", "环保类案件办理准确率", ">", "98", "%")
    cy = extracted("110105-chaoyang", "performance_overall")["performance_indicators"]
    assert len(cy) == 18 and all(i["activity"] in ("正常运转", "人员经费") for i in cy)
    xc = extracted("110102-xicheng", "performance_overall")["performance_indicators"]
    assert [i["activity"] for i in xc].count("04-全响应服务/03-信息系统运行维护") == 3


def test_overall_wuhan_and_history():
    out = extracted("420107-qingshan", "performance_overall")
    rows = out["performance_overall"]
    assert any(r["item"] == "财政拨款" and r["year"] == "2025" and r["amount"] == "806.77" for r in rows)
    assert any(r["item"] == "人员类项目支出" and r["measure"] == "占比" and r["value"] == "49%" for r in rows)
    assert not any("<p>" in (r["value"] or "") for r in rows)
    ind = {i["source_line"]: i for i in out["performance_indicators"]}
    sat = ind[399]
    assert (
        sat["goal"],
        sat["target_type"],
        sat["operator"],
        sat["value"],
        sat["unit"],
        sat["value_last_year"],
        sat["value_two_years_ago"],
        sat["basis"],
    ) == ("年度目标1", "annual", "≥", "88", "%", "≥85%", "无", "工作实际")
    assert ind[383]["level1"] == "产出指标" and ind[383]["level2"] == "质量指标"  # carried down


def test_wuhan_project_form():
    out = extracted("420107-qingshan", "performance_projects")
    p = out["performance_projects"][0]
    assert (p["project_code"], p["total"], p["annual_budget"], p["start_year"]) == (
        "42010726143T000000100",
        "333.2",
        "333.2",
        "2026",
    )
    lines = out["performance_project_lines"]
    assert any(
        x["section"] == "项目采购" and x["item"] == "碎纸机" and x["quantity"] == "3" and x["amount"] == "0.3"
        for x in lines
    )
    assert any(
        x["section"] == "支出明细测算" and x["economic_class"] == "劳务费" and x["amount"] == "195"
        for x in lines
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_every_number_kept(slug):
    """Row by row; performance sheets are forms (a label and its value side by side, a row of its own
    shape, one record for the lines of a form), so a printed column is not one field and a line belongs
    to its own row or to the form record above it. A cell such as
    `86869957 86869832` (two phone numbers) is kept verbatim: each of its figures is a token of a value
    of that row."""
    for table in tables(slug):
        out = performance.extract(table)
        outputs = [(resource, row) for resource, rows in out.items() for row in rows]
        problems = [
            p for p in lost(table, table.rows, outputs, columns=False, forms=True) if p[3] == "not in its row"
        ]
        assert not problems, f"{slug} {table.kind}: {problems[:5]}"


def test_schemas_cover_rows():
    fields = json.loads((ROOT / "scripts" / "package" / "schemas" / "fields.json").read_text("utf-8"))
    for slug in SLUGS:
        for kind in performance.KINDS:
            for name, rows in extracted(slug, kind).items():
                schema = json.loads(
                    (
                        ROOT / "scripts" / "package" / "schemas" / f"{performance.SCHEMAS[name]}.json"
                    ).read_text("utf-8")
                )
                names = [f if isinstance(f, str) else f["name"] for f in schema["fields"]]
                assert all(isinstance(f, dict) or f in fields for f in schema["fields"])
                for r in rows:
                    assert set(r) == set(names), (name, set(r) ^ set(names))


def test_unreadable_project_line_raises():
    table = RawTable(
        kind="performance_projects",
        number="预算12表",
        title="项目支出绩效表",
        title_line=1,
        rows=[
            Row(2, ["单位名称", "项目名称", "项目总额", "", "", "绩效目标", "一级指标"]),
            Row(
                3,
                [
                    "063001-某单位",
                    "没有编码的项目",
                    "1.00",
                    "1.00",
                    "",
                    "目标",
                    "产出指标",
                    "数量指标",
                    "x",
                    "=",
                    "1",
                ],
            ),
        ],
    )
    with pytest.raises(cells.CellError):
        performance.extract(table)
