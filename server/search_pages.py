"""Full-text search pages over `graph.search`:

    GET /search?q=个人缴费 南宁[&region=450000][&year=2020][&level=municipal][&relation=forwards]   HTML
    GET /api/search?q=…                                                                           JSON

The index is the store's (`graph.search.index_location`: `<store dir>/search.sqlite`); when it is absent or
empty (a new store, an in-memory one, a test's) it is built from the store on first use. `SEARCH_INDEX` in the
app config names another file.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request, url_for

from graph import lookup, search
from graph.errors import NotFound

from .describe import local_url
from .errors import error_response
from .store import get_store
from .words import PHRASES, level, relation

bp = Blueprint("search", __name__)
_lock = threading.Lock()
LIMIT = 50


def get_index() -> sqlite3.Connection:
    app = current_app
    connection = app.extensions.get("noticekg.search")
    if connection is None:
        with _lock:
            connection = app.extensions.get("noticekg.search")
            if connection is None:
                location = app.config.get("SEARCH_INDEX")
                given = app.config.get("STORE")  # a store handed in: its own index when it is the STORE_URL's
                if location is None and (given is None or getattr(given, "url", None) == app.config["STORE_URL"]):
                    location = search.index_location(app.config["STORE_URL"])
                connection = search.connect(location)
                if search.is_empty(connection):
                    search.index_notices(get_store(), connection)
                app.extensions["noticekg.search"] = connection
    return connection


def reindex(app: Flask, notices: list[str] | None = None) -> None:
    """Bring the app's index in step with its store for these notices (all when None): for writers."""
    with app.app_context():
        search.index_notices(get_store(), get_index(), notices)


def _ask() -> tuple[str, dict[str, str]] | Response:
    query = (request.args.get("q") or "").strip()
    filters = {name: (request.args.get(name) or "").strip() for name in search.FACETS}
    if filters["region"]:
        try:
            filters["region"] = lookup.region_code(filters["region"])
        except NotFound as exc:
            return error_response(400, "InvalidParameter", f"未知地区 unknown region: {exc}", parameter="region")
    if filters["year"] and not filters["year"].isdigit():
        return error_response(400, "InvalidParameter", f"年度须为整数 year must be a whole number, not "
                              f"{filters['year']!r}", parameter="year")
    return query, {k: v for k, v in filters.items() if v}


@bp.get("/api/search")
def api_search() -> Response:
    asked = _ask()
    if isinstance(asked, Response):
        return asked
    query, filters = asked
    if not query:
        return error_response(400, "InvalidParameter", "缺少检索词 q is required, e.g. /api/search?q=个人缴费 南宁",
                              parameter="q")
    result = search.search(get_index(), query, filters, LIMIT)
    body = result.to_json()
    for hit in body["hits"]:
        hit["url"] = local_url(hit["iri"])
    return jsonify(body)


def _facet_label(name: str, value: str, label: str) -> str:
    if name == "level":
        return str(level(value))
    if name == "relation":
        return str(relation(value))
    return label


@bp.get("/search")
def search_page() -> Response:
    asked = _ask()
    if isinstance(asked, Response):
        return asked
    query, filters = asked
    result = search.search(get_index(), query, filters, LIMIT) if query else None
    facets: dict[str, list[dict[str, Any]]] = {}
    if result:
        for name, values in result.facets.items():
            facets[name] = [{"value": v, "label": _facet_label(name, v, label), "count": c,
                             "active": filters.get(name) == v,
                             "href": url_for("search.search_page", q=query, **{**filters, name: v})}
                            for v, label, c in values]
    return Response(render_template(
        "search.html", title=f"{query} · 全文检索 search" if query else "全文检索 search", query=query,
        filters=filters, result=result, facets=facets, names={n: PHRASES[n] for n in search.FACETS},
        level_words=level, relation_words=relation), content_type="text/html; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
