"""Frictionless's own validation of a written package, at a fraction of `Package(path).validate()`'s cost.

`Package(path).validate()` spends most of its time on metadata, not on rows: it loads every resource's schema
file anew (about 22 per package, the same dozen files in every package), then exports and re-validates the
whole descriptor, once for the package and again for each resource. Here, for one package:

1. frictionless checks the package descriptor, and through it every resource descriptor, once
   (`Package(descriptor)` validates it against the profiles, as `Package.validate()` does first);
2. each schema file is loaded, and so validated, by `Schema.from_descriptor` once per (path, sha256) in this
   process, and the Schema object is shared: a build worker validates hundreds of packages whose schema
   files are byte-identical;
3. frictionless validates each resource's data: `TableResource` open (header against schema) and the
   default checklist's checks on every row (types, constraints, primary and foreign keys);
4. a table that frictionless found valid in this process is not validated again when its bytes, schema
   and descriptor (name, titles and custom `x_` properties aside) are the same, and so are those of the
   tables its foreign keys reference: empty tables and boilerplate repeat across bodies. Only valid
   outcomes are remembered, so no message is ever stale.

`python -m scripts bench --validation` measures these steps against `Package(path).validate()`;
tests/test_validate.py corrupts packages and checks that the error types are the ones it reports.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frictionless import Error, Package, Resource, Schema

# Distinct schema files a worker keeps: ~25 table kinds; a few versions of each over a long build.
SCHEMA_CACHE_SIZE = 256
# Valid tables a worker remembers (32-byte keys, a few MB at most).
VALID_MEMO_SIZE = 65536
# As `Resource.validate()`: a table this broken says enough, and we do not read the rest.
LIMIT_ERRORS = 1000
# Descriptor properties that do not change how frictionless reads or checks a table.
NOT_READ = ("name", "title", "description")

_schemas: OrderedDict[tuple[str, str, str | None], Schema] = OrderedDict()
_valid: OrderedDict[bytes, None] = OrderedDict()


def validate(target: Path) -> list[str]:
    """frictionless's own validation of the package in `target`; its messages (empty when valid), each
    naming the resource, and the row and field where frictionless gives them."""
    return [f"{where}: {error.type}: {error.message}" for where, error in validate_errors(target)]


def validate_errors(target: Path) -> list[tuple[str, Error]]:
    """(resource name or "datapackage.json", frictionless error) for each problem found."""
    from frictionless import FrictionlessException, Package, system

    with system.use_context(trusted=True):
        try:
            descriptor, package = load(target)
        except FrictionlessException as exc:
            return [("datapackage.json", error) for error in exc.to_errors()]
        # The Data Package version the package imposes on its schemas, as frictionless resolves it.
        version = Package.effective_datapackage_version(descriptor, None)
        found = []
        raws = descriptor.get("resources", [])
        for resource, raw in zip(package.resources, raws, strict=True):
            found += [
                (resource.name, error) for error in _resource_errors(target, resource, raw, raws, version)
            ]
    return found


def load(target: Path) -> tuple[dict, Package]:
    """The descriptor as written, and the Package frictionless made of it after checking it (step 1).
    Loaded from a dict, not a path: from a path, frictionless also exports the whole package once to
    remember its initial form, loading every schema file on the way."""
    from frictionless import FrictionlessException, Package, errors

    try:
        descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FrictionlessException(errors.PackageError(note=f"cannot read datapackage.json: {exc}")) from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise FrictionlessException(errors.PackageError(note="datapackage.json is not a package descriptor"))
    # Package() consumes the dict it is given (it pops what it imports): keep ours as written.
    return descriptor, Package(copy.deepcopy(descriptor), basepath=str(target))


def shared_schema(
    target: Path, path: str, version: str | None = None
) -> tuple[tuple[str, str, str | None], Schema]:
    """The Schema of the file `path` (relative to `target`) and its cache key, made and validated by
    frictionless once per content in this process (step 2). Keyed by the relative path too: frictionless
    records it, and a foreign-key lookup reloads the referenced table's schema from it, under that
    table's package."""
    from frictionless import Schema

    key = (path, hashlib.sha256((target / path).read_bytes()).hexdigest(), version)
    schema = _schemas.get(key)
    if schema is None:
        # Raises on a malformed schema, as loading it from the package does.
        schema = Schema.from_descriptor(path, basepath=str(target), datapackage_version=version)
        _schemas[key] = schema
        if len(_schemas) > SCHEMA_CACHE_SIZE:
            _schemas.popitem(last=False)
    _schemas.move_to_end(key)
    return key, schema


