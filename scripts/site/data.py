"""The data behind the cross-body charts, also offered for download: `generated/centres.csv` (one row
per centre), `generated/functions.csv` (spending by 类 per centre) and the all-centre package
(`generated/all-centres/` + zip)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from scripts.numfmt import plain, ratio
from scripts.site import downloads
from scripts.site.common import Centre, Writer, csv_text
from scripts.site.page_cache import Reuse

CENTRES_FIELDS = [
    "slug",
    "name",
    "short_name",
    "province",
    "city",
    "district",
    "fiscal_year",
    "total",
    "basic",
    "project",
    "personnel",
    "public_admin",
    "three_public_total",
    "basic_share",
    "project_share",
    "personnel_share",
    "public_admin_share",
    "checks_pass",
    "checks_fail",
    "checks_advisory",
    "checks_not_applicable",
    "page",
]
FUNCTIONS_FIELDS = [
    "slug",
    "short_name",
    "centre_total",
    "function_class_code",
    "function_class_name",
    "amount",
    "share",
]


def write_data(w: Writer, centres: list[Centre], pkg_dirs: list[Path], reuse: Reuse | None = None) -> None:
    rows, frows = [], []
    for c in sorted(centres, key=lambda c: c.slug):
        total, basic = c.num("total"), c.num("basic")
        rows.append(
            {
                **{
                    k: c.get(k) if c.get(k) is not None else ""
                    for k in ("slug", "province", "city", "district", "fiscal_year")
                },
                "name": c.name,
                "short_name": c.short,
                **{
                    k: plain(c.num(k))
                    for k in ("total", "basic", "project", "personnel", "public_admin", "three_public_total")
                },
                "basic_share": plain(ratio(basic, total)),
                "project_share": plain(ratio(c.num("project"), total)),
                "personnel_share": plain(ratio(c.num("personnel"), basic)),
                "public_admin_share": plain(ratio(c.num("public_admin"), basic)),
                **{f"checks_{s}": c.checks(s) for s in ("pass", "fail", "advisory", "not_applicable")},
                "page": f"centres/{c.slug}/",
            }
        )
        whole = sum((k.amount for k in c.classes), Decimal(0))
        frows += [
            {
                "slug": c.slug,
                "short_name": c.short,
                "centre_total": plain(total),
                "function_class_code": k.code,
                "function_class_name": k.name,
                "amount": plain(k.amount),
                "share": plain(ratio(k.amount, whole)),
            }
            for k in c.classes
        ]
    w.text("generated/centres.csv", csv_text(CENTRES_FIELDS, rows))
    w.text("generated/functions.csv", csv_text(FUNCTIONS_FIELDS, frows))
    # One year's centres, for the compare page of that year.
    years = sorted({r["fiscal_year"] for r in rows if isinstance(r["fiscal_year"], int)})
    if len(years) > 1:
        year_of = {r["slug"]: r["fiscal_year"] for r in rows}
        for year in years:
            w.text(
                f"generated/centres-{year}.csv",
                csv_text(CENTRES_FIELDS, [r for r in rows if r["fiscal_year"] == year]),
            )
            w.text(
                f"generated/functions-{year}.csv",
                csv_text(FUNCTIONS_FIELDS, [r for r in frows if year_of[r["slug"]] == year]),
            )
    files = downloads.combined(pkg_dirs, reuse)
    try:
        for rel, spooled in sorted(files.items()):
            w.stream(f"generated/all-centres/{rel}", spooled.write_raw)
        w.stream("generated/all-centres.zip", lambda fh: downloads.write_zip(fh, files))
    finally:
        for spooled in files.values():
            spooled.close()
