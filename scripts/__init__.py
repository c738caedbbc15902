"""Budget disclosures (部门预算) → Frictionless data packages → static site."""
