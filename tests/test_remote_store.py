"""A remote store that is a real Oxigraph server process (`oxigraph serve`, from the `oxigraph` PyPI package):
`open_store('http://…/query')` loads and queries it, and our app serves `/sparql` over it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.errors import QuerySyntaxError, QueryTimeout
from graph.sparql import RESULT_FORMATS, QueryRequest, query_runner
from graph.store import RemoteStore, Store, open_store
from server import create_app
from server.store import close
from tests.server_fixtures import SLOW_QUERY, SPARQL_FIXTURE

pytestmark = pytest.mark.remote

NKG = "https://noticekg.org/def/"
LANZHOU_GRAPH = "https://noticekg.org/id/notice/lan-yi-bao/2020/142/graph"
DOCNOS = f"SELECT ?d WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }} ORDER BY ?d"
BOTH = ["兰医保〔2020〕142号", "桂医保发〔2023〕32号"]
OXIGRAPH = Path(sys.executable).with_name("oxigraph")  # the binary the `oxigraph` package puts in the venv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a fresh `oxigraph serve`; the process is stopped afterwards, whatever happens."""
    port = _free_port()
    # --timeout-s: the server abandons a query we gave up on, instead of computing it for minutes
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "3"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).close()
                break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read()!r}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


@pytest.fixture(scope="module")
def remote(oxigraph_server: str) -> Store:
    store = open_store(f"{oxigraph_server}/query")
    assert isinstance(store, RemoteStore)
    for name, graph in fixture_graphs().items():
        store.replace_graph(name, graph)
    return store


def fixture_graphs() -> dict[str, rdflib.Graph]:
    """The fixture's named graphs as rdflib graphs (pyoxigraph reads the TriG: rdflib's Dataset warns)."""
    graphs: dict[str, rdflib.Graph] = {}
    for quad in ox.parse(path=SPARQL_FIXTURE, format=ox.RdfFormat.TRIG):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        nt = ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        graphs.setdefault(quad.graph_name.value, rdflib.Graph()).parse(data=nt, format="nt")
    return graphs


def test_the_fixture_is_loaded_graph_by_graph(remote: Store) -> None:
    assert remote.graph_iris() == ["https://noticekg.org/id/notice/gui-yi-bao-fa/2023/32/graph", LANZHOU_GRAPH]
    assert remote.triple_count() == sum(len(graph) for graph in fixture_graphs().values())


def test_select_ask_construct(remote: Store) -> None:
    assert [str(row["d"]) for row in remote.select(DOCNOS)] == BOTH  # the union default graph
    assert remote.ask(f'ASK {{ ?f <{NKG}amount> 96.4 ; <{NKG}payer> "provincial" }}')
    graph = remote.construct(f"CONSTRUCT {{ ?f <{NKG}amount> ?a }} WHERE {{ ?f <{NKG}payer> \"central\" ; "
                             f"<{NKG}amount> ?a }}")
    assert sorted(float(o) for o in graph.objects()) == [440.0, 512.0]


def test_default_graph_uri_passes_through(remote: Store) -> None:
    body, _ = remote.query_serialized(DOCNOS, "application/sparql-results+json",
                                      default_graph_uris=(LANZHOU_GRAPH,))
    assert [b["d"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["兰医保〔2020〕142号"]


def test_a_remote_syntax_error_is_a_syntax_error(remote: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        remote.select("SELECT WHERE {")


def test_the_time_limit_is_the_http_timeout(remote: Store) -> None:
    runner = query_runner(remote, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        runner.run(QueryRequest(SLOW_QUERY, RESULT_FORMATS[0]))
    assert time.monotonic() - started < 4.5  # cut off near the 0.5 s limit, not run to the end
    assert runner.run(QueryRequest("ASK {}", RESULT_FORMATS[0]))[0].startswith(b'{"head"')


@pytest.fixture
def remote_client(remote: Store):
    app = create_app({"TESTING": True, "STORE_URL": remote.url, "QUERY_TIMEOUT": 0.5})
    yield app.test_client()
    close(app)


def test_our_endpoint_over_the_oxigraph_server(remote_client) -> None:
    response = remote_client.get("/sparql", query_string={"query": DOCNOS})
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
    assert [b["d"]["value"] for b in response.json["results"]["bindings"]] == BOTH
    restricted = remote_client.post("/sparql", data={"query": DOCNOS, "default-graph-uri": LANZHOU_GRAPH},
                                    headers={"Accept": "text/csv"})
    assert restricted.mimetype == "text/csv"
    assert restricted.data.decode("utf-8").splitlines() == ["d", "兰医保〔2020〕142号"]
    jsonld = remote_client.get("/sparql", query_string={
        "query": f"CONSTRUCT WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }}"},
        headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    docnos = sorted(o["@value"] for node in jsonld.json for o in node.get(NKG + "docNo", []))
    assert docnos == BOTH
    bad = remote_client.get("/sparql", query_string={"query": "SELECT WHERE {"})
    assert bad.status_code == 400 and bad.json["error"]["type"] == "QuerySyntaxError"


def test_our_endpoint_cuts_off_a_slow_remote_query(remote_client) -> None:
    started = time.monotonic()
    response = remote_client.get("/sparql", query_string={"query": SLOW_QUERY})
    assert response.status_code == 503 and response.json["error"]["type"] == "QueryTimeout"
    assert time.monotonic() - started < 4.5  # cut off near the 0.5 s limit, not run to the end
    assert remote_client.get("/sparql", query_string={"query": "ASK {}"}).json == {"head": {}, "boolean": True}
