"""Tidy resources -> the files of a Frictionless data package, byte for byte reproducible.

CSV: UTF-8, LF, fields in schema order, blank for "not published". Nothing here knows how the resources
were extracted: an `Extraction` (scripts/extract/pipeline.py) is read for its resources, lines and bytes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.owned import (
    OutputError,
    check_folder,
    refuse_link,
    refuse_stranger,
    remove_file,
    safe_rel,
    write_file,
)
from scripts.package.fdp import model, package_fields
from scripts.package.layout import RESOURCE_ORDER
from scripts.package.tableschema import field_names, schema, schema_in

if TYPE_CHECKING:
    from scripts.extract.pipeline import Extraction

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "知识共享署名 4.0 国际许可协议（数据整理部分）；原始数据为政府依法公开的预算信息",
}


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def csv_text(schema_name: str, rows: list[dict], paginated: bool = False) -> str:
    names = field_names(schema_name, paginated)
    unknown = {k for row in rows for k in row} - set(names)
    if unknown:
        raise KeyError(
            f"rows carry fields {sorted(unknown)} that schemas/{schema_name}.json does not declare"
        )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row[n] for n in names])
    return buf.getvalue()


def _order(name: str) -> tuple[int, str]:
    return (RESOURCE_ORDER.index(name) if name in RESOURCE_ORDER else len(RESOURCE_ORDER), name)


def descriptor(ex: Extraction, meta: dict, source_name: str) -> dict:
    names = sorted(ex.resources, key=_order)
    year = meta.get("fiscal_year")
    title = f"{meta['name']} {year}年部门预算" if year else f"{meta['name']} 部门预算"
    resources = []
    for name in names:
        res = ex.resources[name]
        sch = schema(res.schema)
        # A schema shared by several table kinds has a generic title; the resource names its own table.
        res_title = res.title or sch.get("title")
        entry = {
            "name": name,
            "path": f"data/{name}.csv",
            "profile": "tabular-data-resource",
            "title": res_title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": f"schemas/{res.schema}.json",
            "x_status": res.status,
            "x_rows": len(res.rows),
        }
        if res.unit_original:
            entry["x_unit_original"] = res.unit_original
        resources.append(entry)
    resources.extend(_source_resources(ex, source_name))
    place = " ".join(p for p in (meta.get("province"), meta.get("city"), meta.get("district")) if p)
    return {
        "name": meta["slug"],
        "title": title,
        "description": (
            f"{meta['name']}公开的{year or ''}年部门预算，从公开文本逐表提取为结构化数据。金额单位为万元"
            "（原表以元计的已精确换算），按原文位数发布，未作任何修正；核对结果见 quality_report。"
        ),
        "version": "1.0.0",
        "licenses": [LICENSE],
        "keywords": ["部门预算", "预算公开", "财政", meta.get("short_name") or meta["name"]],
        "fiscal_year": year,
        "currency": "CNY",
        "x_amount_unit": "万元",
        "x_organisation": meta["name"],
        # The publishing body across the years (disclosures/bodies.json); its other years' packages
        # carry the same id.
        "x_body": meta.get("body") or meta["slug"],
        "x_short_name": meta.get("short_name"),
        "x_place": place or None,
        "province": meta.get("province"),
        "city": meta.get("city"),
        "district": meta.get("district"),
        "division_code": meta.get("division_code"),
        "sources": _sources(ex, meta, source_name),
        "model": model({n: ex.resources[n].schema for n in names}),
        **package_fields(year),
        "resources": resources,
    }


def _names(ex: Extraction, source_name: str) -> list[str]:
    """The file name of each source inside the package (source/<name>)."""
    return [source_name] if len(ex.sources) <= 1 else [s.name for s in ex.sources]


def _source_resources(ex: Extraction, source_name: str) -> list[dict]:
    out = []
    for i, (src, name) in enumerate(zip(ex.sources, _names(ex, source_name), strict=True)):
        data, sha = src.data, src.sha256
        entry = {"name": "source" if i == 0 else f"source_{i + 1}", "path": f"source/{name}"}
        if src.format == "pdf":
            entry.update(
                format="pdf", mediatype="application/pdf", title=f"原始公开文件（PDF，逐字节保存）：{name}"
            )
        else:
            entry.update(
                type="text",
                format="txt",
                mediatype="text/plain",
                encoding=_encoding(data),
                title="原始公开文本（逐字节保存）",
            )
        entry.update(hash=f"sha256:{sha}", bytes=len(data))
        out.append(entry)
    return out


def _sources(ex: Extraction, meta: dict, source_name: str) -> list[dict]:
    year = meta.get("fiscal_year")
    budget = f"{year}年部门预算" if year else "部门预算"  # as the package's title says it
    if len(ex.sources) <= 1 and not ex.paginated:
        return [
            {
                "title": f"{meta['name']} {budget}（公开文本）",
                "path": meta.get("source_url") or f"source/{source_name}",
                "sha256": ex.sha256,
                "x_received_as": meta.get("received_as"),
                "x_published": meta.get("published"),
                **({"x_note": meta["note"]} if meta.get("note") else {}),
            }
        ]
    received = [meta.get("received_as")] + [p.get("received_as") for p in meta.get("parts") or []]
    out = []
    for i, (src, name) in enumerate(zip(ex.sources, _names(ex, source_name), strict=True)):
        out.append(
            {
                "title": f"{meta['name']} {budget}（公开文件 {i + 1}/{len(ex.sources)}：{name}）",
                "path": f"source/{name}",
                "sha256": src.sha256,
                "x_received_as": received[i] if i < len(received) else None,
                "x_source_url": meta.get("source_url"),
                "x_published": meta.get("published"),
                **({"x_note": meta["note"]} if meta.get("note") else {}),
            }
        )
    return out


def _encoding(data: bytes) -> str:
    """The label that decodes a text source as the reader did (scripts/extract/readers/text.py)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def files(ex: Extraction, meta: dict, source_name: str) -> dict[str, bytes]:
    """Every file of the package, relative path -> bytes (the writer and the staleness test share it)."""
    out: dict[str, bytes] = {"datapackage.json": dumps(descriptor(ex, meta, source_name)).encode()}
    for name, res in ex.resources.items():
        out[f"data/{name}.csv"] = csv_text(res.schema, res.rows, ex.paginated).encode()
        out[f"schemas/{res.schema}.json"] = dumps(
            schema_in(res.schema, set(ex.resources), ex.paginated)
        ).encode()
    for src, name in zip(ex.sources, _names(ex, source_name), strict=True):
        out[f"source/{name}"] = src.data
    return dict(sorted(out.items()))


