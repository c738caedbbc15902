"""`site` command: data packages → the site's generated pages under `site_src/` (all git-ignored).

    python -m scripts site [--packages DIR] [--out SITE_SRC] [--build-report FILE]

Per centre, `scripts.site.body_page.write` makes the centre page and returns its `BodySummary`; the
cross-body pages are then rendered from those summaries, one module per page kind: `home`, `catalog`
(with the region index pages), `compare`, `glossary`, `report`, and `data` (`generated/centres.csv`,
`functions.csv`, the all-centre package). One centre whose page fails is listed on the build report page;
the rest of the site is still written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scripts.errors import DisclosureError
from scripts.owned import (
    OutputError,
    check_folder,
    check_name,
    refuse_stranger,
    remove_file,
    safe_rel,
    write_file,
)
from scripts.site import assets as site_assets
from scripts.site.assets import MANIFEST
from scripts.site.bodies import body_keys, write_bodies
from scripts.site.catalog import catalog_pages
from scripts.site.common import Centre, Writer
from scripts.site.compare import compare_pages
from scripts.site.data import write_data
from scripts.site.glossary import glossary_page
from scripts.site.home import home_part
from scripts.site.page_cache import PageCache, Reuse, code_digest
from scripts.site.report import report_page
from scripts.site.summary import BodySummary

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGES = ROOT / "datapackages"
SITE_SRC = ROOT / "site_src"
BUILD_REPORT = ROOT / ".build" / "report.json"
PAGE_CACHE = Path(".build") / "site-cache"  # beside the --out folder (site_src/ → .build/site-cache)

# Folders and pages under site_src/ written here (git-ignored); anything else there is hand-written.
GENERATED_DIRS = ("centres", "regions", "generated", "bodies", "compare")
GENERATED_PAGES = ("catalog.md", "compare.md", "glossary.md", "report.md")


class SiteError(Exception):
    """The site cannot be generated at all (no packages folder, unreadable build report)."""


PARALLEL_MIN = 16  # below this, starting worker processes costs more than it saves
# Every reader who searches loads the whole site-wide index, so it must stay small: up to this many
# packages it holds each year's page (name, place, project names); above, one entry per body (its body
# page: name and place). Past one site, shards carry their own index (scripts/README.md).
SEARCH_FULL_MAX = 1000


def _write_one(
    write_centre: Callable[..., BodySummary],
    pkg: Path,
    out: Path,
    owned: set[str],
    years: list | None = None,
    cache: PageCache | None = None,
    in_search: bool = True,
    digest: str | None = None,
) -> tuple[BodySummary | None, str | None, set[str], str | None, bool]:
    """One centre page (in a worker process when there are many): its summary or the error, the files
    written for it (relative to `out`), its cache key (None when not cached) and whether it was reused."""
    record: set[str] = set()
    # Only a body with several years gets the year switcher (and the keyword).
    years = years if years and len(years) > 1 else None
    with site_assets.guard(out, owned, record):
        try:
            check_name(pkg.name, what="package folder name", file=pkg)
            more: dict = {"years": years} if years else {}
            if not in_search:
                more["in_search"] = False
            key = cache.key(pkg, [years, in_search], digest) if cache is not None else None
            hit = cache.get(key, out, owned) if key else None
            if hit is not None:
                return hit[0], None, set(hit[1]), key, True
            summary = write_centre(pkg, out / "centres" / pkg.name, site_root_rel="../../", **more)
            if key:
                cache.put(key, summary, out, record)
            return summary, None, record, key, False
        except DisclosureError as exc:
            return None, str(exc), record, None, False
        except Exception as exc:
            return None, f"{type(exc).__name__}: {exc}", record, None, False


def descriptor_facts(pkg: Path) -> tuple[str, object] | None:
    """A package's body id (`x_body`, else its name) and fiscal year; None if its descriptor is unreadable."""
    try:
        desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return desc.get("x_body") or pkg.name, desc.get("fiscal_year")


