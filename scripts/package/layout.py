"""Where things sit in a data package: resource order, and which resources are the published tables.

Plain data shared by the package writer and by the site (which reads packages, never the pipeline).
"""

from __future__ import annotations

# Order of resources in datapackage.json and on the site: the published tables first, in the order
# a reader meets them, then prose, then what we add (inventory, checks).
RESOURCE_ORDER = [
    "budget_summary",
    "income_summary",
    "income_lines",
    "expenditure_summary",
    "fiscal_summary",
    "fiscal_expenditure",
    "fiscal_basic_expenditure",
    "general_budget_expenditure",
    "basic_expenditure",
    "gov_fund_expenditure",
    "state_capital_expenditure",
    "operating_expenses",
    "three_public",
    "procurement",
    "procurement_items",
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

# The published financial tables, in reading order: the main tables a body page shows.
MAIN_TABLES = RESOURCE_ORDER[: RESOURCE_ORDER.index("performance_projects")]
