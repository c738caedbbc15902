"""A body across the years: body ids in the registry, cross-year checks (corpus and a constructed
mismatch), and the body's history figures."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scripts.build import commands, registry
from scripts.checks import cross_year
from scripts.errors import RegistryError

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "datapackages"
LATER_YEARS = [
    "320000-npc-office-2018",
    "320000-npc-office-2019",
    "320000-cppcc-office-2018",
    "320000-cppcc-office-2019",
]


def _rows(pkg: Path, name: str) -> list[dict]:
    path = pkg / "data" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- registry -------------------------------------------------------------------------------------


def test_registry_names_each_body_once_and_lists_its_years() -> None:
    by_body = registry.bodies()
    assert [e["fiscal_year"] for e in by_body["320000-npc-office"]] == [2017, 2018, 2019]
    assert [e["fiscal_year"] for e in by_body["320000-cppcc-office"]] == [2017, 2018, 2019]
    assert [e["fiscal_year"] for e in by_body["110101-dongcheng"]] == [2026]  # a one-year body
    bodies = json.loads((ROOT / "disclosures" / "bodies.json").read_text(encoding="utf-8"))
    assert {b["id"] for b in bodies} == set(by_body)
    entry = next(e for e in registry.entries() if e["slug"] == "320000-npc-office-2019")
    previous = registry.previous_of(registry.entries(), registry.entries())
    assert previous[entry["slug"]]["slug"] == "320000-npc-office-2018"
    assert previous["320000-npc-office-2017"] is None and previous["110101-dongcheng-2026"] is None


def _scratch(tmp_path: Path, entries: list[dict], bodies: list[dict] | None) -> Path:
    """A registry in tmp_path with copies of the real files (inputs must stay inside disclosures/)."""
    work = tmp_path / "disclosures"
    work.mkdir()
    clean = []
    for e in entries:
        e = {k: v for k, v in e.items() if k not in ("path", "paths")}
        for rel in [e["file"], *(p["file"] for p in e.get("parts", []))]:
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(registry.DISCLOSURES / rel, work / rel)
        clean.append(e)
    (work / "registry.json").write_text(json.dumps(clean, ensure_ascii=False), encoding="utf-8")
    if bodies is not None:
        (work / "bodies.json").write_text(json.dumps(bodies, ensure_ascii=False), encoding="utf-8")
    return work / "registry.json"


def _real() -> tuple[list[dict], list[dict]]:
    entries = copy.deepcopy(json.loads(registry.REGISTRY.read_text(encoding="utf-8")))
    bodies = copy.deepcopy(json.loads((registry.DISCLOSURES / "bodies.json").read_text(encoding="utf-8")))
    return entries, bodies


def test_the_real_registry_loads_from_a_copy(tmp_path: Path) -> None:
    entries, bodies = _real()
    assert len(registry.load(_scratch(tmp_path, entries, bodies), verify=False)) == len(entries)


def test_an_entry_without_body_is_a_body_of_its_own(tmp_path: Path) -> None:
    entries, _ = _real()
    entry = next(e for e in entries if e["slug"] == "110101-dongcheng-2026")
    del entry["body"]
    loaded = registry.load(_scratch(tmp_path, [entry], None), verify=False)
    assert loaded[0]["body"] == "110101-dongcheng-2026"


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda es, bs: es[0].update(body="no-such-body"), "not in bodies.json"),
        (lambda es, bs: es[0].update(body="Bad Id"), "not a valid body id"),
        (
            lambda es, bs: next(e for e in es if e["slug"] == "320000-npc-office-2018").update(
                fiscal_year=2017
            ),
            "two disclosures for 2017",
        ),
        (
            lambda es, bs: next(e for e in es if e["slug"] == "320000-npc-office-2018").update(
                name="江苏省人大办公厅"
            ),
            "names body",
        ),
        (
            lambda es, bs: next(e for e in es if e["slug"] == "320000-npc-office-2018").update(
                province="浙江省"
            ),
            "placed differently",
        ),
        (lambda es, bs: bs.append(dict(bs[0], id="orphan-body")), "has no disclosure"),
        (lambda es, bs: bs[0].update(names="x"), "'names'"),
        (lambda es, bs: bs[0].update(names=[{"name": "x"}]), "'names' is malformed"),
    ],
)
def test_body_errors_say_what_is_wrong(tmp_path: Path, damage, words: str) -> None:
    entries, bodies = _real()
    damage(entries, bodies)
    with pytest.raises(RegistryError) as err:
        registry.load(_scratch(tmp_path, entries, bodies), verify=False)
    assert words in str(err.value)


def test_a_renamed_body_lists_both_names(tmp_path: Path) -> None:
    entries, bodies = _real()
    next(e for e in entries if e["slug"] == "320000-npc-office-2017")["name"] = "江苏省人大办公厅"
    body = next(b for b in bodies if b["id"] == "320000-npc-office")
    body["names"] = [
        {"name": "江苏省人大办公厅", "years": [2017]},
        {"name": "江苏省人大常委会办公厅", "years": [2018, 2019]},
    ]
    assert registry.load(_scratch(tmp_path, entries, bodies), verify=False)


# --- cross-year checks ----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", LATER_YEARS)
def test_corpus_later_years_carry_cross_year_checks(slug: str) -> None:
    rows = [r for r in _rows(PACKAGES / slug, "quality_report") if r["category"] == "cross_year"]
    passed = [r for r in rows if r["status"] == "pass"]
    assert len(passed) >= 10, slug  # total, 基本/项目, 财政拨款, 类 and 项 statements at least
    ids = {r["check_id"] for r in passed}
    assert {"cross_year.total", "cross_year.basic", "cross_year.project", "cross_year.fiscal"} <= ids
    assert all(r["status"] in ("pass", "fail", "not_applicable") for r in rows)
    for r in passed:
        assert "年数据包" in r["detail"] and r["expected"] and r["found"]


def test_first_and_one_year_packages_have_no_cross_year_checks() -> None:
    for slug in ("320000-npc-office-2017", "320000-cppcc-office-2017", "110101-dongcheng-2026"):
        assert not [r for r in _rows(PACKAGES / slug, "quality_report") if r["category"] == "cross_year"]


def test_corpus_restated_percentage_is_reported() -> None:
    """省人大常委会办公厅 2018: 单位预留机动经费 1,685.72 万元, 增加 1,557.29 万元, "增长1312.56%"; the 2017
    package has 128.43 万元, so the change is 1,212.56%: reported, not corrected."""
    row = next(
        r
        for r in _rows(PACKAGES / "320000-npc-office-2018", "quality_report")
        if r["check_id"] == "cross_year.reserve.change_pct"
    )
    assert row["status"] == "fail"
    assert (row["expected"], row["found"]) == ("1212.56", "1312.56")
    amount = next(
        r
        for r in _rows(PACKAGES / "320000-npc-office-2018", "quality_report")
        if r["check_id"] == "cross_year.reserve"
    )
    assert amount["status"] == "pass" and amount["expected"] == "128.43"


def _figures(slug: str) -> dict:
    entry = next(e for e in registry.entries() if e["slug"] == slug)
    return commands._disk_figures(PACKAGES / slug, entry)


def test_constructed_mismatch_fails_with_both_figures() -> None:
    explanation = _rows(PACKAGES / "320000-cppcc-office-2019", "explanation")
    previous = _figures("320000-cppcc-office-2018")
    clean = cross_year.check(explanation, "江苏省政协办公厅", previous)
    assert not [r for r in clean if r["status"] == "fail"]
    # The publisher restates last year's total: 13,377.11 - 3,000.00 = 10,377.11, not 10,150.48.
    for r in explanation:
        if r["label"] == "支出预算总计" and r["change"]:
            r["change"] = "3000.00"
            r["sentence"] = r["sentence"].replace("3,226.63", "3,000.00")
    rows = {r["check_id"]: r for r in cross_year.check(explanation, "江苏省政协办公厅", previous)}
    assert rows["cross_year.total"]["status"] == "fail"
    assert (rows["cross_year.total"]["expected"], rows["cross_year.total"]["found"]) == (
        "10150.48",
        "10377.11",
    )
    assert Decimal(rows["cross_year.total"]["difference"]) == Decimal("226.63")
    assert rows["cross_year.total.change_pct"]["status"] == "fail"
    # and a changed previous package: its figure differs from what the later year says
    previous["figures"]["basic"][0] = "5600.00"
    rows = {
        r["check_id"]: r
        for r in cross_year.check(
            _rows(PACKAGES / "320000-cppcc-office-2019", "explanation"), "江苏省政协办公厅", previous
        )
    }
    assert rows["cross_year.basic"]["status"] == "fail" and rows["cross_year.basic"]["expected"] == "5600.00"


def test_reason_parts_are_not_the_figures_change() -> None:
    """ "主要原因是…专项增加200万元" is part of the change, not the figure's own change."""
    statements = cross_year.statements(_rows(PACKAGES / "320000-npc-office-2019", "explanation"))
    assert not [s for s in statements if str(s["sentence"]).startswith("主要原因")]


