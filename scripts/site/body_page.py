"""The centre page: one Markdown page per data package, with its charts, tables and downloads.

    summary = body_page.write(pkg_dir, out_dir, site_root_rel="../../")

`out_dir` (site_src/centres/<slug>/) becomes a copy of the package (datapackage.json, data/, schemas/,
source/) plus index.md, charts/, <slug>.zip and <slug>.xlsx, so the CSV a chart reads is the CSV offered
for download and `Package("datapackage.json")` works on the unzipped download and on the site alike.
Cheap per centre: CSVs read with the csv module, chart specs from per-kind templates, SVGs from a small
Python renderer, zip/XLSX rebuilt only when the package bytes change, files written only on change.
Every string taken from a disclosure goes through `esc`/`esc_cell`/`esc_block`.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from decimal import Decimal
from pathlib import Path

from scripts.celltext import visible
from scripts.numfmt import chart_amount, number, percent_of, published, reading, rounded
from scripts.owned import check_name
from scripts.package.layout import MAIN_TABLES
from scripts.site import assets as site_assets
from scripts.site import charts, downloads
from scripts.site.bodies import switcher
from scripts.site.summary import BodySummary, Package, function_classes, headline, summarise

ROOT = Path(__file__).resolve().parents[2]
SITE_NAME = "预算公开·开放数据"
STAMP = ".downloads-stamp"  # dot file: mkdocs ignores it; records the package hash the zip/xlsx came from

STATUS_TEXT = {"pass": "通过", "fail": "不符", "advisory": "提示", "not_applicable": "无法核对"}
CATEGORY_TEXT = {
    "identity": "表内恒等式",
    "cross_table": "表间勾稽",
    "completeness": "表格完整性",
    "explanation": "情况说明与表格",
    "text": "文字单元格",
}
# Bookkeeping columns readers do not need on the page (they stay in the CSV).
HIDDEN_FIELDS = {
    "row_type",
    "unit_original",
    "source_line",
    "seq",
    "level",
    "parent_seq",
    "enumerator_level",
    "item_key",
    "part",
    "year",
    "function_level",
    "unit_code",
}
# A table longer than this shows its first rows on the page, the whole table one click away (its CSV):
# 100,000 rows would make a 19 MB page.
TABLE_ROWS_SHOWN = 300
SNIPPET_RESOURCES = ["general_budget_expenditure", "budget_summary", "expenditure_summary"]
CHART_ORDER = ["functional", "structure", "economic", "projects", "three_public", "procurement"]


# --- escaping ---------------------------------------------------------------------------------------

# Characters with a meaning in Markdown, its extensions (attr_list braces, abbr, footnotes) or HTML.
_INLINE = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()!|~^$\"'"}
_INLINE.update({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")
_LEADING_RE = re.compile(r"^(\s*)([#\-+=:>]|\d+(?=[.)]))")
_PARA_RE = re.compile(r"(?:\s*</?p\s*/?>\s*|\s*<br\s*/?>\s*|\r?\n)+", re.IGNORECASE)


def _escape_line(text: str) -> str:
    text = visible(text)  # a control character never reaches a page (a package from elsewhere may hold one)
    text = _INLINE_RE.sub(lambda m: _INLINE[m.group(0)], text.strip())
    # Block syntax only triggers at the start of a line: headings, lists, quotes, ordered lists.
    match = _LEADING_RE.match(text)
    if match:
        lead = match.group(2)
        text = text[: match.start(2)] + "".join(f"&#{ord(c)};" for c in lead) + text[match.end(2) :]
    return text


def paragraphs(text: str | None) -> list[str]:
    """Published paragraphs: the disclosure's `<p>`/`<br>` tags and line breaks split them."""
    return [p.strip() for p in _PARA_RE.split(text or "") if p.strip()]


def esc(text: str | None) -> str:
    """Inline text from a disclosure: HTML-escaped and inert as Markdown, on one line."""
    return " ".join(_escape_line(p) for p in paragraphs(text))


