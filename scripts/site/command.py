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
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scripts.site.bodies import body_keys, write_bodies
from scripts.site.catalog import catalog_pages
from scripts.site.common import Centre, Writer
from scripts.site.compare import compare_pages
from scripts.site.data import write_data
from scripts.site.glossary import glossary_page
from scripts.site.home import home_part
from scripts.site.report import report_page
from scripts.site.summary import BodySummary

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGES = ROOT / "datapackages"
SITE_SRC = ROOT / "site_src"
BUILD_REPORT = ROOT / ".build" / "report.json"

# Folders and pages under site_src/ written here (git-ignored); anything else there is hand-written.
GENERATED_DIRS = ("centres", "regions", "generated", "bodies", "compare")
GENERATED_PAGES = ("catalog.md", "compare.md", "glossary.md", "report.md")


class SiteError(Exception):
    """The site cannot be generated at all (no packages folder, unreadable build report)."""


PARALLEL_MIN = 16  # below this, starting worker processes costs more than it saves


def _write_one(
    write_centre: Callable[..., BodySummary], pkg: Path, out: Path, years: list | None = None
) -> tuple[BodySummary | None, str | None]:
    try:
        # Only a body with several years gets the year switcher (and the keyword).
        more = {"years": years} if years and len(years) > 1 else {}
        return write_centre(pkg, out / "centres" / pkg.name, site_root_rel="../../", **more), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def body_years(dirs: list[Path]) -> dict[str, list[tuple[int, str]]]:
    """Slug → its body's (fiscal year, slug) of every year, from the descriptors (`x_body`)."""
    items = []
    for pkg in dirs:
        try:
            desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        items.append((pkg.name, desc.get("x_body") or pkg.name, desc.get("fiscal_year")))
    body_of = body_keys(items)
    found: dict[str, list[tuple[int, str]]] = {}
    for slug, _, year in items:
        if isinstance(year, int):
            found.setdefault(body_of[slug], []).append((year, slug))
    return {slug: sorted(found.get(body, [])) for slug, body in body_of.items()}


def _write_centres(write_centre: Callable[..., BodySummary], dirs: list[Path], out: Path) -> list:
    """Centre pages are independent: write them on every core when there are many."""
    workers = os.cpu_count() or 1
    years = body_years(dirs)
    if workers == 1 or len(dirs) < PARALLEL_MIN:
        return [_write_one(write_centre, pkg, out, years.get(pkg.name)) for pkg in dirs]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(
            pool.map(
                _write_one,
                [write_centre] * len(dirs),
                dirs,
                [out] * len(dirs),
                [years.get(pkg.name) for pkg in dirs],
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
) -> Result:
    clock = time.perf_counter()
    write_centre = write_centre or _default_writer()
    dirs = package_dirs(packages)
    w = Writer(out)
    centres: list[Centre] = []
    failures: list[tuple[str, str, str]] = []
    pkg_dirs: list[Path] = []  # the packages that got a page, in the order of `centres`
    for pkg, (summary, error) in zip(dirs, _write_centres(write_centre, dirs, out), strict=True):
        slug = pkg.name
        centre_dir = out / "centres" / slug
        if error is not None:  # one broken package shows up on the report page, the site goes on
            failures.append((slug, _package_title(pkg), error))
            shutil.rmtree(centre_dir, ignore_errors=True)
            continue
        for path in centre_dir.rglob("*"):
            w.keep(path)
        pkg_dirs.append(pkg)
        centres.append(Centre(summary))
    write_data(w, centres, pkg_dirs)
    write_bodies(w, centres, pkg_dirs)
    w.text("generated/home.md", home_part(w, centres, len(failures)))
    catalog_pages(w, centres)
    compare_pages(w, centres)
    glossary_page(w, centres)
    report_page(w, load_report(build_report), failures, build_report)
    _remove_stale(out, w.written)
    return Result(len(centres), failures, w.changed, time.perf_counter() - clock)


def _package_title(pkg: Path) -> str:
    try:
        return str(
            json.loads((pkg / "datapackage.json").read_text(encoding="utf-8")).get("title") or pkg.name
        )
    except (OSError, json.JSONDecodeError):
        return pkg.name


def _remove_stale(out: Path, written: set[Path]) -> None:
    """Drop generated files from earlier runs (a removed centre must not linger on the site)."""
    for name in GENERATED_DIRS:
        folder = out / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path not in written:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def cmd_site(args: argparse.Namespace) -> int:
    try:
        result = generate(Path(args.packages), Path(args.out), Path(args.build_report))
    except SiteError as err:
        print(f"site: {err}", file=sys.stderr)
        return 2
    print(
        f"site: {result.centres} centre pages, {result.changed} files changed, {result.seconds:.1f}s"
        + (f"; {len(result.failures)} packages without a page (see report.md)" if result.failures else ""),
        file=sys.stderr,
    )
    for slug, _name, message in result.failures:
        print(f"  {slug}: {message}", file=sys.stderr)
    return 0


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
    p.set_defaults(func=cmd_site)
