"""The disclosure registry: which input files exist, who published them, and their sha256; and the
bodies that publish them, each named once across the years.

Provenance sits next to the raw files (disclosures/registry.json); this module only reads and checks it.
Each entry names its body in one field, `body` (a stable id); `bodies.json` next to the registry
describes each body once: id, current name, official names by year, place and division code. A
registry without `bodies.json` (a scratch registry in a test) still works: its bodies are then known
only by their entries. An entry without `body` is a body of its own (id = its slug), one year long.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath

from scripts.errors import DisclosureError, RegistryError
from scripts.owned import NAME as SLUG
from scripts.owned import check_name

ROOT = Path(__file__).resolve().parents[2]
DISCLOSURES = ROOT / "disclosures"
REGISTRY = DISCLOSURES / "registry.json"
BODIES = "bodies.json"  # next to the registry file

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
    try:
        check_name(entry["slug"], what=f"{where}: slug", file=registry)
    except DisclosureError as exc:
        raise RegistryError(exc.message, file=registry, expected=exc.expected, hint=exc.hint) from None
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
    body = entry.get("body", entry["slug"])
    if not isinstance(body, str) or not SLUG.match(body):
        raise RegistryError(
            f"{where}: body {body!r} is not a valid body id",
            file=registry,
            expected="the id of the publishing body in bodies.json: lower-case ASCII letters, digits, '-'",
            hint="one id for every year of the same body, e.g. 320000-npc-office",
        )
    return dict(entry, body=body, path=paths[0], paths=paths)


def _checked_file(where: str, name: str, sha: str, registry: Path, base: Path, verify: bool) -> Path:
    # Inputs come from data (a pull request): they must stay inside disclosures/, or a registry entry
    # could publish any file of the machine that builds it under source/.
    parts = PurePosixPath(name).parts
    if not name or Path(name).is_absolute() or name.startswith("/") or "\\" in name or ".." in parts:
        raise RegistryError(
            f"{where}: file {name!r} is not a path inside {base.name}/",
            file=registry,
            expected=f"a relative path under {base.name}/ without '..', e.g. 2026/110101-dongcheng.txt",
            hint="copy the disclosure into disclosures/<year>/ and name it relative to disclosures/",
        )
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()):
        raise RegistryError(
            f"{where}: file {name!r} resolves outside {base.name}/ (to {path}): a symbolic link",
            file=registry,
            expected=f"a file stored under {base.name}/ itself",
            hint="copy the file into disclosures/ instead of linking to it",
        )
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
        raw = registry.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError("registry not found", file=registry) from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(
            f"not UTF-8: byte {raw[exc.start]:#04x} at offset {exc.start} cannot be decoded",
            file=registry,
            line=raw[: exc.start].count(b"\n") + 1,
            expected="a UTF-8 JSON file",
            hint="the file was saved in another encoding (GB18030?): save it again as UTF-8, e.g. "
            "`iconv -f GB18030 -t UTF-8`",
        ) from exc
    except json.JSONDecodeError as exc:
        raise RegistryError(f"invalid JSON: {exc.msg}", file=registry, line=exc.lineno) from exc
    return check(data, load_bodies(registry.parent / BODIES), registry, verify=verify)


def check(data: object, bodies_data: list[dict] | None, registry: Path, *, verify: bool = True) -> list[dict]:
    """Validate registry entries (`data`, as parsed) against `bodies_data` (bodies.json as parsed and
    checked by `check_bodies_data`, or None); `registry` is the path the entries are relative to. Used
    by `load`, and by `add` before it writes anything."""
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
    check_bodies(entries, bodies_data, registry)
    return entries


BODY_FIELDS = {
    "id": str,
    "name": str,
    "short_name": str,
    "names": list,
    "province": str,
    "city": (str, type(None)),
    "district": (str, type(None)),
    "division_code": str,
}


def load_bodies(path: Path) -> list[dict] | None:
    """bodies.json: one record per body (None when the file does not exist)."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RegistryError(f"invalid JSON: {exc.msg}", file=path, line=exc.lineno) from exc
    return check_bodies_data(data, path)


def check_bodies_data(data: object, path: Path) -> list[dict]:
    """bodies.json as parsed, checked field by field (`path` names it in messages)."""
    if not isinstance(data, list):
        raise RegistryError("bodies.json is not a list", file=path, expected="a JSON list of bodies")
    seen: set[str] = set()
    for i, body in enumerate(data):
        where = f"{path.name} entry {i}"
        if not isinstance(body, dict):
            raise RegistryError(f"{where} is not an object", file=path, expected="a JSON object per body")
        for key, types in BODY_FIELDS.items():
            if key not in body or not isinstance(body[key], types):
                raise RegistryError(
                    f"{where} lacks '{key}' or it has the wrong type",
                    file=path,
                    expected=f"keys {sorted(BODY_FIELDS)}; {key} of type {types}",
                    hint="codes are strings; unknown values are null",
                )
        if not SLUG.match(body["id"]):
            raise RegistryError(
                f"{where}: id {body['id']!r} is not a valid body id",
                file=path,
                expected="lower-case ASCII letters, digits, '-' (e.g. 320000-npc-office)",
            )
        if body["id"] in seen:
            raise RegistryError(f"duplicate body id {body['id']!r}", file=path, expected="unique ids")
        seen.add(body["id"])
        names = body["names"]
        if not names or not all(
            isinstance(n, dict)
            and isinstance(n.get("name"), str)
            and isinstance(n.get("years"), list)
            and n["years"]
            and all(isinstance(y, int) and not isinstance(y, bool) for y in n["years"])
            for n in names
        ):
            raise RegistryError(
                f"{where}: 'names' is malformed",
                file=path,
                expected='a list of {"name": official name, "years": [fiscal years published under it]}',
            )
        years = [y for n in names for y in n["years"]]
        if len(years) != len(set(years)):
            raise RegistryError(
                f"{where}: body {body['id']!r} has two names for one year",
                file=path,
                expected="each fiscal year under exactly one official name",
            )
    return data


