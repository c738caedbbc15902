"""Build-time assets of the static site: self-hosted chart/table libraries and chart files.

Nothing here reaches a CDN: the Vega runtime and the sortable-table script come from the npm registry
(installed at build time into a git-ignored cache), charts are compiled from Vega-Lite to Vega at build
time with the ``vl-convert-python`` wheel (so the browser needs only ``vega``, not vega-lite and
vega-embed: ~120 KB gzipped less per page), and every chart also gets a static SVG drawn at build time
(a small Python renderer, not vl-convert).

API (the page modules of ``scripts/site/`` call these):

``build_assets(site_src) -> list[Path]``
    Write the vendor scripts into ``<site_src>/assets/vendor/`` (git-ignored): ``vega.min.js``
    (vega 6 from npm, global ``vega``), ``vega-locale.js`` (``window.VEGA_LOCALE`` = zh-CN number/time formats) and
    ``tablesort/tablesort.min.js`` + ``tablesort/tablesort.number.min.js``. Idempotent: a file is only
    rewritten when its content changes (so ``mkdocs serve`` does not loop). The mkdocs hook
    (``scripts/site/hooks.py``) calls it before every build, so a plain ``mkdocs build`` works too.

``write_chart(spec, out_dir, name, *, figures, vega=None) -> (json_path, svg_path)``
    ``spec`` is a Vega-Lite dict (e.g. ``altair.Chart(...).to_dict()``). It may reference its data as
    ``{"data": {"url": "../data/x.csv", "format": {"type": "csv"}}}``: a relative URL resolved against
    ``out_dir`` (where the spec is written), so the CSV that readers download is the one the chart
    reads, never inlined twice. Writes ``<out_dir>/<name>.vl.json`` (the Vega-Lite source, offered
    for reuse; ``json_path``), ``<out_dir>/<name>.vg.json`` (the compiled Vega spec the page renders;
    ``vega_path(json_path)``) and ``<out_dir>/<name>.svg`` (the static fallback, drawn by the Python
    renderer ``scripts.site.svg.bar_svg`` from ``figures=``, the bars as the page computed them). The Vega spec is
    ``vega=`` if given (``scripts.site.charts.spec`` returns it, from a template compiled once per chart
    kind), else ``compile_vega(spec)`` (~60 ms). External (http/https)
    data raises ``ChartError``. Files are rewritten only when they change.

``compile_vega(spec) -> dict``
    The Vega spec of a Vega-Lite spec (site config applied), compiled by vl-convert with the Vega-Lite
    version Altair writes.

``chart_html(name, rel_paths, alt_text_table_md, *, title=None, alt=None) -> str``
    Markdown/HTML block to put in a page. ``rel_paths`` maps ``"spec"``, ``"svg"`` and optionally
    ``"data"`` (a path or a list of paths to CSV files) to paths **relative to the Markdown file**,
    like any Markdown link. A ``spec`` ending in ``.vl.json`` is offered as a download and the page
    loads its compiled sibling ``.vg.json``; mkdocs validates them in ``--strict`` builds and the hook rewrites
    ``data-spec`` to a site-root URL. ``alt_text_table_md`` is a Markdown table with the chart's
    figures, shown in a collapsible block (the text alternative of the chart). ``title`` is the
    caption, ``alt`` the short alt text of the fallback image (defaults to ``title``).
    Needs the ``attr_list`` and ``md_in_html`` Markdown extensions (enabled in ``mkdocs.yml``).
"""

from __future__ import annotations

import copy
import html
import json
import posixpath
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import vl_convert as vlc

from scripts.owned import OutputError, symlink_on_path, write_file, write_with
from scripts.site.svg import bar_svg

ROOT = Path(__file__).resolve().parents[2]
# The site's list of the files it wrote under its output folder (a dot file: MkDocs ignores it).
MANIFEST = ".written"

# Altair 6.3.0 writes Vega-Lite 6.4.x schemas; vl-convert bundles and renders with the same minor version.
VEGALITE_VERSION = "6.4"
LOCALE = "zh-CN"

