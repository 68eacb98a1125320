"""The Graph Store Protocol's reads on `/sparql` (SPARQL 1.1 Graph Store HTTP Protocol, indirect identification):

    GET /sparql?graph=IRI   one named graph of the dataset; an IRI that names none is 404 before any query
    GET /sparql?default     the default graph, the union of the named graphs; as N-Quads or TriG the whole
                            dataset, named graphs kept

By `Accept` or `?format=`: Turtle (default), JSON-LD, N-Triples, RDF/XML, N-Quads, TriG. Writes are not
offered (405): the public endpoint is read-only.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotAcceptable

from graph import export
from graph.errors import NotFound
from graph.sparql import negotiate

from .store import get_store

# name → (media type, pyoxigraph format, keeps the graph name)
FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, False),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, True),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML, False),
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS, True),
    "trig": ("application/trig", ox.RdfFormat.TRIG, True),
}
_NAMES = {"turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "ntriples": "nt", "rdf": "rdfxml",
          "xml": "rdfxml", "nquads": "nq", **{k: k for k in FORMATS}, **{v[0]: k for k, v in FORMATS.items()}}


def _format() -> str:
    name = request.args.get("format")
    if name:
        if name.strip().lower() not in _NAMES:
            raise BadRequest(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")
        return _NAMES[name.strip().lower()]
    chosen = negotiate(request.headers.get("Accept"), [media for media, _, _ in FORMATS.values()])
    if chosen is None:
        raise NotAcceptable("a graph is available as " + ", ".join(m for m, _, _ in FORMATS.values()))
    return _NAMES[chosen]


def read(args: MultiDict) -> Response:
    if "graph" in args and "default" in args:
        raise BadRequest("ask for ?graph=IRI or ?default, not both")
    fmt = _format()
    media, ox_format, keeps_graphs = FORMATS[fmt]
    store = get_store()
    if "default" in args:
        if fmt in ("nq", "trig", "nt"):
            body = store.dump(fmt)
        else:
            body = _write([q.triple for q in ox.parse(store.dump("nt"), ox.RdfFormat.N_TRIPLES)], ox_format)
    else:
        iri = args.get("graph", "")
        if iri not in set(store.graph_iris()):  # only a graph we hold is ever named to the engine
            raise NotFound(f"no named graph {iri!r} in this dataset; the service description lists them")
        body = _one_graph(store, iri, ox_format, keeps_graphs)
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    response = Response(body, content_type=media + charset)
    response.vary.add("Accept")
    return response


def _one_graph(store, iri: str, ox_format: ox.RdfFormat, keeps_graphs: bool) -> bytes:  # noqa: ANN001
    name = ox.NamedNode(iri)
    engine = getattr(store, "engine", None)
    if isinstance(engine, ox.Store):
        quads = list(engine.quads_for_pattern(None, None, None, name))
    else:  # a remote store: the graph's triples through a query naming the (checked) graph IRI
        triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        data = triples.serialize(format="nt", encoding="utf-8")
        quads = [ox.Quad(t.subject, t.predicate, t.object, name)
                 for t in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
    return _write(quads if keeps_graphs else [q.triple for q in quads], ox_format)


def _write(statements: list, ox_format: ox.RdfFormat) -> bytes:
    # Prefixes make Turtle and TriG readable; the line formats and the others take none.
    prefixes = export.PREFIXES if ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(statements, format=ox_format, prefixes=prefixes) or b""
