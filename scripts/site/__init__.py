"""`site` command: data packages → the site's generated pages under `site_src/` (all git-ignored).

    python -m scripts site [--packages DIR] [--out SITE_SRC] [--build-report FILE]

Per centre, `scripts.site.body_page.write` makes the centre page and returns its `BodySummary`; this module makes everything that spans
centres: the home page's generated part (`generated/home.md`, included by the hand-written
`index.md`), the catalog with province → city index pages (`regions/`), the compare page, the merged
glossary, the build report, `generated/centres.csv` (the figures behind the home and compare charts,
also offered for download) and the all-centre package (`generated/all-centres/` + zip).

Every chart spec is built once per chart kind and reads its CSV through `data.url`. Text that comes
from a disclosure is escaped for HTML and Markdown with `md_text` before it reaches a page. One centre
whose page fails is listed on the build report page; the rest of the site is still written.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

import altair as alt

from scripts.site import assets as site_assets
from scripts.numfmt import amount_words, number, percent, plain, ratio, rounded
from scripts.site import downloads
from scripts.site.summary import BodySummary, FunctionClass

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGES = ROOT / "datapackages"
SITE_SRC = ROOT / "site_src"
BUILD_REPORT = ROOT / ".build" / "report.json"

# Folders and pages under site_src/ written here (git-ignored); anything else there is hand-written.
GENERATED_DIRS = ("centres", "regions", "generated")
GENERATED_PAGES = ("catalog.md", "compare.md", "glossary.md", "report.md")

# Charts show the largest centres only; every centre stays in the tables and the CSV.
CHART_MAX_CENTRES = 30
# The home table lists this many centres (largest first); the catalog lists all of them.
HOME_MAX_ROWS = 100

STATUS_TITLES = {"ok": "正常", "warnings": "有警告", "failed": "失败", "invalid": "数据包校验未通过"}
UNKNOWN_REGION = "未注明地区"

CENTRES_FIELDS = [
    "slug",
    "name",
    "short_name",
    "province",
    "city",
    "district",
    "fiscal_year",
    "total",
    "basic",
    "project",
    "personnel",
    "public_admin",
    "three_public_total",
    "basic_share",
    "project_share",
    "personnel_share",
    "public_admin_share",
    "checks_pass",
    "checks_fail",
    "checks_advisory",
    "checks_not_applicable",
    "page",
]
FUNCTIONS_FIELDS = [
    "slug",
    "short_name",
    "centre_total",
    "function_class_code",
    "function_class_name",
    "amount",
    "share",
]


class SiteError(Exception):
    """The site cannot be generated at all (no packages folder, unreadable build report)."""


# --- text and numbers -------------------------------------------------------------------------------

_HTML_BREAKS = re.compile(r"<\s*/?\s*(p|br|div)\b[^>]*>", re.IGNORECASE)
# Characters that start Markdown or HTML syntax; as numeric entities they display but never parse.
_MD_SPECIAL = {c: f"&#{ord(c)};" for c in '\\`*_{}[]()!|~<>&"^$'}
# Only at the start of a line do these begin a block (heading, list, quote, numbered list).
_LINE_START = re.compile(r"^([#+\-=>]|\d+[.)])")


def md_text(value: object) -> str:
    """Disclosure text → inert Markdown/HTML: publisher `<p>`/`<br>` become spaces, all else is escaped."""
    text = "" if value is None else str(value)
    text = _HTML_BREAKS.sub(" ", text)
    text = " ".join(text.split())
    text = "".join(_MD_SPECIAL.get(c, c) for c in text)
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + f"&#{ord(m.group(1)[-1])};", text)


def url_path(*parts: str) -> str:
    return "/".join(quote(p, safe="") for p in parts)


_SAFE_NAME = re.compile(r"^[\w\u3400-\u9fff·（）()-]{1,40}$")


def region_dir(name: str, fallback: str) -> str:
    """Folder name for a region page: the Chinese name when it is a plain name, else a code."""
    return name if _SAFE_NAME.match(name) and name not in (".", "..") and "/" not in name else fallback


# --- writing ----------------------------------------------------------------------------------------


@dataclass
class Writer:
    """Writes generated files only when their bytes change and remembers them (for stale-file cleanup)."""

    root: Path
    written: set[Path] = field(default_factory=set)
    changed: int = 0

    def text(self, rel: str, content: str) -> Path:
        return self.bytes(rel, content.encode("utf-8"))

    def bytes(self, rel: str, content: bytes) -> Path:
        path = self.root / rel
        self.written.add(path)
        self.changed += site_assets.write_if_changed(path, content)
        return path

    def keep(self, path: Path) -> None:
        self.written.add(path)


def csv_text(fields: list[str], rows: Iterable[dict]) -> str:
    buf = io.StringIO()
    out = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    out.writeheader()
    for row in rows:
        out.writerow(row)
    return buf.getvalue()


def read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- per-centre figures ----------------------------------------------------------------------------


@dataclass
class Centre:
    """A body as the cross-body pages list it: its summary, computed once from the package."""

    summary: BodySummary

    @property
    def slug(self) -> str:
        return self.summary.slug

    @property
    def classes(self) -> list[FunctionClass]:
        return self.summary.classes

    @property
    def downloads(self) -> list[tuple[str, str]]:
        return self.summary.downloads

    def get(self, key: str) -> object:
        return getattr(self.summary, key)

    def num(self, key: str) -> Decimal | None:
        return number(getattr(self.summary, key))

    @property
    def name(self) -> str:
        return self.summary.name or self.slug

    @property
    def short(self) -> str:
        return self.summary.short_name or self.name

    @property
    def page_md(self) -> str:
        return f"centres/{self.slug}/index.md"

    def checks(self, status: str) -> int:
        return self.summary.checks.get(status, 0)

    @property
    def region(self) -> str:
        parts = [self.get("province"), self.get("city"), self.get("district")]
        seen: list[str] = []
        for p in parts:
            if p and str(p) not in seen:
                seen.append(str(p))
        return " ".join(seen) or UNKNOWN_REGION


# --- charts (one spec per kind; data from generated/centres.csv) ---------------------------------------

FONT_AXIS = {"labelFontSize": 12, "titleFontSize": 12}


def chart_split(data_url: str, parts: dict[str, str], *, normalize: bool, title: str) -> dict:
    """Horizontal stacked bars per centre: amounts (万元) or shares of `parts` (field → Chinese name)."""
    fields = list(parts)
    label = " : ".join(f"datum.部分 === '{f}' ? '{n}'" for f, n in parts.items()) + " : ''"
    x_title = "占比（%）" if normalize else "金额（万元）"
    chart = (
        alt.Chart(alt.Data(url=data_url, format=alt.DataFormat(type="csv")))
        .transform_window(名次="rank()", sort=[alt.SortField("total", order="descending")])
        .transform_filter(f"datum.名次 <= {CHART_MAX_CENTRES}")
        .transform_fold(fields, as_=["部分", "金额"])
        .transform_calculate(部分名称=label, 金额万元="toNumber(datum.金额)")
        .mark_bar()
        .encode(
            y=alt.Y(
                "short_name:N",
                title=None,
                sort=alt.EncodingSortField("total", order="descending"),
                axis=alt.Axis(labelLimit=260, **FONT_AXIS),
            ),
            x=alt.X(
                "sum(金额万元):Q",
                title=x_title,
                stack="normalize" if normalize else "zero",
                axis=alt.Axis(format=".0%" if normalize else ",.0f", **FONT_AXIS),
            ),
            color=alt.Color(
                "部分名称:N",
                title=None,
                sort=list(parts.values()),
                scale=alt.Scale(domain=list(parts.values())),
                legend=alt.Legend(orient="bottom", labelFontSize=12),
            ),
            order=alt.Order("部分名称:N"),
            tooltip=[
                alt.Tooltip("name:N", title="中心"),
                alt.Tooltip("部分名称:N", title="部分"),
                alt.Tooltip("金额万元:Q", title="金额（万元）", format=",.2f"),
            ],
        )
        .properties(width="container")  # the figure caption carries the title (a chart title clips on phones)
    )
    return chart.to_dict()


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


def _chart(
    w: Writer,
    spec: dict,
    name: str,
    page_dir: str,
    data_rel: list[str],
    table_md: str,
    title: str,
    alt_text: str,
    figures: dict,
) -> str:
    """Write the spec + fallback SVG (drawn from `figures`) into generated/charts/; returns the page block."""
    charts = w.root / "generated" / "charts"
    json_path, svg_path = site_assets.write_chart(spec, charts, name, figures=figures)
    w.keep(json_path)
    w.keep(site_assets.vega_path(json_path))
    w.keep(svg_path)
    prefix = "../" * page_dir.count("/") if page_dir else ""
    paths = {
        "spec": f"{prefix}generated/charts/{name}.vl.json",
        "svg": f"{prefix}generated/charts/{name}.svg",
        "data": [f"{prefix}{d}" for d in data_rel],
    }
    return site_assets.chart_html(name, paths, table_md, title=title, alt=alt_text)


# --- pages ------------------------------------------------------------------------------------------


def link(text: str, target: str) -> str:
    return f"[{text}]({target})"


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    align = align or ["---"] * len(headers)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def by_total(centres: list[Centre]) -> list[Centre]:
    return sorted(centres, key=lambda c: (-(c.num("total") or Decimal(0)), c.slug))


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


# Listing pages repeat every centre's name and figures; the search index that every page loads
# would grow with them, and the centre pages are indexed themselves.
NO_SEARCH = "---\nsearch:\n  exclude: true\n---\n\n"


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
    spec = chart_split(
        "../centres.csv",
        {"basic": "基本支出", "project": "项目支出"},
        normalize=False,
        title="各中心支出预算：基本支出与项目支出（万元）",
    )
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
        _chart(
            w,
            spec,
            "home-split",
            "",
            ["generated/centres.csv"],
            alt_md,
            "各中心支出预算：基本支出与项目支出（万元）" + _top_note(len(ordered)),
            "各中心基本支出与项目支出的条形图",
            bars_of(ordered, "支出合计", lambda c: c.num("total"), "万元"),
        ),
        "## 下载",
        "",
        downloads_block(""),
        "",
    ]
    return "\n".join(lines)


def pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    value = ratio(part, whole)
    return None if value is None else value * 100


def top_class_share(c: Centre) -> Decimal | None:
    whole = sum((k.amount for k in c.classes), Decimal(0))
    return pct(max((k.amount for k in c.classes), default=None), whole)


def bars_of(centres: list[Centre], title: str, value: Callable[[Centre], Decimal | None], unit: str) -> dict:
    """Figures of the static no-script SVG: one bar per centre (the browser draws the full chart)."""
    bars = [(c.short, v) for c in centres[:CHART_MAX_CENTRES] if (v := value(c)) is not None]
    return {"title": f"{title}（{unit}）", "bars": bars, "unit": unit, "label_title": "中心"}


def _top_note(n: int) -> str:
    return f"（显示支出最多的 {CHART_MAX_CENTRES} 个中心）" if n > CHART_MAX_CENTRES else ""


def downloads_block(prefix: str) -> str:
    return "\n".join(
        [
            f"- {link('全部中心合并数据包（ZIP）', prefix + 'generated/all-centres.zip')}{{ download }}："
            "每类表一个 CSV，前两列标明所属中心，附表结构说明，可用 frictionless 校验。",
            f"- {link('合并数据包说明（datapackage.json）', prefix + 'generated/all-centres/datapackage.json')}",
            f"- {link('各中心主要数字（centres.csv）', prefix + 'generated/centres.csv')}{{ download }}："
            "首页和比较页图表所用的数据。",
            f"- {link('各中心支出功能分类（functions.csv）', prefix + 'generated/functions.csv')}{{ download }}",
        ]
    )


@dataclass
class Region:
    province: str
    city: str
    centres: list[Centre]

    @property
    def province_dir(self) -> str:
        code = (str(self.centres[0].get("division_code") or "")[:2] or "00") + "0000"
        return region_dir(self.province, code)

    @property
    def city_dir(self) -> str:
        code = (str(self.centres[0].get("division_code") or "")[:4] or "0000") + "00"
        return region_dir(self.city, code)


def regions_of(centres: list[Centre]) -> dict[str, list[Region]]:
    groups: dict[tuple[str, str], list[Centre]] = {}
    for c in centres:
        province = str(c.get("province") or UNKNOWN_REGION)
        city = str(c.get("city") or province)
        groups.setdefault((province, city), []).append(c)
    out: dict[str, list[Region]] = {}
    for (province, city), members in sorted(groups.items()):
        out.setdefault(province, []).append(Region(province, city, sorted(members, key=lambda c: c.slug)))
    return out


def catalog_pages(w: Writer, centres: list[Centre]) -> None:
    regions = regions_of(centres)
    rows = []
    for province, cities in regions.items():
        for region in cities:
            total = sum((c.num("total") or Decimal(0) for c in region.centres), Decimal(0))
            rows.append(
                [
                    link(md_text(province), f"regions/{url_path(region.province_dir)}/index.md"),
                    link(
                        md_text(region.city),
                        f"regions/{url_path(region.province_dir, region.city_dir)}/index.md",
                    ),
                    str(len(region.centres)),
                    rounded(total),
                ]
            )
    w.text(
        "catalog.md",
        NO_SEARCH
        + "\n".join(
            [
                "# 中心目录",
                "",
                f"全部 {len(centres)} 个中心按省份和城市排列。每个中心有一个数据包：CSV 表格、表结构说明（JSON）和原始公开文本，"
                "可在中心页面或城市页面下载。",
                "",
                "## 按地区浏览",
                "",
                table(
                    ["省份", "城市", "中心数（个）", "支出合计（万元）"], rows, ["---", "---", "--:", "--:"]
                ),
                "",
                "## 合并下载",
                "",
                downloads_block(""),
                "",
            ]
        ),
    )
    for province, cities in regions.items():
        pdir = cities[0].province_dir
        city_rows = [
            [link(md_text(r.city), f"{url_path(r.city_dir)}/index.md"), str(len(r.centres))] for r in cities
        ]
        w.text(
            f"regions/{pdir}/index.md",
            NO_SEARCH
            + "\n".join(
                [
                    f"# {md_text(province)}",
                    "",
                    f"[中心目录](../../catalog.md) › {md_text(province)}",
                    "",
                    table(["城市", "中心数（个）"], city_rows, ["---", "--:"]),
                    "",
                ]
            ),
        )
        for region in cities:
            rel = "../../../"
            rows = []
            for c in region.centres:
                dl = " · ".join(link(label, f"{rel}{path}") + "{ download }" for label, path in c.downloads)
                rows.append(
                    [
                        link(md_text(c.short), f"{rel}{c.page_md}"),
                        md_text(c.get("district") or "—"),
                        md_text(c.get("fiscal_year") or "—"),
                        rounded(c.num("total")),
                        str(c.checks("fail")),
                        dl or "见中心页面",
                    ]
                )
            w.text(
                f"regions/{pdir}/{region.city_dir}/index.md",
                NO_SEARCH
                + "\n".join(
                    [
                        f"# {md_text(region.city)}",
                        "",
                        f"[中心目录](../../../catalog.md) › [{md_text(province)}](../index.md) › {md_text(region.city)}",
                        "",
                        table(
                            ["中心", "区县", "年度", "支出合计（万元）", "未通过的核对（项）", "下载"],
                            rows,
                            ["---", "---", "---", "--:", "--:", "---"],
                        ),
                        "",
                    ]
                ),
            )


def _share_table(centres: list[Centre], headers: list[str], parts: tuple[str, str], whole: str) -> str:
    """Each centre's two parts as shares of a whole (the text alternative of a share chart)."""
    rows = [[md_text(c.short)] + [percent(ratio(c.num(p), c.num(whole))) for p in parts] for c in centres]
    return table(["中心", *headers], rows, ["---", "--:", "--:"])


