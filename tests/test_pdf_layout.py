"""The PDF layout rules on hand-made pages: geometry in, lines out, no PDF library involved.

Each case draws a small table the way publishers' PDFs do (glyph boxes and ruling segments) and says
which lines a reader must get back: blank cells stay blank, wrapped and merged cells are one cell,
spacer columns vanish, a table cut by a page break is one table.
"""

from __future__ import annotations

import pytest

from scripts.extract.readers.pdf_layout import Char, Page, Seg, read_pages

W = 10.0  # glyph width and height


def text(x: float, top: float, s: str) -> list[Char]:
    return [Char(x + i * W, top, x + (i + 1) * W, top + W, ch) for i, ch in enumerate(s)]


def hline(y: float, x0: float, x1: float) -> Seg:
    return Seg(x0, y, x1, y)


def vline(x: float, y0: float, y1: float) -> Seg:
    return Seg(x, y0, x, y1)


def grid(xs: list[float], ys: list[float]) -> list[Seg]:
    """A fully ruled grid."""
    return [hline(y, xs[0], xs[-1]) for y in ys] + [vline(x, ys[0], ys[-1]) for x in xs]


def page(number: int, chars: list[Char], segs: list[Seg]) -> Page:
    return Page(number, 600.0, 800.0, chars, segs)


def lines_of(*pages: Page) -> list[str]:
    return [line.text for line in read_pages(list(pages))]


def test_blank_cell_stays_blank_and_columns_keep_their_place():
    xs, ys = [50, 200, 300, 400], [100, 120, 140, 160]
    chars = (
        text(55, 105, "项目")
        + text(205, 105, "基本支出")
        + text(305, 105, "项目支出")
        + text(55, 125, "甲")
        + text(340, 125, "5.00")  # 基本支出 blank: the 5.00 is 项目支出's
        + text(55, 145, "乙")
        + text(240, 145, "7.00")
    )
    assert lines_of(page(1, chars, grid(xs, ys))) == [
        "项目\t基本支出\t项目支出",
        "甲\t\t5.00",
        "乙\t7.00\t",
    ]


def test_label_wrapped_inside_its_cell_is_one_label():
    xs, ys = [50, 160, 260], [100, 120, 150]
    chars = text(55, 105, "项目") + text(165, 105, "金额")
    chars += text(52, 122, "2.政府性基金预") + text(52, 136, "算") + text(190, 130, "3.00")
    lines = lines_of(page(1, chars, grid(xs, ys)))
    assert lines[-1] == "2.政府性基金预算\t3.00"


def test_header_cell_merged_over_two_columns_stands_in_the_first_and_leaves_the_other_blank():
    # row 1: 合计 | “三公”经费 (over 2 columns); row 2: | 出国 | 接待; row 3: figures
    ys = [100, 120, 140, 160]
    segs = [hline(y, 50, 350) for y in ys]
    segs += [vline(50, 100, 160), vline(150, 100, 160), vline(350, 100, 160)]
    segs += [vline(250, 120, 160)]  # the rule between 出国 and 接待 starts below the merged cell
    chars = text(55, 105, "合计") + text(170, 105, "“三公”经费")
    chars += text(155, 125, "出国") + text(255, 125, "接待") + text(55, 145, "9.00")
    chars += text(155, 145, "4.00") + text(255, 145, "5.00")
    assert lines_of(page(1, chars, segs)) == ["合计\t“三公”经费\t", "\t出国\t接待", "9.00\t4.00\t5.00"]


def test_cell_merged_down_belongs_to_the_top_row_of_its_span():
    # 一般公共预算资金 spans two rows (no rule under it in its column)
    segs = [hline(100, 50, 350), hline(140, 50, 350), hline(120, 150, 350)]
    segs += [vline(x, 100, 140) for x in (50, 150, 250, 350)]
    chars = text(52, 115, "一般") + text(155, 105, "小计") + text(255, 105, "8.00")
    chars += text(155, 125, "专项收入") + text(255, 125, "8.00")
    assert lines_of(page(1, chars, segs)) == ["一般\t小计\t8.00", "\t专项收入\t8.00"]


