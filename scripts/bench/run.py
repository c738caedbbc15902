"""`python -m scripts bench [N …]` — time the whole build on synthetic centres, against a bare MkDocs floor.

First the registered PDF disclosures as published (real inputs): seconds per stage (read, tables,
checks, package, validate) in one warm process, median of three runs. Then for each N: synth N
disclosures → the full build from scratch: `build` into a temp folder (time per stage from the build's
own timings), our pages (`site`) and MkDocs in a temp copy of the site config, each step's wall time and
peak memory → the same three steps again with nothing changed, then after one disclosure is republished
(the page and render caches at work) → for N ≤ 1,000 (or --verify) the site built again from scratch
without any cache, compared file by file with the incremental one → the floor: a bare mkdocs-material
build of N pages of the same size and Markdown shape, no hooks or extra plugins. Writes bench/out/bench.json and bench/out/bench.md. Never touches datapackages/ or site_src/.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench import synth
from scripts.errors import DisclosureError
from scripts.owned import check_folder, refuse_stranger, write_file

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
PIPELINE_STAGES = ("read", "extract", "check", "package", "write", "validate")
# Runs a command and prints the peak RSS (KiB) of the largest process in its tree, for per-step memory.
PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _python_env() -> dict:
    """The environment of a step, as a user's shell has it: Python keeps the bytecode it compiles.
    Some sandboxes and CI images set PYTHONDONTWRITEBYTECODE, and every step then compiles all of
    pandas, altair, frictionless and mkdocs again, seconds that are not ours (and hide what is)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], *, cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Run one step; its wall seconds, peak RSS in MB, and exit code."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, *cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**_python_env(), **(env or {})},
    )
    seconds = time.perf_counter() - started
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else None
    if proc.returncode != 0:
        say(f"  step failed ({proc.returncode}): {' '.join(cmd)}\n" + "\n".join(lines[-15:-1]))
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak, 1) if peak else None,
        "returncode": proc.returncode,
    }


def _markdown_table(text: str, limit: int = 400) -> str:
    rows = list(csv.reader(io.StringIO(text)))[: limit + 1]
    if not rows:
        return ""
    width = len(rows[0])
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    out += [
        "| " + " | ".join(c.replace("|", "/") for c in r + [""] * (width - len(r))) + " |" for r in rows[1:]
    ]
    return "\n".join(out)


def floor_page(package: Path, size: int | None) -> str:
    """A centre-like page without our work: title, headings and every CSV as a Markdown table."""
    desc = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    parts = [f"# {desc['title']}\n", f"{desc.get('description', '')}\n"]
    for res in desc["resources"]:
        if res.get("format") == "csv":
            parts.append(f"## {res.get('title') or res['name']}\n")
            parts.append(_markdown_table((package / res["path"]).read_text(encoding="utf-8")) + "\n")
    page = "\n".join(parts)
    if size:  # same size as our page for this centre: trim, or repeat the tables
        while len(page.encode()) < size:
            page += "\n" + "\n".join(parts[2:])
        page = page.encode()[:size].decode(errors="ignore")
    return page


def build_floor(packages: Path, work: Path, sizes: dict[str, int]) -> Path:
    docs = work / "floor" / "docs"
    (docs / "centres").mkdir(parents=True)
    (docs / "index.md").write_text("# 基准\n\n空白对照站点。\n", encoding="utf-8")
    for pkg in sorted(p for p in packages.iterdir() if p.is_dir()):
        text = floor_page(pkg, sizes.get(pkg.name))
        (docs / "centres" / f"{pkg.name}.md").write_text(text, encoding="utf-8")
    config = work / "floor" / "mkdocs.yml"
    config.write_text(
        # Same navigation shape as our site (a short nav, centres outside it): a nav listing every page
        # grows with pages x entries, which would flatter the ratio.
        "site_name: 基准\ndocs_dir: docs\nsite_dir: site\ntheme:\n  name: material\n  language: zh\n"
        "  font: false\nnav:\n  - index.md\nnot_in_nav: |\n  /centres/\n",
        encoding="utf-8",
    )
    return config


