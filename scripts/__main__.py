"""`python -m scripts COMMAND …` — the pipeline's command line (see scripts/README.md)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path

# Modules that contribute subcommands through add_parsers(sub). Each must load: a stage that cannot be
# imported (missing file, syntax error, broken import) stops every command with a message saying where.
COMMAND_MODULES = (
    "scripts.build",
    "scripts.build.add",
    "scripts.site",
    "scripts.bench.synth",
    "scripts.bench.run",
    "scripts.bench.validation",
    "scripts.bench.shards",
)


class StageLoadError(Exception):
    """A module of the pipeline cannot be imported."""


def load(name: str) -> object:
    try:
        return importlib.import_module(name)
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "scripts" in Path(f.filename).parts]
        where = f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""
        raise StageLoadError(
            f"python -m scripts: the pipeline code cannot be loaded: importing {name} failed{where}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts", description="预算公开 open data pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    try:
        modules = [load(name) for name in COMMAND_MODULES]
    except StageLoadError as exc:
        print(exc, file=sys.stderr)
        return 2
    for module in modules:
        module.add_parsers(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


def _utf8_mode() -> None:
    """Re-run in Python's UTF-8 mode when the locale says ASCII (`LC_ALL=POSIX`, `PYTHONUTF8=0`): page
    paths (`regions/北京市/`) and messages are Chinese, and the file system takes UTF-8 names anyway."""
    if os.name == "posix" and sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])


if __name__ == "__main__":
    _utf8_mode()
    sys.exit(main())
