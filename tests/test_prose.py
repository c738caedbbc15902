"""Golden tests for scripts/extract/prose.py: profile, facts, 情况说明 figures, 名词解释 and the 目录 table list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.extract import prose
from scripts.extract.readers.text import read_lines
from scripts.extract.segment import kind_of, segment

ROOT = Path(__file__).resolve().parent.parent
DISCLOSURES = sorted((ROOT / "disclosures" / "2026").glob("*.txt"))


def extract(slug: str) -> dict[str, list[dict]]:
    lines = read_lines(ROOT / "disclosures" / "2026" / f"{slug}.txt")
    return prose.extract(lines, segment(lines))


@pytest.fixture(scope="module")
def d000():
    return extract("110101-dongcheng")


@pytest.fixture(scope="module")
def d004():
    return extract("420107-qingshan")


def one(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, f"{match}: {len(found)} rows"
    return found[0]


def test_000_income_and_expenditure(d000):
    income = one(d000["explanation"], topic="收入预算")
    assert (income["amount"], income["previous_amount"], income["change"], income["change_pct"]) == (
        "5372.82",
        "4893.98",
        "478.84",
        "9.78",
    )
    assert income["direction"] == "增加" and income["source_line"] == 495
    basic = one(d000["explanation"], topic="基本支出")
    assert (basic["amount"], basic["share_pct"], basic["previous_amount"], basic["change_pct"]) == (
        "3851.95",
        "71.69",
        "3718.72",
        "3.58",
    )
    project = one(d000["explanation"], topic="项目支出")
    assert (project["amount"], project["share_pct"], project["change"]) == ("1520.87", "28.31", "345.61")


def test_000_wrapped_line_joined(d000):
    health = one(d000["explanation"], topic="卫生健康支出")
    assert health["amount"] == "284.02" and health["source_line"] == 503
    urban = one(d000["explanation"], topic="城乡社区支出")
    assert urban["amount"] == "4015.72" and urban["source_line"] == 505


def test_000_three_public_in_yuan(d000):
    row = one(d000["explanation"], topic="“三公”经费")
    assert (row["amount"], row["amount_original"], row["unit_original"]) == ("0.9240", "9240", "元")
    assert (row["change"], row["direction"]) == ("0.1760", "减少")
    assert one(d000["explanation"], topic="机关运行经费")["amount"] == "206.98"
    assert one(d000["explanation"], topic="政府采购")["amount"] == "1361.04"


def test_000_profile_and_facts(d000):
    duties = [r for r in d000["profile"] if r["section"] == "duties"]
    assert [r["seq"] for r in duties] == list(range(1, 8))
    assert duties[0]["text"].startswith("贯彻落实国家") and duties[-1]["text"] == "完成区政府交办的其他工作。"
    assert one(d000["profile"], section="organisation")["text"].startswith("从预算单位构成看")
    facts = {r["key"]: r["value"] for r in d000["facts"]}
    assert facts == {"budget_units": "1", "vehicles": "1", "official_vehicles": "1", "large_equipment": "0"}


def test_000_glossary(d000):
    rows = d000["glossary"]
    assert len(rows) == 10
    assert rows[0]["term"] == "社会保障和就业支出" and rows[0]["enumerator"] == "一"
    retired = one(rows, term="行政单位离退休")
    assert retired["parent_term"] == "社会保障和就业支出" and retired["enumerator"] is None
    medical = one(rows, term="行政单位医疗")
    assert "红军老战士" in medical["definition"]  # wrapped line joined
    assert rows[-1]["term"] == "住房公积金" and "指挥中心" not in rows[-1]["definition"]  # sign-off left out


def test_000_toc(d000):
    rows = d000["toc"]
    assert len(rows) == 13 and rows[0]["source_line"] == 39 and rows[-1]["source_line"] == 63
    assert rows[0]["kind"] == "budget_summary" and rows[9]["kind"] == "three_public"


def test_004_profile_and_staffing(d004):
    duties = [r for r in d004["profile"] if r["section"] == "duties"]
    assert len(duties) == 11 and duties[-1]["enumerator"] == "十一"
    assert "综治维稳" in duties[9]["text"]  # wrapped line joined
    facts = {r["key"]: r["value"] for r in d004["facts"]}
    assert facts == {"staff_authorized": "18", "staff_actual": "16", "retired": "2", "vehicles": "0"}


def test_004_explanation(d004):
    total = one(d004["explanation"], topic="收支总预算")
    # the comparison comes in the next sentence: 比 2025 年预算增加 73.87 万元
    assert (total["amount"], total["change"], total["direction"]) == ("880.84", "73.87", "增加")
    general = one(d004["explanation"], topic="一般公共预算支出")
    assert (general["amount"], general["change"]) == ("880.84", "73.87")  # wrapped mid-sentence
    basic = [r for r in d004["explanation"] if r["topic"] == "基本支出"]
    assert basic[0]["share_pct"] == "52.7"
    assert one(d004["explanation"], topic="“三公”经费")["direction"] == "持平"
    assert [r["amount"] for r in d004["explanation"] if r["section"].startswith("（二）政府采购")] == [
        "173.95",
        "5.95",
        "0",
        "168",
    ]


def test_004_latex_made_plain():
    lines = read_lines(ROOT / "disclosures/2026/420107-qingshan.txt")
    text = " ".join(p.text for p in prose.paragraphs(lines, segment(lines)))
    assert "群众满意度 ≥88% ；" in text and "$" not in text and "\\geq" not in text
    assert prose.plain(r"满意度 $\geq 90\%$") == "满意度 ≥90%"


def test_004_glossary_and_toc(d004):
    terms = [r["term"] for r in d004["glossary"]]
    assert terms[:3] == ["一般公共预算财政拨款收入", "基本支出", "项目支出"]
    assert "“三公”经费" in terms and "机关运行经费" in terms and "名词解释" not in terms
    assert "备注" not in terms
    kinds = [r["kind"] for r in d004["toc"]]
    assert len(kinds) == 15 and "procurement" in kinds
    present = {t.kind for t in segment(read_lines(ROOT / "disclosures/2026/420107-qingshan.txt"))}
    assert "procurement" not in present  # listed in the 目录, absent from the body


@pytest.mark.parametrize("slug", ["110000-beijing-zwfw", "110102-xicheng", "110105-chaoyang"])
def test_tables_only_seeds_have_no_prose(slug):
    assert all(rows == [] for rows in extract(slug).values())


@pytest.mark.parametrize("path", DISCLOSURES, ids=lambda p: p.stem)
def test_rows_match_schemas(path):
    lines = read_lines(path)
    out = prose.extract(lines, segment(lines))
    assert set(out) == set(prose.SCHEMAS)
    for resource, rows in out.items():
        spec = json.loads(
            (ROOT / "scripts" / "package" / "schemas" / f"{prose.SCHEMAS[resource]}.json").read_text("utf-8")
        )
        names = {f if isinstance(f, str) else f["name"] for f in spec["fields"]}
        for row in rows:
            assert set(row) == names
            assert isinstance(row["source_line"], int) and row["source_line"] >= 1
        if resource == "toc":
            assert all(kind_of(r["title"]) == r["kind"] for r in rows)
