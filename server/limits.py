"""The public endpoint's caps, read from the app's configuration (each has an environment variable):

    QUERY_TIMEOUT      NOTICEKG_QUERY_TIMEOUT      seconds of engine time per query (5)
    QUERY_WORKERS      NOTICEKG_QUERY_WORKERS      fast-lane worker processes (0: one per core)
    QUERY_QUEUE        NOTICEKG_QUERY_QUEUE        queries that may wait for a fast worker, FIFO; one more is 503
                                                   + Retry-After at once (-1: twelve per worker of both lanes)
    QUERY_QUEUE_WAIT   NOTICEKG_QUERY_QUEUE_WAIT   seconds one may wait in that queue at most (0: the time limit)
    QUERY_FAST         NOTICEKG_QUERY_FAST         seconds after which a working query goes to the slow lane (1)
    QUERY_SLOW_SLOTS   NOTICEKG_QUERY_SLOW_SLOTS   slow-lane worker processes, nice 10 + SCHED_IDLE, no queue (0: cores / 2)
    EXPORT_TIMEOUT     NOTICEKG_EXPORT_TIMEOUT     seconds of a dump (/export/*, Graph Store Protocol) (60)
    QUERY_MAX_BODY     NOTICEKG_QUERY_MAX_BODY     bytes of a request body to /sparql, 413 beyond (1 MiB)
    MAX_CONTENT_LENGTH NOTICEKG_MAX_BODY           bytes of any other request body, 413 beyond (32 MiB)
    QUERY_MAX_LENGTH   NOTICEKG_QUERY_MAX_LENGTH   characters of query text (65536)
    QUERY_MAX_DEPTH    NOTICEKG_QUERY_MAX_DEPTH    nesting of { } / ( ) (32)
    QUERY_MAX_ROWS     NOTICEKG_QUERY_MAX_ROWS     solutions or triples of a result (10000)
    QUERY_MAX_BYTES    NOTICEKG_QUERY_MAX_BYTES    bytes of a serialized result (16 MiB)
    SPARQL_SERVICES    NOTICEKG_SPARQL_SERVICES    SERVICE endpoints a query may call, space-separated (none)
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from graph.sparql import Limits

_DEFAULTS = Limits()


def defaults() -> dict[str, Any]:
    """The configuration keys of the caps with their values from the environment or the defaults."""
    env = os.environ.get
    return {
        "QUERY_TIMEOUT": float(env("NOTICEKG_QUERY_TIMEOUT", str(_DEFAULTS.timeout))),
        "QUERY_WORKERS": int(env("NOTICEKG_QUERY_WORKERS", "0")),
        "QUERY_QUEUE": int(env("NOTICEKG_QUERY_QUEUE", "-1")),
        "QUERY_QUEUE_WAIT": float(env("NOTICEKG_QUERY_QUEUE_WAIT", "0")),
        "QUERY_FAST": float(env("NOTICEKG_QUERY_FAST", "1")),
        "QUERY_SLOW_SLOTS": int(env("NOTICEKG_QUERY_SLOW_SLOTS", "0")),
        "EXPORT_TIMEOUT": float(env("NOTICEKG_EXPORT_TIMEOUT", "60")),
        "QUERY_MAX_BODY": int(env("NOTICEKG_QUERY_MAX_BODY", str(_DEFAULTS.max_body))),
        "MAX_CONTENT_LENGTH": int(env("NOTICEKG_MAX_BODY", str(32 << 20))),
        "QUERY_MAX_LENGTH": int(env("NOTICEKG_QUERY_MAX_LENGTH", str(_DEFAULTS.max_length))),
        "QUERY_MAX_DEPTH": int(env("NOTICEKG_QUERY_MAX_DEPTH", str(_DEFAULTS.max_depth))),
        "QUERY_MAX_ROWS": int(env("NOTICEKG_QUERY_MAX_ROWS", str(_DEFAULTS.max_rows))),
        "QUERY_MAX_BYTES": int(env("NOTICEKG_QUERY_MAX_BYTES", str(_DEFAULTS.max_bytes))),
        "SPARQL_SERVICES": tuple(env("NOTICEKG_SPARQL_SERVICES", "").split()),
    }


def limits_of(app: Flask) -> Limits:
    c = app.config
    return Limits(timeout=float(c["QUERY_TIMEOUT"]), max_body=int(c["QUERY_MAX_BODY"]),
                  max_length=int(c["QUERY_MAX_LENGTH"]), max_depth=int(c["QUERY_MAX_DEPTH"]),
                  max_rows=int(c["QUERY_MAX_ROWS"]), max_bytes=int(c["QUERY_MAX_BYTES"]),
                  services=tuple(c["SPARQL_SERVICES"]))
