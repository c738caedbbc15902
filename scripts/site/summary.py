"""One body (centre) as the pages need it, computed once from its data package: a `BodySummary`.

Pages render summaries; they never re-read what a summary already holds. Spending by functional class
(类) has one definition here, `function_classes`, used by the body page's chart, the compare page and
`generated/functions.csv`: the 收支总表's per-class figures (see the methodology page).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from scripts.numfmt import number
from scripts.owned import safe_rel
from scripts.site.charts import KINDS


class CentrePageError(Exception):
    """A package cannot be turned into a page (missing descriptor or resource file)."""


# A published cell may be longer than the csv module's default field limit (131,072 characters).
csv.field_size_limit(2**31 - 1)


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Package:
    """A data package as the page needs it: descriptor, schemas and rows (read once)."""

    def __init__(self, pkg_dir: Path) -> None:
        self.dir = pkg_dir
        try:
            self.desc = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise CentrePageError(f"{pkg_dir}: no datapackage.json") from err
        self.resources = {r["name"]: r for r in self.desc["resources"]}
        for res in self.resources.values():
            for key in ("path", "schema"):
                if isinstance(res.get(key), str) and not safe_rel(res[key]):
                    raise CentrePageError(
                        f"{pkg_dir}/datapackage.json: resource {res['name']!r} has {key} {res[key]!r} "
                        "(expected a relative path inside the package, without '..')"
                    )
        self._rows: dict[str, list[dict]] = {}
        self._schemas: dict[str, dict] = {}

    def has(self, name: str) -> bool:
        return name in self.resources and self.resources[name].get("format") == "csv"

    def rows(self, name: str) -> list[dict]:
        if name not in self._rows:
            self._rows[name] = _rows(self.dir / self.resources[name]["path"]) if self.has(name) else []
        return self._rows[name]

    def schema(self, name: str) -> dict:
        if name not in self._schemas:
            path = self.dir / self.resources[name]["schema"]
            self._schemas[name] = json.loads(path.read_text(encoding="utf-8"))
        return self._schemas[name]


def _first(rows: list[dict], **match: str) -> dict | None:
    return next((r for r in rows if all(r.get(k) == v for k, v in match.items())), None)


def headline(pkg: Package) -> dict:
    """The figures of the headline, as published digits (万元)."""
    summary = pkg.rows("budget_summary")
    total_row = _first(summary, side="expenditure", item_key="current_total")
    exp_total = _first(pkg.rows("expenditure_summary"), row_type="total")
    total = (total_row or {}).get("amount") or (exp_total or {}).get("total") or ""
    basic_total = _first(pkg.rows("basic_expenditure"), row_type="total") or _first(
        pkg.rows("general_budget_expenditure"), row_type="total"
    )
    income = {}
    names = {}
    for row in summary:
        if row.get("side") == "income" and row.get("row_type") == "item" and number(row.get("amount")):
            income[row.get("item_key") or row["item"]] = row["amount"]
            names[row.get("item_key") or row["item"]] = row["item"]
    carry = _first(summary, side="income", item_key="carryover")
    fiscal = _first(summary, side="income", item_key="fiscal") or _first(
        pkg.rows("fiscal_summary"), side="income", row_type="total"
    )
    three = _first(pkg.rows("three_public"), row_type="total")
    return {
        "total": total,
        "basic": (exp_total or {}).get("basic") or "",
        "project": (exp_total or {}).get("project") or "",
        "personnel": (basic_total or {}).get("personnel") or "",
        "public_admin": (basic_total or {}).get("public_admin") or "",
        "income_sources": income,
        "income_source_names": names,
        "carryover": (carry or {}).get("amount") or "",
        "fiscal": (fiscal or {}).get("amount") or "",
        "three_public_total": (three or {}).get("amount") or "",
    }


@dataclass(frozen=True)
class FunctionClass:
    code: str  # 类 code, e.g. "212"
    name: str  # as the publisher names it
    amount: Decimal  # 万元, as published


def function_classes(pkg: Package) -> list[FunctionClass]:
    """Spending by 类: the 收支总表's expenditure rows per class (the `functional` chart's rows), blank
    and zero figures left out. Where the 支出总表's items add up to another figure, the quality report
    says so (check `cross.budget_summary_class.<code>`)."""
    kind = KINDS["functional"]
    resource = kind.resources[0]
    _, value_field, filters = kind.spec_for(resource)
    sums: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for row in pkg.rows(resource):
        if not all(row.get(f, "") == v for f, v in filters):
            continue
        value = number(row.get(value_field))
        code = row.get("function_class_code") or row.get("item") or ""
        if value is None:
            continue
        sums[code] = sums.get(code, Decimal(0)) + value
        names.setdefault(code, row.get("item") or code)
    return [FunctionClass(code, names[code], sums[code]) for code in sorted(sums) if sums[code] != 0]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # as published ("" when the row has none)
    definition: str  # as published, the publisher's <p>/<br> kept


def glossary(pkg: Package) -> list[GlossaryEntry]:
    """The 名词解释 rows, in published order."""
    return [GlossaryEntry(r.get("term") or "", r.get("definition") or "") for r in pkg.rows("glossary")]


@dataclass
class BodySummary:
    """What pages other than the body's own need about one body (home, catalog, compare, glossary)."""

    slug: str
    name: str
    short_name: str
    title: str
    province: str
    city: str
    district: str
    division_code: str
    fiscal_year: int | None
    total: str  # published digits, 万元; "" when not published
    basic: str
    project: str
    personnel: str
    public_admin: str
    three_public_total: str
    checks: dict[str, int]
    body: str = ""  # the publishing body's id across the years (x_body; the slug for an unknown body)
    fiscal: str = ""  # 财政拨款 (收支总表 income), published digits
    classes: list[FunctionClass] = field(default_factory=list)
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (label, path under site_src)
    glossary: list[GlossaryEntry] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"centres/{self.slug}/"


CHECK_STATUSES = ("pass", "fail", "advisory", "not_applicable")


def summarise(pkg: Package) -> BodySummary:
    desc = pkg.desc
    slug = desc["name"]
    org = desc.get("x_organisation") or desc["title"]
    h = headline(pkg)
    report = pkg.rows("quality_report")
    return BodySummary(
        slug=slug,
        name=org,
        short_name=desc.get("x_short_name") or org,
        title=desc["title"],
        province=desc.get("province") or "",
        city=desc.get("city") or "",
        district=desc.get("district") or "",
        division_code=desc.get("division_code") or "",
        fiscal_year=desc.get("fiscal_year"),
        **{k: h[k] for k in ("total", "basic", "project", "personnel", "public_admin", "three_public_total")},
        checks={s: sum(1 for r in report if r.get("status") == s) for s in CHECK_STATUSES},
        body=desc.get("x_body") or slug,
        fiscal=h["fiscal"],
        classes=function_classes(pkg),
        downloads=[
            ("数据包（ZIP）", f"centres/{slug}/{slug}.zip"),
            ("表格（XLSX）", f"centres/{slug}/{slug}.xlsx"),
        ],
        glossary=glossary(pkg),
    )
