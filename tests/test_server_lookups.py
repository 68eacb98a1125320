"""The server's own look-ups (pages, linked data) under the `/sparql` time limit, in a pool of their own, and
the pages kept per store state (server/lookups.py, server/page_cache.py).

A hostile `/sparql` load (slow queries holding every user worker, the queue full) must not stall a notice
page; a look-up whose worker never answers is cut off at the time limit with the one JSON error shape, and
the next page is served again; a kept page is the same bytes with an ETag (304 on If-None-Match), forgotten
when a write changes the store.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask import Flask

from graph.store import Store
from server import create_app
from server.page_cache import Entry, PageCache, cache_of
from server.store import close, get_lookup_runner, start_runners
from server.write import refresh_queries
from tests.server_fixtures import SLOW_QUERY, stored

FIXTURE = Path(__file__).parent / "data" / "linked_fixture.trig"
ID = "https://noticekg.org/id/"
NANNING = "notice/nan2-yi1-bao3-fa1/2020/60"
PAGE = "/id/" + NANNING
HTML = {"Accept": "text/html"}


@pytest.fixture
def store() -> Iterator[Store]:
    yield from stored(FIXTURE)


def _app(store: Store, **config: object) -> Flask:
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 3.0, "QUERY_WORKERS": 1,
                      "LOOKUP_WORKERS": 1, **config})
    with app.app_context():
        start_runners()
    return app


def test_a_hostile_sparql_load_does_not_stall_a_notice_page(store: Store) -> None:
    # Every query may run 30 s: the hostile ones hold the user pool for the whole test, pages take milliseconds.
    app = _app(store, QUERY_TIMEOUT=30.0, QUERY_QUEUE=0, PAGE_CACHE_SIZE=0)  # no kept pages: real look-ups
    answered: list[int] = []

    def hostile() -> None:
        answered.append(app.test_client().get("/sparql", query_string={"query": SLOW_QUERY}).status_code)

    threads = [threading.Thread(target=hostile) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60  # the threads may take a while to start on a loaded machine
        while time.monotonic() < deadline:  # until the slow queries hold the only user worker and the queue is full
            if app.test_client().get("/sparql", query_string={"query": "ASK {}"}).status_code == 503:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the hostile load never filled the user query pool: {answered}")
        for _ in range(3):
            page = app.test_client().get(PAGE, headers=HTML)
            assert page.status_code == 200, page.data
            assert "南医保发〔2020〕60号" in page.get_data(as_text=True)
        # Served while a hostile query still held the user pool, not after it.
        assert any(thread.is_alive() for thread in threads) and len(answered) < len(threads)
    finally:
        close(app)  # kills the workers: the hostile requests end now
        for thread in threads:
            thread.join(timeout=30)


def test_a_look_up_that_runs_too_long_is_cut_off_with_the_error_shape_and_the_next_page_is_served(
        store: Store) -> None:
    app = _app(store, QUERY_TIMEOUT=1.0, QUERY_FAST=0.2, PAGE_CACHE_SIZE=0)
    try:
        stuck = get_lookup_runner_pids(app)
        assert stuck
        for pid in stuck:  # the look-up worker stops answering: its query never ends
            os.kill(pid, signal.SIGSTOP)
        response = app.test_client().get(PAGE, headers=HTML)
        assert response.status_code == 503 and response.mimetype == "text/html"  # a browser gets the error page
        page = response.get_data(as_text=True)
        assert "503" in page and ("1 s" in page or "1.0" in page), page
        for pid in get_lookup_runner_pids(app):  # and a machine client the one JSON shape
            os.kill(pid, signal.SIGSTOP)
            stuck.append(pid)
        response = app.test_client().get(PAGE, headers={"Accept": "text/turtle"})
        assert response.status_code == 503
        assert response.json["error"]["type"] == "QueryTimeout" and response.json["error"]["status"] == 503
        assert "1 s" in response.json["error"]["message"] or "1.0" in response.json["error"]["message"]
        with app.app_context():
            assert not set(stuck) & set(get_lookup_runner().pids)  # killed and replaced
        assert app.test_client().get(PAGE, headers=HTML).status_code == 200
    finally:
        for pid in stuck:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        close(app)


def test_page_look_ups_run_in_the_look_up_pool_not_in_the_server(store: Store) -> None:
    """The server's own store is never queried for a page: every query goes to the pool's workers."""
    asked: list[str] = []
    app = _app(store, PAGE_CACHE_SIZE=0)
    methods = ("select", "ask", "construct", "query_serialized")

    def counting(original):  # noqa: ANN001, ANN202
        def counted(query: str, *args: object, **kwargs: object) -> object:
            asked.append(query)
            return original(query, *args, **kwargs)
        return counted

    try:
        for name in methods:  # the workers forked before this: they keep the store's own methods
            setattr(store, name, counting(getattr(store, name)))
        client = app.test_client()
        for path in (PAGE, PAGE + ".ttl", PAGE + "/s/1", "/id/region/450100", "/"):
            assert client.get(path, headers=HTML).status_code == 200, path
        assert asked == []
    finally:
        for name in methods:
            store.__dict__.pop(name, None)
        close(app)


# -- kept pages ----------------------------------------------------------------------------------------------


def test_a_kept_page_is_the_same_answer_with_an_etag_and_a_304(store: Store) -> None:
    app = _app(store)
    try:
        client = app.test_client()
        first = client.get(PAGE, headers=HTML)
        again = client.get(PAGE, headers=HTML)
        assert first.status_code == again.status_code == 200
        assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
        assert first.headers["Content-Type"] == again.headers["Content-Type"] == "text/html; charset=utf-8"
        assert again.headers.getlist("Link") == first.headers.getlist("Link") != []
        turtle = client.get(PAGE, headers={"Accept": "text/turtle"})  # another representation, another entry
        assert turtle.headers["Content-Type"].startswith("text/turtle") and turtle.data != first.data
        assert turtle.headers["ETag"] != first.headers["ETag"]
        unchanged = client.get(PAGE, headers={**HTML, "If-None-Match": first.headers["ETag"]})
        assert unchanged.status_code == 304 and unchanged.data == b""
        assert client.get("/id/notice/nowhere/2020/1", headers=HTML).status_code == 404
        assert len(cache_of(app)) == 2  # the two representations; a 404 is not kept
    finally:
        close(app)


def test_a_write_forgets_the_kept_pages(store: Store) -> None:
    app = _app(store)
    try:
        client = app.test_client()
        before = client.get(PAGE, headers=HTML)
        assert "改过的标题" not in before.get_data(as_text=True)
        graph = rdflib.Graph()
        graph.add((rdflib.URIRef(ID + NANNING), rdflib.URIRef("http://purl.org/dc/terms/title"),
                   rdflib.Literal("改过的标题", lang="zh")))
        store.merge_graph(ID + NANNING + "/graph", graph)
        refresh_queries(app)  # what a write does after changing the store (server/write.py)
        after = client.get(PAGE, headers=HTML)
        assert "改过的标题" in after.get_data(as_text=True)
        assert after.headers["ETag"] != before.headers["ETag"]
    finally:
        close(app)


def test_the_cache_is_bounded_and_a_new_store_state_empties_it() -> None:
    cache = PageCache(size=2, max_bytes=10)
    entry = Entry(b"abcd", (), "e")
    cache.put("gen-1", "a", entry)
    cache.put("gen-1", "b", entry)
    assert cache.get("gen-1", "a") is entry  # a is now the most recently used
    cache.put("gen-1", "c", entry)
    assert cache.get("gen-1", "b") is None and cache.get("gen-1", "a") is entry and len(cache) == 2
    cache.put("gen-1", "d", Entry(b"0123456789", (), "f"))  # over the byte bound with the others: they go
    assert len(cache) == 1 and cache.get("gen-1", "d") is not None
    assert cache.get("gen-2", "d") is None  # another generation does not see what this one kept
    cache.put("gen-2", "a", entry)
    assert cache.get("gen-1", "d") is None and len(cache) == 1
    cache.put("gen-2", "big", Entry(b"x" * 11, (), "g"))  # larger than the whole cache: not kept
    assert cache.get("gen-2", "big") is None
    off = PageCache(size=0, max_bytes=10)
    off.put("gen-1", "a", entry)
    assert off.get("gen-1", "a") is None


def get_lookup_runner_pids(app) -> list[int]:
    with app.app_context():
        return list(get_lookup_runner().pids)
