"""The committed packages: valid by frictionless, current, deterministic, and losing no number."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fidelity import lost

from scripts import build, package
from scripts.extract.pipeline import extract_files
from scripts.extract.tables import performance

ROOT = Path(__file__).resolve().parent.parent


def _entries():
    from scripts.build import registry

    return registry.entries()


def _document(entry: dict):
    """The disclosure as the readers see it: its files' lines (numbered on) and raw tables."""
    return extract_files([(str(p), p.read_bytes()) for p in entry["paths"]])


@pytest.fixture(scope="module", params=[e["slug"] for e in _entries()])
def entry(request):
    return next(e for e in _entries() if e["slug"] == request.param)


def test_committed_package_is_current(entry):
    # A body's later year carries cross-year checks against its previous year's (committed) package.
    contents, _, _ = build.package_files(entry["paths"], entry, previous=build.previous_figures(entry))
    diff = package.differences(build.DATAPACKAGES / entry["slug"], contents)
    assert not diff, f"datapackages/{entry['slug']} is stale ({diff[:5]}): run `nox -s build` and commit"


def test_committed_package_is_valid(entry):
    assert package.validate(build.DATAPACKAGES / entry["slug"]) == []


def test_build_is_deterministic(entry):
    first, _, _ = build.package_files(entry["paths"], entry)
    second, _, _ = build.package_files(entry["paths"], entry)
    assert first == second


def _package_rows(contents: dict[str, bytes]) -> list[tuple[str, dict]]:
    """(resource, row) for every row of every CSV but raw_cells (a number only there counts as lost)."""
    out = []
    for name, data in sorted(contents.items()):
        if name.startswith("data/") and name.endswith(".csv") and name != "data/raw_cells.csv":
            resource = name[len("data/") : -len(".csv")]
            out += [(resource, row) for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]
    return out


def test_no_published_number_is_lost(entry):
    """Every amount and every code in every data row of the disclosure's tables is in a package row that
    records that source line, and one printed column stays one field (a fresh build, not the committed
    files: a snapshot cannot tell the writer lost a number)."""
    contents, _, _ = build.package_files(entry["paths"], entry)
    rows = _package_rows(contents)
    problems = []
    for table in _document(entry).tables:
        mine = [
            (res, r)
            for res, r in rows
            if res not in ("tables", "quality_report", "toc")
            and r.get("source_line")
            and table.title_line <= int(r["source_line"]) <= table.end_line
        ]
        if not mine:  # an unreadable table: its cells are in raw_cells
            continue
        first = min(int(r["source_line"]) for _, r in mine)
        data = [row for row in table.rows if row.line >= first]
        form = table.kind in performance.KINDS
        problems += [(table.kind, *p) for p in lost(table, data, mine, columns=not form, forms=form)]
    assert not problems, f"{len(problems)} published cells not kept in their row and column: {problems[:8]}"


def test_descriptor_declares_provenance_and_model(entry):
    desc = json.loads((build.DATAPACKAGES / entry["slug"] / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"] == entry["slug"]
    assert desc["title"] == f"{entry['name']} {entry['fiscal_year']}年部门预算"
    titles = [r["title"] for r in desc["resources"]]
    assert len(titles) == len(set(titles)), "two resources share a title"
    assert desc["currency"] == "CNY" and desc["fiscal_year"] == entry["fiscal_year"]
    assert desc["sources"][0]["sha256"] == entry["sha256"]
    source = next(r for r in desc["resources"] if r["name"] == "source")
    assert (build.DATAPACKAGES / entry["slug"] / source["path"]).read_bytes() == entry["path"].read_bytes()
    measures = desc["model"]["measures"].values()
    assert measures and all(m["factor"] == 10000 and m["currency"] == "CNY" for m in measures)
    assert "functional_classification" in desc["model"]["dimensions"]


def test_every_data_row_records_its_source_line(entry):
    lines = {line.no: line.text for line in _document(entry).lines}
    target = build.DATAPACKAGES / entry["slug"]
    for path in sorted((target / "data").glob("*.csv")):
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        if path.stem == "quality_report":  # our own findings; a source line only where one applies
            continue
        assert not rows or "source_line" in rows[0], f"{path.name} has no source_line column"
        for row in rows:
            assert int(row["source_line"]) in lines, (
                f"{path.name}: source_line {row['source_line']} is not a line"
            )


def test_rebuilding_leaves_git_clean(tmp_path):
    """`python -m scripts build --check` is what CI relies on to catch stale committed output."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "scripts", "build", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    status = subprocess.run(
        ["git", "status", "--porcelain", "datapackages"], cwd=ROOT, capture_output=True, text=True
    )
    assert status.stdout == ""


def test_indicators_reference_their_projects(tmp_path):
    """The foreign key from indicators to projects holds, and frictionless enforces it."""
    import shutil

    source = build.DATAPACKAGES / "110101-dongcheng-2026"
    target = tmp_path / "pkg"
    shutil.copytree(source, target)
    path = target / "data" / "performance_indicators.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(csv.DictReader(io.StringIO("\n".join(lines[:2]))))
    lines[1] = lines[1].replace(first["project_code"], "NOT-A-PROJECT", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = package.validate(target)
    assert any("foreign-key" in p for p in problems), problems


def test_overall_sheet_without_project_table_still_validates(tmp_path):
    """Foreign keys name only tables the disclosure publishes."""
    text = (ROOT / "disclosures/2026/110101-dongcheng.txt").read_text(encoding="utf-8")
    cut = text[: text.index("预算12表")] + text[text.index("预算13表") :]
    path = tmp_path / "no-projects.txt"
    path.write_text(cut, encoding="utf-8")
    contents, _, ex = build.package_files(path, None)
    assert "performance_indicators" in ex.resources and "performance_projects" not in ex.resources
    package.write(tmp_path / "pkg", contents)
    assert package.validate(tmp_path / "pkg") == []