def compare_page(w: Writer, centres: list[Centre]) -> None:
    ordered = by_total(centres)
    n = len(ordered)
    split_rows = [
        [
            link(md_text(c.short), c.page_md),
            rounded(c.num("total")),
            percent(ratio(c.num("basic"), c.num("total"))),
            percent(ratio(c.num("project"), c.num("total"))),
            percent(ratio(c.num("personnel"), c.num("basic"))),
            percent(ratio(c.num("public_admin"), c.num("basic"))),
        ]
        for c in ordered
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
    codes = sorted({k.code for c in centres for k in c.classes})
    class_names: dict[str, str] = {}
    for c in sorted(centres, key=lambda c: c.slug):
        for k in c.classes:
            class_names.setdefault(k.code, k.name)
    class_rows = []
    for c in ordered:
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
    note = _top_note(n)
    parts = [
        "# 比较",
        "",
        "各中心支出预算并排比较：总额、基本支出与项目支出的占比、基本支出中人员经费与公用经费的占比，"
        "以及按支出功能分类（类）的结构。占比按公开的数字计算；数字为空的中心显示为“—”。",
        "",
        "## 基本支出与项目支出",
        "",
        _chart(
            w,
            chart_split(
                "../centres.csv",
                {"basic": "基本支出", "project": "项目支出"},
                normalize=True,
                title="基本支出与项目支出占比（%）",
            ),
            "compare-split",
            "",
            ["generated/centres.csv"],
            alt_split,
            "基本支出与项目支出占比（%）" + note,
            "各中心基本支出与项目支出占比的条形图",
            bars_of(ordered, "项目支出占支出合计", lambda c: pct(c.num("project"), c.num("total")), "%"),
        ),
        "## 人员经费与公用经费",
        "",
        "人员经费和公用经费取自一般公共预算财政拨款支出表，合起来是财政拨款的基本支出。",
        "",
        _chart(
            w,
            chart_split(
                "../centres.csv",
                {"personnel": "人员经费", "public_admin": "公用经费"},
                normalize=True,
                title="人员经费与公用经费占比（%）",
            ),
            "compare-people",
            "",
            ["generated/centres.csv"],
            alt_people,
            "人员经费与公用经费占比（%）" + note,
            "各中心人员经费与公用经费占比的条形图",
            bars_of(ordered, "人员经费占基本支出", lambda c: pct(c.num("personnel"), c.num("basic")), "%"),
        ),
        "## 按支出功能分类",
        "",
        "取自各中心收支总表中按支出功能分类（“类”）列出的金额（见[方法说明](methodology.md)）。",
        "",
        _chart(
            w,
            chart_functions("../functions.csv", "按支出功能分类的支出结构（%）"),
            "compare-functions",
            "",
            ["generated/functions.csv"],
            class_table,
            "按支出功能分类的支出结构（%）",
            "各中心按支出功能分类的支出结构条形图",
            bars_of(ordered, "最大一类支出占比", lambda c: top_class_share(c), "%"),
        ),
        "## 比较表",
        "",
        "点击表头可排序。",
        "",
        split_table,
        "",
        "### 支出功能分类占比",
        "",
        class_table,
        "",
    ]
    w.text("compare.md", NO_SEARCH + "\n".join(parts))


def glossary_page(w: Writer, centres: list[Centre], pkg_dirs: dict[str, Path]) -> None:
    """名词解释 merged by term; each distinct definition lists the centres that publish it."""
    terms: dict[str, dict[str, list[Centre]]] = {}
    for c in sorted(centres, key=lambda c: c.slug):
        for row in read_csv(pkg_dirs[c.slug] / "data" / "glossary.csv"):
            term = " ".join((row.get("term") or "").split())
            definition = " ".join(_HTML_BREAKS.sub(" ", row.get("definition") or "").split())
            if not term:
                continue
            users = terms.setdefault(term, {}).setdefault(definition, [])
            if c not in users:
                users.append(c)
    lines = [
        "# 术语",
        "",
        "以下名词解释取自各中心公开文本中的“名词解释”部分，按术语合并。每条解释注明由哪些中心给出；"
        "不同中心对同一术语的解释不一致时，各条解释分别列出。",
        "",
    ]
    if not terms:
        lines += ["目前收录的公开文本中没有名词解释。", ""]
    for term in sorted(terms):
        definitions = terms[term]
        lines += [f"## {md_text(term)}", ""]
        for i, (definition, users) in enumerate(sorted(definitions.items(), key=lambda kv: kv[1][0].slug)):
            head = f"解释{i + 1}：" if len(definitions) > 1 else ""
            sources = "、".join(link(md_text(c.short), c.page_md) for c in users)
            lines += [
                f"{head}{md_text(definition) or '（公开文本未给出解释）'}",
                "",
                f"<small>出处：{sources}</small>",
                "",
            ]
    w.text("glossary.md", "\n".join(lines))


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


# --- orchestration ----------------------------------------------------------------------------------


PARALLEL_MIN = 16  # below this, starting worker processes costs more than it saves


def _write_one(write_centre: Callable[..., BodySummary], pkg: Path, out: Path) -> tuple[BodySummary | None, str | None]:
    try:
        return write_centre(pkg, out / "centres" / pkg.name, site_root_rel="../../"), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _write_centres(write_centre: Callable[..., BodySummary], dirs: list[Path], out: Path) -> list:
    """Centre pages are independent: write them on every core when there are many."""
    workers = os.cpu_count() or 1
    if workers == 1 or len(dirs) < PARALLEL_MIN:
        return [_write_one(write_centre, pkg, out) for pkg in dirs]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(
            pool.map(
                _write_one,
                [write_centre] * len(dirs),
                dirs,
                [out] * len(dirs),
                chunksize=max(1, len(dirs) // (workers * 8)),
            )
        )


def _default_writer() -> Callable[..., BodySummary]:
    from scripts.site import body_page

    return body_page.write


@dataclass
class Result:
    centres: int
    failures: list[tuple[str, str, str]]
    changed: int
    seconds: float


def package_dirs(packages: Path) -> list[Path]:
    if not packages.is_dir():
        raise SiteError(f"{packages}: no such folder (expected data packages, see `python -m scripts build`)")
    return sorted(p for p in packages.iterdir() if (p / "datapackage.json").is_file())


def load_report(path: Path) -> list[dict] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SiteError(f"{path}: not valid JSON ({err})") from err
    return data if isinstance(data, list) else None


def generate(
    packages: Path = DATAPACKAGES,
    out: Path = SITE_SRC,
    build_report: Path = BUILD_REPORT,
    *,
    write_centre: Callable[..., BodySummary] | None = None,
) -> Result:
    clock = time.perf_counter()
    write_centre = write_centre or _default_writer()
    dirs = package_dirs(packages)
    w = Writer(out)
    centres: list[Centre] = []
    failures: list[tuple[str, str, str]] = []
    by_slug: dict[str, Path] = {}
    for pkg, (summary, error) in zip(dirs, _write_centres(write_centre, dirs, out), strict=True):
        slug = pkg.name
        centre_dir = out / "centres" / slug
        if error is not None:  # one broken package shows up on the report page, the site goes on
            failures.append((slug, _package_title(pkg), error))
            shutil.rmtree(centre_dir, ignore_errors=True)
            continue
        for path in centre_dir.rglob("*"):
            w.keep(path)
        by_slug[slug] = pkg
        centres.append(Centre(summary))
    write_data(w, centres, [by_slug[c.slug] for c in centres])
    w.text("generated/home.md", home_part(w, centres, len(failures)))
    catalog_pages(w, centres)
    compare_page(w, centres)
    glossary_page(w, centres, by_slug)
    report_page(w, load_report(build_report), failures, build_report)
    _remove_stale(out, w.written)
    return Result(len(centres), failures, w.changed, time.perf_counter() - clock)


def _package_title(pkg: Path) -> str:
    try:
        return str(
            json.loads((pkg / "datapackage.json").read_text(encoding="utf-8")).get("title") or pkg.name
        )
    except (OSError, json.JSONDecodeError):
        return pkg.name


def write_data(w: Writer, centres: list[Centre], pkg_dirs: list[Path]) -> None:
    rows, frows = [], []
    for c in sorted(centres, key=lambda c: c.slug):
        total, basic = c.num("total"), c.num("basic")
        rows.append(
            {
                **{
                    k: c.get(k) if c.get(k) is not None else ""
                    for k in ("slug", "province", "city", "district", "fiscal_year")
                },
                "name": c.name,
                "short_name": c.short,
                **{
                    k: plain(c.num(k))
                    for k in ("total", "basic", "project", "personnel", "public_admin", "three_public_total")
                },
                "basic_share": plain(ratio(basic, total)),
                "project_share": plain(ratio(c.num("project"), total)),
                "personnel_share": plain(ratio(c.num("personnel"), basic)),
                "public_admin_share": plain(ratio(c.num("public_admin"), basic)),
                **{f"checks_{s}": c.checks(s) for s in ("pass", "fail", "advisory", "not_applicable")},
                "page": f"centres/{c.slug}/",
            }
        )
        whole = sum((k.amount for k in c.classes), Decimal(0))
        frows += [
            {
                "slug": c.slug,
                "short_name": c.short,
                "centre_total": plain(total),
                "function_class_code": k.code,
                "function_class_name": k.name,
                "amount": plain(k.amount),
                "share": plain(ratio(k.amount, whole)),
            }
            for k in c.classes
        ]
    w.text("generated/centres.csv", csv_text(CENTRES_FIELDS, rows))
    w.text("generated/functions.csv", csv_text(FUNCTIONS_FIELDS, frows))
    files = downloads.combined(pkg_dirs, w.root / "generated" / "all-centres")
    for rel, content in sorted(files.items()):
        w.bytes(f"generated/all-centres/{rel}", content)
    w.bytes("generated/all-centres.zip", downloads.zip_members(files))


def _remove_stale(out: Path, written: set[Path]) -> None:
    """Drop generated files from earlier runs (a removed centre must not linger on the site)."""
    for name in GENERATED_DIRS:
        folder = out / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path not in written:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def cmd_site(args: argparse.Namespace) -> int:
    try:
        result = generate(Path(args.packages), Path(args.out), Path(args.build_report))
    except SiteError as err:
        print(f"site: {err}", file=sys.stderr)
        return 2
    print(
        f"site: {result.centres} centre pages, {result.changed} files changed, {result.seconds:.1f}s"
        + (f"; {len(result.failures)} packages without a page (see report.md)" if result.failures else ""),
        file=sys.stderr,
    )
    for slug, _name, message in result.failures:
        print(f"  {slug}: {message}", file=sys.stderr)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("site", help="generate the site's pages from the data packages into site_src/")
    p.add_argument(
        "--packages", default=str(DATAPACKAGES), help="data packages folder (default: datapackages/)"
    )
    p.add_argument("--out", default=str(SITE_SRC), help="MkDocs docs_dir to write into (default: site_src/)")
    p.add_argument(
        "--build-report",
        default=str(BUILD_REPORT),
        help="report.json of `python -m scripts build` (default: .build/report.json)",
    )
    p.set_defaults(func=cmd_site)
