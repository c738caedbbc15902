"""The package stage: tidy resources -> a validated Frictionless data package on disk.

`layout` (resource order, main tables: data the site shares), `tableschema` (schemas/*.json expanded),
`fdp` (the Fiscal Data Package model), `writer` (descriptor, CSV and files; writing and staleness) and
`validate` (frictionless). The names below are the stage's interface to `scripts/build`.
"""

from __future__ import annotations

from scripts.package.layout import RESOURCE_ORDER
from scripts.package.validate import validate
from scripts.package.writer import differences, files, write

__all__ = ["RESOURCE_ORDER", "differences", "files", "validate", "write"]
