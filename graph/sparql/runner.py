"""Running user queries under a time limit that really stops the engine.

pyoxigraph cannot cancel a running query, so an embedded store's queries run in worker processes that are
killed at the time limit (SIGKILL) and replaced (`pool.py`: a fast lane and a slow lane; `worker.py`: one
worker). An in-memory store is inherited by fork; an on-disk one is opened read-only by each worker, forked
from a clean forkserver. A remote endpoint gets the limit as its HTTP timeout.
"""

from __future__ import annotations

import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import rdflib

from ..errors import QueryTimeout, StoreError
from ..store import OxigraphStore, RemoteStore, Store
from .guard import Limits, cores
from .pool import WorkerPool
from .protocol import Format

# -- running a query ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryRequest:
    query: str
    format: Format
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()


class DumpTimeout(QueryTimeout):
    """A dump past its time limit (503, like a query's)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.args = (f"the dump was cut off after {seconds:g} s (its time limit); ask for one graph "
                     "(/sparql?graph=IRI) or try again when the service is less busy",)


@dataclass(frozen=True)
class DumpRequest:
    """A whole-graph dump run by a query worker, not in the server's process, under its own time limit
    (`timeout` seconds), in the slow lane where there is one: `graph.export.dump(store, what, format, graph)`."""

    what: str  # "export" | "graph" | "figures"
    format: str
    graph: str | None = None
    timeout: float = 60.0
    slow = True  # straight to the slow lane: a dump is long-running by nature
    timed_out = DumpTimeout

    @property
    def query(self) -> str:  # what the pool's memory of slow queries reads
        return f"dump {self.what} {self.format} {self.graph or ''}"


def execute(store: Store, request: QueryRequest) -> tuple[bytes, str]:
    """Run one query in this process, without a time limit: (serialized result, its media type)."""
    jsonld = request.format.name == "jsonld"
    # JSON-LD goes through rdflib so that every backend (a remote endpoint too) can give it.
    wire = "application/n-triples" if jsonld else request.format.media_type
    body, media_type = store.query_serialized(
        request.query, wire, default_graph_uris=request.default_graph_uris,
        named_graph_uris=request.named_graph_uris)
    media_type = media_type.split(";")[0].strip() or wire
    if jsonld and media_type == "application/n-triples":
        graph = rdflib.Graph().parse(data=body.decode("utf-8"), format="nt")
        return graph.serialize(format="json-ld", encoding="utf-8"), request.format.media_type
    return body, media_type


class Runner(Protocol):
    timeout: float
    limits: Limits

    def start(self) -> None: ...
    def run(self, request: QueryRequest) -> tuple[bytes, str]: ...
    def close(self) -> None: ...


def query_runner(store: Store, timeout: float, workers: int | None = None, limits: Limits | None = None,
                 waiting: int | None = None, queue_wait: float | None = None, fast: float = 1.0,
                 slow: int | None = None) -> Runner:
    """The runner that can enforce `timeout` and `limits` on `store`: see the module docstring. `workers`
    fast-lane workers (default: the cores this process may use) and `slow` slow-lane ones (default: half the
    cores, at least one; 0: none); `waiting` (default: `pool.QUEUE_PER_WORKER` per worker) queries may wait
    in the fast lane's queue, at most `queue_wait` seconds (default: the time limit), before `QueryBusy`;
    `fast`: see `pool.WorkerPool`."""
    limits = limits or Limits(timeout=timeout)
    slow = max(1, cores() // 2) if slow is None else slow
    workers = workers or cores()
    lanes = {"fast": fast, "slow": slow}
    if isinstance(store, RemoteStore):
        return RemoteRunner(store.url, timeout, limits)
    if isinstance(store, OxigraphStore) and store.url.startswith("oxigraph:"):
        # A RocksDB handle must not cross a fork: each worker opens the directory read-only itself, in a
        # process forked from a clean forkserver (not from this, maybe multi-threaded, process).
        path = Path(store.url[len("oxigraph:"):].partition("?")[0]).resolve()
        return WorkerPool(f"oxigraph:{path}?ro", timeout, workers, "forkserver", limits, waiting, queue_wait,
                          **lanes)
    # An in-memory store exists only in this process: workers inherit it by fork, as it is at the fork.
    return WorkerPool(store, timeout, workers, "fork", limits, waiting, queue_wait, **lanes)


class RemoteRunner:
    """A remote endpoint runs the query on its own machine: the limit is the HTTP timeout."""

    def __init__(self, url: str, timeout: float, limits: Limits | None = None) -> None:
        self.timeout = timeout
        self.limits = limits or Limits(timeout=timeout)
        self._store = RemoteStore(url, timeout=timeout)

    def start(self) -> None:
        pass

    def run(self, request: QueryRequest | DumpRequest) -> tuple[bytes, str]:
        from .results import run_capped

        try:
            if isinstance(request, DumpRequest):
                from ..export import dump

                remote = RemoteStore(self._store.url, timeout=request.timeout)
                return dump(remote, request.what, request.format, request.graph), ""
            return run_capped(self._store, request, self.limits)
        except StoreError as exc:
            cause = exc.__cause__
            reason = cause.reason if isinstance(cause, urllib.error.URLError) else cause
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(self.timeout) from exc
            raise

    def close(self) -> None:
        pass
