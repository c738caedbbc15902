"""`python -m scripts add FILE... | DIR`: register disclosures in disclosures/registry.json.

One call with files registers one disclosure (the first file is `file`, the others its `parts`); a folder
registers every PDF/text under it, one disclosure per file unless a manifest CSV (`manifest.csv` in the
folder, or `--manifest`; columns `files` (`;`-separated, relative to the folder), `body`, `year`, `url`)
groups them. Files are copied byte for byte into `disclosures/<year>/<slug>/` (never over an existing
file); the body name and year are read from the document; the body is an existing one of bodies.json
(by `--body`, else by name) or a new one. A field that cannot be established stays null with a `note`,
or the command stops and names the flag to pass. The registry and bodies.json are validated before they
are written, and written atomically (an interrupted add leaves them as they were).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

from scripts.build import registry
from scripts.build.commands import MAX_HELP, read_input
from scripts.errors import DisclosureError, RegistryError
from scripts.extract import pipeline
from scripts.owned import check_name, remove_file, safe_rel, write_file

SUFFIXES = {".pdf", ".txt"}
MANIFEST = "manifest.csv"
DIVISION_CODE = re.compile(r"^\d{6}$")


class AddError(DisclosureError):
    """A disclosure cannot be registered as given (a flag is needed, or it is registered already)."""


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _dump(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _ascii_slug(text: str) -> str | None:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug if re.search(r"[a-z]", slug) else None


def _short_name(name: str, province: str | None, city: str | None, district: str | None) -> str:
    """The name without the province (and city) in front, for a body below the province level."""
    if district or city:
        for prefix in (province, city):
            if prefix and name.startswith(prefix) and len(name) > len(prefix) + 1:
                name = name[len(prefix) :]
    return name


def _copy(src: bytes, root: Path, rel: str) -> None:
    """Copy one file into disclosures/ (a separate step, so a test can interrupt it)."""
    write_file(root, rel, src)


class Registry:
    """disclosures/registry.json and bodies.json as parsed, read once and written atomically per add."""

    def __init__(self, disclosures: Path) -> None:
        self.root = disclosures
        self.path = disclosures / "registry.json"
        self.bodies_path = disclosures / registry.BODIES
        registry.load(self.path)  # valid and every sha256 verified before anything is added
        self.data = json.loads(self.path.read_text(encoding="utf-8"))
        self.bodies = (
            json.loads(self.bodies_path.read_text(encoding="utf-8")) if self.bodies_path.is_file() else None
        )

    def registered(self, sha: str) -> dict | None:
        for e in self.data:
            if e["sha256"] == sha or any(p["sha256"] == sha for p in e.get("parts", [])):
                return e
        return None

    def body_by_name(self, name: str) -> tuple[dict | None, str]:
        if self.bodies is not None:
            for b in self.bodies:
                if b["name"] == name or any(n["name"] == name for n in b["names"]):
                    return b, f"same name as body {b['id']!r} in {registry.BODIES}"
            # the document may call itself by the short name (青山区… for 武汉市青山区…)
            short = [b for b in self.bodies if b["short_name"] == name or b["name"].endswith(name)]
            if len(short) == 1:
                return short[0], f"the document's name is the short name of body {short[0]['id']!r}"
        for e in self.data:  # a registry without bodies.json: bodies known from the entries alone
            if e["name"] == name:
                body = e.get("body", e["slug"])
                return {"id": body, **{k: e[k] for k in registry.BODY_FIELDS if k in e}}, (
                    f"same name as entry {e['slug']!r}"
                )
        return None, ""

    def body_by_id(self, body_id: str) -> dict | None:
        for b in self.bodies or []:
            if b["id"] == body_id:
                return b
        for e in self.data:
            if e.get("body", e["slug"]) == body_id:
                return {"id": body_id, **{k: e[k] for k in registry.BODY_FIELDS if k in e}}
        return None

    def commit(self, entry: dict, body: dict, copied: list[str]) -> None:
        """Validate the registry with `entry` (and bodies.json with `body`), then write both."""
        data = [*self.data, entry]
        bodies = None
        if self.bodies is not None:
            if any(b["id"] == body["id"] for b in self.bodies):
                bodies = [body if b["id"] == body["id"] else b for b in self.bodies]
            else:
                bodies = [*self.bodies, body]
            registry.check_bodies_data(bodies, self.bodies_path)
        registry.check(data, bodies, self.path, verify=True)
        old_bodies = self.bodies_path.read_bytes() if bodies is not None else None
        if bodies is not None:
            write_file(self.root, registry.BODIES, _dump(bodies))
        try:
            write_file(self.root, self.path.name, _dump(data))
        except BaseException:
            if old_bodies is not None:
                write_file(self.root, registry.BODIES, old_bodies)
            raise
        self.data, self.bodies = data, bodies


def add_one(reg: Registry, files: list[Path], opts: dict, max_mb: float | None = None) -> dict:
    """Register one disclosure made of `files`; returns the new entry. Raises DisclosureError."""
    blobs = [read_input(p, max_mb) for p in files]
    shas = [hashlib.sha256(b).hexdigest() for b in blobs]
    for p, sha in zip(files, shas, strict=True):
        known = reg.registered(sha)
        if known is not None:
            raise AddError(
                f"already registered as {known['slug']!r} ({known['file']}): same sha256 {sha[:16]}…",
                file=p,
                expected="a file not yet in the registry",
                hint="nothing was changed; a corrected re-publication is a different file and gets a new entry",
            )
    if len(set(shas)) != len(shas):
        raise AddError("the same file is given twice", file=files[0], expected="distinct files")
    ex = pipeline.extract_files([(str(p), b) for p, b in zip(files, blobs, strict=True)])
    meta = pipeline.guess_meta(ex, files[0])
    notes: list[str] = []
    name = opts.get("name")
    if not name:
        name = meta["name"] if meta["name"] != files[0].stem else None
        if not name:
            raise AddError(
                "the body's name cannot be read from the document",
                file=files[0],
                expected="a title such as “XX单位2027年部门预算” or a 单位名称 line in a table",
                hint="pass --name 官方全称",
            )
    year = opts.get("year") or meta["fiscal_year"]
    if not year:
        raise AddError(
            "the fiscal year cannot be read from the document",
            file=files[0],
            expected="a title such as “2027年部门预算”",
            hint="pass --year N",
        )
    body, why = None, ""
    if opts.get("body"):
        body = reg.body_by_id(opts["body"])
        why = f"--body {opts['body']}"
    else:
        body, why = reg.body_by_name(name)
    if body is not None:
        place = {k: body.get(k) for k in ("province", "city", "district", "division_code")}
        for key, flag in (("division_code", "--division-code"), ("province", "--province")):
            if opts.get(key) and opts[key] != place[key]:
                raise AddError(
                    f"{flag} {opts[key]!r} differs from body {body['id']!r} ({place[key]!r})",
                    file=files[0],
                    expected="the same place in every year of a body",
                    hint="drop the flag, or pass --body with another (new) id if this is another body",
                )
        body_id = body["id"]
        short_name = body.get("short_name") or name
        if not opts.get("name") and name not in {
            body.get("name"),
            *(n["name"] for n in body.get("names", [])),
        }:
            notes.append(f"原文称“{name}”，按单位简称对应到已登记单位，沿用其正式名称“{body['name']}”。")
            name = body["name"]
    else:
        place = {k: opts.get(k) for k in ("province", "city", "district", "division_code")}
        code = place["division_code"]
        if not code or not DIVISION_CODE.match(code):
            raise AddError(
                f"new body {name!r}: its division code is not in the document",
                file=files[0],
                expected="a GB/T 2260 code of 6 digits for the publishing level",
                hint="pass --division-code 420107 (or --body ID of a body already in bodies.json)",
            )
        if not place["province"]:
            raise AddError(
                f"new body {name!r}: its province is not in the document",
                file=files[0],
                expected="the province (or municipality) of the body",
                hint="pass --province 湖北省 (and --city / --district below the province level)",
            )
        if code[2:] != "0000" and not place["city"]:
            raise AddError(
                f"new body {name!r}: division code {code} is below the province level, its city is unknown",
                file=files[0],
                hint="pass --city 武汉市 (a municipality: its own name, e.g. --city 北京市)",
            )
        if code[4:] != "00" and not place["district"]:
            raise AddError(
                f"new body {name!r}: division code {code} is a district or county, its name is unknown",
                file=files[0],
                hint="pass --district 青山区",
            )
        if opts.get("body"):
            body_id = opts["body"]
        else:
            ascii_part = _ascii_slug(opts.get("slug") or "") or _ascii_slug(files[0].stem)
            if ascii_part is None:
                raise AddError(
                    f"new body {name!r}: no ASCII id can be formed from its Chinese name or file name",
                    file=files[0],
                    expected="a body id <division code>-<place or body> in lower-case ASCII",
                    hint=f"pass --body {code}-<pinyin or English>, e.g. --body {code}-city-admin",
                )
            ascii_part = ascii_part.removeprefix(f"{code}-").removeprefix(code)
            body_id = f"{code}-{ascii_part}".strip("-")
        check_name(body_id, what="body id", file=files[0])
        short_name = opts.get("short_name") or _short_name(
            name, place["province"], place["city"], place["district"]
        )
        why = "new body"
    slug = check_name(f"{body_id}-{year}", what="slug", file=files[0])
    if any(e["slug"] == slug for e in reg.data):
        raise AddError(
            f"body {body_id!r} already has a disclosure for {year} ({slug})",
            file=files[0],
            expected="one disclosure per body and fiscal year",
            hint="check --year, or pass --body with another id if this is another body",
        )
    rels = []
    for p in files:
        rel = f"{year}/{slug}/{p.name}"
        if not safe_rel(rel):
            raise AddError(f"file name {p.name!r} cannot be stored", file=p, hint="rename the file")
        if (reg.root / rel).exists():
            raise AddError(
                f"{rel} exists already in {reg.root.name}/",
                file=p,
                expected="a new file: a registered file is never overwritten",
                hint="move the existing file away or check the registry",
            )
        rels.append(rel)
    notes.append(
        f"由 add 命令登记：单位名称{'取自命令参数' if opts.get('name') else '取自原文'}，"
        f"年度{'取自命令参数' if opts.get('year') else '取自原文'}。"
    )
    if not opts.get("source_url"):
        notes.append("发布网址不详。")
    entry = {
        "file": rels[0],
        "slug": slug,
        "body": body_id,
        "name": name,
        "short_name": short_name,
        "province": place["province"],
        "city": place["city"],
        "district": place["district"],
        "division_code": place["division_code"],
        "fiscal_year": int(year),
        "source_url": opts.get("source_url"),
        "published": None,
        "sha256": shas[0],
        "received_as": files[0].name,
        "note": "".join(notes),
    }
    if len(files) > 1:
        entry["parts"] = [
            {"file": r, "sha256": s, "received_as": p.name}
            for r, s, p in zip(rels[1:], shas[1:], files[1:], strict=True)
        ]
    new_body = dict(body) if body is not None and reg.body_by_id(body_id) else None
    if new_body is None or "names" not in new_body:
        new_body = {
            "id": body_id,
            "name": name,
            "short_name": short_name,
            "names": [],
            **{k: place[k] for k in ("province", "city", "district", "division_code")},
        }
    names = [dict(n, years=list(n["years"])) for n in new_body["names"]]
    item = next((n for n in names if n["name"] == name), None)
    if item is None:
        names.append({"name": name, "years": [int(year)]})
    else:
        item["years"] = sorted({*item["years"], int(year)})
    new_body["names"] = names
    if int(year) >= max(y for n in names for y in n["years"]):
        new_body["name"] = name  # the current name is the latest year's
    copied: list[str] = []
    try:
        for rel, blob in zip(rels, blobs, strict=True):
            copied.append(rel)  # checked above not to exist: removed again if anything fails
            _copy(blob, reg.root, rel)
        reg.commit(entry, new_body, copied)
    except BaseException:
        for rel in copied:
            remove_file(reg.root, rel)
        raise
    say(f"added {slug}: {', '.join(rels)} — body {body_id} ({why}); {name}, {year}")
    return entry


def _manifest_groups(folder: Path, manifest: Path) -> list[tuple[list[Path], dict]]:
    groups = []
    with manifest.open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            names = [n.strip() for n in (row.get("files") or "").split(";") if n.strip()]
            if not names:
                raise RegistryError(f"row {i} names no files", file=manifest, line=i, expected="files: a;b")
            opts = {
                "body": (row.get("body") or "").strip() or None,
                "year": int(row["year"]) if (row.get("year") or "").strip() else None,
                "source_url": (row.get("url") or "").strip() or None,
            }
            groups.append(([folder / n for n in names], opts))
    return groups


def add_folder(reg: Registry, folder: Path, opts: dict, manifest: Path | None, max_mb: float | None) -> int:
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not any(x.startswith(".") for x in p.parts)
    )
    manifest = manifest or (folder / MANIFEST if (folder / MANIFEST).is_file() else None)
    groups = _manifest_groups(folder, manifest) if manifest else []
    grouped = {p.resolve() for g, _ in groups for p in g}
    groups += [([p], {}) for p in files if p.resolve() not in grouped]
    failed = []
    for group, extra in groups:
        try:
            add_one(reg, group, {**opts, **{k: v for k, v in extra.items() if v is not None}}, max_mb)
        except DisclosureError as exc:
            failed.append(group[0])
            say(f"FAILED {group[0]}: {exc}")
        except Exception as exc:  # one bad file never stops the others
            failed.append(group[0])
            say(f"FAILED {group[0]}: {type(exc).__name__}: {exc}")
    say(
        f"{len(groups) - len(failed)} added, {len(failed)} failed"
        + (": " + ", ".join(str(p) for p in failed) if failed else "")
    )
    return 1 if failed else 0


def cmd_add(args: argparse.Namespace) -> int:
    root = Path(args.disclosures) if args.disclosures else registry.DISCLOSURES
    opts = {
        "name": args.name,
        "short_name": args.short_name,
        "year": args.year,
        "body": args.body,
        "slug": args.slug,
        "division_code": args.division_code,
        "source_url": args.source_url,
        "province": args.province,
        "city": args.city,
        "district": args.district,
    }
    paths = [Path(p) for p in args.paths]
    try:
        reg = Registry(root)
        if len(paths) == 1 and paths[0].is_dir():
            return add_folder(
                reg, paths[0], opts, Path(args.manifest) if args.manifest else None, args.max_input_mb
            )
        for p in paths:
            if not p.is_file():
                raise AddError("not a file", file=p, expected="a PDF or text disclosure, or one folder")
        add_one(reg, paths, opts, args.max_input_mb)
    except DisclosureError as exc:
        say(f"error: {exc}")
        return 1
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        "add",
        help="register a disclosure (its files) or every disclosure under a folder",
        description="Copy the disclosure's files into disclosures/<year>/<slug>/ and register them; "
        "name and year are read from the document.",
    )
    a.add_argument("paths", nargs="+", help="the files of ONE disclosure (first = main file), or one folder")
    a.add_argument("--year", type=int, help="fiscal year (default: read from the document)")
    a.add_argument("--name", help="official name of the body (default: read from the document)")
    a.add_argument(
        "--short-name", help="name for titles (default: the body's, or the name without the province)"
    )
    a.add_argument(
        "--body", help="body id: an existing body of bodies.json, or a new id (<division code>-<ascii>)"
    )
    a.add_argument("--slug", help="ASCII part of a new body's id (e.g. qingshan-cgj)")
    a.add_argument("--division-code", help="GB/T 2260 code of a new body's level (6 digits)")
    a.add_argument("--source-url", help="where the disclosure was published")
    a.add_argument("--province", help="a new body's province, e.g. 湖北省")
    a.add_argument("--city", help="a new body's city (a municipality: its own name)")
    a.add_argument("--district", help="a new body's district or county")
    a.add_argument("--manifest", help=f"CSV grouping the files of a folder (default: {MANIFEST} in it)")
    a.add_argument("--disclosures", help="the disclosures folder (default: disclosures/ of this checkout)")
    a.add_argument("--max-input-mb", type=float, help=MAX_HELP)
    a.set_defaults(func=cmd_add)
