"""The check stage: accounting identities and completeness rules -> the `quality_report` resource.

Every check is evaluated on the published figures as extracted and reported as pass / fail / advisory /
not_applicable; nothing is ever corrected. The catalogue (ids, Chinese descriptions, the columns a
total splits into, the kinds that must be published, the tolerance rule) is data in `catalogue.json`.
A check whose table or field is not there reports `not_applicable` with the reason, never raises.

Families: `within` (one table), `across` (two tables), `explanation` (情况说明 prose vs tables),
`completeness` (tables published and listed), `text` (control characters, formula-like cells); `report` holds the row format and shared helpers.
"""

from __future__ import annotations

from scripts.checks.across import (
    check_class_cross,
    check_cross_totals,
    check_projects,
    check_three_public,
)
from scripts.checks.completeness import check_completeness
from scripts.checks.explanation import check_explanation
from scripts.checks.report import Report, catalogue, tolerance
from scripts.checks.text import check_text
from scripts.checks.within import check_columns, check_hierarchy, check_splits, check_two_sided

__all__ = ["catalogue", "run", "summary", "tolerance"]


# ---------------------------------------------------------------- entry point


def run(extraction) -> list[dict]:
    """All checks over one disclosure's extracted resources, in catalogue order."""
    cat = catalogue()
    rep = Report()
    for resource in ("budget_summary", "fiscal_summary"):
        check_two_sided(extraction, rep, resource)
    for resource, columns in cat["sum_columns"].items():
        check_columns(extraction, rep, resource, columns)
    for resource, splits in cat["row_splits"].items():
        if not resource.startswith("_"):
            check_splits(extraction, rep, resource, splits)
    for resource, code_field in cat["hierarchy_codes"].items():
        if not resource.startswith("_"):
            check_hierarchy(extraction, rep, resource, code_field)
    for pair in cat["class_cross"]:
        check_class_cross(extraction, rep, pair["summary"], pair["detail"])
    check_cross_totals(extraction, rep)
    check_three_public(extraction, rep)
    check_projects(extraction, rep)
    check_explanation(extraction, rep)
    check_completeness(extraction, rep)
    check_text(extraction, rep)
    return rep.rows


def summary(rows: list[dict]) -> dict[str, int]:
    out = {"pass": 0, "fail": 0, "advisory": 0, "not_applicable": 0}
    for r in rows:
        out[r["status"]] += 1
    return out
