"""Every command the README shows a maintainer is run here (cheaply): `add` on a temporary copy of
disclosures/, `package` on a corpus file, the static site served from a folder, and the nox sessions
by `nox -l` listing them. A command added to the README without a runner here fails the test."""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
QINGSHAN = ROOT / "disclosures" / "2026" / "420107-qingshan.txt"


def commands() -> list[str]:
    """Commands in ```sh blocks and in inline code spans that start with a command name."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        found += [line.strip() for line in block.splitlines() if line.strip()]
    found += re.findall(r"`((?:python|nox|pip|rsync) [^`]+)`", text)
    return found


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def nox_sessions() -> str:
    result = run([sys.executable, "-m", "nox", "-l"])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_readme_command_runs(tmp_path: Path, nox_sessions: str) -> None:
    cmds = commands()
    assert any(c.startswith("python -m scripts add") for c in cmds)
    for cmd in cmds:
        if cmd.endswith("…"):  # `python -m scripts …`: a pointer to the command family, not a command
            continue
        argv = shlex.split(cmd.replace("&&", ";").split(";")[-1].strip())
        if argv[:1] == ["nox"] or argv[:2] == ["pip", "install"]:
            # `pip install "nox[uv]" && nox -s build`, `nox -s serve`, `nox -l`: the sessions exist
            for session in re.findall(r"-s (\w+)", cmd):
                assert f"* {session}" in nox_sessions or f"- {session}" in nox_sessions, (
                    session,
                    nox_sessions,
                )
        elif argv[:4] == ["python", "-m", "scripts", "add"] and "FILE" not in argv:
            src = tmp_path / "download"
            src.mkdir()
            (src / "qingshan-cgj.txt").write_text(
                QINGSHAN.read_text("utf-8").replace("青山区城市运行管理中心", "青山区城市管理局"), "utf-8"
            )
            copy = tmp_path / "disclosures"
            shutil.copytree(ROOT / "disclosures", copy)
            result = run(
                [sys.executable, "-m", "scripts", "add", str(src), *argv[5:], "--disclosures", str(copy)]
            )
            assert result.returncode == 0, result.stderr
            assert "420107-qingshan-cgj-2026" in result.stderr
        elif argv[:4] == ["python", "-m", "scripts", "add"] or argv[:4] == [
            "python",
            "-m",
            "scripts",
            "package",
        ]:
            # the synopsis (`FILE [FILE ...]`): run it on a corpus file
            verb = argv[3]
            if verb == "package":
                result = run(
                    [
                        sys.executable,
                        "-m",
                        "scripts",
                        "package",
                        str(QINGSHAN),
                        "--out",
                        str(tmp_path / "pkg"),
                    ]
                )
                assert result.returncode == 0, result.stderr
                assert (tmp_path / "pkg" / "datapackage.json").is_file()
            else:
                result = run(
                    [
                        sys.executable,
                        "-m",
                        "scripts",
                        "add",
                        str(QINGSHAN),
                        "--disclosures",
                        str(ROOT / "disclosures"),
                    ]
                )
                assert result.returncode == 1 and "already registered" in result.stderr  # nothing changed
        elif argv[:3] == ["python", "-m", "http.server"]:
            site = tmp_path / "site"
            site.mkdir()
            (site / "index.html").write_text("<p>ok</p>", "utf-8")
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            server = subprocess.Popen(
                [sys.executable, "-m", "http.server", "-d", str(site), "-b", "127.0.0.1", str(port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                for _ in range(50):
                    try:
                        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                        break
                    except OSError:
                        time.sleep(0.1)
                assert body == b"<p>ok</p>"
            finally:
                server.terminate()
                server.wait(10)
        elif argv[:1] == ["rsync"]:
            assert "site/" in argv  # an example host copy: a plain copy of site/
        else:
            pytest.fail(f"README command without a test runner: {cmd}")