def esc_cell(text: str | None) -> str:
    """Table cell: like `esc`, published paragraphs kept as line breaks."""
    return "<br>".join(_escape_line(p) for p in paragraphs(text))


def esc_block(text: str | None) -> str:
    """Block of text: one Markdown paragraph per published paragraph."""
    return "\n\n".join(_escape_line(p) for p in paragraphs(text))


def json_for_script(data: object) -> str:
    """JSON that cannot end or confuse an inline <script> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --- numbers ----------------------------------------------------------------------------------------


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


# --- files ------------------------------------------------------------------------------------------


def _site_url() -> str:
    cfg = ROOT / "mkdocs.yml"
    match = re.search(r"^site_url:\s*(\S+)", cfg.read_text(encoding="utf-8"), re.M) if cfg.exists() else None
    url = match.group(1).strip("'\"") if match else "https://example.org/"
    return url if url.endswith("/") else url + "/"


# --- figures ----------------------------------------------------------------------------------------


def changes(pkg: Package) -> list[dict]:
    """情况说明 rows that state last year's figure or the change."""
    return [r for r in pkg.rows("explanation") if r.get("previous_amount") or r.get("change")]


def _change_phrase(row: dict) -> str:
    parts = []
    if row.get("previous_amount"):
        parts.append(f"上年为 {rounded(number(row['previous_amount']))} 万元")
    if row.get("change"):
        parts.append(f"{esc(row.get('direction')) or '变化'} {rounded(number(row['change']))} 万元")
    if row.get("change_pct"):
        verb = "下降" if (row.get("direction") or "").startswith("减") else "增长"
        parts.append(f"{verb} {published(row['change_pct'])}%")
    return "，".join(parts)


def headline_md(pkg: Package, h: dict) -> str:
    name = esc(pkg.desc.get("x_organisation") or pkg.desc["title"])
    year = esc(str(pkg.desc.get("fiscal_year") or ""))
    total = number(h["total"])
    sentence = [f"{name} {year} 年部门预算本年支出合计 **{reading(h['total'])}**"]
    match = next((r for r in changes(pkg) if total is not None and number(r.get("amount")) == total), None)
    if match:
        sentence.append(f"（{_change_phrase(match)}）")
    sentence.append("。")
    if h["income_sources"]:
        parts = [
            f"{esc(h['income_source_names'][k])} {reading(v)}（{percent_of(number(v), total)}）"
            for k, v in h["income_sources"].items()
        ]
        sentence.append("本年收入来自" + "、".join(parts))
        if number(h["carryover"]):
            sentence.append(f"，另有上年结转结余 {reading(h['carryover'])}")
        sentence.append("。")
    if h["basic"] or h["project"]:
        sentence.append(
            f"其中基本支出 {reading(h['basic'])}（{percent_of(number(h['basic']), total)}），"
            f"项目支出 {reading(h['project'])}（{percent_of(number(h['project']), total)}）。"
        )
    if h["personnel"] or h["public_admin"]:
        sentence.append(
            f"一般公共预算基本支出中人员经费 {reading(h['personnel'])}，公用经费 {reading(h['public_admin'])}。"
        )
    if h["three_public_total"]:
        sentence.append(f"“三公”经费 {reading(h['three_public_total'])}。")
    rows = [
        ("本年支出合计", h["total"]),
        *[(esc(h["income_source_names"][k]), v) for k, v in h["income_sources"].items()],
        ("上年结转结余", h["carryover"]),
        ("基本支出", h["basic"]),
        ("项目支出", h["project"]),
        ("人员经费（一般公共预算基本支出）", h["personnel"]),
        ("公用经费（一般公共预算基本支出）", h["public_admin"]),
        ("“三公”经费", h["three_public_total"]),
    ]
    table = md_table(
        ["项目", "金额（万元）", "占本年支出合计"],
        [
            [label, rounded(number(v)), percent_of(number(v), total) if label != "本年支出合计" else "100%"]
            for label, v in rows
            if v != ""
        ],
    )
    out = [
        "".join(sentence),
        "",
        '<div class="headline-figures" markdown="block">',
        "",
        table,
        "",
        "</div>",
        "",
        '<p class="headline-note">以上金额四舍五入到两位小数，便于阅读；下方表格和下载文件保留公开文本的原始位数。</p>',
    ]
    change_rows = changes(pkg)
    if change_rows:
        out += [
            "",
            "### 与上年相比 { data-search-exclude }",
            "",
            "情况说明中写明的本年数与上年数：",
            "",
            md_table(
                ["项目", "本年（万元）", "上年（万元）", "增减额（万元）", "增减幅度（%）", "原文"],
                [
                    [
                        esc_cell(r.get("label")),
                        published(r.get("amount")),
                        published(r.get("previous_amount")),
                        (
                            ("−" if (r.get("direction") or "").startswith("减") else "")
                            + published(r.get("change"))
                        )
                        if r.get("change")
                        else "",
                        published(r.get("change_pct")),
                        esc_cell(r.get("sentence")),
                    ]
                    for r in change_rows
                ],
            ),
        ]
    return "\n".join(out)


