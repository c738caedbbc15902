"""`python -m scripts synth N DIR` — synthetic disclosures for benchmarks only (never published on the site).

Each one is a real seed disclosure (both layouts) with another real division's names and code, every
amount multiplied by one whole factor (so sums and cross-table identities still hold exactly, and
percentages stay true), some optional tables dropped, and now and then CRLF, a BOM or GB18030 bytes.
Deterministic for a given --seed. DIR gets `<year>/<slug>.txt` files and a `registry.json` that
`python -m scripts build --registry DIR/registry.json --out …` builds like the real one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

from scripts.extract.readers.text import decode, lines_of
from scripts.extract.segment import segment

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "disclosures" / "2026"
DATA = Path(__file__).with_name("synth_divisions.json")
YEAR = 2026
# Small whole factors: sums stay exact, and the published rounding tails (尾差) stay within tolerance.
FACTORS = (1, 2, 3)
DROP_CHANCE = 0.25
# An amount as published: 1,091.87 / 1, 091. 871800 / 263.108814 / 0.00 — two or six decimals, not a percentage.
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:, ?\d{3})+|\d+)\.( ?)(\d{2}|\d{6})(?![\d%％])")


def _short(name: str) -> str:
    return re.sub(r"(新区|区|县|市)$", "", name) if len(name) > 2 else name


def scale_amounts(text: str, factor: int) -> str:
    def repl(m: re.Match) -> str:
        whole, space, decimals = m.group(1), m.group(2), m.group(3)
        value = Decimal(re.sub(r"[, ]", "", whole) + "." + decimals) * factor
        digits = f"{value:.{len(decimals)}f}"
        int_part, frac = digits.split(".")
        if "," in whole:
            sep = ", " if ", " in whole else ","
            int_part = f"{int(int_part):,}".replace(",", sep)
        return f"{int_part}.{space}{frac}"

    return AMOUNT.sub(repl, text)


def swap_names(text: str, pairs: list[tuple[str, str]]) -> str:
    """Replace every place word in one pass, longest first, so a new name is never replaced again."""
    table = dict(pairs)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda m: table[m.group(0)], text)


def drop_tables(text: str, file: str, kinds: set[str], rng: random.Random) -> tuple[str, list[str]]:
    lines = lines_of(decode(text.encode("utf-8"), file))
    cut: set[int] = set()
    dropped = []
    for table in segment(lines):
        if table.kind in kinds and rng.random() < DROP_CHANCE:
            cut.update(range(table.title_line, table.end_line + 1))
            dropped.append(table.kind)
    if not cut:
        return text, dropped
    kept = [line for no, line in enumerate(text.split("\n"), start=1) if no not in cut]
    return "\n".join(kept), dropped


def one(i: int, seed: int, data: dict, texts: dict[str, str]) -> tuple[dict, bytes]:
    rng = random.Random(f"{seed}:{i}")
    layout = data["seeds"][i % len(data["seeds"])]  # round-robin so every N covers both layouts
    place = rng.choice(data["divisions"])
    code = place["code"] if layout["level"] == "district" else place["code"][:4] + "00"
    words = {
        "city": place["city"],
        "district": place["district"],
        "city_short": _short(place["city"]),
        "district_short": _short(place["district"]),
    }
    text = swap_names(texts[layout["file"]], [(old, new.format(**words)) for old, new in layout["names"]])
    # Project codes start with the body's division code: 11010122T000000402024.
    text = re.sub(rf"(?<!\d){layout['code']}(?=\d{{2,6}}[A-Z])", code, text)
    factor = rng.choice(FACTORS)
    text = scale_amounts(text, factor)
    text, dropped = drop_tables(text, layout["file"], set(data["optional_kinds"]), rng)
    encoding = rng.choices(["utf-8", "utf-8-sig", "gb18030"], weights=[85, 5, 10])[0]
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    raw = text.encode(encoding)
    district = place["district"] if layout["level"] == "district" else None
    name = f"{place['city']}{district or ''}{layout['body']}"
    slug = f"s{i:05d}-{code}-{YEAR}"
    entry = {
        "file": f"{YEAR}/{slug}.txt",
        "slug": slug,
        "name": name,
        "short_name": f"{district or place['city']}{layout['body']}",
        "province": place["province"],
        "city": place["city"],
        "district": district,
        "division_code": code,
        "fiscal_year": YEAR,
        "source_url": None,
        "published": None,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "received_as": f"synth_{i:05d}.txt",
        "note": f"合成数据（基准测试用）：源自 {layout['file']}，金额×{factor}，删去 {', '.join(dropped) or '无'}",
        "x_synth": {"seed_file": layout["file"], "factor": factor, "dropped": dropped, "encoding": encoding},
    }
    return entry, raw


def generate(n: int, out: Path, seed: int = 0) -> list[dict]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    texts = {s["file"]: decode((SEEDS / s["file"]).read_bytes(), s["file"]) for s in data["seeds"]}
    entries, seen = [], set()
    (out / str(YEAR)).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        entry, raw = one(i, seed, data, texts)
        attempt = 0
        while entry["sha256"] in seen:  # the registry needs unique files: draw again
            attempt += 1
            entry, raw = one(i, seed * 7919 + attempt, data, texts)
        seen.add(entry["sha256"])
        (out / entry["file"]).write_bytes(raw)
        entries.append(entry)
    (out / "registry.json").write_text(
        json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return entries


def cmd_synth(args: argparse.Namespace) -> int:
    out = Path(args.dir)
    if out.resolve().is_relative_to((ROOT / "disclosures").resolve()):
        print(f"{out}: refusing to write synthetic data into disclosures/", file=sys.stderr)
        return 2
    entries = generate(args.n, out, args.seed)
    print(
        f"{len(entries)} synthetic disclosures in {out} (registry: {out / 'registry.json'})", file=sys.stderr
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="write N synthetic disclosures for benchmarks (never for the site)")
    p.add_argument("n", type=int)
    p.add_argument("dir", help="output folder (gets <year>/*.txt and registry.json)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    p.set_defaults(func=cmd_synth)
