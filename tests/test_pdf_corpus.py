"""Real disclosures as published (the registered PDFs): exact packages, checked without our readers.

Every registered disclosure with a PDF gets these tests (add a PDF to the registry, get the tests):
- fidelity: on each page, the amounts printed in the visible page (pdfplumber's plain word extraction,
  not our reader) are exactly the amounts of the package rows that say they come from that page;
- the 目录: every table it lists is read (present or published empty);
- the shared independent tools (../shared/tools): every coded row's amounts under their own column
  headers, and another tool's reading of the 收支预算总表 labels, agree with the package.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from scripts.build import registry

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT.parent / "shared" / "tools"
PEERS = ROOT.parent / "shared" / "corpus" / "jiangsu" / "peer-figures"
AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{1,6}$")
UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|元)")
# Resources holding published table figures (prose figures, our checks and the inventory are not tables).
NOT_TABLES = {"quality_report", "raw_cells", "tables", "toc", "explanation", "facts", "profile", "glossary"}

PDF_ENTRIES = [e for e in registry.entries() if any(p.suffix.lower() == ".pdf" for p in e["paths"])]


def package_dir(entry: dict) -> Path:
    return ROOT / "datapackages" / entry["slug"]


def table_rows(pkg: Path) -> list[dict]:
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    rows = []
    for res in desc["resources"]:
        if res["name"] in NOT_TABLES or not res["path"].startswith("data/"):
            continue
        schema = json.loads((pkg / res["schema"]).read_text(encoding="utf-8"))
        numbers = [f["name"] for f in schema["fields"] if f["type"] == "number"]
        with (pkg / res["path"]).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                row["_numbers"] = [row[n] for n in numbers if row[n] not in ("", None)]
                rows.append(row)
    return rows


def printed_amounts(pdf: Path, pages: set[int]) -> dict[int, tuple[Counter, set[str]]]:
    """Per page with a table (a 单位 line, or rows of the package: a table running on from the page
    before), the amounts with decimals a reader sees on it, and all its words."""
    import pdfplumber

    out: dict[int, Counter] = {}
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            visible = page.within_bbox(page.bbox)
            if UNIT_LINE.search(visible.extract_text() or ""):
                found = visible.extract_words()  # a table page: every word on it
            elif number in pages:  # a table run on from the page before, maybe prose after it
                boxes = [t.bbox for t in visible.find_tables()]
                found = [w for w in visible.extract_words() if any(_inside(w, b) for b in boxes)]
            else:
                continue
            words = [w["text"].replace("，", ",") for w in found]
            out[number] = (Counter(Decimal(w.replace(",", "")) for w in words if AMOUNT.match(w)), set(words))
    return out


def _inside(word: dict, box: tuple) -> bool:
    return (
        box[0] <= word["x0"] and word["x1"] <= box[2] and box[1] <= word["top"] and word["bottom"] <= box[3]
    )


@pytest.mark.parametrize("entry", PDF_ENTRIES, ids=lambda e: e["slug"])
def test_every_printed_amount_is_on_a_row_of_its_own_page(entry):
    rows = table_rows(package_dir(entry))
    checked = 0
    for path in entry["paths"]:
        pages = {int(r["source_page"]) for r in rows if r["source_file"] == path.name}
        for page, (printed, words) in printed_amounts(path, pages).items():
            here = [
                n
                for r in rows
                if r["source_file"] == path.name and r["source_page"] == str(page)
                for n in r["_numbers"]
            ]
            held = Counter(Decimal(n) for n in here if "." in n)
            missing, extra = printed - held, held - printed
            # amounts printed without decimals (0) are not told from page numbers above; each must be a word
            assert {n for n in here if "." not in n} <= {w.replace(",", "") for w in words}
            assert not missing and not extra, (
                f"{path.name} page {page}: amounts printed but not in the package {sorted(missing.elements())}, "
                f"in the package but not printed there {sorted(extra.elements())}"
            )
            checked += sum(printed.values())
    assert checked > 100  # a disclosure's tables print well over a hundred amounts


@pytest.mark.parametrize("entry", PDF_ENTRIES, ids=lambda e: e["slug"])
def test_every_table_the_toc_lists_is_read(entry):
    pkg = package_dir(entry)
    with (pkg / "data/toc.csv").open(encoding="utf-8") as fh:
        listed = {r["kind"]: r["title"] for r in csv.DictReader(fh) if r["kind"] not in ("", "unknown")}
    with (pkg / "data/tables.csv").open(encoding="utf-8") as fh:
        read = {r["kind"] for r in csv.DictReader(fh) if r["status"] in ("present", "empty")}
    assert len(listed) >= 10
    assert set(listed) <= read, {k: listed[k] for k in set(listed) - read}


def _tool(name: str, *args: str) -> subprocess.CompletedProcess:
    script = TOOLS / name
    assert script.is_file(), f"{script} missing: the shared tools sit beside the project (../shared/tools)"
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("entry", PDF_ENTRIES, ids=lambda e: e["slug"])
def test_independent_column_check_agrees(entry):
    result = _tool("column_check.py", str(package_dir(entry)), *map(str, entry["paths"]))
    last = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-2000:]
    assert re.match(r"columns (\d+)/\1 coded rows \(0 unread", last), last


@pytest.mark.parametrize(
    "entry",
    [e for e in PDF_ENTRIES if (PEERS / f"{e['name'].replace('常委会', '')}.csv").is_file()],
    ids=lambda e: e["slug"],
)
def test_another_tools_reading_of_the_summary_labels_agrees(entry):
    peers = PEERS / f"{entry['name'].replace('常委会', '')}.csv"
    result = _tool("label_check.py", str(package_dir(entry)), str(peers), str(entry["fiscal_year"]))
    assert result.returncode == 0, result.stdout[-2000:]


def test_two_files_make_one_disclosure_with_both_sources():
    entry = next(e for e in PDF_ENTRIES if len(e["paths"]) == 2)
    pkg = package_dir(entry)
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {p.name: registry.sha256_of(p) for p in entry["paths"]}
    assert {s["path"].removeprefix("source/"): s["sha256"] for s in desc["sources"]} == by_name
    for name in by_name:
        assert (pkg / "source" / name).read_bytes() == (entry["path"].parent / name).read_bytes()
    prose_file, tables_file = (p.name for p in entry["paths"])
    with (pkg / "data/profile.csv").open(encoding="utf-8") as fh:
        assert {r["source_file"] for r in csv.DictReader(fh)} == {prose_file}
    with (pkg / "data/budget_summary.csv").open(encoding="utf-8") as fh:
        assert {r["source_file"] for r in csv.DictReader(fh)} == {tables_file}
