"""Rebuilding the site after one change: only that body's pages are made again, and the result is
byte-identical to a build from scratch (issue 11). Real page generator, real MkDocs, real caches."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_project import ROOT, make_project, run_site

from scripts.site import generate

PACKAGES = ROOT / "datapackages"


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)
    }


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def republish(pkg: Path) -> None:
    """A corrected edition of one package: its first amount in the 支出总表 changes."""
    path = pkg / "data" / "expenditure_summary.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r.get("total"))
    row["total"] = str(round(float(row["total"]) + 1, 2))
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pkgs") / "datapackages"
    shutil.copytree(PACKAGES, folder)
    return folder


def test_page_cache_reuses_unchanged_bodies_and_matches_a_build_from_scratch(packages, tmp_path):
    count = len([p for p in packages.iterdir() if (p / "datapackage.json").is_file()])
    out, cache, report = tmp_path / "out", tmp_path / "cache", tmp_path / "none.json"
    (out).mkdir()
    first = generate(packages, out, report, cache=cache)
    assert first.reused == 0 and first.centres == count
    again = generate(packages, out, report, cache=cache)
    assert (again.reused, again.changed) == (count, 0)

    changed = sorted(p for p in packages.iterdir() if p.is_dir())[3]
    republish(changed)
    after = generate(packages, out, report, cache=cache)
    assert after.reused == count - 1
    assert after.changed > 0

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    generate(packages, scratch, report)  # no cache at all
    assert differences(tree(out), tree(scratch)) == []

    # A page file changed behind the cache's back: that body is made again, the file restored.
    page = out / "centres" / changed.name / "index.md"
    original = page.read_bytes()
    page.write_bytes(original + b"\nedited by hand\n")
    mended = generate(packages, out, report, cache=cache)
    assert mended.reused == count - 1
    assert page.read_bytes() == original


def mkdocs(proj: Path, cache: str, site: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(proj / "mkdocs.yml"), "-d", site]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600", "RENDER_CACHE": cache}
    return subprocess.run(cmd, cwd=proj, capture_output=True, text=True, env=env, timeout=600, check=False)


def counts(proc: subprocess.CompletedProcess) -> tuple[int, int]:
    found = re.search(r"render cache: (\d+) pages reused, (\d+) rendered", proc.stderr)
    assert found, proc.stderr[-2000:]
    return int(found.group(1)), int(found.group(2))


def segmented(proc: subprocess.CompletedProcess) -> int:
    """Runs of Chinese the build had jieba segment (the others came from the cache)."""
    found = re.search(r"(\d+) new runs of Chinese segmented", proc.stderr)
    assert found, proc.stderr[-2000:]
    return int(found.group(1))


@pytest.fixture(scope="module")
def project(tmp_path_factory, packages) -> Path:
    proj = make_project(tmp_path_factory.mktemp("site"))
    proc = run_site(proj, packages, proj / "none.json")
    assert proc.returncode == 0, proc.stderr
    return proj


def test_render_cache_output_is_byte_identical_to_mkdocs_alone(project):
    cache = str(project / "render-cache")
    cold = mkdocs(project, cache, str(project / "cold"))
    assert cold.returncode == 0, cold.stderr[-2000:]
    reused, rendered = counts(cold)
    assert reused == 0 and rendered > 20
    assert segmented(cold) > 100
    warm = mkdocs(project, cache, str(project / "warm"))
    assert warm.returncode == 0, warm.stderr[-2000:]
    # Every page but the one that includes generated parts (snippets) comes from the cache.
    assert counts(warm) == (rendered, 0)
    assert segmented(warm) == 0
    plain = mkdocs(project, "off", str(project / "plain"))
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "render cache:" not in plain.stderr
    reference = tree(project / "plain")
    assert differences(tree(project / "cold"), reference) == []
    assert differences(tree(project / "warm"), reference) == []
    # The downloads are linked from the docs into the site with the cache on, copied without it.
    download = next((project / "site_src" / "centres").glob("*/data/*.csv"))
    rel = download.relative_to(project / "site_src")
    assert (project / "warm" / rel).stat().st_ino == download.stat().st_ino
    assert (project / "plain" / rel).stat().st_ino != download.stat().st_ino

    # One body page edited and one download replaced, rebuilt into the same site folder (its links to
    # unchanged downloads are kept, a stray file goes, hidden ones stay, as MkDocs's clean does): only
    # that page is rendered again, and the site still equals MkDocs alone.
    page = next((project / "site_src" / "centres").glob("*/index.md"))
    page.write_text(
        page.read_text(encoding="utf-8") + "\n## 补充说明\n\n新增的一段说明。\n", encoding="utf-8"
    )
    replaced = project / "site_src" / rel
    data = replaced.read_bytes()
    replaced.unlink()
    replaced.write_bytes(data + b"\n")
    (project / "warm" / "stray.txt").write_text("left by hand", encoding="utf-8")
    (project / "warm" / ".hidden").write_text("kept", encoding="utf-8")
    edited = mkdocs(project, cache, str(project / "warm"))
    assert edited.returncode == 0, edited.stderr[-2000:]
    assert counts(edited)[1] == 1
    # Its new heading and sentence went to jieba; the page's hundreds of other runs were known.
    assert 1 <= segmented(edited) <= 2
    assert not (project / "warm" / "stray.txt").exists() and (project / "warm" / ".hidden").exists()
    assert (project / "warm" / rel).read_bytes() == data + b"\n"
    mkdocs(project, "off", str(project / "plain2"))
    assert differences(tree(project / "warm", skip=(".hidden",)), tree(project / "plain2")) == []
    assert "新增的一段说明" in (project / "warm" / "centres" / page.parent.name / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_cached_page_still_fails_a_strict_build_with_its_warning(project):
    cache = str(project / "render-cache-warn")
    page = project / "site_src" / "methodology.md"
    saved = page.read_text(encoding="utf-8")
    try:
        page.write_text(saved + "\n[断开的链接](no-such-page.md)\n", encoding="utf-8")
        for attempt in ("cold", "warm"):
            proc = mkdocs(project, cache, str(project / f"warn-{attempt}"))
            assert proc.returncode != 0, attempt
            assert "no-such-page.md" in proc.stderr, (attempt, proc.stderr[-2000:])
        assert counts(proc)[1] == 0  # the warm build took every page from the cache, warning included
    finally:
        page.write_text(saved, encoding="utf-8")


def test_render_cache_refuses_a_folder_of_someone_elses_files(project, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a cache", encoding="utf-8")
    proc = mkdocs(project, str(folder), str(project / "refused"))
    assert proc.returncode != 0
    assert "did not write" in proc.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "not a cache"


def test_a_large_site_lists_each_body_once_in_the_search_index(packages, tmp_path, monkeypatch):
    """Every search loads the whole index: past SEARCH_FULL_MAX packages only the body pages are in it."""
    from scripts.site import command

    def front_matter(page: Path) -> str:
        return page.read_text(encoding="utf-8").split("\n---\n", 1)[0]

    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    generate(packages, small, tmp_path / "none.json")
    monkeypatch.setattr(command, "SEARCH_FULL_MAX", 3)
    generate(packages, large, tmp_path / "none.json")
    centres = sorted((large / "centres").glob("*/index.md"))
    bodies = sorted((large / "bodies").glob("*/index.md"))
    assert len(centres) > 3 and bodies
    assert all("exclude: true" in front_matter(p) for p in centres)
    assert not any("exclude: true" in front_matter(p) for p in bodies)
    assert not any("exclude: true" in front_matter(p) for p in (small / "centres").glob("*/index.md"))


def test_package_digests_are_read_again_only_when_a_files_stat_changed(packages, tmp_path):
    """The page cache reads a package only when a file's size, time or inode changed since the last
    run (a file written in the last seconds is always read); the digest is then that of the bytes."""
    import time

    from scripts.site.page_cache import PageCache, package_digest

    pkg = tmp_path / "pkg"
    shutil.copytree(sorted(p for p in packages.iterdir() if p.is_dir())[0], pkg)
    old = time.time_ns() - 3600 * 10**9
    for f in pkg.rglob("*"):
        os.utime(f, ns=(old, old))
    cache = PageCache(tmp_path / "cache", "code")
    cache.store.open()
    first = cache.digests([pkg])[pkg.name]
    assert first == package_digest(pkg)

    csv_file = next((pkg / "data").glob("*.csv"))
    data = csv_file.read_bytes()
    csv_file.write_bytes(data[:-2] + (b"9\n" if data[-2:] != b"9\n" else b"8\n"))  # same size, new time
    changed = cache.digests([pkg])[pkg.name]
    assert changed != first and changed == package_digest(pkg)
    os.utime(csv_file, ns=(old, old))  # put back the old time: the stat alone cannot tell
    assert cache.digests([pkg])[pkg.name] == changed  # recorded from a read, trusted now
    csv_file.write_bytes(data)
    os.utime(csv_file, ns=(old, old))
    assert cache.digests([pkg])[pkg.name] == changed  # as git: a stat kept whole vouches for the bytes
    os.utime(csv_file, ns=(old + 10**9, old + 10**9))
    assert cache.digests([pkg])[pkg.name] == first


def test_a_large_site_compares_the_largest_centres_and_links_every_figure(packages, tmp_path, monkeypatch):
    """The compare tables list the centres that spend most; the page says so and links the CSVs that
    hold every centre's figures."""
    from scripts.site import compare

    monkeypatch.setattr(compare, "COMPARE_MAX_ROWS", 3)
    out = tmp_path / "docs"
    out.mkdir()
    generate(packages, out, tmp_path / "none.json")
    page = (out / "compare.md").read_text(encoding="utf-8")
    table = page.split("## 比较表", 1)[1]
    centres = list(csv.DictReader((out / "generated" / "centres.csv").open(encoding="utf-8")))
    assert len(centres) > 3
    rows = [line for line in table.split("### ", 1)[0].splitlines() if line.startswith("| [")]
    largest = sorted(centres, key=lambda r: -float(r["total"] or 0))[:3]
    assert [re.search(r"\(centres/([^/]+)/index\.md\)", r)[1] for r in rows] == [r["slug"] for r in largest]
    assert f"全部 {len(centres)} 个中心的数字见下载文件" in table
    for target in re.findall(r"\]\(([^)]+)\)\{ download \}", table):
        assert (out / target).is_file(), target


