"""The site built as shards plus a portal (`python -m scripts shards`, scripts/bench/shards.py) is the
one-site build: the 11 real packages in 2 shards, real `site` and `mkdocs build`, merged, compared file
by file with one `site` + `mkdocs build` of all of them. A file from two shards stops the merge."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_project import make_project

from scripts.bench import shards

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "datapackages"
EPOCH = "86400"  # 1970-01-02: one build date for the reference and every job


def cli(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scripts", "shards", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("shards")
    report = str(base / "no-report.json")
    work = base / "work"
    result = cli(
        "build",
        "--packages",
        str(PACKAGES),
        "--build-report",
        report,
        "--shards",
        "2",
        "--source-date-epoch",
        EPOCH,
        "--runner",
        "pool",
        "--jobs",
        "2",
        "--work",
        str(work),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # The reference: one `site` and one `mkdocs build` of every package, as `nox -s build` does.
    proj = make_project(base)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    site = [
        sys.executable,
        "-m",
        "scripts",
        "site",
        "--packages",
        str(PACKAGES),
        "--out",
        str(proj / "site_src"),
        "--build-report",
        report,
    ]
    subprocess.run(site, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(proj / "mkdocs.yml")]
    subprocess.run(mkdocs, cwd=proj, env=env, check=True, capture_output=True, timeout=300)
    return {"work": work, "plan": shards.load_plan(work), "one": proj / "site", "base": base}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_merged_site_is_the_one_site_build_byte_for_byte(built):
    merged, one = built["work"] / "site", built["one"]
    assert _files(merged) == _files(one)
    differ = [rel for rel in sorted(_files(one)) if not filecmp.cmp(merged / rel, one / rel, shallow=False)]
    assert not differ, differ[:10]


def test_every_body_page_comes_from_exactly_one_shard(built):
    plan, work = built["plan"], built["work"]
    assert len(plan["shards"]) == 2 and all(plan["shards"])
    slugs = sorted(p.name for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file())
    assert sorted(s for shard in plan["shards"] for s in shard) == slugs
    for slug in slugs:
        built_in = [
            i for i in range(2) if (work / f"shard-{i}" / "site" / "centres" / slug / "index.html").is_file()
        ]
        assert built_in == [i for i, shard in enumerate(plan["shards"]) if slug in shard]
        assert (work / "site" / "centres" / slug / "index.html").is_file()
    assert not (work / "portal" / "site" / "centres").exists()
    # All years of a body in one shard: its page across the years is built once.
    for body in ("320000-cppcc-office", "320000-npc-office"):
        assert len({i for i, shard in enumerate(plan["shards"]) for s in shard if s.startswith(body)}) == 1


def test_portal_search_index_holds_every_shard(built):
    plan, work = built["plan"], built["work"]
    index = json.loads((work / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {d["location"].split("#")[0] for d in index["docs"]}
    assert "" in pages and "glossary/" in pages  # the portal's own pages
    for shard in plan["shards"]:
        assert {f"centres/{slug}/" for slug in shard} <= pages
    locations = [d["location"] for d in index["docs"]]
    assert len(locations) == len(set(locations))
    portal = json.loads(
        (work / "portal" / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    assert not any(d["location"].startswith(("centres/", "bodies/")) for d in portal["docs"])


def test_same_body_in_two_shards_stops_the_merge(built):
    work = built["base"] / "collide"
    shutil.copytree(built["work"], work, copy_function=os.link)
    plan = json.loads((work / "plan.json").read_text(encoding="utf-8"))
    slug = plan["shards"][0][0]
    plan["shards"][1].append(slug)
    (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert cli("job", "--work", str(work), "--job", "1").returncode == 0
    result = cli("merge", "--work", str(work))
    assert result.returncode == 1
    assert "written by two jobs" in result.stderr and f"centres/{slug}/" in result.stderr
    assert "shard-0 and shard-1" in result.stderr


def test_a_missing_shard_or_page_stops_the_merge(built):
    work = built["base"] / "missing"
    shutil.copytree(built["work"], work, copy_function=os.link)
    slug = built["plan"]["shards"][1][0]
    shutil.rmtree(work / "shard-1" / "site" / "centres" / slug)  # a page the portal links to
    result = cli("merge", "--work", str(work))
    assert result.returncode == 1 and "in no shard" in result.stderr and slug in result.stderr
    shutil.rmtree(work / "shard-1")
    result = cli("merge", "--work", str(work))
    assert result.returncode == 1 and "shard-1" in result.stderr and "not built" in result.stderr


def test_plan_is_stable_and_keeps_bodies_together(tmp_path):
    report = tmp_path / "none.json"
    for k in (1, 2, 3, 8):
        plan = shards.make_plan(PACKAGES, k, "body", report, "0")
        assert plan == shards.make_plan(PACKAGES, k, "body", report, "0")
        assert len(plan["shards"]) == k
        for body in ("320000-cppcc-office", "320000-npc-office"):
            assert len({i for i, s in enumerate(plan["shards"]) for slug in s if slug.startswith(body)}) == 1
    by_province = shards.make_plan(PACKAGES, 99, "province", report, "0")
    assert by_province["names"] == ["北京市", "江苏省", "湖北省"]
    assert [len(s) for s in by_province["shards"]] == [4, 6, 1]
    # The body hash is sha256, not Python's salted hash(): the same in every process.
    digest = hashlib.sha256(b"320000-npc-office").hexdigest()
    assert shards.shard_of("320000-npc-office", 8) == int(digest[:16], 16) % 8


def test_a_foreign_work_folder_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("x", encoding="utf-8")
    result = cli("plan", "--packages", str(PACKAGES), "--shards", "2", "--work", str(tmp_path))
    assert result.returncode == 1 and "not a shards work folder" in result.stderr
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "x"
