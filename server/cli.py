"""`noticekg serve`: run the app under waitress (a production WSGI server), or Flask's development server
with `--dev`. The command joins `graph`'s CLI through the `noticekg.commands` entry point (pyproject.toml),
so that `graph` never imports the web layer.

Werkzeug's debugger (a Python console in the browser) is never served, `--dev` or not, unless asked for by
`--debug-console`, and then only on a loopback address."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable

import click
from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from graph.cli import reads_graph
from graph.store import Store

from . import create_app
from .store import close, start_runners
from .wsgi import error_body, production_server

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class JsonErrorHandler(WSGIRequestHandler):
    """The development server's own errors (a request line it cannot read …) in the JSON shape too."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        body = error_body(code, "BadRequest" if code < 500 else "InternalServerError",
                          message or self.responses.get(code, ("error",))[0])
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000, *, threads: int = 48, dev: bool = False,
          debug_console: bool = False, announce: Callable[[str], None] = print) -> None:
    """Serve `app` until interrupted (Ctrl-C or SIGTERM), then stop its query workers."""
    if debug_console and host not in LOOPBACK:
        raise click.UsageError(f"--debug-console runs any Python a visitor types: only on loopback, not {host}")
    with app.app_context():
        start_runners()  # before any socket is open: the workers have nothing of the server's to inherit
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (systemd, docker stop, kill) ends the server as Ctrl-C does, so that the workers are stopped.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if dev or debug_console:
        announce(f"noticekg: serving http://{host}:{port}/sparql (Flask development server: not for production"
                 + (", with the debugger console)" if debug_console else ")"))
        try:
            app.run(host=host, port=port, debug=debug_console, use_debugger=debug_console, use_evalex=debug_console,
                    use_reloader=False, request_handler=JsonErrorHandler)
        finally:
            close(app)
        return
    server = production_server(app, host, port, threads)
    announce(f"noticekg: serving http://{server.effective_host}:{server.effective_port}/sparql "
             f"(waitress, {threads} threads)")
    try:
        server.run()
    finally:
        server.close()
        close(app)


@click.command(name="serve")
@reads_graph
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True, help="0 picks a free port.")
@click.option("--timeout", type=float, envvar="NOTICEKG_QUERY_TIMEOUT", default=5.0, show_default=True,
              help="Time limit of one SPARQL query, in seconds ($NOTICEKG_QUERY_TIMEOUT).")
@click.option("--threads", type=int, default=48, show_default=True,
              help="waitress threads; user SPARQL holds at most workers + queue of them, the rest serve look-ups.")
@click.option("--dev", is_flag=True, help="Flask's development server instead of waitress (no debugger).")
@click.option("--debug-console", is_flag=True,
              help="The development server with Werkzeug's debugger console; loopback hosts only.")
@click.pass_obj
def command(obj: dict, store: Store, host: str, port: int, timeout: float, threads: int, dev: bool,
            debug_console: bool) -> None:
    """Serve /sparql, the API and the linked data over the graph (waitress; --dev: Flask's own server)."""
    app = create_app({"STORE": store, "STORE_URL": store.url, "BASE": obj["base"], "QUERY_TIMEOUT": timeout})
    serve(app, host, port, threads=threads, dev=dev, debug_console=debug_console, announce=click.echo)
