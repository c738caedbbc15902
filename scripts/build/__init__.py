"""The build stage: registry, incremental cache and the `package` / `build` commands.

It is the one place that runs the other stages in order: `scripts/extract` (bytes -> resources),
`scripts/checks` (resources -> quality report) and `scripts/package` (resources -> files on disk).
"""

from __future__ import annotations

from scripts.build.commands import (
    DATAPACKAGES,
    PARALLEL_MIN,
    add_parsers,
    disclosure,
    package_files,
    previous_figures,
)

__all__ = ["DATAPACKAGES", "PARALLEL_MIN", "add_parsers", "disclosure", "package_files", "previous_figures"]
