"""`package` (one file) and `build` (every registered disclosure) commands.

Errors in one disclosure are reported with file, line, what was expected and a hint, and the build goes
on with the others; `--strict` turns any such report into a failing exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import package, pipeline, registry
from .errors import DisclosureError, StaleError

ROOT = Path(__file__).resolve().parent.parent
DATAPACKAGES = ROOT / "datapackages"
REPORT = ROOT / ".build" / "report.json"


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def package_files(path: Path, meta: dict | None, overrides: dict | None = None) -> tuple[dict[str, bytes], dict,
                                                                                      pipeline.Extraction]:
    data = path.read_bytes()
    ex = pipeline.extract(data, str(path))
    meta = dict(meta or pipeline.guess_meta(ex, path))
    meta.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return package.files(ex, meta, path.name), meta, ex


def cmd_package(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        say(f"{path}: no such file (expected a disclosure text file)")
        return 2
    overrides = {"name": args.name, "short_name": args.name, "slug": args.slug, "fiscal_year": args.year,
                 "division_code": args.division_code}
    try:
        contents, meta, ex = package_files(path, registry.lookup(path), overrides)
    except DisclosureError as exc:
        say(exc.at(str(path)))
        return 1
    out = Path(args.out)
    package.write(out, contents)
    for warning in ex.warnings:
        say(f"warning: {warning}")
    problems = [] if args.no_validate else package.validate(out)
    for problem in problems:
        say(f"{out}: invalid package: {problem}")
    say(f"{path} -> {out} ({meta['slug']}, {len(ex.tables)} tables, {len(ex.resources)} resources)")
    return 1 if problems or (args.strict and ex.warnings) else 0


def cmd_build(args: argparse.Namespace) -> int:
    failures, stale, summary = 0, [], []
    entries = [e for e in registry.entries() if not args.only or e["slug"] in args.only]
    for entry in entries:
        started = time.perf_counter()
        target = DATAPACKAGES / entry["slug"]
        record = {"slug": entry["slug"], "name": entry["name"], "file": entry["file"], "status": "ok",
                  "messages": []}
        try:
            contents, _, ex = package_files(entry["path"], entry)
        except DisclosureError as exc:
            failures += 1
            record.update(status="failed", messages=[str(exc.at(entry["file"]))])
            say(f"FAILED {exc}")
            summary.append(record)
            continue
        record["messages"] = [str(w) for w in ex.warnings]
        record["tables"] = len(ex.tables)
        if args.check:
            diff = package.differences(target, contents)
            if diff:
                stale.append(StaleError(f"package is stale: {', '.join(diff[:5])}", file=str(target),
                                        hint="run `nox -s build` (python -m scripts build) and commit datapackages/"))
        else:
            package.write(target, contents)
        problems = [] if args.no_validate or args.check else package.validate(target)
        if problems:
            failures += 1
            record.update(status="invalid", messages=record["messages"] + problems)
        record["seconds"] = round(time.perf_counter() - started, 3)
        if ex.warnings:
            record["status"] = "warnings" if record["status"] == "ok" else record["status"]
        summary.append(record)
        say(f"{record['status']:8} {entry['slug']:32} {record['tables']:3} tables  {record['seconds']:.2f}s")
        for message in record["messages"]:
            say(f"         {message}")
    if not args.only and not args.check:
        known = {e["slug"] for e in entries}
        for orphan in sorted(p for p in DATAPACKAGES.iterdir() if p.is_dir() and p.name not in known):
            stale.append(StaleError("package has no registry entry", file=str(orphan),
                                    hint="remove it or add its disclosure to disclosures/registry.json"))
    for problem in stale:
        say(f"STALE  {problem}")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    warned = any(r["status"] == "warnings" for r in summary)
    return 1 if failures or stale or (args.strict and warned) else 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("package", help="convert one disclosure into a data package")
    p.add_argument("file")
    p.add_argument("--out", required=True, help="folder to write the package into")
    p.add_argument("--name", help="official name (default: from the registry or the text)")
    p.add_argument("--slug", help="package name (default: from the registry, else x-<sha256 prefix>)")
    p.add_argument("--year", type=int, help="fiscal year (default: from the text)")
    p.add_argument("--division-code", help="GB/T 2260 code of the body's division")
    p.add_argument("--strict", action="store_true", help="fail on any warning (e.g. an unreadable table)")
    p.add_argument("--no-validate", action="store_true", help="skip frictionless validation")
    p.set_defaults(func=cmd_package)

    b = sub.add_parser("build", help="package every registered disclosure into datapackages/")
    b.add_argument("--check", action="store_true", help="write nothing; fail when datapackages/ is stale")
    b.add_argument("--strict", action="store_true", help="fail on any warning")
    b.add_argument("--only", nargs="*", help="slugs to build (default: all)")
    b.add_argument("--no-validate", action="store_true", help="skip frictionless validation")
    b.set_defaults(func=cmd_build)