def page_weight(site: Path) -> dict:
    """Gzipped KB of what one centre page loads: its HTML, every script and stylesheet the theme and
    mkdocs.yml add, its chart specs and CSVs; and, apart, the site-wide search index (which grows with N),
    fetched only when the reader opens search (site_src/overrides/main.html)."""
    import gzip

    def gz(path: Path) -> int:
        return len(gzip.compress(path.read_bytes(), 9)) if path.is_file() else 0

    centres = (
        sorted(p for p in (site / "centres").iterdir() if p.is_dir()) if (site / "centres").is_dir() else []
    )
    if not centres:
        return {}
    page = centres[len(centres) // 2]
    shared = [
        *site.glob("assets/javascripts/*.js"),
        *site.glob("assets/javascripts/workers/*.js"),
        *site.glob("assets/stylesheets/*.css"),
        *site.glob("assets/vendor/**/*.js"),
        *site.glob("assets/js/*.js"),
        *site.glob("assets/css/*.css"),
    ]
    own = [page / "index.html", *page.glob("charts/*.vg.json"), *page.glob("data/*.csv")]
    index = gz(site / "search" / "search_index.json")
    total = sum(gz(p) for p in shared + own)
    return {
        "page": page.name,
        "total": round(total / 1024, 1),
        "search_index": round(index / 1024, 1),
        "with_search": round((total + index) / 1024, 1),
    }


def _one_changed(registry: Path) -> str:
    """Republish one disclosure with every amount doubled (a corrected edition: its sums still hold, its
    figures, charts and listings change) and return its slug. Tripled, or more, when doubling gives the
    very bytes of another disclosure (a synthetic body's later year can be its earlier one doubled):
    the registry refuses two disclosures with one sha256."""
    entries = json.loads(registry.read_text(encoding="utf-8"))
    entry = entries[len(entries) // 2]
    path = registry.parent / entry["file"]
    encoding = (entry.get("x_synth") or {}).get("encoding", "utf-8")
    taken = {e.get("sha256") for e in entries}
    text = path.read_bytes().decode(encoding)
    factor = 2
    data = synth.scale_amounts(text, factor).encode(encoding)
    while hashlib.sha256(data).hexdigest() in taken:
        factor += 1
        data = synth.scale_amounts(text, factor).encode(encoding)
    path.write_bytes(data)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    registry.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return entry["slug"]


# mkdocs dates sitemap.xml with it: two builds of the same pages are then byte-identical.
MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}


def _site_copy(site: Path) -> None:
    """The hand-written site (site_src without generated parts, mkdocs.yml) in a temp folder."""
    from scripts import site as site_module

    generated = (*site_module.GENERATED_DIRS, *site_module.GENERATED_PAGES, ".written")
    shutil.copytree(
        ROOT / "site_src",
        site / "site_src",
        ignore=lambda d, names: [n for n in names if Path(d) == ROOT / "site_src" and n in generated],
    )
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    hooks = str(ROOT / "scripts" / "site" / "hooks.py")
    (site / "mkdocs.yml").write_text(config.replace("scripts/site/hooks.py", hooks), encoding="utf-8")


def site_steps(site: Path, packages: Path, report: Path, *, cached: bool) -> dict:
    """Our pages, then MkDocs; with `cached`, the page and render caches (in `site/.build/`) are used."""
    cache = str(site / ".build" / "site-cache") if cached else "off"
    pages = run(
        [
            sys.executable,
            "-m",
            "scripts",
            "site",
            "--packages",
            str(packages),
            "--out",
            str(site / "site_src"),
        ]
        + ["--build-report", str(report), "--cache", cache]
    )
    mkdocs = run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site / "mkdocs.yml")],
        cwd=site,
        env={**MKDOCS_ENV, "RENDER_CACHE": str(site / ".build" / "render-cache") if cached else "off"},
    )
    return {"pages": pages, "mkdocs": mkdocs}


