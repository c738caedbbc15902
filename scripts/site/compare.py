"""The compare page (`compare.md`): the centres side by side, as charts and sortable tables."""

from __future__ import annotations

from decimal import Decimal

import altair as alt

from scripts.numfmt import percent, ratio, rounded
from scripts.site.common import (
    CHART_MAX_CENTRES,
    FONT_AXIS,
    NO_SEARCH,
    Centre,
    Writer,
    bars_of,
    by_total,
    centres_chart,
    chart_block,
    link,
    md_text,
    pct,
    table,
)


def chart_functions(data_url: str, title: str) -> dict:
    """Normalised stacked bars: each centre's spending by functional class (类)."""
    chart = (
        alt.Chart(alt.Data(url=data_url, format=alt.DataFormat(type="csv")))
        .transform_calculate(金额万元="toNumber(datum.amount)", centre_total="toNumber(datum.centre_total)")
        .mark_bar()
        .encode(
            y=alt.Y(
                "short_name:N",
                title=None,
                sort=alt.EncodingSortField("centre_total", op="max", order="descending"),
                axis=alt.Axis(labelLimit=260, **FONT_AXIS),
            ),
            x=alt.X(
                "sum(金额万元):Q",
                title="占比（%）",
                stack="normalize",
                axis=alt.Axis(format=".0%", **FONT_AXIS),
            ),
            color=alt.Color(
                "function_class_name:N",
                title="支出功能分类（类）",
                # One column: the legend starts under the plot, right of the centre names, so two columns
                # overflow a 390 px phone screen.
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=200, labelFontSize=12),
            ),
            order=alt.Order("function_class_code:N"),
            tooltip=[
                alt.Tooltip("short_name:N", title="中心"),
                alt.Tooltip("function_class_name:N", title="类"),
                alt.Tooltip("金额万元:Q", title="金额（万元）", format=",.2f"),
            ],
        )
        .properties(width="container")  # the figure caption carries the title (a chart title clips on phones)
    )
    return chart.to_dict()


def top_class_share(c: Centre) -> Decimal | None:
    whole = sum((k.amount for k in c.classes), Decimal(0))
    return pct(max((k.amount for k in c.classes), default=None), whole)


def _share_table(centres: list[Centre], headers: list[str], parts: tuple[str, str], whole: str) -> str:
    """Each centre's two parts as shares of a whole (the text alternative of a share chart)."""
    rows = [[md_text(c.short)] + [percent(ratio(c.num(p), c.num(whole))) for p in parts] for c in centres]
    return table(["中心", *headers], rows, ["---", "--:", "--:"])


def year_picker(years: list[int], current: int | None, prefix: str) -> str:
    """Links to the compare page of each year (and of all years), the current one marked."""
    links = []
    for year, label, href in [(None, "全部年度", f"{prefix}compare.md")] + [
        (y, f"{y}年", f"{prefix}compare/{y}.md") for y in years
    ]:
        links.append(f"**{label}**" if year == current else link(label, href))
    return "年度：" + " · ".join(links)


# The comparison tables list the centres that spend most: a province's thousands would make a page of
# megabytes that no reader scrolls; every centre's figures are in the CSVs the page links to.
COMPARE_MAX_ROWS = 200


def compare_pages(w: Writer, centres: list[Centre]) -> None:
    """compare.md (every centre of every year) and compare/<year>.md (one year's centres)."""
    years = sorted({c.get("fiscal_year") for c in centres if isinstance(c.get("fiscal_year"), int)})
    compare_page(w, centres, years=years)
    if len(years) > 1:
        for year in years:
            compare_page(w, [c for c in centres if c.get("fiscal_year") == year], year=year, years=years)


