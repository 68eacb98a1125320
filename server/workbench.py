"""The SPARQL workbench for people, beside the protocol endpoint that `server/sparql.py` owns:

- `/sparql` asked for by a browser with no query renders templates/sparql.html: YASGUI (vendored under
  static/yasgui/ by tools/vendor-yasgui.sh), one tab per canned query of ontology/queries/;
- a SELECT or ASK asked for with `Accept: text/html` (a link followed in a browser) or `?format=html` runs
  under the same time limit as every query and comes back as an HTML table whose IRIs link to their pages.

`html_results(asked)` is the whole hook: server/sparql.py calls it before choosing a machine format, and it
answers None when the request is not for HTML.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, render_template, request

from graph.sparql import QueryRequest, choose_format, formats_for, negotiate

from .describe import curie, local_url
from .pages import canned_queries
from .store import get_runner

HTML = "text/html"
ROW_LIMIT = 2000  # rows drawn in the HTML table; the machine formats carry them all


def wants_html(form: str) -> bool:
    if form not in ("SELECT", "ASK"):
        return False
    name = request.values.get("format")
    if name:
        return name.strip().lower() in ("html", HTML)
    offers = [fmt.media_type for fmt in formats_for(form)] + [HTML]
    return negotiate(request.headers.get("Accept"), offers) == HTML


def html_results(query: str, form: str, default_graph_uris: tuple[str, ...] = (),
                 named_graph_uris: tuple[str, ...] = ()) -> Response | None:
    """The results of a SELECT / ASK as an HTML page, when the request asks for HTML; else None."""
    if not wants_html(form):
        return None
    fmt = choose_format(form, "application/sparql-results+json")
    body, _ = get_runner().run(QueryRequest(query, fmt, default_graph_uris, named_graph_uris))
    data = json.loads(body)
    columns: list[str] = data.get("head", {}).get("vars", [])
    bindings = data.get("results", {}).get("bindings", [])
    rows = [[_cell(b.get(c)) for c in columns] for b in bindings[:ROW_LIMIT]]
    response = Response(render_template(
        "sparql_results.html", title="SPARQL 查询结果 results", query=query, columns=columns, rows=rows,
        total=len(bindings), shown=len(rows), boolean=data.get("boolean")), content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


def _cell(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if value.get("type") == "uri":
        return {"iri": value["value"], "href": local_url(value["value"]), "label": curie(value["value"])}
    return {"text": value.get("value", ""), "lang": value.get("xml:lang"),
            "datatype": curie(value["datatype"]) if value.get("datatype") else None}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["canned_queries"] = canned_queries  # the workbench's tabs
