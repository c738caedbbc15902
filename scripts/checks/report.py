"""The quality report's rows, the check catalogue (`catalogue.json`, data) and the tolerance rule,
plus small helpers over extracted rows shared by every family of checks."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from scripts.extract.cells import decimal
from scripts.extract.segment import kinds
from scripts.numfmt import exact

CATALOGUE = Path(__file__).with_name("catalogue.json")


@cache
def catalogue() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def _kind_titles() -> dict[str, str]:
    return {k["kind"]: k["title"] for k in kinds()}


# ---------------------------------------------------------------- tolerance and formatting


def decimals_of(digits: str) -> int:
    """The decimal places of published digits ("1.50" has 2)."""
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def tolerance(figures: list[str | None]) -> Decimal:
    """Rounding allowance for comparing published figures (see vocab/checks.json `tolerance`).

    Each non-blank figure may be off by half a unit of its last published decimal place, so the
    allowance is the sum of those half-units, capped at `max_units` units of the coarsest precision.
    A bare "0" adds nothing: it is exact.
    """
    rule = catalogue()["tolerance"]
    places = [decimals_of(f) for f in figures if f not in (None, "") and not re.fullmatch(r"-?0", f)]
    if not places:
        places = [rule["default_decimals"]]
    half_units = sum((Decimal(1).scaleb(-p) / 2 for p in places), Decimal(0))
    cap = Decimal(1).scaleb(-min(places)) * rule["max_units"]
    return min(half_units, cap).normalize()


def column_title(column: str) -> str:
    """A column's Chinese title from the catalogue; a column it does not title is named by its field."""
    return catalogue()["column_titles"].get(column, column)


class Report:
    """Collects quality-report rows; descriptions come from the catalogue."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.ids: set[str] = set()
        self.titles = _kind_titles()

    def title(self, resource: str) -> str:
        """A table's Chinese title; a resource no table kind titles is named by its id."""
        return self.titles.get(resource, resource)

    def add(
        self,
        template: str,
        args: dict,
        *,
        expected=None,
        found=None,
        tol=None,
        status=None,
        detail: str = "",
        source_line: int | None = None,
    ) -> dict:
        spec = catalogue()["checks"][template]
        if "resource" in args:  # the table a per-resource check names, unless the caller names it
            args = {"table": self.title(args["resource"]), **args}
        if status is None:
            status = "pass" if abs(found - expected) <= tol else "fail"
        if status == "fail" and spec.get("advisory"):
            # Tables that need not agree by design (a sheet may list only some projects): worth a
            # look, not an error in the publication.
            status = "advisory"
        check_id = template.format(**args)
        if check_id in self.ids:  # a class or topic published twice: keep both, ids stay unique
            check_id = f"{check_id}.{sum(1 for i in self.ids if i.startswith(check_id)) + 1}"
        self.ids.add(check_id)
        row = {
            "check_id": check_id,
            "category": spec["category"],
            "description": spec["description"].format(**args),
            "table": spec["table"].format(**args),
            "expected": exact(expected),
            "found": exact(found),
            "difference": exact(found - expected) if expected is not None and found is not None else None,
            "tolerance": exact(tol),
            "status": status,
            "detail": detail or None,
            "source_line": source_line,
        }
        self.rows.append(row)
        return row

    def not_applicable(self, template: str, args: dict, reason: str) -> dict:
        return self.add(template, args, status="not_applicable", detail=reason)


def missing_reason(ex, resource: str, rep: Report) -> str:
    name = rep.title(resource)
    res = ex.resources.get(resource)
    if res is None:
        return f"本文件没有可读取的“{name}”，无法核对"
    return f"“{name}”公开为空，无法核对"


# ---------------------------------------------------------------- helpers over rows


def column_sum(rows: list[dict], field: str) -> tuple[Decimal, list[str | None], int]:
    figures = [r.get(field) for r in rows]
    nonblank = [f for f in figures if f not in (None, "")]
    return sum((decimal(f) for f in nonblank), Decimal(0)), figures, len(nonblank)


def line_list(rows: list[dict], limit: int = 6) -> str:
    lines = [str(r["source_line"]) for r in rows if r.get("source_line") is not None]
    more = "等" if len(lines) > limit else ""
    return "、".join(lines[:limit]) + more


def one_row(rows: list[dict], **match) -> dict | None:
    for r in rows:
        if all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def find_total(rows: list[dict]) -> dict | None:
    totals = [r for r in rows if r.get("row_type") == "total"]
    return totals[-1] if totals else None


def items_of(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("row_type") == "item"]


def has_field(rows: list[dict], field: str) -> bool:
    return any(r.get(field) not in (None, "") for r in rows)
