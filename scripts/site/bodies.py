"""A body across the years: the body page, its history, and the long dataset.

    bodies/<body-id>/index.md         the body: latest year's key figures, year switcher, history charts
                                      and year-over-year table (history only with two years or more)
    bodies/<body-id>/<year>/index.html  a stable per-year URL: a static redirect to centres/<slug>/
    bodies/<body-id>/history.csv      the charts' data (one row per year, series and amount)
    bodies/<body-id>/<body-id>-all-years.zip   every year's package plus the body's long CSV
    generated/long/                   one long dataset across bodies and years (CSV + datapackage.json)
    generated/budget-long.zip

The per-year pages stay at centres/<slug>/ (their URLs never change); a body is known from the package's
`x_body` (disclosures/bodies.json through the registry). Figures come from the `BodySummary` of each year:
the charts show the published figures, the year-over-year table computes changes exactly (Decimal).
"""

from __future__ import annotations

import csv
import html
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import altair as alt

from scripts.numfmt import chart_amount, number, percent, plain, ratio, reading, rounded
from scripts.package.layout import MAIN_TABLES
from scripts.site import assets as site_assets
from scripts.site import downloads
from scripts.site.charts import unit_for
from scripts.site.common import Centre, Writer, csv_text, md_text, table
from scripts.site.page_cache import Reuse
from scripts.site.summary import BodySummary

# (measure, Chinese name, summary field) of the history charts; 类 are added per body.
TOTALS = (
    ("total", "支出合计", "total"),
    ("basic", "基本支出", "basic"),
    ("project", "项目支出", "project"),
    ("fiscal", "财政拨款", "fiscal"),
)
HISTORY_FIELDS = ["year", "chart", "series", "amount", "slug"]


def body_keys(items: list[tuple[str, str, object]]) -> dict[str, str]:
    """(slug, body, fiscal year) → slug: body id. The registry allows one package per body and year; a
    second one (a copied package) is shown as a body of its own, so no year page is written twice."""
    seen: set[tuple[str, object]] = set()
    out = {}
    for slug, body, year in sorted(items):
        key = (body or slug, year)
        out[slug] = (body or slug) if key not in seen else slug
        seen.add(key)
    return out


def group(centres: list[Centre]) -> dict[str, list[BodySummary]]:
    """Summaries by body id, each list in fiscal-year order."""
    keys = body_keys([(c.slug, c.summary.body, c.summary.fiscal_year) for c in centres])
    out: dict[str, list[BodySummary]] = {}
    for c in centres:
        out.setdefault(keys[c.slug], []).append(c.summary)
    return {k: sorted(v, key=lambda s: (s.fiscal_year or 0, s.slug)) for k, v in sorted(out.items())}


def body_url(body: str) -> str:
    return f"bodies/{body}/"


# --- history ----------------------------------------------------------------------------------------


def history(years: list[BodySummary]) -> dict[str, list[tuple[int, str, Decimal]]]:
    """Chart name → [(year, series, amount 万元)] for the four history charts (blank figures left out)."""
    out: dict[str, list[tuple[int, str, Decimal]]] = {"total": [], "split": [], "fiscal": [], "classes": []}
    for s in years:
        year = s.fiscal_year or 0
        for measure, name, fld in TOTALS:
            value = number(getattr(s, fld))
            if value is None:
                continue
            chart = {"total": "total", "fiscal": "fiscal"}.get(measure, "split")
            out[chart].append((year, name, value))
        for k in s.classes:
            out["classes"].append((year, k.name, k.amount))
    return out


CHARTS = {
    "total": ("支出合计", "历年支出合计"),
    "split": ("基本支出与项目支出", "历年基本支出与项目支出"),
    "fiscal": ("财政拨款", "历年财政拨款收入"),
    "classes": ("支出功能分类（类）", "历年按支出功能分类（类）的支出"),
}


