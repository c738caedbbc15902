"""Mutated disclosures: every run gives a valid package or a clear message (file, line, reason), never a
traceback; and every seed, in every form that keeps its meaning, must package.

Runs FUZZ_EXAMPLES cases (default 300 for `nox -s tests`; `nox -s fuzz` runs 10,000) from a fixed seed
(`FUZZ_RANDOM=1` draws new cases). It calls the code path the CLI uses (`build.package_files`); an
`InternalError` is a bug of ours and fails the test. Temporary files go in one folder, removed at the end.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scripts import build, package
from scripts.errors import DisclosureError, InternalError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "disclosures" / "2026").glob("*.txt"))
SOURCES = {p.name: p.read_bytes() for p in SEEDS}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
VALIDATE_ONE_IN = 10  # frictionless is slow: validate a deterministic sample of the damaged packages
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
_work: list[Path] = []


def work() -> Path:
    """The run's temporary folder, made on first use (collecting the tests leaves nothing behind)."""
    if not _work:
        _work.append(Path(tempfile.mkdtemp(prefix="fuzz-")))
    return _work[0]


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    while _work:
        shutil.rmtree(_work.pop(), ignore_errors=True)


BAD_NUMBERS = [
    "1,2,3.4.5",
    "-1234.56",
    "99999999999999999999999.999999",
    "1e308",
    "-0.00",
    "NaN",
    "--",
    "（5.00）",
    "１２３.４５",
    "0x1F",
    "1.2.3",
    ",",
    ".",
    "1,,000.00",
    "- 12.00",
    "∞",
    "12.34万",
    "",
]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines)) if lines else 0
    if kind == "truncate":
        return data[: rng.randrange(len(data) + 1)]
    if kind == "shuffle":
        width = rng.randint(2, 40)
        window = lines[at : at + width]
        rng.shuffle(window)
        return b"\n".join(lines[:at] + window + lines[at + width :])
    if kind in ("delete_cell", "duplicate_cell", "bad_number"):
        tabbed = [i for i, line in enumerate(lines) if b"\t" in line]
        if not tabbed:
            return data
        i = rng.choice(tabbed)
        cells = lines[i].split(b"\t")
        c = rng.randrange(len(cells))
        if kind == "delete_cell":
            del cells[c]
        elif kind == "duplicate_cell":
            cells.insert(c, cells[c])
        else:
            cells[c] = rng.choice(BAD_NUMBERS).encode()
        lines[i] = b"\t".join(cells)
        return b"\n".join(lines)
    if kind == "delete_lines":
        return b"\n".join(lines[:at] + lines[at + rng.randint(1, 30) :])
    if kind == "duplicate_lines":
        return b"\n".join(lines[: at + 5] + lines[at : at + 5] + lines[at + 5 :])
    if kind == "random_bytes":
        pos = rng.randrange(len(data) + 1)
        return data[:pos] + rng.randbytes(rng.randint(1, 64)) + data[pos:]
    if kind == "long_line":
        filler = rng.choice(["9", "\t1.00", "表", "预算01表 收支总表", " "]) * rng.randint(10_000, 60_000)
        return b"\n".join([*lines[:at], filler.encode(), *lines[at:]])
    if kind == "encoding":
        text = data.decode("utf-8", errors="replace")
        codec = rng.choice(
            ["utf-16", "utf-16-be", "gb18030", "big5", "shift_jis", "latin-1", "cp1252", "utf-32"]
        )
        return text.encode(codec, errors="replace")
    if kind == "mojibake":
        return data.decode("latin-1").encode("utf-8")
    if kind == "huge_negative":
        value = rng.choice([b"-", b""]) + str(rng.randint(0, 10**30)).encode() + b".00"
        return data.replace(b"\t1", b"\t" + value, rng.randint(1, 20))
    if kind == "line_endings":
        return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b"\x0b", "\u2028".encode()]))
    if kind == "strip_tabs":
        return b"\n".join(
            line.replace(b"\t", b" " * rng.randint(1, 3)) if rng.random() < 0.3 else line for line in lines
        )
    raise AssertionError(kind)


KINDS = [
    "truncate",
    "shuffle",
    "delete_cell",
    "duplicate_cell",
    "bad_number",
    "delete_lines",
    "duplicate_lines",
    "random_bytes",
    "long_line",
    "encoding",
    "mojibake",
    "huge_negative",
    "line_endings",
    "strip_tabs",
]
mutations = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 2**32 - 1)), min_size=1, max_size=4)


