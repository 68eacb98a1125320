"""The pages for people that sit beside the API: full-text search, the validation findings, the implementation
table, the SPARQL workbench and the one language policy (`words`). One `init_app` registers them all."""

from __future__ import annotations

from flask import Flask

from . import findings, implementation, search_pages, workbench
from .diagram import diagram
from .store import get_reader
from .words import PHRASES, STATUS, TIMELINE, error, kind, label, reason, relation


def init_app(app: Flask) -> None:
    search_pages.init_app(app)
    app.register_blueprint(findings.bp)
    app.register_blueprint(implementation.bp)
    workbench.init_app(app)
    app.jinja_env.globals.update(phrases=PHRASES, timeline_words=TIMELINE, kind_label=kind, relation_words=relation,
                                 reason_words=reason, error_words=error, status_words=STATUS, term_words=label,
                                 kind_words=kind,
                                 chain_layout=lambda iri: diagram(get_reader(), iri))  # the governs page's chain
