"""Running one user query with its caps: the reach check, at most `max_rows` solutions or triples, at most
`max_bytes` of serialized result. Past a cap the query is refused (400) before any byte is sent, with the
cap in the reason, so a client never mistakes a cut result for a whole one.

On the embedded store the solutions are counted as the engine yields them, so a query past the cap stops
there instead of being computed and serialized in full; a remote endpoint's answer is capped in bytes.
"""

from __future__ import annotations

import json
from itertools import islice

import pyoxigraph as ox
import rdflib

from ..store import OxigraphStore, Store, _syntax_error
from .guard import Limits, QueryRefused, check_reach

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def run_capped(store: Store, request, limits: Limits) -> tuple[bytes, str]:  # noqa: ANN001 - a QueryRequest
    """(serialized result, media type) of `request` on `store`, or `QueryRefused` past a cap."""
    check_reach(request.query, limits.services, store.graph_iris, request.default_graph_uris,
                request.named_graph_uris)
    if isinstance(store, OxigraphStore):
        body, media_type = _on_oxigraph(store, request, limits)
    else:
        from .runner import execute

        body, media_type = execute(store, request)
    if len(body) > limits.max_bytes:
        raise _too_large(f"{len(body):,} bytes", f"{limits.max_bytes:,} bytes")
    return body, media_type


def _too_large(size: str, cap: str) -> QueryRefused:
    return QueryRefused(f"the result has {size}; the cap is {cap}: add a LIMIT or narrow the query")


def _on_oxigraph(store: OxigraphStore, request, limits: Limits) -> tuple[bytes, str]:  # noqa: ANN001
    kwargs: dict = {}
    if request.default_graph_uris:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in request.default_graph_uris]
    else:
        kwargs["use_default_graph_as_union"] = True
    if request.named_graph_uris:
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in request.named_graph_uris]
    try:
        result = store.engine.query(request.query, **kwargs)
        return _serialize(result, request.format, limits)
    except SyntaxError as exc:
        raise _syntax_error(exc) from exc


def _serialize(result, fmt, limits: Limits) -> tuple[bytes, str]:  # noqa: ANN001
    if isinstance(result, ox.QueryBoolean):
        wanted = ox.QueryResultsFormat.from_media_type(fmt.media_type) or ox.QueryResultsFormat.JSON
        return result.serialize(format=wanted) or b"", wanted.media_type
    if isinstance(result, ox.QueryTriples):
        triples = list(islice(result, limits.max_rows + 1))
        if len(triples) > limits.max_rows:
            raise _too_large(f"more than {limits.max_rows:,} triples", f"{limits.max_rows:,} triples")
        if fmt.name == "jsonld":  # through rdflib, as `execute` does, so both paths give the same JSON-LD
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            graph = rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")
            return graph.serialize(format="json-ld", encoding="utf-8"), fmt.media_type
        wanted = ox.RdfFormat.from_media_type(fmt.media_type) or ox.RdfFormat.TURTLE
        return ox.serialize(triples, format=wanted) or b"", wanted.media_type
    variables = [v.value for v in result.variables]
    rows = list(islice(result, limits.max_rows + 1))
    if len(rows) > limits.max_rows:
        raise _too_large(f"more than {limits.max_rows:,} rows", f"{limits.max_rows:,} rows")
    # The kept solutions are written as SPARQL JSON results and, for another format, re-read by pyoxigraph
    # and serialized by it: every format stays the engine's own.
    document = {"head": {"vars": variables},
                "results": {"bindings": [{v: _json_term(row[v]) for v in variables if row[v] is not None}
                                         for row in rows]}}
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    wanted = ox.QueryResultsFormat.from_media_type(fmt.media_type) or ox.QueryResultsFormat.JSON
    if wanted == ox.QueryResultsFormat.JSON:
        return data, wanted.media_type
    solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
    return solutions.serialize(format=wanted) or b"", wanted.media_type


def _json_term(term) -> dict:  # noqa: ANN001 - a pyoxigraph term
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unsupported term {term!r}")
