"""The disclosure registry: which input files exist, who published them, and their sha256.

Provenance sits next to the raw files (disclosures/registry.json); this module only reads and checks it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from scripts.errors import RegistryError

ROOT = Path(__file__).resolve().parents[2]
DISCLOSURES = ROOT / "disclosures"
REGISTRY = DISCLOSURES / "registry.json"

REQUIRED = {
    "file": str,
    "slug": str,
    "name": str,
    "short_name": str,
    "province": str,
    "city": (str, type(None)),
    "district": (str, type(None)),
    "division_code": str,
    "fiscal_year": int,
    "source_url": (str, type(None)),
    "published": (str, type(None)),
    "sha256": str,
    "received_as": str,
}
# Frictionless package names: lower-case ASCII, digits and . - _ only.
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
DIVISION_CODE = re.compile(r"^\d{6}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(text: str) -> bool:
    """YYYY-MM-DD naming a real day (2026-02-30 is not one)."""
    if not ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_entry(i: int, entry: object, registry: Path, base: Path, verify: bool) -> dict:
    where = f"{registry.name} entry {i}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where} is not an object", file=registry, expected="a JSON object per file")
    for key, types in REQUIRED.items():
        if key not in entry:
            raise RegistryError(f"{where} lacks '{key}'", file=registry, expected=f"keys {sorted(REQUIRED)}")
        if not isinstance(entry[key], types) or isinstance(entry[key], bool):
            raise RegistryError(
                f"{where}: '{key}' has type {type(entry[key]).__name__}",
                file=registry,
                expected=f"{key} of type {types}",
                hint="codes are strings (leading zeros matter); unknown values are null",
            )
    if not SLUG.match(entry["slug"]):
        raise RegistryError(
            f"{where}: slug {entry['slug']!r} is not a valid package name",
            file=registry,
            expected="lower-case ASCII letters, digits, '.', '-', '_'",
        )
    if not DIVISION_CODE.match(entry["division_code"]):
        raise RegistryError(
            f"{where}: division_code {entry['division_code']!r}",
            file=registry,
            expected="6 digits (GB/T 2260)",
        )
    if entry["published"] is not None and not _is_date(entry["published"]):
        raise RegistryError(
            f"{where}: published {entry['published']!r}", file=registry, expected="YYYY-MM-DD or null"
        )
    if not SHA256.match(entry["sha256"]):
        raise RegistryError(
            f"{where}: sha256 is malformed", file=registry, expected="64 lower-case hex digits"
        )
    parts = entry.get("parts", [])
    if not isinstance(parts, list) or not all(
        isinstance(p, dict)
        and isinstance(p.get("file"), str)
        and isinstance(p.get("sha256"), str)
        and SHA256.match(p["sha256"])
        for p in parts
    ):
        raise RegistryError(
            f"{where}: 'parts' is malformed",
            file=registry,
            expected="a list of {file, sha256, received_as}: the further files of the same disclosure",
        )
    paths = [
        _checked_file(where, f, sha, registry, base, verify)
        for f, sha in [(entry["file"], entry["sha256"])] + [(p["file"], p["sha256"]) for p in parts]
    ]
    return dict(entry, path=paths[0], paths=paths)


def _checked_file(where: str, name: str, sha: str, registry: Path, base: Path, verify: bool) -> Path:
    path = (base / name).resolve()
    if not path.is_file():
        raise RegistryError(
            f"{where}: file {name!r} not found",
            file=registry,
            expected=f"a file under {base}",
            hint="paths are relative to disclosures/",
        )
    if verify:
        found = sha256_of(path)
        if found != sha:
            raise RegistryError(
                f"sha256 mismatch: registry says {sha}, file has {found}",
                file=path,
                expected="the file byte for byte as received",
                hint="restore the original bytes; if a new version was published, add it as a new entry",
            )
    return path


def load(registry: Path = REGISTRY, *, verify: bool = True) -> list[dict]:
    """Read and validate the registry; each entry gains `path` (absolute Path of the file)."""
    try:
        data = json.loads(registry.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError("registry not found", file=registry) from exc
    except json.JSONDecodeError as exc:
        raise RegistryError(f"invalid JSON: {exc.msg}", file=registry, line=exc.lineno) from exc
    if not isinstance(data, list):
        raise RegistryError("registry is not a list", file=registry, expected="a JSON list of entries")
    base = registry.parent
    entries = [_check_entry(i, e, registry, base, verify) for i, e in enumerate(data)]
    for key in ("slug", "file", "sha256"):
        seen: set[str] = set()
        for e in entries:
            if e[key] in seen:
                raise RegistryError(f"duplicate {key} {e[key]!r}", file=registry, expected=f"unique {key}")
            seen.add(e[key])
    return entries


@lru_cache(maxsize=1)
def _cached() -> tuple[dict, ...]:
    return tuple(load())


def entries() -> list[dict]:
    """All registered disclosures (validated, sha256 verified), in registry order."""
    return [dict(e) for e in _cached()]


def lookup(path: str | Path) -> dict | None:
    """The entry for a disclosure file (absolute, relative to cwd or to disclosures/, or the name it
    was received under), or None."""
    p = Path(path)
    candidates = {p.resolve(), (DISCLOSURES / p).resolve()}
    for e in _cached():
        if e["path"] in candidates or str(path) == e["received_as"] or candidates & set(e["paths"]):
            return dict(e)
    return None
