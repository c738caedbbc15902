"""Synthetic disclosures (benchmarks only): deterministic, registrable, both layouts, amounts scaled exactly."""

from __future__ import annotations

import csv
import filecmp
from decimal import Decimal
from pathlib import Path

from scripts import build
from scripts.bench import synth
from scripts.build import registry

ROOT = Path(__file__).resolve().parent.parent


def test_scale_amounts_keeps_format_and_leaves_non_amounts():
    text = "合计\t1, 091. 871800\t1,361.04\t263.108814\t0.00\t增长9.78%\t2026年\t126人\t2120101"
    assert synth.scale_amounts(text, 3) == (
        "合计\t3, 275. 615400\t4,083.12\t789.326442\t0.00\t增长9.78%\t2026年\t126人\t2120101"
    )


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    synth.generate(12, tmp_path / "a", seed=4)
    synth.generate(12, tmp_path / "b", seed=4)
    synth.generate(12, tmp_path / "c", seed=5)
    same = filecmp.dircmp(tmp_path / "a" / "2026", tmp_path / "b" / "2026")
    assert not same.diff_files and not same.left_only and not same.right_only
    assert (tmp_path / "a/registry.json").read_bytes() == (tmp_path / "b/registry.json").read_bytes()
    assert (tmp_path / "a/registry.json").read_bytes() != (tmp_path / "c/registry.json").read_bytes()


def _amount_sum(path: Path) -> Decimal:
    total = Decimal(0)
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for key, value in row.items():
                if key.startswith("amount") or key in {"total", "basic", "project"}:
                    if value and value.replace(".", "", 1).replace("-", "", 1).isdigit():
                        total += Decimal(value)
    return total


def test_registry_loads_and_packages_build_with_scaled_amounts(tmp_path):
    entries = synth.generate(10, tmp_path / "syn", seed=1)
    loaded = registry.load(tmp_path / "syn/registry.json")  # validates fields and verifies every sha256
    assert [e["slug"] for e in loaded] == [e["slug"] for e in entries]
    assert {e["x_synth"]["seed_file"] for e in entries} == {
        s.name for s in (ROOT / "disclosures/2026").glob("*.txt")
    }
    assert len({e["division_code"] for e in entries}) > 5 and len({e["name"] for e in entries}) > 5
    seeds = {e["file"].split("/")[-1]: e for e in registry.entries()}
    for entry in loaded:
        contents, _, ex = build.package_files(entry["path"], entry)
        assert not ex.warnings, [str(w) for w in ex.warnings]
        info = entry["x_synth"]
        if "budget_summary" not in ex.resources:
            continue
        seed_entry = seeds[info["seed_file"]]
        seed_contents, _, _ = build.package_files(seed_entry["path"], seed_entry)
        (tmp_path / "a.csv").write_bytes(seed_contents["data/budget_summary.csv"])
        (tmp_path / "b.csv").write_bytes(contents["data/budget_summary.csv"])
        assert _amount_sum(tmp_path / "a.csv") > 0
        assert _amount_sum(tmp_path / "b.csv") == _amount_sum(tmp_path / "a.csv") * info["factor"]
        assert entry["name"] in contents["datapackage.json"].decode()


def test_refuses_to_write_into_disclosures():
    from scripts.__main__ import main

    assert main(["synth", "1", str(ROOT / "disclosures" / "synthetic")]) == 2
    assert not (ROOT / "disclosures" / "synthetic").exists()


def test_the_bench_republishes_one_disclosure_without_copying_another(tmp_path):
    """The bench's one-changed rebuild scales one disclosure's amounts; when doubling gives another
    disclosure's very bytes (a later year can be an earlier one doubled), it scales further: the registry
    refuses two disclosures with one sha256."""
    import hashlib
    import json

    from scripts.bench import run as bench_run

    synth.generate(6, tmp_path / "syn", 0)
    registry = tmp_path / "syn" / "registry.json"
    entries = json.loads(registry.read_text(encoding="utf-8"))
    middle = entries[len(entries) // 2]
    encoding = (middle.get("x_synth") or {}).get("encoding", "utf-8")
    text = (registry.parent / middle["file"]).read_bytes().decode(encoding)
    doubled = hashlib.sha256(synth.scale_amounts(text, 2).encode(encoding)).hexdigest()
    entries[0]["sha256"] = doubled  # another disclosure already has the doubled bytes
    registry.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    assert bench_run._one_changed(registry) == middle["slug"]
    after = json.loads(registry.read_text(encoding="utf-8"))
    shas = [e["sha256"] for e in after]
    assert len(set(shas)) == len(shas) and after[len(after) // 2]["sha256"] != doubled
    data = (registry.parent / middle["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == after[len(after) // 2]["sha256"]
