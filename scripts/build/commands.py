"""`package` (one file) and `build` (every registered disclosure) commands.

Errors in one disclosure are reported with file, line, what was expected and a hint, and the build goes
on with the others; `--strict` turns any such report into a failing exit code.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts import checks, package
from scripts.build import cache, progress, registry
from scripts.checks import cross_year
from scripts.errors import DisclosureError, InternalError, StaleError
from scripts.extract import pipeline
from scripts.owned import OutputError, check_folder, check_name, refuse_stranger, write_file
from scripts.package.writer import owned_files

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGES = ROOT / "datapackages"
REPORT = ROOT / ".build" / "report.json"
# Real disclosures are under 2 MB of text and 50 MB as PDF; a far larger input costs minutes and
# gigabytes (95 MB of text: 70 s, 2.6 GB) and is refused unless --max-input-mb says otherwise.
MAX_INPUT_MB = {"text": 16, "pdf": 200}
STATE_FILES = ("cache.json", "report.json", "timings.json")


class InputTooLargeError(DisclosureError):
    """An input file is larger than the stated limit."""


def read_input(path: Path, max_mb: float | None = None) -> bytes:
    """The bytes of one input file, refused above the size limit (`MAX_INPUT_MB`, or `max_mb`)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        kind = "pdf" if fh.read(5) == b"%PDF-" else "text"
    limit = max_mb if max_mb is not None else MAX_INPUT_MB[kind]
    if size > limit * 1_000_000:
        raise InputTooLargeError(
            f"input is {size / 1_000_000:.1f} MB, above the limit of {limit:g} MB for {kind} input",
            file=path,
            expected=f"a disclosure of at most {limit:g} MB (real ones are under 2 MB of text, 50 MB as PDF)",
            hint=f"if this really is one disclosure, pass --max-input-mb {int(size / 1_000_000) + 1}",
        )
    return path.read_bytes()


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def disclosure(data: bytes, file: str, timings: dict | None = None) -> pipeline.Extraction:
    """One disclosure through the extraction and check stages: its resources, the quality report included.

    `timings`, when given, receives seconds per stage (read, extract, check) for the benchmark.
    """
    return disclosure_files([(file, data)], timings)


def disclosure_files(files: list[tuple[str, bytes]], timings: dict | None = None) -> pipeline.Extraction:
    """`disclosure` for the files of one disclosure, read in the order given."""
    ex = pipeline.extract_files(files, timings)
    clock = time.perf_counter()
    ex.add("quality_report", "quality_report", checks.run(ex))
    if timings is not None:
        timings["check"] = time.perf_counter() - clock
    return ex


def package_files(
    path: Path | list[Path],
    meta: dict | None,
    overrides: dict | None = None,
    *,
    timings: dict | None = None,
    max_mb: float | None = None,
    previous: dict | None = None,
) -> tuple[dict[str, bytes], dict, pipeline.Extraction]:
    """Every file of one disclosure's package (nothing written). `timings` gets seconds per stage.
    Several paths are the files of one disclosure (a prose PDF and a tables PDF). `previous`: the figures
    of the same body's package of the year before (`cross_year.year_figures`), for the cross-year checks
    appended to the quality report."""
    paths = path if isinstance(path, list) else [path]
    path = paths[0]
    try:
        ex = disclosure_files([(str(p), read_input(p, max_mb)) for p in paths], timings)
        meta = dict(meta or pipeline.guess_meta(ex, path))
        meta.update({k: v for k, v in (overrides or {}).items() if v is not None})
        check_name(meta["slug"], what="package name (slug)", file=path)
        if previous is not None:
            ex.add(
                "quality_report",
                "quality_report",
                cross_year.check(ex.rows("explanation"), meta["name"], previous),
            )
        clock = time.perf_counter()
        contents = package.files(ex, meta, path.name)
        if timings is not None:
            timings["package"] = time.perf_counter() - clock
    except DisclosureError:
        raise
    except Exception as exc:  # a bug of ours must still not hide which input triggered it
        raise InternalError(
            f"internal error {type(exc).__name__}: {exc}",
            file=str(path),
            hint="this is a bug in the pipeline, not in the input: please report it with this file",
        ) from exc
    return contents, meta, ex


