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


def check_text(ex, rep: Report) -> None:
    if not ex.resources:
        for template in ("text.control_characters", "text.formula_prefix"):
            rep.not_applicable(template, {}, "本文件没有可读取的表格，无法核对")
        return
    controls = list(getattr(ex, "control_cells", []))
    rep.add(
        "text.control_characters",
        {},
        status="advisory" if controls else "pass",
        source_line=controls[0].get("source_line") if controls else None,
        detail=(
            f"{len(controls)} 个单元格含控制字符，已以可见符号发布：{_where(controls)}"
            if controls
            else "没有含控制字符的单元格"
        ),
    )
    formulas = [
        {"resource": res.name, "field": key, "source_line": row.get("source_line"), "text": value}
        for res in ex.resources.values()
        for row in res.rows
        for key, value in row.items()
        if celltext.formula_like(value) and not looks_like_amount(value)
    ]
    rep.add(
        "text.formula_prefix",
        {},
        status="advisory" if formulas else "pass",
        source_line=formulas[0].get("source_line") if formulas else None,
        detail=(
            f"{len(formulas)} 个文字单元格以 = + - @ 开头（如“{formulas[0]['text'][:40]}”），"
            f"CSV 中原样保留：{_where(formulas)}；用电子表格查看请下载 XLSX 文件"
            if formulas
            else "没有以 = + - @ 开头的文字单元格"
        ),
    )
