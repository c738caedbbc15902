"""Repair of single cells damaged by PDF extraction. Pure functions, no I/O.

Amounts stay strings of the published digits ("1, 091. 871800" -> "1091.871800"): Decimal is used
only to check them and to convert 元 to 万元 exactly, so no float ever touches a figure.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from scripts.errors import CellError

# Full-width forms that PDF extraction leaves in numbers.
_NUMERIC_FORMS = str.maketrans("０１２３４５６７８９，．－", "0123456789,.-")
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_BLANKS = {"", "-", "—", "－", "/", "——"}

CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Punctuation that sits inside Chinese labels; a space next to it is extraction damage too.
_CJK_PUNCT = "“”‘’（）《》、，。：；【】〔〕"
_CODE_NAME = re.compile(r"^\s*(?:\[([0-9A-Za-z]+)\]\s*|([0-9A-Z][0-9A-Z ]*?)\s*[-－—]\s*)(.*)$", re.S)
_ENUM = re.compile(
    r"^\s*(?:([一二三四五六七八九十廿卅]+)\s*[、.．]|[（(]\s*([一二三四五六七八九十廿卅]+)\s*[)）]"
    r"|(\d{1,2})\s*[、．.](?!\d))\s*"
)


def is_blank(text: str | None) -> bool:
    return text is None or text.strip() in _BLANKS


def amount(text: str | None, line: int | None = None) -> str | None:
    """The published digits of an amount, OCR spaces and thousands separators removed.

    Blank cells give None (published as empty, which is not the same as 0.00).
    """
    if is_blank(text):
        return None
    raw = text.translate(_NUMERIC_FORMS)
    # OCR puts spaces beside separators ("1, 091. 871800"); a space between two digit runs means two
    # figures ("86869957 86869832" is two phone numbers), so it is not an amount.
    compact = re.sub(r"\s*([,.])\s*", r"\1", raw.strip())
    if _GROUPED.fullmatch(compact):
        compact = compact.replace(",", "")
    if not _PLAIN.fullmatch(compact):
        raise CellError(
            f"cell {text!r} is not an amount",
            line=line,
            expected="digits with an optional decimal point, e.g. 1,091.871800",
            hint="check that the columns of this row line up with the header",
        )
    return compact


def looks_like_amount(text: str | None) -> bool:
    try:
        return amount(text) is not None
    except CellError:
        return False


def to_wan(digits: str | None, unit: str) -> str | None:
    """Convert published digits to 万元 exactly (元 / 10000 is a shift of the decimal point)."""
    if digits is None or unit == "万元":
        return digits
    if unit != "元":
        raise CellError(f"unknown amount unit {unit!r}", expected="万元 or 元")
    value = Decimal(digits).scaleb(-4)
    return format(value, "f")


def decimal(digits: str | None) -> Decimal:
    """For arithmetic in checks: blank counts as zero."""
    if digits is None or digits == "":
        return Decimal(0)
    try:
        return Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - amounts are validated on the way in
        raise CellError(f"{digits!r} is not a decimal") from exc


# Common surnames (the first character of a person's name) and the last characters of an office's
# name: a space between two of those is published, not extraction damage (`姚欢 朱顺超` are two
# people, `综合受理科 城运管理科` two offices).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤欧阎易常乔葛温"
)
_OFFICE_ENDS = ("科", "处", "室", "局", "委", "办", "部", "队", "所", "站", "股", "组", "中心")
_SPACES = re.compile(r"([ \u3000]+)")
_CJK_CHAR = re.compile(rf"[{CJK}]")
_CJK_SIDE = re.compile(rf"[{CJK}{_CJK_PUNCT}]")


def _person(token: str) -> bool:
    return 2 <= len(token) <= 3 and token[0] in _SURNAMES and all(_CJK_CHAR.match(c) for c in token)


def _office(token: str) -> bool:
    return len(token) >= 3 and token.endswith(_OFFICE_ENDS) and all(_CJK_CHAR.match(c) for c in token)


def _two_items(left: str, right: str) -> bool:
    """Two names a publisher listed with a space between them: two people, or two offices."""
    return (_person(left) and _person(right)) or (_office(left) and _office(right))


def label(text: str | None) -> str:
    """A label with the spaces that extraction put between Chinese characters removed
    (`北京 市东 城区` → `北京市东城区`), except between two listed names (`姚欢 朱顺超`), kept as one space."""
    if text is None:
        return ""
    text = text.replace("\u00a0", " ").strip()
    parts = _SPACES.split(text)  # token, gap, token, gap, …
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        left, gap, right = parts[i - 1], parts[i], parts[i + 1]
        if left and right and _CJK_SIDE.match(left[-1]) and _CJK_SIDE.match(right[0]):
            out.append(" " if _two_items(left, right) else "")
        else:
            out.append(gap)
        out.append(right)
    return "".join(out)


def code_name(text: str | None) -> tuple[str | None, str]:
    """Split `2120101-行政运行`, `[2010399]其他…`, `0630 01- 北京 市东 城区` into code and name.

    Codes keep leading zeros; spaces that extraction put inside a code are removed. A cell without a
    code gives (None, label).
    """
    if text is None:
        return None, ""
    match = _CODE_NAME.match(text)
    if match:
        code = (match.group(1) or match.group(2) or "").replace(" ", "")
        if (code and any(ch.isdigit() for ch in code)) or (code and len(code) == 1):
            return code, label(match.group(3))
    return None, label(text)


def split_enumerator(text: str) -> tuple[str | None, str]:
    """`一、一般公共服务支出` -> ('一', '一般公共服务支出'); `（二）外交支出` -> ('二', '外交支出')."""
    match = _ENUM.match(text)
    if not match:
        return None, label(text)
    return next(g for g in match.groups() if g), label(text[match.end() :])


def enumerator_level(text: str) -> int | None:
    """1 for `一、`, 2 for `（一）`, 3 for `1.`; None without an enumerator."""
    match = _ENUM.match(text)
    if not match:
        return None
    return 1 if match.group(1) else 2 if match.group(2) else 3
