"""Linked data: every IRI the graph mints dereferences under this server.

    /id/<path>    ↔  app.config["BASE"] + path        (notices, sections, figures, citations, agencies,
                                                       regions, source files, named graphs, validation results)
    /def/<path>   ↔  https://noticekg.org/def/ + path  (ontology terms and figure kinds, `graph/vocabulary`)

HTML for people; Turtle, JSON-LD, N-Triples or RDF/XML for machines, by `Accept` or by extension (`.ttl`,
`.jsonld`, `.nt`, `.rdf`). Every query runs in the look-up pool under the `/sparql` time limit
(`server/lookups.py`); an answer is kept per generation of the store (`server/page_cache.py`), with an ETag. The description of an IRI is every triple with it as subject, plus a notice's list
of sections and figures and a figure's quote selector; a named graph's IRI gives the graph itself. Every answer
links the named graphs it was read from with `rel="http://www.w3.org/ns/prov#has_provenance"`.
"""

from __future__ import annotations

import json
import re

import rdflib
from flask import Blueprint, Flask, Response, current_app, render_template, request

from graph import export
from graph.store import Store

from . import describe, pages, text
from .describe import DEF, local_url
from .errors import error_response
from .page_cache import cached
from .store import get_reader

bp = Blueprint("linked_data", __name__)

PROV_HAS_PROVENANCE = "http://www.w3.org/ns/prov#has_provenance"
HTML = "text/html"
# extension → (rdflib serializer, media type)
RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "nt": ("nt", "application/n-triples"),
    "rdf": ("xml", "application/rdf+xml"),
}
# media type → representation; HTML first, so that */* (curl, a bare client) gets the page
_BY_MEDIA = {HTML: "html", "application/xhtml+xml": "html",
             **{media: ext for ext, (_, media) in RDF_FORMATS.items()},
             "application/json": "jsonld",  # a client that asks for plain JSON gets JSON-LD
             text.MEDIA: "txt"}  # a notice's or a source file's text (server/text.py)
# Characters an IRI written between <> in SPARQL may not hold; a path with one of them names nothing we minted.
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# Every IRI we mint (graph/to_rdf/iris.py, the vocabulary) has a path of unreserved characters (RFC 3986)
# in non-empty segments: pinyin slugs, codes, numbers, hex digests, terms. Anything else is a 404 at once,
# before a query is built or run.
_MINTED_PATH = re.compile(r"[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*")


# -- content negotiation (shared with the API) -------------------------------------------------------------


def wants(offers: list[str], default: str) -> str | None:
    """The media type to answer with: the best of `offers` for the request's Accept header, `default` when the
    client sent none, None when it accepts none of them (→ 406)."""
    if not request.accept_mimetypes.provided:
        return default
    return request.accept_mimetypes.best_match(offers)


def browser_wants_html() -> bool:
    """True when the client prefers HTML to JSON (a browser); used to pick the shape of an error."""
    return wants(["application/json", HTML], "application/json") == HTML


def not_acceptable(offers: list[str]) -> Response:
    return error_response(406, "NotAcceptable", "none of the media types in Accept can be served; offered: "
                          + ", ".join(offers))


def not_found(message: str) -> Response:
    if browser_wants_html():
        return Response(render_template("error.html", status=404, message=message), 404,
                        content_type="text/html; charset=utf-8")
    return error_response(404, "NotFound", message)


def safe_iri(iri: str) -> bool:
    return bool(iri) and not _UNSAFE_IRI.search(iri)


def minted_path(path: str) -> bool:
    """True when `path` has the shape of an IRI path we mint (it may still name nothing in the graph)."""
    return _MINTED_PATH.fullmatch(path) is not None


# -- routes ------------------------------------------------------------------------------------------------


@bp.get("/id/<path:path>")
def instance(path: str) -> Response:
    return cached(("id", path), lambda: dereference(current_app.config["BASE"], path))


@bp.get("/def/", defaults={"path": ""})
@bp.get("/def/<path:path>")
def vocabulary(path: str) -> Response:
    return cached(("def", path), lambda: dereference(DEF, path))


@bp.get("/")
def home() -> Response:
    return cached(("home",), lambda: _html(render_template("home.html", **pages.home(get_reader()))))


def dereference(namespace: str, path: str) -> Response:
    if path and not minted_path(path) or not safe_iri(namespace + path):
        return not_found(f"nothing in the graph is named {namespace}{path}")
    store = get_reader()
    iri, ext = namespace + path, None
    # An extension selects a representation, unless the IRI with the extension is itself in the graph.
    stem, dot, suffix = path.rpartition(".")
    if dot and (suffix in RDF_FORMATS or suffix == "txt") and not describe.exists(store, iri):
        iri, ext = namespace + stem, suffix
    if not safe_iri(iri):
        return not_found(f"nothing in the graph is named {iri}")
    graphs = describe.provenance_graphs(store, iri)  # none: then it is only in the graph if some triple uses it
    if not graphs and not describe.exists(store, iri):
        return not_found(f"nothing in the graph is named {iri}")
    if ext is None:
        media = wants(list(_BY_MEDIA), HTML)
        if media is None:
            return not_acceptable([HTML, *(m for _, m in RDF_FORMATS.values())])
        ext = _BY_MEDIA[media]
    if ext == "txt":
        source_text = text.source_text(store, iri)
        if source_text is None:
            return not_acceptable([HTML, *(m for _, m in RDF_FORMATS.values())])
        response = text.text_response(source_text)
    elif ext == "html":
        response = _html(render_resource(store, iri))
    else:
        response = rdf_response(describe.description(store, iri), ext)
    response.headers["Vary"] = "Accept"
    for graph in graphs:
        response.headers.add("Link", f'<{request.host_url.rstrip("/")}{local_url(graph)}>; '
                                     f'rel="{PROV_HAS_PROVENANCE}"')
    return response


def render_resource(store: Store, iri: str) -> str:
    view = pages.resource(store, iri)
    template = {"notice": "notice.html", "figure": "figure.html"}.get(view["view"], "resource.html")
    return render_template(template, **view)


# -- representations -------------------------------------------------------------------------------------


def rdf_response(graph: rdflib.Graph, ext: str) -> Response:
    serializer, media = RDF_FORMATS[ext]
    for prefix, ns in describe.NS.items():
        graph.bind(prefix, ns)
    graph.bind("id", current_app.config["BASE"])
    if ext == "jsonld":
        body = jsonld(graph)
    else:
        body = graph.serialize(format=serializer, encoding="utf-8")
    return Response(body, content_type=f"{media}; charset=utf-8")


def jsonld(graph: rdflib.Graph) -> bytes:
    """Compact with the published context, then refer to it by its URL rather than repeating it."""
    data = json.loads(graph.serialize(format="json-ld", context=export.context(), auto_compact=True))
    if isinstance(data, dict):
        data["@context"] = request.host_url.rstrip("/") + "/ns/context.jsonld"
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status, content_type="text/html; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["local"] = local_url
