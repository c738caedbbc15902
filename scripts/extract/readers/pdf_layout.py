"""PDF page geometry -> text lines, tables as TAB-separated rows (the layout half of the PDF reader).

The reader rebuilds what a person sees on the page:
- only what lies inside the visible page box (publishers leave invisible copies outside it);
- ruled tables: ruling segments (lines, and the edges of thin or stroked rectangles) form grids; a grid's
  rows are the bands between its horizontal rules, its columns the intervals between vertical rules that
  cross the band (a merged cell spans several columns and is written in its leftmost one, the cells it
  covers stay blank); text wrapped over several lines inside one cell is joined;
- bands with several amount lines (rules only around the table, not between rows) fall back to one row
  per text line, wrapped labels joined to the row above;
- unruled tables: cells split at wide gaps, columns found from where the cells of the block line up;
- a table continued on the next page is aligned to the columns of the page before, its repeated header
  dropped and a row cut by the page break joined again;
- columns empty in every row of a table (spacers) are dropped; page numbers are dropped.

Every output line carries its page (1-based) and, for table rows, the row's position on that page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
PAGE_NO = re.compile(
    r"^\s*(?:[-—–─]\s*\d{1,4}\s*[-—–─]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?)\s*$"
)
MARGIN = 0.12  # share of the page height at top and bottom where page numbers stand
ROW_LABEL_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|其中|合计|总计|\d{3})"
)


@dataclass(slots=True)
class Char:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass(slots=True)
class Seg:
    """A ruling segment: horizontal when top == bottom (after normalisation), else vertical."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def vertical(self) -> bool:
        return (self.x1 - self.x0) < (self.bottom - self.top)


@dataclass(slots=True)
class TextLine:
    chars: list[Char]
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        self.top = min(c.top for c in self.chars)
        self.bottom = max(c.bottom for c in self.chars)

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)


@dataclass(slots=True)
class Cell:
    text: str
    x0: float
    x1: float
    full: bool = False  # text reaches the cell's right edge: it may wrap on


@dataclass(slots=True)
class TableBlock:
    """Rows of one grid (or unruled block) on one page, in global columns given by `edges`."""

    edges: list[float]  # column boundaries, left to right
    rows: list[list[Cell | None]]
    top: float
    bottom: float
    ruled: bool = True
    header_rows: int = 0


@dataclass(slots=True)
class OutLine:
    page: int
    text: str
    row: int | None = None  # table rows: 1-based row number on the page
    cells: list[str] | None = None
    full: list[bool] = field(default_factory=list)


# ---------------------------------------------------------------- primitives


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def text_lines(chars: list[Char]) -> list[TextLine]:
    """Chars grouped into lines by vertical overlap, each sorted left to right."""
    lines: list[TextLine] = []
    for ch in sorted(chars, key=lambda c: ((c.top + c.bottom) / 2, c.x0)):
        mid = (ch.top + ch.bottom) / 2
        h = ch.bottom - ch.top
        if lines and abs(lines[-1].mid - mid) <= max(1.0, 0.45 * h):
            line = lines[-1]
            line.chars.append(ch)
            line.top = min(line.top, ch.top)
            line.bottom = max(line.bottom, ch.bottom)
        else:
            lines.append(TextLine([ch]))
    out = []
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
        # spaces at a line's ends are invisible (Word writes them): they must not move its edges
        while line.chars and not line.chars[-1].text.strip():
            line.chars.pop()
        while line.chars and not line.chars[0].text.strip():
            line.chars.pop(0)
        if line.chars:
            out.append(TextLine(line.chars))
    return out


