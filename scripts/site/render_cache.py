"""A content-keyed cache of rendered pages for `mkdocs build`: a rebuild re-renders only changed pages.

MkDocs has no sound incremental build (`--dirty` skips pages, so the search index and links go stale).
Here every build is a full, clean MkDocs build, except that a page whose inputs are all unchanged is not
rendered again: its HTML body, table of contents, title, anchors, anchor links, the warnings it raised,
its front matter as parsed and its final output are taken from the build that rendered it. Everything
else still runs on every page: reading the source, the plugins' `on_page_context` (but the search
plugin's entries for the page are the ones it made from the same page last time), static files, the
sitemap, the anchor validation — so the site written is byte-identical to a build without the cache
(tests/test_incremental_site.py builds both ways and compares every file).

A page's key is the sha256 of
- its source bytes, `src_uri` and URL;
- the site fingerprint: the config file, the hooks and every module of ours loaded with them, every
  template folder of the theme (custom_dir included), the versions of the libraries that render, the nav (titles and URLs), and every file's
  source path → URL (a link in a page resolves against that list, so adding or removing a file
  re-renders every page; changing a file's content re-renders that page only).
A page that includes other files (pymdownx.snippets, `--8<--`) is never cached: its source alone does
not say what it shows.

While the cache is on, the static files of docs_dir (the downloads: CSVs, zips, chart specs) are
hard-linked into the site folder rather than copied: the same bytes, at the cost of a link; and the
clean MkDocs does first keeps the links that are still the very file they would be linked to.

The search plugin segments the Chinese of every page it indexes with jieba, whose dictionary takes a
second or more to load: what it made of each run of Chinese characters is kept too (one entry for the
whole site, keyed by jieba's version), so a rebuild that renders only pages with known words never
loads it. Not with a dictionary of one's own (`jieba_dict`, `jieba_dict_user`).

A page's output is kept as a file of its own (`output/`) and copied into the site as it is: no decoding
of what a build is not going to change.

Entries live in a folder of their own (`RENDER_CACHE`, default `.build/render-cache` beside the config
file; `RENDER_CACHE=off` disables the cache), tagged with a CACHEDIR.TAG; after a successful build the
entries it did not use are removed, so the folder holds one site (jieba's words accumulate; jinja2's
compiled templates in `templates/` are jinja2's, one file per template source).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path
from stat import S_ISREG

from scripts.site.store import Store

log = logging.getLogger("mkdocs.hooks.render_cache")

ENV = "RENDER_CACHE"
DEFAULT = Path(".build") / "render-cache"
VERSION = "3"  # bump when the entry format changes
RENDERERS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "jieba")
SNIPPET = b"--8<--"


def _versions() -> list[str]:
    out = []
    for name in RENDERERS:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}: absent")
    return out


def _tree_digest(folders: list[str]) -> str:
    """Every file under the theme's template folders that no installed library version names (custom_dir:
    templates, partials, icons), by path and bytes."""
    installed = {Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}
    h = hashlib.sha256()
    for folder in folders:
        root = Path(folder)
        if any(root.resolve().is_relative_to(lib) for lib in installed):
            h.update(f"{root.name}: installed\0".encode())  # its package version is in the fingerprint
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _nav_items(items, sources: dict[str, bytes]) -> list:
    out = []
    for item in items:
        kind = type(item).__name__
        if getattr(item, "file", None) is not None:  # a page
            # A nav page without a title of its own is named by its first heading: hash its source.
            title = item.__dict__.get("title")
            named = title if title is not None else hashlib.sha256(sources[item.file.src_uri]).hexdigest()
            out.append([kind, named, item.file.src_uri, item.url])
        else:
            out.append(
                [kind, item.title, getattr(item, "url", None), _nav_items(item.children or [], sources)]
            )
    return out


def _loaded_code() -> str:
    """Our modules loaded in this process (the hooks and everything they import, this one included)."""
    h = hashlib.sha256()
    files = sorted(
        {
            m.__file__
            for n, m in list(sys.modules.items())
            if n.split(".")[0] == "scripts" and getattr(m, "__file__", None)
        }
    )
    for file in files:
        h.update(file.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    return h.hexdigest()


def _toc(items) -> list:
    return [[a.title, a.id, a.level, _toc(a.children)] for a in items]


def _untoc(rows):
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    def link(row):
        anchor = AnchorLink(row[0], row[1], row[2])
        anchor.children = [link(c) for c in row[3]]
        return anchor

    return TableOfContents([link(r) for r in rows])


class _Records(logging.Handler):
    """Warnings raised while one page is rendered, to replay when the page comes from the cache."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[list] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.name, record.levelno, record.getMessage()])


