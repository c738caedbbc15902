"""PDF input: bytes as published -> numbered lines, read from the page geometry.

The page objects (glyphs with their boxes, ruling lines and rectangles) come from pdfplumber (MIT);
`pdf_layout` turns them into the lines every reader produces: free text as paragraphs, table rows with
their cells separated by TABs. Line numbers count the lines of that text, and each line keeps its page.
"""

from __future__ import annotations

import io

from scripts.errors import UnreadableError
from scripts.extract.model import Line
from scripts.extract.readers.pdf_layout import Char, Page, Seg, read_pages

MAGIC = b"%PDF-"
# Below this many glyphs a page has no usable text layer (a scan, or a picture of a table).
MIN_GLYPHS = 5


def is_pdf(data: bytes) -> bool:
    return MAGIC in data[:1024]


def _segments(page, width: float, height: float) -> list[Seg]:
    segs = [Seg(ln["x0"], ln["top"], ln["x1"], ln["bottom"]) for ln in page.lines]
    for r in page.rects:
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if w * h > 0.5 * width * height:
            continue  # a page background, not a rule
        if w <= 3 or h <= 3:
            segs.append(Seg(r["x0"], r["top"], r["x1"], r["bottom"]))
        else:
            x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
            segs += [Seg(x0, top, x1, top), Seg(x0, bottom, x1, bottom), Seg(x0, top, x0, bottom), Seg(x1, top, x1, bottom)]
    return [s for s in segs if s.x1 >= 0 and s.x0 <= width and s.bottom >= 0 and s.top <= height]


def pages_of(data: bytes, file: str) -> list[Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    expected = "a budget PDF as published, with a text layer"
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds
        encrypted = isinstance(exc, PDFPasswordIncorrect) or "password" in str(exc).lower()
        raise UnreadableError(
            "the PDF is encrypted" if encrypted else f"the PDF cannot be opened ({type(exc).__name__})",
            file=file,
            line=1,
            expected=expected,
            hint="save an unprotected copy (print to PDF)" if encrypted else "download the file again; it may be damaged",
        ) from exc
    pages: list[Page] = []
    blank: list[int] = []
    try:
        for number, page in enumerate(pdf.pages, start=1):
            width, height = float(page.width), float(page.height)
            # Only what a reader sees: publishers leave invisible copies outside the page box.
            chars = [
                Char(c["x0"], c["top"], c["x1"], c["bottom"], c["text"])
                for c in page.chars
                if c["x0"] >= -1 and c["x1"] <= width + 1 and c["top"] >= -1 and c["bottom"] <= height + 1
            ]
            if sum(1 for c in chars if c.text.strip()) < MIN_GLYPHS:
                blank.append(number)
            pages.append(Page(number, width, height, chars, _segments(page, width, height)))
    except Exception as exc:  # a damaged content stream: pdfminer has no single error type
        raise UnreadableError(
            f"page {len(pages) + 1} of the PDF cannot be read ({type(exc).__name__})",
            file=file,
            line=1,
            expected=expected,
            hint="download the file again; it may be damaged",
        ) from exc
    finally:
        pdf.close()
    if pages and len(blank) == len(pages):
        raise UnreadableError(
            f"the PDF has no text layer (pages {_ranges(blank)} hold no text: a scan?)",
            file=file,
            line=1,
            expected=expected,
            hint="run OCR on it first (e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`), then add the OCR'd copy",
        )
    return pages


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
    return [Line(no, out.text, out.page, None, out.row) for no, out in enumerate(read_pages(pages_of(data, file)), start=1)]
