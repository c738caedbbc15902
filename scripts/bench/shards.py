"""`python -m scripts shards …` — the site built as independent shards plus one portal, then merged.

    shards plan  --shards K [--key body|province] [--packages DIR] [--build-report FILE] --work W
    shards job   --work W --job portal|0|1|…   one job, alone (e.g. one job of a CI matrix)
    shards merge --work W                      the jobs' trees → W/site
    shards build --shards K … --work W         plan, every job (GNU parallel, else a process pool), merge
    shards bench --packages DIR --shards 1 2 4 8 [--repeat R]   figures → bench/shards/

A shard is some bodies (all years of a body together): `site` over their packages and `mkdocs build`;
only its centres/ and bodies/ trees are kept, at the URLs of the one-site build. The portal is `site`
over all packages with no per-year page written (summaries only) and `mkdocs build` with centres/ and
bodies/ excluded: home, catalog, regions, compare, glossary, report, generated/ downloads. The merge
copies the trees (one file from two jobs is an error) and joins the search indexes and sitemaps in
the order one mkdocs build writes them: the merged site is byte for byte the one-site build.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

import yaml

from scripts.site import search_index

ROOT = Path(__file__).resolve().parents[2]
SHARD_DIRS = ("centres", "bodies")  # per-body trees: a shard's output; everything else is the portal's
MARK = ".shards-work"
# Runs a step; writes its wall seconds, CPU seconds and peak RSS (largest process of its tree) as JSON.
MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(json.dumps({'seconds': round(time.perf_counter() - t, 2),\n"
    "    'cpu_seconds': round(r.ru_utime + r.ru_stime, 2), 'peak_rss_mb': round(r.ru_maxrss / 1024, 1),\n"
    "    'returncode': code}))\n"
    "sys.exit(code)\n"
)


class ShardError(Exception):
    """The sharded build cannot go on (foreign work folder, failed job, two jobs writing one file)."""


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def shard_of(body: str, k: int) -> int:
    """Stable across machines and runs (not Python's salted hash)."""
    return int.from_bytes(hashlib.sha256(body.encode("utf-8")).digest()[:8], "big") % k


def make_plan(packages: Path, k: int, key: str, build_report: Path | None, epoch: str | None) -> dict:
    """Slugs per shard. `body`: hash of the body id into K shards (balanced whatever the provinces);
    `province`: one shard per province (K = number of provinces, as unbalanced as they are)."""
    items = []
    for pkg in sorted(p for p in packages.iterdir() if (p / "datapackage.json").is_file()):
        desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
        items.append((pkg.name, desc.get("x_body") or pkg.name, desc.get("province") or "—"))
    names = sorted({p for *_, p in items}) if key == "province" else [str(i) for i in range(k)]
    shards: list[list[str]] = [[] for _ in names]
    for slug, body, province in items:
        shards[names.index(province) if key == "province" else shard_of(body, k)].append(slug)
    return {
        "packages": str(packages.resolve()),
        "build_report": str(build_report.resolve()) if build_report else None,
        "key": key,
        "names": names,
        "shards": shards,
        # One date for every job, so shards built on different days still give one site.
        "source_date_epoch": epoch or os.environ.get("SOURCE_DATE_EPOCH") or str(int(time.time())),
    }


def _claim(work: Path) -> None:
    """The work folder: new, empty, or marked as ours; its job folders and site are kept (a later run
    rebuilds only the jobs it is asked for)."""
    if work.exists() and any(work.iterdir()) and not (work / MARK).is_file():
        raise ShardError(f"{work}: not empty and not a shards work folder (no {MARK}): nothing touched")
    work.mkdir(parents=True, exist_ok=True)
    (work / MARK).write_text("made by python -m scripts shards\n", encoding="utf-8")


def _fresh(folder: Path) -> None:
    """Empty a job's folder (or the merged site) inside a marked work folder."""
    if not (folder.parent / MARK).is_file() or folder.is_symlink():
        raise ShardError(f"{folder}: not inside a shards work folder (no {MARK}): nothing touched")
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir()


def save_plan(work: Path, plan: dict) -> None:
    _claim(work)
    (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")


def load_plan(work: Path) -> dict:
    if not (work / MARK).is_file() or not (work / "plan.json").is_file():
        raise ShardError(f"{work}: no plan (run `python -m scripts shards plan … --work {work}` first)")
    return json.loads((work / "plan.json").read_text(encoding="utf-8"))


def job_names(plan: dict) -> list[str]:
    return ["portal", *(f"shard-{i}" for i in range(len(plan["shards"])))]


# --- one job ----------------------------------------------------------------------------------------


def _summary_only(pkg: Path, out_dir: Path, **_: object):
    """The portal's `write_centre`: the body's summary for the listing pages, no page written."""
    from scripts.owned import check_name
    from scripts.site.summary import Package, summarise

    package = Package(pkg)
    check_name(package.desc.get("name"), what="package name", file=pkg / "datapackage.json")
    return summarise(package)


_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _stub_links(out: Path) -> list[str]:
    """An empty file for every shard file a listing page links to (a page, a ZIP): the portal's mkdocs
    then finds the target, excluded, and writes the link as the one-site build does. Returns them."""
    made = []
    for md in out.rglob("*.md"):
        if md.relative_to(out).parts[0] in SHARD_DIRS:
            continue
        for target in _MD_LINK.findall(md.read_text(encoding="utf-8")):
            target = unquote(target.split("#")[0])
            if not target or ":" in target or target.startswith("/"):
                continue
            path = Path(os.path.normpath(md.parent / target))
            if (
                path.is_relative_to(out)
                and path.relative_to(out).parts[0] in SHARD_DIRS
                and not path.exists()
            ):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"")
                made.append(path.relative_to(out).as_posix())
    return made


def portal_pages(args: argparse.Namespace) -> int:
    """`site` for the portal: every listing page over all bodies, from summaries only."""
    from scripts import site

    out = Path(args.out)
    result = site.generate(Path(args.packages), out, Path(args.build_report), write_centre=_summary_only)
    stubs = _stub_links(out)
    # The merge checks that a shard brought each of them.
    (out.parent / "links.json").write_text(json.dumps(stubs, ensure_ascii=False), encoding="utf-8")
    say(f"portal: {result.centres} bodies listed, {len(stubs)} links into shards, {result.seconds:.1f}s")
    for slug, _, message in result.failures:
        say(f"  FAILED {slug}: {message}")
    return 1 if result.failures else 0


def _project(folder: Path, portal: bool) -> None:
    """Hand-written pages and the real mkdocs.yml (hooks from this checkout); the portal leaves the
    per-body trees out (links to them are then info, not warnings: `--strict` still passes)."""
    from scripts import site

    skip = {*site.GENERATED_DIRS, *site.GENERATED_PAGES, "vendor"}
    shutil.copytree(ROOT / "site_src", folder / "site_src", ignore=lambda _d, n: [x for x in n if x in skip])
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(ROOT / hook) for hook in config.get("hooks", [])]
    if portal:
        config["exclude_docs"] = config.get("exclude_docs", "") + "".join(f"/{d}/\n" for d in SHARD_DIRS)
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def _link_tree(src: Path, dst: Path) -> None:
    """A copy made of hard links (plain files, as `site` requires), copied where linking fails."""
    shutil.copytree(src, dst, copy_function=_link)


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _measure(cmd: list[str], folder: Path, step: str, env: dict) -> dict:
    with open(folder / f"{step}.log", "wb") as log:
        subprocess.run(
            [sys.executable, "-c", MEASURE, str(folder / f"{step}.json"), *cmd],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    return json.loads((folder / f"{step}.json").read_text(encoding="utf-8"))


def run_job(work: Path, job: str) -> dict:
    """`portal` or a shard's number: pages, then mkdocs, in W/<job>/; its figures in W/<job>/metrics.json."""
    plan = load_plan(work)
    name = job if job == "portal" else f"shard-{int(job)}"
    if name not in job_names(plan):
        raise ShardError(f"no job {job!r} in the plan (jobs: portal, 0 … {len(plan['shards']) - 1})")
    folder = work / name
    _fresh(folder)
    portal = name == "portal"
    slugs = [s for shard in plan["shards"] for s in shard] if portal else plan["shards"][int(job)]
    packages = Path(plan["packages"])
    if not portal:  # this shard's packages, as a folder of their own
        (folder / "packages").mkdir()
        for slug in slugs:
            _link_tree(packages / slug, folder / "packages" / slug)
        packages = folder / "packages"
    _project(folder, portal)
    report = plan["build_report"] or str(folder / "no-report.json")
    out = folder / "site_src"
    # The portal's `site` writes summaries, not pages (`shards portal-pages`): same arguments.
    verb = ["shards", "portal-pages"] if portal else ["site"]
    pages = [sys.executable, "-m", "scripts", *verb, "--packages", str(packages), "--out", str(out)]
    pages += ["--build-report", report]
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": plan["source_date_epoch"],
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    metrics: dict = {"job": name, "bodies": len(slugs), "pages": _measure(pages, folder, "pages", env)}
    if metrics["pages"]["returncode"] == 0:
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(folder / "mkdocs.yml")]
        metrics["mkdocs"] = _measure(mkdocs, folder, "mkdocs", env)
    # The Markdown sources, for the merge to order the search index and sitemap as mkdocs does.
    sources = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    (folder / "sources.json").write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    failed = [s for s in ("pages", "mkdocs") if metrics.get(s, {"returncode": 1})["returncode"] != 0]
    if failed:
        raise ShardError(f"{name}: {' and '.join(failed)} failed (see {folder}/{failed[0]}.log)")
    return metrics


