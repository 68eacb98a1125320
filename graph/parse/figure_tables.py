"""Figures in tables (附表): tab-separated rows, one figure per numeric cell.

The first row is the header: each column's kind comes from its header words read with the table's title,
through the same cues as prose (`中央财政 (元)` under 人均补助标准表 → central-subsidy, `合计` →
per-capita-fiscal-subsidy), its unit from the parenthesis (`(元)`). A row is scoped by its label (第三档)
and the divisions its other text cells name (兰州、金昌、嘉峪关 → scope_regions). The quote of a cell runs
from the start of its row to the end of the cell, so it holds the row's label and the number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from ..records import Figure, Notice, Span
from . import figure_scope as S
from .figure_kinds import KINDS, MONEY, OTHER, PERCENT, classify, share_kind
from .sections import section_path_at
from .text import fold_width

YearFor = Callable[[int, str], tuple[int | None, bool]]
_UNIT = re.compile(r"\((?P<u>[^()]{1,6})\)\s*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def table_figures(text: str, notice: Notice, rows: list[Span], region: str, year_for: YearFor) -> list[Figure]:
    figures: list[Figure] = []
    for table in _tables(text, rows):
        header = [fold_width(c).strip() for c in text[table[0].start : table[0].end].split("\t")]
        title = _title(text, table[0].start)
        columns = [_column(title, h) for h in header]
        for row in table[1:]:
            figures += _row_figures(text, notice, row, columns, title, region, year_for, header)
    return figures


def _tables(text: str, rows: list[Span]) -> list[list[Span]]:
    """Runs of rows with nothing but line breaks between them."""
    tables: list[list[Span]] = []
    for row in rows:
        if tables and not text[tables[-1][-1].end : row.start].strip():
            tables[-1].append(row)
        else:
            tables.append([row])
    return [t for t in tables if len(t) >= 2]


def _title(text: str, header_start: int) -> str:
    """The lines right above the header, up to a blank line: 各级财政对…人均补助标准表."""
    lines = text[:header_start].rstrip("\n").split("\n")
    title: list[str] = []
    for line in reversed(lines):
        if not line.strip():
            if title:
                break
            continue
        title.insert(0, line.strip())
        if len(title) == 3:
            break
    return fold_width("".join(title)).replace(" ", "")


def _column(title: str, header: str) -> tuple[str | None, str | None, str]:
    """(kind, payer, unit) of a column; kind None for a label column."""
    unit_match = _UNIT.search(header)
    unit = unit_match["u"] if unit_match else "元"
    name = header[: unit_match.start()].strip() if unit_match else header
    value = PERCENT if unit == "%" else MONEY
    words = f"{title},{name}补助" if name.endswith("财政") else f"{title},{name}"
    found = classify(words, len(words), len(words), value, {"clause": words, "sentence": words,
                                                             "context": words}, [])
    if found is None or found.kind == OTHER:
        return None, None, unit
    if found.payers:
        return share_kind(found.payers[0], value), found.payers[0], unit
    return found.kind, KINDS[found.kind].payer, unit


def _row_figures(text: str, notice: Notice, row: Span, columns: list[tuple[str | None, str | None, str]],
                 title: str, region: str, year_for: YearFor, headers: list[str]) -> list[Figure]:
    cells, at = [], row.start
    for cell in text[row.start : row.end].split("\t"):
        cells.append((cell, at))
        at += len(cell) + 1
    labels = [fold_width(c).strip() for c, _ in cells if not _NUMBER.fullmatch(c.strip())]
    scope = labels[0] if labels else None
    names = [n for label in labels[1:] for n in S.named_regions(label, region)]
    year, inferred = year_for(row.start, title)
    path = section_path_at(notice, row.start)
    figures = []
    for (cell, start), (kind, payer, unit), header in zip(cells, columns, headers, strict=False):  # a short row leaves columns empty
        number = cell.strip()
        if kind is None or not _NUMBER.fullmatch(number):
            continue
        try:
            value = Decimal(number)
        except InvalidOperation:
            continue
        end = start + len(cell.rstrip())
        span = Span(row.start, end)
        figures.append(Figure(
            kind=kind, value=value, unit=unit, qualifier="exact", year=year,
            year_type=KINDS[kind].year_type, year_inferred=inferred, region_code=region, scope=scope,
            scope_regions=tuple(n.code for n in names), payer=payer, section_path=path,
            quote=text[span.start : span.end], span=span, cue=header or None,  # typed by its column's header
        ))
    return figures
