"""Whole-graph exports: the `FORMATS` registry (name → writer, media type, extension), `export(store, fmt)`,
and `figures_csv(store)`, the figures as one spreadsheet row each.

Dataset formats (TriG, N-Quads, JSON-LD) keep the named graphs; triple formats (Turtle, N-Triples, RDF/XML)
get their union. JSON-LD is compacted with the published context (`ontology/context.jsonld`, inlined so the
file stands alone) and also states each fact in the ELI, schema.org and Data Cube terms our vocabulary is
aligned to (`rdfs:subClassOf` / `rdfs:subPropertyOf` in `ontology/noticekg.ttl`), so a notice exported here
still reads as an `eli:LegalResource` / `schema:Legislation` to a tool that knows nothing of `nkg:`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import URIRef

from .errors import InputError
from .store import Store, to_rdflib
from .to_rdf import QUALIFIERS, YEAR_TYPES
from .vocab import CONTEXT_FILE, ELI, KIND, PREFIXES, QB, RDF, RDFS, SCHEMA, VOCABULARY_FILE

# The anchor vocabularies an export restates our facts in.
ALIGNED_NAMESPACES = (str(ELI), str(SCHEMA), str(QB))


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    write: Callable[[Store], bytes]
    keeps_graphs: bool  # named graphs survive; otherwise the union of them is written


def _reserialized(dump_as: str, ox_format: ox.RdfFormat) -> Callable[[Store], bytes]:
    """Dump in a line format the store writes fast, then re-serialise with our prefixes for readability."""

    def write(store: Store) -> bytes:
        data = store.dump(dump_as)
        source = ox.RdfFormat.N_QUADS if dump_as == "nq" else ox.RdfFormat.N_TRIPLES
        return ox.serialize(ox.parse(data, source), format=ox_format, prefixes=PREFIXES) or b""

    return write


def _dumped(fmt: str) -> Callable[[Store], bytes]:
    return lambda store: store.dump(fmt)


def _jsonld(store: Store) -> bytes:
    """One JSON-LD document: the context once, then each named graph as `{"@id": …, "@graph": […]}`."""
    graphs: dict[str, rdflib.Graph] = {}
    for quad in ox.parse(store.dump("nq"), ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graph = graphs.setdefault(name, rdflib.Graph())
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    entries = []
    for name in sorted(graphs):
        # Graph by graph: rdflib's Dataset serialiser is deprecated API, and a graph at a time stays small.
        compacted = json.loads(align(graphs[name]).serialize(format="json-ld", context=context(), auto_compact=True))
        compacted.pop("@context", None)
        nodes = compacted.get("@graph", [compacted] if compacted else [])
        if name:
            entries.append({"id": name, "@graph": nodes})
        else:  # triples outside any named graph (none in a store we built) stay at the top
            entries += nodes
    document = {"@context": context(), "@graph": entries}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("trig", "application/trig", ".trig", _reserialized("nq", ox.RdfFormat.TRIG), True),
        Format("nq", "application/n-quads", ".nq", _dumped("nq"), True),
        Format("jsonld", "application/ld+json", ".jsonld", _jsonld, True),
        Format("ttl", "text/turtle", ".ttl", _reserialized("nt", ox.RdfFormat.TURTLE), False),
        Format("nt", "application/n-triples", ".nt", _dumped("nt"), False),
        Format("rdfxml", "application/rdf+xml", ".rdf", _reserialized("nt", ox.RdfFormat.RDF_XML), False),
    )
}


def export(store: Store, fmt: str) -> bytes:
    """The whole graph in format `fmt` (a key of `FORMATS`)."""
    try:
        return FORMATS[fmt].write(store)
    except KeyError:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}") from None


# The Graph Store Protocol's formats: name → (media type, pyoxigraph format, keeps the graph name).
GRAPH_STORE_FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, False),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, True),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML, False),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS, True),
    "trig": ("application/trig", ox.RdfFormat.TRIG, True),
}


def graph_store_dump(store: Store, fmt: str, graph: str | None = None) -> bytes:
    """The Graph Store Protocol's read: the named graph `graph` (an IRI the caller checked we hold), or, for
    None, the default graph (the union), as N-Quads / TriG / N-Triples the whole dataset."""
    _, ox_format, keeps_graphs = GRAPH_STORE_FORMATS[fmt]
    if graph is None:
        if fmt in ("nq", "trig", "nt"):
            return store.dump(fmt)
        return _written([q.triple for q in ox.parse(store.dump("nt"), ox.RdfFormat.N_TRIPLES)], ox_format)
    name = ox.NamedNode(graph)
    engine = getattr(store, "engine", None)
    if isinstance(engine, ox.Store):
        quads = list(engine.quads_for_pattern(None, None, None, name))
    else:  # a remote store: the graph's triples through a query naming the (checked) graph IRI
        triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        data = triples.serialize(format="nt", encoding="utf-8")
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
    return _written(quads if keeps_graphs else [q.triple for q in quads], ox_format)


def _written(statements: list, ox_format: ox.RdfFormat) -> bytes:
    # Prefixes make Turtle and TriG readable; the line formats and the others take none.
    prefixes = PREFIXES if ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(statements, format=ox_format, prefixes=prefixes) or b""


def dump(store: Store, what: str, fmt: str, graph: str | None = None) -> bytes:
    """One of the service's dumps, as a query worker runs it (`graph.sparql.DumpRequest`): `what` is
    "export" (`export`), "graph" (`graph_store_dump`) or "figures" (`figures_csv`, UTF-8)."""
    if what == "export":
        return export(store, fmt)
    if what == "graph":
        return graph_store_dump(store, fmt, graph)
    if what == "figures":
        return figures_csv(store).encode("utf-8")
    raise InputError(f"unknown dump {what!r}")


def dataset_quads(dataset: rdflib.Dataset) -> Iterator[ox.Quad]:
    """The named graphs of an rdflib dataset as Oxigraph quads (graph by graph: rdflib's whole-dataset
    serialisers go through its deprecated API)."""
    for graph in dataset.graphs():
        if not isinstance(graph.identifier, URIRef) or not len(graph):
            continue
        name = ox.NamedNode(str(graph.identifier))
        for t in ox.parse(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(t.subject, t.predicate, t.object, name)


def write_dataset(dataset: rdflib.Dataset, output: Path) -> None:
    """Write a freshly built dataset to a .trig or .nq file."""
    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    fmt = formats.get(output.suffix.lower())
    if fmt is None:
        raise InputError(f"{output}: write the graph to a .trig or .nq file")
    try:
        ox.serialize(dataset_quads(dataset), output=str(output), format=fmt, prefixes=PREFIXES)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc}") from exc


# -- JSON-LD: the published context and the aligned terms ---------------------------------------------------


@cache
def context() -> dict:
    """The published JSON-LD context (the value of its `@context`)."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


