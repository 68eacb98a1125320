"""One notice's named graph: `NoticeWriter` turns a `Notice` into triples, with IRIs from `iris`; `Batch`
says what the rest of the batch holds (which 文号 are in the corpus, their figures, their attachments).

What the notice states goes into its own graph; what other notices share (its agencies, the stubs of the
notices it cites that are not in the batch, its source file, regions GB/T 2260 lacks) goes into `Shared`, which
`to_dataset` and the store merge into the shared graphs (docs/MODEL.md, "Named graphs").

The writer collects triples as `Triples` (an insertion-ordered dict of (s, p, o): a repeated triple counts once,
as in a Graph) and makes an rdflib.Graph only for the callers that ask for one (`write`): the build writes
N-Quads straight from the tuples (`graph.convert`), since putting ~300 triples a notice into rdflib's memory
store, twice, was most of its conversion time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import rdflib
from rdflib import Literal, URIRef
from rdflib.term import Node

from .. import __version__, regions, source_text
from ..records import DateInterval, DocNo, Figure, Notice, Ratio, SourceFile, Value
from ..vocab import kind_labels
from .iris import (
    activity_iri,
    agency_iri,
    citation_iris,
    docno_of,
    figure_iris,
    graph_iri,
    iri_of_notice,
    notice_iri,
    quote_iri,
    region_iri,
    section_iri,
    source_iri,
    source_sha256,
)
from .terms import DCTERMS, KIND, NKG, OA, PROV, RDF, RDFS, XSD, literal
from .terms import decimal as _decimal
from .validity import write_figure_time, write_validity

RELATIONS = {  # records' relation → the property that states it
    "forwards": NKG.forwards, "implements": NKG.implements, "applies": NKG.applies,
    "attachment": NKG.hasAttachment, "cites": NKG.cites,
}
QUALIFIERS = {"exact": NKG.Exact, "at-least": NKG.AtLeast, "about": NKG.About, "at-most": NKG.AtMost}
KIND_BASES = {"clause": NKG.ClauseCue, "after": NKG.AfterCue, "continued": NKG.ContinuedCue, "list": NKG.ListItem,
              "sentence": NKG.SentenceCue, "context": NKG.ContextCue, "fallback": NKG.Fallback}
YEAR_TYPES = {"fiscal": NKG.FiscalYear, "insurance": NKG.InsuranceYear, "calendar": NKG.CalendarYear}
LEVELS = {"national": NKG.National, "provincial": NKG.Provincial, "municipal": NKG.Municipal,
          "county": NKG.County}
_QUALIFIER_WORDS = {"at-least": "不低于", "about": "约", "at-most": "不高于"}

Triple = tuple[Node, Node, Node]
Triples = dict[Triple, None]  # a set of triples that keeps the order they were written in


def graph_of(triples: Iterable[Triple]) -> rdflib.Graph:
    graph = new_graph()
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


class Restatable(NamedTuple):
    """What `Batch.restated` compares of a figure: kept instead of the whole `Figure` (its quote, its spans), so
    the index of a build of tens of thousands of notices stays small enough to hand to every worker."""

    kind: str
    year: int | None
    scope: str | None
    value: Value
    payer: str | None
    region_code: str | None


@dataclass
class Batch:
    """The whole batch, seen from one notice: which 文号 are in the corpus, their figures, their attachments."""

    in_corpus: set[str] = field(default_factory=set)
    figures: dict[str, list[tuple[Restatable, str]]] = field(default_factory=dict)
    attachments: dict[str, list[DocNo]] = field(default_factory=dict)  # parent key → attached notices

    @classmethod
    def of(cls, notices: Iterable[Notice], base: str) -> Batch:
        batch = cls()
        for notice in notices:
            batch.add(notice, base)
        return batch

    def add(self, notice: Notice, base: str) -> None:
        """Index one more notice of the batch (the first reading of a 文号 wins, as in `to_dataset`)."""
        if notice.docno is None:
            return
        key = notice.docno.key
        self.in_corpus.add(key)
        if key not in self.figures:
            self.figures[key] = [(Restatable(f.kind, f.year, f.scope, f.value, f.payer, f.region_code), iri)
                                 for f, iri in figure_iris(notice, notice_iri(notice.docno, base))]
        if notice.attached_to:
            self.attachments.setdefault(notice.attached_to, []).append(notice.docno)

    def restated(self, figure: Figure) -> str | None:
        """The figure of the restated notice with the same kind, year and scope; among several, the one
        with the same value (then payer, region), else the first in IRI order."""
        candidates = [(f, iri) for f, iri in self.figures.get(figure.restates or "", ())
                      if (f.kind, f.year, f.scope) == (figure.kind, figure.year, figure.scope)]
        if not candidates:
            return None
        ranked = sorted(candidates, key=lambda c: (c[0].value != figure.value, c[0].payer != figure.payer,
                                                   c[0].region_code != figure.region_code))
        return ranked[0][1]


@dataclass
class Shared:
    """What one notice contributes to the shared graphs: triples for `graph/agencies`, `graph/sources` and
    `graph/regions`, and the stubs of the notices it names that are not in the batch (IRI → (文号, titles))."""

    agency_triples: Triples = field(default_factory=dict)
    source_triples: Triples = field(default_factory=dict)
    regions: set[str] = field(default_factory=set)  # codes mentioned: their chain is in graph/regions
    stubs: dict[str, tuple[DocNo, set[str]]] = field(default_factory=dict)

    @property
    def sources(self) -> rdflib.Graph:
        return graph_of(self.source_triples)

    def stub_graph(self) -> rdflib.Graph:
        return stub_graph(self.stubs)

    def region_triples(self, base: str | None = None) -> list[Triple]:
        """Only the mentioned regions GB/T 2260 lacks: the others are all in `graph/regions` already."""
        return [t for code in sorted(c for c in self.regions if not regions.exists(c))
                for t in region_triples(code, base)]


def stub_graph(stubs: dict[str, tuple[DocNo, set[str]]]) -> rdflib.Graph:
    return graph_of(stub_triples(stubs))


def stub_triples(stubs: dict[str, tuple[DocNo, set[str]]]) -> list[Triple]:
    """Notices known only by citation: type, 文号 parts, `nkg:inCorpus false` and every title as cited."""
    found: list[Triple] = []
    for iri, (docno, titles) in stubs.items():
        node = URIRef(iri)
        found += [(node, RDF.type, NKG.Notice), (node, NKG.inCorpus, Literal(False))]
        found += [(node, p, o) for p, o in docno_triples(docno)]
        found += [(node, DCTERMS.title, Literal(title, lang="zh")) for title in titles]
    return found


def docno_triples(docno: DocNo) -> list[tuple[URIRef, Literal]]:
    found = [(NKG.docNo, Literal(docno.key)), (NKG.issuerCode, Literal(docno.issuer_code)),
             (NKG.serial, Literal(docno.serial))]
    if docno.year is not None:
        found.append((NKG.docYear, Literal(docno.year)))
    return [(p, o) for p, o in found if str(o) != ""]


def new_graph() -> rdflib.Graph:
    # No prefixes bound: these graphs are written as N-Triples or merged into a Dataset, never shown with
    # prefixes, and binding ours cost 0.3 ms a graph (rdflib's own namespace manager comes with the first bind).
    return rdflib.Graph()


def figure_label(figure: Figure) -> str:
    """个人缴费标准 不低于 280 元/人·年 (2021)."""
    value = figure.value
    if isinstance(value, Decimal):
        shown = format(value, "f")
    elif isinstance(value, DateInterval):
        shown = f"{value.start.isoformat()}—{value.end.isoformat()}"
    elif isinstance(value, Ratio):
        shown = str(value)
    else:
        shown = value.isoformat()
    unit = f" {figure.unit}" if isinstance(value, Decimal) and figure.unit else ""
    qualifier = _QUALIFIER_WORDS.get(figure.qualifier, "")
    year = f" ({figure.year})" if figure.year is not None else ""
    words = [kind_labels().get(figure.kind, figure.kind), qualifier, f"{shown}{unit}"]
    return " ".join(w for w in words if w) + year


class NoticeWriter:
    """Writes one notice's named graph; `batch` says what the rest of the dataset holds."""

    def __init__(self, notice: Notice, source: SourceFile, base: str, batch: Batch) -> None:
        self.notice, self.source, self.base, self.batch = notice, source, base, batch
        self.iri = iri_of_notice(notice, source, base)
        self.node = URIRef(self.iri)
        self.source_node = URIRef(source_iri(source, base))
        self.triples: Triples = {}
        self.shared = Shared()
        self.regions = self.shared.regions
        self.section_paths = {s.path for s in notice.sections}

    def add(self, s: str | URIRef, p: URIRef, o: Node | str | None) -> None:
        if o is None or o == "":
            return
        self.triples[(s if type(s) is URIRef else URIRef(s), p, o if isinstance(o, Node) else literal(o))] = None

    def statements(self) -> Triples:
        """The notice's triples (written once; `shared` is filled by the same pass)."""
        if not self.triples:
            self._header()
            self._sections()
            self._citations()
            self._figures()
            write_validity(self)
            self._provenance()
        return self.triples

    def write(self) -> rdflib.Graph:
        """The notice's named graph as an rdflib.Graph."""
        return graph_of(self.statements())

    def _docno(self, node: URIRef, docno: DocNo) -> None:
        for p, o in docno_triples(docno):
            self.add(node, p, o)

    def _stub(self, docno: DocNo, title: str = "") -> URIRef:
        """A notice this one names: in the batch (its own graph says all of it) or known by citation (a stub
        in `graph/stubs`, with every title it is cited by)."""
        iri = notice_iri(docno, self.base)
        if docno.key not in self.batch.in_corpus:
            _, titles = self.shared.stubs.setdefault(iri, (docno, set()))
            if title:
                titles.add(title)
        return URIRef(iri)

    def _region(self, code: str | None) -> URIRef | None:
        if not code:
            return None
        self.regions.add(code)
        return URIRef(region_iri(code, self.base))

    def _header(self) -> None:
        n, node = self.notice, self.node
        self.add(node, RDF.type, NKG.Notice)
        self.add(node, NKG.inCorpus, literal(True))
        if n.docno is not None:
            self._docno(node, n.docno)
        self.add(node, NKG.docNoAsWritten, n.docno_text)
        self.add(node, DCTERMS.title, Literal(n.title, lang="zh") if n.title else None)
        for agency in n.issuers:
            agency_node = URIRef(agency_iri(agency, self.base))
            self.add(node, NKG.issuedBy, agency_node)
            described = [(RDF.type, NKG.Agency), (RDFS.label, Literal(agency.name, lang="zh")),
                         (NKG.jurisdiction, self._region(agency.region_code)),
                         (NKG.level, LEVELS.get(agency.level or ""))]
            for p, o in described:
                if o is not None:
                    self.shared.agency_triples[(agency_node, p, o)] = None
        code = n.region_code or next((a.region_code for a in n.issuers if a.region_code), None)
        self.add(node, NKG.jurisdiction, self._region(code))
        if code and regions.exists(code):
            self.add(node, NKG.level, LEVELS[regions.level_of(code)])
        for addressee in n.addressees:
            self.add(node, NKG.addressee, addressee)
        self.add(node, NKG.dateSigned, literal(n.signed) if n.signed else None)
        self.add(node, NKG.datePrinted, literal(n.printed) if n.printed else None)
        for entry in n.copied_to:
            self.add(node, NKG.copiedTo, entry)
        self.add(node, NKG.publicity, n.publicity)
        self.add(node, NKG.printedBy, n.printed_by)
        if n.attached_to and n.attached_to != (n.docno.key if n.docno else None):
            self.add(node, NKG.attachmentOf, self._stub(docno_of(n.attached_to)))
        if n.docno is not None:
            for child in self.batch.attachments.get(n.docno.key, ()):
                self.add(node, NKG.hasAttachment, self._stub(child))
        self.add(node, PROV.wasDerivedFrom, self.source_node)
        self.add(node, NKG.sourceStart, literal(n.span.start))
        self.add(node, NKG.sourceEnd, literal(n.span.end))

    def _section_node(self, path: tuple[int, ...]) -> URIRef | None:
        return URIRef(section_iri(self.iri, path)) if path in self.section_paths and path else None

    def _sections(self) -> None:
        for section in self.notice.sections:
            node = URIRef(section_iri(self.iri, section.path))
            parent = self._section_node(section.path[:-1]) or self.node
            self.add(node, RDF.type, NKG.Section)
            self.add(node, NKG.inNotice, self.node)
            self.add(node, NKG.partOf, parent)
            self.add(parent, NKG.hasPart, node)
            self.add(node, NKG.path, ".".join(str(p) for p in section.path))
            self.add(node, NKG.label, section.label)
            self.add(node, DCTERMS.title, Literal(section.heading, lang="zh") if section.heading else None)
            self.add(node, NKG.sourceStart, literal(section.span.start))
            self.add(node, NKG.sourceEnd, literal(section.span.end))

    def _citations(self) -> None:
        own = self.notice.docno.key if self.notice.docno else None
        for citation, iri in citation_iris(self.notice, self.iri):
            node = URIRef(iri)
            self.add(node, RDF.type, NKG.Citation)
            self.add(node, NKG.citingNotice, self.node)
            self.add(node, NKG.relation, RELATIONS[citation.relation])
            self.add(node, NKG.titleAsCited, citation.title)
            self.add(node, NKG.docNoAsCited, citation.docno_text)
            self.add(node, NKG.inSection, self._section_node(citation.section_path))
            self.add(node, NKG.sourceStart, literal(citation.span.start))
            self.add(node, NKG.sourceEnd, literal(citation.span.end))
            if citation.docno is not None and citation.docno.key != own:
                cited = self._stub(citation.docno, citation.title)
                self.add(node, NKG.citedNotice, cited)
                self.add(self.node, RELATIONS[citation.relation], cited)

    def _figures(self) -> None:
        for figure, iri in figure_iris(self.notice, self.iri):
            self._figure(URIRef(iri), figure)

    def _figure(self, node: URIRef, f: Figure) -> None:
        add = self.add
        add(node, RDF.type, NKG.Figure)
        add(node, NKG.kind, KIND[f.kind])
        value = f.value
        if isinstance(value, Decimal):
            add(node, NKG.amount, _decimal(value))
        elif isinstance(value, Ratio):
            add(node, NKG.ratio, str(value))
            add(node, NKG.ratioFirst, _decimal(value.parts[0]) if value.parts else None)
            add(node, NKG.ratioSecond, _decimal(value.parts[1]) if len(value.parts) > 1 else None)
        elif isinstance(value, DateInterval):
            add(node, NKG.startDate, literal(value.start))
            add(node, NKG.endDate, literal(value.end))
        else:
            add(node, NKG.date, literal(value))
        add(node, NKG.unit, f.unit)
        add(node, NKG.qualifier, QUALIFIERS[f.qualifier])
        add(node, NKG.year, literal(f.year) if f.year is not None else None)
        add(node, NKG.yearType, YEAR_TYPES[f.year_type])
        add(node, NKG.yearInferred, literal(f.year_inferred))
        add(node, NKG.region, self._region(f.region_code))
        add(node, NKG.scope, f.scope)
        for code in f.scope_regions:
            add(node, NKG.scopeRegion, self._region(code))
        add(node, NKG.payer, f.payer)
        add(node, NKG.statedIn, self.node)
        section = self._section_node(f.section_path)
        add(node, NKG.inSection, section)
        add(node, PROV.wasDerivedFrom, section or self.node)
        add(node, NKG.restates, self._restates(f))
        add(node, NKG.yieldsToLaterNationalRule, literal(True) if f.yields_to_national else None)
        add(node, NKG.note, f.note)
        add(node, NKG.kindBasis, KIND_BASES[f.basis])
        add(node, NKG.kindCue, f.cue)
        add(node, NKG.needsReview, literal(True) if f.needs_review else None)
        add(node, RDFS.label, figure_label(f))
        write_figure_time(self, node, f)
        quote = URIRef(quote_iri(node))
        add(node, OA.hasSelector, quote)
        add(quote, RDF.type, OA.TextQuoteSelector)
        add(quote, RDF.type, OA.TextPositionSelector)
        add(quote, OA.exact, f.quote)
        add(quote, OA.start, literal(f.span.start))
        add(quote, OA.end, literal(f.span.end))
        add(quote, NKG.sourceFile, self.source_node)

    def _restates(self, figure: Figure) -> URIRef | None:
        if not figure.restates or (self.notice.docno and figure.restates == self.notice.docno.key):
            return None
        docno = docno_of(figure.restates)
        target = self.batch.restated(figure)
        if target is None:
            return self._stub(docno)
        return URIRef(target)  # a figure of the batch: its own notice's graph describes it

    def _provenance(self) -> None:
        # One file may hold several notices (a city notice and the provincial one it carries): its
        # description is shared, in `graph/sources`.
        source, node = self.source, self.source_node
        for p, o in [(RDF.type, NKG.SourceFile), (NKG.fileName, literal(source.name)),
                     (NKG.sha256, literal(source_sha256(source)))]:
            if str(o) != "":
                self.shared.source_triples[(node, p, o)] = None
        for triple in source_text.triples(node, source.text):  # one literal, or parts when it is long
            self.shared.source_triples[triple] = None
        graph = URIRef(graph_iri(self.iri))
        activity = URIRef(activity_iri(self.iri))
        self.add(graph, PROV.wasGeneratedBy, activity)
        self.add(activity, RDF.type, PROV.Activity)
        self.add(activity, PROV.used, node)
        self.add(activity, NKG.parserVersion, __version__)
        self._extraction(node, activity)

    def _extraction(self, node: URIRef, activity: URIRef) -> None:
        """How the file became text (graph.ingest) and where it came from, when known."""
        e = self.source.extraction
        if e is None:
            return
        # What the file is belongs with the file, in `graph/sources`; how this notice's graph used it, here.
        confidence = _decimal(Decimal(str(e.confidence))) if e.confidence is not None else None
        for p, o in [(NKG.mediaType, e.media_type), (NKG.encoding, e.encoding),
                     (NKG.encodingConfidence, confidence),
                     (NKG.sourceUrl, URIRef(e.source_url) if e.source_url else None),
                     (NKG.retrieved, Literal(e.retrieved, datatype=XSD.date) if e.retrieved else None)]:
            if o is not None and str(o) != "":
                self.shared.source_triples[(node, p, o if isinstance(o, (URIRef, Literal)) else Literal(o))] = None
        self.add(activity, NKG.extractionMethod, e.method)
        self.add(activity, NKG.extractedWith, e.library)


def write_region(graph: rdflib.Graph, code: str, base: str | None = None) -> None:
    for triple in region_triples(code, base):
        graph.add(triple)


def region_triples(code: str, base: str | None = None) -> list[Triple]:
    """The region and its `nkg:within` chain up to the nation; a code GB/T 2260 lacks gets its code only."""
    found: list[Triple] = []
    chain = regions.ancestors(code) if regions.exists(code) else [code]
    for link in chain:
        node = URIRef(region_iri(link, base))
        found += [(node, RDF.type, NKG.Region), (node, NKG.code, Literal(link))]
        if regions.exists(link):
            region = regions.get(link)
            found += [(node, RDFS.label, Literal(region.name, lang="zh")), (node, NKG.level, LEVELS[region.level])]
            if region.parent:
                found.append((node, NKG.within, URIRef(region_iri(region.parent, base))))
    return found
