"""Running user queries under a time limit that really stops the engine.

pyoxigraph cannot cancel a running query, so an embedded store's queries run in worker processes that are
killed at the time limit (SIGKILL) and replaced. An in-memory store is inherited by fork; an on-disk one is
opened read-only by each worker, forked from a clean forkserver. A remote endpoint gets the limit as its
HTTP timeout.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import queue
import signal
import stat
import threading
import time
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import rdflib

from ..errors import NoticeKGError, QueryError, QueryForbidden, QuerySyntaxError, QueryTimeout, StoreError
from ..store import OxigraphStore, RemoteStore, Store, follow, open_store
from .guard import Limits, QueryBusy, QueryCrashed, QueryRefused, cores
from .protocol import Format

BOOT_TIMEOUT = 60.0  # seconds a new query worker may take to start (imports, opening the store)

# -- running a query ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryRequest:
    query: str
    format: Format
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()


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
                 waiting: int | None = None, queue_wait: float = 2.0, fast: float = 1.0,
                 slow: int | None = None) -> Runner:
    """The runner that can enforce `timeout` and `limits` on `store`: see the module docstring. `workers`
    defaults to the cores this process may use plus `slow` (default: half the cores, at least one) for
    long-running queries; `waiting` (default: QUEUE_PER_WORKER per worker) queries may wait for one, at most
    `queue_wait` seconds, before `QueryBusy`; `fast`: see `WorkerPool`."""
    limits = limits or Limits(timeout=timeout)
    slow = slow or max(1, cores() // 2)
    workers = workers or cores() + slow
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

    def run(self, request: QueryRequest) -> tuple[bytes, str]:
        from .results import run_capped

        try:
            return run_capped(self._store, request, self.limits)
        except StoreError as exc:
            cause = exc.__cause__
            reason = cause.reason if isinstance(cause, urllib.error.URLError) else cause
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(self.timeout) from exc
            raise

    def close(self) -> None:
        pass


# A worker's reply: ("ok", body, media type) | ("syntax", message, position) | ("error", class name, message)
_ERRORS: dict[str, type[NoticeKGError]] = {
    cls.__name__: cls for cls in (QueryError, QueryForbidden, QueryRefused, StoreError, NoticeKGError)}


def _drop_inherited_sockets(keep: int) -> None:
    """A worker forked from a serving process holds copies of its sockets: the listening one (the port would
    stay taken after the server stops), clients' (one waiting for the close would wait on us) and the other
    workers' pipes (they would not see the server go). Linux's /proc lists them; elsewhere they stay."""
    fd_dir = Path("/proc/self/fd")
    for name in os.listdir(fd_dir) if fd_dir.is_dir() else ():
        fd = int(name)
        try:
            if fd > 2 and fd != keep and stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:  # the listing's own descriptor, already gone
            pass


def _serve(conn: Any, source: Store | str, forked: bool, limits: Limits) -> None:
    """A worker's loop: one request in, one reply out, until the pipe closes."""
    from .results import run_capped

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent cleans up
    faulthandler.disable()  # a query that overflows the engine's stack is reported to the user, not dumped here
    if forked:
        _drop_inherited_sockets(conn.fileno())
    failure: tuple | None = None
    try:  # now, not at the first query: opening a store must not eat into that query's time limit
        store = open_store(source) if isinstance(source, str) else source
    except NoticeKGError as exc:
        failure = ("error", type(exc).__name__, str(exc))
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if failure is None:
                store = follow(store)  # a build made a new generation current: answer from it
            reply: tuple = failure or ("ok", *run_capped(store, request, limits))
        except QuerySyntaxError as exc:
            reply = ("syntax", exc.message, exc.position)
        except NoticeKGError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - an engine failure must reach the user, not kill the worker
            reply = ("error", "StoreError", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


class _Worker:
    def __init__(self, ctx: Any, source: Store | str, limits: Limits) -> None:
        self.conn, child_conn = ctx.Pipe()
        forked = ctx.get_start_method() == "fork"
        self.process = ctx.Process(target=_serve, args=(child_conn, source, forked, limits), daemon=True,
                                   name="noticekg-query-worker")
        self.process.start()
        child_conn.close()
        self.ready = False
        self._killed = threading.Lock()  # taken once, by whichever of close() and a timed-out query kills first

    def wait_ready(self) -> None:
        """Wait for the worker to have started (imports, store opened): not part of any query's time."""
        if not self.ready:
            if not self.conn.poll(BOOT_TIMEOUT):
                raise StoreError(f"a query worker did not start within {BOOT_TIMEOUT:g} s")
            self.conn.recv()
            self.ready = True

    def kill(self) -> None:
        """Stop the worker and close its pipe, once: the pool's close() and a query that timed out in another
        thread may both get here (closing the pipe twice was an EBADF, or closed a descriptor reused since)."""
        if not self._killed.acquire(blocking=False):
            return
        self.process.kill()
        self.process.join()
        self.conn.close()


# Queries that may wait per worker: 32 clients without pause on 2 cores (make loadtest) wait rather than get a 503;
# with 3 workers that holds at most 39 of waitress' 48 threads, leaving the rest to the server's own look-ups.
QUEUE_PER_WORKER = 12
LOW_PRIORITY = 10  # nice: a tenth of a normal process' share of a busy core (CFS weights 110 : 1024)


STARVED = 0.1  # a query that used less than this share of QUERY_FAST in CPU was waiting for a core, not working
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds a worker has used (user + system, from Linux's /proc); None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


def _set_priority(pid: int | None, nice: int) -> bool:
    """Set a worker's nice value; False when the system refuses (raising it back needs privilege)."""
    try:
        if pid is not None:
            os.setpriority(os.PRIO_PROCESS, pid, nice)
            return True
    except (OSError, AttributeError):  # not allowed, gone already, or not a POSIX system
        pass
    return False


class WorkerPool:
    """Up to `size` worker processes, each running one query at a time. A query still running at the
    limit has its worker killed (SIGKILL: nothing left burning CPU) and a fresh one started in its place.
    At most `size + queue` queries are admitted at once, and one waits at most `queue_wait` seconds for a
    worker: past either, `QueryBusy` (503, Retry-After), so user queries never hold every server thread.

    Priorities: a query still running after `fast` seconds, having worked for a tenth of them (not only
    waited for a core), becomes a long-running one. At most `slow` of
    those run at once, their workers at a low CPU priority (nice 10, so that a point query on another worker
    keeps its core), set back afterwards, or replaced by a fresh worker where the system does not allow
    that; one more is stopped at once with `QueryBusy`. So slow queries, hostile or not, never take every
    worker."""

    def __init__(self, source: Store | str, timeout: float, size: int = 2, start_method: str = "fork",
                 limits: Limits | None = None, waiting: int | None = None, queue_wait: float = 1.0,
                 fast: float = 1.0, slow: int | None = None) -> None:
        self.timeout = timeout
        self.limits = limits or Limits(timeout=timeout)
        self.size = max(1, size)
        self.queue = QUEUE_PER_WORKER * self.size if waiting is None else max(0, waiting)
        self.queue_wait = queue_wait
        self.fast = fast
        self.slow = max(1, self.size // 2) if slow is None else max(1, slow)
        self._admitted = threading.BoundedSemaphore(self.size + self.queue)
        self._slow_slots = threading.BoundedSemaphore(self.slow)
        self._nice = os.getpriority(os.PRIO_PROCESS, 0) if hasattr(os, "getpriority") else 0
        self._source = source
        self._ctx = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._ctx.set_forkserver_preload([__name__])  # workers start with the engine already imported
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False

    def start(self) -> None:
        """Start every worker now rather than at the first queries (a server calls this before it listens)."""
        while True:
            with self._lock:
                if len(self._workers) >= self.size or self._closed:
                    return
            worker = self._spawn()
            try:
                worker.wait_ready()
            except (StoreError, EOFError, OSError):
                self._discard(worker, refill=False)
                raise
            self._release(worker)

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def _acquire(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._closed:
                raise StoreError("the query service is shutting down")
            if len(self._workers) < self.size:
                worker = _Worker(self._ctx, self._source, self.limits)
                self._workers.add(worker)
                return worker
        try:
            return self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise QueryBusy(f"all {self.size} query workers stayed busy for {self.queue_wait:g} s; "
                            "try again shortly") from None

    def _discard(self, worker: _Worker, refill: bool = True) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            refill = refill and not self._closed
        if refill:  # start the replacement now; it joins the idle ones once it is up, so no query waits for it
            threading.Thread(target=self._warm, args=(self._spawn(),), daemon=True,
                             name="noticekg-query-worker-start").start()

    def _warm(self, worker: _Worker) -> None:
        try:
            worker.wait_ready()
        except (StoreError, EOFError, OSError):
            self._discard(worker, refill=False)
            return
        self._release(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self._source, self.limits)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            closed = self._closed
        if closed:
            self._discard(worker)
        else:
            self._idle.put(worker)

    def run(self, request: QueryRequest) -> tuple[bytes, str]:
        if not self._admitted.acquire(blocking=False):
            raise QueryBusy(f"{self.size} queries are running and {self.queue} waiting, the most this "
                            "endpoint takes at once; try again shortly")
        try:
            return self._run(request)
        finally:
            self._admitted.release()

    def _run(self, request: QueryRequest) -> tuple[bytes, str]:
        worker = self._acquire()
        slow = False
        try:
            worker.wait_ready()
            cpu = _cpu_seconds(worker.process.pid)
            worker.conn.send(request)
            started = time.monotonic()
            answered = self._answered_fast(worker, cpu, started)
            if answered is None:
                self._discard(worker)
                raise QueryTimeout(self.timeout)
            if not answered:
                slow = self._slow_slots.acquire(blocking=False)
                if not slow:
                    self._discard(worker)
                    raise QueryBusy(f"{self.slow} long-running queries are running already, the most this "
                                    f"endpoint runs at once; this one ran {self.fast:g} s: try again shortly")
                _set_priority(worker.process.pid, LOW_PRIORITY)
                if not worker.conn.poll(max(0.0, self.timeout - (time.monotonic() - started))):
                    self._discard(worker)
                    raise QueryTimeout(self.timeout)
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the query killed its worker (stack or memory exhausted)
            self._discard(worker)
            raise QueryCrashed("the query stopped the worker running it (it ran out of stack or memory); "
                               "simplify it or add a LIMIT") from exc
        except StoreError:  # it never started
            self._discard(worker, refill=False)
            raise
        finally:
            if slow:
                self._slow_slots.release()
        if slow and not _set_priority(worker.process.pid, self._nice):
            self._discard(worker)  # its priority cannot be raised back: a fresh worker takes its place
        else:
            self._release(worker)
        status, first, second = reply
        if status == "ok":
            return first, second
        if status == "syntax":
            raise QuerySyntaxError(first, second)
        raise _ERRORS.get(first, StoreError)(second)

    def _answered_fast(self, worker: _Worker, cpu: float | None, started: float) -> bool | None:
        """Wait `fast` seconds for the answer: True if it came, None at the time limit. A query that has not answered by then but has
        used less than a tenth of that in CPU was starved (a busy machine), not slow: it waits in the fast
        lane, at full priority, for another `fast` seconds, up to the time limit. A point query needs
        milliseconds of CPU, a hostile one uses all it gets, so only the hostile one is sent to the slow lane
        (where, with the slots taken, it is refused). Where the CPU time cannot be read, the clock decides."""
        while True:
            left = self.timeout - (time.monotonic() - started)
            if worker.conn.poll(max(0.0, min(self.fast, left))):
                return True
            if left <= self.fast:
                return None
            now = _cpu_seconds(worker.process.pid)
            if cpu is None or now is None or now - cpu >= self.fast * STARVED:
                return False

    def close(self) -> None:
        """Kill every worker; queries still running in other threads fail with StoreError."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
