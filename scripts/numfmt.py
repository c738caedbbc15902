"""Chinese amount and percent formatting: the one place the checks and the site turn numbers into text.

Amounts are in 万元 and kept as `Decimal` (never float); figures from a package are strings of the
published digits. Each function says which texts use it, so two pages never format one figure two ways.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

# Above this many 万元 a figure is also said (or charted) in 亿元.
YI_THRESHOLD = Decimal(10000)
_ZERO = re.compile(r"-?0(?:\.0+)?")


def quantize(value: Decimal, exp: Decimal, rounding: str | None = None) -> Decimal:
    """`value.quantize(exp)` for a figure of any width: the default context (28 digits) cannot hold a
    published amount of 27 or more integer digits, and `quantize` would raise InvalidOperation."""
    digits = max(value.adjusted(), 0) - min(exp.as_tuple().exponent, 0) + 2
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, digits)
        return value.quantize(exp, rounding=rounding) if rounding else value.quantize(exp)


def divide(a: Decimal, b: Decimal) -> Decimal:
    """a / b with enough digits that a quotient of very wide figures can still be rounded."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, a.adjusted() - b.adjusted() + 30)
        return a / b


def number(text: object) -> Decimal | None:
    """A figure as read from a CSV cell (published digits): blank or unreadable gives None."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    raw = str(text).strip().replace(",", "")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def plain(value: Decimal | None) -> str:
    """Exact decimal string for CSVs (no exponent, no float; blank for None)."""
    if value is None:
        return ""
    text = format(value, "f")
    return "0" if text in ("-0", "0") else text


def exact(value: Decimal | None) -> str | None:
    """Exact decimal string for the quality report; any zero is "0"."""
    if value is None:
        return None
    text = format(value, "f")
    return "0" if _ZERO.fullmatch(text) else text


def wan_exact(value: Decimal | None) -> str:
    """'263.108814 万元' (exact), '（空）' for a blank figure: quality-report details."""
    return f"{exact(value)} 万元" if value is not None else "（空）"


def wan_digits(digits: str | None) -> str:
    """Published digits as they stand: '263.108814 万元', or '为空'."""
    return f"{digits} 万元" if digits not in (None, "") else "为空"


def published(value: object) -> str:
    """Published digits with thousands separators, decimals as published; '' when blank."""
    value = number(value)
    return "" if value is None else format(value, ",f")


def wan_published(value: object) -> str:
    """'5,372.82 万元', with the 亿元 figure added when large; '未公开' when blank (body page prose)."""
    value = number(value)
    if value is None:
        return "未公开"
    out = f"{published(value)} 万元"
    if abs(value) >= YI_THRESHOLD:
        out += f"（约 {format(quantize(value.scaleb(-4), Decimal('0.01')), ',f')} 亿元）"
    return out


def rounded(value: Decimal | None, places: int = 2) -> str:
    """5372.82 → '5,372.82' (thousands separators, rounded for display only); '—' when blank."""
    if value is None:
        return "—"
    q = quantize(value, Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{q:,.{places}f}"


def amount_words(value: Decimal | None) -> str:
    """Amount for prose: 亿元 from 10,000 万元 up, otherwise 万元."""
    if value is None:
        return "未公开"
    if abs(value) >= YI_THRESHOLD:
        return f"{rounded(value.scaleb(-4))} 亿元"
    return f"{rounded(value)} 万元"


def reading(value: object) -> str:
    """An amount rounded for reading (headline sentence, key figures): '6,403.23 万元', and the 亿元 figure
    added when large ('15,897.44 万元（约 1.59 亿元）'); '未公开' when blank. Tables and downloads keep the
    published digits (`published`)."""
    value = number(value)
    if value is None:
        return "未公开"
    out = f"{rounded(value)} 万元"
    if abs(value) >= YI_THRESHOLD:
        out += f"（约 {rounded(value / 10000)} 亿元）"
    return out


def chart_amount(value: Decimal, places: int | None = None) -> str:
    """Chart labels: thousands separators, the published decimals kept (or `places` when given)."""
    if places is not None:
        value = quantize(value, Decimal(1).scaleb(-places))
    text = format(value, ",f")
    if "." in text and places is None:
        text = text.rstrip("0").rstrip(".") if len(text.split(".")[1]) > 2 else text
    return text


def ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole to four places (0.0826), None when either is missing or the whole is zero."""
    if part is None or not whole:
        return None
    return quantize(divide(part, whole), Decimal("0.0001"), ROUND_HALF_UP)


def percent(value: Decimal | None) -> str:
    """A ratio as '8.3%' (one decimal: listing and compare tables); '—' when missing."""
    return "—" if value is None else f"{value * 100:.1f}%"


def percent_of(part: Decimal | None, whole: Decimal | None) -> str:
    """part as a percentage of whole, '8.26%' (two decimals: body page headline); '' when missing."""
    if part is None or not whole:
        return ""
    return f"{quantize(divide(part * 100, whole), Decimal('0.01'))}%"
