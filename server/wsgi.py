"""The service on a socket: waitress with its limits set from the app's caps, and every answer in the one JSON
error shape, including those waitress writes itself before the app sees the request (a request line it
cannot read, a bad URI, headers too large (431), a body over the cap (413)).

    production_server(app, host, port, threads)   a waitress server whose own errors are JSON
    body_cap(app)                                 WSGI middleware: a declared body over the cap is 413 at once
                                                  (`QUERY_MAX_BODY` on /sparql, `MAX_CONTENT_LENGTH` elsewhere)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import create_server
from waitress.task import ErrorTask

HEADER_CAP = 64 * 1024  # bytes of a request line and headers (431 beyond): a long GET query belongs in a POST


def error_body(status: int, kind: str, message: str) -> bytes:
    return json.dumps({"error": {"status": status, "type": kind, "message": message}},
                      ensure_ascii=False).encode("utf-8")


class JsonErrorTask(ErrorTask):
    """waitress' own error answer (parse errors, limits), in the service's JSON shape."""

    def execute(self) -> None:
        error = self.request.error
        kind = type(error).__name__
        message = f"{error.reason}: {error.body}" if error.body else error.reason
        body = error_body(error.code, kind, message)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class CheckedParser(HTTPRequestParser):
    """waitress' request parser, with a URI that `urllib` cannot split (`http://[::1`) a 400 like any other
    bad request line; waitress itself lets that ValueError drop the connection without an answer."""

    def parse_header(self, header_plus: bytes) -> None:
        try:
            super().parse_header(header_plus)
        except ValueError as exc:
            if isinstance(exc, ParsingError):
                raise
            raise ParsingError(f"bad URI: {exc}") from exc


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask
    parser_class = CheckedParser


def production_server(app: Flask, host: str, port: int, threads: int) -> Any:
    """waitress serving `app`: headers capped at `HEADER_CAP`, bodies at the app's `MAX_CONTENT_LENGTH`, both
    answered by `JsonErrorTask`; the app's traceback never leaves the process (`expose_tracebacks` off)."""
    server = create_server(app, host=host, port=port, threads=threads, ident="noticekg",
                           max_request_header_size=HEADER_CAP,
                           max_request_body_size=int(app.config["MAX_CONTENT_LENGTH"]),
                           expose_tracebacks=False)
    listeners = [server] if hasattr(server, "channel_class") else [
        s for s in server.map.values() if hasattr(s, "channel_class")]
    for listener in listeners:  # one attribute on our server objects, nothing changed in waitress itself
        listener.channel_class = JsonErrorChannel
    return server


StartResponse = Callable[..., Any]


def body_cap(app: Flask) -> Callable[[dict, StartResponse], Iterable[bytes]]:
    """Refuse a body whose Content-Length is over the cap before anything reads it (Flask would refuse one
    over `MAX_CONTENT_LENGTH` too, but only when a view reads it: this holds for every route, any server)."""
    inner = app.wsgi_app

    def guarded(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        sparql = environ.get("PATH_INFO", "").startswith("/sparql")
        cap = int(app.config["QUERY_MAX_BODY" if sparql else "MAX_CONTENT_LENGTH"])
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > cap:
            reason = ("the Content-Length header is not a number" if length < 0
                      else f"the request body is {length:,} bytes; the cap is {cap:,}")
            status = 400 if length < 0 else 413
            body = error_body(status, "BadRequest" if length < 0 else "RequestEntityTooLarge", reason)
            start_response(f"{status} {'Bad Request' if length < 0 else 'Content Too Large'}",
                           [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return inner(environ, start_response)

    return guarded