def cmd_package(args: argparse.Namespace) -> int:
    paths = [Path(f) for f in args.file]
    for path in paths:
        if not path.is_file():
            say(
                f"{path}: no such file (expected a disclosure: its PDF as published, or text exported from it)"
            )
            return 2
    path = paths[0]
    out = Path(args.out)
    try:
        if args.slug is not None:
            check_name(args.slug, what="--slug")
        check_folder(out, what="--out")
        if out.is_dir() and any(out.iterdir()) and owned_files(out) is None:  # before any work
            refuse_stranger(out, what="package folder (--out)", why="it has no datapackage.json")
        entry, note = registry.match(paths)
    except DisclosureError as exc:
        say(exc)
        return 2
    if note:
        say(f"note: {note}")
    overrides = {
        "name": args.name,
        "short_name": args.name,
        "slug": args.slug,
        "fiscal_year": args.year,
        "division_code": args.division_code,
    }
    try:
        contents, meta, ex = package_files(paths, entry, overrides, max_mb=args.max_input_mb)
    except DisclosureError as exc:
        say(exc.at(str(path)))
        return 1
    try:
        package.write(out, contents)
    except OutputError as exc:
        say(exc)
        return 2
    for warning in ex.warnings:
        say(f"warning: {warning}")
    problems = [] if args.no_validate else package.validate(out)
    for problem in problems:
        say(f"{out}: invalid package: {problem}")
    say(f"{path} -> {out} ({meta['slug']}, {len(ex.tables)} tables, {len(ex.resources)} resources)")
    return 1 if problems or (args.strict and ex.warnings) else 0


MAX_HELP = (
    f"refuse input files larger than this (default: {MAX_INPUT_MB['text']} MB of text, "
    f"{MAX_INPUT_MB['pdf']} MB of PDF)"
)
PARALLEL_MIN = 8  # below this many disclosures to rebuild, worker start-up costs more than it saves


def _job(
    entry: dict,
    target: Path,
    check: bool,
    validate: bool,
    previous: dict | None = None,
    max_mb: float | None = None,
    written_before: set[str] | None = None,
) -> dict:
    """Build one disclosure (in a worker process when there are many); never raises. The result carries
    the package's `figures` for the cross-year checks of the body's next year."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    record = {
        "slug": entry["slug"],
        "name": entry["name"],
        "file": entry["file"],
        "status": "ok",
        "messages": [],
    }
    out = {
        "record": record,
        "files": None,
        "stale": [],
        "validated": False,
        "timings": timings,
        "figures": None,
    }
    try:
        contents, _, ex = package_files(
            entry["paths"], entry, timings=timings, max_mb=max_mb, previous=previous
        )
    except DisclosureError as exc:
        record.update(status="failed", messages=[str(exc.at(entry["file"]))])
        timings["total"] = time.perf_counter() - started
        return out
    record["messages"] = [str(w) for w in ex.warnings]
    record["tables"] = len(ex.tables)
    out["figures"] = _figures(lambda rel: contents.get(rel), entry)
    out["files"] = cache.file_hashes(contents)
    try:
        clock = time.perf_counter()
        if check:
            out["stale"] = package.differences(target, contents)
        else:
            package.write(target, contents, written_before)
        timings["write"] = time.perf_counter() - clock
        if validate and not check:
            clock = time.perf_counter()
            problems = package.validate(target)
            timings["validate"] = time.perf_counter() - clock
            out["validated"] = True
            if problems:
                record.update(status="invalid", messages=record["messages"] + problems)
    except DisclosureError as exc:  # the output folder cannot be written safely: nothing was
        record.update(status="failed", messages=record["messages"] + [str(exc)])
        out["files"] = None
    except Exception as exc:  # a bug of ours in writing/validating: report it against this disclosure only
        record.update(
            status="failed",
            messages=record["messages"]
            + [
                str(
                    InternalError(
                        f"internal error {type(exc).__name__}: {exc}",
                        file=entry["file"],
                        hint="this is a bug in the pipeline, not in the input: please report it with this file",
                    )
                )
            ],
        )
        out["files"] = None
    if ex.warnings and record["status"] == "ok":
        record["status"] = "warnings"
    timings["total"] = time.perf_counter() - started
    return out


def _run_jobs(jobs: list[tuple], workers: int) -> Iterator[dict]:
    """Each job's result as it is done (in job order)."""
    if workers <= 1 or len(jobs) < PARALLEL_MIN:
        yield from (_job(*job) for job in jobs)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(jobs) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_job, *zip(*jobs, strict=True), chunksize=chunk)


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)  # ru_maxrss is in KiB on Linux


