"""The worker processes that run queries under a time limit, in two lanes, so that slow queries never take the
workers or the queue of quick ones.

- **Fast lane**: `size` workers at normal priority and a FIFO queue of `queue` places in front of them. A
  query past the queue's length is refused at once (`QueryBusy`, 503 + Retry-After), never after a wait; a
  freed worker is handed to the query that has waited longest (no barging: a newcomer cannot overtake it).
- **Slow lane**: `slow` workers started at low CPU priority (nice 10, then SCHED_IDLE where Linux offers it:
  they run only on a core nothing else wants; set by the worker itself, so it never has to be raised back), one
  query each, no queue. A query still running after `fast` seconds of the fast lane,
  having worked (used a tenth of that in CPU, not only waited for a core), is stopped there (its worker
  killed and replaced) and run again in the slow lane for the rest of its time limit, or refused at once
  when every slow worker is taken. Its text is remembered (`SlowQueries`): the same query, asked again,
  goes straight to the slow lane and never touches a fast worker again.

A query still running at the limit has its worker killed (SIGKILL: nothing left burning CPU) and a fresh one
started in its place. `NOTICEKG_QUERY_TRACE=FILE` appends one JSON line per query (lane, queue wait, run time,
worker CPU, outcome) for `bench/loadtest.py --trace`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

from ..errors import NoticeKGError, QueryError, QueryForbidden, QuerySyntaxError, QueryTimeout, StoreError
from .guard import Limits, QueryBusy, QueryCrashed, QueryRefused
from .worker import Worker

# Fast-lane queries that may wait per worker of the pool: 32 clients without pause on 2 cores (make loadtest)
# wait rather than get a 503; with 3 workers that holds at most 39 of waitress' 48 threads, leaving the rest
# to the server's own look-ups.
QUEUE_PER_WORKER = 12
LOW_PRIORITY = 10  # nice: a tenth of a normal process' share of a busy core (CFS weights 110 : 1024)
STARVED = 0.1  # a query that used less than this share of `fast` in CPU was waiting for a core, not working
REMEMBERED = 1024  # query texts known to be slow
_SPACES = re.compile(r"\s+")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_ERRORS: dict[str, type[NoticeKGError]] = {
    cls.__name__: cls for cls in (QueryError, QueryForbidden, QueryRefused, StoreError, NoticeKGError)}


def cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds a process has used (user + system, from Linux's /proc); None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


class SlowQueries:
    """A bounded memory of the queries that were moved to the slow lane, by a digest of their text with its
    runs of white space made one (so that spacing alone does not make a new query). It is read for every
    query, in the server's process, so it is a C-speed pass, not the tokenizer (which cost 5 ms of the GIL
    for the load test's hostile query)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(_SPACES.sub(" ", text).strip().encode("utf-8"), digest_size=16).digest()

    def add(self, key: bytes) -> None:
        with self._lock:
            self._seen[key] = None
            self._seen.move_to_end(key)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)

    def __contains__(self, key: bytes) -> bool:
        with self._lock:
            return key in self._seen


class _Waiter:
    __slots__ = ("event", "worker")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.worker: Worker | None = None