def history_spec(chart: str, data_url: str, unit: str, factor: int, title: str) -> dict:
    """Vega-Lite: bars by year (one series) or lines with points (several series), unit on the axis."""
    base = alt.Chart(
        alt.Data(
            url=data_url, format=alt.DataFormat(type="csv", parse={"amount": "number", "year": "string"})
        )
    ).transform_filter(alt.FieldEqualPredicate(field="chart", equal=chart))
    base = base.transform_calculate(value=f"datum.amount / {int(factor)}")
    y = alt.Y("value:Q", title=f"金额（{unit}）", axis=alt.Axis(format=",.6~f", tickCount=5))
    x = alt.X("year:O", title="年度", axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("year:O", title="年度"),
        alt.Tooltip("series:N", title="项目"),
        alt.Tooltip("value:Q", title=f"金额（{unit}）", format=",.6~f"),
    ]
    if chart in ("total", "fiscal"):
        spec = base.mark_bar(color="#c62828").encode(x=x, y=y, tooltip=tooltip)
    else:
        spec = base.mark_line(point=True).encode(
            x=x,
            y=y,
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=240, labelFontSize=12),
            ),
            tooltip=tooltip,
        )
    out = spec.properties(width="container", height=220).to_dict()
    out["config"] = {"axis": {"labelFontSize": 12, "titleFontSize": 12}}
    del title  # the figure caption carries the title (a chart title clips on phones)
    return out


def _history_table(points: list[tuple[int, str, Decimal]], unit: str, factor: int) -> str:
    years = sorted({y for y, _, _ in points})
    series = list(dict.fromkeys(s for _, s, _ in points))
    value = {(y, s): v for y, s, v in points}
    rows = [
        [str(y)]
        + [
            chart_amount(value[(y, s)] / factor, 4 if factor > 1 else None) if (y, s) in value else "—"
            for s in series
        ]
        for y in years
    ]
    return table(
        ["年度"] + [f"{md_text(s)}（{unit}）" for s in series], rows, ["---"] + ["--:"] * len(series)
    )


def yoy_rows(years: list[BodySummary]) -> list[list[str]]:
    """Year-over-year rows: each measure and 类 in each year after the first, with change and change %."""
    rows = []
    measures: list[tuple[str, Callable]] = [
        (name, lambda s, f=fld: number(getattr(s, f))) for _, name, fld in TOTALS
    ]
    classes = list(dict.fromkeys(k.name for s in years for k in s.classes))
    measures += [
        (name, lambda s, n=name: next((k.amount for k in s.classes if k.name == n), None)) for name in classes
    ]
    for name, get in measures:
        for before, now in itertools.pairwise(years):
            if (now.fiscal_year or 0) - (before.fiscal_year or 0) != 1:
                continue  # no package for the year before: no change to state
            a, b = get(before), get(now)
            if a is None and b is None:
                continue
            change = b - a if a is not None and b is not None else None
            rows.append(
                [
                    md_text(name),
                    str(now.fiscal_year),
                    rounded(b) if b is not None else "—",
                    rounded(a) if a is not None else "—",
                    ("+" if change and change > 0 else "") + rounded(change) if change is not None else "—",
                    percent(ratio(change, a)) if change is not None and a else "—",
                ]
            )
    return rows


# --- pages ------------------------------------------------------------------------------------------


def switcher(years: list[tuple[int, str]], current: int | None, prefix: str, body_prefix: str) -> str:
    """The year switcher: one link per (year, slug), the current one marked, then the body's page."""
    links = []
    for year, slug in years:
        label = f"{year}年"
        href = html.escape(f"{prefix}centres/{slug}/", quote=True)
        if year == current:
            links.append(f'<a href="{href}" class="year-current" aria-current="page">{label}</a>')
        else:
            links.append(f'<a href="{href}" data-year="{year}">{label}</a>')
    links.append(f'<a href="{html.escape(body_prefix)}" class="year-history">历年变化</a>')
    return '<nav class="year-switcher" aria-label="选择年度">年度：' + " ".join(links) + "</nav>"


def _names_line(years: list[BodySummary]) -> str:
    names = list(dict.fromkeys(s.name for s in years))
    if len(names) <= 1:
        return ""
    by_name = {n: [str(s.fiscal_year) for s in years if s.name == n] for n in names}
    return "历年名称：" + "；".join(f"{md_text(n)}（{'、'.join(y)}年）" for n, y in by_name.items()) + "。"


