"""Completeness checks on hand-made inventories: every status of a table, the 目录 rule (a 目录 naming
five or more kinds is the publisher's list), and where each finding points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.checks.completeness import TOC_MIN, check_completeness, toc_entries
from scripts.checks.report import Report

ROOT = Path(__file__).resolve().parent.parent
KINDS = json.loads((ROOT / "scripts/extract/vocab/table_kinds.json").read_text(encoding="utf-8"))["kinds"]
REQUIRED = json.loads((ROOT / "scripts/checks/catalogue.json").read_text(encoding="utf-8"))["required_kinds"]


class Ex:
    def __init__(self, tables=(), toc=()):
        self._rows = {"tables": list(tables), "toc": list(toc)}

    def rows(self, name):
        return self._rows.get(name, [])


def run(ex) -> dict[str, dict]:
    rep = Report()
    check_completeness(ex, rep)
    return {r["check_id"]: r for r in rep.rows}


def table(kind, status="present", line=10, number="表1", rows=3, note=None):
    return {
        "kind": kind,
        "status": status,
        "source_line": line,
        "number": number,
        "title": f"{kind}表",
        "rows": rows,
        "note": note,
    }


def toc(kind, line, title=None, text=None):
    return {"kind": kind, "title": title, "text": text, "source_line": line}


def test_every_table_status_gives_its_finding_at_its_line():
    rep = run(
        Ex(
            [
                table("budget_summary", "present", 12, "表一", 40),
                table("income_summary", "empty", 30, None, 0, note="本单位无此收入"),
                table("expenditure_summary", "unreadable", 50, "表三", 0, note="读取问题：列对不上"),
                table("procurement", "missing", 25),  # named by the 目录 only: not a table found
            ]
        )
    )
    present, empty, unreadable = (
        rep[f"completeness.{k}"] for k in ("budget_summary", "income_summary", "expenditure_summary")
    )
    assert (present["status"], present["source_line"]) == ("pass", 12)
    assert "表一" in present["detail"] and "40 行数据" in present["detail"]
    assert (empty["status"], empty["source_line"]) == ("pass", 30)
    assert (
        "无编号" in empty["detail"] and "公开为空" in empty["detail"] and "本单位无此收入" in empty["detail"]
    )
    assert (unreadable["status"], unreadable["source_line"]) == ("fail", 50)
    assert "无法读取" in unreadable["detail"] and "列对不上" in unreadable["detail"]
    assert rep["completeness.procurement"]["status"] == "not_applicable"  # not required, not found
    for kind in ("budget_summary", "income_summary", "expenditure_summary"):
        assert rep[f"completeness.{kind}"]["table"] == next(k["title"] for k in KINDS if k["kind"] == kind)


def test_two_tables_of_one_kind_are_both_named():
    rep = run(Ex([table("budget_summary", number="表1"), table("budget_summary", number=None, line=90)]))
    assert "表1、无编号" in rep["completeness.budget_summary"]["detail"]


def test_a_full_toc_without_a_required_kind_makes_its_absence_advisory():
    listed = [k for k in REQUIRED if k != "three_public"][:TOC_MIN]
    rep = run(Ex([table(k) for k in listed], [toc(k, 10 + i) for i, k in enumerate(listed)]))
    assert rep["completeness.three_public"]["status"] == "advisory"
    assert f"{TOC_MIN} 类表" in rep["completeness.three_public"]["detail"]
    # One kind fewer in the 目录 (or none): not the publisher's full list, the absence fails.
    short = listed[: TOC_MIN - 1]
    rep = run(Ex([table(k) for k in short], [toc(k, 10 + i) for i, k in enumerate(short)]))
    assert rep["completeness.three_public"]["status"] == "fail"
    assert run(Ex())["completeness.three_public"]["status"] == "fail"


def test_a_required_kind_the_toc_lists_but_the_body_lacks_fails_twice():
    listed = REQUIRED[: TOC_MIN + 1]
    rep = run(Ex([table(k) for k in listed[1:]], [toc(k, 10 + i) for i, k in enumerate(listed)]))
    kind = listed[0]
    assert rep[f"completeness.{kind}"]["status"] == "fail"
    assert "目录列出了它" in rep[f"completeness.{kind}"]["detail"]
    row = rep[f"completeness.toc_listed.{kind}"]
    assert (row["status"], row["source_line"]) == ("fail", 10) and "正文中没有" in row["detail"]
    ok = rep[f"completeness.toc_listed.{listed[1]}"]
    assert (ok["status"], ok["source_line"]) == ("pass", 11) and "正文第 10 行" in ok["detail"]


def test_toc_entries_keep_known_kinds_and_fall_back_to_the_text():
    entries = toc_entries(
        Ex(
            toc=[
                toc("budget_summary", 5, title="部门收支总表"),
                toc("income_summary", 6, text="部门收入总表"),
                toc("expenditure_summary", 7),
                toc("unknown", 8, title="其他"),
                toc(None, 9, title="说明"),
            ]
        )
    )
    assert entries == [
        {"kind": "budget_summary", "title": "部门收支总表", "source_line": 5},
        {"kind": "income_summary", "title": "部门收入总表", "source_line": 6},
        {"kind": "expenditure_summary", "title": "", "source_line": 7},
    ]


@pytest.mark.parametrize("kind", [k["kind"] for k in KINDS])
def test_every_kind_gets_exactly_one_completeness_row(kind):
    rep = run(Ex())
    assert sum(1 for cid in rep if cid == f"completeness.{kind}") == 1
    assert rep[f"completeness.{kind}"]["status"] == ("fail" if kind in REQUIRED else "not_applicable")
