"""Nothing lost, nothing escapes, no page vanishes (issue 15).

Every case: the message (file, field or line, what was expected, a hint), the exit code, and that every
file outside the tool's own output is byte for byte as before. Only temporary stand-in folders are used
(never /, a home folder or this repository's own folders).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
DONGCHENG = ROOT / "disclosures" / "2026" / "110101-dongcheng.txt"
PACKAGE = ROOT / "datapackages" / "110101-dongcheng-2026"


def run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file and link under the folders: sha256 of a file, the target of a link."""
    out = {}
    for folder in folders:
        for p in sorted([folder, *folder.rglob("*")]):
            if p.is_symlink():
                out[str(p)] = "link:" + os.readlink(p)
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif p.is_dir():
                out[str(p)] = "dir"
    return out


def user_folder(path: Path) -> Path:
    """A stand-in for someone's folder: a few files of theirs."""
    (path / "notes").mkdir(parents=True)
    (path / "thesis.docx").write_bytes(b"my thesis")
    (path / "notes" / "todo.txt").write_text("buy milk\n", encoding="utf-8")
    return path


def mini_registry(base: Path, slugs: list[str]) -> Path:
    """A copy of the registry holding `slugs`, their files copied under `base/disclosures/`."""
    entries = json.loads((ROOT / "disclosures" / "registry.json").read_text(encoding="utf-8"))
    chosen = [e for e in entries if e["slug"] in slugs]
    for e in chosen:
        for name in [e["file"]] + [p["file"] for p in e.get("parts", [])]:
            target = base / "disclosures" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / "disclosures" / name, target)
    registry = base / "disclosures" / "registry.json"
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps(chosen, ensure_ascii=False, indent=1), encoding="utf-8")
    return registry


def build(registry: Path, out: Path, state: Path, *extra: str) -> subprocess.CompletedProcess:
    return run("build", "--registry", str(registry), "--out", str(out), "--state", str(state), *extra)


def clear_message(stderr: str, *words: str) -> None:
    assert "Traceback" not in stderr and "bug in the pipeline" not in stderr, stderr
    assert "expected" in stderr and "hint:" in stderr, stderr
    for word in words:
        assert word in stderr, (word, stderr)


# --- the user's files --------------------------------------------------------------------------------


def test_package_refuses_a_folder_of_someone_else(tmp_path):
    home = user_folder(tmp_path / "home")
    before = snapshot(home)
    result = run("package", str(DONGCHENG), "--out", str(home))
    assert result.returncode == 2
    clear_message(result.stderr, str(home), "not empty and is not this tool's output", "thesis.docx")
    assert snapshot(home) == before