def body_page(
    w: Writer,
    body: str,
    years: list[BodySummary],
    pkg_dirs: dict[str, Path],
    long_of: dict[str, str],
) -> None:
    """One body's page and files; `long_of`: each package's long rows as CSV lines (no header)."""
    latest = years[-1]
    folder = f"bodies/{body}"
    out_dir = w.root / folder
    lines = [
        "---",
        f"title: {json.dumps(html.escape(latest.short_name + ' 历年部门预算'), ensure_ascii=False)}",
        f"description: {json.dumps(html.escape(latest.name + '历年公开的部门预算：主要数字与历年变化。'), ensure_ascii=False)}",
        "---",
        "",
        f"# {md_text(latest.short_name)}",
        "",
        # Only the place goes into the search index (the title holds the name).
        f'<p class="centre-meta"><span data-search-exclude>{md_text(latest.name)} · </span>'
        f"{md_text(Centre(latest).region)}<span data-search-exclude> · "
        f"行政区划代码 {md_text(latest.division_code)} · 公开年度 {len(years)} 个</span></p>",
        "",
    ]
    if len(years) > 1:
        pairs = [(s.fiscal_year, s.slug) for s in years]
        lines += [switcher(pairs, latest.fiscal_year, "../../", "#history"), ""]
    names = _names_line(years)
    if names:
        lines += [names, ""]
    total = number(latest.total)
    lines += [
        f"## {latest.fiscal_year}年主要数字 {{ data-search-exclude }}",
        "",
        f"{md_text(latest.short_name)} {latest.fiscal_year} 年部门预算本年支出合计 **{reading(latest.total)}**"
        + (
            f"，其中基本支出 {reading(latest.basic)}，项目支出 {reading(latest.project)}"
            if latest.basic or latest.project
            else ""
        )
        + (f"；财政拨款 {reading(latest.fiscal)}" if latest.fiscal else "")
        + "。",
        "",
        '<div class="headline-figures body-latest" markdown="block">',
        "",
        table(
            ["项目", "金额（万元）", "占本年支出合计"],
            [
                [
                    name,
                    rounded(number(getattr(latest, fld))),
                    percent(ratio(number(getattr(latest, fld)), total)),
                ]
                for _, name, fld in TOTALS
                if getattr(latest, fld)
            ],
            ["---", "--:", "--:"],
        ),
        "",
        "</div>",
        "",
        f"[查看 {latest.fiscal_year} 年的图表、全部表格和数据质量核对](../../centres/{latest.slug}/index.md)",
        "",
    ]
    if len(years) > 1:
        lines += _history_md(w, folder, out_dir, years)
    zip_name = f"{body}-all-years.zip"
    long_name = f"{body}-long.csv"
    long_csv = csv_text(LONG_FIELDS, []) + "".join(long_of[s.slug] for s in years)
    w.text(f"{folder}/{long_name}", long_csv)
    members: dict[str, bytes] = {}
    for s in years:
        for rel, data in downloads.package_members(pkg_dirs[s.slug]).items():
            members[f"{s.slug}/{rel}"] = data
    members[long_name] = long_csv.encode()
    members["datapackage.json"] = _long_descriptor(
        f"{body}-long", f"{latest.name}历年预算长表", long_name
    ).encode()
    w.bytes(f"{folder}/{zip_name}", downloads.zip_members(members))
    lines += [
        "## 下载 { data-search-exclude }",
        "",
        f"- [全部年度的数据包（ZIP）]({zip_name}){{ download }}：每个年度一个文件夹（完整数据包），"
        f"另附全部年度的长表 {long_name} 及其 datapackage.json（可用 frictionless 校验）。",
        f"- [全部年度长表（{long_name}）]({long_name}){{ download }}：每个数字一行，"
        "列出单位、年度、表、编码、名称、指标、金额（公开位数）、单位和原文出处。",
    ]
    for s in years:
        lines.append(f"- [{s.fiscal_year} 年数据包与页面](../../centres/{s.slug}/index.md)")
    lines.append("")
    w.text(f"{folder}/index.md", "\n".join(lines))
    for s in years:
        w.text(f"{folder}/{s.fiscal_year}/index.html", redirect_html(f"../../../centres/{s.slug}/", s))