@cache
def _anchors() -> tuple[dict[URIRef, frozenset[URIRef]], dict[URIRef, frozenset[URIRef]]]:
    """Our classes and properties → their (transitive) super-terms in the aligned vocabularies."""
    vocabulary = rdflib.Graph().parse(VOCABULARY_FILE)

    def closure(relation: URIRef) -> dict[URIRef, frozenset[URIRef]]:
        supers: dict[URIRef, frozenset[URIRef]] = {}
        for term in set(vocabulary.subjects(relation, None)):
            reachable = set(vocabulary.transitive_objects(term, relation)) - {term}
            aligned = {t for t in reachable if isinstance(t, URIRef) and str(t).startswith(ALIGNED_NAMESPACES)}
            if aligned and isinstance(term, URIRef):
                supers[term] = frozenset(aligned)
        return supers

    return closure(RDFS.subClassOf), closure(RDFS.subPropertyOf)


def align(graph: rdflib.Graph) -> rdflib.Graph:
    """Add, in place, each fact restated in the aligned vocabularies (RDFS entailment, only towards ELI,
    schema.org and Data Cube)."""
    classes, properties = _anchors()
    added = []
    for s, p, o in graph:
        if p == RDF.type and o in classes:
            added += [(s, RDF.type, c) for c in classes[o]]  # type: ignore[index]
        elif p in properties:
            added += [(s, q, o) for q in properties[p]]  # type: ignore[index]
    for triple in added:
        graph.add(triple)
    return graph


