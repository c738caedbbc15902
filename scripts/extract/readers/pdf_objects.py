"""A PDF's page objects (pypdfium2, Apache-2.0/BSD): PDF bytes -> pages of glyph boxes and ruling segments.

Coordinates: PDF points, origin at the top-left of the visible page box (the cropbox, falling back to
the mediabox), x to the right, y down, after the page's /Rotate is applied -- i.e. as the page is shown.
For the usual box at the origin this is exactly pdfplumber's convention (x0, top, x1, bottom).

Chars: pdfium's text page, boxed as pdfminer/pdfplumber box them: along the writing direction pdfium's
loose box (origin .. origin + advance), across it baseline + font descent .. + effective font size
(pdfium's loose box uses other vertical metrics: up to 1.5 pt off for Latin fonts). Chars pdfium
generates itself (inferred spaces, line breaks) and control chars are skipped. Real spaces are kept;
pdfium's text page drops text objects that paint only spaces (Word writes many), so those are added
back from the page objects (see _blank_spaces, `edge_spaces`). Chars outside the visible page box
(invisible duplicates publishers leave off-page) are dropped.

Segments: path objects (also inside form XObjects), points mapped by the object's matrix. A closed
axis-aligned four-corner subpath is a rectangle: one segment when thinner than 3 pt, else its four
edges; a rectangle covering more than half the page is a background and dropped. Other subpaths give
their axis-aligned straight pieces; diagonals and curves are ignored.

Errors: PdfEncryptedError (password needed / wrong password), PdfDamagedError (not a PDF, or broken
beyond pdfium's repair), both PdfReadError. A page pdfium cannot load comes back empty and is listed in
`PageList.failed_pages`; pages without any text are listed in `PageList.no_text_pages`.
"""

from __future__ import annotations

import bisect
import ctypes
import os
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as R

from scripts.extract.readers.pdf_layout import Char, Page, Seg

__all__ = ["PageList", "PdfDamagedError", "PdfEncryptedError", "PdfReadError", "pages_of"]

_SKIP_STR = frozenset("\r\n\t\x0b\x0c\x00\x02\x03\ufffe\ufeff")  # control chars pdfium reports
_EDGE_TOL = 1.0  # a piece of path this close to horizontal / vertical counts as a rule
_THIN = 3.0  # a rectangle thinner than this is itself a rule


class PdfReadError(Exception):
    """The PDF cannot be read."""


class PdfEncryptedError(PdfReadError):
    """The PDF is encrypted and needs a (correct) password."""


class PdfDamagedError(PdfReadError):
    """The file is not a PDF or is damaged beyond repair."""


class PageList(list):
    """The pages (a plain list for pdf_layout) plus what the backend noticed on the way."""

    def __init__(self) -> None:
        super().__init__()
        self.no_text_pages: list[int] = []  # 1-based: pages whose text layer holds no glyph
        self.failed_pages: list[int] = []  # 1-based: pages pdfium could not load (returned empty)
        self.rotated_pages: list[int] = []  # 1-based: pages with /Rotate != 0


def _open(src, password: str | None):
    if isinstance(src, (bytes, bytearray, memoryview)):
        src = bytes(src)
        if not src:
            raise PdfDamagedError("empty input")
    elif isinstance(src, (str, os.PathLike)):
        if not os.path.isfile(src):
            raise FileNotFoundError(src)
    try:
        return pdfium.PdfDocument(src, password=password)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == R.FPDF_ERR_PASSWORD:
            raise PdfEncryptedError(
                f"encrypted PDF: {'wrong password' if password else 'a password is needed'}"
            ) from e
        if code == R.FPDF_ERR_SECURITY:
            raise PdfEncryptedError(f"unsupported security handler: {e}") from e
        if code == R.FPDF_ERR_FILE:
            raise PdfReadError(f"cannot read the file: {e}") from e
        raise PdfDamagedError(f"damaged or not a PDF: {e}") from e


def _view_transform(rot: int, bx0: float, by0: float, bx1: float, by1: float):
    """Raw page space -> the page as shown (x right, top down, origin at the visible box's top-left,
    /Rotate applied clockwise like pdfminer does): coefficients (p, q, r, s, t, u) with
    x = p*X + q*Y + r and top = s*X + t*Y + u; plus the shown width and height."""
    if rot == 1:  # 90 clockwise
        return (0.0, 1.0, -by0, 1.0, 0.0, -bx0), by1 - by0, bx1 - bx0
    if rot == 2:
        return (-1.0, 0.0, bx1, 0.0, 1.0, -by0), bx1 - bx0, by1 - by0
    if rot == 3:
        return (0.0, -1.0, by1, -1.0, 0.0, bx1), by1 - by0, bx1 - bx0
    return (1.0, 0.0, -bx0, 0.0, -1.0, by1), bx1 - bx0, by1 - by0


