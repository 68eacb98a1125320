"""`/sparql`: the SPARQL 1.1 Protocol, query operation only.

    GET  /sparql?query=…                          POST application/x-www-form-urlencoded (query=…)
    POST application/sparql-query (the body)       default-graph-uri / named-graph-uri, repeatable
    no query: the service description (Turtle, JSON-LD, N-Triples, RDF/XML) or, for a browser, a query form

Results by `Accept` or `?format=` (a CONSTRUCT asked for a results format gets the nearest graph format);
updates refused (403); the caps of `server/limits.py` (400 with the reason past one, 503 + Retry-After when
every worker is busy); no SERVICE and no graph outside the dataset. The Graph Store Protocol's reads:

    GET /sparql?graph=IRI      one named graph (Turtle, JSON-LD, N-Triples, RDF/XML, N-Quads, TriG)
    GET /sparql?default        the default graph (the union); as N-Quads or TriG, the whole dataset

The work is `graph.sparql`'s: this module only reads the protocol's parameters and writes the response.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, Response, render_template, request
from werkzeug.exceptions import BadRequest, NotAcceptable, UnsupportedMediaType

from graph.errors import QueryForbidden
from graph.sparql import (
    GRAPH_FORMATS,
    QueryRequest,
    check_read_only,
    check_shape,
    choose_format,
    formats_for,
    negotiate,
    service_description,
)

from . import graph_store
from .store import get_runner, get_store
from .workbench import html_results

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
HTML = "text/html"


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    update: bool  # an update operation was sent (as `update=` or application/sparql-update)
    default_graph_uris: tuple[str, ...]
    named_graph_uris: tuple[str, ...]


def _read_request() -> ProtocolRequest:
    """The protocol's parameters, from wherever this kind of request carries them (SPARQL 1.1 Protocol §2.1)."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == SPARQL_UPDATE:
            return ProtocolRequest(None, True, (), ())
        if mimetype == SPARQL_QUERY:
            try:
                text = request.get_data().decode(request.mimetype_params.get("charset", "utf-8"))
            except (UnicodeDecodeError, LookupError) as exc:
                raise BadRequest(f"the query body is not valid text: {exc}") from exc
            return ProtocolRequest(text, False, *_graph_uris(request.args))
        if mimetype != FORM:
            raise UnsupportedMediaType(
                f"POST a query as {FORM} or {SPARQL_QUERY}, not {mimetype or 'an untyped body'}")
        params = request.form
    else:
        params = request.args
    queries = params.getlist("query")
    if len(queries) > 1:
        raise BadRequest("send exactly one query parameter")
    return ProtocolRequest(queries[0] if queries else None, "update" in params, *_graph_uris(params))


def _graph_uris(params) -> tuple[tuple[str, ...], tuple[str, ...]]:  # noqa: ANN001 - a werkzeug MultiDict
    return tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri"))


def _answer(body: bytes, media_type: str) -> Response:
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    response = Response(body, content_type=media_type + charset)
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    asked = _read_request()
    if asked.update:
        raise QueryForbidden("SPARQL Update is not allowed: this endpoint is read-only")
    if asked.query is None:
        if request.method == "GET" and ("graph" in request.args or "default" in request.args):
            return graph_store.read(request.args)
        return _describe_service()
    runner = get_runner()
    if hasattr(runner, "refuse_early"):  # a known-slow query while the slow lane is full: 503 before any work
        runner.refuse_early(asked.query)
    check_shape(asked.query, runner.limits)
    form = check_read_only(asked.query)
    page = html_results(asked.query, form, asked.default_graph_uris, asked.named_graph_uris)  # a browser: a table
    if page is not None:
        return page
    fmt = choose_format(form, request.headers.get("Accept"), request.values.get("format"))
    if fmt is None:
        offered = ", ".join(f.media_type for f in formats_for(form))
        raise NotAcceptable(f"none of the formats asked for in Accept can carry this result; offered: {offered}")
    query = QueryRequest(asked.query, fmt, asked.default_graph_uris, asked.named_graph_uris)
    return _answer(*runner.run(query))


def _describe_service() -> Response:
    name = request.args.get("format")
    offers = [fmt.media_type for fmt in GRAPH_FORMATS] + [HTML]  # no Accept at all: Turtle
    fmt = choose_format("DESCRIBE", name=name) if name else None
    chosen = fmt.media_type if fmt else negotiate(request.headers.get("Accept"), offers)
    if chosen == HTML:
        response = Response(render_template("sparql.html", timeout=get_runner().timeout))
        response.vary.add("Accept")
        return response
    if chosen is None:
        raise NotAcceptable("the service description is available as " + ", ".join(offers))
    fmt = next(f for f in GRAPH_FORMATS if f.media_type == chosen)
    runner = get_runner()
    lanes = {"query_workers": getattr(runner, "size", None), "queue_length": getattr(runner, "queue", None),
             "long_running_after_seconds": getattr(runner, "fast", None),
             "long_running_at_once": getattr(runner, "slow", None)}
    caps = runner.limits.describe() | {k: v for k, v in lanes.items() if v is not None}
    description = service_description(request.base_url, get_store().graph_iris(), caps)
    serializer = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml"}[fmt.name]
    return _answer(description.serialize(format=serializer, encoding="utf-8"), fmt.media_type)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
