"""The tool's own files: names that become paths, and writing into folders without harming anyone else's.

Rules every command follows (`package`, `build`, `site`, `bench`):

- a name that becomes a file or folder name (a slug, a package's `name`) is a Frictionless name of at
  most `NAME_MAX` characters (`check_name`);
- a file is written only when no part of its path under the output root is a symbolic link, and through
  a unique temporary file renamed into place (two processes never share a temp name);
- a file is removed only when the tool wrote it (it is named in a manifest the tool wrote: a package's
  `datapackage.json`, the site's `.written` list) and it is not a symbolic link;
- a folder that is not empty and is not the tool's own output is refused and left untouched.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from scripts.errors import DisclosureError

# Frictionless package/resource names: lower-case ASCII letters, digits, '.', '-', '_'.
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
NAME_MAX = 100


class OutputError(DisclosureError):
    """An output folder or file cannot be written without harming files the tool did not write."""


class BadNameError(DisclosureError):
    """A name that becomes a path is not a valid package name."""


def check_name(value: object, *, what: str, file: str | Path | None = None) -> str:
    """`value` when it is a valid package name (pattern and length), else BadNameError."""
    if not isinstance(value, str) or not NAME.match(value) or len(value) > NAME_MAX:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "…"
        too_long = isinstance(value, str) and len(value) > NAME_MAX
        raise BadNameError(
            f"{what} {shown} is not a valid package name"
            + (f" ({len(value)} characters)" if too_long else ""),
            file=file,
            expected=f"lower-case ASCII letters, digits, '.', '-', '_', starting with a letter or digit, "
            f"at most {NAME_MAX} characters",
            hint="e.g. 110101-dongcheng-2026 (<division code>-<place>-<year>)",
        )
    return value


def safe_rel(rel: object) -> bool:
    """A relative POSIX path that stays inside its root (no '..', not absolute, no empty parts)."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return False
    # The common case without building a path (a site's manifest lists every file: tens of thousands).
    if not rel.startswith("/") and all(part not in ("", ".", "..") for part in rel.split("/")):
        return True
    p = PurePosixPath(rel)
    return not p.is_absolute() and all(part not in ("", ".", "..") for part in p.parts)


def symlink_on_path(root: Path, rel: str) -> Path | None:
    """The first symbolic link among `root` and the parts of `rel` below it, or None."""
    path = Path(root)
    if path.is_symlink():
        return path
    for part in PurePosixPath(rel).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


def check_folder(folder: Path, *, what: str) -> None:
    """`folder` may be written into: not a symlink, not a file."""
    if folder.is_symlink():
        raise OutputError(
            f"{what} is a symbolic link (to {os.readlink(folder)})",
            file=folder,
            expected="a real folder: the tool never writes or deletes through a symbolic link",
            hint="replace the link by a folder, or choose another output folder",
        )
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"{what} is a file, not a folder",
            file=folder,
            expected="a folder (it is created when missing)",
            hint="choose a folder path for the output",
        )


def refuse_stranger(folder: Path, *, what: str, why: str) -> None:
    """Stop: `folder` holds files the tool did not write."""
    names = sorted(p.name for p in folder.iterdir())
    shown = ", ".join(names[:5]) + (f" … ({len(names)} entries)" if len(names) > 5 else "")
    raise OutputError(
        f"{what} is not empty and is not this tool's output ({why}); it holds: {shown}",
        file=folder,
        expected="an empty or missing folder, or one this tool wrote before",
        hint="choose an empty folder (nothing was written or deleted)",
    )


def refuse_link(root: Path, rel: str, hint: str) -> None:
    """OutputError when `root` or a part of `rel` under it is a symbolic link."""
    link = symlink_on_path(root, rel)
    if link is not None:
        raise OutputError(
            f"is a symbolic link (to {os.readlink(link)}): nothing is written through it",
            file=link,
            expected="plain files and folders (the tool never writes or deletes through a symbolic link)",
            hint=hint,
        )


def _target(root: Path, rel: str) -> Path:
    """`root/rel`, refused when it leaves `root`, has a symbolic link on its way or is a folder."""
    if not safe_rel(rel):
        raise OutputError(f"path {rel!r} leaves its folder", file=root, expected="a relative path inside it")
    refuse_link(root, rel, "remove the link; nothing was written there")
    path = Path(root) / rel
    if path.exists() and not path.is_file():
        raise OutputError("is a folder, expected a file", file=path, hint="move the folder away")
    return path


def write_file(root: Path, rel: str, data: bytes) -> bool:
    """Write `root/rel` atomically unless it already holds `data`; True when written.

    Refuses a path with a symbolic link in it; the temporary file has a unique name.
    """
    path = _target(root, rel)
    # The size first: a changed file of another size (the site-wide CSVs, hundreds of MB) is not read.
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    return _write(path, lambda fh: fh.write(data), compare=False)


BLOCK = 1 << 20


def write_with(root: Path, rel: str, fill: Callable[[BinaryIO], object]) -> bool:
    """`write_file` for a file too large to hold in memory: `fill(fh)` writes it into a unique temporary
    file beside `root/rel`, which then takes its place unless the bytes are the same; True when written."""
    return _write(_target(root, rel), fill, compare=True)


def _write(path: Path, fill: Callable[[BinaryIO], object], *, compare: bool) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w+b") as fh:
            fill(fh)
            size = fh.seek(0, os.SEEK_END)  # `fill` may have seeked back (zipfile does)
            same = compare and path.is_file() and path.stat().st_size == size and _same(fh, path)
        if same:
            os.unlink(tmp)
            return False
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _same(fh: BinaryIO, path: Path) -> bool:
    fh.seek(0)
    with path.open("rb") as other:
        while True:
            block = fh.read(BLOCK)
            if block != other.read(BLOCK):
                return False
            if not block:
                return True


def remove_file(root: Path, rel: str) -> bool:
    """Remove `root/rel` (a file the caller wrote) and its folders left empty; never through a symlink."""
    if not safe_rel(rel) or symlink_on_path(root, rel) is not None:
        return False
    path = Path(root) / rel
    if not path.is_file():
        return False
    path.unlink()
    parent = path.parent
    while parent != Path(root) and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True