def same_tree(a: Path, b: Path) -> dict:
    """Files of two site folders compared byte for byte."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ = sorted(r for r in files_a & files_b if (a / r).read_bytes() != (b / r).read_bytes())
    return {
        "files": len(files_a),
        "identical": not differ and files_a == files_b,
        "differ": differ[:20],
        "only_incremental": sorted(files_a - files_b)[:20],
        "only_full": sorted(files_b - files_a)[:20],
    }


def _total(steps: dict) -> float:
    return round(sum(v["seconds"] for v in steps.values() if isinstance(v, dict) and "seconds" in v), 3)


def bench_size(n: int, work: Path, *, seed: int, floor: bool, verify: bool) -> dict:
    say(f"== {n} centres")
    result: dict = {"n": n, "cpu_count": os.cpu_count()}
    syn = work / "syn"
    started = time.perf_counter()
    synth.generate(n, syn, seed)
    result["synth_seconds"] = round(time.perf_counter() - started, 3)
    packages = work / "packages"
    state = work / "state"
    build_cmd = [sys.executable, "-m", "scripts", "build", "--registry", str(syn / "registry.json")]
    build_cmd += ["--out", str(packages), "--state", str(state), "--quiet"]
    site = work / "site"
    _site_copy(site)

    def everything() -> dict:
        return {"build": run(build_cmd), **site_steps(site, packages, state / "report.json", cached=True)}

    full = everything()
    step = full["build"]
    timings = json.loads((state / "timings.json").read_text(encoding="utf-8"))
    per = {k: round(1000 * v / max(1, n), 2) for k, v in timings["stage_seconds"].items()}
    result["build"] = {
        **step,
        "workers": timings["workers"],
        "counts": timings["counts"],
        "stage_cpu_seconds": timings["stage_seconds"],
        "stage_ms_per_disclosure": per,
    }
    core = sum(timings["stage_seconds"].get(k, 0.0) for k in ("read", "extract", "check", "package"))
    result["extract_package_check_ms_per_disclosure"] = round(1000 * core / max(1, n), 2)
    result["pages"], result["mkdocs"] = full["pages"], full["mkdocs"]
    result["page_weight_kb_gz"] = page_weight(site / "site")
    say(
        f"  full: build {step['seconds']:.1f}s ({result['extract_package_check_ms_per_disclosure']} ms/disclosure "
        f"read+extract+check+package, {per.get('validate', 0)} ms validate, peak {step['peak_rss_mb']} MB), "
        f"pages {full['pages']['seconds']:.1f}s (peak {full['pages']['peak_rss_mb']} MB), "
        f"mkdocs {full['mkdocs']['seconds']:.1f}s (peak {full['mkdocs']['peak_rss_mb']} MB)"
    )

    unchanged = everything()
    slug = _one_changed(syn / "registry.json")
    changed = everything()
    rebuilt = json.loads((state / "timings.json").read_text(encoding="utf-8"))["rebuilt"]
    result["incremental"] = {
        "changed": slug,
        "no_change": unchanged,
        "one_changed": changed,
        "one_changed_rebuilt": rebuilt,
        "no_change_seconds": _total(unchanged),
        "one_changed_seconds": _total(changed),
        "full_seconds": _total(full),
        "one_changed_ratio": round(_total(changed) / _total(full), 4),
    }
    say(
        f"  rebuild, all steps: unchanged {_total(unchanged):.1f}s, one changed {_total(changed):.1f}s "
        f"({100 * result['incremental']['one_changed_ratio']:.1f}% of full {_total(full):.1f}s): "
        + ", ".join(f"{k} {v['seconds']:.1f}s" for k, v in changed.items())
    )
    if verify:
        # The proof: the incremental site equals a site built from scratch without any cache.
        fresh = work / "site-full"
        _site_copy(fresh)
        site_steps(fresh, packages, state / "report.json", cached=False)
        result["incremental"]["same_as_full_build"] = same_tree(site / "site", fresh / "site")
        say(f"  incremental site vs full build: {result['incremental']['same_as_full_build']}")
        shutil.rmtree(fresh)

    sizes: dict[str, int] = {}
    for page in (site / "site_src" / "centres").rglob("*.md"):
        slug = page.stem if page.stem != "index" else page.parent.name
        sizes[slug] = sizes.get(slug, 0) + page.stat().st_size
    if floor:
        config = build_floor(packages, work, sizes)
        result["floor"] = run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
            cwd=config.parent,
            env=MKDOCS_ENV,
        )
        result["floor"]["page_bytes"] = sum(p.stat().st_size for p in (config.parent / "docs").rglob("*.md"))
        say(
            f"  floor (bare mkdocs-material, {n} pages) {result['floor']['seconds']:.1f}s "
            f"(peak {result['floor']['peak_rss_mb']} MB)"
        )
        ours = _total(full)
        result["total_seconds"] = round(ours, 3)
        result["ratio_to_floor"] = round(ours / result["floor"]["seconds"], 3)
    return result


PDF_RUNS = 3
# Above this, the from-scratch comparison build would add a third of the run: ask for it with --verify.
VERIFY_UP_TO = 1000


def bench_pdfs() -> list[dict]:
    """Each registered disclosure with a PDF: PDF in → validated package out, seconds per stage."""
    from statistics import median

    from scripts import package
    from scripts.build import registry
    from scripts.build.commands import package_files

    out = []
    for entry in registry.entries():
        if not any(p.suffix.lower() == ".pdf" for p in entry["paths"]):
            continue
        runs = []
        for _ in range(PDF_RUNS):
            timings: dict[str, float] = {}
            clock = time.perf_counter()
            contents, _, ex = package_files(entry["paths"], entry, timings=timings)
            with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
                target = Path(tmp) / entry["slug"]
                package.write(target, contents)
                start = time.perf_counter()
                problems = package.validate(target)
                timings["validate"] = time.perf_counter() - start
            timings["total"] = time.perf_counter() - clock
            runs.append(timings)
        stages = {
            "read": "read",
            "tables": "extract",
            "checks": "check",
            "package": "package",
            "validate": "validate",
        }
        out.append(
            {
                "slug": entry["slug"],
                "files": len(entry["paths"]),
                "pages": len({(line.file, line.page) for line in ex.lines if line.page}),
                "table_count": len(ex.tables),
                "valid": not problems,
                **{k: round(median(r.get(v, 0.0) for r in runs), 3) for k, v in stages.items()},
                "total": round(median(r["total"] for r in runs), 3),
            }
        )
    return out


def pdf_summary(rows: list[dict]) -> str:
    from statistics import median

    lines = [
        "## Real PDFs: PDF in → validated package out (seconds, median of "
        f"{PDF_RUNS} runs in one warm process)",
        "",
        "| disclosure | files | pages | tables found | read | tables | checks | package | validate | total |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['slug']} | {r['files']} | {r['pages']} | {r['table_count']} | {r['read']} | {r['tables']} | "
            f"{r['checks']} | {r['package']} | {r['validate']} | {r['total']} |"
        )
    if rows:
        lines += ["", f"Median per disclosure: {median(r['total'] for r in rows):.3f} s."]
    return "\n".join(lines) + "\n"


def summary(results: list[dict]) -> str:
    lines = [
        "# Benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}.",
        "",
        "Full build from scratch (seconds; peak RSS of the step's largest process in MB):",
        "",
        "| N | build (data) | ms/disclosure read+extract+check+package | validate ms/disclosure | pages | "
        "MkDocs | total | floor | total/floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def step(r: dict, key: str) -> str:
        v = r.get(key)
        return f"{v['seconds']:.1f} ({v['peak_rss_mb']} MB)" if isinstance(v, dict) else "—"

    for r in results:
        lines.append(
            f"| {r['n']} | {step(r, 'build')} | {r['extract_package_check_ms_per_disclosure']} | "
            f"{r['build']['stage_ms_per_disclosure'].get('validate', '—')} | {step(r, 'pages')} | "
            f"{step(r, 'mkdocs')} | {r.get('total_seconds', '—')} | {step(r, 'floor')} | "
            f"{r.get('ratio_to_floor', '—')} |"
        )
    lines += [
        "",
        "Rebuilds (seconds per step: build, pages, MkDocs; share of the full build):",
        "",
        "| N | nothing changed | one disclosure changed | share of full | site identical to a build from scratch |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        inc = r["incremental"]

        def steps(d: dict) -> str:
            return f"{_total(d):.1f} (" + " + ".join(f"{v['seconds']:.1f}" for v in d.values()) + ")"

        same = inc.get("same_as_full_build")
        verdict = "not compared" if same is None else ("yes" if same["identical"] else f"NO: {same}")
        if same is not None:
            verdict += f" ({same['files']} files)"
        lines.append(
            f"| {r['n']} | {steps(inc['no_change'])} | {steps(inc['one_changed'])} | "
            f"{100 * inc['one_changed_ratio']:.1f}% | {verdict} |"
        )
    lines += ["", "Per stage (CPU ms per disclosure, summed over worker processes):", ""]
    for r in results:
        per = r["build"]["stage_ms_per_disclosure"]
        lines.append(f"- N={r['n']}: " + ", ".join(f"{k} {per[k]}" for k in PIPELINE_STAGES if k in per))
    lines += [
        "",
        "Page weight of one centre page (gzipped: HTML, all scripts and stylesheets, its charts' specs and"
        " CSVs); the search index is fetched only when the reader opens search:",
        "",
    ]
    for r in results:
        weight = r.get("page_weight_kb_gz") or {}
        if weight:
            lines.append(
                f"- N={r['n']}: {weight['total']} KB on load; opening search fetches the index,"
                f" {weight['search_index']} KB ({weight['with_search']} KB in all)"
            )
    return "\n".join(lines) + "\n"


OUT_FILES = ("bench-pdf.json", "bench-pdf.md", "bench.json", "bench.md")


def check_out(out: Path) -> None:
    """The bench output folder: missing, empty, or holding only the bench's own files."""
    check_folder(out, what="bench output folder (--out)")
    if out.is_dir() and any(p.name not in OUT_FILES for p in out.iterdir()):
        refuse_stranger(out, what="bench output folder (--out)", why=f"it holds files other than {OUT_FILES}")


