"""What changed, and what the dataset is, for machines:

    GET /feed[?region=][&kind=]     Atom feed (feedgen) of notices added, replaced, withdrawn and figures that
                                    changed a governing answer, release by release, each entry linked
    GET /.well-known/void           the VoID / DCAT description: endpoint, dumps, every dated release
                                    (Turtle; JSON-LD, N-Triples or RDF/XML by Accept)

Thin over `graph.changes` and `graph.release`.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator
from flask import Blueprint, Flask, Response, current_app, request
from markupsafe import escape

from graph import lookup
from graph.changes import Change, changes
from graph.errors import NotFound
from graph.release import void_description

from .describe import local_url
from .errors import error_response
from .linked_data import wants
from .store import get_reader

bp = Blueprint("feed", __name__)

_VOID_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                 "application/rdf+xml": "xml"}


@bp.get("/feed")
def feed() -> Response:
    store = get_reader()
    region = (request.args.get("region") or "").strip() or None
    kind = (request.args.get("kind") or "").strip() or None
    try:
        code = lookup.region_code(region) if region else None
    except NotFound as exc:
        return error_response(400, "InvalidParameter", str(exc), parameter="region")
    try:
        slug = lookup.kind_slug(store, kind) if kind else None
    except NotFound as exc:
        return error_response(400, "InvalidParameter", str(exc), parameter="kind")
    site = request.host_url.rstrip("/")
    fg = FeedGenerator()
    fg.id(request.url)
    fg.title("noticekg: what changed" + (f" · {code}" if code else "") + (f" · {slug}" if slug else ""))
    fg.link(href=request.url, rel="self")
    fg.link(href=site + "/", rel="alternate")
    fg.language("zh")
    entries = changes(store, region=code, kind=slug)
    fg.updated(_when(entries[0].when) if entries else dt.datetime.now(dt.UTC))
    for change in reversed(entries):  # feedgen puts each new entry first
        entry = fg.add_entry()
        entry.id(f"{change.iri}#{change.what}-{change.release}")
        entry.title(change.title)
        entry.link(href=site + local_url(change.iri))
        entry.updated(_when(change.when))
        if change.links:  # a changed answer: both figures linked (feedgen 1.0 writes no rel on entry links)
            entry.content(_both(change, site), type="html")
        else:
            entry.summary(change.summary)
        entry.category(term=change.what)
    return Response(fg.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")


def _both(change: Change, site: str) -> str:
    words = ("现行 governs", "此前 governed before") if len(change.links) > 1 else ("",)
    items = "".join(f'<li>{w} <a href="{escape(site + local_url(iri))}">{escape(iri)}</a></li>'
                    for w, iri in zip(words, change.links, strict=False))
    return f"<p>{escape(change.summary)}</p><ul>{items}</ul>"


def _when(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@bp.get("/.well-known/void")
def void() -> Response:
    media = wants(list(_VOID_FORMATS), "text/turtle")
    if media is None:
        media = "text/turtle"
    graph = void_description(get_reader(), current_app.config["BASE"], request.host_url)
    return Response(graph.serialize(format=_VOID_FORMATS[media], encoding="utf-8"),
                    content_type=f"{media}; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
