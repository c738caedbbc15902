"""`python -m scripts bench-validation [N]` — ways to run frictionless's validation, side by side.

Builds N synthetic packages (default 50; `--no-validate`, so nothing is validated twice) next to the real
ones in datapackages/, then validates every package once with each variant. Each variant runs in its own
fresh process, warmed up on a tiny package of its own (imports, lazily built profiles) so that no cache
the variants keep starts with any measured table. The variants take turns package by package (the order
rotates) and only one runs at a time, so a busy machine slows them all alike. Reports the median
milliseconds per package, the speed-up against `Package(path).validate()`, and whether each variant
reported the same error types as it for every package.
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench import synth

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "datapackages"


def _types(errors) -> list[str]:
    return sorted({error.type for error in errors})


def _report_types(report) -> list[str]:
    return sorted({kind for (kind,) in report.flatten(["type"])})


def baseline(target: Path) -> list[str]:
    """a. What validate() did: frictionless reads the package from its path and validates it."""
    from frictionless import FrictionlessException, Package

    try:
        return _report_types(Package(str(target / "datapackage.json")).validate())
    except FrictionlessException as exc:  # e.g. a malformed schema: frictionless's validate() reports it so
        return _types(exc.to_errors())


def parallel(target: Path) -> list[str]:
    """a'. frictionless's own option: a process pool per package, sequential anyway when a table has
    foreign keys (most of ours)."""
    from frictionless import Package

    return _report_types(Package(str(target / "datapackage.json")).validate(parallel=True))


def explicit(target: Path) -> list[str]:
    """b. Explicit descriptors: schemas inlined, CSV dialect given (header row, delimiter, quoting), so
    that frictionless detects less; one Package(descriptor).validate()."""
    from frictionless import Package

    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if isinstance(resource.get("schema"), str):
            resource["schema"] = json.loads((target / resource["schema"]).read_text(encoding="utf-8"))
        if resource.get("format") == "csv":
            resource["dialect"] = {"headerRows": [1], "csv": {"delimiter": ",", "quoteChar": '"'}}
    return _report_types(Package(descriptor, basepath=str(target)).validate())


def _shared(target: Path, *, recheck: bool) -> list[str]:
    from frictionless import Package
    from frictionless.resources import TableResource

    from scripts.package.validate import check_data, load, shared_schema

    descriptor, package = load(target)
    version = Package.effective_datapackage_version(descriptor, None)
    found = []
    for resource, raw in zip(package.resources, descriptor["resources"], strict=True):
        if isinstance(raw.get("schema"), str):
            _, resource.schema = shared_schema(target, raw["schema"], version)
        if recheck or not isinstance(resource, TableResource):
            found += _report_types(resource.validate())
        else:
            found += _types(check_data(resource))
    return sorted(set(found))


def shared(target: Path) -> list[str]:
    """c. Package metadata checked once from the dict, Schema objects shared per schema file content,
    `Resource.validate()` for each resource (which re-checks the resource's metadata)."""
    return _shared(target, recheck=True)


def once(target: Path) -> list[str]:
    """d. As c, but each resource's metadata checked once, with the package's: rows through
    `check_data` (frictionless's open and checklist checks without the re-check)."""
    return _shared(target, recheck=False)


def kept(target: Path) -> list[str]:
    """e. scripts.package.validate as kept: d, plus tables already found valid (same bytes, schema,
    descriptor and referenced tables) not validated again in this process."""
    from scripts.package.validate import validate_errors

    return _types(error for _, error in validate_errors(target))


VARIANTS = {
    "a baseline Package(path).validate()": baseline,
    "a' Package.validate(parallel=True)": parallel,
    "b explicit descriptors": explicit,
    "c shared schemas + Resource.validate": shared,
    "d c + metadata once per package": once,
    "e d + valid tables remembered (kept)": kept,
}


def _warm_package(folder: Path) -> Path:
    """A two-row package no measured package shares a byte with."""
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "t.csv").write_text("k,v\nw1,1\nw2,2\n", encoding="utf-8")
    schema = {
        "fields": [{"name": "k", "type": "string"}, {"name": "v", "type": "integer"}],
        "primaryKey": ["k"],
    }
    (folder / "t.json").write_text(json.dumps(schema), encoding="utf-8")
    resource = {"name": "t", "path": "data/t.csv", "format": "csv", "encoding": "utf-8", "schema": "t.json"}
    descriptor = {"name": "warm-up", "resources": [resource, copy.deepcopy(resource) | {"name": "u"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def _worker(name: str, warm: str, conn) -> None:
    """One variant in its own process: warm up, then validate each package sent, timing the call."""
    from frictionless import system

    run = VARIANTS[name]
    with system.use_context(trusted=True):  # as scripts.package.validate, for every variant
        run(Path(warm))
        while (path := conn.recv()) is not None:
            started = time.perf_counter()
            try:
                types = run(Path(path))
            except Exception as exc:  # a variant that cannot run on a package: shown, not fatal
                types = [f"raised {type(exc).__name__}: {exc}"]
            conn.send((time.perf_counter() - started, types))
    conn.close()


def measure(packages: list[Path], names: list[str], warm: Path) -> dict[str, dict]:
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: nothing inherited from this one
    workers = {}
    for name in names:
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(name, str(warm), theirs), daemon=False)
        proc.start()
        workers[name] = (proc, mine)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    types: dict[str, list[list[str]]] = {name: [] for name in names}
    try:
        for i, package in enumerate(packages):
            turn = names[i % len(names) :] + names[: i % len(names)]
            for name in turn:
                workers[name][1].send(str(package))
                took, found = workers[name][1].recv()
                seconds[name].append(took)
                types[name].append(found)
    finally:
        for proc, conn in workers.values():
            if proc.is_alive():
                conn.send(None)
            proc.join()
    reference = types[names[0]]
    return {
        name: {
            "median_ms": round(1000 * statistics.median(seconds[name]), 1),
            "mean_ms": round(1000 * statistics.fmean(seconds[name]), 1),
            "total_s": round(sum(seconds[name]), 2),
            "same_error_types": sum(a == b for a, b in zip(types[name], reference, strict=True)),
            "invalid_packages": sum(bool(t) for t in types[name]),
        }
        for name in names
    }


def build_synthetic(n: int, work: Path, seed: int) -> list[Path]:
    synth.generate(n, work / "syn", seed)
    out = work / "packages"
    cmd = [sys.executable, "-m", "scripts", "build", "--registry", str(work / "syn" / "registry.json")]
    cmd += ["--out", str(out), "--state", str(work / "state"), "--no-validate", "--quiet"]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return sorted(p for p in out.iterdir() if (p / "datapackage.json").is_file())


def table(results: dict[str, dict], count: int) -> str:
    base = next(iter(results.values()))["median_ms"]
    lines = [
        f"Validation of {count} packages, each variant once per package in its own warm process, interleaved.",
        "",
        "| variant | median ms/package | mean ms | total s | speed-up (median) | same error types as a |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['median_ms']} | {r['mean_ms']} | {r['total_s']} | "
            f"{base / r['median_ms']:.2f}× | {r['same_error_types']}/{count} |"
        )
    return "\n".join(lines) + "\n"


def cmd_bench_validation(args: argparse.Namespace) -> int:
    names = list(VARIANTS)
    if args.variants:
        names = [names[0]] + [n for n in names[1:] if n.split()[0] in args.variants.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as tmp:
        work = Path(tmp)
        print(f"building {args.n} synthetic packages…", file=sys.stderr, flush=True)
        packages = build_synthetic(args.n, work, args.seed) if args.n else []
        if not args.no_real:
            packages += sorted(p for p in REAL.iterdir() if (p / "datapackage.json").is_file())
        print(f"validating {len(packages)} packages with {len(names)} variants…", file=sys.stderr, flush=True)
        results = measure(packages, names, _warm_package(work / "warm"))
    text = table(results, len(packages))
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(r["same_error_types"] == len(packages) for r in results.values()) else 1


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench-validation", help="time frictionless validation variants side by side")
    p.add_argument(
        "n", nargs="?", type=int, default=50, help="synthetic packages, besides the real ones (default 50)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-real", action="store_true", help="only the synthetic packages")
    p.add_argument("--variants", help="comma-separated letters to run besides a, e.g. c,e")
    p.add_argument("--json", help="also write the figures to this JSON file")
    p.set_defaults(func=cmd_bench_validation)
