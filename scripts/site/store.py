"""A folder of cache entries keyed by sha256, which only this tool writes and prunes.

The folder carries a CACHEDIR.TAG (backup tools skip it; we recognise it as ours); a folder holding
anything else is refused. Entries are `<sha256>.<suffix>`; `prune` removes the entries a run did not
use, and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.owned import OutputError, check_folder, remove_file, write_file

TAG = "CACHEDIR.TAG"
TAG_TEXT = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# A cache of budget-open-data's site build (scripts/site/store.py): safe to delete.\n"
)


class Store:
    def __init__(
        self, folder: Path, suffix: str, *, what: str, hint: str, legacy: tuple[str, ...] = ()
    ) -> None:
        """`legacy`: the suffixes of entries an earlier version wrote, which `prune` removes."""
        self.folder = Path(folder)
        self.suffix = suffix
        self.what = what
        self.hint = hint
        self.used: set[str] = set()
        self._entry = re.compile(rf"^[0-9a-f]{{64}}{re.escape(suffix)}$")
        self._legacy = (
            re.compile(rf"^[0-9a-f]{{64}}(?:{'|'.join(map(re.escape, legacy))})$") if legacy else None
        )

    def open(self) -> Store:
        check_folder(self.folder, what=self.what)
        tag = self.folder / TAG
        if self.folder.is_dir() and any(self.folder.iterdir()):
            if not tag.is_file() or tag.is_symlink() or tag.read_bytes() != TAG_TEXT:
                raise OutputError(
                    f"the {self.what} holds files this tool did not write",
                    file=self.folder,
                    expected=f"an empty folder or one with our {TAG}",
                    hint=self.hint,
                )
        else:
            write_file(self.folder, TAG, TAG_TEXT)
        return self

    def load(self, key: str) -> bytes | None:
        path = self.folder / f"{key}{self.suffix}"
        if path.is_symlink() or not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def path(self, key: str) -> Path | None:
        """The entry's file, when there is one (not a link)."""
        path = self.folder / f"{key}{self.suffix}"
        return path if path.is_file() and not path.is_symlink() else None

    def save(self, key: str, data: bytes) -> None:
        write_file(self.folder, f"{key}{self.suffix}", data)
        self.used.add(key)

    def prune(self) -> int:
        """Remove the entries of earlier runs that this run did not use."""
        removed = 0
        for path in list(self.folder.iterdir()):
            stale = self._entry.match(path.name) and path.name[:64] not in self.used
            if stale or (self._legacy is not None and self._legacy.match(path.name)):
                removed += remove_file(self.folder, path.name)
        return removed