VENDOR_DIR = Path("assets") / "vendor"
# npm packages installed at build time; pinned so a build is reproducible. vega is the version
# vl-convert 1.9 itself renders with, so compiled specs target the runtime they were tested against.
NPM_PACKAGES = {"tablesort": "5.7.1", "vega": "6.2.0"}
NPM_CACHE = ROOT / "build" / "site-npm"
VEGA_FILES = {"vega.min.js": "vega/build/vega.min.js"}
# vega + vega-lite + vega-embed (~300 KB gzipped), replaced by build-time compilation and vega.min.js.
STALE_VENDOR_FILES = ("vega-bundle.js",)
TABLESORT_FILES = {
    "tablesort/tablesort.min.js": "tablesort/dist/tablesort.min.js",
    "tablesort/tablesort.number.min.js": "tablesort/dist/sorts/tablesort.number.min.js",
}

# Chinese glyphs for the build-time SVGs; the same families are asked for in the browser (site.css too).
CJK_FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto")]
CHART_FONT = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)
CHART_CONFIG = {"font": CHART_FONT}

DATA_FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json"}


class SiteAssetError(Exception):
    """A build-time asset could not be produced (missing tool, failed install)."""


class ChartError(SiteAssetError):
    """A chart spec cannot be written as a self-hosted chart (external or missing data)."""


# --- vendor scripts ---------------------------------------------------------------------------------


class UnsafeWriteError(SiteAssetError):
    """A generated file would be written through a symbolic link or over a file the site did not write."""


# Set by the `site` command (`guard`): the output root, the files it wrote before (its `.written`
# manifest), and the set that records every file written in this run.
_GUARD: dict = {"root": None, "owned": None, "record": None}


@contextmanager
def guard(root: Path, owned: set[str], record: set[str]) -> Iterator[set[str]]:
    """Within this block, `write_if_changed` under `root` refuses symbolic links and files it did not
    write (not in `owned`), and adds every file it writes to `record` (paths relative to `root`)."""
    saved = dict(_GUARD)
    _GUARD.update(root=Path(root), owned=owned, record=record)
    try:
        yield record
    finally:
        _GUARD.update(saved)


def _guarded(path: Path, data: bytes | None) -> None:
    """Inside `guard`: refuse `path` if outside the root, behind a link, or another's file (with
    `data` None, of content not known yet, an existing file not ours is refused whatever it holds)."""
    root = _GUARD["root"]
    if root is None:
        return
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        raise UnsafeWriteError(f"{path}: outside the site folder {root}: not written") from None
    link = symlink_on_path(root, rel)
    if link is not None:
        raise UnsafeWriteError(
            f"{link}: a symbolic link in the site folder: nothing is written through it "
            "(remove the link and run `python -m scripts site` again)"
        )
    if path.exists() and rel not in _GUARD["owned"] and (data is None or path.read_bytes() != data):
        raise UnsafeWriteError(
            f"{path}: exists and was not written by `python -m scripts site` (not in {root}/{MANIFEST}): "
            "not overwritten; move it away and run the command again"
        )
    _GUARD["record"].add(rel)


def owned_files() -> set[str]:
    """Inside `guard`: the files an earlier run wrote (they may be kept as they are)."""
    return _GUARD["owned"] or set()


def keep(path: Path) -> None:
    """Inside `guard`: `path`, left as an earlier run wrote it (not rewritten), is still this run's file."""
    root = _GUARD["root"]
    if root is not None and path.is_file() and not path.is_symlink():
        _GUARD["record"].add(Path(path).relative_to(root).as_posix())