# --- tables -----------------------------------------------------------------------------------------


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """Markdown table; cells must already be escaped (or be our own numbers)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def resource_table(pkg: Package, name: str) -> str:
    """A resource as a sortable table: schema titles (with units) as headers, empty columns dropped."""
    rows = pkg.rows(name)
    fields = [f for f in pkg.schema(name)["fields"] if f["name"] not in HIDDEN_FIELDS]
    fields = [f for f in fields if any(r.get(f["name"]) for r in rows)]
    body = []
    for row in rows[:TABLE_ROWS_SHOWN]:
        cells = [
            published(row.get(f["name"])) if f["type"] == "number" else esc_cell(row.get(f["name"]))
            for f in fields
        ]
        body.append(cells)
    table = md_table([html.escape(f.get("title") or f["name"]) for f in fields], body)
    if len(rows) > TABLE_ROWS_SHOWN:
        path = pkg.resources[name]["path"]
        table += (
            f"\n\n此处显示前 {TABLE_ROWS_SHOWN} 行，全表共 {len(rows):,} 行：完整表格请下载 "
            f"[{html.escape(name)}.csv]({path}){{ download }}。"
        )
    return table


def tables_md(pkg: Package) -> str:
    out = []
    for name in MAIN_TABLES:
        if not pkg.has(name):
            continue
        title = esc(pkg.resources[name].get("title") or name)
        rows = pkg.rows(name)
        out.append(
            f'<details class="data-table" markdown="block">\n<summary>{title}（{name}.csv，{len(rows)} 行）</summary>\n'
        )
        out.append(resource_table(pkg, name) if rows else "公开为空：原文此表没有数据。")
        out.append("\n</details>\n")
    return "\n".join(out)


def _indicator_value(row: dict) -> str:
    op, value, unit = row.get("operator") or "", row.get("value") or "", row.get("unit") or ""
    if op == "定性":
        return f"{esc_cell(value)}（定性）"
    return " ".join(x for x in (esc_cell(op), esc_cell(value), esc_cell(unit)) if x)


def performance_md(pkg: Package) -> str:
    projects = pkg.rows("performance_projects")
    indicators = pkg.rows("performance_indicators")
    by_project: dict[str, list[dict]] = {}
    for row in indicators:
        by_project.setdefault(row.get("project_code") or "", []).append(row)
    headers = ["一级指标", "二级指标", "三级指标", "指标值", "指标方向"]

    def table(rows: list[dict]) -> str:
        return md_table(
            headers,
            [
                [
                    esc_cell(r.get("level1")),
                    esc_cell(r.get("level2")),
                    esc_cell(r.get("level3")),
                    _indicator_value(r),
                    esc_cell(r.get("direction")),
                ]
                for r in rows
            ],
        )

    if not projects and not indicators:
        return "本单位未公开项目支出绩效目标。"
    out = [f"共 {len(projects)} 个项目，{len(indicators)} 项绩效指标。", ""]
    ranked = sorted(
        projects, key=lambda r: (-(number(r.get("total")) or Decimal(0)), r.get("project_name") or "")
    )
    for proj in ranked[:TABLE_ROWS_SHOWN]:
        code = proj.get("project_code") or ""
        rows = by_project.pop(code, []) if code else []
        out.append(
            f'<details class="project" markdown="block">\n<summary>{esc(proj.get("project_name"))}'
            f"<span data-search-exclude>（{published(proj.get('total')) or '金额未公开'} 万元，{len(rows)} 项指标）</span>"
            "</summary>\n"
        )
        # Project names stay searchable; goals and indicator tables would swell the site-wide search
        # index that every reader who searches loads.
        out.append('<div markdown="block" data-search-exclude>\n')
        out.append(f"项目编码：{esc(code) or '未公开'}\n")
        if proj.get("goal"):
            out.append("**绩效目标**\n\n" + esc_block(proj["goal"]) + "\n")
        out.append(table(rows) if rows else "未列出绩效指标。")
        out.append("\n</div>\n</details>\n")
    if len(ranked) > TABLE_ROWS_SHOWN:
        out.append(
            f"此处列出金额最大的 {TABLE_ROWS_SHOWN} 个项目，全部 {len(ranked):,} 个项目与指标见 "
            "performance_projects.csv 和 performance_indicators.csv（下载部分）。\n"
        )
        by_project = {}
    rest = [r for rows in by_project.values() for r in rows]
    if rest:
        out.append(
            f'<details class="project" markdown="block">\n<summary>未对应到具体项目的指标（{len(rest)} 项）</summary>\n'
        )
        out.append('<div markdown="block" data-search-exclude>\n')
        out.append(table(rest[:TABLE_ROWS_SHOWN]))
        out.append("\n</div>\n</details>\n")
    return "\n".join(out)


def quality_md(pkg: Package) -> tuple[str, dict]:
    rows = pkg.rows("quality_report")
    counts = {s: sum(1 for r in rows if r.get("status") == s) for s in STATUS_TEXT}
    line = (
        f"共核对 {len(rows)} 项：通过 {counts['pass']} 项，不符 {counts['fail']} 项，"
        f"提示 {counts['advisory']} 项，无法核对 {counts['not_applicable']} 项。"
    )
    out = [
        line,
        "",
        "每一项核对把公开文件中应当相等的数字放在一起比较（允许四舍五入造成的尾差）。"
        "“不符”说明公开的数字之间对不上，我们照原样发布，不作修改；“无法核对”多因相关的表没有公开或为空。",
        "",
    ]

    def table(items: list[dict]) -> str:
        return md_table(
            ["结果", "核对内容", "说明", "应为（万元）", "实际（万元）", "差额（万元）"],
            [
                [
                    STATUS_TEXT.get(r.get("status"), esc(r.get("status"))),
                    esc_cell(r.get("description")),
                    esc_cell(r.get("detail")),
                    published(r.get("expected")),
                    published(r.get("found")),
                    published(r.get("difference")),
                ]
                for r in items
            ],
        )

    failed = [r for r in rows if r.get("status") == "fail"]
    if failed:
        out += [
            '<div class="quality-failed" markdown="block">',
            "",
            "**不符的核对项**",
            "",
            table(failed),
            "",
            "</div>",
            "",
        ]
    else:
        out += ["所有可核对的项目均通过。", ""]
    for status in ("advisory", "pass", "not_applicable"):
        items = [r for r in rows if r.get("status") == status]
        if items:
            out += [
                '<details class="quality-rest" markdown="block">',
                f"<summary>{STATUS_TEXT[status]}的核对项（{len(items)} 项）</summary>",
                "",
                table(items),
                "",
                "</details>",
                "",
            ]
    return "\n".join(out), counts


# --- charts -----------------------------------------------------------------------------------------


def charts_md(pkg: Package, out_dir: Path, short_name: str) -> str:
    blocks = []
    for kind_name in CHART_ORDER:
        kind = charts.KINDS[kind_name]
        resource = next((r for r in kind.resources if pkg.rows(r)), None)
        if kind_name == "functional":  # the one definition of spending by 类 (scripts/site/summary.py)
            classes = function_classes(pkg)
            bars = sorted(((c.name, c.amount) for c in classes), key=lambda kv: (-kv[1], kv[0]))
        else:
            bars = charts.figures(kind, resource, pkg.rows(resource)) if resource else []
        heading = f"### {kind.title} {{ data-search-exclude }}\n"
        if not bars or not any(v for _, v in bars):
            blocks.append(f'{heading}\n<p class="chart-empty">{kind.empty_text}。</p>\n')
            continue
        unit, factor = charts.unit_for(v for _, v in bars)
        title = f"{kind.title}（{unit}）"
        data_url = f"../data/{resource}.csv"
        spec, vega = charts.spec(
            kind_name, resource, data_url=data_url, title=title, unit=unit, factor=factor
        )
        figures = {
            "title": title,
            "bars": bars,
            "unit": unit,
            "factor": factor,
            "label_title": kind.label_title,
        }
        site_assets.write_chart(spec, out_dir / "charts", kind_name, figures=figures, vega=vega)
        table = md_table(
            [kind.label_title, f"金额（{unit}）"],
            [[esc_cell(label), chart_amount(value / factor)] for label, value in bars],
        )
        alt_text = f"{short_name}{kind.title}条形图"
        if kind.limit and len(bars) == kind.limit:
            title += f"，前 {kind.limit} 项"
        paths = {
            "spec": f"charts/{kind_name}.vl.json",
            "svg": f"charts/{kind_name}.svg",
            "data": f"data/{resource}.csv",
        }
        blocks.append(
            heading + "\n" + site_assets.chart_html(kind_name, paths, table, title=title, alt=alt_text)
        )
    return "\n".join(blocks)


# --- downloads, citation, snippets ------------------------------------------------------------------


def _package_hash(pkg_dir: Path) -> str:
    digest = hashlib.sha256()
    for name, data in downloads.package_members(pkg_dir).items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    digest.update(Path(downloads.__file__).read_bytes())  # new download code → new files
    return digest.hexdigest()


def copy_package(pkg: Package, out_dir: Path) -> tuple[Path, Path]:
    """Copy the package next to the page; (re)build zip and XLSX only when the package changed."""
    slug = pkg.desc["name"]
    for rel, data in downloads.package_members(pkg.dir).items():
        site_assets.write_if_changed(out_dir / rel, data)
    zip_path, xlsx_path = out_dir / f"{slug}.zip", out_dir / f"{slug}.xlsx"
    stamp = _package_hash(pkg.dir)
    stamp_path = out_dir / STAMP
    fresh = (
        stamp_path.exists() and stamp_path.read_text() == stamp and zip_path.exists() and xlsx_path.exists()
    )
    if not fresh:
        site_assets.write_if_changed(zip_path, downloads.package_zip(pkg.dir))
        site_assets.write_if_changed(xlsx_path, downloads.workbook(pkg.dir))
        site_assets.write_if_changed(stamp_path, stamp)
    for path in (zip_path, xlsx_path, stamp_path):
        site_assets.keep(path)
    return zip_path, xlsx_path


def downloads_md(pkg: Package, out_dir: Path, zip_path: Path, xlsx_path: Path) -> str:
    size = lambda rel: human_size((out_dir / rel).stat().st_size)  # noqa: E731
    slug = pkg.desc["name"]
    out = [
        f"- [整个数据包（ZIP，{size(zip_path.name)}）]({zip_path.name}){{ download }}：datapackage.json、全部 CSV、字段说明和原始文本，"
        "可直接用 frictionless 校验。",
        f"- [Excel 工作簿（XLSX，{size(xlsx_path.name)}）]({xlsx_path.name}){{ download }}：每张表一个工作表，金额为数字，编码为文本。",
        f"- [数据包描述 datapackage.json（{size('datapackage.json')}）](datapackage.json){{ download }}",
    ]
    for res in pkg.resources.values():
        if not str(res.get("path", "")).startswith("source/"):
            continue
        sha = str(res.get("hash", "")).removeprefix("sha256:")
        out.append(
            f"- [原始公开文件（按收到时原样保存，{size(res['path'])}）]({res['path']}){{ download }}，"
            f"SHA-256：`{html.escape(sha)}`"
        )
    out += ["", provenance_md(pkg)]
    out += [
        "",
        "各表的 CSV 文件（UTF-8 编码，金额单位万元）与字段说明（Table Schema JSON）。用 Excel、WPS 等电子表格"
        "查看请下载上面的 XLSX 文件：电子表格直接打开 CSV 时，会把以 = + - @ 开头的文字当作公式执行，"
        "XLSX 中这些文字按原样显示。",
        "",
    ]
    rows = []
    for name, res in pkg.resources.items():
        if res.get("format") != "csv":
            continue
        n = len(pkg.rows(name))
        rows.append(
            [
                esc_cell(res.get("title") or name),
                f"[{name}.csv]({res['path']}){{ download }}（{size(res['path'])}）",
                f"[字段说明]({res['schema']}){{ download }}（{size(res['schema'])}）",
                str(n) if n else "公开为空",
            ]
        )
    out.append(md_table(["表", "CSV 文件", "字段说明", "行数"], rows))
    del slug
    return "\n".join(out)


def _is_url(value: object) -> bool:
    return isinstance(value, str) and re.match(r"https?://", value) is not None


def provenance_md(pkg: Package) -> str:
    """Where the data came from: each source's title, publication address and date, the name it was
    received under, and the registry's note (how a field was established when the text does not say)."""
    lines = ["**来源**", ""]
    notes: list[str] = []
    for src in pkg.desc.get("sources") or []:
        parts = [esc(src.get("title") or "")]
        url = src.get("path") if _is_url(src.get("path")) else src.get("x_source_url")
        if _is_url(url):
            parts.append(f'发布地址：<a href="{html.escape(url)}" rel="nofollow">{html.escape(url)}</a>')
        if src.get("x_published"):
            parts.append(f"发布日期：{esc(str(src['x_published']))}")
        if src.get("x_received_as"):
            parts.append(f"收到时的文件名：{esc(str(src['x_received_as']))}")
        lines.append("- " + "；".join(p for p in parts if p))
        if src.get("x_note") and src["x_note"] not in notes:
            notes.append(src["x_note"])
    lines += [f'\n<p class="provenance-note">说明：{esc(n)}</p>' for n in notes]
    return "\n".join(lines)