def check_one(seed_name: str, steps: list[tuple[str, int]]) -> None:
    data = SOURCES[seed_name]
    for kind, salt in steps:
        data = mutate(data, kind, random.Random(salt))
    digest = hashlib.sha256(data).hexdigest()
    path = work() / f"{digest[:16]}.txt"
    path.write_bytes(data)
    try:
        contents, meta, _ = build.package_files(path, None)
    except InternalError as exc:
        raise AssertionError(f"pipeline bug on {seed_name} after {steps}:\n{exc}") from exc.__cause__
    except DisclosureError as exc:
        text = str(exc)
        assert exc.file == str(path) and exc.line is not None and exc.line >= 1, text
        assert text.startswith(f"{path}:{exc.line}: ") and exc.message.strip(), text
        return
    finally:
        path.unlink(missing_ok=True)
    assert any(k.startswith("data/") and k.endswith(".csv") for k in contents)
    assert "datapackage.json" in contents and meta["slug"]
    if int(digest, 16) % VALIDATE_ONE_IN == 0:
        target = work() / digest[:16]
        package.write(target, contents)
        try:
            assert package.validate(target) == [], f"invalid package from {seed_name} after {steps}"
        finally:
            shutil.rmtree(target, ignore_errors=True)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None if not RANDOM else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(seed=st.sampled_from(sorted(SOURCES)), steps=mutations)
# Found by the 10,000-case run: a repeated table title made two 收支总表 whose (side, seq) keys collided.
@example(
    seed="110101-dongcheng.txt",
    steps=[("duplicate_lines", 0), ("huge_negative", 1), ("line_endings", 802701161), ("duplicate_lines", 0)],
)
def test_mutated_disclosure_packages_or_fails_clearly(seed, steps):
    check_one(seed, steps)


def _meaning_kept(data: bytes) -> dict[str, bytes]:
    """Forms of one disclosure that say the same thing: they must package, and validly."""
    text = data.decode("utf-8")
    return {
        "as-is": data,
        "utf-8-bom": b"\xef\xbb\xbf" + data,
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
        "crlf": text.replace("\n", "\r\n").encode(),
        "cr": text.replace("\n", "\r").encode(),
        "trailing-blanks": "\n".join(line + " \t" if line else line for line in text.split("\n")).encode(),
        "blank-lines": text.replace("\n\n", "\n\n\n").encode(),
    }


@pytest.mark.parametrize("variant", list(_meaning_kept(b"")))
@pytest.mark.parametrize("seed", sorted(SOURCES))
def test_valid_seeds_and_variants_package(seed, variant, tmp_path):
    """A regression that rejects valid input fails here (the fuzz above accepts any clear message)."""
    path = tmp_path / f"{variant}.txt"
    path.write_bytes(_meaning_kept(SOURCES[seed])[variant])
    try:
        contents, _, ex = build.package_files(path, None)
    except DisclosureError as exc:
        raise AssertionError(f"{seed} as {variant} was refused: {exc}") from exc
    assert not ex.warnings, [str(w) for w in ex.warnings]
    if variant in ("as-is", "utf-16"):  # validation is slow: the plain form and the widest change
        package.write(tmp_path / "pkg", contents)
        assert package.validate(tmp_path / "pkg") == []


def test_damage_that_breaks_the_input_is_refused_clearly(tmp_path):
    """Input that is not a disclosure any more gives a DisclosureError naming the file and a line."""
    for name, data in {
        "truncated": SOURCES[SEEDS[0].name][:200],
        "binary": bytes(range(256)) * 8,
        "utf-16-without-bom": SOURCES[SEEDS[0].name].decode("utf-8").encode("utf-16-le"),
    }.items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        with pytest.raises(DisclosureError) as info:
            build.package_files(path, None)
        assert (
            info.value.file == str(path) and info.value.line >= 1 and str(info.value).startswith(f"{path}:")
        )


def test_mutations_change_the_input():
    """The fuzzer must actually damage things, or the property above proves nothing."""
    data = SOURCES[SEEDS[0].name]
    changed = sum(mutate(data, kind, random.Random(i)) != data for kind in KINDS for i in range(5))
    assert changed >= len(KINDS) * 5 - 3
