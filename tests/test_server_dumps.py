"""Whole-graph dumps (/export/*, the Graph Store Protocol's ?default and ?graph=) are made by a query worker of
the user pool's slow lane, never in the server's process, under `EXPORT_TIMEOUT`: a dump whose worker does not
answer is cut off with 503 `DumpTimeout` in the JSON shape while /sparql goes on answering, and the next dump is
served by a fresh worker."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from graph.store import Store
from server import create_app
from server.store import close, get_runner, start_runners
from tests.server_fixtures import stored

FIXTURE = Path(__file__).parent / "data" / "linked_fixture.trig"
DUMPS = ("/export/graph.nq", "/export/graph.ttl", "/export/figures.csv", "/sparql?default&format=nq",
         "/sparql?default&format=ttl")


@pytest.fixture
def store() -> Iterator[Store]:
    yield from stored(FIXTURE)


def _app(store: Store, **config: object) -> Flask:
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 5.0, "QUERY_WORKERS": 1,
                      "QUERY_SLOW_SLOTS": 1, "PAGE_CACHE_SIZE": 0, **config})
    with app.app_context():
        start_runners()
    return app


def test_dumps_are_made_by_a_query_worker_not_in_the_server(store: Store) -> None:
    app = _app(store)
    methods = ("dump", "select", "construct", "query_serialized")

    def refused(*_: object, **__: object) -> object:
        raise AssertionError("the server's own store was read for a dump")

    try:
        for name in methods:  # the workers forked before this: they keep the store's own methods
            setattr(store, name, refused)
        client = app.test_client()
        for path in DUMPS:
            response = client.get(path)
            assert response.status_code == 200, (path, response.data[:300])
            assert response.data, path
        graph = next(iter(sorted(store.graph_iris())))
        one = client.get("/sparql", query_string={"graph": graph, "format": "nq"})
        assert one.status_code == 200
        assert {q.graph_name.value for q in ox.parse(one.data, ox.RdfFormat.N_QUADS)} == {graph}
    finally:
        for name in methods:
            store.__dict__.pop(name, None)
        close(app)


def test_a_dump_past_its_limit_is_503_while_queries_go_on_and_the_next_dump_is_served(store: Store) -> None:
    app = _app(store)
    client = app.test_client()
    whole = client.get("/export/graph.nq").data
    app.config["EXPORT_TIMEOUT"] = 1.0  # read per request
    with app.app_context():
        [stuck] = get_runner().lane_pids("slow")
    os.kill(stuck, signal.SIGSTOP)  # the slow-lane worker never answers, as a dump of a huge store would not
    outcome: dict[str, object] = {}

    def dump() -> None:
        response = app.test_client().get("/export/graph.nq")
        outcome["status"], outcome["error"] = response.status_code, response.json

    thread = threading.Thread(target=dump)
    try:
        thread.start()
        # Meanwhile the fast lane answers queries: the dump holds no worker of theirs.
        answered = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"})
        assert answered.status_code == 200 and answered.json["boolean"] is True
        thread.join(timeout=60)
        assert outcome["status"] == 503
        error = outcome["error"]["error"]  # type: ignore[index]
        assert error["type"] == "DumpTimeout" and "1 s" in error["message"]
        app.config["EXPORT_TIMEOUT"] = 60.0
        assert client.get("/export/graph.nq").data == whole  # a fresh slow-lane worker
    finally:
        try:
            os.kill(stuck, signal.SIGKILL)
        except ProcessLookupError:  # killed at the limit, as it should be
            pass
        thread.join(timeout=60)
        close(app)
