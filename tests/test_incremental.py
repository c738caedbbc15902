"""Incremental builds, one broken disclosure among good ones, and byte-identical rebuilds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.bench import synth

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=ROOT, capture_output=True, text=True)


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def timings(out: Path) -> dict:
    return json.loads((out.with_name(out.name + ".build") / "timings.json").read_text(encoding="utf-8"))


def report(out: Path) -> list[dict]:
    return json.loads((out.with_name(out.name + ".build") / "report.json").read_text(encoding="utf-8"))


def rewrite(reg: Path, slug: str, data: bytes) -> None:
    """Change one disclosure's bytes and record its new sha256, as a re-publication would."""
    entries = json.loads(reg.read_text(encoding="utf-8"))
    entry = next(e for e in entries if e["slug"] == slug)
    (reg.parent / entry["file"]).write_bytes(data)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    reg.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


@pytest.fixture()
def synthetic(tmp_path) -> Path:
    synth.generate(12, tmp_path / "syn", seed=3)  # 12 > build.PARALLEL_MIN: the worker pool is used
    return tmp_path / "syn" / "registry.json"


def test_unchanged_disclosures_are_not_rebuilt(tmp_path, synthetic):
    out = tmp_path / "out"
    args = ("build", "--registry", str(synthetic), "--out", str(out), "--no-validate", "--quiet")
    first = run(*args)
    assert first.returncode == 0, first.stderr
    assert timings(out)["rebuilt"] == 12
    assert timings(out)["workers"] == min(12, os.cpu_count() or 1)
    full = tree(out)
    second = run(*args)
    assert second.returncode == 0, second.stderr
    assert timings(out)["rebuilt"] == 0 and timings(out)["cached"] == 12
    assert tree(out) == full

    slug = report(out)[4]["slug"]
    src = synthetic.parent / json.loads(synthetic.read_text(encoding="utf-8"))[4]["file"]
    rewrite(synthetic, slug, src.read_bytes() + b"\n\n")  # any encoding stays valid
    third = run(*args)
    assert third.returncode == 0, third.stderr
    assert timings(out)["rebuilt"] == 1
    assert {k for k in tree(out) if tree(out)[k] != full.get(k)} <= {k for k in full if k.startswith(slug)}

    # A package damaged on disk is rebuilt even though its input did not change.
    victim = out / report(out)[0]["slug"] / "datapackage.json"
    victim.write_text("{}", encoding="utf-8")
    fourth = run(*args)
    assert timings(out)["rebuilt"] == 1 and fourth.returncode == 0
    assert tree(out)[victim.relative_to(out).as_posix()] == full[victim.relative_to(out).as_posix()]


def test_one_broken_disclosure_does_not_stop_the_others(tmp_path, synthetic):
    out = tmp_path / "out"
    slug = json.loads(synthetic.read_text(encoding="utf-8"))[2]["slug"]
    rewrite(synthetic, slug, "这不是预算公开文本。\n".encode())
    result = run("build", "--registry", str(synthetic), "--out", str(out), "--no-validate", "--quiet")
    assert result.returncode == 1, result.stderr  # the others are built, and the exit code says one was not
    assert "Traceback" not in result.stderr
    statuses = {r["slug"]: r["status"] for r in report(out)}
    assert statuses.pop(slug) == "failed"
    assert set(statuses.values()) <= {"ok", "warnings"} and len(statuses) == 11
    failed = next(r for r in report(out) if r["slug"] == slug)
    assert f"{slug}.txt:1:" in failed["messages"][0] and "no budget table" in failed["messages"][0]
    assert "1 failed" in result.stderr and slug in result.stderr
    strict = run(
        "build", "--registry", str(synthetic), "--out", str(out), "--no-validate", "--strict", "--quiet"
    )
    assert strict.returncode == 1


def test_two_builds_are_byte_identical(tmp_path):
    """The real registry, built twice from scratch (no cache, validation on): identical packages."""
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = run("build", "--out", str(out), "--no-cache")
        assert result.returncode == 0, result.stderr
        trees.append(tree(out))
    assert trees[0] == trees[1] and len(trees[0]) > 20
    assert (tmp_path / "a.build/report.json").read_bytes() == (tmp_path / "b.build/report.json").read_bytes()


def test_code_change_invalidates_the_cache(monkeypatch):
    from scripts.build import cache

    entry = {"slug": "x", "path": Path("/nowhere")}
    before = cache.key(b"text", entry)
    assert cache.key(b"text", entry) == before
    assert cache.key(b"text!", entry) != before
    assert cache.key(b"text", dict(entry, name="y")) != before
    monkeypatch.setattr(cache, "code_hash", lambda: "0" * 64)
    assert cache.key(b"text", entry) != before


def test_package_files_are_trusted_by_their_stat_only_when_it_is_old_enough(tmp_path):
    """The build cache reads a package's files only when their size, time or inode changed since it
    recorded them (as git does), and never trusts the time of a file written in the last seconds."""
    from scripts.build import cache

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.csv").write_bytes(b"x\n1\n")
    hashes = cache.file_hashes({"a.csv": b"x\n1\n"})
    assert cache.file_stats(pkg, hashes) == {}  # just written: racy, not recorded
    old = time.time_ns() - 3600 * 10**9
    os.utime(pkg / "a.csv", ns=(old, old))
    stats = cache.file_stats(pkg, hashes)
    assert list(stats) == ["a.csv"] and cache.intact(pkg, hashes, stats)

    with (pkg / "a.csv").open("r+b") as fh:  # same size, same inode, time put back: the stat vouches
        fh.write(b"y")
    os.utime(pkg / "a.csv", ns=(old, old))
    assert cache.intact(pkg, hashes, stats) is True
    assert cache.intact(pkg, hashes) is False  # without a recorded stat, the bytes are read
    os.utime(pkg / "a.csv", ns=(old + 10**9, old + 10**9))  # touched: read, and found changed
    assert cache.intact(pkg, hashes, stats) is False


def test_the_build_summary_of_failing_checks_is_the_same_from_the_cache(tmp_path, synthetic):
    """The closing summary counts every package's failing checks: read from the packages on the first
    build, kept in the build cache for the next (each beside the sha256 of the file it came from)."""
    out = tmp_path / "out"
    args = ("build", "--registry", str(synthetic), "--out", str(out), "--no-validate", "--quiet")

    def failing(proc: subprocess.CompletedProcess) -> str:
        line = next(x for x in proc.stderr.splitlines() if "failing checks:" in x)
        return line.split("failing checks:", 1)[1]

    on_disk = 0
    first = run(*args)
    for csv_file in out.glob("*/data/quality_report.csv"):
        on_disk += sum(",fail," in line for line in csv_file.read_text(encoding="utf-8").splitlines())
    second = run(*args)
    assert timings(out)["cached"] == 12
    assert failing(first) == failing(second) and int(failing(first).split(":")[0]) == on_disk > 0