class RenderCache:
    def __init__(self, folder: Path) -> None:
        # Pickled as they are: a rebuild loads every page's entry, and unpickling is a quarter of the
        # time of inflating and decoding JSON (the cache is ours alone: CACHEDIR.TAG, see store.py).
        self.store = Store(
            folder,
            ".pickle",
            what=f"render cache folder ({ENV})",
            hint=f"point {ENV} at another folder, or set {ENV}=off",
            legacy=(".json.z",),
        )
        # Each page's output as a file of its own: copied into the site as it is (no decoding, no JSON).
        self.outputs = Store(
            folder / "output",
            ".html",
            what=f"render cache folder ({ENV})",
            hint=f"point {ENV} at another folder, or set {ENV}=off",
        )
        self.site = ""
        self.every_page_includes = False
        self.docs: Path | None = None  # docs_dir, whose files are linked into the site
        self.site_dir = ""  # the site folder (real path), cleaned by `keep_links`
        self.clean_pending = False
        self.kept: dict[str, str] = {}  # site path → docs file: links `keep_links` left in place
        self.pending: dict[str, dict] = {}  # src_uri → what `populate` captured, until `build` writes
        self.hits = self.misses = 0
        self.words: _Segmenter | None = None

    def open(self) -> None:
        self.store.open()
        self.outputs.open()

    def fingerprint(self, config, nav, files) -> None:
        """What every page's output may depend on besides its own source."""
        docs = [f for f in files if f.is_documentation_page()]
        sources = {f.src_uri: f.content_bytes for f in docs if f.page is not None and f.page in nav.pages}
        theme_dirs = [d for d in config.theme.dirs if Path(d).is_dir()]
        uses_date = any(
            b"build_date_utc" in p.read_bytes() for d in theme_dirs for p in Path(d).rglob("*.html")
        )
        parts = {
            "version": VERSION,
            "config": hashlib.sha256(Path(config.config_file_path).read_bytes()).hexdigest(),
            "hooks": [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in config.get("hooks", [])],
            "code": _loaded_code(),
            "theme": _tree_digest(theme_dirs),
            "renderers": _versions(),
            "date": os.environ.get("SOURCE_DATE_EPOCH") if uses_date else None,
            "nav": _nav_items(nav.items, sources),
            "files": hashlib.sha256(
                "\n".join(sorted(f"{f.src_uri}\t{f.url}" for f in files)).encode()
            ).hexdigest(),
        }
        self.site = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
        # Snippets appended to every page: no page's source says all it shows.
        self.every_page_includes = bool(config.mdx_configs.get("pymdownx.snippets", {}).get("auto_append"))

    # --- entries ------------------------------------------------------------------------------------

    def key(self, page) -> str | None:
        if page.file.abs_src_path is None:  # made by a plugin: no source file to key on
            return None
        source = page.file.content_bytes
        if SNIPPET in source or self.every_page_includes:
            return None
        h = hashlib.sha256(f"{self.site}\0{page.file.src_uri}\0{page.url}\0".encode())
        h.update(source)
        return h.hexdigest()

    def load(self, key: str) -> dict | None:
        data = self.store.load(key)
        try:
            return pickle.loads(data) if data is not None else None
        except Exception:
            return None  # a damaged entry is a miss

    def save(self, key: str, entry: dict) -> None:
        self.store.save(key, pickle.dumps(entry, protocol=5))