def write_if_changed(path: Path, content: bytes | str) -> bool:
    """Write only on change (True when written): mkdocs serve watches docs_dir and would rebuild forever
    otherwise, and unchanged files keep their timestamps for incremental builds. Never through a
    symbolic link; inside `guard`, never over a file the site did not write."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return _write_checked(Path(path), data, lambda root, name: write_file(root, name, data))


def write_with_if_changed(path: Path, fill: Callable[[BinaryIO], object]) -> bool:
    """`write_if_changed` for a file too large to hold in memory: `fill(fh)` writes it (owned.write_with)."""
    return _write_checked(Path(path), None, lambda root, name: write_with(root, name, fill))


def _write_checked(path: Path, data: bytes | None, write: Callable[[Path, str], bool]) -> bool:
    _guarded(path, data)
    if path.is_symlink():
        raise UnsafeWriteError(f"{path}: a symbolic link: not written through")
    try:
        return write(path.parent, path.name)
    except OutputError as err:
        raise UnsafeWriteError(str(err)) from err


def _npm_install(cache: Path) -> Path:
    """Install the pinned npm packages into `cache` (reused when already there); returns node_modules."""
    modules = cache / "node_modules"
    wanted = all(_installed_npm_version(modules / name) == version for name, version in NPM_PACKAGES.items())
    if wanted:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise SiteAssetError("npm not found: install Node.js and npm to build the site's scripts")
    cache.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    cmd = [
        npm,
        "install",
        "--prefix",
        str(cache),
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
    ]
    done = subprocess.run([*cmd, *specs], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SiteAssetError(f"npm install {' '.join(specs)} failed:\n{done.stderr.strip()}")
    return modules


def _installed_npm_version(package_dir: Path) -> str | None:
    manifest = package_dir / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def vega_locale_js() -> str:
    """zh-CN number and time formats for the Vega runtime, taken from vl-convert (same as the SVGs)."""
    locale = {"format": vlc.get_format_locale(LOCALE), "time": vlc.get_time_format_locale(LOCALE)}
    return f"window.VEGA_LOCALE = {json.dumps(locale, ensure_ascii=False)};\n"


def build_assets(site_src: str | Path, *, npm_cache: Path = NPM_CACHE) -> list[Path]:
    """Install the chart and table libraries into `<site_src>/assets/vendor/`; returns changed files."""
    vendor = Path(site_src) / VENDOR_DIR
    outputs: dict[Path, str] = {vendor / "vega-locale.js": vega_locale_js()}
    modules = _npm_install(npm_cache)
    for target, source in {**VEGA_FILES, **TABLESORT_FILES}.items():
        src = modules / source
        if not src.exists():
            raise SiteAssetError(f"{src} missing after npm install of {NPM_PACKAGES}")
        outputs[vendor / target] = src.read_text(encoding="utf-8")
    # vega-lite: the build-time compiler (vl-convert), not shipped to the browser.
    versions = {
        "vega-lite": _compiler_vegalite_version(),
        "vl-convert-python": vlc.__version__,
        **NPM_PACKAGES,
    }
    outputs[vendor / "VERSIONS.json"] = json.dumps(versions, indent=2, sort_keys=True) + "\n"
    for stale in STALE_VENDOR_FILES:  # left in the git-ignored vendor dir by older builds
        if not (vendor / stale).is_symlink():
            (vendor / stale).unlink(missing_ok=True)
    return [path for path, content in outputs.items() if write_if_changed(path, content)]


# --- charts -----------------------------------------------------------------------------------------


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def _with_site_config(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    config = spec.setdefault("config", {})
    for key, value in CHART_CONFIG.items():
        config.setdefault(key, value)
    spec.setdefault("$schema", f"https://vega.github.io/schema/vega-lite/v{VEGALITE_VERSION}.json")
    return spec


def _compiler_vegalite_version() -> str:
    """The Vega-Lite minor version vl-convert compiles with; fails early when the wheel lacks it."""
    if VEGALITE_VERSION not in vlc.get_vegalite_versions():
        raise SiteAssetError(f"vl-convert {vlc.__version__} has no Vega-Lite {VEGALITE_VERSION}")
    return VEGALITE_VERSION


def compile_vega(spec: dict) -> dict:
    """The Vega spec of Vega-Lite `spec` (site config applied), compiled at build time by vl-convert."""
    try:
        return vlc.vegalite_to_vega(_with_site_config(spec), vl_version=VEGALITE_VERSION)
    except ValueError as err:  # vl-convert reports invalid specs as ValueError
        raise ChartError(f"Vega-Lite spec does not compile: {err}") from err


def vega_path(json_path: Path) -> Path:
    """The compiled Vega sibling `<name>.vg.json` of a written `<name>.vl.json`."""
    return json_path.with_name(json_path.name.removesuffix(".vl.json") + ".vg.json")


def _check_data(spec: dict, base: Path) -> None:
    """The spec's (single, relative) CSV data file must exist in the site, as the browser needs it."""
    data = spec.get("data")
    if not (isinstance(data, dict) and isinstance(data.get("url"), str)):
        return
    url = data["url"]
    if _is_external(url) or url.startswith("/"):
        raise ChartError(f"chart data must be a relative path to a file in the site, got {url!r}")
    path = (base / url).resolve()
    if not path.is_file():
        raise ChartError(f"chart data {url!r} not found (resolved to {path})")


