"""The stage layout holds: dependencies point one way, the cache follows stage folders, a broken stage is
loud, and one spending-by-class figure is shown everywhere."""

from __future__ import annotations

import ast
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build import cache

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
STAGES = ("extract", "checks", "package", "build", "site", "bench")


def _imports(path: Path) -> set[str]:
    """Modules of `scripts` that a file imports at run time (imports under `if TYPE_CHECKING:` skipped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: use absolute imports (scripts.…)"
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m == "scripts" or m.startswith("scripts.")}


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    files = {_module_of(p): p for p in SCRIPTS.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        graph[name] = {m for m in _imports(path) if m in files}
        # Importing a submodule runs its package's __init__ too.
        for m in list(graph[name]):
            parts = m.split(".")
            graph[name].update(
                ".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) in files
            )
    return graph


def _closure(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph.get(m, ()))
    return seen


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_site_never_loads_extraction_checks_or_build():
    graph = _graph()
    for module in (m for m in graph if _stage(m) == "site"):
        bad = {m for m in _closure(graph, module) if _stage(m) in ("extract", "checks", "build")}
        assert not bad, f"{module} loads {sorted(bad)}: the site reads packages, not the pipeline"


def test_page_cache_key_covers_every_module_the_site_loads():
    """A body page is reused while the code in its cache key is unchanged: that code must be all of it."""
    from scripts.site.page_cache import SITE_CODE

    def covered(module: str) -> bool:
        rel = module.replace(".", "/")
        return any(
            f"{rel}.py" == c or f"{rel}/__init__.py" == c or f"{rel}/".startswith(f"{c}/") for c in SITE_CODE
        )

    graph = _graph()
    loaded = {dep for m in graph if _stage(m) == "site" for dep in _closure(graph, m)}
    assert "scripts.site.body_page" in loaded and "scripts.numfmt" in loaded
    assert sorted(m for m in loaded if not covered(m)) == []


def test_no_import_cycle_between_stages():
    graph = _graph()
    edges = {(_stage(a), _stage(b)) for a, deps in graph.items() for b in deps}
    edges = {(a, b) for a, b in edges if a and b and a != b}
    for a, b in edges:
        assert (b, a) not in edges, f"stages {a} and {b} import each other"
    assert ("build", "extract") in edges and ("build", "checks") in edges and ("build", "package") in edges


def _code_hash_of(root: Path) -> str:
    saved = cache.SCRIPTS
    cache.SCRIPTS = root
    cache.code_hash.cache_clear()
    try:
        return cache.code_hash()
    finally:
        cache.SCRIPTS = saved
        cache.code_hash.cache_clear()


@pytest.mark.parametrize(
    "rel,rebuilds",
    [
        ("extract/readers/text.py", True),
        ("extract/tables/performance.py", True),
        ("extract/vocab/table_kinds.json", True),
        ("checks/within.py", True),
        ("checks/catalogue.json", True),
        ("package/writer.py", True),
        ("package/schemas/fields.json", True),
        ("errors.py", True),
        ("numfmt.py", True),
        ("extract/tables/new_kind.py", True),  # a new module in a stage counts without any list
        ("site/body_page.py", False),
        ("site/summary.py", False),
        ("bench/synth.py", False),
    ],
)
def test_cache_key_follows_stage_folders(tmp_path, rel, rebuilds):
    copy = tmp_path / "scripts"
    shutil.copytree(SCRIPTS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = _code_hash_of(copy)
    target = copy / rel
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(text + ("\n" if rel.endswith(".json") else "\n# changed\n"), encoding="utf-8")
    assert (_code_hash_of(copy) != before) == rebuilds


def test_next_build_rebuilds_all_after_a_stage_change_and_none_after_a_site_change(tmp_path):
    """End to end: build a copy of the project, edit one file, build again and count rebuilt packages."""
    proj = tmp_path / "proj"
    shutil.copytree(SCRIPTS, proj / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "disclosures", proj / "disclosures")
    out, state = tmp_path / "out", tmp_path / "state"

    def rebuilt() -> int:
        cmd = ["build", "--out", str(out), "--state", str(state), "--no-validate", "--quiet"]
        result = subprocess.run(
            [sys.executable, "-m", "scripts", *cmd], cwd=proj, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return json.loads((state / "timings.json").read_text(encoding="utf-8"))["rebuilt"]

    total = rebuilt()
    assert total == len(json.loads((proj / "disclosures/registry.json").read_text(encoding="utf-8")))
    assert rebuilt() == 0
    for rel, expected in (("site/body_page.py", 0), ("extract/vocab/prose.json", total), ("site/home.py", 0)):
        target = proj / "scripts" / rel
        target.write_text(target.read_text(encoding="utf-8") + ("\n" if rel.endswith(".json") else "\n# x\n"))
        assert rebuilt() == expected, rel


def test_a_broken_checks_stage_fails_the_build_loudly(tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(SCRIPTS, proj / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "disclosures", proj / "disclosures")
    broken = proj / "scripts" / "checks" / "within.py"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nimport no_such_module_here\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "scripts", "build", "--out", str(tmp_path / "out")],
        cwd=proj,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "scripts.build" in result.stderr and "checks/within.py" in result.stderr
    assert "no_such_module_here" in result.stderr
    assert not (tmp_path / "out").exists(), "no package is written without its quality report"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    from scripts import site

    out = tmp_path_factory.mktemp("site_src")
    site.generate(ROOT / "datapackages", out, ROOT / ".build" / "none.json")
    return out


def _functions_csv(out: Path) -> dict[tuple[str, str], str]:
    with (out / "generated" / "functions.csv").open(encoding="utf-8") as fh:
        return {(r["slug"], r["function_class_code"]): r["amount"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize(
    "slug,code,figure,shown",
    [("110101-dongcheng-2026", "212", "4015.72", "4,015.72"), ("110105-chaoyang-2026", "210", None, None)],
)
def test_one_class_figure_everywhere(generated, slug, code, figure, shown):
    """The 收支总表's class figure on the body page chart, the compare page and functions.csv."""
    assert _functions_csv(generated).get((slug, code)) == figure
    page = (generated / "centres" / slug / "index.md").read_text(encoding="utf-8")
    chart = page[page.index("### 支出功能分类（类）") : page.index("### 基本支出与项目支出")]
    compare = (generated / "compare.md").read_text(encoding="utf-8")
    if figure is None:
        # 朝阳 leaves 卫生健康支出 blank in its 收支总表: no page shows a figure for it …
        assert "卫生健康支出" not in chart
        assert all(k[1] != code for k in _functions_csv(generated) if k[0] == slug)
        # … and the quality report says the 支出总表 lists items under that class.
        with (ROOT / "datapackages" / slug / "data" / "quality_report.csv").open(encoding="utf-8") as fh:
            row = next(r for r in csv.DictReader(fh) if r["check_id"] == f"cross.budget_summary_class.{code}")
        assert row["status"] == "fail" and row["expected"] == "263.108814" and "为空" in row["detail"]
    else:
        assert f"| {shown} |" in chart
        assert "4015.74" not in compare and "4,015.74" not in chart
