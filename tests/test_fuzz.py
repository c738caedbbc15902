"""Mutated disclosures: every run gives a package or a clear message (file, line, reason), never a traceback.

Runs FUZZ_EXAMPLES cases (default 300 for `nox -s tests`; `nox -s fuzz` runs 10,000). It calls the code
path the CLI uses (`build.package_files`); an `InternalError` is a bug of ours and fails the test.
"""

from __future__ import annotations

import hashlib
import os
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scripts import build, package
from scripts.errors import DisclosureError, InternalError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "disclosures" / "2026").glob("*.txt"))
SOURCES = {p.name: p.read_bytes() for p in SEEDS}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
VALIDATE_ONE_IN = 25  # frictionless is slow: validate a deterministic sample of the packages
WORK = Path(tempfile.mkdtemp(prefix="fuzz-"))
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
    path = WORK / f"{digest[:16]}.txt"
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
        target = WORK / digest[:16]
        package.write(target, contents)
        assert package.validate(target) == [], f"invalid package from {seed_name} after {steps}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
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


def test_mutations_change_the_input():
    """The fuzzer must actually damage things, or the property above proves nothing."""
    data = SOURCES[SEEDS[0].name]
    changed = sum(mutate(data, kind, random.Random(i)) != data for kind in KINDS for i in range(5))
    assert changed >= len(KINDS) * 5 - 3