def _join(parts: list[str]) -> str:
    """Fragments of one cell top to bottom: Chinese joins without a space."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


def _text(chars: list[Char]) -> str:
    """Chars of one line to text; a gap wider than a char is one space (ASCII words keep theirs)."""
    out = ""
    prev: Char | None = None
    for ch in chars:
        if prev is not None and ch.text.strip():
            gap = ch.x0 - prev.x1
            width = max(1.0, min(prev.x1 - prev.x0, ch.x1 - ch.x0))
            if gap > 0.6 * width and not out.endswith(" "):
                out += " "
        out += ch.text
        prev = ch
    return re.sub(r"\s+", " ", out).strip()


# ---------------------------------------------------------------- grids


def _grids(segs: list[Seg], tol: float = 2.0) -> list[list[Seg]]:
    """Connected groups of ruling segments (touching within tol)."""
    n = len(segs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(n), key=lambda i: segs[i].top)
    for a_i, a in enumerate(order):
        sa = segs[a]
        for b in order[a_i + 1 :]:
            sb = segs[b]
            if sb.top > sa.bottom + tol:
                break
            if sb.x0 <= sa.x1 + tol and sa.x0 <= sb.x1 + tol:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb
    groups: dict[int, list[Seg]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(segs[i])
    out = []
    for g in groups.values():
        vs = [s for s in g if s.vertical]
        hs = [s for s in g if not s.vertical]
        if len({round(s.x0) for s in vs}) >= 2 and len(hs) >= 2:
            out.append(g)
    return sorted(out, key=lambda g: min(s.top for s in g))


def _is_amount(text: str) -> bool:
    return bool(AMOUNT.match(text.replace(" ", "")))


def _grid_blocks(grid: list[Seg], lines: list[TextLine], used: set[int]) -> list[TableBlock]:
    """A grid's rows; a band no vertical rule crosses (a title framed with the table) splits the grid
    into separate tables and its lines stay free text."""
    vs = [s for s in grid if s.vertical]
    hs = [s for s in grid if not s.vertical]
    top = min(s.top for s in grid)
    bottom = max(s.bottom for s in grid)
    left = min(s.x0 for s in grid)
    right = max(s.x1 for s in grid)
    xs = _cluster([(s.x0 + s.x1) / 2 for s in vs], 2.5)
    ys = _cluster([(s.top + s.bottom) / 2 for s in hs], 1.5)
    if len(xs) < 2 or len(ys) < 2:
        return []
    inside = [
        i
        for i, ln in enumerate(lines)
        if i not in used and top - 1 <= ln.mid <= bottom + 1 and ln.x1 >= left - 2 and ln.x0 <= right + 2
    ]
    blocks: list[TableBlock] = []
    current: TableBlock | None = None
    band_row: dict[int, int] = {}  # band index -> its first row in `current`

    def ruled(k: int, x: float) -> bool:
        """A horizontal rule at boundary k crosses x (else the cell above spans down past it)."""
        return any(abs((s.top + s.bottom) / 2 - ys[k]) <= 1.5 and s.x0 - 1 <= x <= s.x1 + 1 for s in hs)

    for k, (b_top, b_bot) in enumerate(pairwise(ys)):
        members = [i for i in inside if b_top <= lines[i].mid < b_bot]
        if not members:
            continue
        mid = (b_top + b_bot) / 2
        # the vertical rules that cross this band: its cell boundaries
        active = sorted(
            {x for x in xs for s in vs if abs((s.x0 + s.x1) / 2 - x) <= 2.5 and s.top <= mid <= s.bottom}
        )
        if len(active) <= 2:
            current = None  # no rule crosses the band: a title or note framed with the table
            band_row = {}
            continue
        if current is None:
            current = TableBlock(edges=xs, rows=[], top=min(lines[i].top for i in members), bottom=b_bot)
            blocks.append(current)
        start = len(current.rows)
        for sub in _split_band([lines[i] for i in members], active):
            row = _place(sub, active, xs)
            # a cell merged over several rows belongs to the top row of its span
            for j, c in enumerate(row):
                if c is None:
                    continue
                owner = k
                while owner - 1 in band_row and not ruled(owner, (c.x0 + c.x1) / 2):
                    owner -= 1
                if owner != k:
                    target = current.rows[band_row[owner]]
                    if target[j] is None:
                        target[j] = c
                    else:
                        target[j] = Cell(_join([target[j].text, c.text]), c.x0, c.x1, c.full)
                    row[j] = None
            if any(row) or len(current.rows) == start:
                current.rows.append(row)
        band_row[k] = start
        current.bottom = b_bot
        used.update(members)
    return blocks


def _cells_of(line: TextLine, bounds: list[float]) -> list[tuple[int, list[Char]]]:
    """A line's chars split by the given boundaries: (interval index, chars)."""
    out: dict[int, list[Char]] = {}
    for ch in line.chars:
        cx = (ch.x0 + ch.x1) / 2
        k = 0
        while k < len(bounds) - 2 and cx > bounds[k + 1]:
            k += 1
        out.setdefault(k, []).append(ch)
    return sorted(out.items())


