"""Developer and CI entry points: `nox -s build`, `nox -s tests`, `nox -s lint`, `nox -s serve`, `nox -s bench`,
`nox -s fuzz`, `nox -s mutants`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox
from nox.command import CommandFailed

nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PYTHON = "3.11"
CHROMIUM = Path("/usr/bin/chromium")
# Chinese glyphs for screenshots and rendered charts; without it headless pages show tofu boxes.
CJK_FONT_DIR = Path("/usr/share/fonts/opentype/noto")
APT_PACKAGES = ["chromium", "fonts-noto-cjk"]
# R's recommends pull in compilers; base R reads CSVs fine without them.
APT_PACKAGES_BARE = ["r-base-core"]
# Tools the tests drive for real: the browser, and R for the centre pages' "load in R" snippet.
APT_COMMANDS = [Path("/usr/bin/chromium"), Path("/usr/bin/Rscript")]


def install_project(session: nox.Session, *extras: str) -> None:
    # Editable, so scripts/ resolves disclosures/, datapackages/ and site_src/ in this checkout.
    target = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", target)
    # jieba 0.42 has invalid escape sequences: byte-compile it once here, warnings off, so that no
    # compile (and no DeprecationWarning trace) happens later under mkdocs.
    session.run(
        "python",
        "-W",
        "ignore",
        "-c",
        "import compileall, importlib.util, os; "
        "spec = importlib.util.find_spec('jieba'); "
        "spec and compileall.compile_dir(os.path.dirname(spec.origin), quiet=2)",
        silent=True,
    )


# Material for MkDocs prints a boxed "end of life / MkDocs 2.0" notice on every run unless told not to.
MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def source_date_epoch() -> str:
    """The last commit's time: mkdocs dates sitemap.xml (and its gzip header) with it, so two builds of
    one commit are byte-identical."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "0"
    return out.stdout.strip() or "0"


def build_steps(session: nox.Session, *, site: bool = True) -> None:
    """Packages, then the generated pages and a strict MkDocs build. A disclosure that cannot be built
    does not stop the site of the others; the session fails at the end all the same."""
    try:
        session.run("python", "-m", "scripts", "build")
        failed = False
    except CommandFailed:
        failed = True
    if site:
        session.run("python", "-m", "scripts", "site")
        session.run(
            "mkdocs", "build", "--strict", env={"SOURCE_DATE_EPOCH": source_date_epoch(), **MKDOCS_ENV}
        )
    if failed:
        session.error("some disclosures could not be built: see the lines above and .build/report.json")


def ensure_system_tools(session: nox.Session) -> None:
    have_fonts = CJK_FONT_DIR.is_dir() and any(CJK_FONT_DIR.glob("NotoSansCJK*"))
    if all(p.exists() for p in APT_COMMANDS) and have_fonts:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", external=True, env=env)
        session.run("apt-get", "install", "-y", *APT_PACKAGES, external=True, env=env)
        session.run(
            "apt-get", "install", "-y", "--no-install-recommends", *APT_PACKAGES_BARE, external=True, env=env
        )
    else:
        session.warn(
            f"{CHROMIUM} or Noto CJK fonts missing and we are not root: browser tests will fail. "
            f"Install them with: sudo apt-get install -y {' '.join(APT_PACKAGES + APT_PACKAGES_BARE)}"
        )


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build the data packages into datapackages/ and the static site into site/."""
    install_project(session)
    build_steps(session)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (real frictionless, real mkdocs, real headless Chromium)."""
    install_project(session, "test")
    ensure_system_tools(session)
    session.run("pytest", "-q", *session.posargs, env={"CHROMIUM": str(CHROMIUM)})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff (no changes made)."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON, default=False)
def serve(session: nox.Session) -> None:
    """Generate the pages and serve the site locally with live reload (mkdocs serve)."""
    install_project(session)
    build_steps(session, site=False)
    session.run("python", "-m", "scripts", "site")
    session.log("the site will be at http://127.0.0.1:8000/ (mkdocs serve; Ctrl-C stops it)")
    session.run("mkdocs", "serve", *session.posargs, env=MKDOCS_ENV)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmark the real PDFs, then 1,000 synthetic bodies (or `-- 10000`): full and incremental builds, memory, floor."""
    install_project(session)
    session.run("python", "-m", "scripts", "bench", *session.posargs)


@nox.session(python=PYTHON, default=False)
def fuzz(session: nox.Session) -> None:
    """Fuzz the pipeline with 10,000 mutated disclosures (FUZZ_EXAMPLES overrides the count)."""
    install_project(session, "test")
    count = os.environ.get("FUZZ_EXAMPLES", "10000")
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_fuzz.py",
        *session.posargs,
        env={"FUZZ_EXAMPLES": count, "FUZZ_RANDOM": os.environ.get("FUZZ_RANDOM", "1")},
    )


# The modules `nox -s mutants` runs by default, one mutmut name pattern each (see [tool.mutmut] in
# pyproject.toml for the files mutated and the tests run; tests/MUTATION.md for the figures and time).
MUTANT_MODULES = [
    "scripts.extract.cells*",
    "scripts.checks*",
    "scripts.package.writer*",
    "scripts.package.tableschema*",
]


@nox.session(python=PYTHON, default=False)
def mutants(session: nox.Session) -> None:
    """Mutation testing with mutmut (not in CI: tens of minutes). `nox -s mutants -- "scripts.checks*"`
    runs other modules; `nox -s mutants -- all` every file [tool.mutmut] lists."""
    install_project(session, "test")
    session.install("mutmut>=3.3,<4")
    patterns = [] if session.posargs == ["all"] else (session.posargs or MUTANT_MODULES)
    jobs = str(os.cpu_count() or 2)
    try:
        session.run("mutmut", "run", "--max-children", jobs, *patterns)
    finally:
        session.run("mutmut", "results", "--all", "true", success_codes=[0, 1])
