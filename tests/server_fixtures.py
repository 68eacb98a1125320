"""Fixtures for the server tests, named for what they hand you:

    store         an in-memory store holding tests/data/sparql_fixture.trig (two notices' named graphs);
                  a test module that wants other data defines its own `store` fixture, and the rest follow
    corpus_store  an in-memory store holding the bundled corpus as built by `to_dataset` (once per module):
                  `def store(corpus_store): return corpus_store` serves the corpus
    app           `create_app` over `store`, TESTING, a 2 s query limit, one query worker
    client        Flask's test client for `app`
    live_server   `app` behind a real socket (werkzeug's threaded server on a free port): its base URL

Use them with `from tests.server_fixtures import *  # noqa: F403` (that brings the four fixtures, `__all__`).
`SLOW_QUERY` runs for minutes: for tests of the time limit.
Every fixture stops what it started: the query workers with the app, the server thread with `live_server`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from graph.records import ParseResult
from graph.store import Store, open_store
from graph.to_rdf import to_dataset
from server import create_app
from server.store import close

DATA = Path(__file__).parent / "data"
SPARQL_FIXTURE = DATA / "sparql_fixture.trig"
# Four cross-joined VALUES of 200 rows: 1.6 billion solutions, minutes of engine time on any machine.
_ROWS = " ".join(str(i) for i in range(200))
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?{v} {{ {_ROWS} }}" for v in "abcd") + "}"

__all__ = ["app", "client", "corpus_store", "live_server", "store", "stored"]


def stored(path: Path) -> Iterator[Store]:
    """An in-memory store holding one fixture file, closed afterwards (for `store` fixtures)."""
    opened = open_store("memory:")
    opened.load_file(str(path))
    yield opened
    opened.close()


@pytest.fixture
def store() -> Iterator[Store]:
    yield from stored(SPARQL_FIXTURE)


@pytest.fixture(scope="module")
def corpus_store(corpus_results: list[ParseResult]) -> Iterator[Store]:
    opened = open_store("memory:")
    opened.load_dataset(to_dataset(corpus_results))
    yield opened
    opened.close()


@pytest.fixture
def app(store: Store) -> Iterator[Flask]:
    application = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 2.0, "QUERY_WORKERS": 1})
    yield application
    close(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def serving(app: Flask, name: str = "live-server") -> Iterator[str]:
    """`app` behind a real socket on a free loopback port, its base URL, until the generator is closed (the
    one way the tests put an app on a socket: here, the write API's and the browser's fixtures)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    yield from serving(app)
