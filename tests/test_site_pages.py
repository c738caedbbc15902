"""Site-wide pages: the real `python -m scripts site` and a real `mkdocs build --strict`, on copies of the
committed packages plus one package with hostile text and one broken package."""

from __future__ import annotations

import csv
import html
import itertools
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_project import ROOT, make_project, mkdocs_build, run_site

PACKAGES = ROOT / "datapackages"
EVIL = "恶意<script>alert(1)</script>](javascript:alert(2))|**粗**中心"
EVIL_SLUG = "110199-evil-2026"
BROKEN_SLUG = "110198-broken-2026"


def real_slugs() -> list[str]:
    return sorted(p.name for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file())


def hostile_package(dest: Path) -> None:
    """A copy of a real package whose name and glossary carry Markdown/HTML syntax."""
    source = next(PACKAGES / s for s in real_slugs() if _rows(PACKAGES / s / "data" / "glossary.csv"))
    shutil.copytree(source, dest)
    desc = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    desc.update(name=EVIL_SLUG, x_short_name=EVIL, x_organisation=EVIL, title=EVIL)
    (dest / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")
    rows = _rows(dest / "data" / "glossary.csv")
    rows[0]["definition"] = "<p>第一段</p><script>alert(3)</script>[点我](javascript:alert(4)) | 竖线"
    with (dest / "data" / "glossary.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("sitepages")
    packages = base / "packages"
    for slug in real_slugs():
        shutil.copytree(PACKAGES / slug, packages / slug)
    hostile_package(packages / EVIL_SLUG)
    (packages / BROKEN_SLUG).mkdir()
    (packages / BROKEN_SLUG / "datapackage.json").write_text("{不是 JSON", encoding="utf-8")
    report = base / "report.json"
    entries = [
        {"slug": s, "name": s, "file": f"2026/{s}.txt", "status": "ok", "messages": [], "tables": 12}
        for s in real_slugs()
    ]
    entries.append(
        {
            "slug": "x-failed",
            "name": "某失败中心",
            "file": "2026/x-failed.txt",
            "status": "failed",
            "messages": ["第 12 行：找不到收支总表 <script>alert(5)</script>"],
            "tables": 0,
        }
    )
    report.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    proj = make_project(base)
    first = run_site(proj, packages, report)
    # The broken package gets no page: `site` says which and why, after writing every other page.
    assert first.returncode == 1, first.stderr
    assert f"FAILED {BROKEN_SLUG}" in first.stderr and "JSONDecodeError" in first.stderr
    snapshot = {p: p.read_bytes() for p in (proj / "site_src").rglob("*") if p.is_file()}
    second = run_site(proj, packages, report)
    done = mkdocs_build(proj)
    assert done.returncode == 0, done.stderr
    return {
        "proj": proj,
        "site": proj / "site",
        "src": proj / "site_src",
        "packages": packages,
        "first": first,
        "second": second,
        "snapshot": snapshot,
    }


class Elements(HTMLParser):
    """Script bodies, link targets and bold text as a browser would parse them (attributes stay text)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.json_ld: list[str] = []  # data, not code: checked to parse and to hold no markup
        self.hrefs: list[str] = []
        self.strong = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = "json_ld"
        elif tag in ("script", "strong"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "json_ld":
            self.json_ld.append(data)
        elif self._in == "strong":
            self.strong += data


def pages_html(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_generator_is_deterministic_and_writes_nothing_the_second_time(built) -> None:
    assert "0 files changed" in built["second"].stderr, built["second"].stderr
    for path, content in built["snapshot"].items():
        assert path.read_bytes() == content, path


def test_nav_is_short_and_centres_are_reached_through_regions(built) -> None:
    site = built["site"]
    index = (site / "index.html").read_text(encoding="utf-8")
    nav = index.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    # Page links only (the current page's table of contents is also in the nav, as #anchors).
    links = re.findall(
        r'<a href="([^"#][^"]*)" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]+?)\s*<', nav
    )
    titles = [t for _h, t in links]
    assert titles == ["首页", "中心目录", "比较", "术语", "方法说明", "构建报告"], titles
    assert "centres/" not in nav and "regions/" not in nav
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for slug in real_slugs():
        assert f"/centres/{slug}/</loc>" in sitemap
        desc = json.loads((PACKAGES / slug / "datapackage.json").read_text(encoding="utf-8"))
        city_page = site / "regions" / desc["province"] / (desc["city"] or desc["province"]) / "index.html"
        assert f"centres/{slug}/" in city_page.read_text(encoding="utf-8")


def test_centres_csv_keeps_exact_published_figures(built) -> None:
    rows = {r["slug"]: r for r in _rows(built["src"] / "generated" / "centres.csv")}
    for slug in real_slugs():
        total = next(
            r for r in _rows(PACKAGES / slug / "data" / "expenditure_summary.csv") if r["row_type"] == "total"
        )
        assert rows[slug]["total"] == total["total"], slug
        quality = _rows(PACKAGES / slug / "data" / "quality_report.csv")
        assert int(rows[slug]["checks_fail"]) == sum(r["status"] == "fail" for r in quality)
    home = (built["site"] / "index.html").read_text(encoding="utf-8")
    assert 'id="chart-home-split"' in home and "generated/centres.csv" in home


def test_hostile_text_stays_inert_on_every_page(built) -> None:
    for name, text in pages_html(built["site"]).items():
        found = Elements()
        found.feed(text)
        assert not [s for s in found.scripts if "alert" in s], name
        for block in found.json_ld:
            assert "<" not in block and isinstance(json.loads(block), dict), name
        assert not [h for h in found.hrefs if h.strip().lower().startswith("javascript:")], name
        assert "粗" not in found.strong, name
    glossary = (built["site"] / "glossary" / "index.html").read_text(encoding="utf-8")
    # Shown as text (the entities decode to the published characters), never parsed as an element above.
    assert "第一段" in glossary and "<script>alert(3)</script>" in html.unescape(glossary)


def test_glossary_merges_terms_and_keeps_differing_definitions(built) -> None:
    glossary = (built["src"] / "glossary.md").read_text(encoding="utf-8")
    source = next(s for s in real_slugs() if _rows(PACKAGES / s / "data" / "glossary.csv"))
    first_term = _rows(PACKAGES / source / "data" / "glossary.csv")[0]["term"]
    section = glossary.split(f"## {first_term}\n", 1)[1].split("\n## ", 1)[0]
    # The hostile copy redefines the first term: both definitions, each with its own centre.
    assert "解释1" in section and "解释2" in section
    assert f"centres/{source}/index.md" in section and f"centres/{EVIL_SLUG}/index.md" in section
    # A term defined identically by two centres appears once.
    second_term = _rows(PACKAGES / source / "data" / "glossary.csv")[1]["term"]
    assert glossary.count(f"## {second_term}\n") == 1


def test_broken_package_and_failed_disclosure_show_on_the_report_page(built) -> None:
    report = (built["site"] / "report" / "index.html").read_text(encoding="utf-8")
    assert BROKEN_SLUG in report and "未能生成页面" in report
    assert "某失败中心" in report and "失败" in report and "找不到收支总表" in report
    assert not (built["src"] / "centres" / BROKEN_SLUG).exists()
    assert f"{BROKEN_SLUG}" in built["first"].stderr


def test_combined_package_is_in_the_site(built) -> None:
    from frictionless import validate

    pkg = built["src"] / "generated" / "all-centres" / "datapackage.json"
    report = validate(pkg)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "message"])[:5]
    catalog = (built["site"] / "catalog" / "index.html").read_text(encoding="utf-8")
    assert "all-centres.zip" in catalog


@pytest.mark.parametrize(
    ("zip_name", "folder"), [("all-centres.zip", "all-centres"), ("budget-long.zip", "long")]
)
def test_site_wide_zips_hold_the_files_beside_them(built, zip_name, folder) -> None:
    """The site-wide zips are assembled from each package's deflated rows (downloads.write_zip): a
    standard reader must find every file of the folder beside it, byte for byte, and nothing else."""
    import zipfile

    generated = built["site"] / "generated"
    with zipfile.ZipFile(generated / zip_name) as zf:
        assert zf.testzip() is None
        inside = {info.filename: zf.read(info) for info in zf.infolist()}
    beside = {
        p.relative_to(generated / folder).as_posix(): p.read_bytes()
        for p in (generated / folder).rglob("*")
        if p.is_file()
    }
    assert inside == beside and len(inside) > 1


def test_site_wide_zip_is_any_split_of_the_bytes() -> None:
    import io
    import zipfile

    from scripts.site import downloads

    data = "".join(f"{i},行{i % 7},{'数' * (i % 13)}\n" for i in range(3000)).encode()
    for cuts in ([], [1], [17, 4000, 4001], list(range(0, len(data), 997))):
        bounds = [0, *cuts, len(data)]
        spooled = downloads.Spooled()
        for a, b in itertools.pairwise(bounds):
            spooled.add(downloads.piece(data[a:b]))
        members = {"b.json": downloads.Spooled(b"{}"), "a.csv": spooled, "empty.txt": downloads.Spooled()}
        raw = io.BytesIO()
        spooled.write_raw(raw)
        assert raw.getvalue() == data
        for write in (downloads.write_zip, downloads._zip64):  # the ZIP64 path (past 4 GB) holds the same
            made = io.BytesIO()
            write(made, members)
            with zipfile.ZipFile(made) as zf:
                assert zf.testzip() is None
                assert [i.filename for i in zf.infolist()] == ["a.csv", "b.json", "empty.txt"]
                assert zf.read("a.csv") == data and zf.read("b.json") == b"{}" and zf.read("empty.txt") == b""
        for member in members.values():
            member.close()
