"""The `site` command's cache of body pages: a package unchanged since the last run is not rendered again.

A body page (centres/<slug>/: its Markdown, chart specs, CSVs, downloads) depends only on its package,
the body's list of years and the code and libraries that render it. The key is the sha256 of those:
every file of the package (a source file by the sha256 its descriptor records, so a PDF is not read
again), the years, the site code (`SITE_CODE`, and mkdocs.yml for the site URL) and the
versions of altair and vl-convert. An entry holds the page's `BodySummary` and the sha256 (size, time)
of each file it wrote; it is used only when every one of those files is still there, unchanged and ours
— else the page is rendered again. The cross-body pages are always rendered from the summaries.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import time
import zlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from scripts.site.store import Store

ROOT = Path(__file__).resolve().parents[2]
RENDERERS = ("altair", "vl-convert-python")


# The code a page depends on: the site stage and the modules it may import (tests/test_layout.py keeps
# the site to these), so editing the pipeline or the bench does not re-render pages.
SITE_CODE = ("scripts/site", "scripts/package", "scripts/__init__.py", "scripts/numfmt.py")
SITE_CODE += ("scripts/owned.py", "scripts/celltext.py", "scripts/errors.py")


def code_digest() -> str:
    h = hashlib.sha256()
    paths = [
        p for rel in SITE_CODE for p in ([ROOT / rel] if rel.endswith(".py") else (ROOT / rel).rglob("*.py"))
    ]
    for path in sorted(paths):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    config = ROOT / "mkdocs.yml"
    h.update(config.read_bytes() if config.is_file() else b"")
    for name in RENDERERS:
        try:
            h.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}: absent".encode())
    return h.hexdigest()


def package_digest(pkg: Path) -> str:
    """Every file of the package by path and bytes; a recorded source by its recorded sha256."""
    desc_bytes = (pkg / "datapackage.json").read_bytes()
    try:
        recorded = {
            s["path"]: s["sha256"]
            for s in json.loads(desc_bytes).get("sources") or []
            if isinstance(s, dict) and isinstance(s.get("path"), str) and isinstance(s.get("sha256"), str)
        }
    except ValueError:
        recorded = {}
    h = hashlib.sha256()
    for path in sorted(p for p in pkg.rglob("*") if p.is_file()):
        rel = path.relative_to(pkg).as_posix()
        h.update(rel.encode() + b"\0")
        if rel in recorded:  # named by its sha256 in the descriptor hashed here too
            h.update(recorded[rel].encode() + f"\0{path.stat().st_size}".encode())
        else:
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


RACY_NS = 2 * 10**9  # a file changed this soon after it was written may keep its time: read it


def _stat_digest(pkg: Path) -> str | None:
    """Every file of the package by path, size, time and inode; None when one is too recent to vouch.
    (os.walk, not pathlib: this runs over every file of every package on each run.)"""
    h = hashlib.sha256()
    now = time.time_ns()
    root = str(pkg)
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                if now - st.st_mtime_ns < RACY_NS:
                    return None
                found.append(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0")
    for line in sorted(found):
        h.update(line.encode())
    return h.hexdigest()


class PageCache:
    def __init__(self, folder: Path, code: str) -> None:
        self.store = Store(
            folder, ".pickle.z", what="site cache folder (--cache)", hint="pass another --cache folder"
        )
        self.code = code

    def key(self, pkg: Path, options: object, digest: str | None = None) -> str:
        """A body page's key: its package (`digest`: its `package_digest`, when known), the page's options
        (JSON: its years…), the code."""
        return self.derived("page", pkg.name, json.dumps(options), digest or package_digest(pkg))

    def digests(self, dirs: list[Path]) -> dict[str, str]:
        """Each package's `package_digest`; the last run's when every file's stat is as it was then (as
        git does: size, time, inode; a file written in the last seconds is read)."""
        memo = self.derived("package digests")
        known = self._load(memo) or {}
        fresh = {}
        for pkg in dirs:
            seen = _stat_digest(pkg)
            old = known.get(pkg.name)
            fresh[pkg.name] = (seen, old[1] if seen and old and old[0] == seen else package_digest(pkg))
        if fresh != known:
            self._save(memo, fresh)
        self.store.used.add(memo)
        return {name: digest for name, (_, digest) in fresh.items()}

    def derived(self, name: str, *parts: str) -> str:
        """The key of something computed from keyed inputs (e.g. a body's pages from its years' keys)."""
        return hashlib.sha256("\0".join((self.code, name, *parts)).encode()).hexdigest()

    def _load(self, key: str) -> object | None:
        data = self.store.load(key)
        if data is None:
            return None
        try:
            return pickle.loads(zlib.decompress(data))
        except Exception:  # a damaged or outdated entry is a miss
            return None

    def _save(self, key: str, value: object) -> None:
        self.store.save(key, zlib.compress(pickle.dumps(value), 1))

    def memo(self, key: str, compute):
        """`compute()`, or its value from the run that stored it under `key`."""
        value = self._load(key)
        if value is None:
            value = compute()
            self._save(key, value)
        else:
            self.store.used.add(key)
        return value

    def get(self, key: str, out: Path, owned: set[str]) -> tuple[object, list[str]] | None:
        """(value, files) when every file stored with it is still there under `out`, unchanged, ours.
        A file whose size and modification time are as recorded is taken as unchanged (as git does);
        any other is compared by content."""
        entry = self._load(key)
        if entry is None:
            return None
        value, files = entry
        root = str(out)
        for rel, (digest, size, mtime) in files.items():
            if rel not in owned:
                return None
            path = os.path.join(root, rel)
            try:
                st = os.lstat(path)  # a link is not ours: lstat, and a regular file only
            except OSError:
                return None
            if not stat.S_ISREG(st.st_mode):
                return None
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                with open(path, "rb") as fh:
                    if hashlib.sha256(fh.read()).hexdigest() != digest:
                        return None
        self.store.used.add(key)
        return value, sorted(files)

    def put(self, key: str, value: object, out: Path, files: set[str]) -> None:
        """Store `value` with the files written for it (relative to `out`): sha256, size, time."""
        record = {}
        for rel in sorted(files):
            path = out / rel
            stat = path.stat()
            record[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns)
        self._save(key, (value, record))

    def facts(self, digests: dict[str, str], read: Callable[[Path], object]) -> Callable[[Path], object]:
        """`read(pkg)` (what a package's descriptor says), kept by package digest: an unchanged package's
        descriptor is not parsed again."""

        def facts(pkg: Path) -> object:
            digest = digests.get(pkg.name)
            if digest is None:
                return read(pkg)
            return self.memo(self.derived("facts", read.__name__, pkg.name, digest), lambda: read(pkg))

        return facts


class Reuse:
    """What the cross-body pages may take from the cache: values and files derived from given bodies'
    pages, keyed by those pages' keys. Without a cache (or a key) everything is computed."""

    def __init__(self, cache: PageCache | None = None, keys: dict[str, str] | None = None) -> None:
        self.cache = cache
        self.keys = keys or {}

    def _key(self, name: str, slugs: list[str], extra: str) -> str | None:
        if self.cache is None or not all(s in self.keys for s in slugs):
            return None
        return self.cache.derived(name, extra, *(self.keys[s] for s in slugs))

    def value(self, name: str, slugs: list[str], compute, extra: str = ""):
        key = self._key(name, slugs, extra)
        return compute() if key is None else self.cache.memo(key, compute)

    def files(self, w, name: str, slugs: list[str], write, extra: str = "") -> None:
        """Run `write()` (which writes through the Writer `w`), or keep the files it wrote last time."""
        from scripts.site import assets

        key = self._key(name, slugs, extra)
        hit = self.cache.get(key, w.root, assets.owned_files()) if key else None
        if hit is not None:
            for rel in hit[1]:
                w.keep(w.root / rel)
                assets.keep(w.root / rel)
            return
        before = set(w.written)
        write()
        if key:
            files = {p.relative_to(w.root).as_posix() for p in w.written - before}
            self.cache.put(key, None, w.root, files)