class Lane:
    """Workers of one priority and the FIFO queue in front of them."""

    def __init__(self, pool: WorkerPool, name: str, size: int, queue: int, nice: int) -> None:
        self.pool, self.name, self.size, self.queue, self.nice = pool, name, size, queue, nice
        self.workers: set[Worker] = set()
        self._idle: list[Worker] = []
        self._waiting: deque[_Waiter] = deque()
        self._warming = 0  # replacements starting: a query may wait for one even where the queue holds none
        self._lock = threading.Lock()

    def start(self) -> None:
        while True:
            with self._lock:
                if len(self.workers) >= self.size or self.pool.closed:
                    return
            worker = self._spawn()
            try:
                worker.wait_ready()
            except (StoreError, EOFError, OSError):
                self.discard(worker, refill=False)
                raise
            self.release(worker)

    def _spawn(self) -> Worker:
        worker = Worker(self.pool.ctx, self.pool.source, self.pool.limits, self.nice)
        with self._lock:
            self.workers.add(worker)
        return worker

    def acquire(self, wait: float) -> Worker:
        """An idle worker, or the first free one after those waiting before us; `QueryBusy` at once when the
        queue is full, or after `wait` seconds (a safety net: a full queue is refused before that)."""
        with self._lock:
            if self.pool.closed:
                raise StoreError("the query service is shutting down")
            if self._idle and not self._waiting:
                return self._idle.pop()
            if len(self.workers) < self.size and not self._idle:
                worker = Worker(self.pool.ctx, self.pool.source, self.pool.limits, self.nice)
                self.workers.add(worker)
                return worker
            if len(self._waiting) >= self.queue + self._warming:
                raise self._busy()
            if len(self._waiting) >= self.queue:  # admitted for a replacement that is starting: wait for it
                wait = max(wait, self.pool.timeout)
            waiter = _Waiter()
            self._waiting.append(waiter)
        if not waiter.event.wait(wait):
            with self._lock:
                if waiter.worker is None:
                    self._waiting.remove(waiter)
                    raise QueryBusy(f"all {self.size} {self.name}-lane query workers stayed busy for {wait:g} s; "
                                    "try again shortly")
        assert waiter.worker is not None
        return waiter.worker

    def full(self) -> bool:
        """Whether a query would be refused at once: no idle worker, none starting, the queue full."""
        with self._lock:
            return (not self._idle and len(self.workers) >= self.size
                    and len(self._waiting) >= self.queue + self._warming)

    def _busy(self) -> QueryBusy:
        if self.name == "slow":
            return QueryBusy(f"{self.size} long-running queries are running already, the most this endpoint runs "
                             f"at once; a query that ran {self.pool.fast:g} s is one: try again shortly")
        return QueryBusy(f"{self.size} queries are running and {self.queue} waiting, the most this endpoint "
                         "takes at once; try again shortly")

    def release(self, worker: Worker) -> None:
        with self._lock:
            if not self.pool.closed:
                if self._waiting:
                    waiter = self._waiting.popleft()
                    waiter.worker = worker
                    waiter.event.set()
                else:
                    self._idle.append(worker)
                return
        self.discard(worker, refill=False)

    def discard(self, worker: Worker, refill: bool = True) -> None:
        worker.kill()
        with self._lock:
            self.workers.discard(worker)
            if worker in self._idle:
                self._idle.remove(worker)
            refill = refill and not self.pool.closed
        if refill:  # start the replacement now; it joins the idle ones once it is up, so no query waits for it
            with self._lock:
                self._warming += 1
            threading.Thread(target=self._warm, args=(self._spawn(),), daemon=True,
                             name="noticekg-query-worker-start").start()

    def _warm(self, worker: Worker) -> None:
        try:
            worker.wait_ready()
        except (StoreError, EOFError, OSError):
            self.discard(worker, refill=False)
            return
        finally:
            with self._lock:
                self._warming -= 1
        self.release(worker)

    def close(self) -> list[Worker]:
        with self._lock:
            workers = list(self.workers)
            self.workers.clear()
            self._idle.clear()
        return workers


