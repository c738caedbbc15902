"""Two builds from the same inputs give byte-identical data packages and site files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from site_project import make_project
from test_incremental import tree

ROOT = Path(__file__).resolve().parent.parent


def _build_site(base: Path) -> Path:
    from scripts import site

    proj = make_project(base)
    site.generate(ROOT / "datapackages", proj / "site_src", base / "no-report.json")
    # mkdocs dates sitemap.xml and the gzip header from SOURCE_DATE_EPOCH (nox -s build sets it too).
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(proj / "mkdocs.yml")],
        cwd=proj,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return proj / "site"


def test_two_site_builds_are_byte_identical(tmp_path: Path) -> None:
    first, second = tree(_build_site(tmp_path / "a")), tree(_build_site(tmp_path / "b"))
    assert first.keys() == second.keys()
    differing = sorted(k for k in first if first[k] != second[k])
    assert not differing, differing[:10]
    assert any(k.endswith(".zip") for k in first) and any(k.endswith(".xlsx") for k in first)
