"""Site infrastructure: a real strict MkDocs build of the real config, checked in real headless Chromium.

Each build uses a temporary copy of mkdocs.yml and the hand-written pages in site_src/, plus pages that
this test writes itself (charts made through scripts.site.assets from a tiny CSV made here).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import altair as alt
import pytest
import yaml
from browser import open_page, serve_site

from scripts.site import assets as site_assets

ROOT = Path(__file__).resolve().parent.parent

SPENDING_CSV = "item,amount\n一般公共服务支出,120.50\n教育支出,30.25\n城乡社区支出,5372.82\n"
FIGURES = {
    "title": "支出结构",
    "bars": [(item, Decimal(v)) for item, v in (("城乡社区支出", "5372.82"), ("一般公共服务支出", "120.50"))],
    "unit": "万元",
}
TABLE_MD = "| 科目 | 金额（万元） |\n|---|---:|\n| 一般公共服务支出 | 120.50 |\n| 教育支出 | 30.25 |\n| 城乡社区支出 | 5372.82 |"


def _load_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def make_project(base: Path, config_changes: dict | None = None) -> Path:
    """Temp project: real config and pages (generated from the committed packages by the real
    orchestrator), plus room for this module's trial pages under /trial/."""
    from site_project import make_project as make_site_project

    from scripts import site

    proj = make_site_project(base)
    config = yaml.safe_load((proj / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(config_changes or {})
    config["not_in_nav"] = config.get("not_in_nav", "") + "/trial/\n"
    (proj / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site.generate(ROOT / "datapackages", proj / "site_src", base / "no-report.json")
    return proj


def mkdocs_build(proj: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(proj / "mkdocs.yml")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, cwd=proj, capture_output=True, text=True, env=env, timeout=300, check=False)


def bar_spec(data_url: str) -> dict:
    data = alt.Data(url=data_url, format=alt.DataFormat(type="csv"))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(x=alt.X("amount:Q", title="金额（万元）"), y=alt.Y("item:N", title="科目", sort="-x"))
    )
    return chart.properties(width=400, title="支出结构").to_dict()


def arc_spec(data_url: str) -> dict:
    data = alt.Data(url=data_url, format=alt.DataFormat(type="csv"))
    chart = alt.Chart(data).mark_arc().encode(theta="amount:Q", color=alt.Color("item:N", title="科目"))
    return chart.properties(title="支出占比").to_dict()


def write_chart_pages(docs: Path) -> None:
    """Two pages with one chart each (data from one shared CSV) and a sortable table."""
    trial = docs / "trial"
    (trial / "data").mkdir(parents=True)
    (trial / "data" / "spending.csv").write_text(SPENDING_CSV, encoding="utf-8")
    for name, spec, other in (("a", bar_spec, "b"), ("b", arc_spec, "a")):
        site_assets.write_chart(spec("../data/spending.csv"), trial / "charts", name, figures=FIGURES)
        paths = {"spec": f"charts/{name}.vl.json", "svg": f"charts/{name}.svg", "data": "data/spending.csv"}
        block = site_assets.chart_html(name, paths, TABLE_MD, title=f"图表{name}", alt="支出结构图")
        page = f"# 图表页{name}\n\n{block}\n\n## 明细表\n\n{TABLE_MD}\n\n[下一页]({other}.md){{ #next }}\n"
        (trial / f"{name}.md").write_text(page, encoding="utf-8")


@pytest.fixture(scope="module")
def served_site(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """(site dir, base URL). Served first, then built with site_url = the served address: material's
    instant navigation only intercepts links to URLs in sitemap.xml, matched with the port included."""
    site_dir = tmp_path_factory.mktemp("site") / "proj" / "site"
    with serve_site(site_dir) as base:
        proj = make_project(site_dir.parent.parent, {"site_url": base})
        write_chart_pages(proj / "site_src")
        done = mkdocs_build(proj)
        assert done.returncode == 0, done.stderr
        yield site_dir, base


@pytest.fixture(scope="module")
def built_site(served_site) -> Path:
    return served_site[0]


def test_strict_build_writes_chinese_site_with_sitemap_and_vendor_scripts(built_site: Path) -> None:
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in index
    assert "预算公开·开放数据" in index
    assert "/trial/a/</loc>" in (built_site / "sitemap.xml").read_text(encoding="utf-8")
    vendor = built_site / "assets" / "vendor"
    for rel in site_assets.TABLESORT_FILES:
        assert (vendor / rel).stat().st_size > 0
    versions = json.loads((vendor / "VERSIONS.json").read_text(encoding="utf-8"))
    assert versions["vega"].split(".")[0] == "6"
    assert versions["vega-lite"] == site_assets.VEGALITE_VERSION  # compiler only, not shipped
    # Only the Vega runtime reaches the browser: charts are compiled to Vega at build time.
    vega_js = (vendor / "vega.min.js").read_text(encoding="utf-8")
    assert f'"{versions["vega"]}"' in vega_js
    assert not (vendor / "vega-bundle.js").exists()
    for name in ("a", "b"):
        compiled = json.loads(
            (built_site / "trial" / "charts" / f"{name}.vg.json").read_text(encoding="utf-8")
        )
        assert compiled["$schema"] == "https://vega.github.io/schema/vega/v6.json"
        assert compiled["data"][0]["url"] == "../data/spending.csv"
    # No script or stylesheet is loaded from another host.
    assert not re.search(r'<script[^>]+src="https?://', index)
    assert not re.search(r'<link[^>]+rel="(stylesheet|preload|modulepreload)"[^>]+href="https?://', index)


def test_chart_spec_url_is_rewritten_to_site_root(built_site: Path) -> None:
    page = (built_site / "trial" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'data-spec="/trial/charts/a.vg.json"' in page
    assert 'href="../charts/a.vl.json"' in page  # the Vega-Lite source, offered for reuse
    assert '<img alt="支出结构图" class="chart-fallback" src="../charts/a.svg"' in page
    assert 'href="../data/spending.csv"' in page


def test_search_index_segments_chinese_with_jieba(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b" in text, "Chinese text was not segmented (is jieba installed?)"
    assert re.search(index["config"]["separator"], "数据\u200b下载")


def test_search_index_is_rewritten_in_utf8_and_never_through_a_link(tmp_path: Path) -> None:
    from scripts.owned import OutputError
    from scripts.site import search_index

    index = {"config": {"separator": "[\\s\\u200b]+"}, "docs": [{"location": "", "title": "数据\u200b下载"}]}
    path = tmp_path / "site" / search_index.PATH
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")  # as the plugin writes it
    assert search_index.rewrite(tmp_path / "site")
    raw = path.read_bytes()
    assert json.loads(raw) == index and "数据\u200b下载".encode() in raw
    assert len(raw) < len(json.dumps(index, separators=(",", ":")))
    assert not search_index.rewrite(tmp_path / "site")  # already UTF-8: nothing written
    assert not search_index.rewrite(tmp_path / "nothing")  # search off: no index

    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps(index), encoding="utf-8")
    path.unlink()
    path.symlink_to(elsewhere)
    with pytest.raises(OutputError):
        search_index.rewrite(tmp_path / "site")
    assert elsewhere.read_text(encoding="utf-8") == json.dumps(index)


def test_a_streamed_site_file_never_replaces_another_s(tmp_path: Path) -> None:
    """The site-wide downloads are streamed (content not known before): an existing file the site did not
    write is refused whatever it holds; one it wrote is replaced."""
    root = tmp_path / "docs"
    (root / "generated").mkdir(parents=True)
    theirs = root / "generated" / "all-centres.zip"
    theirs.write_bytes(b"theirs")
    record: set[str] = set()
    with site_assets.guard(root, set(), record):
        with pytest.raises(site_assets.UnsafeWriteError, match="not written by"):
            site_assets.write_with_if_changed(theirs, lambda fh: fh.write(b"theirs"))
        assert site_assets.write_with_if_changed(root / "generated" / "new.zip", lambda fh: fh.write(b"ours"))
    assert theirs.read_bytes() == b"theirs" and record == {"generated/new.zip"}
    with site_assets.guard(root, {"generated/all-centres.zip"}, record):
        assert site_assets.write_with_if_changed(theirs, lambda fh: fh.write(b"ours"))
    assert theirs.read_bytes() == b"ours" and record == {"generated/new.zip", "generated/all-centres.zip"}


def test_static_svg_fallback_is_rendered_at_build_time(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(SPENDING_CSV, encoding="utf-8")
    json_path, svg_path = site_assets.write_chart(
        bar_spec("../d.csv"), tmp_path / "charts", "x", figures=FIGURES
    )
    svg = svg_path.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "城乡社区支出" in svg
    # The written spec still points at the CSV (not inlined), so the data exists once.
    assert json.loads(json_path.read_text(encoding="utf-8"))["data"]["url"] == "../d.csv"
    compiled = json.loads(site_assets.vega_path(json_path).read_text(encoding="utf-8"))
    assert compiled["data"][0]["url"] == "../d.csv"
    assert "values" not in compiled["data"][0]


def test_external_chart_data_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(site_assets.ChartError):
        site_assets.write_chart(bar_spec("https://example.org/d.csv"), tmp_path, "x", figures=FIGURES)


def test_vegalite_version_matches_altair() -> None:
    import vl_convert as vlc

    assert alt.SCHEMA_VERSION.startswith(f"v{site_assets.VEGALITE_VERSION}.")
    # The build-time compiler has that Vega-Lite and emits Vega 6 (the runtime the pages load).
    assert site_assets.VEGALITE_VERSION in vlc.get_vegalite_versions()
    compiled = site_assets.compile_vega(bar_spec("d.csv"))
    assert compiled["$schema"] == "https://vega.github.io/schema/vega/v6.json"
    assert site_assets.NPM_PACKAGES["vega"].split(".")[0] == "6"


def test_charts_render_and_survive_instant_navigation(served_site, chromium_path, chromium_args) -> None:
    base = served_site[1]
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(base + "trial/a/")
        page.wait_for_selector("#chart-a .chart[data-chart-state=ready] .chart-view svg", timeout=20_000)
        assert page.locator("#chart-a .chart-fallback").count() == 0

        # A full page load would drop this marker; instant navigation keeps it.
        page.evaluate("window.__instantMarker = 42")
        page.click("a#next")
        # navigation.tracking may append the first heading's anchor.
        page.wait_for_url(re.compile(re.escape(base + "trial/b/") + "(#.*)?$"))
        page.wait_for_selector("#chart-b .chart[data-chart-state=ready] .chart-view svg", timeout=20_000)
        assert page.evaluate("window.__instantMarker") == 42
        # The arc chart has one slice per CSV row: the data URL resolved after navigation.
        assert page.locator("#chart-b .chart-view path[aria-roledescription='arc mark']").count() == 3

        assert session.console_errors == []
        assert session.failed_requests == []
    assert session.external_requests == []


def test_tables_sort_by_number(served_site, chromium_path, chromium_args) -> None:
    base = served_site[1]
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(base + "trial/a/")
        table = page.locator("article table:not([class])").last
        header = table.locator("th", has_text="金额")
        header.click()
        first = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
        header.click()
        second = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
        numbers = [float(x) for x in first]
        assert numbers in (sorted(numbers), sorted(numbers, reverse=True))
        assert second == list(reversed(first)) and first != second
        assert session.console_errors == []
    assert session.external_requests == []


def test_chinese_search_finds_pages(served_site, chromium_path, chromium_args) -> None:
    base = served_site[1]
    with open_page(chromium_path, chromium_args) as session:
        page = session.page
        page.goto(base)
        assert page.get_attribute("input.md-search__input", "placeholder") == "搜索"
        page.click("input.md-search__input")
        page.keyboard.type("来源")
        # Chinese text arrives as insertText without key events; material searches on keyup.
        page.keyboard.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert "数据从哪里来" in page.inner_text(".md-search-result").replace("\u200b", "")
        assert session.console_errors == []
    assert session.external_requests == []


def test_strict_build_fails_on_external_script(tmp_path: Path) -> None:
    scripts = [*_load_config()["extra_javascript"], "https://cdn.jsdelivr.net/npm/left-pad@1.3.0/index.js"]
    proj = make_project(tmp_path, {"extra_javascript": scripts})
    done = mkdocs_build(proj)
    assert done.returncode != 0
    assert "External file: https://cdn.jsdelivr.net/npm/left-pad" in done.stderr


def test_build_fails_on_missing_chart_spec(tmp_path: Path) -> None:
    proj = make_project(tmp_path)
    (proj / "site_src" / "lost.md").write_text(
        '# 缺图\n\n<div class="chart" data-spec="charts/none.vl.json"></div>\n', encoding="utf-8"
    )
    done = mkdocs_build(proj)
    assert done.returncode != 0
    assert "charts/none.vl.json" in done.stderr
