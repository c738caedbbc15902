"""Shared by the site tests: a temporary copy of the project, the real page generator, a strict build.

The copy holds the real mkdocs.yml (hooks pointed at this checkout) and the hand-written pages of
site_src/; `python -m scripts site` then writes the generated pages into it, as `nox -s build` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def make_project(base: Path, site_url: str | None = None) -> Path:
    from scripts import site

    proj = base / "proj"
    generated = {*site.GENERATED_DIRS, *site.GENERATED_PAGES, "vendor"}
    shutil.copytree(
        ROOT / "site_src", proj / "site_src", ignore=lambda _d, names: [n for n in names if n in generated]
    )
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(ROOT / hook) for hook in config.get("hooks", [])]
    if site_url:
        config["site_url"] = site_url
    (proj / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return proj


def run_site(proj: Path, packages: Path, report: Path) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "scripts",
        "site",
        "--packages",
        str(packages),
        "--out",
        str(proj / "site_src"),
        "--build-report",
        str(report),
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def mkdocs_build(proj: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(proj / "mkdocs.yml")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, cwd=proj, capture_output=True, text=True, env=env, timeout=300, check=False)
