"""`noticekg serve`: run the app under waitress (a production WSGI server), or Flask's development server
with `--dev`. The command joins `graph`'s CLI through the `noticekg.commands` entry point (pyproject.toml),
so that `graph` never imports the web layer."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable

import click
from flask import Flask
from waitress.server import create_server

from graph.cli import reads_graph
from graph.store import Store

from . import create_app
from .store import close, get_runner


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000, *, threads: int = 8, dev: bool = False,
          announce: Callable[[str], None] = print) -> None:
    """Serve `app` until interrupted (Ctrl-C or SIGTERM), then stop its query workers."""
    with app.app_context():
        get_runner().start()  # before any socket is open: the workers have nothing of the server's to inherit
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (systemd, docker stop, kill) ends the server as Ctrl-C does, so that the workers are stopped.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if dev:
        announce(f"noticekg: serving http://{host}:{port}/sparql (Flask development server: not for production)")
        try:
            app.run(host=host, port=port, debug=True, use_reloader=False)
        finally:
            close(app)
        return
    server = create_server(app, host=host, port=port, threads=threads, ident="noticekg")
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
@click.option("--threads", type=int, default=8, show_default=True, help="waitress threads.")
@click.option("--dev", is_flag=True, help="Flask's development server instead of waitress.")
@click.pass_obj
def command(obj: dict, store: Store, host: str, port: int, timeout: float, threads: int, dev: bool) -> None:
    """Serve /sparql, the API and the linked data over the graph (waitress; --dev: Flask's own server)."""
    app = create_app({"STORE": store, "STORE_URL": store.url, "BASE": obj["base"], "QUERY_TIMEOUT": timeout})
    serve(app, host, port, threads=threads, dev=dev, announce=click.echo)
