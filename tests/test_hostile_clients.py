"""Real clients against the production server (waitress, `server.wsgi.production_server`) on a real socket:
rdflib's SPARQLStore with every return format, SPARQLWrapper's CONSTRUCT with results formats, waitress' own
errors (a garbled request line, headers too large, a body over the cap, a bad URI) in the one JSON shape,
and the debugger console, which `--dev` never serves."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from graph.store import Store
from server.store import start_runners
from server.wsgi import production_server
from tests.server_fixtures import *  # noqa: F403 - the fixtures app, corpus_store

NKG = "https://noticekg.org/def/"
FORWARDS = f"CONSTRUCT {{ ?x <{NKG}forwards> ?y }} WHERE {{ ?x <{NKG}forwards> ?y }}"
NOTICEKG = Path(sys.executable).with_name("noticekg")
# rdflib's own JSON-LD parser builds the ConjunctiveGraph rdflib deprecates: its warning, not ours.
RDFLIB_JSONLD = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture
def store(corpus_store: Store) -> Store:
    return corpus_store


@pytest.fixture
def waitress_url(app) -> Iterator[str]:
    with app.app_context():
        start_runners()
    server = production_server(app, "127.0.0.1", 0, threads=4)
    stop = threading.Event()

    def serve() -> None:  # waitress' own loop, one round at a time, so that it ends before the sockets close
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    stop.set()
    thread.join(timeout=10)
    for channel in list(server._map.values()):  # the listening socket and any connection still open
        channel.close()
    server.task_dispatcher.shutdown()


@RDFLIB_JSONLD
@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_rdflib_sparqlstore_runs_every_query_form_in_every_return_format(waitress_url: str,
                                                                         return_format: str) -> None:
    graph = rdflib.Graph(SPARQLStore(f"{waitress_url}/sparql", returnFormat=return_format, method="POST_FORM"))
    forwarded = {(str(x), str(y)) for x, _, y in graph.query(FORWARDS)}
    assert len(forwarded) == 2  # 洪医保发〔2020〕52号 → 赣医保发〔2020〕15号, 兰医保〔2020〕142号 → 甘医保发〔2020〕66号
    notice = next(iter(forwarded))[0]
    described = list(graph.query(f"DESCRIBE <{notice}>"))
    assert any(str(p) == NKG + "forwards" for _, p, _ in described)
    if return_format in ("json", "xml"):  # the CSV / TSV results formats define no boolean (SPARQL 1.1 §1)
        assert graph.query(f"ASK {{ <{notice}> <{NKG}forwards> ?y }}").askAnswer is True
    rows = list(graph.query(f"SELECT ?y WHERE {{ <{notice}> <{NKG}forwards> ?y }}"))
    assert [str(r[0]) for r in rows] == [y for x, y in forwarded if x == notice]


@RDFLIB_JSONLD
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")  # SPARQLWrapper's, sending */*
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_construct_with_a_results_format_gets_a_graph(waitress_url: str, return_format: str) -> None:
    endpoint = SPARQLWrapper(f"{waitress_url}/sparql")
    endpoint.setQuery(FORWARDS)
    endpoint.setReturnFormat(return_format)
    response = endpoint.query().response
    media = response.headers["Content-Type"].split(";")[0]
    body = response.read().decode("utf-8")
    fmt = {"application/ld+json": "json-ld", "application/rdf+xml": "xml", "text/turtle": "turtle"}[media]
    assert len(rdflib.Graph().parse(data=body, format=fmt)) == 2


def _raw(url: str, data: bytes) -> tuple[int, dict]:
    host, port = url.removeprefix("http://").split(":")
    chunks: list[bytes] = []
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        def read() -> None:  # at once: a server that answers before reading everything may reset after
            try:
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            except OSError:
                pass

        reader = threading.Thread(target=read)
        reader.start()
        try:
            conn.sendall(data)
        except OSError:  # the server answered and closed before taking the rest
            pass
        reader.join(timeout=10)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split()[1])
    assert b"application/json" in head.lower(), head
    return status, json.loads(body)


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GARBLED\r\n\r\n", 400),
    (b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 104857600\r\n\r\nASK {}", 413),
    (b"GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
])
def test_waitress_own_errors_are_in_the_json_shape(waitress_url: str, request_bytes: bytes, status: int) -> None:
    got, body = _raw(waitress_url, request_bytes)
    assert got == status and body["error"]["status"] == status and body["error"]["message"]


def test_a_body_over_the_query_cap_is_413_json_through_the_socket(waitress_url: str) -> None:
    request = urllib.request.Request(f"{waitress_url}/sparql", data=b"ASK {} #" + b"x" * (2 << 20),
                                     headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413
    assert json.loads(caught.value.read())["error"]["status"] == 413


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dev_never_serves_the_debugger_console(tmp_path) -> None:
    port = _free_port()
    proc = subprocess.Popen([str(NOTICEKG), "serve", "--store", "memory:", "--dev", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "serving" in (proc.stdout.readline() if proc.stdout else "")
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/console", timeout=5):
                    pytest.fail("/console answered 2xx")
            except urllib.error.HTTPError as exc:
                assert exc.code == 404 and json.loads(exc.read())["error"]["status"] == 404
                break
            except urllib.error.URLError:
                threading.Event().wait(0.1)  # not listening yet
        else:
            pytest.fail("the development server never answered")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_the_debugger_console_is_refused_off_loopback() -> None:
    result = subprocess.run([str(NOTICEKG), "serve", "--store", "memory:", "--debug-console", "--host", "0.0.0.0",
                             "--port", str(_free_port())], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "only on loopback" in result.stderr
