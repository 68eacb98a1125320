"""Lining up plain-text columns that mix Chinese and Latin text: a CJK character takes two terminal columns."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """Terminal columns `text` takes: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """`text` followed by spaces up to `columns` terminal columns (never cut)."""
    return text + " " * max(0, columns - width(text))