def check_bodies(entries: list[dict], bodies: list[dict] | None, registry: Path) -> None:
    """Each body publishes at most one disclosure a year under one place; with bodies.json, every body
    named by an entry is described there, under the name it used that year, and every body described
    has a disclosure."""
    by_year: dict[tuple[str, int], str] = {}
    place: dict[str, tuple] = {}
    for e in entries:
        key = (e["body"], e["fiscal_year"])
        if key in by_year:
            raise RegistryError(
                f"body {e['body']!r} has two disclosures for {e['fiscal_year']}: "
                f"{by_year[key]!r} and {e['slug']!r}",
                file=registry,
                expected="one disclosure per body and fiscal year",
                hint="a corrected re-publication replaces the old entry's body year: give the old one "
                "another body id only if it really is another body",
            )
        by_year[key] = e["slug"]
        here = (e["division_code"], e["province"], e["city"], e["district"])
        if place.setdefault(e["body"], here) != here:
            raise RegistryError(
                f"entry {e['slug']!r}: body {e['body']!r} is placed differently in another year",
                file=registry,
                expected="the same division_code, province, city and district in every year of a body",
            )
    if bodies is None:
        return
    path = registry.parent / BODIES
    known = {b["id"]: b for b in bodies}
    for e in entries:
        body = known.get(e["body"])
        if body is None:
            raise RegistryError(
                f"entry {e['slug']!r}: body {e['body']!r} is not in {BODIES}",
                file=registry,
                expected=f"a body id listed in {path.name}",
                hint=f"add the body to {path.name} (id, name, short_name, names by year, place) "
                "or correct the entry's `body`",
            )
        named = {y: n["name"] for n in body["names"] for y in n["years"]}
        if named.get(e["fiscal_year"]) != e["name"]:
            raise RegistryError(
                f"entry {e['slug']!r}: {BODIES} names body {e['body']!r} "
                f"{named.get(e['fiscal_year'])!r} in {e['fiscal_year']}, the entry {e['name']!r}",
                file=path,
                expected="the entry's name listed under its fiscal year in the body's `names`",
                hint="a renamed body gets a new {name, years} item in `names`",
            )
        if body["division_code"] != e["division_code"]:
            raise RegistryError(
                f"entry {e['slug']!r}: division_code {e['division_code']!r}, "
                f"body {body['id']!r} has {body['division_code']!r}",
                file=path,
                expected="the body's division_code on each of its entries",
            )
    used = {e["body"] for e in entries}
    for body in bodies:
        if body["id"] not in used:
            raise RegistryError(
                f"body {body['id']!r} has no disclosure in {registry.name}",
                file=path,
                expected="every body listed with at least one entry",
                hint="remove it, or add its disclosure to the registry",
            )
        for year in (y for n in body["names"] for y in n["years"]):
            if (body["id"], year) not in by_year:
                raise RegistryError(
                    f"body {body['id']!r}: {year} is named in {BODIES} but has no entry",
                    file=path,
                    expected="years in `names` that the registry lists",
                )


def bodies(all_entries: list[dict] | None = None) -> dict[str, list[dict]]:
    """Entries by body id, each list in fiscal-year order."""
    out: dict[str, list[dict]] = {}
    for e in all_entries if all_entries is not None else entries():
        out.setdefault(e["body"], []).append(e)
    return {k: sorted(v, key=lambda e: e["fiscal_year"]) for k, v in out.items()}


def previous_of(entries: list[dict], all_entries: list[dict]) -> dict[str, dict | None]:
    """Slug of each of `entries` → the same body's disclosure of the year before (the first registered),
    or None. One pass over `all_entries`, not one per entry: a province registers ten thousand."""
    first: dict[tuple, dict] = {}
    for e in all_entries:
        first.setdefault((e["body"], e["fiscal_year"]), e)
    return {e["slug"]: first.get((e["body"], e["fiscal_year"] - 1)) for e in entries}


@lru_cache(maxsize=1)
def _cached() -> tuple[dict, ...]:
    return tuple(load())


def entries() -> list[dict]:
    """All registered disclosures (validated, sha256 verified), in registry order."""
    return [dict(e) for e in _cached()]


def match(paths: list[Path]) -> tuple[dict | None, str | None]:
    """The registry entry of a disclosure's files, matched by sha256 (never by file name alone), and a
    note for the user when a registered name matches but the bytes do not, or the registry is unusable."""
    try:
        known = load(verify=False)
    except DisclosureError as exc:
        return None, f"registry not used ({exc})"
    sha = sha256_of(paths[0])
    for e in known:
        if e["sha256"] == sha:
            return dict(e), None
    names = {paths[0].name, str(paths[0])}
    resolved = paths[0].resolve()
    for e in known:
        if resolved == e["path"] or {e["received_as"], Path(e["file"]).name} & names:
            return None, (
                f"{paths[0]}: its file name matches registry entry {e['slug']!r} but its bytes do not "
                f"(sha256 {sha[:16]}…, registry {e['sha256'][:16]}…): packaged with metadata read from "
                "the text, not from that entry"
            )
    return None, None


def lookup(path: str | Path) -> dict | None:
    """The entry for a disclosure file (absolute, relative to cwd or to disclosures/, or the name it
    was received under), or None."""
    p = Path(path)
    candidates = {p.resolve(), (DISCLOSURES / p).resolve()}
    for e in _cached():
        if e["path"] in candidates or str(path) == e["received_as"] or candidates & set(e["paths"]):
            return dict(e)
    return None