def test_empty_spacer_column_is_dropped():
    xs, ys = [50, 150, 160, 260], [100, 120, 140]  # a 10pt column nobody writes in
    chars = text(55, 105, "项目") + text(165, 105, "金额") + text(55, 125, "甲") + text(200, 125, "1.00")
    assert lines_of(page(1, chars, grid(xs, ys))) == ["项目\t金额", "甲\t1.00"]


def _continued_pages(repeat_title: bool) -> list[Page]:
    xs = [50, 135, 300]  # the label column is just wide enough for 8 glyphs: a longer label wraps
    first = text(100, 60, "收支预算总表") + text(55, 105, "项目") + text(205, 105, "金额")
    first += text(52, 125, "八、社会保障和就") + text(240, 125, "1.00")  # cut by the page break
    p1 = page(1, first, grid(xs, [100, 120, 140]))
    second = text(52, 105, "业支出") + text(55, 125, "九、住房保障支出") + text(240, 125, "2.00")
    top = 100
    if repeat_title:  # the title and header again, then the rest
        second = text(100, 40, "收支预算总表") + text(55, 65, "项目") + text(205, 65, "金额")
        second += text(55, 85, "九、住房保障支出") + text(240, 85, "2.00")
        return [p1, page(2, second, grid(xs, [60, 80, 100]))]
    second += text(280, 780, "2")  # a page number
    return [p1, page(2, second, grid(xs, [top, 120, 140]))]


def test_row_cut_by_a_page_break_is_joined_and_the_page_number_dropped():
    assert lines_of(*_continued_pages(repeat_title=False)) == [
        "收支预算总表",
        "项目\t金额",
        "八、社会保障和就业支出\t1.00",
        "九、住房保障支出\t2.00",
    ]


def test_table_continued_under_a_repeated_title_and_header_is_one_table():
    assert lines_of(*_continued_pages(repeat_title=True)) == [
        "收支预算总表",
        "项目\t金额",
        "八、社会保障和就\t1.00",
        "九、住房保障支出\t2.00",
    ]


def test_text_outside_the_page_box_is_invisible_and_not_read(tmp_path):
    from scripts.extract.readers.pdf import pages_of

    pdf = _pdf_with_text([("可见的标题", 700), ("看不见的副本", -200)])
    assert [line.text for line in read_pages(pages_of(pdf, "x.pdf"))] == ["可见的标题"]


def test_rows_record_their_page_and_row():
    lines = read_pages(_continued_pages(repeat_title=False))
    rows = [(line.page, line.row) for line in lines if line.cells]
    assert rows == [(1, 1), (1, 2), (2, 2)]


def _pdf_with_text(items: list[tuple[str, float]]) -> bytes:
    """A one-page PDF with CJK text at the given heights (PDF coordinates, origin bottom left)."""
    content = "".join(
        f"BT /F1 12 Tf 72 {y} Td <{s.encode('utf-16-be').hex()}> Tj ET\n" for s, y in items
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


@pytest.fixture(scope="module")
def text_pdf() -> bytes:
    return _pdf_with_text([("这不是预算公开文件", 700), ("只是一段文字", 680)])


def test_hand_made_pdf_is_read(text_pdf):
    from scripts.extract.readers import read_document

    assert [line.text for line in read_document(text_pdf, "x.pdf")] == ["这不是预算公开文件", "只是一段文字"]


def test_unruled_table_is_read_from_word_positions_and_keeps_blank_cells():
    chars = text(50, 100, "项目") + text(200, 100, "基本支出") + text(320, 100, "项目支出")
    chars += text(50, 120, "甲") + text(210, 120, "1.00") + text(330, 120, "2.00")
    chars += text(50, 140, "乙") + text(330, 140, "3.00")  # 基本支出 blank: 3.00 stays under 项目支出
    assert lines_of(page(1, chars, [])) == ["项目\t基本支出\t项目支出", "甲\t1.00\t2.00", "乙\t\t3.00"]


def test_running_header_repeated_on_every_page_is_dropped():
    pages = [
        page(n, text(250, 20, "某某单位部门预算") + text(50, 300, f"第{n}页的正文内容"), [])
        for n in (1, 2, 3)
    ]
    assert lines_of(*pages) == ["第1页的正文内容", "第2页的正文内容", "第3页的正文内容"]