def compare_page(w: Writer, centres: list[Centre], *, year: int | None = None, years: list[int] = ()) -> None:
    # A year's page sits in compare/ and reads that year's data files (generated/centres-<year>.csv).
    prefix = "../" if year else ""
    page_dir = "compare/" if year else ""
    suffix = f"-{year}" if year else ""
    ordered = by_total(centres)
    n = len(ordered)
    shown = ordered[:COMPARE_MAX_ROWS]
    split_rows = [
        [
            link(md_text(c.short), prefix + c.page_md),
            rounded(c.num("total")),
            percent(ratio(c.num("basic"), c.num("total"))),
            percent(ratio(c.num("project"), c.num("total"))),
            percent(ratio(c.num("personnel"), c.num("basic"))),
            percent(ratio(c.num("public_admin"), c.num("basic"))),
        ]
        for c in shown
    ]
    split_table = table(
        [
            "中心",
            "支出合计（万元）",
            "基本支出占比（%）",
            "项目支出占比（%）",
            "人员经费占基本支出（%）",
            "公用经费占基本支出（%）",
        ],
        split_rows,
        ["---", "--:", "--:", "--:", "--:", "--:"],
    )
    codes = sorted({k.code for c in shown for k in c.classes})
    class_names: dict[str, str] = {}
    for c in sorted(centres, key=lambda c: c.slug):
        for k in c.classes:
            class_names.setdefault(k.code, k.name)
    class_rows = []
    for c in shown:
        amounts = {k.code: k.amount for k in c.classes}
        whole = sum(amounts.values(), Decimal(0))
        class_rows.append(
            [md_text(c.short)]
            + [percent(ratio(amounts.get(code), whole)) if code in amounts else "—" for code in codes]
        )
    class_table = table(
        ["中心"] + [f"{md_text(class_names.get(k, k))}（%）" for k in codes],
        class_rows,
        ["---"] + ["--:"] * len(codes),
    )
    top = ordered[:CHART_MAX_CENTRES]
    alt_split = _share_table(top, ["基本支出占比（%）", "项目支出占比（%）"], ("basic", "project"), "total")
    alt_people = _share_table(
        top, ["人员经费占基本支出（%）", "公用经费占基本支出（%）"], ("personnel", "public_admin"), "basic"
    )
    parts = [
        f"# 比较（{year}年）" if year else "# 比较",
        "",
        *([year_picker(list(years), year, prefix), ""] if len(years) > 1 else []),
        "各中心支出预算并排比较：总额、基本支出与项目支出的占比、基本支出中人员经费与公用经费的占比，"
        "以及按支出功能分类（类）的结构。占比按公开的数字计算；数字为空的中心显示为“—”。",
        "",
        "## 基本支出与项目支出",
        "",
        centres_chart(
            w,
            f"compare-split{suffix}",
            {"basic": "基本支出", "project": "项目支出"},
            normalize=True,
            title="基本支出与项目支出占比（%）",
            n=n,
            table_md=alt_split,
            alt_text="各中心基本支出与项目支出占比的条形图",
            figures=bars_of(
                ordered, "项目支出占支出合计", lambda c: pct(c.num("project"), c.num("total")), "%"
            ),
            data=f"centres{suffix}.csv",
            page_dir=page_dir,
        ),
        "## 人员经费与公用经费",
        "",
        "人员经费和公用经费取自一般公共预算财政拨款支出表，合起来是财政拨款的基本支出。",
        "",
        (
            centres_chart(
                w,
                f"compare-people{suffix}",
                {"personnel": "人员经费", "public_admin": "公用经费"},
                normalize=True,
                title="人员经费与公用经费占比（%）",
                n=n,
                table_md=alt_people,
                alt_text="各中心人员经费与公用经费占比的条形图",
                figures=bars_of(
                    ordered, "人员经费占基本支出", lambda c: pct(c.num("personnel"), c.num("basic")), "%"
                ),
                data=f"centres{suffix}.csv",
                page_dir=page_dir,
            )
            if any(c.num("personnel") or c.num("public_admin") for c in ordered)
            else '<p class="chart-empty">这些中心的一般公共预算财政拨款支出表没有分列人员经费和公用经费。</p>\n'
        ),
        "## 按支出功能分类",
        "",
        f"取自各中心收支总表中按支出功能分类（“类”）列出的金额（见[方法说明]({prefix}methodology.md)）。",
        "",
        chart_block(
            w,
            chart_functions(f"../functions{suffix}.csv", "按支出功能分类的支出结构（%）"),
            f"compare-functions{suffix}",
            page_dir,
            [f"generated/functions{suffix}.csv"],
            class_table,
            "按支出功能分类的支出结构（%）",
            "各中心按支出功能分类的支出结构条形图",
            bars_of(ordered, "最大一类支出占比", lambda c: top_class_share(c), "%"),
        ),
        "## 比较表",
        "",
        "点击表头可排序。"
        + (
            f"表中列出支出最多的 {len(shown)} 个中心；全部 {n} 个中心的数字见下载文件"
            f"（{link('各中心主要数字', f'{prefix}generated/centres{suffix}.csv')}{{ download }}、"
            f"{link('按支出功能分类', f'{prefix}generated/functions{suffix}.csv')}{{ download }}），"
            f"各城市的全部中心见{link('中心目录', f'{prefix}catalog.md')}。"
            if n > len(shown)
            else ""
        ),
        "",
        split_table,
        "",
        "### 支出功能分类占比",
        "",
        class_table,
        "",
    ]
    w.text(f"compare/{year}.md" if year else "compare.md", NO_SEARCH + "\n".join(parts))