def _pdfium_lib():
    import pypdfium2_raw
    import pypdfium2_raw.bindings as B

    try:
        return B._libs["pdfium"]  # the library pypdfium2 loaded (private attribute)
    except (AttributeError, KeyError):
        import pathlib

        here = pathlib.Path(pypdfium2_raw.__file__).parent
        return ctypes.CDLL(
            str(
                next(
                    p for p in here.iterdir() if "pdfium" in p.name and p.suffix in (".so", ".dll", ".dylib")
                )
            )
        )


_LIB = _pdfium_lib()


def _fast(name: str, restype, *argtypes):
    """A fresh ctypes handle on a pdfium function with plain (c_void_p / int) types: the per-char
    calls are the backend's hot loop and pypdfium2's pointer-type conversions cost more than the calls."""
    fn = _LIB[name]
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_VP, _I, _D, _F = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_float
_PD = ctypes.POINTER(ctypes.c_double)
_get_unicode = _fast("FPDFText_GetUnicode", ctypes.c_uint, _VP, _I)
_is_generated = _fast("FPDFText_IsGenerated", _I, _VP, _I)
_loose_box = _fast("FPDFText_GetLooseCharBox", _I, _VP, _I, ctypes.POINTER(R.FS_RECTF))
_char_origin = _fast("FPDFText_GetCharOrigin", _I, _VP, _I, _PD, _PD)
_text_object = _fast("FPDFText_GetTextObject", _VP, _VP, _I)
_count_segments = _fast("FPDFPath_CountSegments", _I, _VP)
_path_segment = _fast("FPDFPath_GetPathSegment", _VP, _VP, _I)
_segment_type = _fast("FPDFPathSegment_GetType", _I, _VP)
_segment_point = _fast("FPDFPathSegment_GetPoint", _I, _VP, ctypes.POINTER(_F), ctypes.POINTER(_F))
_segment_close = _fast("FPDFPathSegment_GetClose", _I, _VP)


def _font_metrics(textpage, i: int) -> list:
    """For the text object of char i: [axis, effective font size, descent per unit of size, stable,
    offset]. axis: the direction "up" of the glyphs in raw page space (1 +y, 2 -y, 3 +x, 4 -x, 0 not
    axis-aligned); effective size = Tf size times the text matrix's vertical scale; descent as pdfminer
    uses it (the font's /Descent / 1000). stable: pdfium's loose box has fixed font-wide vertical
    metrics (ascent != descent), so the offset from its edge to pdfminer's, measured once on the
    object's first char, holds for all its chars (offset: filled in by _chars)."""
    m = R.FS_MATRIX()
    if not R.FPDFText_GetMatrix(textpage, i, m):
        return [0, 0.0, 0.0, False, None]
    size = R.FPDFText_GetFontSize(textpage, i)
    scale = (m.c * m.c + m.d * m.d) ** 0.5
    descent = 0.0
    stable = False
    obj = R.FPDFText_GetTextObject(textpage, i)
    if obj:
        font = R.FPDFTextObj_GetFont(obj)
        d, a = ctypes.c_float(), ctypes.c_float()
        if font and R.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(d)):
            descent = d.value / 1000.0
            if descent > 0:
                descent = -descent
            if R.FPDFFont_GetAscent(font, ctypes.c_float(1000.0), ctypes.byref(a)):
                stable = a.value != d.value
    if scale == 0 or size <= 0:
        return [0, 0.0, descent, False, None]
    ux, uy = m.c / scale, m.d / scale
    axis = 1 if uy >= 0.7 else 2 if uy <= -0.7 else 3 if ux >= 0.7 else 4 if ux <= -0.7 else 0
    return [axis, size * scale, descent, stable, None]


def _page_text(textpage, n: int) -> str | None:
    """All n chars' text in one call; None when pdfium's text indices do not map 1:1 to chars."""
    buf = (ctypes.c_ushort * (n + 1))()
    k = R.FPDFText_GetText(textpage, 0, n, buf)
    if k - 1 != n:
        return None
    return bytes(buf)[: 2 * n].decode("utf-16-le", errors="surrogatepass")


