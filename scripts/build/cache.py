"""Incremental build cache: skip a disclosure whose input, registry entry and pipeline code are unchanged
and whose package on disk is still exactly what we wrote last time.

The cache is one JSON file in the build state folder (`.build/` by default, git-ignored). It stores, per
slug, the cache key and the sha256 of every package file, plus the build record (status, messages), so a
skipped disclosure is reported exactly like a rebuilt one.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import cache
from pathlib import Path
from stat import S_ISLNK, S_ISREG

from scripts.owned import write_file

SCRIPTS = Path(__file__).resolve().parents[1]
# What a package is made by: every file (code, vocab, schemas) under these stage folders, plus these
# shared modules. Whole folders, not a list of entry modules: a module added, moved or renamed inside
# a stage counts without anyone updating a list. The site, bench and build folders are not here:
# changing a page or the orchestration does not change a package's bytes.
STAGE_DIRS = ("extract", "checks", "package")
SHARED_MODULES = ("errors.py", "numfmt.py", "celltext.py")
FORMAT = 2


def pipeline_files() -> list[Path]:
    found = [p for p in (SCRIPTS / m for m in SHARED_MODULES) if p.is_file()]
    for folder in STAGE_DIRS:
        found += [
            p
            for p in (SCRIPTS / folder).rglob("*")
            if p.is_file() and p.suffix in {".py", ".json"} and "__pycache__" not in p.parts
        ]
    return sorted(found)


@cache
def code_hash() -> str:
    """sha256 over the pipeline's code, vocab and schemas: any change there invalidates every entry."""
    digest = hashlib.sha256()
    for path in pipeline_files():
        digest.update(path.relative_to(SCRIPTS).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(data: bytes, entry: dict, previous: dict | None = None) -> str:
    """What a package depends on: the input bytes, its registry entry, the pipeline code and, for a body's
    later year, the figures of its previous year's package that the cross-year checks compare with."""
    meta = {k: v for k, v in entry.items() if k != "path"}
    digest = hashlib.sha256()
    digest.update(hashlib.sha256(data).digest())
    digest.update(json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str).encode())
    digest.update(code_hash().encode())
    digest.update(str(FORMAT).encode())
    if previous is not None:
        digest.update(json.dumps(previous, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def file_hashes(contents: dict[str, bytes]) -> dict[str, str]:
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in contents.items()}


# A file modified this soon after its time was recorded could keep that time (the clock's tick): its
# stat is not trusted, and the file is read (git's "racily clean" rule).
RACY_SECONDS = 2


def file_stats(target: Path, rels) -> dict[str, list[int]]:
    """Size, modification time and inode of each file old enough for them to vouch for its bytes."""
    now = time.time_ns()
    out = {}
    for rel in rels:
        st = (target / rel).stat()
        if now - st.st_mtime_ns > RACY_SECONDS * 10**9:
            out[rel] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return out


def intact(
    target: Path,
    hashes: dict[str, str],
    stats: dict[str, list[int]] | None = None,
    read: list[str] | None = None,
) -> bool:
    """The package folder holds exactly the recorded files with the recorded bytes (nothing more). A file
    whose size, time and inode are as recorded (`stats`) is taken as unchanged, as git does; any other
    is read and compared by sha256, and its name added to `read`. (os.walk and lstat, not pathlib: this
    runs over every package.)"""
    if not target.is_dir() or target.is_symlink():
        return False
    root = str(target)
    found: dict[str, os.stat_result] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            if S_ISLNK(st.st_mode):
                return False
            if S_ISREG(st.st_mode):
                found[os.path.relpath(path, root)] = st
    if found.keys() != hashes.keys():
        return False
    stats = stats or {}
    for rel, digest in hashes.items():
        st = found[rel]
        if stats.get(rel) != [st.st_size, st.st_mtime_ns, st.st_ino]:
            if read is not None:
                read.append(rel)
            if hashlib.sha256((target / rel).read_bytes()).hexdigest() != digest:
                return False
    return True


class BuildCache:
    """slug -> {key, files: {rel: sha256}, record, validated}; loaded once, saved once per build."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict] = data["entries"] if data.get("format") == FORMAT else {}
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            self.entries = {}  # a missing or damaged cache only costs a full build

    def hit(self, slug: str, cache_key: str, target: Path, *, need_validated: bool) -> dict | None:
        """The cached record when nothing needs doing for `slug`, else None."""
        entry = self.entries.get(slug)
        if not entry or entry.get("key") != cache_key:
            return None
        if need_validated and not entry.get("validated"):
            return None
        files, read = entry.get("files", {}), []
        if not intact(target, files, entry.get("stats"), read):
            return None
        if read:  # read once, trusted by their stat next time
            entry["stats"] = file_stats(target, files)
        return dict(entry["record"])

    def store(
        self,
        slug: str,
        cache_key: str,
        files: dict[str, str],
        record: dict,
        *,
        validated: bool,
        target: Path | None = None,
    ) -> None:
        """`target`: the package folder the files were written to, whose stats are recorded."""
        self.entries[slug] = {"key": cache_key, "files": files, "record": record, "validated": validated}
        if target is not None and target.is_dir():
            self.entries[slug]["stats"] = file_stats(target, files)

    def forget(self, slug: str) -> None:
        self.entries.pop(slug, None)

    def keep_only(self, slugs: set[str]) -> None:
        self.entries = {s: e for s, e in self.entries.items() if s in slugs}

    def save(self) -> None:
        # A unique temporary name, renamed into place: two builds at once never share a temp file, and an
        # interrupted save leaves the previous cache whole.
        data = json.dumps({"format": FORMAT, "entries": self.entries}, ensure_ascii=False, sort_keys=True)
        write_file(self.path.parent, self.path.name, data.encode("utf-8"))
