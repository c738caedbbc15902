"""One small module per canonical table kind: RawTable -> tidy rows.

A module declares
    KINDS = ("general_budget_expenditure", …)   # table kinds it reads (vocab/table_kinds.json)
    SCHEMAS = {"general_budget_expenditure": "functional_expenditure", …}  # resource -> schema file
    def extract(table: RawTable) -> dict[str, list[dict]]                   # resource -> rows
Row dicts use the schema's field names; every row carries `source_line`. Resource names default to
the kind; a module that yields two resources (projects and their indicators) names both in SCHEMAS.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType


@cache
def modules() -> dict[str, ModuleType]:
    """kind -> module, discovered so that adding a module is all it takes to add a kind."""
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for kind in getattr(module, "KINDS", ()):
            found[kind] = module
    return found


def schemas() -> dict[str, str]:
    """resource name -> schema name, over every module."""
    out: dict[str, str] = {}
    for module in modules().values():
        out.update(module.SCHEMAS)
    return out