def _history_md(w: Writer, folder: str, out_dir: Path, years: list[BodySummary]) -> list[str]:
    hist = history(years)
    rows = [
        {"year": y, "chart": chart, "series": series, "amount": plain(v), "slug": ""}
        for chart, points in hist.items()
        for y, series, v in points
    ]
    w.text(f"{folder}/history.csv", csv_text(HISTORY_FIELDS, rows))
    lines = [
        "## 历年变化 { #history data-search-exclude }",
        "",
        "各年度部门预算公开的数字（单位在每张图的坐标轴上标明）；点开“图表数据（文字版）”可看到图中的全部数字。",
        "",
    ]
    for chart, (stem, title) in CHARTS.items():
        points = hist[chart]
        lines.append(f"### {stem} {{ data-search-exclude }}\n")
        if len({y for y, _, _ in points}) < 2:
            lines.append(f'<p class="chart-empty">公开的数字不足两个年度，无法画出“{stem}”的变化。</p>\n')
            continue
        unit, factor = unit_for(v for _, _, v in points)
        caption = f"{title}（{unit}）"
        spec = history_spec(chart, "../history.csv", unit, factor, caption)
        multi = len({s for _, s, _ in points}) > 1
        figures = {
            "title": caption,
            "bars": [(f"{y} {s}" if multi else str(y), v) for y, s, v in points],
            "unit": unit,
            "factor": factor,
            "label_title": "年度",
        }
        name = f"history-{chart}"
        json_path, svg_path = site_assets.write_chart(spec, out_dir / "charts", name, figures=figures)
        for p in (json_path, site_assets.vega_path(json_path), svg_path):
            w.keep(p)
        paths = {"spec": f"charts/{name}.vl.json", "svg": f"charts/{name}.svg", "data": "history.csv"}
        lines.append(
            site_assets.chart_html(
                name, paths, _history_table(points, unit, factor), title=caption, alt=f"{title}的图表"
            )
        )
        lines.append("")
    lines += [
        "### 与上年相比 { data-search-exclude }",
        "",
        "按各年度公开的数字计算（金额四舍五入到两位小数显示）；情况说明中写明的上年数与上年数据包的核对见各年度页面的数据质量核对。",
        "",
        table(
            ["项目", "年度", "本年（万元）", "上年（万元）", "增减额（万元）", "增减幅度"],
            yoy_rows(years),
            ["---", "---", "--:", "--:", "--:", "--:"],
        ),
        "",
    ]
    return lines


def redirect_html(target: str, s: BodySummary) -> str:
    """A static page that sends the reader on (MkDocs has no server redirects): meta refresh, canonical
    link, and a plain link for readers without either."""
    t = html.escape(target, quote=True)
    title = html.escape(f"{s.short_name} {s.fiscal_year}年部门预算")
    return (
        '<!doctype html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={t}">\n'
        f'<link rel="canonical" href="{t}">\n<meta name="robots" content="noindex">\n'
        f'</head>\n<body>\n<p>本页已移至 <a href="{t}">{title}</a>。</p>\n</body>\n</html>\n'
    )


# --- the long dataset -------------------------------------------------------------------------------

LONG_FIELDS = [
    "body",
    "fiscal_year",
    "slug",
    "table",
    "table_title",
    "row_type",
    "side",
    "code",
    "name",
    "measure",
    "measure_title",
    "amount",
    "unit",
    "source_file",
    "source_page",
    "source_line",
]
LONG_SCHEMA = {
    "fields": [
        {
            "name": "body",
            "type": "string",
            "title": "单位编号",
            "description": "同一单位历年相同（disclosures/bodies.json）。",
        },
        {"name": "fiscal_year", "type": "integer", "title": "预算年度"},
        {
            "name": "slug",
            "type": "string",
            "title": "数据包",
            "description": "该年度数据包的名称（datapackages/<slug>/）。",
        },
        {
            "name": "table",
            "type": "string",
            "title": "表",
            "description": "数据包中的资源名，如 budget_summary。",
        },
        {"name": "table_title", "type": "string", "title": "表名"},
        {
            "name": "row_type",
            "type": "string",
            "title": "行类型",
            "description": "total/class/item 等：合计行与明细行同列，求和时只取一种。",
        },
        {
            "name": "side",
            "type": "string",
            "title": "收支方向",
            "description": "两栏式总表的 income/expenditure；其他表为空。",
        },
        {
            "name": "code",
            "type": "string",
            "title": "编码",
            "description": "功能分类、经济分类、品目等编码，按文本保存前导零。",
        },
        {"name": "name", "type": "string", "title": "名称"},
        {
            "name": "measure",
            "type": "string",
            "title": "指标",
            "description": "原表的金额列名，如 total、basic、project、amount。",
        },
        {"name": "measure_title", "type": "string", "title": "指标名称"},
        {
            "name": "amount",
            "type": "number",
            "title": "金额",
            "description": "按公开文本的位数。",
            "constraints": {"required": True},
        },
        {
            "name": "unit",
            "type": "string",
            "title": "单位",
            "description": "万元（原表以元计的已精确换算）。",
        },
        {"name": "source_file", "type": "string", "title": "原始文件"},
        {"name": "source_page", "type": "integer", "title": "原文页码"},
        {"name": "source_line", "type": "integer", "title": "原文行号"},
    ]
}
_NOT_AMOUNTS = {
    "seq",
    "enumerator_level",
    "level",
    "parent_seq",
    "source_line",
    "source_page",
    "source_row",
    "end_line",
    "quantity",
    "rows",
}
_CODE_FIELDS = (
    "function_code",
    "function_class_code",
    "gov_economic_code",
    "dept_economic_code",
    "category_code",
    "item_key",
    "part",
    "project_code",
    "unit_code",
)
_NAME_FIELDS = (
    "function_name",
    "item",
    "part_name",
    "gov_economic_name",
    "dept_economic_name",
    "category_name",
    "project_name",
    "item_name",
    "economic_name",
    "name",
    "unit_name",
)


