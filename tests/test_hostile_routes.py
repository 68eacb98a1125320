"""Every route under injection payloads, CORS on every GET route, and the Graph Store Protocol's reads.

The sweep reads the routes from the app's URL map, so a route added later is swept too: each path variable
and each query parameter a route reads gets each payload; nothing may answer 5xx, every error is the one
JSON shape, and the loopback listener that the payloads point at must see no connection."""

from __future__ import annotations

import json
import re
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib

from graph.store import Store
from server import create_app
from server.store import close, get_lookup_runner
from tests.hostile_fixtures import *  # noqa: F403 - the listener fixture
from tests.hostile_fixtures import Listener
from tests.server_fixtures import *  # noqa: F403 - the fixtures app, client, store

ID = "https://noticekg.org/id/"
GUANGXI = ID + "notice/gui-yi-bao-fa/2023/32"
PARAMS = ("kind", "region", "year", "scope", "docno", "graph", "default-graph-uri", "named-graph-uri", "q",
          "format", "as_of", "at", "text", "iri", "id")


def payloads(listener: str) -> list[str]:
    return [">", "%3E", "%ff%fe", "\n", "%0A", '"', "'", "{", "}", "\\",
            f"x> ?p ?o }} SERVICE <{listener}> {{ ?s ?p ?o",
            f"x%3E ?p ?o %7D SERVICE %3C{listener}%3E %7B ?s ?p ?o",
            f'a" }} ASK {{ SERVICE <{listener}> {{ }} }} #',
            f"notice/x> }} UNION {{ SERVICE <{listener}> {{ ?s ?p ?o }} }} #.ttl",
            f"<{listener}>", "桂医保发〔2020〕46号\" } SERVICE <x> {", "../../../etc/passwd"]


# Pages of the fixture that run look-ups bound to their IRI (notice, section, region, kind): each gets the
# payloads as parameters and as a path below it, so that a payload reaches their queries' neighbourhood.
PAGES = (f"/id/{GUANGXI[len(ID):]}", f"/id/{GUANGXI[len(ID):]}/s/1", "/id/region/450000", "/def/kind/central-subsidy")


def _urls(app, payload: str) -> list[str]:
    urls = []
    for page in PAGES:
        urls.append(page + "?" + "&".join(f"{name}={urllib.parse.quote(payload)}" for name in PARAMS))
        urls.append(page + "/" + payload)
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        path = re.sub(r"<[^<>]+>", lambda _: payload, rule.rule)
        urls.append(path)
        urls.append(path + "?" + "&".join(f"{name}={urllib.parse.quote(payload)}" for name in PARAMS))
        if not rule.arguments:
            urls.append(rule.rule.rstrip("/") + "/" + payload)
    return urls


def test_every_route_under_injection_payloads(app, listener: Listener) -> None:
    client = app.test_client()
    for page in PAGES:  # the pages swept exist: their look-ups run
        assert client.get(page, headers={"Accept": "text/html"}).status_code == 200, page
    seen = 0
    for payload in payloads(listener.url):
        for url in _urls(app, payload):
            for accept in ("application/json", "text/turtle", "text/html")[:3 if url.startswith(PAGES) else 2]:
                response = client.get(url, headers={"Accept": accept})
                seen += 1
                assert response.status_code < 500, (url, accept, response.status_code, response.data[:300])
                if response.status_code >= 400 and response.mimetype == "application/json":
                    error = response.json["error"]
                    assert error["status"] == response.status_code and error["type"] and error["message"]
    assert seen > 500
    assert listener.connections == 0


class CountingStore:
    """The fixture store, counting the queries it is asked (to show a look-up stopped before any), and those
    sent to the look-up pool, where the server's own look-ups run (`counted` wires that in)."""

    def __init__(self, store: Store) -> None:
        self._store, self.queries = store, []
        self.url = store.url

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else goes to the store
        return getattr(self._store, name)

    def select(self, query: str):  # noqa: ANN201
        self.queries.append(query)
        return self._store.select(query)

    def ask(self, query: str) -> bool:
        self.queries.append(query)
        return self._store.ask(query)

    def construct(self, query: str):  # noqa: ANN201
        self.queries.append(query)
        return self._store.construct(query)