# --- merge ------------------------------------------------------------------------------------------


def _walk_key(src: str) -> tuple:
    """mkdocs' page order (`get_files`): a folder's files first (index first), then its subfolders."""
    *dirs, name = src.split("/")
    return (*((1, d) for d in dirs), (0, Path(name).stem not in ("index", "README"), name))


def _page_order(sources: list[str]):
    """Search location or site path of a page (`centres/x/`, `catalog/`, ``) → its sort key."""
    known = set(sources)

    def key(location: str) -> tuple:
        page = location.split("#")[0]
        for src in (page.rstrip("/") + ".md", page + "index.md"):
            if src in known:
                return _walk_key(src)
        raise ShardError(f"page {page!r} has no Markdown source in any job")

    return key


def _pages(entries: list, page_of) -> list[list]:
    """Consecutive entries of one page, grouped."""
    groups: list[list] = []
    for entry in entries:
        if groups and page_of(groups[-1][0]) == page_of(entry):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _sitemap(text: str) -> tuple[str, list[str], str]:
    """A sitemap as mkdocs writes it: head, one block per page, tail."""
    urls = re.findall(r"\n    <url>.*?</url>", text, flags=re.S)
    if not urls:
        return text, [], ""
    return text[: text.index(urls[0])], urls, text[text.rindex(urls[-1]) + len(urls[-1]) :]


