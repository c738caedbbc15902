"""Input formats → numbered lines: one module per format, all producing the same `list[Line]`.

`read_document` picks the reader by the input's format. Today only text is known (the disclosure's text
as exported from its PDF); a PDF reader will live next to it as `readers/pdf.py`, registered in
`READERS` and chosen by `format_of`, and return the same lines (one table row per line, cells separated
by TABs), so everything after reading is shared.
"""

from __future__ import annotations

from collections.abc import Callable

from scripts.extract.model import Line
from scripts.extract.readers import text

READERS: dict[str, Callable[[bytes, str], list[Line]]] = {"text": text.read}


def format_of(data: bytes, file: str) -> str:
    """The input format of a disclosure. Text only, for now: the text reader says what else it got."""
    return "text"


def read_document(data: bytes, file: str = "<input>") -> list[Line]:
    """The lines of one disclosure as received (bytes), whatever its format."""
    return READERS[format_of(data, file)](data, file)