def write_chart(
    spec: dict,
    out_dir: str | Path,
    name: str,
    *,
    figures: Mapping,
    vega: dict | None = None,
) -> tuple[Path, Path]:
    """Write `<name>.vl.json` and its static `<name>.svg` into `out_dir`; see the module docstring.

    The SVG fallback is drawn by `scripts.site.svg.bar_svg` (a small Python renderer, ~0.1 ms) instead
    of vl-convert (~60 ms a chart): `figures` = {"title", "bars": [(label, Decimal)], "unit", "factor",
    "label_title"} as the page computed them. Files are written only on change.
    """
    out_dir = Path(out_dir)
    spec = _with_site_config(spec)
    _check_data(spec, out_dir)
    svg = bar_svg(
        figures.get("title", ""),
        list(figures.get("bars", [])),
        figures.get("unit", ""),
        factor=figures.get("factor", 1),
        label_title=figures.get("label_title", ""),
    )
    json_path = out_dir / f"{name}.vl.json"
    svg_path = out_dir / f"{name}.svg"
    if vega is None:
        vega = compile_vega(spec)
    write_if_changed(json_path, (json.dumps(spec, ensure_ascii=False, indent=1) + "\n").encode())
    # Compact: this is the file every page view downloads.
    compiled = json.dumps(vega, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_if_changed(vega_path(json_path), compiled.encode())
    write_if_changed(svg_path, svg.encode())
    return json_path, svg_path


def _md_url(path: str) -> str:
    # Markdown link targets must not contain spaces or parentheses unescaped.
    return path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def chart_html(
    name: str,
    rel_paths: Mapping[str, str | list[str]],
    alt_text_table_md: str,
    *,
    title: str | None = None,
    alt: str | None = None,
) -> str:
    """Markdown block for one chart (container, SVG fallback, downloads, data table); see module doc."""
    spec = rel_paths["spec"]
    svg = rel_paths["svg"]
    source = None
    if spec.endswith(".vl.json"):
        source, spec = spec, spec.removesuffix(".vl.json") + ".vg.json"
    data = rel_paths.get("data") or []
    data = [data] if isinstance(data, str) else list(data)
    caption = title or ""
    alt_text = (alt or title or "图表").replace("]", "\\]").replace("[", "\\[")
    downloads = [f"[下载图表（SVG）]({_md_url(svg)}){{ download }}"]
    if source:
        downloads.append(f"[图表规格（Vega-Lite）]({_md_url(source)}){{ download }}")
    for path in data:
        label = posixpath.basename(path)
        downloads.append(f"[下载数据（{html.escape(label)}）]({_md_url(path)}){{ download }}")
    return "\n".join(
        [
            f'<figure class="chart-figure" id="chart-{html.escape(name, quote=True)}" markdown="block">',
            f'<div class="chart" data-spec="{html.escape(spec, quote=True)}" markdown="block">',
            "",
            f"![{alt_text}]({_md_url(svg)}){{ .chart-fallback }}",
            "",
            "</div>",
            '<figcaption markdown="span">',
            f"{html.escape(caption)}" + ("<br>" if caption else "") + " · ".join(downloads),
            "</figcaption>",
            '<details class="chart-table" markdown="block">',
            "<summary>图表数据（文字版）</summary>",
            "",
            alt_text_table_md.strip(),
            "",
            "</details>",
            "</figure>",
            "",
        ]
    )
