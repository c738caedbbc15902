"""Shared fixtures: paths of this checkout, the disclosure registry, and the browser to test pages with."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Flags this machine needs for headless Chromium as root with no network (see noxfile.ensure_chromium).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def disclosures_dir() -> Path:
    return ROOT / "disclosures"


@pytest.fixture(scope="session")
def registry_entries() -> list[dict]:
    """Validated registry entries (sha256 verified); each has `path` to the disclosure file."""
    from scripts.build import registry

    return registry.entries()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; fails (not skips) when absent, because browser tests must run in CI."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"Chromium not found at {path}: run `nox -s tests` as root, or apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def chromium_args() -> list[str]:
    return list(CHROMIUM_ARGS)