def long_rows_of(pkg_dir: Path, s: BodySummary) -> list[dict]:
    """Every published amount of one package's tables, one row each."""
    desc = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in desc["resources"]}
    out = []
    for name in MAIN_TABLES:
        res = resources.get(name)
        if not res or res.get("format") != "csv" or not (pkg_dir / res["path"]).is_file():
            continue
        schema = json.loads((pkg_dir / res["schema"]).read_text(encoding="utf-8"))
        measures = [f for f in schema["fields"] if f["type"] == "number" and f["name"] not in _NOT_AMOUNTS]
        with (pkg_dir / res["path"]).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            code = next((row[f] for f in _CODE_FIELDS if row.get(f)), "")
            label = next((row[f] for f in _NAME_FIELDS if row.get(f)), "")
            for f in measures:
                if row.get(f["name"]) in (None, ""):
                    continue
                out.append(
                    {
                        "body": s.body,
                        "fiscal_year": s.fiscal_year,
                        "slug": s.slug,
                        "table": name,
                        "table_title": res.get("title") or name,
                        "row_type": row.get("row_type") or "",
                        "side": row.get("side") or "",
                        "code": code,
                        "name": label,
                        "measure": f["name"],
                        "measure_title": f.get("title") or f["name"],
                        "amount": row[f["name"]],
                        "unit": desc.get("x_amount_unit") or "万元",
                        "source_file": row.get("source_file") or "",
                        "source_page": row.get("source_page") or "",
                        "source_line": row.get("source_line") or "",
                    }
                )
    return out


def _long_descriptor(name: str, title: str, path: str) -> str:
    desc = {
        "name": name,
        "title": title,
        "description": "各单位历年部门预算各表中的每一个金额，一行一个：单位、年度、表、编码、名称、指标、金额"
        "（按公开位数）、单位和原文出处。由各年度数据包生成。",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": [
            {
                "name": "amounts",
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": LONG_SCHEMA,
            }
        ],
    }
    return json.dumps(desc, ensure_ascii=False, indent=2) + "\n"


def write_bodies(
    w: Writer, centres: list[Centre], pkg_dirs: list[Path], reuse: Reuse | None = None
) -> dict[str, list[BodySummary]]:
    """Body pages, redirects and the long dataset; returns the bodies (id → years). With `reuse`, a body
    whose years' pages are unchanged keeps its files, and each package's long rows come from the cache."""
    reuse = reuse or Reuse()
    by_slug = {p.name: p for p in pkg_dirs}
    bodies = group(centres)
    # Each package's long rows as CSV lines (no header), with their piece of the site-wide zip: the body's
    # file and the site-wide one join them, one body at a time.
    header = csv_text(LONG_FIELDS, [])
    long_csv = downloads.Spooled(header.encode())
    descriptor = _long_descriptor("budget-long", "历年部门预算长表（全部单位）", "budget-long.csv")
    members = {"budget-long.csv": long_csv, "datapackage.json": downloads.Spooled(descriptor.encode())}
    try:
        for body, years in bodies.items():
            pieces = [
                reuse.value(
                    "long",
                    [s.slug],
                    lambda s=s: downloads.piece(
                        csv_text(LONG_FIELDS, long_rows_of(by_slug[s.slug], s)).split("\n", 1)[1].encode()
                    ),
                )
                for s in years
            ]
            long_of = {s.slug: raw.decode() for s, (raw, _) in zip(years, pieces, strict=True)}
            reuse.files(
                w,
                "body",
                [s.slug for s in years],
                lambda body=body, years=years, long_of=long_of: body_page(w, body, years, by_slug, long_of),
                extra=body,
            )
            for part in pieces:
                long_csv.add(part)
        w.stream("generated/long/budget-long.csv", long_csv.write_raw)
        w.text("generated/long/datapackage.json", descriptor)
        w.stream("generated/budget-long.zip", lambda fh: downloads.write_zip(fh, members))
    finally:
        for spooled in members.values():
            spooled.close()
    return bodies