class _Segmenter:
    """Stands in for the `jieba` module in the search plugin: `cut` of a run seen before gives what jieba
    made of it then (jieba is deterministic for one version and dictionary); anything else is jieba's."""

    def __init__(self, jieba, known: dict[str, list[str]]) -> None:
        self.jieba = jieba
        self.known = known
        self.new = 0

    def cut(self, sentence, *args, **kwargs):
        if args or kwargs:
            return self.jieba.cut(sentence, *args, **kwargs)
        text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        words = self.known.get(text)
        if words is None:
            words = self.known[text] = list(self.jieba.cut(sentence))
            self.new += 1
        return iter(words)

    def __getattr__(self, name):
        return getattr(self.jieba, name)


def _search_module():
    try:
        from material.plugins.search import plugin
    except ImportError:
        return None
    return plugin if getattr(plugin, "jieba", None) is not None else None


def _words_key() -> str:
    return hashlib.sha256(f"jieba words\0{VERSION}\0{_versions()}".encode()).hexdigest()


def _remember_words(cache: RenderCache, config) -> None:
    """Put a `_Segmenter` over the search plugin's jieba, unless a plugin names a dictionary of its own."""
    module = _search_module()
    own = any(
        getattr(p.config, "jieba_dict", None) or getattr(p.config, "jieba_dict_user", None)
        for p in config.plugins.values()
        if hasattr(p, "config")
    )
    if module is None or own:
        return
    real = module.jieba.jieba if isinstance(module.jieba, _Segmenter) else module.jieba
    known = cache.load(_words_key())
    cache.store.used.add(_words_key())
    cache.words = _Segmenter(real, known if isinstance(known, dict) else {})
    module.jieba = cache.words


def _forget_words(cache: RenderCache, save: bool) -> None:
    module = _search_module()
    if cache.words is None:
        return
    if module is not None and module.jieba is cache.words:
        module.jieba = cache.words.jieba
    if save and cache.words.new:
        cache.save(_words_key(), cache.words.known)


# --- the two MkDocs steps, cached -------------------------------------------------------------------

_CACHE: RenderCache | None = None


