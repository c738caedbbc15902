"""Text cells: control characters (published as visible marks by the pipeline) and cells a spreadsheet
would run as formulas (kept exact in the CSVs; the XLSX shows them as text)."""

from __future__ import annotations

from scripts import celltext
from scripts.checks.report import Report
from scripts.extract.cells import looks_like_amount


def _where(cells: list[dict]) -> str:
    shown = "、".join(
        f"{c['resource']}.{c['field']}" + (f"（第 {c['source_line']} 行）" if c.get("source_line") else "")
        for c in cells[:6]
    )
    return shown + ("等" if len(cells) > 6 else "")


def _flag(rep: Report, template: str, cells: list[dict], found: str, none: str) -> None:
    """One row: advisory when `cells` is not empty (`found` + where), else pass (`none`)."""
    rep.add(
        template,
        {},
        status="advisory" if cells else "pass",
        source_line=cells[0].get("source_line") if cells else None,
        detail=f"{found}：{_where(cells)}" if cells else none,
    )


def check_text(ex, rep: Report) -> None:
    if not ex.resources:
        for template in ("text.control_characters", "text.formula_prefix"):
            rep.not_applicable(template, {}, "本文件没有可读取的表格，无法核对")
        return
    controls = list(getattr(ex, "control_cells", []))
    _flag(
        rep,
        "text.control_characters",
        controls,
        f"{len(controls)} 个单元格含控制字符，已以可见符号发布",
        "没有含控制字符的单元格",
    )
    formulas = [
        {"resource": res.name, "field": key, "source_line": row.get("source_line"), "text": value}
        for res in ex.resources.values()
        for row in res.rows
        for key, value in row.items()
        if celltext.formula_like(value) and not looks_like_amount(value)
    ]
    example = f"（如“{formulas[0]['text'][:40]}”）" if formulas else ""
    _flag(
        rep,
        "text.formula_prefix",
        formulas,
        f"{len(formulas)} 个文字单元格以 = + - @ 开头{example}，CSV 中原样保留，用电子表格查看请下载 XLSX 文件",
        "没有以 = + - @ 开头的文字单元格",
    )
