"""The site stage: data packages → the site's generated pages under `site_src/` (see scripts/README.md).

    python -m scripts site [--packages DIR] [--out SITE_SRC] [--build-report FILE]

The `site` command lives in `command.py` and is re-exported here, loaded on first use, so `python -m
scripts` (which loads `scripts.site`) and callers of `scripts.site.generate` keep working. Per body,
`body_page.write` makes the body's page and returns its `BodySummary` (`summary.py`); the cross-body
pages render those summaries, one module per page kind: `home`, `catalog` (with the region index pages),
`compare`, `glossary`, `report`, plus `data` (the CSVs and the all-centre package behind them) and
`common` (what several pages share).
"""

__all__ = [
    "BUILD_REPORT",
    "DATAPACKAGES",
    "GENERATED_DIRS",
    "GENERATED_PAGES",
    "SITE_SRC",
    "Result",
    "SiteError",
    "add_parsers",
    "cmd_site",
    "generate",
]


def __getattr__(name: str):
    # Loaded on first use: the MkDocs hooks import scripts.site.* modules and must not pay for the page
    # generator (altair, pandas) on every build.
    if name in __all__:
        from scripts.site import command

        return getattr(command, name)
    raise AttributeError(f"module 'scripts.site' has no attribute {name!r}")
