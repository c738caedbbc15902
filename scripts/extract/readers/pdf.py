"""PDF input: bytes as published -> numbered lines, read from the page geometry.

The page objects (glyphs with their boxes, ruling lines and rectangles) come from pdfium (`pdf_objects`);
`pdf_layout` turns them into the lines every reader produces: free text as paragraphs, table rows with
their cells separated by TABs. Line numbers count the lines of that text, and each line keeps its page.
"""

from __future__ import annotations

from scripts.errors import UnreadableError
from scripts.extract.model import Line
from scripts.extract.readers import pdf_objects
from scripts.extract.readers.pdf_layout import Page, read_pages

MAGIC = b"%PDF-"
# Below this many glyphs a page has no usable text layer (a scan, or a picture of a table).
MIN_GLYPHS = 5


def is_pdf(data: bytes) -> bool:
    return MAGIC in data[:1024]


def pages_of(data: bytes, file: str) -> list[Page]:
    expected = "a budget PDF as published, with a text layer"
    try:
        pages = pdf_objects.pages_of(data)
    except pdf_objects.PdfEncryptedError as exc:
        raise UnreadableError(
            f"the PDF is encrypted ({exc})",
            file=file,
            line=1,
            expected=expected,
            hint="save an unprotected copy (print to PDF), or ask the publisher for one",
        ) from exc
    except pdf_objects.PdfReadError as exc:
        raise UnreadableError(
            f"the PDF cannot be read ({exc})",
            file=file,
            line=1,
            expected=expected,
            hint="download the file again; it may be damaged or not a PDF at all",
        ) from exc
    if pages.failed_pages:
        raise UnreadableError(
            f"pages {_ranges(pages.failed_pages)} of the PDF cannot be read",
            file=file,
            line=1,
            expected=expected,
            hint="download the file again; it may be damaged",
        )
    blank = sorted(set(pages.no_text_pages) | {p.number for p in pages if _glyphs(p) < MIN_GLYPHS})
    if pages and len(blank) == len(pages):
        raise UnreadableError(
            f"the PDF has no text layer (pages {_ranges(blank)} hold no text: a scan?)",
            file=file,
            line=1,
            expected=expected,
            hint="run OCR on it first (e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`), then add the OCR'd copy",
        )
    return list(pages)


def _glyphs(page: Page) -> int:
    return sum(1 for c in page.chars if c.text.strip())


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [0]:
        if n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = n
    return ", ".join(out)


def read(data: bytes, file: str) -> list[Line]:
    return [
        Line(no, out.text, out.page, None, out.row)
        for no, out in enumerate(read_pages(pages_of(data, file)), start=1)
    ]