def _chars(textpage, view, W: float, H: float) -> tuple[list[Char], int]:
    """Visible glyphs of the page, and the count of all glyphs (visible or not).

    Box of a glyph as pdfminer makes it: along the writing direction pdfium's loose box (origin to
    origin + advance); across it, from the baseline + descent to that + the effective font size."""
    n = R.FPDFText_CountChars(textpage)
    if n <= 0:
        return [], 0
    tp = ctypes.cast(textpage, ctypes.c_void_p).value
    text = _page_text(textpage, n)
    out: list[Char] = []
    glyphs = 0
    rect = R.FS_RECTF()
    rp = ctypes.byref(rect)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    oxp, oyp = ctypes.byref(ox), ctypes.byref(oy)
    get_unicode, is_generated, loose_box, char_origin, text_object = (
        _get_unicode,
        _is_generated,
        _loose_box,
        _char_origin,
        _text_object,
    )
    skip = _SKIP_STR
    vp, vq, vr, vs, vt, vu = view
    xmin, xmax, ymin, ymax = -1.0, W + 1.0, -1.0, H + 1.0
    metrics: dict[int, list] = {}
    last_obj = -1
    mt: list = [0, 0.0, 0.0, False, None]
    for i in range(n):
        if text is not None:
            ch = text[i]
        else:
            ch = chr(get_unicode(tp, i))
        if ch in skip or ch < " ":
            continue
        if ch == " ":
            if is_generated(tp, i) == 1:  # pdfium only ever generates spaces and line breaks
                continue
        else:
            glyphs += 1
        if not loose_box(tp, i, rp):
            continue
        left, b, r, t = rect.left, rect.bottom, rect.right, rect.top
        obj = text_object(tp, i) or 0
        if obj != last_obj:
            last_obj = obj
            mt = metrics.get(obj)
            if mt is None:
                mt = metrics[obj] = _font_metrics(textpage, i)
        axis = mt[0]
        if axis:
            # the extent across the writing direction: pdfminer's baseline + descent .. + font size
            size = mt[1]
            off = mt[4]
            if off is None:
                if not char_origin(tp, i, oxp, oyp):
                    axis = 0
                else:
                    d = mt[2] * size
                    if axis == 1:
                        off = oy.value + d - b
                    elif axis == 2:
                        off = oy.value - d - t
                    elif axis == 3:
                        off = ox.value + d - left
                    else:
                        off = ox.value - d - r
                    if mt[3]:
                        mt[4] = off
            if axis == 1:
                b += off
                t = b + size
            elif axis == 2:
                t += off
                b = t - size
            elif axis == 3:
                left += off
                r = left + size
            elif axis == 4:
                r += off
                left = r - size
        x0 = vp * left + vq * t + vr
        x1 = vp * r + vq * b + vr
        if x0 > x1:
            x0, x1 = x1, x0
        top = vs * left + vt * t + vu
        bottom = vs * r + vt * b + vu
        if top > bottom:
            top, bottom = bottom, top
        if x0 >= xmin and x1 <= xmax and top >= ymin and bottom <= ymax:
            if "\ud800" <= ch <= "\udfff":  # surrogate half: rebuild the pair
                ch = _text_at(textpage, i)
            out.append(Char(x0, top, x1, bottom, ch))
    return out, glyphs


def _text_at(textpage, i: int) -> str:
    buf = (ctypes.c_ushort * 3)()
    k = R.FPDFText_GetText(textpage, i, 2, buf)
    return bytes(buf)[: max(0, k - 1) * 2].decode("utf-16-le", errors="ignore")[:1] or "\ufffd"