@pytest.fixture
def counted(store):
    counting = CountingStore(store)
    application = create_app({"TESTING": True, "STORE": counting, "QUERY_TIMEOUT": 2.0, "QUERY_WORKERS": 1})
    with application.app_context():
        runner = get_lookup_runner()
    run = runner.run
    runner.run = lambda request: (counting.queries.append(request.query), run(request))[1]  # type: ignore[method-assign]
    yield application.test_client(), counting
    close(application)


@pytest.mark.parametrize("path", [
    "/id/x%3E.ttl", "/id/%ff%fe", "/id/notice/a%22b", "/id/notice/x>%20}%20ASK%20{%20}%20%23.ttl",
    "/id/notice/%0A", "/def/kind/a%3Eb", "/id/notice//x", "/id/notice/%E4%B8%AD"])
def test_an_iri_we_never_mint_is_404_before_any_query(counted, path: str) -> None:
    client, store = counted
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]["type"] == "NotFound"
    assert store.queries == []


def test_a_minted_iri_still_dereferences_with_bound_queries(counted) -> None:
    client, store = counted
    response = client.get("/id/notice/gui-yi-bao-fa/2023/32.ttl")
    assert response.status_code == 200, response.data
    assert store.queries and all(f"<{GUANGXI}" in q or "VALUES" in q for q in store.queries)


# -- CORS -----------------------------------------------------------------------------------------------


def test_every_get_route_answers_other_origins(app) -> None:
    client = app.test_client()
    for url in ["/sparql", "/sparql?query=ASK%7B%7D", "/id/notice/gui-yi-bao-fa/2023/32", "/def/",
                "/export/graph.trig", "/ns/context.jsonld", "/api/governs?kind=x", "/", f"/sparql?graph={GUANGXI}/graph"]:
        response = client.get(url, headers={"Origin": "https://example.org"})
        assert response.headers.get("Access-Control-Allow-Origin") in ("*", "https://example.org"), url
    preflight = client.options("/id/notice/gui-yi-bao-fa/2023/32", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.headers.get("Access-Control-Allow-Origin") in ("*", "https://example.org")
    assert "Link" in preflight.headers.get("Access-Control-Expose-Headers", "") or "Link" in client.get(
        "/id/notice/gui-yi-bao-fa/2023/32", headers={"Origin": "https://example.org"}).headers.get(
        "Access-Control-Expose-Headers", "")


# -- Graph Store Protocol reads -------------------------------------------------------------------------


def test_a_named_graph_by_the_graph_store_protocol(client, store) -> None:
    graph_iri = GUANGXI + "/graph"
    expected = {(str(q.subject), str(q.predicate), str(q.object)) for q in
                store.engine.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))}
    turtle = client.get("/sparql", query_string={"graph": graph_iri})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    parsed = rdflib.Graph().parse(data=turtle.data.decode("utf-8"), format="turtle")
    assert len(parsed) == len(expected) > 0
    for accept, fmt in [("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG)]:
        response = client.get("/sparql", query_string={"graph": graph_iri}, headers={"Accept": accept})
        assert response.mimetype == accept
        quads = list(ox.parse(response.data, fmt))
        assert {q.graph_name.value for q in quads} == {graph_iri} and len(quads) == len(expected)
    jsonld = client.get("/sparql", query_string={"graph": graph_iri, "format": "json-ld"})
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.data)


def test_the_default_graph_and_the_whole_dataset(client, store) -> None:
    union = client.get("/sparql?default", headers={"Accept": "application/n-triples"})
    assert union.status_code == 200 and union.mimetype == "application/n-triples"
    triples = rdflib.Graph().parse(data=union.data.decode("utf-8"), format="nt")
    distinct = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert len(triples) == int(distinct[0]["n"])
    whole = client.get("/sparql?default", headers={"Accept": "application/n-quads"})
    quads = list(ox.parse(whole.data, ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == set(store.graph_iris()) and len(quads) == len(store.engine)


def test_a_graph_we_do_not_hold_is_404_and_both_forms_at_once_is_400(client) -> None:
    missing = client.get("/sparql", query_string={"graph": "http://127.0.0.1:1/g"})
    assert missing.status_code == 404 and missing.json["error"]["type"] == "NotFound"
    both = client.get("/sparql?default&graph=" + urllib.parse.quote(GUANGXI + "/graph"))
    assert both.status_code == 400
