"""`python -m scripts add`: registering disclosures, always on a temporary copy of disclosures/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.__main__ import main
from scripts.build import add, registry

ROOT = Path(__file__).resolve().parents[1]
DISCLOSURES = ROOT / "disclosures"
QINGSHAN = DISCLOSURES / "2026" / "420107-qingshan.txt"
NPC_2017 = next((DISCLOSURES / "2017" / "320000-npc-office-2017").glob("*.pdf"))


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A full copy of disclosures/ (registry, bodies.json, files)."""
    target = tmp_path / "disclosures"
    shutil.copytree(DISCLOSURES, target)
    return target


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A disclosures folder with an empty registry and no bodies.json."""
    target = tmp_path / "empty"
    target.mkdir()
    (target / "registry.json").write_text("[]\n", encoding="utf-8")
    return target


def state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def next_year_text(tmp_path: Path, source: Path, name: str) -> Path:
    """The same disclosure one year later (a new file, same body)."""
    out = tmp_path / name
    out.write_text(source.read_text(encoding="utf-8").replace("2026", "2027"), encoding="utf-8")
    return out


def test_add_text_reads_name_and_year(empty: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "qingshan.txt"
    shutil.copyfile(QINGSHAN, src)
    flags = ["--division-code", "420107", "--province", "湖北省", "--city", "武汉市", "--district", "青山区"]
    assert main(["add", str(src), "--disclosures", str(empty), *flags]) == 0
    (entry,) = registry.load(empty / "registry.json")
    assert entry["name"] == "青山区城市运行管理中心" and entry["fiscal_year"] == 2026
    assert entry["body"] == "420107-qingshan" and entry["slug"] == "420107-qingshan-2026"
    assert entry["path"].read_bytes() == QINGSHAN.read_bytes()
    assert entry["file"] == "2026/420107-qingshan-2026/qingshan.txt"
    assert entry["source_url"] is None and "发布网址不详" in entry["note"]
    assert "body 420107-qingshan (new body)" in capsys.readouterr().err


def test_add_pdf_reads_name_and_year(empty: Path) -> None:
    flags = ["--division-code", "320000", "--province", "江苏省", "--body", "320000-npc-office"]
    assert main(["add", str(NPC_2017), "--disclosures", str(empty), *flags]) == 0
    (entry,) = registry.load(empty / "registry.json")
    assert entry["name"] == "江苏省人大常委会办公厅" and entry["fiscal_year"] == 2017
    assert entry["sha256"] == registry.sha256_of(NPC_2017)


def test_add_new_year_of_a_known_body(copy: Path, tmp_path: Path, capsys) -> None:
    src = next_year_text(tmp_path, QINGSHAN, "qs2027.txt")
    assert main(["add", str(src), "--disclosures", str(copy)]) == 0
    entry = next(e for e in registry.load(copy / "registry.json") if e["fiscal_year"] == 2027)
    assert entry["body"] == "420107-qingshan" and entry["name"] == "武汉市青山区城市运行管理中心"
    body = next(b for b in json.loads((copy / "bodies.json").read_text("utf-8")) if b["id"] == entry["body"])
    assert body["names"][0]["years"] == [2026, 2027]
    assert "420107-qingshan" in capsys.readouterr().err


def test_new_body_without_flags_names_the_flag(copy: Path, tmp_path: Path, capsys) -> None:
    src = tmp_path / "x.txt"
    src.write_text(QINGSHAN.read_text("utf-8").replace("青山区城市运行管理中心", "青山区城市管理局"), "utf-8")
    before = state(copy)
    assert main(["add", str(src), "--disclosures", str(copy)]) == 1
    assert "--division-code" in capsys.readouterr().err
    assert state(copy) == before


def test_registered_file_is_refused(copy: Path, capsys) -> None:
    before = state(copy)
    assert main(["add", str(QINGSHAN), "--disclosures", str(copy)]) == 1
    assert "already registered as '420107-qingshan-2026'" in capsys.readouterr().err
    assert state(copy) == before


def test_add_dir_goes_on_after_a_damaged_file(copy: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "download"
    folder.mkdir()
    next_year_text(folder, QINGSHAN, "a-qingshan.txt")
    next_year_text(folder, DISCLOSURES / "2026" / "110101-dongcheng.txt", "c-dongcheng.txt")
    (folder / "b-broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj broken")
    assert main(["add", str(folder), "--disclosures", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "b-broken.pdf" in err and "2 added, 1 failed" in err
    years = {e["slug"] for e in registry.load(copy / "registry.json") if e["fiscal_year"] == 2027}
    assert years == {"420107-qingshan-2027", "110101-dongcheng-2027"}


def test_manifest_groups_files_into_one_disclosure(empty: Path, tmp_path: Path) -> None:
    folder = tmp_path / "download"
    folder.mkdir()
    parts = sorted((DISCLOSURES / "2019" / "320000-cppcc-office-2019").glob("*.pdf"))
    main_pdf = next(p for p in parts if "年度部门预算" in p.name)
    tables = next(p for p in parts if p != main_pdf)
    for p in parts:
        shutil.copyfile(p, folder / p.name)
    (folder / "manifest.csv").write_text(
        f"files,body,year,url\n{main_pdf.name};{tables.name},320000-cppcc-office,2019,https://example.org/a\n",
        encoding="utf-8",
    )
    flags = ["--division-code", "320000", "--province", "江苏省"]
    assert main(["add", str(folder), "--disclosures", str(empty), *flags]) == 0
    (entry,) = registry.load(empty / "registry.json")
    assert entry["received_as"] == main_pdf.name and [p["received_as"] for p in entry["parts"]] == [
        tables.name
    ]
    assert entry["source_url"] == "https://example.org/a" and entry["fiscal_year"] == 2019


def test_interrupted_add_leaves_the_registry(copy: Path, tmp_path: Path, monkeypatch) -> None:
    src = next_year_text(tmp_path, QINGSHAN, "qs2027.txt")
    before = state(copy)
    real = add._copy

    def copy_then_fail(blob: bytes, root: Path, rel: str) -> None:
        real(blob, root, rel)
        raise KeyboardInterrupt

    monkeypatch.setattr(add, "_copy", copy_then_fail)
    assert main(["add", str(src), "--disclosures", str(copy)]) == 130
    assert state(copy) == before
    registry.load(copy / "registry.json")
