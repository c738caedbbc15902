"""The whole generated site in real headless Chromium: the real `python -m scripts site` on the committed
packages, a real `mkdocs build --strict`, served on 127.0.0.1 (one build for the module)."""

from __future__ import annotations

import csv
import json
import re
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from browser import open_page, serve_site
from site_project import ROOT, make_project, mkdocs_build, run_site

PACKAGES = ROOT / "datapackages"
DOWNLOAD_SUFFIXES = (".zip", ".csv", ".json", ".xlsx", ".txt", ".svg")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    base = tmp_path_factory.mktemp("sitebrowser")
    site_dir = base / "proj" / "site"
    report = base / "report.json"
    report.write_text(
        json.dumps(
            [
                {
                    "slug": p.name,
                    "name": p.name,
                    "file": f"{p.name}.txt",
                    "status": "ok",
                    "messages": [],
                    "tables": 1,
                }
                for p in sorted(PACKAGES.iterdir())
            ]
        ),
        encoding="utf-8",
    )
    # Served first, then built with site_url = this address: instant navigation matches sitemap URLs.
    with serve_site(site_dir) as url:
        proj = make_project(base, url)
        done = run_site(proj, PACKAGES, report)
        assert done.returncode == 0, done.stderr
        done = mkdocs_build(proj)
        assert done.returncode == 0, done.stderr
        yield site_dir, url


def sitemap_pages(site_dir: Path, base: str) -> list[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ElementTree.parse(site_dir / "sitemap.xml")
    return [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns) if loc.text.startswith(base)]


def wait_for_charts(page) -> int:
    charts = page.locator("div.chart[data-spec]")
    n = charts.count()
    if n:
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.chart[data-spec]')]"
            ".every(c => c.dataset.chartState === 'ready' || c.dataset.chartState === 'failed')",
            timeout=30_000,
        )
    return n


def test_every_page_loads_renders_charts_and_stays_local(served, chromium_path, chromium_args) -> None:
    site_dir, base = served
    pages = sitemap_pages(site_dir, base)
    slugs = sorted(p.name for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file())
    # The sitemap lists every centre page (they are not in the nav).
    for slug in slugs:
        assert f"{base}centres/{slug}/" in pages
    downloads: set[str] = set()
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        for url in pages:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            # Let the search worker finish loading before the next page: leaving while it loads aborts it
            # (net::ERR_ABORTED), which says nothing about the site (more pages since the body pages).
            page.wait_for_load_state("networkidle")
            n = wait_for_charts(page)
            for i in range(n):
                chart = page.locator("div.chart[data-spec]").nth(i)
                assert chart.get_attribute("data-chart-state") == "ready", (url, i)
                assert chart.locator(".chart-view svg, .chart-view canvas").count() >= 1, (url, i)
            for href in page.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)"):
                if href.split("#")[0].endswith(DOWNLOAD_SUFFIXES):
                    downloads.add(href.split("#")[0])
            assert page.locator("html[lang=zh]").count() == 1
        assert session.console_errors == []
        assert session.failed_requests == []
    assert session.external_requests == []
    # Downloads: every link answers 200 from the local server.
    assert any(d.endswith("all-centres.zip") for d in downloads)
    for href in sorted(downloads):
        assert href.startswith(base), href
        with urllib.request.urlopen(href, timeout=10) as resp:
            assert resp.status == 200, href


