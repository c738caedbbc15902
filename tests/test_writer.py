"""The package writer and the Table Schemas, checked against independent expectations: CSV text parsed
back equals the extracted rows; descriptor fields are computed here from the inputs (sha256, byte
counts, encodings); `write` leaves exactly the files it is given; `differences` sees content."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from functools import cache
from pathlib import Path

import pytest

from scripts import package
from scripts.build import registry as registry_module
from scripts.build.commands import disclosure_files
from scripts.owned import OutputError
from scripts.package import tableschema, writer

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "scripts" / "package" / "schemas"
TEXT = "110101-dongcheng-2026"  # 三公 in 元: a resource with x_unit_original
PDF = "320000-cppcc-office-2019"  # two PDF files: page fields, two sources


def _entry(slug: str) -> dict:
    return next(e for e in registry_module.entries() if e["slug"] == slug)


@cache
def _extraction(slug: str):
    entry = _entry(slug)
    return disclosure_files([(str(p), p.read_bytes()) for p in entry["paths"]])


def _files(slug: str) -> dict[str, bytes]:
    # Not cached: each test runs the writer itself (a mutation tool credits a call to the test making it).
    entry = _entry(slug)
    return package.files(_extraction(slug), entry, entry["paths"][0].name)


def _descriptor(slug: str) -> dict:
    return json.loads(_files(slug)["datapackage.json"])


@pytest.mark.parametrize("slug", [TEXT, PDF])
def test_every_csv_parses_back_to_the_extracted_rows(slug):
    ex = _extraction(slug)
    files = _files(slug)
    for name, res in ex.resources.items():
        text = files[f"data/{name}.csv"].decode("utf-8")
        assert "\r" not in text and text.endswith("\n") and not text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text)))
        declared = [f["name"] for f in json.loads(files[f"schemas/{res.schema}.json"])["fields"]]
        assert rows[0] == declared, name
        assert len(rows) - 1 == len(res.rows), name
        for got, row in zip(rows[1:], res.rows, strict=True):
            want = {k: "" if v is None else str(v) for k, v in row.items()}
            assert dict(zip(declared, got, strict=True)) == {n: want.get(n, "") for n in declared}, name
        # Every field of every row is written (an unknown field is an error, not dropped).
        assert all(set(row) <= set(declared) for row in res.rows), name


def test_page_fields_only_in_packages_read_from_pages():
    text_fields = tableschema.field_names("two_sided_summary")
    pdf_fields = tableschema.field_names("two_sided_summary", True)
    i = text_fields.index("source_line")
    assert pdf_fields == [
        *text_fields[: i + 1],
        "source_file",
        "source_page",
        "source_row",
        *text_fields[i + 1 :],
    ]
    assert not set(tableschema.PAGE_FIELDS) & set(text_fields)
    header = _files(PDF)["data/budget_summary.csv"].decode().split("\n", 1)[0].split(",")
    assert header == pdf_fields
    assert _files(TEXT)["data/budget_summary.csv"].decode().split("\n", 1)[0].split(",") == text_fields


def test_csv_text_rejects_a_field_the_schema_lacks_and_writes_blank_for_none():
    with pytest.raises(KeyError, match="not_a_field"):
        writer.csv_text("toc", [{"seq": 1, "not_a_field": "x"}])
    names = tableschema.field_names("toc")
    text = writer.csv_text("toc", [{"seq": 1, "title": None, "kind": "budget_summary"}])
    assert (
        text
        == ",".join(names)
        + "\n"
        + ",".join({"seq": "1", "kind": "budget_summary"}.get(n, "") for n in names)
        + "\n"
    )
    # Commas, quotes and newlines are quoted, not split.
    text = writer.csv_text("toc", [{"seq": 2, "title": 'a,"b"\nc'}])
    assert list(csv.reader(io.StringIO(text)))[1][names.index("title")] == 'a,"b"\nc'


def test_schema_expands_shared_fields_in_order_and_defaults_missing_values():
    raw = json.loads((SCHEMAS / "two_sided_summary.json").read_text(encoding="utf-8"))
    shared = json.loads((SCHEMAS / "fields.json").read_text(encoding="utf-8"))
    full = tableschema.schema("two_sided_summary")
    assert [f["name"] for f in full["fields"]] == [
        f if isinstance(f, str) else f["name"] for f in raw["fields"]
    ]
    for item, field in zip(raw["fields"], full["fields"], strict=True):
        assert field == ({"name": item, **shared[item]} if isinstance(item, str) else item)
    assert full["missingValues"] == raw.get("missingValues", [""])
    assert {k: v for k, v in full.items() if k != "fields" and k != "missingValues"} == {
        k: v for k, v in raw.items() if k not in ("fields", "missingValues")
    }
    assert not any(k.startswith("_") for k in tableschema.shared_fields())


def test_schema_naming_an_undefined_shared_field_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "fields.json").write_text(json.dumps({"a": {"type": "string"}}), encoding="utf-8")
    (tmp_path / "bad.json").write_text(json.dumps({"fields": ["a", "b"]}), encoding="utf-8")
    monkeypatch.setattr(tableschema, "SCHEMAS", tmp_path)
    tableschema.schema.cache_clear()
    tableschema.shared_fields.cache_clear()
    try:
        with pytest.raises(KeyError, match="'b'"):
            tableschema.schema("bad")
    finally:
        tableschema.schema.cache_clear()
        tableschema.shared_fields.cache_clear()


def test_foreign_keys_name_only_published_tables():
    full = tableschema.schema("performance_indicators")
    refs = {fk["reference"]["resource"] for fk in full["foreignKeys"]}
    assert refs, "indicators reference their projects"
    assert tableschema.schema_in("performance_indicators", refs) == full
    cut = tableschema.schema_in("performance_indicators", set())
    assert "foreignKeys" not in cut and cut["fields"] == full["fields"]
    one = sorted(refs)[0]
    kept = tableschema.schema_in("performance_indicators", {one})["foreignKeys"]
    assert kept and all(fk["reference"]["resource"] == one for fk in kept)


@pytest.mark.parametrize("slug", [TEXT, PDF])
def test_descriptor_is_computed_from_its_inputs(slug):
    entry = _entry(slug)
    ex = _extraction(slug)
    desc = _descriptor(slug)
    files = _files(slug)
    assert desc["name"] == entry["slug"] and desc["fiscal_year"] == entry["fiscal_year"]
    assert desc["title"] == f"{entry['name']} {entry['fiscal_year']}年部门预算"
    assert (desc["province"], desc["city"], desc["district"]) == (
        entry["province"],
        entry["city"],
        entry["district"],
    )
    assert desc["division_code"] == entry["division_code"] and desc["currency"] == "CNY"
    assert desc["x_place"] == " ".join(p for p in (entry["province"], entry["city"], entry["district"]) if p)
    data = [r for r in desc["resources"] if r.get("format") == "csv"]
    assert {r["name"] for r in data} == set(ex.resources)
    for r in data:
        res = ex.resources[r["name"]]
        assert r["path"] == f"data/{r['name']}.csv" and r["path"] in files
        assert r["schema"] == f"schemas/{res.schema}.json" and r["schema"] in files
        assert r["x_rows"] == len(res.rows)
        assert r["x_status"] == res.status and res.status in ("present", "empty")
        assert res.status == "empty" or res.rows
        assert r.get("x_unit_original") == res.unit_original
    # Resources follow the layout's order; the sources come last.
    order = [r["name"] for r in desc["resources"]]
    assert order[: len(data)] == sorted(order[: len(data)], key=writer._order)
    sources = [r for r in desc["resources"] if r["name"].startswith("source")]
    assert len(sources) == len(entry["paths"]) and order[len(data) :] == [s["name"] for s in sources]
    for src, path in zip(sources, entry["paths"], strict=True):
        raw = path.read_bytes()
        assert files[src["path"]] == raw
        assert src["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest() and src["bytes"] == len(raw)
    for meta_src, path in zip(desc["sources"], entry["paths"], strict=True):
        assert meta_src["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(files) == {"datapackage.json"} | {r["path"] for r in desc["resources"]} | {
        r["schema"] for r in data
    }


def test_a_table_in_yuan_records_its_unit():
    desc = _descriptor(TEXT)
    three = next(r for r in desc["resources"] if r["name"] == "three_public")
    assert three["x_unit_original"] == "元"
    summary = next(r for r in desc["resources"] if r["name"] == "budget_summary")
    assert "x_unit_original" not in summary


@pytest.mark.parametrize(
    "codec,label",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-be+bom", "utf-16"),
    ],
)
def test_source_encoding_label_reads_the_source_back(codec, label):
    """The text source is kept byte for byte; its declared encoding decodes those bytes to the text."""
    entry = _entry("110101-dongcheng-2026")
    text = entry["path"].read_text(encoding="utf-8")
    data = b"\xfe\xff" + text.encode("utf-16-be") if codec == "utf-16-be+bom" else text.encode(codec)
    ex = disclosure_files([("x.txt", data)])
    files = package.files(ex, entry, "x.txt")
    src = next(r for r in json.loads(files["datapackage.json"])["resources"] if r["name"] == "source")
    assert files["source/x.txt"] == data
    assert src["encoding"] == label
    assert data.decode(src["encoding"]).lstrip("\ufeff") == text


def _naming(*paths: str) -> bytes:
    """A datapackage.json naming its files: what `write` takes as its own on the next write."""
    return json.dumps({"resources": [{"path": p} for p in paths]}).encode()


def test_write_replaces_and_removes_only_its_own_files(tmp_path):
    target = tmp_path / "pkg"
    contents = {
        "datapackage.json": _naming("data/a.csv", "schemas/a.json"),
        "data/a.csv": b"x\n1\n",
        "schemas/a.json": b"{}\n",
    }
    assert package.write(target, contents) is True
    assert package.differences(target, contents) == []
    assert package.write(target, contents) is False  # nothing to change
    stamp = (target / "data" / "a.csv").stat().st_mtime_ns
    # A resource no longer produced goes, with its folder; a changed file is rewritten; a file the
    # tool never wrote (someone's notes) stays.
    (target / "notes.txt").write_bytes(b"mine")
    smaller = {"datapackage.json": _naming("data/a.csv"), "data/a.csv": b"x\n1\n"}
    assert package.differences(target, smaller) == ["notes.txt", "schemas/a.json", "datapackage.json"]
    assert package.write(target, smaller) is True
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        "data",
        "data/a.csv",
        "datapackage.json",
        "notes.txt",
    ]
    assert (target / "notes.txt").read_bytes() == b"mine"
    assert (target / "datapackage.json").read_bytes() == smaller["datapackage.json"]
    assert (target / "data" / "a.csv").stat().st_mtime_ns == stamp  # unchanged bytes are not rewritten


def test_differences_sees_content_not_just_names(tmp_path):
    contents = dict(_files(TEXT))
    package.write(tmp_path, contents)
    assert package.differences(tmp_path, contents) == []
    changed = dict(contents, **{"data/budget_summary.csv": contents["data/budget_summary.csv"] + b"x\n"})
    assert package.differences(tmp_path, changed) == ["data/budget_summary.csv"]
    missing = {k: v for k, v in contents.items() if k != "data/toc.csv"}
    assert package.differences(tmp_path, missing) == ["data/toc.csv"]
    assert package.differences(tmp_path / "nowhere", {"a": b""}) == ["a"]


def test_write_creates_nested_folders_and_reports_a_removal_as_a_change(tmp_path):
    target = tmp_path / "fresh" / "pkg"
    contents = {
        "datapackage.json": _naming("data/deep/b.csv", "z/c.csv", "old/deeper/stale.csv"),
        "data/deep/b.csv": b"2",
        "z/c.csv": b"3",
        "old/deeper/stale.csv": b"x",
    }
    assert package.write(target, contents) is True
    assert _tree(target) == contents
    # Only a file it wrote (nested two deep) to remove: that is a change, and its folders go too.
    fewer = {k: v for k, v in contents.items() if not k.startswith("old/")}
    fewer["datapackage.json"] = _naming("data/deep/b.csv", "z/c.csv")
    assert package.write(target, fewer) is True
    assert _tree(target) == fewer and not (target / "old").exists()
    # An unchanged file before a changed one does not stop the writing.
    assert package.write(target, {**fewer, "z/c.csv": b"new"}) is True
    assert (target / "z" / "c.csv").read_bytes() == b"new"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_json_files_are_readable_chinese_with_two_space_indent():
    files = _files(TEXT)
    for name in ["datapackage.json", *(n for n in files if n.startswith("schemas/"))]:
        text = files[name].decode("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", name
    assert "部门预算" in files["datapackage.json"].decode("utf-8")


# --- the descriptor, written out by hand from the registry entry -----------------------------------

KIND_TITLES = {
    k["kind"]: k["title"]
    for k in json.loads((ROOT / "scripts/extract/vocab/table_kinds.json").read_text("utf-8"))["kinds"]
}
CSV_RESOURCE = {
    "profile": "tabular-data-resource",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
}


def _common(entry: dict) -> dict:
    year = entry["fiscal_year"]
    return {
        "name": entry["slug"],
        "title": f"{entry['name']} {year}年部门预算",
        "version": "1.0.0",
        "keywords": ["部门预算", "预算公开", "财政", entry["short_name"]],
        "fiscal_year": year,
        "currency": "CNY",
        "x_amount_unit": "万元",
        "x_organisation": entry["name"],
        "x_short_name": entry["short_name"],
        "x_place": " ".join(p for p in (entry["province"], entry["city"], entry["district"]) if p),
        "province": entry["province"],
        "city": entry["city"],
        "district": entry["district"],
        "division_code": entry["division_code"],
    }


def _check_common(desc: dict, entry: dict) -> None:
    assert {k: desc[k] for k in _common(entry)} == _common(entry)
    assert [(x["name"], x["path"]) for x in desc["licenses"]] == [
        ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/")
    ]
    assert entry["name"] in desc["description"] and f"{entry['fiscal_year']}年" in desc["description"]
    assert desc["model"]["measures"] and desc["model"]["dimensions"]
    schemas = {}
    for r in desc["resources"]:
        if r.get("format") != "csv":
            continue
        assert {k: r[k] for k in CSV_RESOURCE} == CSV_RESOURCE, r["name"]
        schemas.setdefault(r["schema"], json.loads((SCHEMAS / Path(r["schema"]).name).read_text("utf-8")))
        # A schema shared by several kinds has a generic title: the resource names its own table.
        own = KIND_TITLES.get(r["name"]) if Path(r["schema"]).stem != r["name"] else None
        assert r["title"] == (own or schemas[r["schema"]]["title"]), r["name"]


def test_text_descriptor_by_hand():
    entry = _entry(TEXT)
    desc = _descriptor(TEXT)
    _check_common(desc, entry)
    raw = entry["path"].read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    assert desc["sources"] == [
        {
            "title": f"{entry['name']} {entry['fiscal_year']}年部门预算（公开文本）",
            "path": entry["source_url"] or f"source/{entry['path'].name}",
            "sha256": sha,
            "x_received_as": entry["received_as"],
            "x_published": entry["published"],
            **({"x_note": entry["note"]} if entry.get("note") else {}),
        }
    ]
    assert desc["resources"][-1] == {
        "name": "source",
        "path": f"source/{entry['path'].name}",
        "type": "text",
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
        "title": "原始公开文本（逐字节保存）",
        "hash": f"sha256:{sha}",
        "bytes": len(raw),
    }
    titles = {r["name"]: r["title"] for r in desc["resources"]}
    assert titles["fiscal_summary"] != titles["budget_summary"]  # one schema, two tables, two titles


@pytest.mark.parametrize("slug", [PDF, "320000-npc-office-2017"])
def test_pdf_descriptor_by_hand(slug):
    entry = _entry(slug)
    desc = _descriptor(slug)
    _check_common(desc, entry)
    n = len(entry["paths"])
    received = [entry["received_as"]] + [p["received_as"] for p in entry.get("parts", [])]
    assert desc["sources"] == [
        {
            "title": f"{entry['name']} {entry['fiscal_year']}年部门预算（公开文件 {i + 1}/{n}：{path.name}）",
            "path": f"source/{path.name}",
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "x_received_as": received[i],
            "x_source_url": entry["source_url"],
            "x_published": entry["published"],
            **({"x_note": entry["note"]} if entry.get("note") else {}),
        }
        for i, path in enumerate(entry["paths"])
    ]
    assert desc["resources"][-n:] == [
        {
            "name": "source" if i == 0 else f"source_{i + 1}",
            "path": f"source/{path.name}",
            "format": "pdf",
            "mediatype": "application/pdf",
            "title": f"原始公开文件（PDF，逐字节保存）：{path.name}",
            "hash": "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest(),
            "bytes": len(path.read_bytes()),
        }
        for i, path in enumerate(entry["paths"])
    ]


def test_resources_outside_the_layout_order_come_after_it_by_name():
    from scripts.package.layout import RESOURCE_ORDER

    assert writer._order(RESOURCE_ORDER[0]) < writer._order(RESOURCE_ORDER[1])
    assert writer._order("zz_not_listed") == (len(RESOURCE_ORDER), "zz_not_listed")
    assert writer._order(RESOURCE_ORDER[-1]) < writer._order("aa_not_listed") < writer._order("zz_not_listed")


def test_a_partial_foreign_key_set_is_kept_as_the_published_part(monkeypatch):
    full = {
        "fields": [{"name": "a"}],
        "foreignKeys": [
            {"fields": "a", "reference": {"resource": "x", "fields": "a"}},
            {"fields": "a", "reference": {"resource": "y", "fields": "a"}},
        ],
    }
    monkeypatch.setattr(tableschema, "schema", lambda name, paginated=False: full)
    assert tableschema.schema_in("k", {"x", "y"}) is full
    assert tableschema.schema_in("k", {"x"}) == {
        "fields": full["fields"],
        "foreignKeys": full["foreignKeys"][:1],
    }
    assert tableschema.schema_in("k", set()) == {"fields": full["fields"]}
    plain = {"fields": [{"name": "a"}]}
    monkeypatch.setattr(tableschema, "schema", lambda name, paginated=False: plain)
    assert tableschema.schema_in("k", set()) is plain


def test_descriptor_falls_back_where_the_metadata_is_thin():
    """An unregistered file: no short name (the name is the keyword), no year; a source URL and a
    publication date, when known, are carried into every source."""
    ex = _extraction(PDF)
    entry = _entry(PDF)
    meta = {k: v for k, v in entry.items() if k not in ("short_name", "fiscal_year")}
    meta.update(source_url="https://example.org/a.pdf", published="2019-02-01")
    desc = json.loads(package.files(ex, meta, entry["paths"][0].name)["datapackage.json"])
    assert desc["keywords"][-1] == entry["name"] and desc["title"] == f"{entry['name']} 部门预算"
    assert all(s["x_source_url"] == "https://example.org/a.pdf" for s in desc["sources"])
    assert all(s["x_published"] == "2019-02-01" for s in desc["sources"])
    assert [s["title"] for s in desc["sources"]] == [
        f"{entry['name']} 部门预算（公开文件 {i + 1}/{len(entry['paths'])}：{path.name}）"
        for i, path in enumerate(entry["paths"])
    ]
    text_entry = _entry(TEXT)
    meta = dict(text_entry, source_url="https://example.org/a.txt")
    (source,) = json.loads(package.files(_extraction(TEXT), meta, "a.txt")["datapackage.json"])["sources"]
    assert source["path"] == "https://example.org/a.txt"


def test_two_text_files_are_two_sources():
    text = _entry(TEXT)["path"].read_bytes()
    lines = text.split(b"\n")
    cut = len(lines) // 2
    ex = disclosure_files([("one.txt", b"\n".join(lines[:cut])), ("two.txt", b"\n".join(lines[cut:]))])
    desc = json.loads(package.files(ex, _entry(TEXT), "one.txt")["datapackage.json"])
    assert [s["path"] for s in desc["sources"]] == ["source/one.txt", "source/two.txt"]
    assert [r["name"] for r in desc["resources"][-2:]] == ["source", "source_2"]


# --- what `write` refuses, keeps and removes (each promise of its docstring, with its message) ------


def _contents(*names: str) -> dict[str, bytes]:
    """A package naming `names` as resources (path + schema), each file holding its own name."""
    resources = [{"path": n, "schema": f"schemas/{Path(n).stem}.json"} for n in names]
    out = {"datapackage.json": json.dumps({"resources": resources}).encode()}
    for n in names:
        out[n] = n.encode()
        out[f"schemas/{Path(n).stem}.json"] = b"{}\n"
    return out


def _message(err: pytest.ExceptionInfo) -> str:
    return str(err.value)


def test_write_refuses_a_folder_of_someone_elses_files_and_says_why(tmp_path):
    (tmp_path / "notes.txt").write_bytes(b"mine")
    with pytest.raises(OutputError) as err:
        package.write(tmp_path, _contents("data/a.csv"))
    text = _message(err)
    assert "package folder is not empty" in text and "(it has no datapackage.json)" in text
    assert "notes.txt" in text and str(tmp_path) in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written
    # A descriptor that is JSON but not a package's is no claim to the files either.
    (tmp_path / "datapackage.json").write_text("[]", encoding="utf-8")
    with pytest.raises(OutputError, match=r"it has no datapackage\.json"):
        package.write(tmp_path, _contents("data/a.csv"))


def test_write_refuses_a_file_or_a_link_as_the_package_folder(tmp_path):
    file = tmp_path / "pkg"
    file.write_bytes(b"")
    with pytest.raises(OutputError, match="package folder is a file"):
        package.write(file, _contents("data/a.csv"))
    link = tmp_path / "linked"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutputError, match="package folder is a symbolic link"):
        package.write(link, _contents("data/a.csv"))


def test_write_never_writes_through_a_link_inside_the_package(tmp_path):
    target = tmp_path / "pkg"
    package.write(target, _contents("data/a.csv"))
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"someone's")
    (target / "data" / "a.csv").unlink()
    (target / "data" / "a.csv").symlink_to(outside)
    with pytest.raises(OutputError) as err:
        package.write(target, _contents("data/a.csv"))
    assert "symbolic link" in _message(err)
    assert _message(err).endswith(
        "hint: remove the link (e.g. `git rm` it) and build again; nothing was written"
    )
    assert outside.read_bytes() == b"someone's"


def test_write_takes_a_strangers_file_only_when_it_already_holds_the_bytes(tmp_path):
    target = tmp_path / "pkg"
    package.write(target, _contents("data/a.csv"))
    wanted = _contents("data/a.csv", "data/b.csv")
    (target / "data" / "b.csv").write_bytes(b"data/b.csv")  # the very bytes the package would write
    assert package.write(target, wanted) is True
    (target / "data" / "c.csv").write_bytes(b"someone else's table")
    with pytest.raises(OutputError) as err:
        package.write(target, _contents("data/a.csv", "data/b.csv", "data/c.csv"))
    assert str(target / "data" / "c.csv") in _message(err) and "was not written by this tool" in _message(err)
    assert (target / "data" / "c.csv").read_bytes() == b"someone else's table"


def test_write_removes_what_the_caller_says_it_wrote_when_the_descriptor_is_damaged(tmp_path):
    target = tmp_path / "pkg"
    contents = _contents("data/a.csv")
    package.write(target, contents)
    (target / "data" / "old.csv").write_bytes(b"an earlier run's table")
    (target / "datapackage.json").write_bytes(b"{ damaged")
    assert (
        package.write(target, contents, written_before={"data/old.csv", "datapackage.json", "../escape.csv"})
        is True
    )
    assert not (target / "data" / "old.csv").exists()
    assert package.differences(target, contents) == []


def test_a_removal_alone_is_a_change(tmp_path):
    """Files written before (the build cache's list), gone from the package: removing them is a change
    even when every file that stays is unchanged — and one already missing does not hide it."""
    target = tmp_path / "pkg"
    contents = _contents("data/a.csv")
    package.write(target, contents)
    (target / "data" / "a_old.csv").write_bytes(b"stale")
    assert package.write(target, contents, written_before={"data/a_old.csv", "data/z_gone.csv"}) is True
    assert not (target / "data" / "a_old.csv").exists()
    assert package.write(target, contents, written_before={"data/z_gone.csv"}) is False


def test_a_schema_the_old_descriptor_named_is_removed_with_its_resource(tmp_path):
    target = tmp_path / "pkg"
    package.write(target, _contents("data/a.csv", "data/b.csv"))
    assert (target / "schemas" / "b.json").is_file()
    package.write(target, _contents("data/a.csv"))
    assert not (target / "schemas" / "b.json").exists() and (target / "schemas" / "a.json").is_file()


def test_the_descriptor_is_written_last(tmp_path, monkeypatch):
    """An interrupted write leaves the old datapackage.json, which names every file it owns."""
    order: list[str] = []
    real = writer.write_file

    def spy(root, rel, data):
        order.append(rel)
        return real(root, rel, data)

    monkeypatch.setattr(writer, "write_file", spy)
    contents = _contents("data/a.csv", "data/b.csv")
    package.write(tmp_path / "pkg", contents)
    assert sorted(order) == sorted(contents) and order[-1] == "datapackage.json"


def test_differences_reports_links_first(tmp_path):
    target = tmp_path / "pkg"
    contents = _contents("data/a.csv")
    package.write(target, contents)
    (target / "data" / "a.csv").unlink()
    (target / "data" / "a.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert package.differences(target, contents)[0] == "symbolic link data/a.csv"
    plain = tmp_path / "plain"
    package.write(plain, contents)
    linked = tmp_path / "linked"
    linked.symlink_to(plain, target_is_directory=True)
    assert package.differences(linked, contents)[0] == "symbolic link ."
    assert package.differences(tmp_path / "missing", contents) == sorted(contents)


def test_one_source_takes_the_name_the_caller_gives_it():
    entry = _entry(TEXT)
    ex = disclosure_files([("upload-1234.tmp", entry["path"].read_bytes())])
    files = package.files(ex, entry, entry["path"].name)
    assert files[f"source/{entry['path'].name}"] == entry["path"].read_bytes()
    assert not any("upload-1234" in name for name in files)


def test_descriptor_body_period_and_notes(tmp_path):
    entry = _entry(TEXT)
    ex = _extraction(TEXT)

    def desc(**meta) -> dict:
        return json.loads(package.files(ex, {**entry, **meta}, entry["path"].name)["datapackage.json"])

    assert desc(body=None)["x_body"] == entry["slug"]
    assert desc(body="dongcheng-finance")["x_body"] == "dongcheng-finance"
    year = entry["fiscal_year"]
    assert desc()["fiscalPeriod"] == {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    assert "fiscalPeriod" not in desc(fiscal_year=None)
    assert desc(fiscal_year=None)["sources"][0]["title"] == f"{entry['name']} 部门预算（公开文本）"
    assert "x_note" not in desc(note="")["sources"][0]
    assert desc(note="第二版")["sources"][0]["x_note"] == "第二版"
    pdf = _entry(PDF)
    ex = _extraction(PDF)
    for src in json.loads(package.files(ex, {**pdf, "note": ""}, pdf["paths"][0].name)["datapackage.json"])[
        "sources"
    ]:
        assert "x_note" not in src


def test_write_with_replaces_only_on_change_and_never_through_a_link(tmp_path):
    """A file too large to hold (the site-wide downloads) is written through a temporary file, compared
    block by block with the one in place, and kept when unchanged."""
    from scripts.owned import BLOCK, write_with

    big = b"x" * (2 * BLOCK + 5)
    path = tmp_path / "a" / "b.bin"
    assert write_with(tmp_path, "a/b.bin", lambda fh: fh.write(big))
    inode = path.stat().st_ino
    assert not write_with(tmp_path, "a/b.bin", lambda fh: fh.write(big))
    assert path.stat().st_ino == inode  # unchanged: not replaced
    assert write_with(tmp_path, "a/b.bin", lambda fh: fh.write(big[:-1] + b"y"))  # the last block differs
    assert path.read_bytes() == big[:-1] + b"y"

    def seeks_back(fh):  # as zipfile does: the size is where the file ends, not where it stopped
        fh.write(big)
        fh.seek(0)
        fh.write(b"z")

    assert write_with(tmp_path, "a/b.bin", seeks_back)
    assert path.read_bytes() == b"z" + big[1:]

    def fails(fh):
        fh.write(b"partial")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_with(tmp_path, "a/b.bin", fails)
    assert path.read_bytes() == b"z" + big[1:] and [p.name for p in path.parent.iterdir()] == ["b.bin"]

    theirs = tmp_path / "theirs.bin"
    theirs.write_bytes(b"theirs")
    (tmp_path / "a" / "link.bin").symlink_to(theirs)
    with pytest.raises(OutputError, match="symbolic link"):
        write_with(tmp_path, "a/link.bin", lambda fh: fh.write(b"ours"))
    with pytest.raises(OutputError, match="leaves its folder"):
        write_with(tmp_path / "a", "../out.bin", lambda fh: fh.write(b"ours"))
    assert theirs.read_bytes() == b"theirs" and not (tmp_path / "out.bin").exists()