def test_package_out_a_file(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.7 mine")
    result = run("package", str(DONGCHENG), "--out", str(target))
    assert result.returncode == 2
    clear_message(result.stderr, str(target), "is a file, not a folder")
    assert target.read_bytes() == b"%PDF-1.7 mine"


def test_package_rewrite_keeps_a_strangers_file_and_never_writes_through_a_link(tmp_path):
    out = tmp_path / "pkg"
    assert run("package", str(DONGCHENG), "--out", str(out)).returncode == 0
    (out / "mine.txt").write_text("mine\n", encoding="utf-8")
    assert run("package", str(DONGCHENG), "--out", str(out)).returncode == 0
    assert (out / "mine.txt").read_text(encoding="utf-8") == "mine\n"  # its own files only
    elsewhere = user_folder(tmp_path / "elsewhere")
    (out / "data" / "budget_summary.csv").unlink()
    (out / "data" / "budget_summary.csv").symlink_to(elsewhere / "thesis.docx")
    before = snapshot(elsewhere)
    result = run("package", str(DONGCHENG), "--out", str(out))
    assert result.returncode == 2
    clear_message(result.stderr, "budget_summary.csv", "symbolic link")
    assert snapshot(elsewhere) == before


def test_build_never_deletes_or_writes_through_a_committed_symlink(tmp_path):
    registry = mini_registry(tmp_path, ["110101-dongcheng-2026", "110102-xicheng-2026"])
    out, state = tmp_path / "packages", tmp_path / "state"
    assert build(registry, out, state).returncode == 0
    victim = user_folder(tmp_path / "victim")
    shutil.rmtree(out / "110102-xicheng-2026")
    (out / "110102-xicheng-2026").symlink_to(victim, target_is_directory=True)
    # and a symlinked file inside the other package
    (out / "110101-dongcheng-2026" / "data" / "budget_summary.csv").unlink()
    (out / "110101-dongcheng-2026" / "data" / "budget_summary.csv").symlink_to(victim / "thesis.docx")
    before = snapshot(victim)
    result = build(registry, out, state, "--no-cache")
    assert result.returncode == 1
    assert result.stderr.count("symbolic link") >= 2 and "bug in the pipeline" not in result.stderr
    assert (
        "failed   110102-xicheng-2026" in result.stderr and "failed   110101-dongcheng-2026" in result.stderr
    )
    assert snapshot(victim) == before


def test_build_refuses_a_strangers_out_folder_and_files_for_out_and_state(tmp_path):
    registry = mini_registry(tmp_path, ["110101-dongcheng-2026"])
    home = user_folder(tmp_path / "home")
    a_file = tmp_path / "file.txt"
    a_file.write_text("mine\n", encoding="utf-8")
    before = snapshot(home, a_file)
    for args, words in [
        (("--out", str(home), "--state", str(tmp_path / "s1")), ["not this tool's output", "thesis.docx"]),
        (("--out", str(a_file), "--state", str(tmp_path / "s2")), ["is a file, not a folder"]),
        (("--out", str(tmp_path / "p3"), "--state", str(a_file)), ["--state", "is a file"]),
        (("--out", str(tmp_path / "p4"), "--state", str(home)), ["--state", "not this tool's output"]),
    ]:
        result = run("build", "--registry", str(registry), *args)
        assert result.returncode == 2, (args, result.stderr)
        clear_message(result.stderr, *words)
    assert snapshot(home, a_file) == before


def test_bench_refuses_a_strangers_out_folder(tmp_path):
    home = user_folder(tmp_path / "home")
    before = snapshot(home)
    result = run("bench", "--pdf-only", "--out", str(home))
    assert result.returncode == 2
    clear_message(result.stderr, "bench output folder", "thesis.docx")
    assert snapshot(home) == before


def test_site_keeps_hand_written_and_strangers_files(tmp_path, capsys):
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGE, packages / PACKAGE.name)
    home = user_folder(tmp_path / "home")
    before = snapshot(home)
    assert main(["site", "--packages", str(packages), "--out", str(home)]) == 2
    err = capsys.readouterr().err
    assert "not this tool's output" in err and "hint:" in err
    assert snapshot(home) == before
    # its own docs folder: a file of someone's among the generated pages stays; so does a linked target
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# hi\n", encoding="utf-8")
    assert main(["site", "--packages", str(packages), "--out", str(docs)]) == 0
    (docs / "centres" / "mine.md").write_text("mine\n", encoding="utf-8")
    assert main(["site", "--packages", str(packages), "--out", str(docs)]) == 0
    assert (docs / "centres" / "mine.md").read_text(encoding="utf-8") == "mine\n"
    assert (docs / "centres" / PACKAGE.name / f"{PACKAGE.name}.zip").is_file()  # kept, though not rewritten
    page = docs / "centres" / PACKAGE.name / "index.md"
    page.unlink()
    page.symlink_to(home / "thesis.docx")
    assert main(["site", "--packages", str(packages), "--out", str(docs)]) == 1
    err = capsys.readouterr().err
    assert "symbolic link" in err and PACKAGE.name in err
    assert snapshot(home) == before


# --- paths that come from data ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_registry_inputs_stay_inside_disclosures(tmp_path, kind):
    registry = mini_registry(tmp_path, ["110101-dongcheng-2026"])
    outside = tmp_path / "outside"
    outside.mkdir()
    private = outside / "private.txt"
    shutil.copyfile(DONGCHENG, private)
    entries = json.loads(registry.read_text(encoding="utf-8"))
    if kind == "dotdot":
        entries[0]["file"] = "../outside/private.txt"
    elif kind == "absolute":
        entries[0]["file"] = str(private)
    else:
        (registry.parent / "2026" / "link.txt").symlink_to(private)
        entries[0]["file"] = "2026/link.txt"
    registry.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    before = snapshot(outside)
    result = build(registry, tmp_path / "packages", tmp_path / "state")
    assert result.returncode == 2
    clear_message(result.stderr, "registry.json", "disclosures/")
    assert not (tmp_path / "packages").exists()
    assert snapshot(outside) == before


