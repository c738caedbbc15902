"""The same disclosure in any encoding, line ending or with page footers gives the same tables."""

from __future__ import annotations

import re

import pytest

from scripts import package
from scripts.build import disclosure
from scripts.extract.readers.text import decode, lines_of


def _variants(data: bytes) -> dict[str, bytes]:
    text = data.decode("utf-8")
    lines = text.split("\n")
    with_footers = []
    for i, line in enumerate(lines, start=1):
        with_footers.append(line)
        if i % 37 == 0:  # page breaks land inside tables too
            with_footers.append(f"- {i // 37} -")
    return {
        "utf8": data,
        "utf8-bom": b"\xef\xbb\xbf" + data,
        "gb18030": text.encode("gb18030"),
        "gbk": text.encode("gbk"),
        "utf16": text.encode("utf-16"),  # with its BOM, in the machine's order (little-endian here)
        "utf16-be": b"\xfe\xff" + text.encode("utf-16-be"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("utf-8"),
        "trailing-blanks": "\n".join(line + "  \t " if line else line for line in lines).encode("utf-8"),
        "footers": "\n".join(with_footers).encode("utf-8"),
        "page-of": "\n".join(with_footers).replace("- 1 -", "第 1 页 共 9 页").encode("utf-8"),
    }


def _csvs(data: bytes, entry: dict) -> dict[str, bytes]:
    ex = disclosure(data, entry["file"])
    files = package.files(ex, entry, "source.txt")
    return {k: v for k, v in files.items() if k.startswith("data/")}


@pytest.mark.parametrize("variant", list(_variants(b"x").keys()))
def test_variants_give_identical_csvs(registry_entries, variant):
    for entry in (e for e in registry_entries if e["path"].suffix == ".txt"):  # encodings of text exports
        data = entry["path"].read_bytes()
        reference = _csvs(data, entry)
        other = _csvs(_variants(data)[variant], entry)
        if variant in ("footers", "page-of"):
            # Footer lines shift the line numbers after them; compare everything but source_line.
            reference, other = ({k: _drop_lines(v) for k, v in d.items()} for d in (reference, other))
        assert other == reference, f"{entry['file']} as {variant}"


def _drop_lines(csv_bytes: bytes) -> bytes:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(csv_bytes.decode())))
    drop = (
        {i for i, name in enumerate(rows[0]) if name in ("source_line", "end_line", "line")}
        if rows
        else set()
    )
    # Line numbers quoted inside messages ("第 124 行") shift too.
    rows = [[re.sub(r"第[\d、\s等]+行", "第N行", c) for i, c in enumerate(r) if i not in drop] for r in rows]
    return repr(rows).encode()


def test_line_numbers_survive_bom_and_crlf():
    text = "第一行\r\n\r\n预算01表 收支总表\r\n"
    assert [(ln.no, ln.text) for ln in lines_of(decode(b"\xef\xbb\xbf" + text.encode()))] == [
        (1, "第一行"),
        (3, "预算01表 收支总表"),
    ]


def test_footers_are_dropped_but_numbers_in_rows_are_not():
    lines = lines_of("- 12 -\n第 3 页\n12\t34\n3/10\n")
    assert [ln.text for ln in lines] == ["12\t34"]
