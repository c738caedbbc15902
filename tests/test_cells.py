"""Cell repair: table-driven cases from the seeds, and Hypothesis round trips."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scripts.errors import CellError
from scripts.extract import cells


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("5,372.82", "5372.82"),
        ("1, 091. 871800", "1091.871800"),  # OCR spaces (002)
        ("241. 380000", "241.380000"),
        ("263.108814", "263.108814"),
        ("9.5", "9.5"),  # published precision is kept, not padded
        ("0.00", "0.00"),  # an explicit zero is not a blank
        ("-12.30", "-12.30"),
        ("１２３．４", "123.4"),  # full-width digits
        ("", None),
        ("   ", None),
        (None, None),
        ("-", None),
    ],
)
def test_amount(text, digits):
    assert cells.amount(text) == digits


@pytest.mark.parametrize(
    "text", ["1,2,3.4.5", "12,34", "abc", "1.2.3", "5372.82万元", "１,２", "86869957 86869832"]
)
def test_amount_rejects_garbage_with_line(text):
    with pytest.raises(CellError) as info:
        cells.amount(text, line=42)
    assert info.value.line == 42
    assert "expected" in str(info.value)


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("2120101-行政运行", "2120101", "行政运行"),
        ("0630 01- 北京 市东 城区 城市 管理 指挥 中心", "063001", "北京市东城区城市管理指挥中心"),
        (
            "110101 22T000 000402 122-东城区“接诉即办”坐席辅助项目",
            "11010122T000000402122",
            "东城区“接诉即办”坐席辅助项目",
        ),
        ("11010522T00000043 7074-政府热线经费", "11010522T000000437074", "政府热线经费"),
        (
            "[2010399]其他政府办公厅（室）及相关机构事务支出",
            "2010399",
            "其他政府办公厅（室）及相关机构事务支出",
        ),
        ("C-服务", "C", "服务"),
        ("50209-维修(护)费", "50209", "维修(护)费"),
        ("合 计", None, "合计"),
        ("北京市东城区城市管理指挥中心", None, "北京市东城区城市管理指挥中心"),
    ],
)
def test_code_name(text, code, name):
    assert cells.code_name(text) == (code, name)


@pytest.mark.parametrize(
    ("text", "number", "rest", "level"),
    [
        ("一、一般公共预算拨款收入", "一", "一般公共预算拨款收入", 1),
        ("（二十一）粮油物资储备支出", "二十一", "粮油物资储备支出", 2),
        ("廿一、灾害防治及应急管理支出", "廿一", "灾害防治及应急管理支出", 1),
        ("本年收入合计", None, "本年收入合计", None),
    ],
)
def test_enumerator(text, number, rest, level):
    assert cells.split_enumerator(text) == (number, rest)
    assert cells.enumerator_level(text) == level


def _grouped(integer: int) -> str:
    return f"{integer:,}"


@given(
    integer=st.integers(min_value=-(10**12), max_value=10**12),
    fraction=st.text(alphabet="0123456789", min_size=0, max_size=6),
    group=st.booleans(),
    spaces=st.lists(st.integers(min_value=0, max_value=30), max_size=3),
)
def test_amount_round_trip_through_ocr_damage(integer, fraction, group, spaces):
    """Whatever thousands separators and stray spaces extraction adds, the published digits come back."""
    plain = f"{integer}" + (f".{fraction}" if fraction else "")
    shown = (_grouped(integer) if group else f"{integer}") + (f".{fraction}" if fraction else "")
    for pos in sorted(spaces, reverse=True):
        if 0 < pos < len(shown) and shown[pos - 1] in ",.":
            shown = shown[:pos] + " " + shown[pos:]
    assert cells.amount(shown) == plain


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_yuan_to_wan_is_exact(value):
    digits = format(value, "f")
    wan = cells.to_wan(digits, "元")
    assert Decimal(wan) * 10000 == Decimal(digits)
    assert "e" not in wan.lower()


@given(st.text(alphabet="北京市东城区城市管理指挥中心“”（）姚欢朱顺超科 ", min_size=1, max_size=30))
def test_label_never_keeps_space_between_chinese_characters(text):
    """Only spaces go, and a space stays only between two listed names (two people, two offices)."""
    out = cells.label(text)
    assert out == out.strip()
    assert out.replace(" ", "") == text.replace(" ", "")  # only spaces go
    tokens = out.split(" ")
    for left, right in itertools.pairwise(tokens):
        if left and right:
            assert cells._two_items(left, right), out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("姚欢 朱顺超", "姚欢 朱顺超"),  # two people (青山, 项目负责人)
        ("综合受理科 城运管理科", "综合受理科 城运管理科"),  # two offices (项目执行单位)
        ("北京 市东 城区 城市 管理 指挥 中心", "北京市东城区城市管理指挥中心"),  # OCR-split words
        ("管理 指挥 中心", "管理指挥中心"),
        ("王 小明", "王小明"),  # a single character is a fragment
        ("合 计", "合计"),
        ("86869957 86869832", "86869957 86869832"),
        ("财政局 教育局", "财政局 教育局"),  # the shortest offices: three characters
        ("张家港市 李四", "张家港市李四"),  # four characters are a place, not a person
        ("王五 办公费", "王五办公费"),  # a person beside a word: one label split by extraction
        ("财政局 经费", "财政局经费"),  # an office beside a word: likewise
        ("2019 年预算", "2019 年预算"),  # a space beside a digit is not between Chinese characters
        ("年预算 2019", "年预算 2019"),
    ],
)
def test_label_repairs_split_words_without_gluing_two_names(text, expected):
    assert cells.label(text) == expected


# --- edges the mutation run found untested ---------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "wan"),
    [
        ("0.001", "0.0000001"),  # never exponent notation ("1E-7"), however small
        ("0.01", "0.000001"),
        ("0", "0.0000"),
        ("10000", "1.0000"),
        ("123456789012.50", "12345678.901250"),
        ("-5", "-0.0005"),
    ],
)
def test_yuan_to_wan_is_plain_digits(digits, wan):
    assert cells.to_wan(digits, "元") == wan
    assert cells.to_wan(digits, "万元") == digits
    assert cells.to_wan(None, "元") is None


def test_unknown_unit_is_an_error():
    with pytest.raises(CellError):
        cells.to_wan("1", "千元")


@pytest.mark.parametrize("text", ["12.", ".5", "1,2345.00", "12,34", "1 2", "1.2.3", "--1", "1-"])
def test_not_an_amount(text):
    with pytest.raises(CellError):
        cells.amount(text)
    assert not cells.looks_like_amount(text)


@pytest.mark.parametrize("text", ["/", "—", "——", "－", " - ", "\t"])
def test_blank_marks(text):
    assert cells.is_blank(text) and cells.amount(text) is None


def test_full_width_minus_and_separators():
    assert cells.amount("－12.30") == "-12.30"
    assert cells.amount("１，０９１．８７") == "1091.87"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (None, ""),
        ("一般\u00a0公共", "一般公共"),  # no-break space between Chinese characters is damage too
        ("A\u00a0B", "A B"),  # ...but kept as a space between Latin letters
        ("一般\u3000公共 服务", "一般公共服务"),  # ideographic space
        ("\u00a0 行政运行 \u3000", "行政运行"),
        ("（一） 基本 支出", "（一）基本支出"),
    ],
)
def test_label_repairs(text, want):
    assert cells.label(text) == want


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        (None, None, ""),
        ("2010101－行政运行", "2010101", "行政运行"),  # full-width hyphen
        ("2010101—行政运行", "2010101", "行政运行"),  # em dash
        ("ABC-测试", None, "ABC-测试"),  # letters only: not a code
        ("A-货物", "A", "货物"),  # one letter is a procurement category
        ("[2010399]其他", "2010399", "其他"),
        ("行政运行", None, "行政运行"),
    ],
)
def test_code_name_edges(text, code, name):
    assert cells.code_name(text) == (code, name)


@pytest.mark.parametrize(
    ("text", "level", "split"),
    [
        ("一、一般公共服务支出", 1, ("一", "一般公共服务支出")),
        ("（二）外交支出", 2, ("二", "外交支出")),
        ("(三) 国防", 2, ("三", "国防")),
        ("1.办公费", 3, ("1", "办公费")),
        ("12、差旅费", 3, ("12", "差旅费")),
        ("1.5万元", None, (None, "1.5万元")),  # a decimal, not an enumerator
        ("行政运行", None, (None, "行政运行")),
    ],
)
def test_enumerators(text, level, split):
    assert cells.enumerator_level(text) == level
    assert cells.split_enumerator(text) == split


@given(st.text(alphabet="一二三四五六七八九十", min_size=1, max_size=3), st.sampled_from(["、", ".", "．"]))
def test_any_chinese_numeral_enumerator_is_level_one(numeral, mark):
    assert cells.enumerator_level(f"{numeral}{mark}项目") == 1
    assert cells.split_enumerator(f"{numeral}{mark}项目") == (numeral, "项目")


def test_blank_counts_as_zero_in_arithmetic():
    assert cells.decimal(None) == 0 and cells.decimal("") == 0
    assert cells.decimal("-1.50") == Decimal("-1.50")