def merge(work: Path) -> dict:
    """W/portal/site + every shard's centres/ and bodies/ → W/site; two sources of one file is an error.
    Search index and sitemap: the portal's and the shards' entries, in one mkdocs build's order."""
    clock = time.perf_counter()
    plan = load_plan(work)
    jobs = job_names(plan)
    for name in jobs:
        if not (work / name / "metrics.json").is_file() or not (work / name / "site").is_dir():
            raise ShardError(f"{work / name}: not built (run `python -m scripts shards job --job …`)")
    out = work / "site"
    _fresh(out)
    origin: dict[str, str] = {}
    collisions: list[str] = []
    for name in jobs:
        site = work / name / "site"
        tops = [p for p in site.iterdir() if (p.name in SHARD_DIRS) != (name == "portal")]
        for top in tops:
            for path in [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()):
                rel = path.relative_to(site).as_posix()
                if rel in origin:
                    collisions.append(f"{rel} ({origin[rel]} and {name})")
                    continue
                origin[rel] = name
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                _link(str(path), str(out / rel))
    if collisions:
        raise ShardError(f"{len(collisions)} files written by two jobs, e.g. " + "; ".join(collisions[:3]))
    for name in jobs[1:]:  # a shard's pages load the portal's assets: they must be the same files
        for path in (work / name / "site" / "assets").rglob("*"):
            twin = out / path.relative_to(work / name / "site")
            if path.is_file() and (not twin.is_file() or twin.read_bytes() != path.read_bytes()):
                raise ShardError(f"{name}: {path.name} differs from the portal's (built from other sources?)")
    # Every body of the plan has its page, every link of a listing page into a shard its target.
    wanted = [f"centres/{s}/index.md" for shard in plan["shards"] for s in shard]
    wanted += json.loads((work / "portal" / "links.json").read_text(encoding="utf-8"))
    built = [
        re.sub(r"(^|/)index\.md$", r"\1index.html", re.sub(r"(?<!index)\.md$", "/index.html", w))
        for w in wanted
    ]
    missing = sorted({w for w in built if not (out / w).is_file()})
    if missing:
        raise ShardError(
            f"{len(missing)} pages or files the portal links to are in no shard, e.g. {missing[0]}"
        )

    sources = [s for name in jobs for s in json.loads((work / name / "sources.json").read_text("utf-8"))]
    key = _page_order(sources)
    index: dict = {"config": None, "docs": []}
    parts = {}  # gzipped KB of each job's own entries: what one index per shard would weigh
    for name in jobs:
        data = json.loads((work / name / "site" / "search" / "search_index.json").read_text("utf-8"))
        if index["config"] not in (None, data["config"]):
            raise ShardError(f"{name}: search configuration differs from the portal's")
        index["config"] = data["config"]
        own = [d for d in data["docs"] if (d["location"].split("/")[0] in SHARD_DIRS) != (name == "portal")]
        index["docs"] += own
        parts[name] = len(gzip.compress(search_index.dump({**data, "docs": own}), 9))
    groups = _pages(index["docs"], lambda d: d["location"].split("#")[0])
    index["docs"] = [d for g in sorted(groups, key=lambda g: key(g[0]["location"])) for d in g]
    search = search_index.dump(index)
    (out / "search" / "search_index.json").unlink()
    (out / "search" / "search_index.json").write_bytes(search)

    base = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"].rstrip("/") + "/"
    loc = re.compile(r"<loc>" + re.escape(base) + r"([^<]*)</loc>")

    def page(url: str) -> str:
        return unquote(loc.search(url)[1])

    head, urls, tail = _sitemap((work / "portal" / "site" / "sitemap.xml").read_text(encoding="utf-8"))
    for name in jobs[1:]:
        found = _sitemap((work / name / "site" / "sitemap.xml").read_text(encoding="utf-8"))[1]
        urls += [u for u in found if page(u).split("/")[0] in SHARD_DIRS]
    text = (head + "".join(sorted(urls, key=lambda u: key(page(u)))) + tail).encode("utf-8")
    for f in ("sitemap.xml", "sitemap.xml.gz"):
        (out / f).unlink()
    (out / "sitemap.xml").write_bytes(text)
    # mkdocs' gzip header holds the file name and the build date: the same as the portal's.
    mtime = int.from_bytes((work / "portal" / "site" / "sitemap.xml.gz").read_bytes()[4:8], "little")
    with (
        open(out / "sitemap.xml.gz", "wb") as fh,
        gzip.GzipFile(fileobj=fh, filename=str(out / "sitemap.xml.gz"), mode="wb", mtime=mtime) as gz,
    ):
        gz.write(text)
    return {
        "seconds": round(time.perf_counter() - clock, 2),
        "files": len(origin),
        "search_index_kb": round(len(search) / 1024, 1),
        "search_index_kb_gz": round(len(gzip.compress(search, 9)) / 1024, 1),
        "search_entries": len(index["docs"]),
        "search_part_kb_gz": {name: round(size / 1024, 1) for name, size in parts.items()},
    }