def test_slugs_are_validated_at_every_entry(tmp_path, capsys):
    escaped = tmp_path / "x"
    result = run("package", str(DONGCHENG), "--out", str(tmp_path / "pkg"), "--slug", "../../../../x/ESCAPED")
    assert result.returncode == 2
    clear_message(result.stderr, "--slug", "not a valid package name", "at most 100 characters")
    assert not (tmp_path / "pkg").exists() and not escaped.exists()
    registry = mini_registry(tmp_path, ["110101-dongcheng-2026"])
    entries = json.loads(registry.read_text(encoding="utf-8"))
    entries[0]["slug"] = "a" * 5000
    registry.write_text(json.dumps(entries), encoding="utf-8")
    result = build(registry, tmp_path / "packages", tmp_path / "state")
    assert result.returncode == 2
    clear_message(result.stderr, "slug", "5000 characters", "at most 100 characters")
    # a package's own name, when the site reads it
    packages = tmp_path / "packages2"
    shutil.copytree(PACKAGE, packages / PACKAGE.name)
    shutil.copytree(ROOT / "datapackages" / "110102-xicheng-2026", packages / "110102-xicheng-2026")
    desc = json.loads((packages / PACKAGE.name / "datapackage.json").read_text(encoding="utf-8"))
    desc["name"] = "../../../../x/ESCAPED"
    (packages / PACKAGE.name / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), "utf-8")
    site = tmp_path / "site" / "docs"
    assert main(["site", "--packages", str(packages), "--out", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"FAILED {PACKAGE.name}" in err and "not a valid package name" in err
    assert (site / "centres" / "110102-xicheng-2026" / "index.md").is_file()  # the others are built
    assert not list(tmp_path.rglob("ESCAPED*"))


def test_package_matches_the_registry_by_sha256_not_by_name(tmp_path):
    other = ROOT / "disclosures" / "2026" / "110102-xicheng.txt"
    named = tmp_path / "000_085e6a51e8847b0f.txt"  # 东城's name as received, another (unregistered) text
    named.write_bytes(other.read_bytes() + b"\n")
    result = run("package", str(named), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 0, result.stderr
    assert "matches registry entry '110101-dongcheng-2026' but its bytes do not" in result.stderr
    desc = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"].startswith("x-")
    renamed = tmp_path / "download (1).txt"  # 东城's bytes under any name: its entry
    shutil.copyfile(DONGCHENG, renamed)
    result = run("package", str(renamed), "--out", str(tmp_path / "pkg2"))
    assert result.returncode == 0, result.stderr
    desc = json.loads((tmp_path / "pkg2" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"] == "110101-dongcheng-2026"


# --- no page vanishes ---------------------------------------------------------------------------------


def _edit_csv(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    edit(rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _site_of(tmp_path: Path, edit, capsys) -> tuple[int, str, Path]:
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGE, packages / PACKAGE.name)
    edit(packages / PACKAGE.name)
    docs = tmp_path / "docs"
    code = main(["site", "--packages", str(packages), "--out", str(docs)])
    return code, capsys.readouterr().err, docs / "centres" / PACKAGE.name


def _set_source_url(pkg: Path) -> None:
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["sources"][0]["path"] = "https://www.bjdch.gov.cn/2026-budget.pdf"
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), "utf-8")


def _project_name(value: str):
    def edit(pkg: Path) -> None:
        def rows(rs: list[dict]) -> None:
            rs[0]["project_name"] = value

        _edit_csv(pkg / "data" / "performance_projects.csv", rows)

    return edit


def _wide_amount(pkg: Path) -> None:
    def rows(rs: list[dict]) -> None:
        rs[0]["total"] = "1" * 30 + ".12"

    _edit_csv(pkg / "data" / "expenditure_summary.csv", rows)


def _many_rows(pkg: Path) -> None:
    def rows(rs: list[dict]) -> None:
        rs.extend(dict(rs[0], function_name=f"项目{i}") for i in range(100_000))

    _edit_csv(pkg / "data" / "general_budget_expenditure.csv", rows)


@pytest.mark.parametrize(
    ("case", "edit", "shown"),
    [
        ("source_url", _set_source_url, "https://www.bjdch.gov.cn/2026-budget.pdf"),
        ("control", _project_name("坐席\x1b[31m辅助\x07项目\x0b\x0c"), "坐席␛&#91;31m辅助␇项目"),
        ("long cell", _project_name("长" * 140_000), "长" * 1000),
        ("wide amount", _wide_amount, "111,111,111,111,111,111,111,111,111,111.12"),
        ("many rows", _many_rows, "此处显示前 300 行，全表共 100,"),
    ],
)
def test_every_valid_package_gets_its_page(tmp_path, capsys, case, edit, shown):
    code, err, centre = _site_of(tmp_path, edit, capsys)
    assert code == 0, err
    page = (centre / "index.md").read_text(encoding="utf-8")
    assert shown in page
    assert "\x1b" not in page and "\x07" not in page
    assert "Exception ignored" not in err and "\x1b" not in err
    assert (centre / f"{PACKAGE.name}.xlsx").stat().st_size > 0
    assert len(page.encode()) < 1_000_000  # within the page-weight budget, whatever the table size


def test_a_page_that_cannot_be_made_fails_site_after_the_others(tmp_path, capsys):
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGE, packages / PACKAGE.name)
    shutil.copytree(ROOT / "datapackages" / "110102-xicheng-2026", packages / "110102-xicheng-2026")
    (packages / PACKAGE.name / "data" / "budget_summary.csv").write_text('side,seq\n"unclosed\n', "utf-8")
    docs = tmp_path / "docs"
    assert main(["site", "--packages", str(packages), "--out", str(docs)]) == 1
    err = capsys.readouterr().err
    assert f"FAILED {PACKAGE.name} (北京市东城区城市管理指挥中心 2026年部门预算)" in err
    assert (docs / "centres" / "110102-xicheng-2026" / "index.md").is_file()
    assert not (docs / "centres" / PACKAGE.name).exists()


def test_registry_note_and_spreadsheet_advice_on_the_page(tmp_path, capsys):
    code, err, centre = _site_of(tmp_path, lambda pkg: None, capsys)
    assert code == 0, err
    page = (centre / "index.md").read_text(encoding="utf-8")
    assert "发布日期取自原文末尾落款（第573行：2026年2月12日）。" in page
    assert "收到时的文件名：000&#95;085e6a51e8847b0f.txt" in page
    assert "以 = + - @ 开头的文字当作公式执行" in page


# --- the pipeline: control characters, formulas, extra cells ------------------------------------------


def _package_text(tmp_path: Path, text: str, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
    src = tmp_path / "input.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "pkg"
    return run("package", str(src), "--out", str(out), *extra), out


def _report(out: Path) -> dict[str, dict]:
    with (out / "data" / "quality_report.csv").open(encoding="utf-8", newline="") as fh:
        return {r["check_id"]: r for r in csv.DictReader(fh)}


def test_control_characters_become_visible_marks_and_are_reported(tmp_path):
    text = DONGCHENG.read_text(encoding="utf-8").replace("坐席辅助项目", "坐席\x1b辅助\x07项目")
    result, out = _package_text(tmp_path, text)
    assert result.returncode == 0, result.stderr
    csvs = "".join(p.read_text(encoding="utf-8") for p in (out / "data").glob("*.csv"))
    assert "坐席␛辅助␇项目" in csvs and "\x1b" not in csvs
    row = _report(out)["text.control_characters"]
    assert row["status"] == "advisory" and "可见符号" in row["detail"]


def test_formula_like_text_stays_exact_in_the_csv_and_is_flagged(tmp_path):
    formula = '=HYPERLINK("http://example.com","点此")'
    text = DONGCHENG.read_text(encoding="utf-8").replace("东城区“接诉即办”坐席辅助项目", formula)
    result, out = _package_text(tmp_path, text)
    assert result.returncode == 0, result.stderr
    published = (out / "data" / "performance_projects.csv").read_text(encoding="utf-8")
    assert '"=HYPERLINK(""http://example.com"",""点此"")"' in published
    row = _report(out)["text.formula_prefix"]
    assert row["status"] == "advisory" and "XLSX" in row["detail"]


def test_extra_cells_of_the_summary_are_kept_in_raw_cells_with_a_warning(tmp_path):
    text = DONGCHENG.read_text(encoding="utf-8")
    line = "八、事业单位经营收入\t\t八、社会保障和就业支出\t443.80\n"
    assert line in text
    changed = text.replace(line, line[:-1] + "\tEXTRA1\t99.9\n")
    result, out = _package_text(tmp_path, changed)
    assert result.returncode == 0, result.stderr
    assert (
        "2 cells of table" in result.stderr
        and "'EXTRA1'" in result.stderr
        and "kept in raw_cells" in result.stderr
    )
    raw = (out / "data" / "raw_cells.csv").read_text(encoding="utf-8")
    assert "80,5,EXTRA1" in raw and "80,6,99.9" in raw
    (tmp_path / "strict").mkdir()
    strict, _ = _package_text(tmp_path / "strict", changed, "--strict")
    assert strict.returncode == 1


# --- odd environments ---------------------------------------------------------------------------------


def test_registry_in_gb18030(tmp_path):
    registry = mini_registry(tmp_path, ["110101-dongcheng-2026"])
    registry.write_bytes(registry.read_text(encoding="utf-8").encode("gb18030"))
    result = build(registry, tmp_path / "packages", tmp_path / "state")
    assert result.returncode == 2
    clear_message(result.stderr, "registry.json:", "not UTF-8", "GB18030")


def test_input_above_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(DONGCHENG.read_bytes() + b"\n" * 17_000_000)
    result = run("package", str(big), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 1
    clear_message(result.stderr, "above the limit of 16 MB for text input", "--max-input-mb 18")
    assert not (tmp_path / "pkg").exists()
    small = run("package", str(DONGCHENG), "--out", str(tmp_path / "pkg"), "--max-input-mb", "0.01")
    assert small.returncode == 1 and "above the limit of 0.01 MB" in small.stderr


def test_site_in_a_posix_locale(tmp_path):
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGE, packages / PACKAGE.name)
    env = {"PYTHONUTF8": "0", "LC_ALL": "POSIX", "LANG": "", "PYTHONIOENCODING": ""}
    result = run("site", "--packages", str(packages), "--out", str(tmp_path / "docs"), env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "docs" / "regions" / "北京市").is_dir()


def test_two_builds_at_once(tmp_path):
    registry = mini_registry(tmp_path, ["110101-dongcheng-2026", "110102-xicheng-2026"])
    out, state = tmp_path / "packages", tmp_path / "state"
    cmd = [sys.executable, "-m", "scripts", "build", "--registry", str(registry), "--out", str(out)]
    cmd += ["--state", str(state), "--no-cache", "--no-validate"]
    for _ in range(3):
        procs = [subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        errors = [p.communicate()[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
        assert not any("Error" in e for e in errors), errors
    assert not list(state.glob("*.tmp")) and not list(out.rglob("*.tmp"))


def test_interrupted_build_leaves_nothing_the_cache_takes_as_current(tmp_path):
    slugs = ["110101-dongcheng-2026", "110102-xicheng-2026", "110105-chaoyang-2026", "420107-qingshan-2026"]
    registry = mini_registry(tmp_path, slugs)
    out, state = tmp_path / "packages", tmp_path / "state"
    assert build(registry, out, state, "--no-validate").returncode == 0
    # the inputs change (a code change would too): every package must be rebuilt
    entries = json.loads(registry.read_text(encoding="utf-8"))
    for e in entries:
        e["short_name"] += "（更新）"
    registry.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-m", "scripts", "build", "--registry", str(registry), "--out", str(out)]
    proc = subprocess.Popen([*cmd, "--state", str(state), "--jobs", "1"], cwd=ROOT, stderr=subprocess.PIPE)
    time.sleep(2.5)  # midway: some packages rewritten, others not
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    again = build(registry, out, state, "--no-validate")
    assert again.returncode == 0, again.stderr
    fresh = tmp_path / "fresh"
    assert build(registry, fresh, tmp_path / "fresh-state", "--no-cache", "--no-validate").returncode == 0
    for slug in slugs:
        assert snapshot(out / slug) == {
            k.replace(str(fresh), str(out)): v for k, v in snapshot(fresh / slug).items()
        }, slug


# --- standards ----------------------------------------------------------------------------------------

FDP_PACKAGE = "datapackage@1.1.10"  # ships the Fiscal Data Package v0.3 profile
FDP_CACHE = ROOT / "build" / "fdp-profile"


@pytest.fixture(scope="module")
def fdp_profile() -> dict:
    """`lib/profiles/fiscal-data-package.json` of the npm package, fetched like the build fetches vega."""
    import tarfile

    target = FDP_CACHE / "fiscal-data-package.json"
    if not target.is_file():
        npm = shutil.which("npm")
        assert npm, "npm not found: install Node.js and npm (the site build needs them too)"
        FDP_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "pack", FDP_PACKAGE, "--pack-destination", str(FDP_CACHE)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        tgz = FDP_CACHE / done.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            member = tar.extractfile("package/lib/profiles/fiscal-data-package.json")
            assert member is not None
            target.write_bytes(member.read())
    return json.loads(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "pkg", sorted(p.name for p in (ROOT / "datapackages").iterdir() if (p / "datapackage.json").is_file())
)
def test_model_validates_against_the_fiscal_data_package_profile(fdp_profile, pkg):
    import jsonschema

    fiscal = next(part for part in fdp_profile["allOf"] if "model" in part.get("required", []))
    keys = ["model", "countryCode", "fiscalPeriod", "granularity"]
    schema = {
        "type": "object",
        "required": keys,
        "properties": {k: fiscal["properties"][k] for k in keys},
    }
    desc = json.loads((ROOT / "datapackages" / pkg / "datapackage.json").read_text(encoding="utf-8"))
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft4Validator(schema).iter_errors(desc)
    ]
    assert errors == []