def _split_band(band_lines: list[TextLine], active: list[float]) -> list[list[tuple[int, str, bool]]]:
    """One band -> one or more rows of (interval, text, full). A band that holds several lines with
    amounts is not one row (no rules between rows): each such line starts a row."""
    per_line = []
    for ln in band_lines:
        cells = []
        for k, chs in _cells_of(ln, active):
            txt = _text(chs)
            if not txt:
                continue
            width = max(1.0, median(c.x1 - c.x0 for c in chs))
            full = active[k + 1] - max(c.x1 for c in chs) <= 1.6 * width
            cells.append((k, txt, full))
        per_line.append(cells)
    amount_lines = sum(1 for cells in per_line if any(_is_amount(t) for _, t, _ in cells))
    if amount_lines <= 1 or len(band_lines) == 1:
        merged: dict[int, list[str]] = {}
        full: dict[int, bool] = {}
        for cells in per_line:
            for k, t, f in cells:
                merged.setdefault(k, []).append(t)
                full[k] = f
        return [[(k, _join(v), full[k]) for k, v in sorted(merged.items())]]
    rows: list[list[tuple[int, str, bool]]] = []
    for cells in per_line:
        if rows and _continues(rows[-1], cells):
            prev = {k: (t, f) for k, t, f in rows[-1]}
            for k, t, f in cells:
                pt, _ = prev[k]
                prev[k] = (_join([pt, t]), f)
            rows[-1] = [(k, t, f) for k, (t, f) in sorted(prev.items())]
        else:
            rows.append(cells)
    return rows


def _continues(prev: list[tuple[int, str, bool]], cells: list[tuple[int, str, bool]]) -> bool:
    """A line of wrapped label text: no amount, no code, each cell under a full cell of the row above."""
    if not cells or any(_is_amount(t) or CODE.match(t) for _, t, _ in cells):
        return False
    above = {k: f for k, _, f in prev}
    return all(above.get(k, False) for k, _, _ in cells) and not any(
        ROW_LABEL_START.match(t) for _, t, _ in cells
    )


def _place(sub: list[tuple[int, str, bool]], active: list[float], xs: list[float]) -> list[Cell | None]:
    """Cells of a band (in active intervals) -> cells in the grid's global columns (leftmost covered)."""
    row: list[Cell | None] = [None] * (len(xs) - 1)
    for k, txt, full in sub:
        x0, x1 = active[k], active[k + 1]
        col = min(range(len(xs) - 1), key=lambda j: abs(xs[j] - x0))
        if row[col] is None:
            row[col] = Cell(txt, x0, x1, full)
        else:
            row[col].text = _join([row[col].text, txt])
    return row


# ---------------------------------------------------------------- unruled blocks