# --- all jobs, figures ------------------------------------------------------------------------------


def runner(choice: str) -> str:
    """GNU parallel when installed (or asked for), else a pool in this process: a fresh CI machine
    without `parallel` still builds."""
    if choice == "auto":
        return "parallel" if shutil.which("parallel") else "pool"
    if choice == "parallel" and not shutil.which("parallel"):
        raise ShardError("GNU parallel is not installed (apt-get install parallel, or --runner pool)")
    return choice


def run_jobs(work: Path, jobs: int, how: str) -> None:
    """Every job of the plan, `jobs` at a time, portal first (it lists every body: the longest job)."""
    ids = ["portal", *map(str, range(len(load_plan(work)["shards"])))]
    cmd = [sys.executable, "-m", "scripts", "shards", "job", "--work", str(work), "--job"]
    if how == "parallel":
        gnu = ["parallel", "--will-cite", "--quote", "-j", str(jobs), "--halt", "soon,fail=1"]
        failed = subprocess.run([*gnu, *cmd, "{}", ":::", *ids], cwd=ROOT).returncode != 0
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            failed = any(pool.map(lambda i: subprocess.run([*cmd, i], cwd=ROOT).returncode, ids))
    if failed:
        raise ShardError(f"a job failed (its log is in {work}/<job>/pages.log or mkdocs.log)")


