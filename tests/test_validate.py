"""The cheap validator (scripts/package/validate.py) finds what `Package(path).validate()` finds.

Each case corrupts a copy of a real package in one way. The validator must report the frictionless error
class we expect, and exactly the errors (resource, type, message; as many) that frictionless's own
`Package.validate()` reports for the same copy. Before the corrupt copy, the pristine package is validated in the same process, so that its schemas
and valid tables are in the validator's caches: a cache that hid a corruption fails here.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
import json
import shutil
from pathlib import Path

import pytest
from frictionless import FrictionlessException, Package, Schema, errors, system

from scripts.package.validate import validate, validate_errors

# The module (scripts.package exports its `validate` function under the same name).
validate_module = importlib.import_module("scripts.package.validate")

ROOT = Path(__file__).resolve().parent.parent
# Has projects and indicators (a foreign key), empty tables, primary keys and required fields.
PRISTINE = ROOT / "datapackages" / "110101-dongcheng-2026"


def _rewrite_csv(path: Path, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(change(rows))
    path.write_text(out.getvalue(), encoding="utf-8")


def _set_cell(table: str, column: str, value: str, rows: slice = slice(1, 2)):
    """Set `column` to `value` in the first data row (or the rows given)."""

    def change(table_rows):
        for row in table_rows[rows]:
            row[table_rows[0].index(column)] = value
        return table_rows

    return lambda pkg: _rewrite_csv(pkg / "data" / f"{table}.csv", change)


def _edit_json(rel: str, change):
    def corrupt(pkg: Path) -> None:
        data = json.loads((pkg / rel).read_text(encoding="utf-8"))
        change(data)
        (pkg / rel).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    return corrupt


def _resource(name: str, **props):
    def change(descriptor):
        next(r for r in descriptor["resources"] if r["name"] == name).update(props)

    return _edit_json("datapackage.json", change)


def _field(schema: str, name: str, **props):
    def change(descriptor):
        next(f for f in descriptor["fields"] if f["name"] == name).update(props)

    return _edit_json(f"schemas/{schema}.json", change)


def _append(rel: str, data: bytes):
    return lambda pkg: (pkg / rel).write_bytes((pkg / rel).read_bytes() + data)


# name: (corruption, frictionless error class the validator must report)
CASES = {
    "wrong type in a cell": (_set_cell("performance_projects", "total", "abc"), errors.TypeError),
    "missing data file": (lambda pkg: (pkg / "data" / "glossary.csv").unlink(), errors.SchemeError),
    "duplicate primary key": (
        lambda pkg: _rewrite_csv(pkg / "data" / "performance_projects.csv", lambda rows: rows + [rows[1]]),
        errors.PrimaryKeyError,
    ),
    "broken foreign key": (
        _set_cell("performance_indicators", "project_code", "NOT-A-PROJECT"),
        errors.ForeignKeyError,
    ),
    # The indicators' bytes are those of the valid table: only the referenced table changed.
    "foreign key broken by the referenced table": (
        _set_cell("performance_projects", "project_code", "GONE", rows=slice(1, None)),
        errors.ForeignKeyError,
    ),
    # The (empty) project lines reference it too: remembered valid, they must not hide its loss.
    "referenced table's file missing": (
        lambda pkg: (pkg / "data" / "performance_projects.csv").unlink(),
        errors.SchemeError,
    ),
    "schema with an unknown field type": (
        _field("glossary", "term", type="no-such-type"),
        errors.SchemaError,
    ),
    "schema whose primary key names no field": (
        _edit_json("schemas/glossary.json", lambda d: d.update(primaryKey=["no_such_field"])),
        errors.SchemaError,
    ),
    "schema file that is not JSON": (
        lambda pkg: (pkg / "schemas" / "glossary.json").write_text("{not json", encoding="utf-8"),
        errors.SchemaError,
    ),
    "extra column": (
        lambda pkg: _rewrite_csv(pkg / "data" / "glossary.csv", lambda rows: [r + ["x"] for r in rows]),
        errors.ExtraLabelError,
    ),
    "missing column": (
        lambda pkg: _rewrite_csv(pkg / "data" / "glossary.csv", lambda rows: [r[:-1] for r in rows]),
        errors.MissingLabelError,
    ),
    "blank required field": (_set_cell("performance_indicators", "source_line", ""), errors.ConstraintError),
    # An empty table's bytes repeat across bodies (the validator remembers them): a changed header still counts.
    "extra column in an empty table": (
        lambda pkg: _rewrite_csv(pkg / "data" / "gov_fund_expenditure.csv", lambda rows: [rows[0] + ["x"]]),
        errors.ExtraLabelError,
    ),
    # Same data bytes as the valid table, but the schema changed: the constraint must be checked again.
    "stricter schema, same data": (
        _field("glossary", "term", constraints={"maxLength": 1}),
        errors.ConstraintError,
    ),
    # Same data bytes and schema, but the descriptor declares a byte count.
    "wrong declared byte count": (_resource("glossary", bytes=1), errors.ByteCountError),
    "altered source file": (_append("source/110101-dongcheng.txt", b"\n"), errors.HashCountError),
    "resource without a path": (
        _edit_json("datapackage.json", lambda d: d["resources"][0].pop("path")),
        errors.ResourceError,
    ),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def baseline(target: Path) -> tuple[bool, list[tuple[str, str, str]]]:
    """frictionless's own `Package.validate()`: whether it could load the package, and (resource, error
    type, message) for each error. When it cannot load it (e.g. a malformed schema), its errors are
    those frictionless's validate() reports, with no resource to name."""
    with system.use_context(trusted=True):
        try:
            report = Package(str(target / "datapackage.json")).validate()
        except FrictionlessException as exc:
            return False, sorted(("", error.type, error.message) for error in exc.to_errors())
    found = [("datapackage.json", error.type, error.message) for error in report.errors]
    return True, sorted(
        found + [(task.name, e.type, e.message) for task in report.tasks for e in task.errors]
    )