def _populate_page(original, page, config, files, dirty=False):
    cache = _CACHE
    key = cache.key(page) if cache is not None and not dirty else None
    entry = cache.load(key) if key else None
    output = cache.outputs.path(key) if entry is not None else None
    if output is not None and output.stat().st_size != entry.get("output_bytes"):
        output = None  # cut short or replaced: render the page again
    if entry is None or output is None:
        records = _Records()
        logging.getLogger("mkdocs").addHandler(records)
        try:
            original(page, config, files, dirty)
        finally:
            logging.getLogger("mkdocs").removeHandler(records)
        if key:
            cache.misses += 1
            cache.pending[page.file.src_uri] = {
                "key": key,
                **_source_parts(page.file.content_string),
                "content": page.content,
                "toc": _toc(page.toc),
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()},
                "warnings": records.records,
            }
        return
    cache.hits += 1
    cache.store.used.add(key)
    _read_source(page, config, entry)
    page.content = entry["content"]
    page.toc = _untoc(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    page.links_to_anchors = {
        f: links for uri, links in entry["links"].items() if (f := files.get_file_from_path(uri)) is not None
    }
    cache.outputs.used.add(key)
    page._render_cache_output = output
    page._render_cache_search = entry.get("search")
    for name, level, message in entry["warnings"]:
        logging.getLogger(name).log(level, message)


def _source_parts(source: str) -> dict:
    """What `read_source` makes of a page's source: its meta (front matter), and where the Markdown after
    it starts (None if it is not the source's end)."""
    from mkdocs.utils import meta

    markdown, data = meta.get_data(source)
    return {"meta": data, "markdown_at": len(source) - len(markdown) if source.endswith(markdown) else None}


def _read_source(page, config, entry: dict) -> None:
    """`page.read_source`: the Markdown and the meta (front matter) plugins and templates read; the meta
    as parsed when the page was rendered (its source is part of the key), unless a plugin supplies the
    source (`on_page_read_source`)."""
    at = entry.get("markdown_at")
    if at is None or config.plugins.events["page_read_source"]:
        page.read_source(config)
        return
    page.markdown = page.file.content_string[at:]
    page.meta = entry["meta"]


def _search_index(config):
    """The search plugin's index (material's or mkdocs's own), whose entries for a page depend on that
    page alone: they are cached with it. None when there is no such plugin."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list):
            return plugin, index
    return None, None


def _build_page(original, page, config, doc_files, nav, env, dirty=False, excluded=False):
    output = getattr(page, "_render_cache_output", None)
    search, index = _search_index(config)
    if output is None or excluded:
        records = _Records()
        before = len(index.entries) if index is not None else 0
        logging.getLogger("mkdocs").addHandler(records)
        try:
            original(page, config, doc_files, nav, env, dirty, excluded)
        finally:
            logging.getLogger("mkdocs").removeHandler(records)
        captured = _CACHE.pending.pop(page.file.src_uri, None) if _CACHE is not None else None
        if captured is not None and not excluded and os.path.isfile(page.file.abs_dest_path):
            key = captured.pop("key")
            captured["warnings"] += records.records
            captured["search"] = index.entries[before:] if index is not None else None
            data = Path(page.file.abs_dest_path).read_bytes()
            captured["output_bytes"] = len(data)
            _CACHE.save(key, captured)
            _CACHE.outputs.save(key, data)
        return
    from mkdocs.commands.build import get_context

    entries = page._render_cache_search
    # Everything but the rendering: the plugins see the page (the search plugin's entries for it are
    # those it made from this very page last time), the output written is what the full render wrote.
    config._current_page = page
    page.active = True
    try:
        context = get_context(nav, doc_files, config, page)
        if index is None or entries is None:
            config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        else:
            for method in config.plugins.events["page_context"]:
                if getattr(method, "__self__", None) is not search:
                    context = method(context, page=page, config=config, nav=nav) or context
            index.entries.extend(entries)
        os.makedirs(os.path.dirname(page.file.abs_dest_path), exist_ok=True)
        shutil.copyfile(output, page.file.abs_dest_path)
    finally:
        page.active = False
        config._current_page = None
        del page._render_cache_output, page._render_cache_search


# The two steps wrapped, as MkDocs 1.6 defines them; another MkDocs builds without the cache.
STEPS = {
    "_populate_page": ["page", "config", "files", "dirty"],
    "_build_page": ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"],
}


def _supported() -> bool:
    import inspect

    from mkdocs.commands import build as mk

    return (
        all(
            list(inspect.signature(getattr(mk, name, None) or (lambda: None)).parameters) == params
            for name, params in STEPS.items()
        )
        or _PATCHED
    )


def install(config) -> RenderCache | None:
    """Turn the cache on for this build (from the `on_config` hook); None when RENDER_CACHE=off."""
    global _CACHE
    setting = os.environ.get(ENV, "")
    if setting.lower() in ("off", "0", "no"):
        _CACHE = None
        return None
    if not _supported():
        log.info("render cache off: this MkDocs's build steps are not the ones it wraps (MkDocs 1.6)")
        _CACHE = None
        return None
    folder = Path(setting) if setting else Path(config.config_file_path).parent / DEFAULT
    cache = RenderCache(folder.resolve())
    cache.open()
    cache.docs = Path(config.docs_dir).resolve()
    cache.site_dir = os.path.realpath(config.site_dir)
    _patch()
    _remember_words(cache, config)
    _CACHE = cache
    return cache


def compiled_templates(env) -> None:
    """The theme's templates compiled once, not on every build: jinja2's own bytecode cache, which checks
    each template's source (and Python's version) before it uses what it kept."""
    if _CACHE is None or env.bytecode_cache is not None:
        return
    from jinja2 import FileSystemBytecodeCache

    folder = _CACHE.store.folder / "templates"
    folder.mkdir(exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def finish(prune: bool) -> RenderCache | None:
    """End of a build: drop unused entries when it succeeded; the cache is off until the next build."""
    global _CACHE
    cache, _CACHE = _CACHE, None
    if cache is not None:
        _forget_words(cache, save=prune)
    if cache is not None and prune:
        cache.store.prune()
        cache.outputs.prune()
    return cache


_PATCHED = False


def _patch() -> None:
    """Wrap mkdocs's two per-page steps (looked up by name in `mkdocs.commands.build.build`)."""
    global _PATCHED
    if _PATCHED:
        return
    from functools import partial

    from mkdocs import utils
    from mkdocs.commands import build as mk
    from mkdocs.structure.files import File

    mk._populate_page = partial(_populate_page, mk._populate_page)
    mk._build_page = partial(_build_page, mk._build_page)
    utils.copy_file = partial(_copy_file, utils.copy_file)
    copy_static = File.copy_file
    File.copy_file = lambda file, dirty=False: _copy_static(copy_static, file, dirty)
    utils.clean_directory = partial(_clean_directory, utils.clean_directory)
    _PATCHED = True