def _waves(entries: list[dict], previous: dict[str, dict | None]) -> list[list[dict]]:
    """Entries grouped so that each comes after the same body's year before (registry order kept)."""
    depth: dict[str, int] = {}

    def level(entry: dict) -> int:
        if entry["slug"] not in depth:
            prev = previous.get(entry["slug"])
            depth[entry["slug"]] = 0 if prev is None or prev["slug"] not in previous else level(prev) + 1
        return depth[entry["slug"]]

    waves: dict[int, list[dict]] = {}
    for entry in entries:
        waves.setdefault(level(entry), []).append(entry)
    return [waves[k] for k in sorted(waves)]


def _figures(read: Callable[[str], bytes | None], entry: dict) -> dict:
    """`cross_year.year_figures` of a package's files (`read(rel)` gives a file's bytes or None): the
    package as written, so a rebuilt and a cached previous year give the same figures."""

    def rows(name: str) -> list[dict]:
        data = read(f"data/{name}.csv")
        return [] if data is None else list(csv.DictReader(io.StringIO(data.decode("utf-8"))))

    return cross_year.year_figures(rows, entry["fiscal_year"], entry["name"])


def _disk_figures(pkg_dir: Path, entry: dict) -> dict | None:
    """`_figures` of a package already on disk (None when it is not there)."""
    if not (pkg_dir / "datapackage.json").is_file():
        return None
    return _figures(lambda rel: (pkg_dir / rel).read_bytes() if (pkg_dir / rel).is_file() else None, entry)


def previous_figures(
    entry: dict, entries: list[dict] | None = None, out_dir: Path = DATAPACKAGES
) -> dict | None:
    """The figures the cross-year checks of `entry` compare with: its body's previous-year package in
    `out_dir` (None for a first or only year, or when that package is not built)."""
    prev = registry.previous_of([entry], entries if entries is not None else registry.entries())[
        entry["slug"]
    ]
    return None if prev is None else _disk_figures(out_dir / prev["slug"], prev)


def cmd_build(args: argparse.Namespace) -> int:
    wall = time.perf_counter()
    out_dir = Path(args.out) if args.out else DATAPACKAGES
    state = (
        Path(args.state)
        if args.state
        else (REPORT.parent if not args.out else out_dir.with_name(out_dir.name + ".build"))
    )
    with _build_lock(state):
        try:
            check_out_dir(out_dir)
            check_state(state, own=not args.state)
            entries = registry.load(Path(args.registry)) if args.registry else registry.entries()
        except DisclosureError as exc:
            say(f"FAILED {exc}")
            return 2
        return _build(args, wall, out_dir, state, entries)