@pytest.mark.parametrize(
    "source",
    [
        "---\ntitle: 标题\ndate: 2026-01-01\ntags: [a, b]\n---\n\n# 正文\n",
        "# 没有前言\n\n正文\n",
        "title: MultiMarkdown 式\nauthor: 某\n\n# 正文\n",
        "---\n---\n",
        "",
    ],
)
def test_a_cached_page_reads_the_same_markdown_and_meta_as_mkdocs(source):
    """A page taken from the render cache gets the Markdown and meta `Page.read_source` would give it."""
    from types import SimpleNamespace

    from mkdocs.utils import meta

    from scripts.site import render_cache

    entry = render_cache._source_parts(source)
    page = SimpleNamespace(file=SimpleNamespace(content_string=source))
    config = SimpleNamespace(plugins=SimpleNamespace(events={"page_read_source": []}))
    render_cache._read_source(page, config, entry)
    assert (page.markdown, page.meta) == meta.get_data(source)


def test_a_cache_prunes_unused_entries_and_those_of_an_earlier_format_only(tmp_path):
    from scripts.site.store import TAG, Store

    def store() -> Store:
        return Store(tmp_path / "c", ".pickle", what="cache", hint="-", legacy=(".json.z",)).open()

    first = store()
    for key in ("a" * 64, "b" * 64):
        first.save(key, b"entry")
    (first.folder / ("c" * 64 + ".json.z")).write_bytes(b"earlier format")
    (first.folder / "notes.txt").write_text("not an entry", encoding="utf-8")
    second = store()
    second.used.add("a" * 64)
    assert second.prune() == 2
    assert sorted(p.name for p in second.folder.iterdir()) == sorted([TAG, "a" * 64 + ".pickle", "notes.txt"])


def test_descriptor_facts_are_kept_by_package_digest(packages, tmp_path):
    """The body and year of an unchanged package come from the cache; another digest reads them again."""
    import json

    from scripts.site.command import descriptor_facts
    from scripts.site.page_cache import PageCache

    pkg = tmp_path / "pkg"
    shutil.copytree(sorted(p for p in packages.iterdir() if p.is_dir())[0], pkg)
    cache = PageCache(tmp_path / "cache", "code")
    cache.store.open()
    calls: list[str] = []

    def read(p: Path):
        calls.append(p.name)
        return descriptor_facts(p)

    first = cache.facts({"pkg": "d1"}, read)(pkg)
    assert PageCache(tmp_path / "cache", "code").facts({"pkg": "d1"}, read)(pkg) == first and calls == ["pkg"]
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["x_body"] = "another-body"
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    assert cache.facts({"pkg": "d2"}, read)(pkg) == ("another-body", first[1]) and calls == ["pkg", "pkg"]
    assert cache.facts({}, read)(pkg) == ("another-body", first[1]) and len(calls) == 3  # no digest: read
