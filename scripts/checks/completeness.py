"""Completeness: every table kind the publisher should publish, and every table the 目录 lists."""

from __future__ import annotations

from scripts.checks.report import (
    Report,
    catalogue,
)
from scripts.extract.segment import kinds

# ---------------------------------------------------------------- completeness

# A 目录 naming at least this many table kinds is the publisher's full list of its tables.
TOC_MIN = 5


def toc_entries(ex) -> list[dict]:
    """目录 entries naming a table kind, as the extraction read them (the `toc` resource)."""
    return [
        {
            "kind": r.get("kind"),
            "title": r.get("title") or r.get("text") or "",
            "source_line": r.get("source_line"),
        }
        for r in ex.rows("toc")
        if r.get("kind") and r.get("kind") != "unknown"
    ]


def check_completeness(ex, rep: Report) -> None:
    required = set(catalogue()["required_kinds"])
    inventory = [t for t in ex.rows("tables") if t.get("status") != "missing"]
    listed = {}
    for entry in toc_entries(ex):
        listed.setdefault(entry["kind"], entry)
    for spec in kinds():
        kind = spec["kind"]
        title = spec["title"]
        args = {"kind": kind, "table": title}
        found = [t for t in inventory if t.get("kind") == kind]
        if found:
            t = found[0]
            status = t.get("status")
            numbers = "、".join(x.get("number") or "无编号" for x in found)
            if status == "unreadable":
                rep.add(
                    "completeness.{kind}",
                    args,
                    status="fail",
                    source_line=t.get("source_line"),
                    detail=f"{numbers}“{t.get('title')}”（第 {t.get('source_line')} 行）已公开但无法读取：{t.get('note') or ''}",
                )
            elif status == "empty":
                rep.add(
                    "completeness.{kind}",
                    args,
                    status="pass",
                    source_line=t.get("source_line"),
                    detail=f"{numbers}“{t.get('title')}”（第 {t.get('source_line')} 行）公开为空表"
                    + (f"：{t.get('note')}" if t.get("note") else ""),
                )
            else:
                rep.add(
                    "completeness.{kind}",
                    args,
                    status="pass",
                    source_line=t.get("source_line"),
                    detail=f"{numbers}“{t.get('title')}”（第 {t.get('source_line')} 行），{t.get('rows')} 行数据",
                )
        elif kind in required and (kind in listed or len(listed) < TOC_MIN):
            rep.add(
                "completeness.{kind}",
                args,
                status="fail",
                detail=f"本文件没有“{title}”" + ("，但目录列出了它" if kind in listed else ""),
            )
        elif kind in required:
            # The publisher's own 目录 lists its set of tables without this one: its template has none.
            rep.add(
                "completeness.{kind}",
                args,
                status="advisory",
                detail=f"本文件没有“{title}”，目录所列 {len(listed)} 类表中也没有它（该发布机构的公开表样不含此表）",
            )
        else:
            rep.add(
                "completeness.{kind}",
                args,
                status="not_applicable",
                detail=f"本文件没有“{title}”（该表并非每个发布机构都公开）",
            )
        if kind in listed:
            entry = listed[kind]
            rep.add(
                "completeness.toc_listed.{kind}",
                args,
                status="pass" if found else "fail",
                source_line=entry.get("source_line"),
                detail=(
                    f"目录第 {entry.get('source_line')} 行列出“{entry['title']}”，"
                    + (f"正文第 {found[0].get('source_line')} 行有此表" if found else "但正文中没有这张表")
                ),
            )
