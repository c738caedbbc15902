"""The build report page (`report.md`): how each disclosure fared in `python -m scripts build`, and the
packages whose centre page could not be written."""

from __future__ import annotations

from pathlib import Path

from scripts.site.common import Writer, md_text, table

STATUS_TITLES = {"ok": "正常", "warnings": "有警告", "failed": "失败", "invalid": "数据包校验未通过"}


def report_page(
    w: Writer, report: list[dict] | None, page_failures: list[tuple[str, str, str]], report_path: Path
) -> None:
    lines = [
        "# 构建报告",
        "",
        "每份公开文本转换成数据包的结果。一份文本出错不影响其他文本：出错的文本在这里列出原因，其余照常发布。",
        "",
    ]
    if report is None:
        lines += [f"未找到构建报告（{md_text(report_path.name)}）：请先运行 `python -m scripts build`。", ""]
    else:
        counts = {s: sum(1 for r in report if r.get("status") == s) for s in STATUS_TITLES}
        lines += [
            "共 "
            + str(len(report))
            + " 份公开文本："
            + "，".join(f"{STATUS_TITLES[s]} {n} 份" for s, n in counts.items() if n)
            + "。",
            "",
        ]
        problems = [r for r in report if r.get("status") != "ok"]
        if problems:
            lines += ["## 需要注意的文本", ""]
            for r in problems:
                lines += [
                    f"### {md_text(r.get('name') or r.get('slug'))}",
                    "",
                    f"结果：**{STATUS_TITLES.get(r.get('status'), md_text(r.get('status')))}** · "
                    f"文件：{md_text(r.get('file'))}",
                    "",
                ]
                lines += [f"- {md_text(m)}" for m in r.get("messages") or []] or ["- （没有说明）"]
                lines.append("")
        rows = []
        for r in report:
            seconds = r.get("seconds")
            rows.append(
                [
                    md_text(r.get("name") or r.get("slug")),
                    md_text(r.get("slug")),
                    md_text(r.get("file")),
                    STATUS_TITLES.get(r.get("status"), md_text(r.get("status"))),
                    str(r.get("tables") or 0),
                    "—" if seconds is None else f"{float(seconds):.2f}",
                    str(len(r.get("messages") or [])),
                ]
            )
        lines += [
            "## 全部文本",
            "",
            table(
                ["单位", "数据包", "文件", "结果", "表格数（张）", "用时（秒）", "提示（条）"],
                rows,
                ["---", "---", "---", "---", "--:", "--:", "--:"],
            ),
            "",
        ]
    if page_failures:
        lines += ["## 未能生成页面的数据包", ""]
        lines += [
            f"- {md_text(slug)}（{md_text(name)}）：{md_text(msg)}" for slug, name, msg in page_failures
        ]
        lines.append("")
    w.text("report.md", "\n".join(lines))
