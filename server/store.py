"""One store and one query runner per app: opened lazily from `STORE_URL`, shared by every request.

An on-disk store built in generations (`graph.generations`) is followed: each request sees the generation that
was current when it started, threads and query workers alike, so a build swaps the whole store at once.
The runner (`graph.sparql.query_runner`) runs user SPARQL under `QUERY_TIMEOUT` in `QUERY_WORKERS` fast-lane
and `QUERY_SLOW_SLOTS` slow-lane worker processes; the look-up runner runs the server's own queries (`get_reader()`: pages, linked data, the API)
under the same limit in `LOOKUP_WORKERS` processes of its own; `close(app)` stops both (the app's own
process exit does too: they are daemons).
"""

from __future__ import annotations

import threading

from flask import Flask, current_app, g

from graph.sparql import Runner, query_runner
from graph.store import Store, follow, open_store

_lock = threading.Lock()  # two first requests at once must not open two stores or two worker pools


def get_store() -> Store:
    """The store for this request: the same one for all of the request, and the current generation of an
    on-disk store at its start (a build that finished since the last request is followed, without restart)."""
    pinned = g.get("noticekg_store")
    if pinned is not None:
        return pinned
    app = current_app
    store = app.extensions.get("noticekg.store")
    if store is None:
        with _lock:
            store = app.extensions.get("noticekg.store")
            if store is None:
                store = open_store(app.config["STORE_URL"])
                app.extensions["noticekg.store"] = store
    current = follow(store)
    if current is not store:
        with _lock:  # the old generation is read-only: requests still on it finish, then it is dropped
            if app.extensions.get("noticekg.store") is store:
                app.extensions["noticekg.store"] = current
            current = app.extensions["noticekg.store"]
    g.noticekg_store = current
    return current


RUNNERS = ("noticekg.runner", "noticekg.lookup-runner")
# The server's own queries are bounded by how they are written (bound IRIs, LIMITs); a named graph's
# description is the graph itself (the regions graph: ~20,000 triples). Their row cap only guards memory.
LOOKUP_MAX_ROWS = 1_000_000


def get_runner() -> Runner:
    """The pool that runs user SPARQL (`/sparql`)."""
    return _runner("noticekg.runner", int(current_app.config["QUERY_WORKERS"]) or None,
                   slow=int(current_app.config.get("QUERY_SLOW_SLOTS", 0)) or None)


def get_lookup_runner() -> Runner:
    """The pool of the server's own look-ups (linked data, pages, the API): the same time limit as `/sparql`,
    its own workers (`LOOKUP_WORKERS`, default one per core), so that user SPARQL filling its queue cannot
    starve them. It has no slow lane: the server's own queries are bounded by how they are written, so a long
    one keeps its worker, at full priority, up to the time limit."""
    from graph.sparql.guard import cores

    return _runner("noticekg.lookup-runner", int(current_app.config.get("LOOKUP_WORKERS", 0)) or cores(),
                   int(current_app.config.get("LOOKUP_MAX_ROWS", LOOKUP_MAX_ROWS)), slow=0)


def get_reader() -> Store:
    """The store of this request for the server's own look-ups: its queries run in the look-up pool, under
    the `/sparql` time limit and caps (`server/lookups.py`)."""
    from .lookups import LookupStore

    return LookupStore(get_store(), get_lookup_runner())


def start_runners() -> None:
    """Fork both pools' workers now: before a server opens its sockets (or a test its browser's pipes), so that
    the workers have nothing of theirs to inherit."""
    get_runner().start()
    get_lookup_runner().start()


def _runner(key: str, workers: int | None, max_rows: int | None = None, slow: int | None = None) -> Runner:
    app = current_app
    runner = app.extensions.get(key)
    if runner is None:
        store = get_store()
        with _lock:
            runner = app.extensions.get(key)
            if runner is None:
                from dataclasses import replace

                from .limits import limits_of

                limits = limits_of(app) if max_rows is None else replace(limits_of(app), max_rows=max_rows)
                queue = int(app.config.get("QUERY_QUEUE", -1))
                runner = query_runner(store, float(app.config["QUERY_TIMEOUT"]), workers, limits,
                                      None if queue < 0 else queue,
                                      float(app.config.get("QUERY_QUEUE_WAIT", 0)) or None,
                                      float(app.config.get("QUERY_FAST", 1.0)), slow)
                app.extensions[key] = runner
    return runner


def close(app: Flask) -> None:
    """Stop the query workers; close the store unless the caller handed it in (`STORE`)."""
    for key in RUNNERS:
        runner = app.extensions.pop(key, None)
        if runner is not None:
            runner.close()
    store = app.extensions.pop("noticekg.store", None)
    if store is not None and "STORE" not in app.config:
        store.close()


def init_app(app: Flask) -> None:
    if "STORE" in app.config:  # tests hand in an open store
        app.extensions["noticekg.store"] = app.config["STORE"]