def build(args: argparse.Namespace, work: Path) -> dict:
    clock = time.perf_counter()
    report = Path(args.build_report) if args.build_report else None
    plan = make_plan(Path(args.packages), args.shards, args.key, report, args.source_date_epoch)
    save_plan(work, plan)
    how = runner(args.runner)
    run_jobs(work, args.jobs, how)
    merged = merge(work)
    jobs = [json.loads((work / n / "metrics.json").read_text("utf-8")) for n in job_names(plan)]
    steps = [j[s] for j in jobs for s in ("pages", "mkdocs")]
    return {
        "shards": len(plan["shards"]),
        "key": plan["key"],
        "bodies": sum(map(len, plan["shards"])),
        "runner": how,
        "parallel_jobs": args.jobs,
        "jobs": jobs,
        "merge": merged,
        "total_seconds": round(time.perf_counter() - clock, 2),
        "total_cpu_seconds": round(sum(s["cpu_seconds"] for s in steps), 1),
    }


def figures(run: dict) -> dict:
    """One run → the table's figures (the largest shard for per-shard ones)."""
    shards = run["jobs"][1:]
    portal = run["jobs"][0]

    def worst(step: str, what: str) -> float:
        return max(j[step][what] for j in shards)

    return {
        "K": run["shards"],
        "bodies": run["bodies"],
        "bodies_per_shard": max(j["bodies"] for j in shards),
        "shard_seconds": max(j["pages"]["seconds"] + j["mkdocs"]["seconds"] for j in shards),
        "shard_cpu_seconds": max(j["pages"]["cpu_seconds"] + j["mkdocs"]["cpu_seconds"] for j in shards),
        "site_mb": worst("pages", "peak_rss_mb"),
        "mkdocs_mb": worst("mkdocs", "peak_rss_mb"),
        "portal_seconds": portal["pages"]["seconds"] + portal["mkdocs"]["seconds"],
        "portal_cpu_seconds": portal["pages"]["cpu_seconds"] + portal["mkdocs"]["cpu_seconds"],
        "portal_mb": max(portal["pages"]["peak_rss_mb"], portal["mkdocs"]["peak_rss_mb"]),
        "merge_seconds": run["merge"]["seconds"],
        "total_seconds": run["total_seconds"],
        "total_cpu_seconds": run["total_cpu_seconds"],
        "search_index_kb_gz": run["merge"]["search_index_kb_gz"],
        "shard_index_kb_gz": max(
            v for k, v in run["merge"].get("search_part_kb_gz", {"": 0}).items() if k != "portal"
        ),
    }


