"""The home page's generated part, `generated/home.md` (included by the hand-written `index.md`): the
centres in a table (largest first), their spending split as a chart, and the combined downloads."""

from __future__ import annotations

from decimal import Decimal

from scripts.numfmt import amount_words, rounded
from scripts.site.common import (
    CHART_MAX_CENTRES,
    Centre,
    Writer,
    bars_of,
    by_total,
    centres_chart,
    downloads_block,
    link,
    md_text,
    table,
)

# The home table lists this many centres (largest first); the catalog lists all of them.
HOME_MAX_ROWS = 100


def overview_table(centres: list[Centre], prefix: str) -> str:
    rows = []
    for c in centres:
        rows.append(
            [
                link(md_text(c.short), f"{prefix}{c.page_md}"),
                md_text(c.region),
                md_text(c.get("fiscal_year") or "—"),
                rounded(c.num("total")),
                rounded(c.num("basic")),
                rounded(c.num("project")),
                str(c.checks("fail")),
            ]
        )
    return table(
        [
            "中心",
            "地区",
            "年度",
            "支出合计（万元）",
            "基本支出（万元）",
            "项目支出（万元）",
            "未通过的核对（项）",
        ],
        rows,
        ["---", "---", "---", "--:", "--:", "--:", "--:"],
    )


def home_part(w: Writer, centres: list[Centre], failed: int) -> str:
    ordered = by_total(centres)
    total = sum((c.num("total") or Decimal(0) for c in centres), Decimal(0))
    years = sorted({str(c.get("fiscal_year")) for c in centres if c.get("fiscal_year")})
    fails = sum(c.checks("fail") for c in centres)
    lines = [
        "## 各中心一览",
        "",
        f"本站目前收录 **{len(centres)}** 个中心（{md_text('、'.join(years) or '—')} 年度）的部门预算，"
        f"支出预算合计 **{amount_words(total)}**；共有 **{fails}** 项数字核对未通过，详见各中心的数据质量报告。",
    ]
    if failed:
        lines.append(f"另有 {failed} 份公开文本未能生成页面，见[构建报告](report.md)。")
    shown = ordered[:HOME_MAX_ROWS]
    lines += [
        "",
        "点击表头可排序。金额四舍五入到两位小数，精确数字见下载文件。",
        "",
        '<div markdown="block" data-search-exclude>',
        "",
        overview_table(shown, ""),
        "",
        "</div>",
        "",
    ]
    if len(ordered) > len(shown):
        lines += [
            f"表中列出支出最多的 {len(shown)} 个中心，全部 {len(ordered)} 个中心见[中心目录](catalog.md)。",
            "",
        ]
    alt_rows = [
        [md_text(c.short), rounded(c.num("basic")), rounded(c.num("project")), rounded(c.num("total"))]
        for c in ordered[:CHART_MAX_CENTRES]
    ]
    alt_md = table(
        ["中心", "基本支出（万元）", "项目支出（万元）", "合计（万元）"],
        alt_rows,
        ["---", "--:", "--:", "--:"],
    )
    lines += [
        "## 支出比较",
        "",
        centres_chart(
            w,
            "home-split",
            {"basic": "基本支出", "project": "项目支出"},
            normalize=False,
            title="各中心支出预算：基本支出与项目支出（万元）",
            n=len(ordered),
            table_md=alt_md,
            alt_text="各中心基本支出与项目支出的条形图",
            figures=bars_of(ordered, "支出合计", lambda c: c.num("total"), "万元"),
        ),
        "## 下载",
        "",
        downloads_block(""),
        "",
    ]
    return "\n".join(lines)
