"""Text cells that would break a reader's tools: C0 control characters and spreadsheet formula prefixes.

Shared by the pipeline (which publishes control characters as visible marks and lists both cases in the
quality report) and the site (which never lets a control character reach a page or a workbook, whatever
package it is given).
"""

from __future__ import annotations

import re

# C0 controls and DEL, except TAB, LF and CR (legal in a CSV cell, in XML and in a workbook).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A spreadsheet opening a CSV runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def visible(text: str) -> str:
    """Each control character as its visible Unicode mark (ESC → ␛, BEL → ␇, DEL → ␡)."""
    return CONTROL.sub(lambda m: chr(0x2421 if m.group() == "\x7f" else 0x2400 + ord(m.group())), text)


def has_control(text: object) -> bool:
    return isinstance(text, str) and CONTROL.search(text) is not None


def formula_like(text: object) -> bool:
    """A text cell a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+1`, `@SUM`)."""
    return isinstance(text, str) and text.startswith(FORMULA_PREFIXES)