def _code_fields(pkg: Package, name: str) -> list[str]:
    """Text columns that look like numbers (codes with leading zeros): read them as text."""
    return [
        f["name"]
        for f in pkg.schema(name)["fields"]
        if f["type"] == "string"
        and (f["name"].endswith("code") or f["name"] in ("item_no", "year", "phone", "postcode"))
    ]


def snippets(pkg: Package) -> dict[str, str]:
    name = next((n for n in SNIPPET_RESOURCES if pkg.rows(n)), None) or next(
        n for n, r in pkg.resources.items() if r.get("format") == "csv"
    )
    path = pkg.resources[name]["path"]
    codes = _code_fields(pkg, name)
    amount = next((f["name"] for f in pkg.schema(name)["fields"] if f["type"] == "number"), None)
    py_dtype = ", ".join(f'"{c}": str' for c in codes)
    r_classes = ", ".join(f'{c} = "character"' for c in codes)
    pandas = (
        "import pandas as pd\n\n"
        "# 编码列按文本读入，保留前导零；金额单位为万元\n"
        f'table = pd.read_csv("{path}", dtype={{{py_dtype}}})\n'
        "print(table.head())\n"
        + (
            f'print(table.loc[table["row_type"] == "item", "{amount}"].sum())\n'
            if amount and "row_type" in [f["name"] for f in pkg.schema(name)["fields"]]
            else ""
        )
    )
    r_code = (
        "# 编码列按文本读入，保留前导零；金额单位为万元\n"
        f'table <- read.csv("{path}", fileEncoding = "UTF-8",\n'
        f"                  colClasses = c({r_classes}))\n"
        "print(head(table))\n"
    )
    frictionless = (
        "from frictionless import Package\n\n"
        'package = Package("datapackage.json")\n'
        "report = package.validate()\n"
        "print(report.valid)\n"
        f'print(package.get_resource("{name}").read_rows()[:3])\n'
    )
    return {"python": pandas, "r": r_code, "frictionless": frictionless}