def body_years(
    dirs: list[Path], facts: Callable[[Path], tuple[str, object] | None] = descriptor_facts
) -> dict[str, list[tuple[int, str]]]:
    """Slug → its body's (fiscal year, slug) of every year, from the descriptors (`x_body`)."""
    items = []
    for pkg in dirs:
        found = facts(pkg)
        if found is not None:
            items.append((pkg.name, *found))
    body_of = body_keys(items)
    found: dict[str, list[tuple[int, str]]] = {}
    for slug, _, year in items:
        if isinstance(year, int):
            found.setdefault(body_of[slug], []).append((year, slug))
    return {slug: sorted(found.get(body, [])) for slug, body in body_of.items()}


def _write_centres(
    write_centre: Callable[..., BodySummary],
    dirs: list[Path],
    out: Path,
    owned: set[str],
    cache: PageCache | None,
) -> list:
    """Centre pages are independent: write them on every core when there are many."""
    workers = os.cpu_count() or 1
    digests = cache.digests(dirs) if cache is not None else {}
    years = body_years(
        dirs, cache.facts(digests, descriptor_facts) if cache is not None else descriptor_facts
    )
    in_search = len(dirs) <= SEARCH_FULL_MAX
    if workers == 1 or len(dirs) < PARALLEL_MIN:
        return [
            _write_one(
                write_centre, pkg, out, owned, years.get(pkg.name), cache, in_search, digests.get(pkg.name)
            )
            for pkg in dirs
        ]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(
            pool.map(
                _write_one,
                [write_centre] * len(dirs),
                dirs,
                [out] * len(dirs),
                [owned] * len(dirs),
                [years.get(pkg.name) for pkg in dirs],
                [cache] * len(dirs),
                [in_search] * len(dirs),
                [digests.get(pkg.name) for pkg in dirs],
                chunksize=max(1, len(dirs) // (workers * 8)),
            )
        )


def _default_writer() -> Callable[..., BodySummary]:
    from scripts.site import body_page

    return body_page.write


@dataclass
class Result:
    centres: int
    failures: list[tuple[str, str, str]]
    changed: int
    seconds: float
    reused: int = 0  # body pages taken from the cache


def package_dirs(packages: Path) -> list[Path]:
    if not packages.is_dir():
        raise SiteError(f"{packages}: no such folder (expected data packages, see `python -m scripts build`)")
    return sorted(p for p in packages.iterdir() if (p / "datapackage.json").is_file())


def load_report(path: Path) -> list[dict] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SiteError(f"{path}: not valid JSON ({err})") from err
    return data if isinstance(data, list) else None


def generate(
    packages: Path = DATAPACKAGES,
    out: Path = SITE_SRC,
    build_report: Path = BUILD_REPORT,
    *,
    write_centre: Callable[..., BodySummary] | None = None,
    cache: Path | None = None,
) -> Result:
    """The site's pages from the packages. With `cache`, a body page whose package, years and code are
    unchanged since the run that filled the cache is reused (see page_cache.py), not rendered again."""
    clock = time.perf_counter()
    # Only our own page writer is cached: its code is part of the key.
    pages = PageCache(cache, code_digest()) if cache is not None and write_centre is None else None
    write_centre = write_centre or _default_writer()
    dirs = package_dirs(packages)
    owned = _owned(out)
    reused = 0
    keys: dict[str, str] = {}  # package folder → its body page's cache key
    if pages is not None:
        pages.store.open()
    w = Writer(out)
    centres: list[Centre] = []
    failures: list[tuple[str, str, str]] = []
    pkg_dirs: list[Path] = []  # the packages that got a page, in the order of `centres`
    written: set[str] = set()  # this run's files, relative to `out`
    try:
        with site_assets.guard(out, owned, written):
            results = _write_centres(write_centre, dirs, out, owned, pages)
            for pkg, (summary, error, files, key, hit) in zip(dirs, results, strict=True):
                if key and pages is not None:
                    pages.store.used.add(key)
                    keys[pkg.name] = key
                reused += hit
                if error is not None:  # one broken package shows up on the report page, the site goes on
                    failures.append((pkg.name, _package_title(pkg), error))
                    for rel in files:  # what this run wrote for it, and only that
                        remove_file(out, rel)
                    continue
                written.update(files)
                pkg_dirs.append(pkg)
                centres.append(Centre(summary))
            reuse = Reuse(pages, keys)
            write_data(w, centres, pkg_dirs, reuse)
            write_bodies(w, centres, pkg_dirs, reuse)
            w.text("generated/home.md", home_part(w, centres, len(failures)))
            catalog_pages(w, centres)
            compare_pages(w, centres)
            glossary_page(w, centres)
            report_page(w, load_report(build_report), failures, build_report)
        for rel in sorted(owned - written):  # from earlier runs: a removed centre must not linger
            remove_file(out, rel)
        _save_owned(out, written)
        if pages is not None:
            pages.store.prune()
    except BaseException:
        # Interrupted or failed: what was written is still ours; nothing is forgotten.
        _save_owned(out, owned | written)
        raise
    return Result(len(centres), failures, w.changed, time.perf_counter() - clock, reused)


def _package_title(pkg: Path) -> str:
    try:
        return str(
            json.loads((pkg / "datapackage.json").read_text(encoding="utf-8")).get("title") or pkg.name
        )
    except (OSError, json.JSONDecodeError):
        return pkg.name


def _owned(out: Path) -> set[str]:
    """The files an earlier run wrote under `out` (its `.written` manifest). Without a manifest, `out`
    must be new, empty, or a docs folder whose generated parts are absent: nothing there is ours."""
    check_folder(out, what="site folder (--out)")
    manifest = out / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        try:
            names = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError as err:
            raise SiteError(f"{manifest}: not valid JSON ({err}); delete the generated parts and it") from err
        return {n for n in names if isinstance(n, str) and safe_rel(n)}
    if not out.is_dir() or not any(out.iterdir()):
        return set()
    if not (out / "index.md").is_file():
        refuse_stranger(out, what="site folder (--out)", why=f"no {MANIFEST} and no index.md")
    present = [name for name in (*GENERATED_DIRS, *GENERATED_PAGES) if (out / name).exists()]
    if present:
        raise OutputError(
            f"generated parts without a {MANIFEST} list of the files `site` wrote: {', '.join(present)}",
            file=out,
            expected=f"generated parts written by this version (it records them in {MANIFEST})",
            hint="they were written by an older version or by hand: delete "
            + " ".join(str(out / n) for n in present)
            + " and run `python -m scripts site` again (nothing was changed)",
        )
    return set()


def _save_owned(out: Path, names: set[str]) -> None:
    data = json.dumps(sorted(names), ensure_ascii=False, indent=0) + "\n"
    write_file(out, MANIFEST, data.encode("utf-8"))


def cmd_site(args: argparse.Namespace) -> int:
    try:
        if args.cache is None:
            cache = Path(args.out).resolve().parent / PAGE_CACHE
        else:
            cache = None if args.cache.lower() == "off" else Path(args.cache)
        result = generate(Path(args.packages), Path(args.out), Path(args.build_report), cache=cache)
    except (SiteError, DisclosureError, site_assets.UnsafeWriteError) as err:
        print(f"site: {err}", file=sys.stderr)
        return 2
    print(
        f"site: {result.centres} centre pages ({result.reused} unchanged, reused), "
        f"{result.changed} files changed, {result.seconds:.1f}s"
        + (f"; {len(result.failures)} packages without a page (see report.md)" if result.failures else ""),
        file=sys.stderr,
    )
    for slug, name, message in result.failures:
        print(f"  FAILED {slug} ({name}): no page: {message}", file=sys.stderr)
    # Every other page was written; a body without its page is still a failed site.
    return 1 if result.failures else 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("site", help="generate the site's pages from the data packages into site_src/")
    p.add_argument(
        "--packages", default=str(DATAPACKAGES), help="data packages folder (default: datapackages/)"
    )
    p.add_argument("--out", default=str(SITE_SRC), help="MkDocs docs_dir to write into (default: site_src/)")
    p.add_argument(
        "--build-report",
        default=str(BUILD_REPORT),
        help="report.json of `python -m scripts build` (default: .build/report.json)",
    )
    p.add_argument(
        "--cache",
        help="folder of the body-page cache, or 'off' (default: .build/site-cache beside the --out folder)",
    )
    p.set_defaults(func=cmd_site)
