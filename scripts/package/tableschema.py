"""Table Schemas of the package: `schemas/<kind>.json` expanded with the shared `schemas/fields.json`,
so every field is defined once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMAS = Path(__file__).with_name("schemas")


@cache
def shared_fields() -> dict[str, dict]:
    data = json.loads((SCHEMAS / "fields.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


# Where a row stands in a paginated source (PDF): written after `source_line` in every schema that has
# it, and only in packages built from such a source (a text source has lines, not pages).
PAGE_FIELDS = ("source_file", "source_page", "source_row")


@cache
def schema(name: str, paginated: bool = False) -> dict:
    """The full Table Schema for a table kind, shared field definitions filled in."""
    raw = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    fields = []
    for item in raw["fields"]:
        if isinstance(item, str):
            if item not in shared_fields():
                raise KeyError(f"schemas/{name}.json names field {item!r}, which fields.json does not define")
            fields.append({"name": item, **shared_fields()[item]})
        else:
            fields.append(item)
        if paginated and fields[-1]["name"] == "source_line":
            fields.extend({"name": f, **shared_fields()[f]} for f in PAGE_FIELDS)
    out = {k: v for k, v in raw.items() if k != "fields"}
    out["fields"] = fields
    out.setdefault("missingValues", [""])
    return out


def schema_in(name: str, resources: set[str], paginated: bool = False) -> dict:
    """The schema as written into one package: a foreign key to a table this disclosure does not
    publish (indicators of an overall-performance sheet, with no project table) is left out."""
    full = schema(name, paginated)
    keys = [fk for fk in full.get("foreignKeys", []) if fk["reference"]["resource"] in resources]
    if keys == full.get("foreignKeys", []):
        return full
    out = {k: v for k, v in full.items() if k != "foreignKeys"}
    if keys:
        out["foreignKeys"] = keys
    return out


def field_names(name: str, paginated: bool = False) -> list[str]:
    return [f["name"] for f in schema(name, paginated)["fields"]]
