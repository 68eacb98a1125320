"""The SPARQL 1.1 Protocol's rules that do not depend on an engine: what form a query is, refusing updates,
choosing the result format (`?format=` or the Accept header with q-values), and the service description."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import rdflib

from ..errors import QueryError, QueryForbidden

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

# -- query form ---------------------------------------------------------------------------------------------

_SKIP = re.compile(r"(?:\s+|#[^\n\r]*)+")
_PROLOGUE = re.compile(r"BASE\s*<[^>\s]*>|PREFIX\s+[^\s:]*:\s*<[^>\s]*>", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")


def query_form(text: str) -> str:
    """The first keyword after the prologue (BASE / PREFIX), upper-case; "" when there is none we know."""
    pos = 0
    while True:
        skipped = _SKIP.match(text, pos)
        pos = skipped.end() if skipped else pos
        declaration = _PROLOGUE.match(text, pos)
        if not declaration:
            break
        pos = declaration.end()
    word = _WORD.match(text, pos)
    keyword = word.group(0).upper() if word else ""
    return keyword if keyword in QUERY_FORMS + UPDATE_FORMS else ""


def check_read_only(text: str) -> str:
    """The query's form. The engines never run an update through their query call anyway; this is so
    the user hears why, instead of a parse error about an expected SELECT."""
    form = query_form(text)
    if form in UPDATE_FORMS:
        raise QueryForbidden(f"SPARQL Update ({form}) is not allowed: this endpoint is read-only")
    return form


# -- result formats and content negotiation -------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str  # the short name used in `?format=` and by the CLI
    media_type: str
    spec: str  # its W3C format IRI (http://www.w3.org/ns/formats/), for the service description
    names: tuple[str, ...] = ()  # other `?format=` spellings (SPARQLWrapper sends json, turtle, rdf+xml …)
    aliases: tuple[str, ...] = ()  # other media types that ask for it


RESULT_FORMATS = (  # SELECT and ASK; the first is the default
    Format("json", "application/sparql-results+json", "SPARQL_Results_JSON", (), ("application/json",)),
    Format("xml", "application/sparql-results+xml", "SPARQL_Results_XML", (), ("application/xml", "text/xml")),
    Format("csv", "text/csv", "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "SPARQL_Results_TSV"),
)
GRAPH_FORMATS = (  # CONSTRUCT and DESCRIBE; the first is the default
    Format("ttl", "text/turtle", "Turtle", ("turtle", "n3"), ("application/x-turtle", "application/turtle")),
    Format("jsonld", "application/ld+json", "JSON-LD", ("json-ld", "json"), ("application/json",)),
    Format("nt", "application/n-triples", "N-Triples", ("ntriples", "n-triples"), ("text/plain",)),
    Format("rdfxml", "application/rdf+xml", "RDF_XML", ("rdf", "rdf+xml", "xml"), ("application/xml", "text/xml")),
)


_BY_NAME = {fmt.name: fmt for fmt in GRAPH_FORMATS}
# A results format asked for a graph → the graph format a parser of that kind reads: JSON → JSON-LD,
# XML → RDF/XML, the tables → Turtle.
GRAPH_FOR_RESULTS = {"json": _BY_NAME["jsonld"], "xml": _BY_NAME["rdfxml"], "csv": _BY_NAME["ttl"],
                     "tsv": _BY_NAME["ttl"]}


def formats_for(form: str) -> tuple[Format, ...]:
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS


def parse_accept(header: str) -> list[tuple[str, float]]:
    """`text/csv;q=0.5, */*;q=0.1` → [("text/csv", 0.5), ("*/*", 0.1)]; parameters other than q ignored."""
    ranges = []
    for part in header.split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches `offer` (RFC 9110 §12.5.1); 0 when none does."""
    major = offer.split("/", 1)[0]
    specificity, quality = -1, 0.0
    for media, q in ranges:
        if media == offer:
            rank = 2
        elif media == f"{major}/*":
            rank = 1
        elif media in ("*/*", "*"):
            rank = 0
        else:
            continue
        if rank > specificity:
            specificity, quality = rank, q
    return quality


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most (ties go to the earlier offer); the first offer when there is no
    Accept header; None when the client accepts none of them."""
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = parse_accept(accept)
    best, best_quality = None, 0.0
    for offer in offers:
        quality = _quality(offer, ranges)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def choose_format(form: str, accept: str | None = None, name: str | None = None) -> Format | None:
    """The format for a query of `form`: `name` (a `?format=` value or a media type) wins over `accept`.
    None when the Accept header rules out every format we have; `QueryError` for an unknown name."""
    table = formats_for(form)
    if name:
        wanted = name.strip().lower()
        for fmt in table:
            if wanted in (fmt.name, *fmt.names, fmt.media_type, *fmt.aliases):
                return fmt
        if table is GRAPH_FORMATS:  # ?format=csv on a CONSTRUCT: the graph, as for an Accept of text/csv
            for fmt in RESULT_FORMATS:
                if wanted in (fmt.name, *fmt.names, fmt.media_type, *fmt.aliases):
                    return GRAPH_FOR_RESULTS[fmt.name]
        known = ", ".join(f.name for f in table)
        kind = "CONSTRUCT/DESCRIBE" if table is GRAPH_FORMATS else "SELECT/ASK"
        raise QueryError(f"unknown result format {name!r} for a {kind} query; use one of {known}")
    offers = [fmt.media_type for fmt in table] + [alias for fmt in table for alias in fmt.aliases]
    chosen = negotiate(accept, offers)
    if chosen is None and table is GRAPH_FORMATS:
        # A client that asks for results formats only (rdflib's SPARQLStore(returnFormat=...), SPARQLWrapper
        # with JSON / XML / CSV) still gets the graph, in the graph format nearest to what it asked for.
        asked = choose_format("SELECT", accept)
        return GRAPH_FOR_RESULTS[asked.name] if asked else None
    if chosen is None:
        return None
    return next(fmt for fmt in table if chosen in (fmt.media_type, *fmt.aliases))


# -- service description ----------------------------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")


# The caps have no term in the Service Description vocabulary: our own, one property per cap.
LIMITS = rdflib.Namespace("https://noticekg.org/ns/service#")


def service_description(endpoint: str, graph_iris: Sequence[str] = (),
                        limits: dict[str, object] | None = None) -> rdflib.Graph:
    """What the endpoint is (SPARQL 1.1 Service Description): query language, result formats, a default
    graph that is the union of the named graphs, and the caps (`Limits.describe()`), as `LIMITS` terms."""
    graph = rdflib.Graph()
    graph.bind("sd", SD)
    graph.bind("formats", W3C_FORMATS)
    graph.bind("limits", LIMITS)
    service = rdflib.URIRef(endpoint)
    for name, value in (limits or {}).items():
        for item in value if isinstance(value, list) else [value]:
            graph.add((service, LIMITS[name], rdflib.URIRef(str(item)) if isinstance(value, list)
                       else rdflib.Literal(item)))
    if limits is not None:
        graph.add((service, rdflib.RDFS.comment, rdflib.Literal(
            "Read-only. SERVICE only to the allowed services (none by default); FROM, FROM NAMED, "
            "default-graph-uri and named-graph-uri only name graphs of this dataset. Past a cap a query is "
            "refused with 400 and the reason; when every worker is busy, 503 with Retry-After.", lang="en")))
    graph.add((service, rdflib.RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, W3C_FORMATS[fmt.spec]))
    dataset, default = rdflib.BNode(), rdflib.BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, rdflib.RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, rdflib.RDF.type, SD.Graph))
    for iri in graph_iris:
        named = rdflib.BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, rdflib.RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, rdflib.URIRef(iri)))
    return graph