class WorkerPool:
    """`size` fast-lane workers with a queue of `waiting` (default QUEUE_PER_WORKER per worker of both lanes)
    and `slow` slow-lane workers (0: no slow lane, a long query keeps its fast worker to the limit): see the
    module docstring. `queue_wait` only bounds a wait that the queue's length did not."""

    def __init__(self, source: Any, timeout: float, size: int = 2, start_method: str = "fork",
                 limits: Limits | None = None, waiting: int | None = None, queue_wait: float | None = None,
                 fast: float = 1.0, slow: int | None = None) -> None:
        self.timeout = timeout
        self.limits = limits or Limits(timeout=timeout)
        self.size = max(1, size)
        self.slow = max(1, self.size // 2) if slow is None else max(0, slow)
        self.queue = QUEUE_PER_WORKER * (self.size + self.slow) if waiting is None else max(0, waiting)
        self.queue_wait = timeout if queue_wait is None else queue_wait
        self.fast = fast
        self.source = source
        self.ctx = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self.ctx.set_forkserver_preload(["graph.sparql.worker"])  # workers start with the engine imported
        self.closed = False
        self.known_slow = SlowQueries()
        self.lanes = {"fast": Lane(self, "fast", self.size, self.queue, 0)}
        if self.slow:
            self.lanes["slow"] = Lane(self, "slow", self.slow, 0, LOW_PRIORITY)
        self._trace = _Trace.from_environment()

    def start(self) -> None:
        """Start every worker now rather than at the first queries (a server calls this before it listens)."""
        for lane in self.lanes.values():
            lane.start()

    @property
    def pids(self) -> list[int]:
        return [pid for lane in self.lanes for pid in self.lane_pids(lane)]

    def lane_pids(self, lane: str) -> list[int]:
        with self.lanes[lane]._lock:
            return [w.process.pid for w in self.lanes[lane].workers if w.process.pid is not None]

    def refuse_early(self, query: str) -> None:
        """`QueryBusy` now for a query known to be slow while the slow lane is full: a client that asks again
        and again, ignoring Retry-After, costs the server no more than this (no parsing, no tokenizing)."""
        if self.slow and self.lanes["slow"].full() and SlowQueries.key(query) in self.known_slow:
            raise self.lanes["slow"]._busy()

    def run(self, request: Any) -> tuple[bytes, str]:
        """(body, media type) of a `QueryRequest`, or the error its worker reported."""
        key = SlowQueries.key(request.query) if self.slow else b""
        record: dict[str, Any] = {"lane": "fast"}
        started = time.monotonic()
        try:
            if self.slow and (getattr(request, "slow", False) or key in self.known_slow):
                record["lane"] = "slow (known)"
                reply = self._in_lane("slow", request, 0.0, record, wait=0.0)
            else:
                reply = self._in_lane("fast", request, 0.0, record, wait=self.queue_wait)
                if reply is None:  # it worked past `fast`: its fast worker is gone, the slow lane runs it again
                    self.known_slow.add(key)
                    record["lane"] = "fast → slow"
                    reply = self._in_lane("slow", request, record["fast_run_ms"] / 1000, record, wait=0.0)
            assert reply is not None
        except NoticeKGError as exc:
            record["outcome"] = type(exc).__name__
            raise
        finally:
            record.setdefault("outcome", "ok")
            record["total_ms"] = round((time.monotonic() - started) * 1000, 1)
            self._trace.write(record)
        status, first, second = reply
        if status == "ok":
            return first, second
        if status == "syntax":
            raise QuerySyntaxError(first, second)
        raise _ERRORS.get(first, StoreError)(second)

    def _in_lane(self, name: str, request: Any, spent: float, record: dict, wait: float) -> tuple | None:
        """The worker's reply; None when a fast-lane query worked past `fast` and was stopped for the slow
        lane. The time limit counts engine time: from the send, less the `spent` seconds of a fast lane."""
        lane = self.lanes[name]
        limit = float(getattr(request, "timeout", 0) or self.timeout)
        timed_out = getattr(request, "timed_out", QueryTimeout)
        queued = time.monotonic()
        worker = lane.acquire(wait)
        record[f"{name}_wait_ms"] = round((time.monotonic() - queued) * 1000, 1)
        try:
            worker.wait_ready()
            cpu = cpu_seconds(worker.process.pid)
            record[f"{name}_worker"] = worker.process.pid
            worker.conn.send(request)
            sent = time.monotonic()
            if name == "fast" and self.slow:
                answered = self._answered_fast(worker, cpu, sent, limit)
                if not answered:
                    lane.discard(worker)
                    if answered is None:
                        raise timed_out(limit)
                    record["fast_run_ms"] = round((time.monotonic() - sent) * 1000, 1)
                    return None
            elif not worker.conn.poll(max(0.0, limit - spent - (time.monotonic() - sent))):
                lane.discard(worker)
                raise timed_out(limit)
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the query killed its worker (stack or memory exhausted)
            lane.discard(worker)
            raise QueryCrashed("the query stopped the worker running it (it ran out of stack or memory); "
                               "simplify it or add a LIMIT") from exc
        except StoreError:  # it never started
            lane.discard(worker, refill=False)
            raise
        used = cpu_seconds(worker.process.pid)
        record[f"{name}_run_ms"] = round((time.monotonic() - sent) * 1000, 1)
        if cpu is not None and used is not None:
            record[f"{name}_cpu_ms"] = round((used - cpu) * 1000, 1)
        lane.release(worker)
        return reply

    def _answered_fast(self, worker: Worker, cpu: float | None, started: float, limit: float) -> bool | None:
        """Wait for the answer: True if it came, None at the time limit, False when the query has run `fast`
        seconds having used a tenth of them in CPU. One that used less was starved (a busy machine), not slow:
        it waits on in the fast lane, at full priority, `fast` seconds at a time, up to the time limit. A
        point query needs milliseconds of CPU, a hostile one uses all it gets, so only the hostile one goes to
        the slow lane. Where the CPU time cannot be read, the clock decides."""
        while True:
            left = limit - (time.monotonic() - started)
            if worker.conn.poll(max(0.0, min(self.fast, left))):
                return True
            if left <= self.fast:
                return None
            now = cpu_seconds(worker.process.pid)
            if cpu is None or now is None or now - cpu >= self.fast * STARVED:
                return False

    def close(self) -> None:
        """Kill every worker; queries still running in other threads fail with StoreError."""
        self.closed = True
        for lane in self.lanes.values():
            for worker in lane.close():
                worker.kill()


class _Trace:
    """One JSON line per query to the file `NOTICEKG_QUERY_TRACE` names (nothing when it is unset)."""

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> _Trace:
        return cls(os.environ.get("NOTICEKG_QUERY_TRACE") or None)

    def write(self, record: dict) -> None:
        if self._path:
            line = json.dumps({"t": round(time.time(), 3), "pid": os.getpid(), **record}) + "\n"
            with self._lock, open(self._path, "a", encoding="utf-8") as out:
                out.write(line)


__all__ = ["LOW_PRIORITY", "QUEUE_PER_WORKER", "Lane", "SlowQueries", "WorkerPool", "cpu_seconds"]
