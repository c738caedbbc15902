"""MkDocs hooks (mkdocs.yml `hooks:`): vendor assets before each build, chart spec URLs per page, and the
render cache (scripts/site/render_cache.py) that spares unchanged pages their rendering."""

from __future__ import annotations

import logging
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# Hooks are loaded by file path, not as part of the package: make `scripts` importable from any cwd.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from scripts.owned import OutputError  # noqa: E402
from scripts.site import assets as site_assets  # noqa: E402
from scripts.site import render_cache, search_index  # noqa: E402

log = logging.getLogger("mkdocs.hooks.site")

# The search plugin segments Chinese with jieba, which logs "Building prefix dict … Loading model from
# cache" at DEBUG/INFO through its own logger: keep only its warnings (ours are untouched).
try:
    import jieba

    jieba.setLogLevel(logging.WARNING)
except ImportError:  # pragma: no cover - jieba is a dependency; the site builds without search segmentation
    pass

_DATA_SPEC = re.compile(r'(<div\b[^>]*\bclass="chart"[^>]*\bdata-spec=")([^"]+)(")')


def on_config(config):
    try:
        render_cache.install(config)
    except OutputError as err:
        raise PluginError(str(err)) from err
    return config


@event_priority(-100)  # after every plugin's: the files of this build are final
def on_files(files, config):
    render_cache.keep_links(files)
    return files


def on_nav(nav, config, files):
    if render_cache._CACHE is not None:
        render_cache._CACHE.fingerprint(config, nav, files)
    return nav


def on_env(env, config, files):
    render_cache.compiled_templates(env)
    return env


def on_post_build(config) -> None:
    # Hooks run after the plugins: the search plugin has written its index.
    try:
        search_index.rewrite(Path(config["site_dir"]))
    except OutputError as err:
        raise PluginError(str(err)) from err
    cache = render_cache.finish(prune=True)
    if cache is not None:
        new = cache.words.new if cache.words is not None else 0
        log.info(
            "render cache: %d pages reused, %d rendered; %d new runs of Chinese segmented",
            cache.hits,
            cache.misses,
            new,
        )


def on_build_error(error) -> None:
    render_cache.finish(prune=False)


def on_pre_build(config) -> None:
    # Before mkdocs collects docs_dir, so the vendor files are part of this build.
    try:
        changed = site_assets.build_assets(config["docs_dir"])
    except site_assets.SiteAssetError as err:
        raise PluginError(str(err)) from err
    if changed:
        log.info("site assets written: %s", ", ".join(p.name for p in changed))


def on_page_content(html: str, page, config, files) -> str:
    """Rewrite each chart's `data-spec` (relative to the Markdown file) to a site-root URL.

    mkdocs rewrites Markdown links but not data attributes; a site-root URL keeps working after
    instant navigation, whatever page the script runs on. A missing spec fails the build.
    """
    base_path = urlsplit(config["site_url"] or "/").path.rstrip("/") + "/"
    src_dir = posixpath.dirname(page.file.src_uri)

    def rewrite(match: re.Match) -> str:
        value = match.group(2)
        if urlsplit(value).scheme or value.startswith("/"):
            raise PluginError(f"{page.file.src_uri}: chart spec must be a relative path, got {value!r}")
        target = posixpath.normpath(posixpath.join(src_dir, unquote(value)))
        file = files.get_file_from_path(target)
        if file is None:
            raise PluginError(f"{page.file.src_uri}: chart spec {value!r} not found ({target})")
        return f"{match.group(1)}{base_path}{file.url}{match.group(3)}"

    return _DATA_SPEC.sub(rewrite, html)
