"""The static SVG of a chart: horizontal bars with Chinese labels, drawn in Python (no browser, no
vl-convert), shown where scripts do not run and offered for download."""

from __future__ import annotations

import html
import json
from decimal import Decimal

from scripts.numfmt import chart_amount

FONT = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)
_WIDTH = 640
_BAR_H = 18
_STEP = 26
_FS = 12


def _text_width(text: str, size: int = _FS) -> float:
    # Wide (CJK, full-width) glyphs take one em; others roughly 0.6 em.
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _clip(text: str, width: float) -> str:
    if _text_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _text_width(out + ch + "…") > width:
            break
        out += ch
    return out + "…"


def bar_svg(
    title: str, bars: list[tuple[str, Decimal]], unit: str, *, factor: int = 1, label_title: str = ""
) -> str:
    """Horizontal bars with Chinese labels, values and unit: a small deterministic SVG."""
    scaled = [(label, value / factor) for label, value in bars]
    label_w = min(220.0, max((_text_width(lbl) for lbl, _ in scaled), default=40) + 8)
    value_w = max((_text_width(chart_amount(v)) for _, v in scaled), default=30) + 10
    plot_x = label_w + 8
    plot_w = max(80.0, _WIDTH - plot_x - value_w - 10)
    top = 40
    height = top + _STEP * len(scaled) + 34
    vmax = max((v for _, v in scaled if v > 0), default=Decimal(1))
    desc = "；".join(f"{lbl}：{chart_amount(v)} {unit}" for lbl, v in scaled)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="t d" font-family={html.escape(json.dumps(FONT))} '
        f'font-size="{_FS}">',
        f'<title id="t">{html.escape(title)}</title>',
        f'<desc id="d">{html.escape(desc)}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{_WIDTH / 2:.0f}" y="20" text-anchor="middle" font-size="14" font-weight="bold">'
        f"{html.escape(_clip(title, _WIDTH - 20))}</text>",
    ]
    for i, (label, value) in enumerate(scaled):
        y = top + i * _STEP
        w = float(max(value, Decimal(0)) / vmax) * plot_w
        shown = chart_amount(value)
        parts.append(
            f"<g><title>{html.escape(label)}：{shown} {unit}</title>"
            f'<text x="{label_w:.1f}" y="{y + 13}" text-anchor="end">{html.escape(_clip(label, label_w - 4))}</text>'
            f'<rect x="{plot_x:.1f}" y="{y}" width="{w:.1f}" height="{_BAR_H}" fill="#c62828"/>'
            f'<text x="{plot_x + w + 4:.1f}" y="{y + 13}">{html.escape(shown)}</text></g>'
        )
    axis_y = top + _STEP * len(scaled) + 4
    parts.append(
        f'<line x1="{plot_x:.1f}" x2="{plot_x + plot_w:.1f}" y1="{axis_y}" y2="{axis_y}" stroke="#888"/>'
    )
    parts.append(
        f'<text x="{plot_x + plot_w / 2:.1f}" y="{axis_y + 20}" text-anchor="middle">金额（{html.escape(unit)}）</text>'
    )
    if label_title:
        parts.append(
            f'<text x="4" y="{top - 6}" font-size="11" fill="#555">{html.escape(label_title)}</text>'
        )
    parts.append("</svg>\n")
    return "\n".join(parts)
