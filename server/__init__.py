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


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        STORE_URL=os.environ.get("NOTICEKG_STORE", "oxigraph:var/store"),
        BASE=os.environ.get("NOTICEKG_BASE", DEFAULT_BASE),
        QUERY_TIMEOUT=float(os.environ.get("NOTICEKG_QUERY_TIMEOUT", "5")),
        QUERY_WORKERS=int(os.environ.get("NOTICEKG_QUERY_WORKERS", "2")),
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # Chinese stays readable in JSON
    # Browser SPARQL clients (YASGUI …) and pages on other origins call these; all of it is public and read-only.
    CORS(app, resources={r"/sparql": {}, r"/api/*": {}}, methods=["GET", "POST", "OPTIONS"])

    from . import api, errors, exports, linked_data, site, sparql, store

    store.init_app(app)
    errors.init_app(app)
    sparql.init_app(app)
    api.init_app(app)
    linked_data.init_app(app)
    exports.init_app(app)
    site.init_app(app)  # search, findings, implementation table, workbench, language policy
    return app
