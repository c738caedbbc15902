"""`python -m scripts COMMAND …` — the pipeline's command line (see scripts/README.md)."""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that contribute subcommands through add_parsers(sub); a missing one is simply absent.
COMMAND_MODULES = ("build", "site", "synth", "bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts", description="预算公开 open data pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"scripts.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"scripts.{name}":
                raise
            continue
        module.add_parsers(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