def test_build_check_sees_a_stale_later_year(tmp_path: Path) -> None:
    """The later year depends on the previous year's package: changing that package on disk makes
    `build --check` report the later year stale."""
    out = tmp_path / "packages"
    for slug in ("320000-cppcc-office-2018", "320000-cppcc-office-2019"):
        shutil.copytree(PACKAGES / slug, out / slug)
    entry = next(e for e in registry.entries() if e["slug"] == "320000-cppcc-office-2019")
    from scripts import package
    from scripts.build import package_files

    fresh, _, _ = package_files(entry["paths"], entry, previous=commands.previous_figures(entry, out_dir=out))
    assert package.differences(out / entry["slug"], fresh) == []
    path = out / "320000-cppcc-office-2018" / "data" / "expenditure_summary.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("5678.17", "5600.00"), encoding="utf-8")
    changed, _, _ = package_files(
        entry["paths"], entry, previous=commands.previous_figures(entry, out_dir=out)
    )
    assert "data/quality_report.csv" in package.differences(out / entry["slug"], changed)


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(2017, 2020)), max_size=12))
def test_previous_of_is_the_first_registered_year_before(pairs) -> None:
    entries = [{"slug": f"s{i}", "body": body, "fiscal_year": year} for i, (body, year) in enumerate(pairs)]
    found = registry.previous_of(entries, entries)
    for e in entries:
        earlier = [p for p in entries if p["body"] == e["body"] and p["fiscal_year"] == e["fiscal_year"] - 1]
        assert found[e["slug"]] == (earlier[0] if earlier else None)
