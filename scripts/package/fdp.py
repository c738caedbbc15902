"""The Fiscal Data Package-style `model` of a package: what the amounts measure, along which dimensions."""

from __future__ import annotations

from scripts.package.tableschema import field_names, schema


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
        # A project is no classification of the FDP vocabulary (functional/administrative/economic).
        "project": ("project_code", "project_name", None, "项目"),
    }
    dimensions = {}
    for key, (code, label, ctype, title) in dims.items():
        used = [r for r, schema_name in schema_of.items() if code in field_names(schema_name)]
        if used:
            dimensions[key] = {
                "title": title,
                **({"classificationType": ctype} if ctype else {}),
                "resources": used,
                "attributes": {"code": {"source": code}, "label": {"source": label, "labelfor": "code"}},
                "primaryKey": "code",
            }
    return {"measures": measures, "dimensions": dimensions}


def package_fields(fiscal_year: int | None) -> dict:
    """The Fiscal Data Package (v0.3) fields of a descriptor beside its `model`: China's fiscal year is the
    calendar year; the tables are aggregated budget lines, not transactions."""
    out: dict = {"countryCode": "CN", "granularity": "aggregated"}
    if fiscal_year:
        out["fiscalPeriod"] = {"start": f"{fiscal_year}-01-01", "end": f"{fiscal_year}-12-31"}
    return out
