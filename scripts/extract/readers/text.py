"""Text input: bytes as received -> numbered lines.

The same disclosure saved as UTF-8 (with or without BOM) or GB18030/GBK, with CRLF or LF, with or
without page footers and trailing blanks, gives the same lines (and the same line numbers).
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.errors import UnreadableError
from scripts.extract.model import Line

ENCODINGS = ("utf-8-sig", "gb18030")
# Page furniture that PDF extraction leaves between table rows.
FOOTER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


def decode(data: bytes, file: str = "<input>") -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # a UTF-16 BOM on damaged or odd-length data
            raise UnreadableError(
                f"the file starts like UTF-16 text but byte {exc.start} cannot be decoded",
                file=file,
                line=data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1,
                expected="text extracted from a budget PDF, in UTF-8, GB18030 or UTF-16",
                hint="re-export the text as UTF-8",
            ) from exc
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Say where the first undecodable byte sits, counted in lines of the UTF-8 reading.
    bad = UnicodeDecodeError
    try:
        data.decode("utf-8")
    except bad as exc:
        line = data[: exc.start].count(b"\n") + 1
    raise UnreadableError(
        "the file is neither UTF-8 nor GB18030/GBK text",
        file=file,
        line=line,
        expected="text extracted from a budget PDF, in UTF-8 or GB18030",
        hint="re-export the text as UTF-8; a binary file (PDF, XLSX) must be converted to text first",
    )


def lines_of(text: str) -> list[Line]:
    out = []
    for no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        stripped = raw.rstrip().replace("\x00", "")
        if stripped and not FOOTER.match(stripped):
            out.append(Line(no, stripped))
    return out


def read(data: bytes, file: str = "<input>") -> list[Line]:
    return lines_of(decode(data, file))


def read_lines(path: str | Path) -> list[Line]:
    path = Path(path)
    return read(path.read_bytes(), str(path))