def _fragments(line: TextLine) -> list[tuple[float, float, str]]:
    """Split at gaps wider than two chars: (x0, x1, text)."""
    out: list[list[Char]] = []
    for ch in line.chars:
        if not ch.text.strip():
            continue
        if out:
            prev = out[-1][-1]
            width = max(1.0, min(prev.x1 - prev.x0, ch.x1 - ch.x0), ch.bottom - ch.top)
            if ch.x0 - prev.x1 > 1.5 * width:
                out.append([ch])
                continue
            out[-1].append(ch)
        else:
            out.append([ch])
    return [(g[0].x0, g[-1].x1, _text(g)) for g in out]


def _unruled_block(block: list[TextLine]) -> TableBlock:
    frags = [_fragments(ln) for ln in block]
    spans: list[list[float]] = []
    for fl in frags:
        for x0, x1, _ in fl:
            spans.append([x0, x1])
    spans.sort()
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1] + 1:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    edges = [cols[0][0] - 1] + [(a[1] + b[0]) / 2 for a, b in pairwise(cols)] + [cols[-1][1] + 1]
    rows: list[list[Cell | None]] = []
    for fl in frags:
        row: list[Cell | None] = [None] * len(cols)
        for x0, x1, t in fl:
            j = next(i for i, c in enumerate(cols) if c[0] - 1 <= (x0 + x1) / 2 <= c[1] + 1)
            row[j] = Cell(t, x0, x1, False) if row[j] is None else Cell(_join([row[j].text, t]), x0, x1)
        rows.append(row)
    return TableBlock(edges=edges, rows=rows, top=block[0].top, bottom=block[-1].bottom, ruled=False)


# ---------------------------------------------------------------- page


@dataclass
class Page:
    number: int
    width: float
    height: float
    chars: list[Char]
    segs: list[Seg]


def read_page(page: Page) -> list[tuple[float, object]]:
    """Items of a page top to bottom: (y, TextLine) for free text, (y, TableBlock) for tables."""
    lines = text_lines(page.chars)
    used: set[int] = set()
    items: list[tuple[float, object]] = []
    for grid in _grids(page.segs):
        items.extend((block.top, block) for block in _grid_blocks(grid, lines, used))
    free = [ln for i, ln in enumerate(lines) if i not in used]
    # unruled tables: runs of lines with >= 2 fragments of which one is an amount, with the lines of
    # >= 2 fragments right above them (the header)
    run: list[TextLine] = []
    header: list[TextLine] = []

    def flush() -> None:
        if len(run) >= 2:
            items.append(((header or run)[0].top, _unruled_block(header + run)))
        else:
            items.extend((ln.top, ln) for ln in header + run)
        run.clear()
        header.clear()

    for ln in free:
        fr = _fragments(ln)
        if len(fr) >= 2 and any(_is_amount(t) for _, _, t in fr):
            run.append(ln)
        elif len(fr) >= 2 and not run:
            header.append(ln)
        else:
            flush()
            if len(fr) >= 2:
                header.append(ln)
            else:
                items.append((ln.top, ln))
    flush()
    items.sort(key=lambda it: it[0])
    return items


# ---------------------------------------------------------------- document

META_CELL = re.compile(r"^\s*(?:部门(?:（单位）|\(单位\))?名称|部门|单位名称|预算单位|金额单位|单位)\s*[：:]")
HEADING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、](?!\d)|注|说明|目\s*录)"
)