COLUMNS = (
    ("K", "K"),
    ("bodies", "bodies"),
    ("bodies_per_shard", "bodies/shard (max)"),
    ("shard_seconds", "shard s"),
    ("shard_cpu_seconds", "shard CPU s"),
    ("site_mb", "shard site MB"),
    ("mkdocs_mb", "shard mkdocs MB"),
    ("portal_seconds", "portal s"),
    ("portal_cpu_seconds", "portal CPU s"),
    ("portal_mb", "portal MB"),
    ("merge_seconds", "merge s"),
    ("total_seconds", "total s"),
    ("total_cpu_seconds", "total CPU s"),
    ("search_index_kb_gz", "search index KB gz"),
    ("shard_index_kb_gz", "one shard's part KB gz"),
)


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(t for _, t in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += [
        "| " + " | ".join(f"{r[k]:g}" if isinstance(r[k], float) else str(r[k]) for k, _ in COLUMNS) + " |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def cmd_bench(args: argparse.Namespace) -> int:
    from scripts.owned import write_file

    out, rows, runs = Path(args.out), [], []
    for k in args.shards:
        per = []
        for r in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix=f"shards-{k}-") as tmp:
                say(f"== K={k} ({args.key}), run {r + 1}/{args.repeat}")
                one = build(argparse.Namespace(**{**vars(args), "shards": k}), Path(tmp) / "work")
            runs.append(one)
            per.append(figures(one))
            say(table([per[-1]]))
        # Medians over the runs: the machine is shared, one run's seconds are noisy.
        rows.append({c: statistics.median(p[c] for p in per) for c, _ in COLUMNS})
        write_file(out, "shards.json", (json.dumps(runs, indent=1) + "\n").encode())
        md = f"# Shards ({os.cpu_count()} cores, {args.jobs} jobs at a time, median of {args.repeat})\n\n"
        write_file(out, "shards.md", (md + table(rows)).encode())
    say(table(rows))
    return 0


def _work(args: argparse.Namespace) -> Path:
    return Path(args.work).resolve()


def main(func) -> int:
    try:
        result = func()
    except (ShardError, OSError) as err:
        say(f"shards: {err}")
        return 1
    if result is not None:
        say(json.dumps(result, ensure_ascii=False))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from scripts import site

    p = sub.add_parser("shards", help="build the site as independent shards plus one portal (prototype)")
    verbs = p.add_subparsers(dest="verb", required=True)

    def common(q: argparse.ArgumentParser, many: bool = False) -> None:
        q.add_argument(
            "--packages", default=str(site.DATAPACKAGES), help="data packages (default: datapackages/)"
        )
        q.add_argument("--build-report", default=str(site.BUILD_REPORT), help="the build's report.json")
        if many:
            q.add_argument("--shards", type=int, nargs="+", default=[1, 2, 4, 8], help="values of K")
        else:
            q.add_argument("--shards", type=int, default=2, help="number of shards (key body; default 2)")
        q.add_argument(
            "--key",
            choices=("body", "province"),
            default="body",
            help="body: hash of the body id into K shards (default); province: one shard each",
        )
        q.add_argument(
            "--source-date-epoch", help="build date for every job (default: $SOURCE_DATE_EPOCH, now)"
        )
        q.add_argument(
            "--jobs", type=int, default=os.cpu_count() or 1, help="jobs at a time (default: cores)"
        )
        q.add_argument(
            "--runner",
            choices=("auto", "parallel", "pool"),
            default="auto",
            help="GNU parallel (auto: when installed) or a process pool",
        )

    q = verbs.add_parser("plan", help="which packages go into which shard → WORK/plan.json")
    common(q)
    q.add_argument("--work", required=True)

    def plan(a: argparse.Namespace) -> dict:
        report = Path(a.build_report) if a.build_report else None
        made = make_plan(Path(a.packages), a.shards, a.key, report, a.source_date_epoch)
        save_plan(_work(a), made)
        return {
            "shards": [len(s) for s in made["shards"]],
            "jobs": ["portal", *map(str, range(len(made["shards"])))],
        }

    q.set_defaults(func=lambda a: main(lambda: plan(a)))
    q = verbs.add_parser("job", help="build one job of the plan: the portal or one shard")
    q.add_argument("--work", required=True)
    q.add_argument("--job", required=True, help="portal, or a shard's number")
    q.set_defaults(func=lambda a: main(lambda: run_job(_work(a), a.job)))
    q = verbs.add_parser("portal-pages", help="the portal's `site`: listing pages from summaries only")
    for arg in ("--packages", "--out", "--build-report"):
        q.add_argument(arg, required=True)
    q.set_defaults(func=portal_pages)
    q = verbs.add_parser("merge", help="the jobs' trees → WORK/site (no file from two jobs)")
    q.add_argument("--work", required=True)
    q.set_defaults(func=lambda a: main(lambda: merge(_work(a))))
    q = verbs.add_parser("build", help="plan, every job in parallel, merge")
    common(q)
    q.add_argument("--work", required=True)
    q.set_defaults(func=lambda a: main(lambda: figures(build(a, _work(a)))))
    q = verbs.add_parser("bench", help="build for several K (temp folders); figures → bench/shards/")
    common(q, many=True)
    q.add_argument("--repeat", type=int, default=1, help="runs per K (medians reported)")
    q.add_argument("--out", default=str(ROOT / "bench" / "shards"))
    q.set_defaults(func=cmd_bench)
