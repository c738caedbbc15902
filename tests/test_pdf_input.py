"""PDF input at the command line and in the segmenter: table title forms, two files, and bad PDFs.

Bad PDFs end with a clear message (file, what was expected, a hint), exit code 1, never a traceback,
and one bad file does not stop a build of the others.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build import registry
from scripts.extract.model import Line
from scripts.extract.segment import segment

ROOT = Path(__file__).resolve().parent.parent
META = "部门：某某单位\t\t单位：万元".replace("\t\t", " ")
ROWS = ["项目\t金额", "合计\t1.00"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=cwd, capture_output=True, text=True)


def _lines(texts: list[str]) -> list[Line]:
    return [Line(no, text, page=1) for no, text in enumerate(texts, start=1)]


@pytest.mark.parametrize(
    ("texts", "number", "title"),
    [
        (["公开01表", "收支预算总表", META, *ROWS], "公开01表", "收支预算总表"),
        (["公开 01 表：收支预算总表", META, *ROWS], "公开01表", "收支预算总表"),
        (["收支预算总表", "公开表一", META, *ROWS], "公开表一", "收支预算总表"),
        (["收支预算总表公开表一", META, *ROWS], "公开表一", "收支预算总表"),
        (["表一", "收支预算总表", META, *ROWS], "表一", "收支预算总表"),
        (["表一 收支预算总表", META, *ROWS], "表一", "收支预算总表"),
        (["收支预算总表", META, *ROWS], None, "收支预算总表"),
        (["一、收支预算总表", META, *ROWS], None, "收支预算总表"),
        (
            ["“三公”经费、会议费、培训费支出预算", "表", META, "合计\t“三公”经费", "1.00\t1.00"],
            None,
            "“三公”经费、会议费、培训费支出预算表",
        ),
    ],
)
def test_every_title_form_opens_its_table(texts, number, title):
    tables = segment(_lines(texts))
    assert [(t.kind, t.number, t.title) for t in tables][:1] == [
        ("three_public" if "三公" in title else "budget_summary", number, title)
    ]
    assert tables[0].org_name == "某某单位" and tables[0].unit == "万元"
    assert tables[0].rows[0].cells == texts[-2].split("\t")


def test_the_same_words_in_the_toc_and_a_prose_heading_are_not_titles():
    texts = [
        "目录",
        "一、收支预算总表",
        "二、收入预算总表",
        "三、支出预算总表",
        "第三部分 情况说明",
        "一、收支预算总表情况说明",
        "本表反映部门年度总体收支预算情况。",
    ]
    assert segment(_lines(texts)) == []


def test_a_title_repeated_on_the_next_page_continues_its_table_without_the_repeated_header():
    texts = [
        "公开12表",
        "政府采购预算表",
        META,
        "采购品目大类\t总计",
        "合计\t3.00",
        "一、货物A\t1.00",
        "政府采购预算表",
        META,
        "采购品目大类\t总计",
        "三、服务C\t2.00",
    ]
    tables = segment(_lines(texts))
    assert len(tables) == 1
    assert [r.cells for r in tables[0].rows] == [
        ["采购品目大类", "总计"],
        ["合计", "3.00"],
        ["一、货物A", "1.00"],
        ["三、服务C", "2.00"],
    ]


# ------------------------------------------------------------------------------------------ bad PDFs


def _corpus_pdf() -> Path:
    return next(p for e in registry.entries() for p in e["paths"] if p.suffix == ".pdf")


def _scanned(tmp_path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(100, 700, 40):  # a ruled table, as a picture
        draw.line([(50, y), (550, y)], fill="black", width=2)
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF", resolution=72.0)
    return path


def _encrypted(tmp_path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(_corpus_pdf()).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _damaged(tmp_path: Path) -> Path:
    data = _corpus_pdf().read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[:2000])  # the header and the start of the first object, nothing else
    return path


def _prose_only(tmp_path: Path) -> Path:
    entry = next(e for e in registry.entries() if len(e["paths"]) == 2)
    path = tmp_path / "prose.pdf"
    shutil.copyfile(entry["paths"][0], path)  # the 情况说明 half of a two-file disclosure
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_scanned, ["no text layer", "pages 1", "OCR"]),
        (_encrypted, ["encrypted", "unprotected copy"]),
        (_damaged, ["cannot be read", "damaged"]),
        (_prose_only, ["no budget table found", "the document begins:"]),
    ],
    ids=["scanned", "encrypted", "damaged", "not-a-budget"],
)
def test_bad_pdf_gets_a_clear_message(tmp_path, make, words):
    path = make(tmp_path)
    result = run("package", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "expected" in result.stderr and "hint:" in result.stderr
    for word in words:
        assert word in result.stderr
    assert not (tmp_path / "out").exists()


def test_one_bad_pdf_does_not_stop_the_build_of_the_others(tmp_path):
    """A registry with a damaged PDF and a good one: the good one is built, the command exits 1."""
    work = tmp_path / "disclosures"
    work.mkdir()
    good = _corpus_pdf()
    entry = next(e for e in registry.entries() if good in e["paths"])
    bad = _damaged(tmp_path)
    entries = []
    for name, src, slug in (("good.pdf", good, "good-2017"), ("bad.pdf", bad, "bad-2017")):
        shutil.copyfile(src, work / name)
        entries.append(
            {k: v for k, v in entry.items() if k not in ("path", "paths", "parts", "body")}
            | {"file": name, "slug": slug, "sha256": registry.sha256_of(work / name), "received_as": name}
        )
    (work / "registry.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "packages"
    result = run("build", "--registry", str(work / "registry.json"), "--out", str(out), "--no-cache")
    assert result.returncode == 1, result.stderr
    assert "bad.pdf" in result.stderr and "Traceback" not in result.stderr
    assert (out / "good-2017" / "datapackage.json").is_file()
    assert not (out / "bad-2017").exists()