def _clean_directory(original, directory: str) -> None:
    """MkDocs empties the site folder before a build; with the cache on, that waits for `keep_links`."""
    cache = _CACHE
    if cache is not None and cache.site_dir and os.path.realpath(directory) == cache.site_dir:
        cache.clean_pending = True
        return
    original(directory)


def keep_links(files) -> None:
    """The clean MkDocs does before a build (everything but hidden entries at the top goes), except the
    links to docs files that are still those very files (same inode: the same bytes): linking them again
    would change nothing. Called once the build's files are known (the `on_files` hook)."""
    cache = _CACHE
    if cache is None or not cache.clean_pending:
        return
    cache.clean_pending = False
    keep = {
        os.path.normpath(os.path.join(cache.site_dir, f.dest_uri)): f.abs_src_path
        for f in files
        if not f.is_documentation_page() and f.abs_src_path
    }
    root = cache.site_dir
    if not os.path.isdir(root):
        return
    device = os.stat(root).st_dev
    for entry in os.scandir(root):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_dir():
            os.unlink(entry.path)
        elif not _sweep(entry.path, keep, cache.kept, device):
            os.rmdir(entry.path)


def _sweep(folder: str, keep: dict[str, str], kept: dict[str, str], device: int) -> int:
    """Remove what is under `folder` but the links to their docs file (same inode, and the docs file a
    plain file, not a link); returns how many entries are left. scandir gives each entry's inode and
    type without a system call: one lstat per docs file is all it costs."""
    left = 0
    with os.scandir(folder) as entries:
        for entry in list(entries):
            if entry.is_dir(follow_symlinks=False):
                if _sweep(entry.path, keep, kept, device):
                    left += 1
                else:
                    os.rmdir(entry.path)
                continue
            source = None if entry.is_symlink() else keep.get(entry.path)
            if source is not None:
                try:
                    st = os.lstat(source)
                except OSError:
                    st = None
                if (
                    st is not None
                    and S_ISREG(st.st_mode)
                    and (st.st_ino, st.st_dev) == (entry.inode(), device)
                ):
                    kept[entry.path] = source
                    left += 1
                    continue
            os.unlink(entry.path)
    return left


def _copy_static(original, file, dirty: bool = False) -> None:
    """A static file whose link `keep_links` kept is already in place: no folder to make, nothing to copy."""
    cache = _CACHE
    if cache is not None and file._content is None and file.abs_src_path:
        if cache.kept.get(os.path.normpath(file.abs_dest_path)) == file.abs_src_path:
            return
    original(file, dirty)


def _copy_file(original, source_path: str, output_path: str) -> None:
    """A file of docs_dir is linked into the clean site folder, not copied: the same bytes, without
    reading and writing tens of thousands of downloads on every build. Nothing writes into a built
    site's files in place (our writers replace files whole), so the docs stay as they are. Elsewhere, on
    another file system or without the cache, a copy."""
    cache = _CACHE
    if cache is not None and cache.docs and os.path.lexists(output_path):
        if not os.path.islink(output_path) and os.path.samefile(source_path, output_path):
            return  # kept by `keep_links`: this very file
    if cache is not None and cache.docs and not os.path.lexists(output_path):
        source = Path(source_path).resolve()
        if source.is_relative_to(cache.docs) and source.is_file() and not Path(source_path).is_symlink():
            os.makedirs(os.path.dirname(output_path), exist_ok=True)
            try:
                os.link(source, output_path)
                return
            except OSError:
                pass
    original(source_path, output_path)