@contextmanager
def _build_lock(state: Path):
    """One build at a time per state folder: a second one waits (two builds writing the same packages
    would each take the other's fresh files for a stranger's). The lock file sits in the system's temp
    folder, named after the state folder, so nothing is written before the folders are checked."""
    import fcntl
    import hashlib
    import tempfile

    key = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:16]
    lock = Path(tempfile.gettempdir()) / f"budget-build-{key}.lock"
    with lock.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another build is using {state}: waiting for it to finish")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _build(args: argparse.Namespace, wall: float, out_dir: Path, state: Path, entries: list[dict]) -> int:
    every = entries
    entries = [e for e in entries if not args.only or e["slug"] in args.only]
    store = cache.BuildCache(state / "cache.json")
    validate = not (args.no_validate or args.check)
    results: dict[str, dict] = {}
    keys: dict[str, str] = {}
    figures: dict[str, dict | None] = {}  # slug -> its package's figures, for the body's next year
    previous = registry.previous_of(entries, every)
    needed = {p["slug"] for p in previous.values() if p is not None}
    rebuilt = 0
    workers = 1
    bar = progress.Progress(len(entries), quiet=args.quiet)
    # A body's later year is checked against the package of the year before: build in waves, first
    # years first (each wave in parallel), so that package's figures exist when the next year is built.
    for wave in _waves(entries, previous):
        jobs = []
        for entry in wave:
            prev = previous[entry["slug"]]
            prev_figures = None
            if prev is not None:
                prev_figures = figures.get(prev["slug"]) or _disk_figures(out_dir / prev["slug"], prev)
            keys[entry["slug"]] = cache.key(entry["path"].read_bytes(), entry, prev_figures)
            target = out_dir / entry["slug"]
            hit = (
                None
                if args.no_cache
                else store.hit(entry["slug"], keys[entry["slug"]], target, need_validated=validate)
            )
            if hit is not None:
                results[entry["slug"]] = {"record": hit, "cached": True, "timings": {}}
                bar.advance()
                if entry["slug"] in needed:
                    figures[entry["slug"]] = _disk_figures(target, entry)
            else:
                before = set(store.entries.get(entry["slug"], {}).get("files", {}))
                jobs.append((entry, target, args.check, validate, prev_figures, args.max_input_mb, before))
        workers = max(workers, min(args.jobs or os.cpu_count() or 1, len(jobs)))
        rebuilt += len(jobs)
        for result in _run_jobs(jobs, max(1, min(args.jobs or os.cpu_count() or 1, len(jobs)))):
            record = result["record"]
            results[record["slug"]] = result
            bar.advance()
            if record["status"] != "ok":
                bar.print(f"{record['status']:8} {record['slug']}")
            figures[record["slug"]] = result.get("figures")
            if result["files"] is None or result["stale"] or (args.check and record["status"] == "failed"):
                store.forget(record["slug"])
            elif not args.check or not result["stale"]:
                store.store(
                    record["slug"],
                    keys[record["slug"]],
                    result["files"],
                    record,
                    validated=result["validated"],
                    target=out_dir / record["slug"],
                )
    bar.close()
    stale, summary, stage_totals = [], [], {}
    for entry in entries:
        result = results[entry["slug"]]
        record = result["record"]
        summary.append(record)
        for stage, seconds in result["timings"].items():
            stage_totals[stage] = stage_totals.get(stage, 0.0) + seconds
        if result.get("stale"):
            stale.append(
                StaleError(
                    f"package is stale: {', '.join(result['stale'][:5])}",
                    file=str(out_dir / entry["slug"]),
                    hint="run `nox -s build` (python -m scripts build) and commit datapackages/",
                )
            )
        seconds = result["timings"].get("total")
        timing = "cached" if result.get("cached") else f"{seconds:.2f}s"
        if args.verbose or record["status"] != "ok":
            say(f"{record['status']:8} {entry['slug']:32} {record.get('tables', 0):3} tables  {timing}")
            for message in record["messages"]:
                say(f"         {message}")
    if not args.only and not args.check and out_dir.is_dir():
        known = {e["slug"] for e in entries}
        for orphan in sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name not in known):
            stale.append(
                StaleError(
                    "package has no registry entry",
                    file=str(orphan),
                    hint="remove it or add its disclosure to disclosures/registry.json",
                )
            )
    if not args.only:
        store.keep_only({e["slug"] for e in entries})
    failing, unreadable = progress.review(out_dir, [e["slug"] for e in entries], store.entries)
    store.save()
    for problem in stale:
        say(f"STALE  {problem}")
    # report.json holds no timings, so two builds of the same inputs give the same report (and report page).
    write_file(state, "report.json", (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode())
    counts = {s: sum(r["status"] == s for r in summary) for s in ("ok", "warnings", "invalid", "failed")}
    timings = {
        "disclosures": len(entries),
        "rebuilt": rebuilt,
        "cached": len(entries) - rebuilt,
        "workers": workers if rebuilt >= PARALLEL_MIN else 1,
        "wall_seconds": round(time.perf_counter() - wall, 3),
        "stage_seconds": {k: round(v, 4) for k, v in sorted(stage_totals.items())},
        "peak_rss_mb": _peak_rss_mb(),
        "counts": counts,
    }
    write_file(state, "timings.json", (json.dumps(timings, indent=2) + "\n").encode())
    say(
        f"built {len(entries)} disclosures ({rebuilt} rebuilt, {timings['cached']} unchanged) in "
        f"{timings['wall_seconds']:.1f}s: "
        + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        + (f"; {len(stale)} stale" if stale else "")
        + f"; report: {state / 'report.json'}"
    )
    for line in progress.summary(
        counts, rebuilt, timings["cached"], failing, unreadable, state / "report.json"
    ):
        say(line)
    # A disclosure that cannot be built is reported, the others are built, and the exit code says so.
    # A table read as unreadable (a warning) is fatal only with --strict. An invalid package or a
    # stale one is our output being wrong: always fatal.
    failed = counts["failed"] or counts["invalid"] or stale
    return 1 if failed or (args.strict and counts["warnings"]) else 0


def check_out_dir(out_dir: Path) -> None:
    """The packages folder is missing, empty or holds data packages: else it is someone else's folder.
    (Inside it, each package folder is checked again when written: `package.write`.)"""
    check_folder(out_dir, what="packages folder (--out)")
    if not out_dir.is_dir():
        return
    entries = list(out_dir.iterdir())
    if entries and not any(
        p.is_dir() and not p.is_symlink() and (p / "datapackage.json").is_file() for p in entries
    ):
        refuse_stranger(out_dir, what="packages folder (--out)", why="it holds no data package")


def check_state(state: Path, *, own: bool) -> None:
    """The build state folder: a folder (created when missing); a folder given with --state must be
    empty or hold this tool's state (its cache.json)."""
    check_folder(state, what="build state folder (--state)")
    for name in STATE_FILES:
        if (state / name).is_symlink():
            check_folder(state / name, what=f"build state file {name}")
    if not own and state.is_dir() and any(state.iterdir()):
        try:
            ours = "entries" in json.loads((state / "cache.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            ours = False
        if not ours:
            refuse_stranger(state, what="build state folder (--state)", why="it holds no cache.json of ours")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("package", help="convert one disclosure into a data package")
    p.add_argument(
        "file", nargs="+", help="the files of one disclosure: PDF(s) as published, or exported text"
    )
    p.add_argument("--out", required=True, help="folder to write the package into")
    p.add_argument("--name", help="official name (default: from the registry or the text)")
    p.add_argument("--slug", help="package name (default: from the registry, else x-<sha256 prefix>)")
    p.add_argument("--year", type=int, help="fiscal year (default: from the text)")
    p.add_argument("--division-code", help="GB/T 2260 code of the body's division")
    p.add_argument("--strict", action="store_true", help="fail on any warning (e.g. an unreadable table)")
    p.add_argument("--no-validate", action="store_true", help="skip frictionless validation")
    p.add_argument("--max-input-mb", type=float, help=MAX_HELP)
    p.set_defaults(func=cmd_package)

    b = sub.add_parser("build", help="package every registered disclosure into datapackages/")
    b.add_argument("--check", action="store_true", help="write nothing; fail when datapackages/ is stale")
    b.add_argument("--strict", action="store_true", help="fail on any warning")
    b.add_argument("--only", nargs="*", help="slugs to build (default: all)")
    b.add_argument("--no-validate", action="store_true", help="skip frictionless validation")
    b.add_argument("--registry", help="registry JSON to build from (default: disclosures/registry.json)")
    b.add_argument("--out", help="folder for the packages (default: datapackages/)")
    b.add_argument(
        "--state",
        help="folder for cache.json, report.json, timings.json "
        "(default: .build/, or <out>.build/ with --out)",
    )
    b.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    b.add_argument("--no-cache", action="store_true", help="rebuild every disclosure, changed or not")
    b.add_argument("--quiet", action="store_true", help="no progress: print only disclosures that are not ok")
    b.add_argument("--verbose", action="store_true", help="print one line per disclosure, ok or not")
    b.add_argument("--max-input-mb", type=float, help=MAX_HELP)
    b.set_defaults(func=cmd_build)