def cmd_bench(args: argparse.Namespace) -> int:
    sizes = args.sizes or ([] if args.pdf_only else [1000])
    out = Path(args.out)
    try:
        check_out(out)
    except DisclosureError as exc:
        say(f"bench: {exc}")
        return 2
    pdfs = bench_pdfs()
    write_file(out, "bench-pdf.json", (json.dumps(pdfs, indent=2) + "\n").encode())
    write_file(out, "bench-pdf.md", pdf_summary(pdfs).encode())
    say(pdf_summary(pdfs))
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
            verify = args.verify if args.verify is not None else n <= VERIFY_UP_TO
            results.append(bench_size(n, Path(tmp), seed=args.seed, floor=not args.no_floor, verify=verify))
        write_file(out, "bench.json", (json.dumps(results, indent=2) + "\n").encode())
        write_file(out, "bench.md", summary(results).encode())
    if results:
        say(summary(results))
    say(
        f"written: {out / 'bench-pdf.md'}"
        + (f", {out / 'bench.json'}, {out / 'bench.md'}" if results else "")
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmark the build on synthetic centres against a bare MkDocs floor")
    p.add_argument(
        "sizes",
        nargs="*",
        type=int,
        help="numbers of centres (default: 1000; `nox -s bench -- 10000` for a province)",
    )
    p.add_argument("--out", default=str(OUT), help="folder for bench.json and bench.md (default: bench/out)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-floor", action="store_true", help="skip the bare MkDocs build")
    p.add_argument(
        "--verify",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"compare the incremental site with a build from scratch (default: up to {VERIFY_UP_TO} centres)",
    )
    p.add_argument("--pdf-only", action="store_true", help="only the registered PDF disclosures (seconds)")
    p.set_defaults(func=cmd_bench)
