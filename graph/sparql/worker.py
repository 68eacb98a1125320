"""One query worker process: it opens the store itself (or inherits an in-memory one by fork), then answers one
request at a time over its pipe until the pipe closes. A worker of the slow lane lowers its own CPU priority
first (`nice`, then Linux's SCHED_IDLE once its store is open), so that nothing ever has to raise it back
(which needs privilege)."""

from __future__ import annotations

import faulthandler
import os
import signal
import stat
import threading
from pathlib import Path
from typing import Any

from ..errors import NoticeKGError, QuerySyntaxError, StoreError
from ..store import Store, follow, open_store
from .guard import Limits

BOOT_TIMEOUT = 60.0  # seconds a new query worker may take to start (imports, opening the store)


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


def _serve(conn: Any, source: Store | str, forked: bool, limits: Limits, nice: int = 0) -> None:
    """A worker's loop: one request in, one reply out, until the pipe closes.
    Replies: ("ok", body, media type) | ("syntax", message, position) | ("error", class name, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent cleans up
    faulthandler.disable()  # a query that overflows the engine's stack is reported to the user, not dumped here
    if nice:
        try:
            os.nice(nice)
        except (OSError, AttributeError):  # not a POSIX system: the lane still limits how many run at once
            pass
    if forked:
        _drop_inherited_sockets(conn.fileno())
    failure: tuple | None = None
    try:  # now, not at the first query: opening a store must not eat into that query's time limit
        store = open_store(source) if isinstance(source, str) else source
    except NoticeKGError as exc:
        failure = ("error", type(exc).__name__, str(exc))
    if nice and hasattr(os, "sched_setscheduler"):
        # Opened at nice 10, then run at SCHED_IDLE: a slow-lane query gets a core only when nothing else wants
        # it (nice 10 alone still took a tenth of a busy core, which doubled point queries' p99 on 2 cores).
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if failure is None:
                store = follow(store)  # a build made a new generation current: answer from it
            reply: tuple = failure or ("ok", *_answer(store, request, limits))
        except QuerySyntaxError as exc:
            reply = ("syntax", exc.message, exc.position)
        except NoticeKGError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - an engine failure must reach the user, not kill the worker
            reply = ("error", "StoreError", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


def _answer(store: Store, request: Any, limits: Limits) -> tuple[bytes, str]:
    from .results import run_capped

    if hasattr(request, "what"):  # a DumpRequest
        from ..export import dump

        return dump(store, request.what, request.format, request.graph), ""
    return run_capped(store, request, limits)


class Worker:
    def __init__(self, ctx: Any, source: Store | str, limits: Limits, nice: int = 0) -> None:
        self.conn, child_conn = ctx.Pipe()
        forked = ctx.get_start_method() == "fork"
        self.process = ctx.Process(target=_serve, args=(child_conn, source, forked, limits, nice), daemon=True,
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