def usage_md(pkg: Package, zip_name: str) -> str:
    code = snippets(pkg)
    return "\n".join(
        [
            f"下载并解压 [{zip_name}]({zip_name})，在解压出的文件夹中运行下面的代码。",
            "",
            "**pandas（Python）**",
            "",
            "```python",
            code["python"].rstrip(),
            "```",
            "",
            "**R**",
            "",
            "```r",
            code["r"].rstrip(),
            "```",
            "",
            "**frictionless（校验整个数据包）**",
            "",
            "```python",
            code["frictionless"].rstrip(),
            "```",
        ]
    )


def citation_md(pkg: Package, page_url: str) -> str:
    name = esc(pkg.desc.get("x_organisation") or pkg.desc["title"])
    year = esc(str(pkg.desc.get("fiscal_year") or ""))
    sha = html.escape((pkg.desc.get("sources") or [{}])[0].get("sha256", ""))
    version = esc(str(pkg.desc.get("version") or ""))
    return (
        f'<div class="citation" markdown="block">\n\n{name}. {year}年度部门预算（结构化数据）. {SITE_NAME}，'
        f"版本 {version}. {html.escape(page_url)} . 来源文本 SHA-256：{sha}\n\n</div>"
    )


def json_ld(pkg: Package, page_url: str, zip_name: str, xlsx_name: str) -> dict:
    desc = pkg.desc
    src = (desc.get("sources") or [{}])[0]
    dist = [
        {
            "@type": "DataDownload",
            "name": "数据包（ZIP）",
            "contentUrl": page_url + zip_name,
            "encodingFormat": "application/zip",
        },
        {
            "@type": "DataDownload",
            "name": "Excel 工作簿",
            "contentUrl": page_url + xlsx_name,
            "encodingFormat": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
        {
            "@type": "DataDownload",
            "name": "datapackage.json",
            "contentUrl": page_url + "datapackage.json",
            "encodingFormat": "application/json",
        },
    ]
    for name, res in pkg.resources.items():
        if res.get("format") == "csv":
            dist.append(
                {
                    "@type": "DataDownload",
                    "name": res.get("title") or name,
                    "contentUrl": page_url + res["path"],
                    "encodingFormat": "text/csv",
                }
            )
    place = "".join(
        dict.fromkeys(x for x in (desc.get("province"), desc.get("city"), desc.get("district")) if x)
    )
    org = {"@type": "GovernmentOrganization", "name": desc.get("x_organisation") or desc["title"]}
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": desc["title"],
        "description": desc.get("description") or desc["title"],
        "url": page_url,
        "identifier": desc["name"],
        "version": desc.get("version"),
        "inLanguage": "zh-CN",
        "keywords": desc.get("keywords", []),
        "license": (desc.get("licenses") or [{}])[0].get("path"),
        "temporalCoverage": str(desc.get("fiscal_year") or ""),
        "spatialCoverage": {"@type": "Place", "name": place, "identifier": desc.get("division_code")},
        "creator": org,
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "isBasedOn": {
            "@type": "CreativeWork",
            "name": src.get("title"),
            "url": src["path"] if _is_url(src.get("path")) else page_url + src.get("path", ""),
            "sha256": src.get("sha256"),
            "author": org,
        },
        "distribution": dist,
    }