def _mul(m1, m2):
    """m1 then m2 (PDF row-vector convention), matrices as (a, b, c, d, e, f)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


class _SegCollector:
    def __init__(self, view, W: float, H: float, textpage=None) -> None:
        self.view = view
        self.textpage = textpage
        self.blank_text: list[tuple[float, float, float, float]] = []  # see _blank_text
        self.W, self.H = W, H
        self.segs: list[Seg] = []
        self._m = R.FS_MATRIX()
        self._x = ctypes.c_float()
        self._y = ctypes.c_float()
        self._fill = ctypes.c_int()
        self._tbuf = (ctypes.c_ushort * 4)()
        self._fs = ctypes.c_float()
        self._stroke = ctypes.c_int()

    def walk(self, count, get, outer) -> None:
        for i in range(count):
            obj = get(i)
            if not obj:
                continue
            t = R.FPDFPageObj_GetType(obj)
            if t == R.FPDF_PAGEOBJ_PATH:
                self.path(obj, outer)
            elif t == R.FPDF_PAGEOBJ_TEXT:
                if self.textpage is not None:
                    self._blank_text(obj, outer)
            elif t == R.FPDF_PAGEOBJ_FORM:
                m = self._matrix(obj)
                inner = m if outer is None else _mul(m, outer)
                self.walk(
                    R.FPDFFormObj_CountObjects(obj), lambda k, o=obj: R.FPDFFormObj_GetObject(o, k), inner
                )

    def _blank_text(self, obj, outer) -> None:
        """A text object pdfium's text page shows nothing of: one that paints only spaces (Word writes
        a space between differently formatted runs as its own object). Noted as (x, baseline, size,
        descent) in view space, horizontal text only; _blank_spaces turns them into space chars as
        pdfminer reports them."""
        buf = self._tbuf
        if R.FPDFTextObj_GetText(obj, self.textpage, buf, 8) > 2:
            return
        _, _, c, d, e, f = self._matrix(obj) if outer is None else _mul(self._matrix(obj), outer)
        fs = self._fs
        if not R.FPDFTextObj_GetFontSize(obj, fs):
            return
        vp, vq, vr, vs, vt, vu = self.view
        # up vector (c, d) in view space must point up the page (view y grows downwards)
        uyv = vs * c + vt * d
        scale = (c * c + d * d) ** 0.5
        if scale == 0 or uyv > -0.7 * scale:
            return
        descent = 0.0
        font = R.FPDFTextObj_GetFont(obj)
        dv = ctypes.c_float()
        if font and R.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(dv)):
            descent = -abs(dv.value) / 1000.0
        self.blank_text.append((vp * e + vq * f + vr, vs * e + vt * f + vu, fs.value * scale, descent))

    def _matrix(self, obj):
        m = self._m
        if not R.FPDFPageObj_GetMatrix(obj, m):
            return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def path(self, obj, outer) -> None:
        if (
            R.FPDFPath_GetDrawMode(obj, self._fill, self._stroke)
            and not self._fill.value
            and not self._stroke.value
        ):
            return  # neither filled nor stroked: paints nothing
        h = ctypes.cast(obj, ctypes.c_void_p).value
        n = _count_segments(h)
        if n < 2:
            return
        a, b, c, d, e, f = self._matrix(obj) if outer is None else _mul(self._matrix(obj), outer)
        vp, vq, vr, vs, vt, vu = self.view
        x, y = self._x, self._y
        xp, yp = ctypes.byref(x), ctypes.byref(y)
        moveto, lineto = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO
        subpaths: list[tuple[list[tuple[float, float]], bool]] = []
        pts: list[tuple[float, float]] = []
        closed = False
        curved = False
        for i in range(n):
            seg = _path_segment(h, i)
            kind = _segment_type(seg)
            _segment_point(seg, xp, yp)
            px, py = x.value, y.value
            X, Y = a * px + c * py + e, b * px + d * py + f
            p = (vp * X + vq * Y + vr, vs * X + vt * Y + vu)
            if kind == moveto:
                if len(pts) >= 2 and not curved:
                    subpaths.append((pts, closed))
                pts, closed, curved = [p], False, False
                continue
            if kind != lineto:
                curved = True  # a Bezier piece: the subpath is a curve, not a rule
            pts.append(p)
            if _segment_close(seg):
                closed = True
        if len(pts) >= 2 and not curved:
            subpaths.append((pts, closed))
        for pts, closed in subpaths:
            self._subpath(pts, closed)

    def _subpath(self, pts: list[tuple[float, float]], closed: bool) -> None:
        if closed and pts[-1] != pts[0]:
            pts = pts + [pts[0]]
        corners = pts[:-1] if len(pts) == 5 and _near(pts[0], pts[-1]) else None
        if corners is not None and _is_rect(corners):
            xs = [p[0] for p in corners]
            ys = [p[1] for p in corners]
            self._rect(min(xs), min(ys), max(xs), max(ys))
            return
        for (x0, y0), (x1, y1) in pairwise(pts):
            if abs(x1 - x0) <= _EDGE_TOL or abs(y1 - y0) <= _EDGE_TOL:
                self._add(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def _rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        w, h = x1 - x0, bottom - top
        if w * h > 0.5 * self.W * self.H:
            return  # page background / frame fill
        if w <= _THIN or h <= _THIN:
            self._add(x0, top, x1, bottom)
        else:
            self._add(x0, top, x1, top)
            self._add(x0, bottom, x1, bottom)
            self._add(x0, top, x0, bottom)
            self._add(x1, top, x1, bottom)

    def _add(self, x0: float, top: float, x1: float, bottom: float) -> None:
        if x1 >= 0 and x0 <= self.W and bottom >= 0 and top <= self.H:
            self.segs.append(Seg(x0, top, x1, bottom))


def _blank_spaces(chars: list[Char], blanks, edges: bool) -> list[Char]:
    """Space chars for the blank text objects (pdfminer reports their spaces; pdfium's text page
    drops such objects). Between two glyphs of a line: a space a reader sees, spanning the gap.
    Elsewhere (line ends, blank lines) only with `edges`, half an em wide (the width these fonts give a
    space): invisible, but pdfplumber has them and the layout margin / blank-line logic reacts to them.
    A blank object with a glyph right at its origin is a dropped duplicate, not a space."""
    out: list[Char] = []
    if not blanks:
        return out
    by_top = sorted(chars, key=lambda c: c.top)
    tops = [c.top for c in by_top]
    tallest = max((c.bottom - c.top for c in chars), default=0.0)
    for x, base, size, descent in blanks:
        bottom = base - descent * size
        top = bottom - size
        prev = nxt = None
        covered = False
        for k in range(bisect.bisect_left(tops, base - tallest), bisect.bisect_right(tops, base)):
            ch = by_top[k]
            if ch.bottom < base:  # the glyph's line is not the blank's baseline
                continue
            if -0.05 * size <= ch.x0 - x < 0.1 * size:
                covered = True
                break
            if -0.3 * size <= x - ch.x1 <= 0.05 * size and (prev is None or ch.x1 > prev.x1):
                prev = ch
            elif 0.1 * size <= ch.x0 - x <= 1.05 * size and (nxt is None or ch.x0 < nxt.x0):
                nxt = ch
        if covered:
            continue
        if prev is not None and nxt is not None:
            out.append(Char(x, top, nxt.x0, bottom, " "))
        elif edges:
            out.append(Char(x, top, x + 0.5 * size, bottom, " "))
    return out


def _near(p, q, tol: float = 0.01) -> bool:
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


def _is_rect(c: list[tuple[float, float]], tol: float = 0.01) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = c
    eq = lambda u, v: abs(u - v) <= tol  # noqa: E731
    return (eq(x0, x1) and eq(y1, y2) and eq(x2, x3) and eq(y3, y0)) or (
        eq(y0, y1) and eq(x1, x2) and eq(y2, y3) and eq(x3, x0)
    )


def pages_of(src, password: str | None = None, edge_spaces: bool = False) -> PageList:
    """A PDF (path or bytes) -> PageList of pdf_layout Pages. Raises PdfReadError subclasses.

    edge_spaces: also report the spaces of blank text objects at line ends and on blank lines, as
    pdfplumber does (True: read_pages gives pdfplumber's output). They are invisible; False gives
    fewer empty lines and better joined paragraphs."""
    doc = _open(src, password)
    out = PageList()
    try:
        box = R.FS_RECTF()
        for index in range(len(doc)):
            number = index + 1
            page = R.FPDF_LoadPage(doc, index)
            if not page:
                out.failed_pages.append(number)
                out.append(Page(number, 0.0, 0.0, [], []))
                continue
            try:
                if R.FPDF_GetPageBoundingBox(page, box):
                    bx0, bx1 = sorted((box.left, box.right))
                    by0, by1 = sorted((box.bottom, box.top))
                else:
                    bx0, by0 = 0.0, 0.0
                    bx1, by1 = R.FPDF_GetPageWidthF(page), R.FPDF_GetPageHeightF(page)
                rot = R.FPDFPage_GetRotation(page) % 4
                if rot:
                    out.rotated_pages.append(number)
                view, W, H = _view_transform(rot, bx0, by0, bx1, by1)
                textpage = R.FPDFText_LoadPage(page)
                chars: list[Char] = []
                glyphs = 0
                try:
                    if textpage:
                        chars, glyphs = _chars(textpage, view, W, H)
                    col = _SegCollector(view, W, H, textpage or None)
                    col.walk(
                        R.FPDFPage_CountObjects(page), lambda k, p=page: R.FPDFPage_GetObject(p, k), None
                    )
                finally:
                    if textpage:
                        R.FPDFText_ClosePage(textpage)
                if glyphs == 0:
                    out.no_text_pages.append(number)
                chars += _blank_spaces(chars, col.blank_text, edge_spaces)
                out.append(Page(number, W, H, chars, col.segs))
            finally:
                R.FPDF_ClosePage(page)
    finally:
        doc.close()
    return out