@pytest.fixture
def pristine(tmp_path: Path) -> Path:
    target = tmp_path / "pristine"
    shutil.copytree(PRISTINE, target)
    assert validate(target) == []  # fills the validator's caches with this package's schemas and tables
    return target


@pytest.mark.parametrize("case", list(CASES))
def test_corruption_is_reported_as_frictionless_reports_it(case: str, pristine: Path, tmp_path: Path) -> None:
    corrupt, expected = CASES[case]
    target = tmp_path / "corrupt"
    shutil.copytree(pristine, target)
    corrupt(target)
    found = validate_errors(target)
    assert any(isinstance(error, expected) for _, error in found), found
    loaded, reference = baseline(target)
    ours = [(where if loaded else "", error.type, error.message) for where, error in found]
    # When frictionless stops at the package, it names no resource: compare types and messages.
    assert sorted(ours) == reference
    # Again, with this copy's own schemas and tables cached: the same messages.
    assert validate(target) == [f"{where}: {error.type}: {error.message}" for where, error in found]


def test_messages_name_the_resource_row_and_field(pristine: Path, tmp_path: Path) -> None:
    target = tmp_path / "corrupt"
    shutil.copytree(pristine, target)
    _set_cell("performance_projects", "total", "abc")(target)
    (message,) = validate(target)
    assert message.startswith("performance_projects: type-error: ")
    assert 'row "2"' in message and 'field "total"' in message, message


def test_real_packages_are_valid_and_shared_schemas_stay_as_written(monkeypatch) -> None:
    monkeypatch.setattr(validate_module, "_schemas", validate_module.OrderedDict())
    packages = sorted(p for p in (ROOT / "datapackages").iterdir() if (p / "datapackage.json").is_file())
    for target in packages:
        assert validate(target) == [], target.name
        assert baseline(target) == (True, []), target.name
    # Validating many packages with them must not change the shared Schema objects.
    assert validate_module._schemas
    for (path, sha256, _), schema in validate_module._schemas.items():
        home = next(p for p in packages if (p / path).is_file() and _sha256(p / path) == sha256)
        written = Schema.from_descriptor(path, basepath=str(home))
        assert schema.to_descriptor() == written.to_descriptor(), path


def test_caches_stay_within_their_bounds(pristine: Path, monkeypatch) -> None:
    monkeypatch.setattr(validate_module, "SCHEMA_CACHE_SIZE", 2)
    monkeypatch.setattr(validate_module, "VALID_MEMO_SIZE", 3)
    monkeypatch.setattr(validate_module, "_schemas", validate_module.OrderedDict())
    monkeypatch.setattr(validate_module, "_valid", validate_module.OrderedDict())
    assert validate(pristine) == []
    assert len(validate_module._schemas) == 2 and len(validate_module._valid) == 3