def _row_text(row: list[Cell | None]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", "", c.text) if c else "" for c in row)


def _has_data(row: list[Cell | None]) -> bool:
    return any(c and (_is_amount(c.text) or CODE.match(c.text.replace(" ", ""))) for c in row)


def _align(base_edges: list[float], block: TableBlock) -> list[list[Cell | None]]:
    """A continuation block's rows in the columns of the table it continues."""
    width = len(base_edges) - 1
    # a cell sits in the column whose left rule is nearest its own left rule (as within a page)
    mapping = [min(range(width), key=lambda i: abs(base_edges[i] - a)) for a in block.edges[:-1]]
    out = []
    for row in block.rows:
        new: list[Cell | None] = [None] * width
        for j, c in enumerate(row):
            if c is None:
                continue
            i = mapping[j]
            new[i] = c if new[i] is None else Cell(_join([new[i].text, c.text]), new[i].x0, c.x1, c.full)
        out.append(new)
    return out


@dataclass
class LogicalTable:
    edges: list[float]
    rows: list[list[Cell | None]] = field(default_factory=list)
    pages: list[tuple[int, int]] = field(default_factory=list)  # per row: (page, row on page)
    lead: list[str] = field(default_factory=list)  # the title and meta lines just above the table

    def header(self) -> list[tuple[str, ...]]:
        out = []
        for row in self.rows:
            if _has_data(row):
                break
            out.append(_row_text(row))
        return out


def read_pages(pages: list[Page]) -> list[OutLine]:
    """The document as lines: free text (paragraphs joined) and table rows (TAB-separated cells)."""
    stream: list[tuple[int, object]] = []  # (page, TextLine | LogicalTable)
    open_table: LogicalTable | None = None
    read = [(page, read_page(page)) for page in pages]
    running = _running_lines(read)
    for page, items in read:
        # page furniture in the top or bottom margin, outside any table: page numbers, running heads
        items = [
            it
            for it in items
            if not (
                isinstance(it[1], TextLine)
                and _in_margin(it[1], page)
                and (PAGE_NO.match(_text(it[1].chars)) or _squeezed(it[1]) in running)
            )
        ]
        row_no = 0
        if open_table is not None:
            items = _drop_repeated_title(items, open_table)
        for index, (_, item) in enumerate(items):
            if isinstance(item, TableBlock):
                rows = item.rows
                if index == 0 and open_table is not None:
                    rows = _align(open_table.edges, item)
                    header = open_table.header()
                    while rows and not _has_data(rows[0]) and _row_text(rows[0]) in header:
                        rows = rows[1:]
                        row_no += 1
                    if rows and open_table.rows and _cut_row(open_table.rows[-1], rows[0]):
                        last = open_table.rows[-1]
                        for i, c in enumerate(rows[0]):
                            if c is not None:
                                last[i].text = _join([last[i].text, c.text])
                                last[i].full = c.full
                        rows = rows[1:]
                        row_no += 1
                    for r in rows:
                        row_no += 1
                        open_table.rows.append(r)
                        open_table.pages.append((page.number, row_no))
                    continue
                table = LogicalTable(edges=item.edges, lead=_lead(stream))
                for r in rows:
                    row_no += 1
                    table.rows.append(r)
                    table.pages.append((page.number, row_no))
                stream.append((page.number, table))
                open_table = table
            else:
                stream.append((page.number, item))
                open_table = None
        # a table stays open across the page break only when it ended the page
        if items and not isinstance(items[-1][1], TableBlock):
            open_table = None
    return _emit(stream)


CONTINUED = re.compile(r"^[（(]?续(?:表|上表)?[)）]?$")


def _lead(stream: list[tuple[int, object]]) -> list[str]:
    """Squeezed texts of the free lines right above a new table (its title, number and meta lines)."""
    out = []
    for _, item in reversed(stream[-4:]):
        if not isinstance(item, TextLine):
            break
        out.append(re.sub(r"\s+", "", _text(item.chars)))
    return out


def _drop_repeated_title(
    items: list[tuple[float, object]], table: LogicalTable
) -> list[tuple[float, object]]:
    """A page that repeats the open table's title (and meta lines, or says 续表) before its rows
    continues that table: the repeated lines go, so the rows join it."""
    k = 0
    while k < len(items) and isinstance(items[k][1], TextLine):
        text = re.sub(r"\s+", "", _text(items[k][1].chars))
        if text not in table.lead and not CONTINUED.match(text):
            return items
        k += 1
    if k and k < len(items) and isinstance(items[k][1], TableBlock):
        return items[k:]
    return items


def _in_margin(line: TextLine, page: Page) -> bool:
    return line.top < MARGIN * page.height or line.bottom > (1 - MARGIN) * page.height


def _squeezed(line: TextLine) -> str:
    return re.sub(r"\s+", "", _text(line.chars))


def _running_lines(read: list[tuple[Page, list]]) -> set[str]:
    """Texts printed in the top or bottom margin of at least three pages and half of all: running
    heads and feet (a body's name, a document title), not content."""
    seen: dict[str, int] = {}
    for page, items in read:
        texts = {_squeezed(it) for _, it in items if isinstance(it, TextLine) and _in_margin(it, page)}
        for text in texts:
            seen[text] = seen.get(text, 0) + 1
    return {t for t, n in seen.items() if n >= 3 and 2 * n >= len(read)}


def _cut_row(prev: list[Cell | None], row: list[Cell | None]) -> bool:
    """The first row on a page finishes the last row of the page before (a cell cut by the break)."""
    if _has_data(row) or not any(row):
        return False
    # the cut is recognisable when the row above holds an amount or starts like a row label
    if not (_has_data(prev) or any(c and ROW_LABEL_START.match(c.text) for c in prev)):
        return False
    return all(
        c is None or (prev[i] is not None and prev[i].full and not ROW_LABEL_START.match(c.text))
        for i, c in enumerate(row)
    )


def _emit(stream: list[tuple[int, object]]) -> list[OutLine]:
    out: list[OutLine] = []
    # A page's right text margin: where at least three free lines end (prose set justified); a table
    # page's few free lines (title, meta) have none, and are never joined.
    ends: dict[int, list[TextLine]] = {}
    for page, item in stream:
        if isinstance(item, TextLine):
            ends.setdefault(page, []).append(item)
    margin: dict[int, tuple[float, float]] = {}  # page -> (left, right) edges of its prose
    for page, items in ends.items():
        width = median(c.x1 - c.x0 for ln in items for c in ln.chars)
        # the rightmost edge at least three lines reach: one over-wide line does not set the margin
        right = next(
            (
                r
                for r in sorted((ln.x1 for ln in items), reverse=True)
                if sum(1 for ln in items if r - 1.5 * width <= ln.x1 <= r + 0.5 * width) >= 3
            ),
            None,
        )
        if right is not None:
            margin[page] = (min(ln.x0 for ln in items), right)
    prev_full = False
    for page, item in stream:
        if isinstance(item, TextLine):
            text = _text(item.chars)
            width = median(c.x1 - c.x0 for c in item.chars)
            full = page in margin and item.x1 >= margin[page][1] - 1.5 * width and len(text) >= 12
            indented = page in margin and item.x0 > margin[page][0] + 1.5 * width  # a new paragraph
            if prev_full and out and out[-1].cells is None and not HEADING.match(text) and not indented:
                out[-1].text += text
            else:
                out.append(OutLine(page, text))
            prev_full = full
            continue
        prev_full = False
        table: LogicalTable = item
        keep = [i for i in range(len(table.edges) - 1) if any(r[i] is not None for r in table.rows)]
        for row, (pg, row_no) in zip(table.rows, table.pages, strict=True):
            cells = [row[i].text if row[i] is not None else "" for i in keep]
            if not any(cells):
                continue
            filled = [c for c in cells if c]
            if META_CELL.match(filled[0]) and not any(_is_amount(c) for c in filled):
                out.append(OutLine(pg, " ".join(filled)))  # 部门：… 单位：万元 framed in the table
                continue
            if (
                len(filled) == 1
                and not _has_data(row)
                and cells.index(filled[0]) == 0
                and len(keep) > 2
                and row_no == 1
            ):
                out.append(OutLine(pg, filled[0]))  # a title framed as the table's first row
                continue
            out.append(OutLine(pg, "\t".join(cells), row=row_no, cells=cells))
    return out
