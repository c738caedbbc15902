"""The text checks on hand-made resources: cells with control characters and cells a spreadsheet would
run as formulas are flagged (advisory, never a failure) with where they are; none found is a pass."""

from __future__ import annotations

import pytest

from scripts.checks.report import Report
from scripts.checks.text import check_text
from scripts.extract.pipeline import Resource


class Ex:
    def __init__(self, resources: dict[str, list[dict]], control_cells=None):
        self.resources = {k: Resource(k, k, rows) for k, rows in resources.items()}
        if control_cells is not None:
            self.control_cells = control_cells

    def rows(self, name):
        return self.resources[name].rows if name in self.resources else []


def check(ex) -> dict[str, dict]:
    rep = Report()
    check_text(ex, rep)
    return {r["check_id"]: r for r in rep.rows}


def test_clean_text_passes_both_checks():
    rep = check(Ex({"profile": [{"text": "本部门负责…", "amount": "-1.00", "source_line": 3}]}, []))
    assert [(k, r["status"], r["detail"]) for k, r in rep.items()] == [
        ("text.control_characters", "pass", "没有含控制字符的单元格"),
        ("text.formula_prefix", "pass", "没有以 = + - @ 开头的文字单元格"),
    ]
    assert rep["text.formula_prefix"]["source_line"] is None
    # an extraction that records no control cells at all is clean too
    assert check(Ex({"profile": []}))["text.control_characters"]["status"] == "pass"


def test_formula_like_text_is_flagged_where_it_is():
    rows = [
        {"name": '=HYPERLINK("x")', "amount": "12.00", "source_line": 7},
        {"name": "+86 电话", "amount": "-3.50", "source_line": 8},  # a negative amount is a number
        {"name": "@某单位", "note": None, "source_line": None},
    ]
    row = check(Ex({"procurement": rows}, []))["text.formula_prefix"]
    assert (row["status"], row["source_line"]) == ("advisory", 7)
    assert row["detail"] == (
        '3 个文字单元格以 = + - @ 开头（如“=HYPERLINK("x")”），CSV 中原样保留，用电子表格查看请下载 XLSX 文件：'
        "procurement.name（第 7 行）、procurement.name（第 8 行）、procurement.name"
    )


def test_the_example_is_cut_at_forty_characters():
    text = "=" + "甲" * 60
    detail = check(Ex({"glossary": [{"term": text, "source_line": 2}]}, []))["text.formula_prefix"]["detail"]
    assert f"（如“{text[:40]}”）" in detail and text[:41] not in detail


@pytest.mark.parametrize("count,shown", [(6, 6), (7, 6)])
def test_at_most_six_places_are_listed(count, shown):
    cells = [{"resource": "profile", "field": "text", "source_line": 10 + i} for i in range(count)]
    row = check(Ex({"profile": []}, cells))["text.control_characters"]
    assert (row["status"], row["source_line"]) == ("advisory", 10)
    where = "、".join(f"profile.text（第 {10 + i} 行）" for i in range(shown)) + (
        "等" if count > shown else ""
    )
    assert row["detail"] == f"{count} 个单元格含控制字符，已以可见符号发布：{where}"


def test_no_tables_no_text_checks():
    rep = check(Ex({}, []))
    assert [(k, r["status"], r["detail"]) for k, r in rep.items()] == [
        ("text.control_characters", "not_applicable", "本文件没有可读取的表格，无法核对"),
        ("text.formula_prefix", "not_applicable", "本文件没有可读取的表格，无法核对"),
    ]
