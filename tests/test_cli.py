"""What a user sees when the input is bad: file, line, what was expected, a hint — never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("name", "data", "line", "words"),
    [
        ("binary.txt", b"GIF89a\n\xff\xfe\x00\x81\x82garbage\x9f\n", 2, "UTF-8"),
        ("damaged.pdf", b"%PDF-1.7\n\xff\xfe\x00\x81\x82garbage\x9f\n", 1, "PDF"),
        ("prose.txt", "2026年部门预算\n\n一、部门概况\n本部门负责……\n".encode(), 1, "no budget table"),
        ("empty.txt", b"", 1, "no budget table"),
    ],
)
def test_unusable_input_gets_a_clear_message(tmp_path, name, data, line, words):
    path = tmp_path / name
    path.write_bytes(data)
    result = run("package", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{path}:{line}:" in result.stderr and words in result.stderr
    assert "expected" in result.stderr and "hint:" in result.stderr


def test_missing_file(tmp_path):
    result = run("package", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_unregistered_file_still_packages(tmp_path):
    """Metadata comes from the text when the registry does not know the file."""
    src = (ROOT / "disclosures/2026/110101-dongcheng.txt").read_bytes()
    path = tmp_path / "some-download.txt"
    path.write_bytes(src.replace(b"\n", b"\r\n"))
    result = run("package", str(path), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 0, result.stderr
    import json

    desc = json.loads((tmp_path / "pkg/datapackage.json").read_text(encoding="utf-8"))
    assert desc["x_organisation"] == "北京市东城区城市管理指挥中心"
    assert desc["fiscal_year"] == 2026
    assert desc["name"].startswith("x-")


def test_damaged_table_is_reported_and_kept(tmp_path):
    """A table whose cells cannot be read is listed as unreadable, its cells kept, the rest packaged."""
    text = (ROOT / "disclosures/2026/110101-dongcheng.txt").read_text(encoding="utf-8")
    broken = text.replace("采购类别\t金额\nC-服务\t1,361.04", "采购类别\t金额\nC-服务\t1,36,1.0.4")
    assert broken != text
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    result = run("package", str(path), "--out", str(tmp_path / "pkg"))
    assert result.returncode == 0, result.stderr
    assert "1,36,1.0.4" in result.stderr and f"{path}:" in result.stderr
    assert "1,36,1.0.4" in (tmp_path / "pkg/data/raw_cells.csv").read_text(encoding="utf-8")
    assert ",unreadable," in (tmp_path / "pkg/data/tables.csv").read_text(encoding="utf-8")
    strict = run("package", str(path), "--out", str(tmp_path / "pkg2"), "--strict")
    assert strict.returncode == 1
