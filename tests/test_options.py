"""Promises of the command line and the registry: `package --name/--year/--slug/--division-code`,
`build --only/--jobs`, and registry entries that are refused with a clear message."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build import registry
from scripts.errors import DisclosureError

ROOT = Path(__file__).resolve().parent.parent
DONGCHENG = ROOT / "disclosures" / "2026" / "110101-dongcheng.txt"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=ROOT, capture_output=True, text=True)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_package_options_override_the_registry(tmp_path):
    out = tmp_path / "pkg"
    result = run(
        "package",
        str(DONGCHENG),
        "--out",
        str(out),
        "--name",
        "测试单位",
        "--year",
        "2031",
        "--slug",
        "test-body-2031",
        "--division-code",
        "999999",
        "--no-validate",
    )
    assert result.returncode == 0, result.stderr
    desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"] == "test-body-2031"
    assert desc["fiscal_year"] == 2031
    assert desc["division_code"] == "999999"
    assert desc["x_organisation"] == "测试单位" and desc["x_short_name"] == "测试单位"
    assert desc["title"] == "测试单位 2031年部门预算"
    # What was not overridden still comes from the registry entry of the file.
    assert desc["province"] == "北京市" and desc["district"] == "东城区"
    assert (out / "source" / DONGCHENG.name).read_bytes() == DONGCHENG.read_bytes()


def test_package_options_name_an_unregistered_file(tmp_path):
    path = tmp_path / "download.txt"
    path.write_bytes(DONGCHENG.read_bytes())
    result = run("package", str(path), "--out", str(tmp_path / "pkg"), "--slug", "my-body", "--no-validate")
    assert result.returncode == 0, result.stderr
    desc = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"] == "my-body" and desc["fiscal_year"] == 2026  # the year from the text


def test_build_only_builds_the_slugs_named(tmp_path):
    out = tmp_path / "out"
    only = ["110102-xicheng-2026", "420107-qingshan-2026"]
    result = run("build", "--out", str(out), "--only", *only, "--no-validate", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == only
    for slug in only:
        assert _tree(out / slug) == _tree(ROOT / "datapackages" / slug), slug
    report = json.loads((tmp_path / "out.build" / "report.json").read_text(encoding="utf-8"))
    assert sorted(r["slug"] for r in report) == only


def test_build_in_parallel_writes_what_a_serial_build_writes(tmp_path):
    """--jobs 2 with every disclosure (above the parallel threshold) gives the committed packages byte
    for byte, as the serial build that made them did."""
    from scripts.build import commands

    assert len(registry.entries()) >= commands.PARALLEL_MIN, "too few disclosures to run in parallel"
    out = tmp_path / "out"
    result = run("build", "--out", str(out), "--jobs", "2", "--no-validate", "--no-cache", "--quiet")
    assert result.returncode == 0, result.stderr
    assert _tree(out) == _tree(ROOT / "datapackages")


# --- registry errors -------------------------------------------------------------------------------


def _registry(tmp_path: Path, **changes) -> Path:
    entry = copy.deepcopy(json.loads((ROOT / "disclosures" / "registry.json").read_text(encoding="utf-8"))[0])
    shutil.copy(ROOT / "disclosures" / entry["file"], tmp_path / "d.txt")
    entry["file"] = "d.txt"
    entry.update(changes)
    path = tmp_path / "registry.json"
    path.write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    return path


def test_a_good_registry_loads(tmp_path):
    (entry,) = registry.load(_registry(tmp_path))
    assert entry["path"] == (tmp_path / "d.txt").resolve() and entry["paths"] == [entry["path"]]


@pytest.mark.parametrize(
    "changes,words",
    [
        ({"sha256": "ABC"}, "sha256 is malformed"),
        ({"sha256": "0" * 64}, "sha256 mismatch"),
        ({"sha256": "D" * 64}, "sha256 is malformed"),  # upper case is not the canonical form
        ({"slug": "Dong Cheng"}, "not a valid package name"),
        ({"slug": "-dongcheng"}, "not a valid package name"),
        ({"division_code": "11010"}, "division_code '11010'"),
        ({"division_code": "1101011"}, "division_code '1101011'"),
        ({"division_code": 110101}, "'division_code' has type int"),
        ({"published": "2026/02/12"}, "published '2026/02/12'"),
        ({"published": "2026-02-30"}, "published '2026-02-30'"),
        ({"published": "2026-13-01"}, "published '2026-13-01'"),
        ({"fiscal_year": "2026"}, "'fiscal_year' has type str"),
        ({"fiscal_year": True}, "'fiscal_year' has type bool"),
        ({"file": "nope.txt"}, "file 'nope.txt' not found"),
    ],
)
def test_bad_registry_entries_are_refused_clearly(tmp_path, changes, words):
    path = _registry(tmp_path, **changes)
    with pytest.raises(DisclosureError) as info:
        registry.load(path)
    assert words in str(info.value), str(info.value)
    assert info.value.expected


def test_a_null_publication_date_is_allowed(tmp_path):
    (entry,) = registry.load(_registry(tmp_path, published=None))
    assert entry["published"] is None


def test_a_missing_key_and_duplicates_are_refused(tmp_path):
    path = _registry(tmp_path)
    entries = json.loads(path.read_text(encoding="utf-8"))
    del entries[0]["division_code"]
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(DisclosureError, match="lacks 'division_code'"):
        registry.load(path)
    path = _registry(tmp_path)
    entries = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entries * 2), encoding="utf-8")
    with pytest.raises(DisclosureError, match="duplicate slug"):
        registry.load(path)


def test_build_with_a_bad_registry_says_why_and_exits_2(tmp_path):
    path = _registry(tmp_path, sha256=hashlib.sha256(b"other").hexdigest())
    result = run("build", "--registry", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "sha256 mismatch" in result.stderr + result.stdout and "Traceback" not in result.stderr