def test_all_centre_zip_validates_with_frictionless(served, tmp_path: Path) -> None:
    from frictionless import validate

    _site_dir, base = served
    target = tmp_path / "all-centres.zip"
    with urllib.request.urlopen(base + "generated/all-centres.zip", timeout=10) as resp:
        target.write_bytes(resp.read())
    with zipfile.ZipFile(target) as zf:
        zf.extractall(tmp_path / "pkg")
    report = validate(tmp_path / "pkg" / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "message"])[:5]
    desc = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    centres = {
        line.split(",")[0]
        for line in (tmp_path / "pkg" / "data" / "quality_report.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    }
    assert centres == {p.name for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file()}
    assert desc["resources"]


def test_chinese_search_finds_centres(served, chromium_path, chromium_args) -> None:
    site_dir, base = served
    word = "热线"
    # Centres whose page text mentions the word (from the built search index, not a fixed list).
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    expected = sorted(
        {
            doc["location"].split("/")[1]
            for doc in index["docs"]
            if doc["location"].startswith("centres/") and word in doc["text"].replace("\u200b", "")
        }
    )
    assert expected, "no centre page mentions the search word"
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(base)
        page.click("input.md-search__input")
        page.keyboard.type(word)
        page.keyboard.press("End")  # material searches on keyup; Chinese arrives as insertText
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
        found = {m.group(1) for href in links if (m := re.search(r"/centres/([^/]+)/", href))}
        assert found & set(expected), (found, expected)
        # Every hit is a real centre page, and one whose indexed text holds the word.
        assert found <= set(expected), f"hits without {word}: {sorted(found - set(expected))}"
        assert all((site_dir / "centres" / slug / "index.html").is_file() for slug in found)
        assert session.console_errors == []
    assert session.external_requests == []


def test_instant_navigation_home_to_centre_renders_charts(served, chromium_path, chromium_args) -> None:
    _site_dir, base = served
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(base)
        assert wait_for_charts(page) >= 1
        page.evaluate("window.__instantMarker = 7")
        first = page.locator("article table a[href*='centres/']").first
        href = first.get_attribute("href")
        first.click()
        page.wait_for_url(re.compile(r".*/centres/[^/]+/(#.*)?$"))
        # The URL can change before the new content is swapped in: wait for the centre page itself.
        page.wait_for_selector("p.centre-meta", timeout=30_000)
        page.wait_for_selector("div.chart[data-spec]", timeout=15_000)
        n = wait_for_charts(page)
        assert n >= 1
        assert page.locator("div.chart[data-chart-state=ready] .chart-view svg").count() == n
        assert page.evaluate("window.__instantMarker") == 7, "navigation was not instant"
        assert href and "centres/" in href
        assert session.console_errors == []
    assert session.external_requests == []


def test_chart_tooltip_shows_chinese_label_and_value(served, chromium_path, chromium_args) -> None:
    """Hovering a bar shows Vega's native tooltip (the view's title) with the Chinese field names."""
    _site_dir, base = served
    slug = sorted(p.name for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file())[0]
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(f"{base}centres/{slug}/")
        wait_for_charts(page)
        figure = page.locator("figure.chart-figure", has=page.locator(".chart[data-chart-state=ready]")).first
        figure.locator(".chart-view svg [aria-roledescription=bar]").first.hover()
        view = figure.locator(".chart-view")
        page.wait_for_function("el => el.getAttribute('title')", arg=view.element_handle(), timeout=5_000)
        tip = view.get_attribute("title")
        assert re.search(r"^金额（(万|亿)元）: [\d,.]+$", tip, re.M), tip
        label_line = next(line for line in tip.splitlines() if not line.startswith("金额"))
        assert re.search(r"[\u4e00-\u9fff]", label_line), tip
        assert session.console_errors == []
    assert session.external_requests == []


def _numbers(texts: list[str]) -> list[float]:
    return [float(t.replace(",", "")) for t in texts if t.strip() not in ("", "—")]


def test_home_and_compare_tables_sort(served, chromium_path, chromium_args) -> None:
    _site_dir, base = served
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        for path, header in (("", "支出合计（万元）"), ("compare/", "支出合计（万元）")):
            page.goto(base + path)
            table = page.locator("article table", has=page.locator("th", has_text=header)).first
            col = table.locator("th").all_inner_texts().index(header) + 1
            th = table.locator("th", has_text=header).first
            th.click()
            first = table.locator(f"tbody tr td:nth-child({col})").all_inner_texts()
            th.click()
            second = table.locator(f"tbody tr td:nth-child({col})").all_inner_texts()
            values = _numbers(first)
            assert len(values) >= 2 and values in (sorted(values), sorted(values, reverse=True))
            assert second == list(reversed(first)) and first != second
        assert session.console_errors == []
    assert session.external_requests == []


# --- a body across the years ----------------------------------------------------------------------


def test_three_year_body_switcher_history_charts_and_year_switch(
    served, chromium_path, chromium_args
) -> None:
    _, base = served
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        assert page.goto(base + "bodies/320000-npc-office/").status == 200
        switcher = page.locator("nav.year-switcher a[href*='centres/']")
        assert switcher.all_inner_texts() == ["2017年", "2018年", "2019年"]
        assert page.locator("nav.year-switcher a[aria-current=page]").inner_text() == "2019年"
        # the four history charts draw as SVG
        assert wait_for_charts(page) == 4
        for name in ("history-total", "history-split", "history-fiscal", "history-classes"):
            chart = page.locator(f"#chart-{name} div.chart[data-spec]")
            assert chart.get_attribute("data-chart-state") == "ready", name
            assert chart.locator(".chart-view svg").count() == 1, name
        assert "18,330.37 万元" in page.locator("article").inner_text()
        assert "+2,248.37" in page.locator("article").inner_text()  # year-over-year: 2018 支出合计
        # switching year changes the figures
        page.locator("nav.year-switcher a", has_text="2018年").click()
        page.wait_for_url("**/centres/320000-npc-office-2018/")
        page.locator("article h1", has_text="2018年").wait_for()  # instant navigation swaps the content
        text = page.locator("article").inner_text()
        assert "15,897.44 万元" in text and "18,330.37" not in text.split("主要表格")[0]
        assert page.locator("nav.year-switcher a[aria-current=page]").inner_text() == "2018年"
        page.locator("nav.year-switcher a", has_text="2017年").click()
        page.wait_for_url("**/centres/320000-npc-office-2017/")
        page.locator("article h1", has_text="2017年").wait_for()
        assert "13,649.07 万元" in page.locator("article").inner_text()
        # the per-year body URL sends the reader to the year page; the old URLs still answer
        page.goto(base + "bodies/320000-npc-office/2018/")
        page.wait_for_url("**/centres/320000-npc-office-2018/")
        assert page.locator("link[rel=canonical]").count() >= 1
        for slug in ("320000-npc-office-2017", "320000-cppcc-office-2019", "110101-dongcheng-2026"):
            assert page.goto(f"{base}centres/{slug}/").status == 200
        assert session.console_errors == []
    assert session.external_requests == []


def test_one_year_body_shows_no_empty_history(served, chromium_path, chromium_args) -> None:
    site_dir, base = served
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        assert page.goto(base + "bodies/110101-dongcheng/").status == 200
        assert page.locator("nav.year-switcher").count() == 0
        assert page.locator("#history").count() == 0
        assert page.locator("div.chart[data-spec]").count() == 0
        assert "历年变化" not in page.locator("article").inner_text()
        page.goto(base + "centres/110101-dongcheng-2026/")
        assert page.locator("nav.year-switcher").count() == 0
    assert (site_dir / "bodies" / "110101-dongcheng" / "110101-dongcheng-all-years.zip").is_file()


def test_compare_page_lets_the_reader_pick_the_year(served, chromium_path, chromium_args) -> None:
    _, base = served
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(base + "compare/")
        page.locator("article a", has_text="2018年").first.click()
        page.wait_for_url("**/compare/2018/")
        page.locator("article h1", has_text="2018年").wait_for()  # instant navigation swaps the content
        wait_for_charts(page)
        text = page.locator("article").inner_text()
        assert "省人大常委会办公厅" in text and "东城区" not in text
        assert session.console_errors == []


def test_long_dataset_and_body_zip_validate_with_frictionless(served, tmp_path: Path) -> None:
    from frictionless import Package

    site_dir, _ = served
    report = Package(str(site_dir / "generated" / "long" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    with (site_dir / "generated" / "long" / "budget-long.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["body"] for r in rows} >= {"320000-npc-office", "320000-cppcc-office", "110101-dongcheng"}
    assert {r["fiscal_year"] for r in rows if r["body"] == "320000-npc-office"} == {"2017", "2018", "2019"}
    total = next(
        r
        for r in rows
        if r["slug"] == "320000-npc-office-2018"
        and r["table"] == "budget_summary"
        and r["code"] == "current_total"
    )
    assert total["amount"] == "15897.44" and total["source_page"] and total["source_file"].endswith(".pdf")
    with zipfile.ZipFile(site_dir / "bodies" / "320000-npc-office" / "320000-npc-office-all-years.zip") as zf:
        zf.extractall(tmp_path)
        names = zf.namelist()
    for year in (2017, 2018, 2019):
        assert f"320000-npc-office-{year}/datapackage.json" in names
    assert Package(str(tmp_path / "datapackage.json")).validate().valid
    assert Package(str(tmp_path / "320000-npc-office-2019" / "datapackage.json")).validate().valid


# Sections a centre page keeps out of the search index (scripts/site/body_page.py): every reader who
# searches loads the index, so figures and tables would grow it by the size of the whole site.
EXCLUDED_HEADINGS = ["主要数字", "图表", "主要表格", "数据质量核对", "下载", "引用", "用代码读取数据"]


def test_search_index_keeps_out_what_is_excluded(served) -> None:
    site_dir, _base = served
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = [d["location"] for d in docs]
    # Whole pages excluded by front matter: the catalog, the comparison, the region indexes.
    for page in ("catalog/", "compare/"):
        assert (site_dir / page / "index.html").is_file(), page
        assert not any(loc.split("#")[0] == page for loc in locations), page
    assert (site_dir / "regions").is_dir() and not any(loc.startswith("regions/") for loc in locations)
    centres = sorted(p.name for p in (site_dir / "centres").iterdir() if (p / "index.html").is_file())
    assert centres
    for slug in centres:
        mine = [d for d in docs if d["location"].startswith(f"centres/{slug}/")]
        # The page itself is found (its name and place, the projects)...
        assert any(d["location"] == f"centres/{slug}/" for d in mine), slug
        titles = {d["title"].replace("\u200b", "") for d in mine}
        # ...but none of the excluded sections, nor their content (code, figures).
        assert not titles & set(EXCLUDED_HEADINGS), (slug, titles & set(EXCLUDED_HEADINGS))
        text = "".join(d["text"] for d in mine).replace("\u200b", "")
        assert "read_csv" not in text and "import pandas" not in text, slug
        assert "本年支出合计" not in text, slug  # the headline figures
        # The line under the title gives only the place: the name is the title, the code and links are noise.
        assert "行政区划代码" not in text and "返回首页" not in text, slug
    # Written in UTF-8, not as \\u escapes (six bytes a character).
    raw = (site_dir / "search" / "search_index.json").read_bytes()
    docs_part = raw[raw.index(b'"docs":') :]
    assert "部门".encode() in docs_part and b"\\u" not in docs_part


def test_search_index_is_fetched_when_search_opens(served, chromium_path, chromium_args) -> None:
    site_dir, base = served
    slug = sorted(p.name for p in (site_dir / "centres").iterdir() if (p / "index.html").is_file())[0]
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        asked: list[str] = []
        page.on("request", lambda r: r.url.endswith("search/search_index.json") and asked.append(r.url))
        page.goto(f"{base}centres/{slug}/")
        page.wait_for_load_state("networkidle")
        # Instant navigation to another page: still no index.
        page.click("a.md-header__button.md-logo")
        page.wait_for_url(base, timeout=15_000)
        page.wait_for_load_state("networkidle")
        assert asked == []
        page.click("input.md-search__input")
        page.keyboard.type("热线")
        page.keyboard.press("End")  # material searches on keyup; Chinese arrives as insertText
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert asked == [f"{base}search/search_index.json"]
        assert session.console_errors == [] and session.failed_requests == []