def owned_files(target: Path) -> set[str] | None:
    """The files a package folder's own `datapackage.json` names (what this tool wrote there), or None
    when the folder holds no readable descriptor."""
    try:
        desc = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        return None
    names = {"datapackage.json"}
    for res in desc["resources"]:
        if isinstance(res, dict):
            names.update(v for v in (res.get("path"), res.get("schema")) if isinstance(v, str))
    return {n for n in names if safe_rel(n)}


def write(target: Path, contents: dict[str, bytes], written_before: set[str] | None = None) -> bool:
    """Make `target` hold `contents`; True when anything changed.

    Only files this tool wrote are replaced or removed (those named by the package's previous
    `datapackage.json`); a folder that is neither empty nor a package is refused (`OutputError`), as is a
    symbolic link anywhere under `target`. Files of anyone else are left as they are. `written_before`
    names files the caller knows it wrote there (the build cache's list), should the descriptor be damaged.
    """
    check_folder(target, what="package folder")
    owned = owned_files(target) if target.is_dir() else set()
    if written_before:
        owned = (owned or set()) | {rel for rel in written_before if safe_rel(rel)}
    if owned is None:
        if any(target.iterdir()):
            refuse_stranger(target, what="package folder", why="it has no datapackage.json")
        owned = set()
    for rel in contents:
        refuse_link(target, rel, "remove the link (e.g. `git rm` it) and build again; nothing was written")
        path = target / rel
        if path.exists() and rel not in owned and path.read_bytes() != contents[rel]:
            raise OutputError(
                "exists and was not written by this tool (its datapackage.json does not name it): "
                "nothing written",
                file=path,
                expected="a package folder holding only the package's own files",
                hint="move the file away and build again",
            )
    changed = False
    for rel in sorted(owned - set(contents)):
        changed |= remove_file(target, rel)
    # datapackage.json last: an interrupted write leaves the old manifest naming what it owns.
    for rel in sorted(contents, key=lambda r: r == "datapackage.json"):
        changed |= write_file(target, rel, contents[rel])
    return changed


def differences(target: Path, contents: dict[str, bytes]) -> list[str]:
    existing = (
        {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
        if target.exists()
        else set()
    )
    diff = sorted(existing ^ set(contents))
    links = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_symlink())
    if target.is_symlink() or links:
        return [f"symbolic link {rel}" for rel in (links or ["."])] + diff
    diff += sorted(r for r in existing & set(contents) if (target / r).read_bytes() != contents[r])
    return diff
