"""A notice's validity in its own graph: ELI dates on the notice, one `nkg:ValidityStatement` per date or
status saying whether the text stated it (with its quote) or a rule derived it, and each figure's period of
application and look-up key. What needs other notices (supersession, a repeal's effect) is `graph.validity`'s.

    {notice}/v/{n}   the n-th statement (1-based, in text order; derived statements after the stated ones)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..parse.docno import parse_docno
from ..records import Figure, Validity
from .terms import ELI, NKG, OA, RDF, literal

if TYPE_CHECKING:
    from .writer import NoticeWriter

PROPERTIES = {"entry-into-force": ELI.first_date_entry_in_force, "applicability": ELI.date_applicability,
              "end": ELI.date_no_longer_in_force, "repeals": NKG.repeals, "prevails": NKG.prevailsOverEarlier}


def figure_keys(figure: Figure) -> list[str]:
    """kind|year|region for the figure's region and each region its tier names: the resolver's index."""
    if figure.year is None:
        return []
    codes = dict.fromkeys([figure.region_code, *figure.scope_regions])
    return [f"{figure.kind}|{figure.year}|{code}" for code in codes if code]


def write_figure_time(writer: NoticeWriter, node: URIRef, figure: Figure) -> None:
    for key in figure_keys(figure):
        writer.add(node, NKG.figureKey, key)
    if figure.year is not None and figure.year_type in ("insurance", "fiscal", "calendar"):
        # The genre's years run from 1 January (医保年度 and 财政年度 alike): derived, and said so.
        writer.add(node, NKG.applicableFrom, literal(dt.date(figure.year, 1, 1)))
        writer.add(node, NKG.applicableUntil, literal(dt.date(figure.year, 12, 31)))
        writer.add(node, NKG.applicabilityRule, NKG.YearlyFigure)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def write_validity(writer: NoticeWriter) -> None:
    notice, node = writer.notice, writer.node
    issued = notice.printed or notice.signed
    entry: dt.date | None = None
    statements: list[tuple[URIRef, Validity | None, dt.date | None, URIRef | None]] = []
    for v in notice.validity:
        prop = PROPERTIES[v.aspect]
        date = v.date
        if v.relative:
            # 自印发之日起: the printing date, else the signing date (a notice may carry only one of them).
            date = (notice.printed or notice.signed) if v.relative == "printed" else (notice.signed or notice.printed)
        if v.aspect == "entry-into-force" and date and entry is None:
            entry = date
        statements.append((prop, v, date, None))
    if entry is None and issued is not None:
        entry = issued
        statements.append((ELI.first_date_entry_in_force, None, issued, NKG.EntryOnIssue))
    for n, (prop, v, date, rule) in enumerate(statements, 1):
        s = URIRef(f"{writer.iri}/v/{n}")
        writer.add(node, NKG.validity, s)
        writer.add(s, RDF.type, NKG.ValidityStatement)
        writer.add(s, NKG.validityProperty, prop)
        writer.add(s, NKG.about, node)
        if v is not None and v.aspect == "end" and v.years and entry:
            date = _add_years(entry, v.years) - dt.timedelta(days=1)
            writer.add(s, NKG.validityYears, literal(v.years))
            writer.add(s, NKG.rule, NKG.YearsFromEntry)
        if v is not None and v.aspect == "repeals" and v.repealed:
            docno = parse_docno(v.repealed)
            if docno is not None:
                target = writer._stub(docno)
                writer.add(node, NKG.repeals, target)
                writer.add(s, NKG.about, target)
        if v is not None and v.aspect == "prevails":
            writer.add(node, NKG.prevailsOverEarlier, literal(True))
        if date is not None and prop in (ELI.first_date_entry_in_force, ELI.date_applicability,
                                         ELI.date_no_longer_in_force):
            writer.add(node, prop, literal(date))
            writer.add(s, NKG.validityDate, literal(date))
        writer.add(s, NKG.basis, NKG.Derived if v is None else NKG.Stated)
        writer.add(s, NKG.rule, rule)
        if v is not None:
            quote = URIRef(f"{s}/quote")
            writer.add(s, OA.hasSelector, quote)
            writer.add(quote, RDF.type, OA.TextQuoteSelector)
            writer.add(quote, RDF.type, OA.TextPositionSelector)
            writer.add(quote, OA.exact, v.quote)
            writer.add(quote, OA.start, literal(v.span.start))
            writer.add(quote, OA.end, literal(v.span.end))
            writer.add(quote, NKG.sourceFile, writer.source_node)
