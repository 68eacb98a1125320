"""The Graph Store Protocol's reads on `/sparql` (SPARQL 1.1 Graph Store HTTP Protocol, indirect identification):

    GET /sparql?graph=IRI   one named graph of the dataset; an IRI that names none is 404 before any query
    GET /sparql?default     the default graph, the union of the named graphs; as N-Quads or TriG the whole
                            dataset, named graphs kept

By `Accept` or `?format=`: Turtle (default), JSON-LD, N-Triples, RDF/XML, N-Quads, TriG. Writes are not
offered (405): the public endpoint is read-only. The dump is made by a query worker under `EXPORT_TIMEOUT`
(`dumped`), as the exports are (`server/exports.py`).
"""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotAcceptable

from graph.errors import NotFound
from graph.export import GRAPH_STORE_FORMATS as FORMATS
from graph.sparql import DumpRequest, negotiate

from .store import get_runner, get_store

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


def dumped(what: str, fmt: str, graph: str | None = None) -> bytes:
    """A dump made by a query worker (the slow lane of the user-query pool), under `EXPORT_TIMEOUT`: never in
    this process, never holding a thread past the limit (503 `DumpTimeout`, or `QueryBusy` when the slow lane
    is taken)."""
    timeout = float(current_app.config["EXPORT_TIMEOUT"])
    return get_runner().run(DumpRequest(what, fmt, graph, timeout))[0]


def read(args: MultiDict) -> Response:
    if "graph" in args and "default" in args:
        raise BadRequest("ask for ?graph=IRI or ?default, not both")
    fmt = _format()
    media = FORMATS[fmt][0]
    if "default" in args:
        body = dumped("graph", fmt)
    else:
        iri = args.get("graph", "")
        if iri not in set(get_store().graph_iris()):  # only a graph we hold is ever named to the engine
            raise NotFound(f"no named graph {iri!r} in this dataset; the service description lists them")
        body = dumped("graph", fmt, iri)
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    response = Response(body, content_type=media + charset)
    response.vary.add("Accept")
    return response
