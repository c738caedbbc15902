"""Input formats → numbered lines: one module per format, all producing the same `list[Line]`.

`read_document` picks the reader by the input's format: the PDF as published (`pdf.py`, read from the
page geometry) or the text exported from it (`text.py`). Both return the same lines (one table row per
line, cells separated by TABs), so everything after reading is shared.
"""

from __future__ import annotations

from collections.abc import Callable

from scripts.extract.model import Line
from scripts.extract.readers import pdf, text

READERS: dict[str, Callable[[bytes, str], list[Line]]] = {"text": text.read, "pdf": pdf.read}


def format_of(data: bytes, file: str) -> str:
    """The input format of a disclosure, by its content (a name can lie): PDF, else text (the text reader
    says what else it got)."""
    return "pdf" if pdf.is_pdf(data) else "text"


def read_document(data: bytes, file: str = "<input>") -> list[Line]:
    """The lines of one disclosure as received (bytes), whatever its format."""
    return READERS[format_of(data, file)](data, file)
