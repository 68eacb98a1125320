"""The query service: Flask over `graph`'s public API only.

`create_app(test_config=None)` builds the app; blueprints: `sparql` (SPARQL 1.1 Protocol), `api` (governs,
figures, notice resolution, citations), `linked_data` (every minted IRI dereferences), `exports`.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_cors import CORS

from graph.to_rdf import DEFAULT_BASE

from . import limits


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        STORE_URL=os.environ.get("NOTICEKG_STORE", "oxigraph:var/store"),
        BASE=os.environ.get("NOTICEKG_BASE", DEFAULT_BASE),
        JSON_AS_ASCII=False,
        **limits.defaults(),  # the caps of the public endpoint: server/limits.py
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # Chinese stays readable in JSON
    # Browser SPARQL clients (YASGUI …) and pages on other origins read every route: it is all public. Only
    # /sparql takes a POST from them (a query); the headers they need to read are exposed.
    CORS(app, resources={r"/sparql": {"methods": ["GET", "POST", "OPTIONS"]},
                         r"/*": {"methods": ["GET", "HEAD", "OPTIONS"]}},
         expose_headers=["Link", "Location", "Retry-After", "Content-Disposition"])

    from . import api, errors, exports, linked_data, page_cache, site, sparql, store, write, wsgi

    store.init_app(app)
    page_cache.init_app(app)
    errors.init_app(app)
    sparql.init_app(app)
    api.init_app(app)
    linked_data.init_app(app)
    exports.init_app(app)
    app.wsgi_app = wsgi.body_cap(app)  # type: ignore[method-assign]  # a body over the cap: 413 before any view
    write.init_app(app)  # POST/PUT/DELETE /api/notices, with a bearer token
    from . import feed  # the `time` work: /feed and /.well-known/void

    feed.init_app(app)
    site.init_app(app)  # search, findings, implementation table, workbench, language policy
    return app
