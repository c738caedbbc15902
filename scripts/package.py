"""Tidy resources -> a Frictionless data package on disk, byte for byte reproducible.

CSV: UTF-8, LF, fields in schema order, blank for "not published". Schemas are expanded from
`schemas/<kind>.json` + `schemas/fields.json`, so every field is defined once.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path

from .pipeline import Extraction
from .segment import kinds

SCHEMAS = Path(__file__).with_name("schemas")
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "知识共享署名 4.0 国际许可协议（数据整理部分）；原始数据为政府依法公开的预算信息",
}
# Order of resources in datapackage.json and on the site: the published tables first, in the order
# a reader meets them, then prose, then what we add (inventory, checks).
RESOURCE_ORDER = [
    "budget_summary",
    "income_summary",
    "expenditure_summary",
    "fiscal_summary",
    "general_budget_expenditure",
    "basic_expenditure",
    "gov_fund_expenditure",
    "state_capital_expenditure",
    "three_public",
    "procurement",
    "purchase_of_services",
    "project_expenditure",
    "asset_allocation",
    "performance_projects",
    "performance_indicators",
    "performance_project_lines",
    "performance_overall",
    "profile",
    "explanation",
    "glossary",
    "toc",
    "tables",
    "raw_cells",
    "quality_report",
]


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


@cache
def shared_fields() -> dict[str, dict]:
    data = json.loads((SCHEMAS / "fields.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def schema(name: str) -> dict:
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
    out = {k: v for k, v in raw.items() if k != "fields"}
    out["fields"] = fields
    out.setdefault("missingValues", [""])
    return out


def schema_in(name: str, resources: set[str]) -> dict:
    """The schema as written into one package: a foreign key to a table this disclosure does not
    publish (indicators of an overall-performance sheet, with no project table) is left out."""
    full = schema(name)
    keys = [fk for fk in full.get("foreignKeys", []) if fk["reference"]["resource"] in resources]
    if keys == full.get("foreignKeys", []):
        return full
    out = {k: v for k, v in full.items() if k != "foreignKeys"}
    if keys:
        out["foreignKeys"] = keys
    return out


def field_names(name: str) -> list[str]:
    return [f["name"] for f in schema(name)["fields"]]


def csv_text(schema_name: str, rows: list[dict]) -> str:
    names = field_names(schema_name)
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


def model(schema_of: dict[str, str]) -> dict:
    """Fiscal Data Package-style model: what the amounts measure and along which dimensions."""
    measures = {}
    for res, schema_name in schema_of.items():
        for field in schema(schema_name)["fields"]:
            if field["type"] == "number" and "万元" in field.get("title", ""):
                measure = {
                    "resource": res,
                    "source": field["name"],
                    "title": field.get("title"),
                    "currency": "CNY",
                    "factor": 10000,
                    "phase": "proposed",
                }
                if "side" in field_names(schema_name):
                    # Two-sided tables hold income and expenditure rows: the side field says which.
                    measure["x_direction_field"] = "side"
                else:
                    measure["direction"] = "revenue" if res.startswith("income") else "expenditure"
                measures[f"{res}.{field['name']}"] = measure
    dims = {
        "functional_classification": ("function_code", "function_name", "functional", "支出功能分类"),
        "economic_classification": (
            "dept_economic_code",
            "dept_economic_name",
            "economic",
            "部门支出经济分类",
        ),
        "government_economic_classification": (
            "gov_economic_code",
            "gov_economic_name",
            "economic",
            "政府支出经济分类",
        ),
        "administrative_classification": ("unit_code", "unit_name", "administrative", "预算单位"),
        "project": ("project_code", "project_name", "activity", "项目"),
    }
    dimensions = {}
    for key, (code, label, ctype, title) in dims.items():
        used = [r for r, schema_name in schema_of.items() if code in field_names(schema_name)]
        if used:
            dimensions[key] = {
                "title": title,
                "classificationType": ctype,
                "resources": used,
                "attributes": {"code": {"source": code}, "label": {"source": label, "labelfor": "code"}},
                "primaryKey": "code",
            }
    return {"measures": measures, "dimensions": dimensions}


def descriptor(ex: Extraction, meta: dict, source_name: str) -> dict:
    names = sorted(ex.resources, key=_order)
    year = meta.get("fiscal_year")
    title = f"{meta['name']} {year}年部门预算" if year else f"{meta['name']} 部门预算"
    resources = []
    kind_titles = {k["kind"]: k["title"] for k in kinds()}
    for name in names:
        res = ex.resources[name]
        sch = schema(res.schema)
        # A schema shared by several table kinds has a generic title; the resource names its own table.
        res_title = kind_titles.get(name) if res.schema != name and name in kind_titles else sch.get("title")
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
    resources.append(
        {
            "name": "source",
            "path": f"source/{source_name}",
            "type": "text",
            "format": "txt",
            "mediatype": "text/plain",
            "encoding": "utf-8" if _is_utf8(ex.text_bytes) else "gb18030",
            "title": "原始公开文本（逐字节保存）",
            "hash": f"sha256:{ex.sha256}",
            "bytes": len(ex.text_bytes),
        }
    )
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
        "x_short_name": meta.get("short_name"),
        "x_place": place or None,
        "province": meta.get("province"),
        "city": meta.get("city"),
        "district": meta.get("district"),
        "division_code": meta.get("division_code"),
        "sources": [
            {
                "title": f"{meta['name']} {year or ''}年部门预算（公开文本）",
                "path": meta.get("source_url") or f"source/{source_name}",
                "sha256": ex.sha256,
                "x_received_as": meta.get("received_as"),
                "x_published": meta.get("published"),
            }
        ],
        "model": model({n: ex.resources[n].schema for n in names}),
        "resources": resources,
    }


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def files(ex: Extraction, meta: dict, source_name: str) -> dict[str, bytes]:
    """Every file of the package, relative path -> bytes (the writer and the staleness test share it)."""
    out: dict[str, bytes] = {"datapackage.json": dumps(descriptor(ex, meta, source_name)).encode()}
    for name, res in ex.resources.items():
        out[f"data/{name}.csv"] = csv_text(res.schema, res.rows).encode()
        out[f"schemas/{res.schema}.json"] = dumps(schema_in(res.schema, set(ex.resources))).encode()
    out[f"source/{source_name}"] = ex.text_bytes
    return dict(sorted(out.items()))


def write(target: Path, contents: dict[str, bytes]) -> bool:
    """Make `target` hold exactly `contents`; True when anything changed."""
    changed = False
    existing = (
        {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
        if target.exists()
        else set()
    )
    for rel in existing - set(contents):
        (target / rel).unlink()
        changed = True
    for rel, data in contents.items():
        path = target / rel
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed = True
    for d in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()
    return changed


def differences(target: Path, contents: dict[str, bytes]) -> list[str]:
    existing = (
        {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
        if target.exists()
        else set()
    )
    diff = sorted(existing ^ set(contents))
    diff += sorted(r for r in existing & set(contents) if (target / r).read_bytes() != contents[r])
    return diff


def validate(target: Path) -> list[str]:
    """frictionless's own validator; returns its error messages (empty when valid)."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(target / "datapackage.json")).validate()
    return (
        []
        if report.valid
        else [f"{kind}: {message}" for kind, message in report.flatten(["type", "message"])]
    )