# -- figures as a table --------------------------------------------------------------------------------------

CSV_COLUMNS = ("docno", "section", "kind", "value", "unit", "qualifier", "year", "year_type", "region_code",
               "region_name", "scope", "quote", "figure")

_FIGURES = """
PREFIX nkg: <https://noticekg.org/def/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?figure ?docno ?section ?kind ?amount ?ratio ?date ?start ?end ?unit ?qualifier ?year ?yearType
       ?regionCode ?regionName ?scope ?quote
WHERE {
  ?figure a nkg:Figure ; nkg:kind ?kind ; oa:hasSelector/oa:exact ?quote .
  OPTIONAL { ?figure nkg:statedIn/nkg:docNo ?docno }
  OPTIONAL { ?figure nkg:inSection/nkg:path ?section }
  OPTIONAL { ?figure nkg:amount ?amount }
  OPTIONAL { ?figure nkg:ratio ?ratio }
  OPTIONAL { ?figure nkg:date ?date }
  OPTIONAL { ?figure nkg:startDate ?start ; nkg:endDate ?end }
  OPTIONAL { ?figure nkg:unit ?unit }
  OPTIONAL { ?figure nkg:qualifier ?qualifier }
  OPTIONAL { ?figure nkg:year ?year }
  OPTIONAL { ?figure nkg:yearType ?yearType }
  OPTIONAL { ?figure nkg:region ?region .
             OPTIONAL { ?region nkg:code ?regionCode } OPTIONAL { ?region rdfs:label ?regionName } }
  OPTIONAL { ?figure nkg:scope ?scope }
}
"""
_NOTATIONS = {iri: name for table in (QUALIFIERS, YEAR_TYPES) for name, iri in table.items()}


def _natural(text: str) -> tuple:
    """Sort key that puts …/f/2 before …/f/10 and section 3.2 before 10.1."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def figure_rows(store: Store) -> list[dict[str, str]]:
    """One dict per figure, keys `CSV_COLUMNS`, ordered by 文号, section and figure number."""
    rows: dict[str, dict[str, str]] = {}
    for r in store.select(_FIGURES):
        iri = str(r["figure"])
        if iri in rows:  # a second label or scope of one figure: the first row already says it
            continue
        text = {k: str(v) for k, v in r.items()}
        if "amount" in text:
            value = text["amount"]
        elif "ratio" in text:
            value = text["ratio"]
        elif "date" in text:
            value = text["date"]
        else:
            value = f"{text['start']}/{text['end']}" if "start" in text else ""
        kind = text["kind"]
        rows[iri] = {
            "docno": text.get("docno", ""), "section": text.get("section", ""),
            "kind": kind[len(str(KIND)):] if kind.startswith(str(KIND)) else kind,
            "value": value, "unit": text.get("unit", ""),
            "qualifier": _NOTATIONS.get(r.get("qualifier"), text.get("qualifier", "")),  # type: ignore[arg-type]
            "year": text.get("year", ""),
            "year_type": _NOTATIONS.get(r.get("yearType"), text.get("yearType", "")),  # type: ignore[arg-type]
            "region_code": text.get("regionCode", ""), "region_name": text.get("regionName", ""),
            "scope": text.get("scope", ""), "quote": text["quote"], "figure": iri,
        }
    return sorted(rows.values(), key=lambda row: (row["docno"], _natural(row["section"]), _natural(row["figure"])))


def figures_csv(store: Store) -> str:
    """The figures as CSV (RFC 4180, UTF-8, header row), for spreadsheet users."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(figure_rows(store))
    return out.getvalue()