def _resource_errors(
    target: Path, resource: Resource, raw: dict, raws: list[dict], version: str | None
) -> list[Error]:
    from frictionless import FrictionlessException, errors
    from frictionless.resources import TableResource

    if not isinstance(resource, TableResource):
        # A file (the source disclosure): frictionless checks its hash and byte count.
        return resource.validate().tasks[0].errors
    schema_key = None
    if isinstance(raw.get("schema"), str):
        try:
            schema_key, resource.schema = shared_schema(target, raw["schema"], version)
        except FrictionlessException as exc:
            return exc.to_errors()
        except OSError as exc:  # as frictionless says of a schema file it cannot read
            return [errors.SchemaError(note=str(exc))]
    key = _memo_key(target, resource, raw, schema_key, raws, version)
    if key is not None and key in _valid:
        _valid.move_to_end(key)
        return []
    found = check_data(resource)
    if key is not None and not found:
        _valid[key] = None
        if len(_valid) > VALID_MEMO_SIZE:
            _valid.popitem(last=False)
    return found


def check_data(resource: Resource) -> list[Error]:
    """Step 3: `Resource.validate()` less its first step, which exports the resource's descriptor again
    (schema included) and re-validates it though `load` has just done so. The rest is frictionless's own,
    in its order: open (missing file, header against schema), then the default checklist's checks at
    start, on every row (types, constraints, primary and foreign keys) and at end (declared counts)."""
    from frictionless import Checklist, FrictionlessException

    checklist = Checklist()
    checks = checklist.connect(resource)
    try:
        resource.open()
    except FrictionlessException as exc:
        resource.close()
        return exc.to_errors()
    found: list[Error] = []
    with resource:
        for check in checks:
            found += [e for e in check.validate_start() if checklist.match(e)]
        rows = resource.row_stream
        while True:
            if len(found) >= LIMIT_ERRORS:
                return found[:LIMIT_ERRORS]  # as frictionless: no end checks after a partial read
            try:
                row = next(rows)
            except FrictionlessException as exc:
                found.append(exc.error)
                continue
            except StopIteration:
                break
            for check in checks:
                found += [e for e in check.validate_row(row) if checklist.match(e)]
        for check in checks:
            found += [e for e in check.validate_end() if checklist.match(e)]
    return found


def _memo_key(
    target: Path,
    resource: Resource,
    raw: dict,
    schema_key: tuple | None,
    raws: list[dict],
    version: str | None,
) -> bytes | None:
    """Step 4: all a table's outcome depends on: its bytes, descriptor and schema, and those of the tables
    its foreign keys reference. None when that is not known for sure: some data cannot be read (frictionless
    will say why), or a referenced table is missing or has foreign keys of its own."""
    from frictionless import FrictionlessException

    parts = [_content(target, raw, schema_key)]
    for fk in resource.schema.foreign_keys:
        name = fk["reference"]["resource"]
        if not name or name == resource.name:
            continue  # a reference within the table: its own content covers it
        referenced = next((r for r in raws if r.get("name") == name), None)
        if referenced is None or not isinstance(referenced.get("schema"), str):
            return None
        try:
            key, schema = shared_schema(target, referenced["schema"], version)
        except (FrictionlessException, OSError):
            return None
        if schema.foreign_keys:
            return None
        parts.append(_content(target, referenced, key))
    if None in parts:
        return None
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).digest()


def _content(target: Path, raw: dict, schema_key: tuple | None) -> list | None:
    """A table's bytes (their sha256), schema key and descriptor less what does not change how it is read."""
    if not isinstance(raw.get("path"), str):
        return None
    try:
        data = (target / raw["path"]).read_bytes()
    except OSError:
        return None
    read = {k: v for k, v in raw.items() if k not in NOT_READ and not k.startswith("x_")}
    return [read, schema_key, hashlib.sha256(data).hexdigest()]