# --- the page ---------------------------------------------------------------------------------------


def write(
    pkg_dir: Path,
    out_dir: Path,
    *,
    site_root_rel: str,
    site_url: str | None = None,
    years: list[tuple[int, str]] | None = None,
    in_search: bool = True,
) -> BodySummary:
    """Write the centre page and its files into `out_dir`; returns the body's summary for other pages.
    `years`: the body's (fiscal year, slug) of every year, when it has more than one (the year switcher).
    `in_search`: False leaves the page out of the site-wide search index (a large site lists each body
    once there, by its body page)."""
    pkg_dir, out_dir = Path(pkg_dir), Path(out_dir)
    pkg = Package(pkg_dir)
    desc = pkg.desc
    # The name becomes file names (<slug>.zip) and URLs: a package from elsewhere must not choose a path.
    slug = check_name(desc.get("name"), what="package name", file=pkg_dir / "datapackage.json")
    page = f"centres/{slug}/"
    page_url = (site_url or _site_url()).rstrip("/") + "/" + page
    org = desc.get("x_organisation") or desc["title"]
    short = desc.get("x_short_name") or org
    body = desc.get("x_body") or slug
    out_dir.mkdir(parents=True, exist_ok=True)
    zip_path, xlsx_path = copy_package(pkg, out_dir)
    h = headline(pkg)
    quality, _ = quality_md(pkg)
    place = " · ".join(
        esc(x)
        for x in dict.fromkeys(x for x in (desc.get("province"), desc.get("city"), desc.get("district")) if x)
    )
    md = [
        "---",
        # The theme prints front-matter titles into the header unescaped: escape them here.
        f"title: {json.dumps(html.escape(short + ' ' + str(desc.get('fiscal_year', '')) + '年部门预算'), ensure_ascii=False)}",
        f"description: {json.dumps(html.escape(org + '公开的部门预算：主要数字、图表、表格、数据质量核对和下载。'), ensure_ascii=False)}",
        # Rendered into <head> by site_src/overrides/main.html: a script inside the article would be
        # re-run as JavaScript by instant navigation.
        f"jsonld: {json.dumps(json_for_script(json_ld(pkg, page_url, zip_path.name, xlsx_path.name)))}",
        *([] if in_search else ["search:", "  exclude: true"]),
        "---",
        "",
        f"# {esc(short)} {esc(str(desc.get('fiscal_year', '')))}年部门预算",
        "",
        # Only the place goes into the search index (the title holds the name): every entry is paid for by
        # each reader who opens search.
        f'<p class="centre-meta"><span data-search-exclude>{esc(org)} · </span>{place}<span data-search-exclude>'
        f" · 行政区划代码 {esc(desc.get('division_code'))} · "
        f'<a href="{html.escape(site_root_rel)}bodies/{html.escape(body, quote=True)}/">本单位历年</a> · '
        f'<a href="{html.escape(site_root_rel)}">返回首页</a></span></p>',
        "",
        *(
            [
                switcher(
                    years, desc.get("fiscal_year"), site_root_rel, f"{site_root_rel}bodies/{body}/#history"
                ),
                "",
            ]
            if years and len(years) > 1
            else []
        ),
        # Only the name, place and project names go into the search index: every reader who searches loads
        # that index, so figures and tables (found on the page itself) would grow it by the whole site.
        "## 主要数字 { data-search-exclude }",
        "",
        headline_md(pkg, h),
        "",
        "## 图表 { data-search-exclude }",
        "",
        "金额单位在每张图的坐标轴上标明；点开“图表数据（文字版）”可看到图中的全部数字。",
        "",
        charts_md(pkg, out_dir, esc(short)),
        "",
        "## 主要表格 { data-search-exclude }",
        "",
        "点击表头可排序。金额单位为万元，按公开文本的位数发布；空白表示原表该格为空。",
        "",
        tables_md(pkg),
        "",
        "## 项目与绩效指标",
        "",
        performance_md(pkg),
        "",
        "## 数据质量核对 { data-search-exclude }",
        "",
        quality,
        "",
        "## 下载 { data-search-exclude }",
        "",
        downloads_md(pkg, out_dir, zip_path, xlsx_path),
        "",
        "## 引用 { data-search-exclude }",
        "",
        citation_md(pkg, page_url),
        "",
        "## 用代码读取数据 { data-search-exclude }",
        "",
        usage_md(pkg, zip_path.name),
        "",
    ]
    site_assets.write_if_changed(out_dir / "index.md", "\n".join(md))
    return summarise(pkg)
