"""What several cross-body pages share: the `Centre` view of a `BodySummary`, writing generated files
(`Writer`, `csv_text`), escaping disclosure text (`md_text`), links and Markdown tables, and the chart
block of the home and compare pages (one spec per chart kind; data from `generated/centres.csv`).

Text that comes from a disclosure is escaped for HTML and Markdown with `md_text` before it reaches a
page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import altair as alt

from scripts.numfmt import number, ratio
from scripts.site import assets as site_assets
from scripts.site.summary import BodySummary, FunctionClass, GlossaryEntry

# Charts show the largest centres only; every centre stays in the tables and the CSV.
CHART_MAX_CENTRES = 30

UNKNOWN_REGION = "未注明地区"

# Listing pages repeat every centre's name and figures; the search index every searching reader loads
# would grow with them, and the centre pages are indexed themselves.
NO_SEARCH = "---\nsearch:\n  exclude: true\n---\n\n"


# --- text ---------------------------------------------------------------------------------------------

HTML_BREAKS = re.compile(r"<\s*/?\s*(p|br|div)\b[^>]*>", re.IGNORECASE)
# Characters that start Markdown or HTML syntax; as numeric entities they display but never parse.
_MD_SPECIAL = {c: f"&#{ord(c)};" for c in '\\`*_{}[]()!|~<>&"^$'}
# Only at the start of a line do these begin a block (heading, list, quote, numbered list).
_LINE_START = re.compile(r"^([#+\-=>]|\d+[.)])")


def md_text(value: object) -> str:
    """Disclosure text → inert Markdown/HTML: publisher `<p>`/`<br>` become spaces, all else is escaped."""
    text = "" if value is None else str(value)
    text = HTML_BREAKS.sub(" ", text)
    text = " ".join(text.split())
    text = "".join(_MD_SPECIAL.get(c, c) for c in text)
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + f"&#{ord(m.group(1)[-1])};", text)


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

    def stream(self, rel: str, fill: Callable[[BinaryIO], object]) -> Path:
        """A file too large to hold in memory: `fill(fh)` writes it."""
        path = self.root / rel
        self.written.add(path)
        self.changed += site_assets.write_with_if_changed(path, fill)
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

    @property
    def glossary(self) -> list[GlossaryEntry]:
        return self.summary.glossary

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


def chart_block(
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


def centres_chart(
    w: Writer,
    name: str,
    parts: dict[str, str],
    *,
    normalize: bool,
    title: str,
    n: int,
    table_md: str,
    alt_text: str,
    figures: dict,
    data: str = "centres.csv",
    page_dir: str = "",
) -> str:
    """A `chart_split` chart of the `n` centres (data: generated/`data`) as a block of a page in `page_dir`."""
    spec = chart_split(f"../{data}", parts, normalize=normalize, title=title)
    return chart_block(
        w, spec, name, page_dir, [f"generated/{data}"], table_md, title + top_note(n), alt_text, figures
    )


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


def pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    value = ratio(part, whole)
    return None if value is None else value * 100


def bars_of(centres: list[Centre], title: str, value: Callable[[Centre], Decimal | None], unit: str) -> dict:
    """Figures of the static no-script SVG: one bar per centre (the browser draws the full chart)."""
    bars = [(c.short, v) for c in centres[:CHART_MAX_CENTRES] if (v := value(c)) is not None]
    return {"title": f"{title}（{unit}）", "bars": bars, "unit": unit, "label_title": "中心"}


def top_note(n: int) -> str:
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
            f"- {link('历年长表（ZIP）', prefix + 'generated/budget-long.zip')}{{ download }}："
            "全部单位、全部年度的每一个金额一行（单位、年度、表、编码、名称、指标、金额、单位、原文文件和页码），"
            "附 datapackage.json。",
        ]
    )
