"""`/sparql` through Flask's test client: every request form, every result format, datasets, the service
description, refusals, errors and the time limit. The data is tests/data/sparql_fixture.trig."""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from graph.sparql import SD
from server import create_app
from server.store import close, get_runner
from tests.server_fixtures import *  # noqa: F403 - the fixtures app, client, store
from tests.server_fixtures import SLOW_QUERY as SLOW

NKG = "https://noticekg.org/def/"
ID = "https://noticekg.org/id/"
GUANGXI_GRAPH = ID + "notice/gui-yi-bao-fa/2023/32/graph"
LANZHOU_GRAPH = ID + "notice/lan-yi-bao/2020/142/graph"
DOCNOS = f"SELECT ?d WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }} ORDER BY ?d"
BOTH = ["兰医保〔2020〕142号", "桂医保发〔2023〕32号"]
AMOUNTS = (f"CONSTRUCT {{ ?f <{NKG}amount> ?a }} WHERE {{ ?f <{NKG}kind> <{NKG}kind/central-subsidy> ; "
           f"<{NKG}amount> ?a }}")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def docnos(response) -> list[str]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/sparql-results+json"
    return [row["d"]["value"] for row in response.json["results"]["bindings"]]


# -- the three ways to send a query -----------------------------------------------------------------------------


def test_get(client) -> None:
    assert docnos(client.get("/sparql", query_string={"query": DOCNOS})) == BOTH


def test_post_form(client) -> None:
    assert docnos(client.post("/sparql", data={"query": DOCNOS})) == BOTH


def test_post_sparql_query_body(client) -> None:
    response = client.post("/sparql", data=DOCNOS.encode("utf-8"), content_type="application/sparql-query")
    assert docnos(response) == BOTH


def test_ask(client) -> None:
    query = f'ASK {{ ?f <{NKG}amount> 96.4 ; <{NKG}payer> "provincial" }}'
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200 and response.json == {"head": {}, "boolean": True}


# -- result formats -------------------------------------------------------------------------------------------


def _select_rows(media_type: str, body: bytes) -> list[str]:
    """The ?d column, read by a parser of the format itself (not by the code that wrote it)."""
    text = body.decode("utf-8")
    if media_type == "application/sparql-results+json":
        return [b["d"]["value"] for b in json.loads(text)["results"]["bindings"]]
    if media_type == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return [lit.text for lit in ET.fromstring(text).findall(".//r:binding[@name='d']/r:literal", ns)]
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["d"]
        return [row[0] for row in rows[1:]]
    if media_type == "text/tab-separated-values":
        lines = text.splitlines()
        assert lines[0] == "?d"
        return [json.loads(line) for line in lines[1:]]  # TSV writes literals in Turtle form: "…"
    raise AssertionError(media_type)


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
def test_select_in_every_result_format_by_accept(client, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": DOCNOS}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    assert _select_rows(media_type, response.data) == BOTH


def _graph(media_type: str, body: bytes) -> set[tuple[str, str]]:
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}[media_type]
    return {(t.subject.value, t.object.value) for t in ox.parse(body, fmt)}


CENTRAL = {(ID + "notice/gui-yi-bao-fa/2023/32/s/1/f/3", "512"), (ID + "notice/lan-yi-bao/2020/142/s/1/f/2", "440")}


@pytest.mark.parametrize("media_type", ["text/turtle", "application/ld+json", "application/n-triples",
                                        "application/rdf+xml"])
def test_construct_in_every_graph_format_by_accept(client, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": AMOUNTS}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    # 512.0 and 440.0 are xsd:decimal, written in canonical form
    assert {(s, o.removesuffix(".0")) for s, o in _graph(media_type, response.data)} == CENTRAL


@pytest.mark.parametrize(("query", "param", "media_type"), [
    (DOCNOS, "json", "application/sparql-results+json"),
    (DOCNOS, "xml", "application/sparql-results+xml"),
    (DOCNOS, "csv", "text/csv"),
    (DOCNOS, "tsv", "text/tab-separated-values"),
    (AMOUNTS, "turtle", "text/turtle"),
    (AMOUNTS, "json", "application/ld+json"),
    (AMOUNTS, "nt", "application/n-triples"),
    (AMOUNTS, "application/rdf+xml", "application/rdf+xml"),
])
def test_the_format_parameter_overrides_accept(client, query: str, param: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": query, "format": param},
                          headers={"Accept": "image/png"})
    assert response.status_code == 200 and response.mimetype == media_type


def test_q_values_decide(client) -> None:
    accept = "application/sparql-results+json;q=0.4, text/csv;q=0.9, */*;q=0.1"
    response = client.get("/sparql", query_string={"query": DOCNOS}, headers={"Accept": accept})
    assert response.mimetype == "text/csv"


def test_describe_defaults_to_turtle(client) -> None:
    notice = ID + "notice/lan-yi-bao/2020/142"
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{notice}>"})
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert str(graph.value(rdflib.URIRef(notice), rdflib.URIRef(NKG + "docNo"))) == "兰医保〔2020〕142号"


def test_nothing_acceptable_is_406(client) -> None:
    response = client.get("/sparql", query_string={"query": DOCNOS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json["error"]["message"]


# -- the dataset --------------------------------------------------------------------------------------------------


def test_default_graph_is_the_union_of_the_named_graphs(client) -> None:
    assert docnos(client.get("/sparql", query_string={"query": DOCNOS})) == BOTH


def test_default_graph_uri_restricts_the_default_graph(client) -> None:
    one = client.get("/sparql", query_string={"query": DOCNOS, "default-graph-uri": LANZHOU_GRAPH})
    assert docnos(one) == ["兰医保〔2020〕142号"]
    both = client.post("/sparql", data={"query": DOCNOS, "default-graph-uri": [LANZHOU_GRAPH, GUANGXI_GRAPH]})
    assert docnos(both) == BOTH
    body = client.post(f"/sparql?default-graph-uri={GUANGXI_GRAPH}", data=DOCNOS,
                       content_type="application/sparql-query")
    assert docnos(body) == ["桂医保发〔2023〕32号"]


def test_named_graph_uri_restricts_the_named_graphs(client) -> None:
    query = f"SELECT ?d WHERE {{ GRAPH ?g {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }} }} ORDER BY ?d"
    assert docnos(client.get("/sparql", query_string={"query": query})) == BOTH
    only = client.get("/sparql", query_string={"query": query, "named-graph-uri": GUANGXI_GRAPH})
    assert docnos(only) == ["桂医保发〔2023〕32号"]


# -- service description --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "media_type", "rdflib_format"), [
    (None, "text/turtle", "turtle"),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_service_description(client, accept: str | None, media_type: str, rdflib_format: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    service = rdflib.URIRef("http://localhost/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
            "Turtle", "JSON-LD", "N-Triples", "RDF_XML"} <= formats
    assert {str(n) for n in graph.objects(None, SD.name)} == {GUANGXI_GRAPH, LANZHOU_GRAPH}


def test_service_description_as_json_ld(client) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    types = {t.object.value for t in ox.parse(response.data, ox.RdfFormat.JSON_LD) if t.predicate.value.endswith("#type")}
    assert str(SD.Service) in types


def test_a_browser_gets_a_query_form_that_runs_queries(client) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.data.decode("utf-8")
    assert '<form method="get" action="/sparql">' in page and '<textarea name="query"' in page
    # the example query in the form is a working query over the graph
    example = page.split('spellcheck="false">', 1)[1].split("</textarea>", 1)[0]
    import html

    rows = client.get("/sparql", query_string={"query": html.unescape(example)}).json["results"]["bindings"]
    assert {r["docNo"]["value"] for r in rows} == set(BOTH)


# -- refusals and errors: one JSON shape ------------------------------------------------------------------------


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql", query_string={"update": "CLEAR ALL"}),
    lambda c: c.post("/sparql", data={"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}),
    lambda c: c.post("/sparql", data="DROP ALL", content_type="application/sparql-update"),
    lambda c: c.get("/sparql", query_string={"query": "PREFIX x: <a:>\nINSERT DATA { x:a x:b x:c }"}),
    lambda c: c.post("/sparql", data="DELETE WHERE { ?s ?p ?o }", content_type="application/sparql-query"),
], ids=["get-update", "form-update", "sparql-update", "update-as-query", "update-as-body"])
def test_updates_are_refused_and_change_nothing(client, store, send) -> None:  # noqa: F811
    before = store.triple_count()
    response = send(client)
    assert response.status_code == 403
    assert response.json["error"]["type"] == "QueryForbidden"
    assert "read-only" in response.json["error"]["message"]
    assert store.triple_count() == before


def test_a_malformed_query_is_400_with_the_position(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x\n"})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["type"] == "QuerySyntaxError"
    assert error["position"] == {"line": 3, "column": 7}  # the x after LIMIT
    assert "line 3, column 7" in error["message"]


ERRORS = {
    "syntax": (lambda c: c.get("/sparql", query_string={"query": "SELECT WHERE"}), 400),
    "update": (lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}), 403),
    "format": (lambda c: c.get("/sparql", query_string={"query": DOCNOS, "format": "png"}), 400),
    "accept": (lambda c: c.get("/sparql", query_string={"query": DOCNOS}, headers={"Accept": "image/png"}), 406),
    "two-queries": (lambda c: c.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400),
    "media-type": (lambda c: c.post("/sparql", data="ASK {}", content_type="text/plain"), 415),
    "method": (lambda c: c.put("/sparql", data="ASK {}"), 405),
    "not-found": (lambda c: c.get("/no-such-page"), 404),
}


@pytest.mark.parametrize("case", ERRORS)
def test_every_error_has_one_json_shape(client, case: str) -> None:
    send, status = ERRORS[case]
    response = send(client)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert list(response.json) == ["error"]
    error = response.json["error"]
    assert error["status"] == status
    assert isinstance(error["type"], str) and error["type"]
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"status", "type", "message", "message_zh", "position", "choices", "suggestions"}
    assert error["message_zh"] and not error["message_zh"].isascii()  # the message in Chinese beside it
    assert ("position" in error) == (case == "syntax")
    if case == "method":
        assert "GET" in response.headers["Allow"]


# -- CORS ---------------------------------------------------------------------------------------------------------


def test_cors_allows_browser_clients_on_other_origins(client) -> None:
    origin = {"Origin": "https://yasgui.example.org"}
    response = client.get("/sparql", query_string={"query": DOCNOS}, headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] in ("*", origin["Origin"])
    response = client.post("/sparql", data={"query": DOCNOS}, headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] in ("*", origin["Origin"])
    preflight = client.options("/sparql", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    api = client.get("/api/anything", headers=origin)  # whatever /api answers, a browser may read it
    assert api.headers["Access-Control-Allow-Origin"] in ("*", origin["Origin"])


# -- the time limit -----------------------------------------------------------------------------------------------


def test_a_slow_query_is_cut_off_with_503_and_the_next_query_works(store) -> None:  # noqa: F811
    limit = 0.5
    slow_app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": limit, "QUERY_WORKERS": 1})
    slow_client = slow_app.test_client()
    try:
        assert docnos(slow_client.get("/sparql", query_string={"query": DOCNOS})) == BOTH
        with slow_app.app_context():
            [worker] = get_runner().pids
        started = time.monotonic()
        response = slow_client.get("/sparql", query_string={"query": SLOW})
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.json["error"]["type"] == "QueryTimeout"
        assert "0.5 s" in response.json["error"]["message"]
        assert limit <= elapsed < limit + 4.0  # cut off, not run to the end; generous on a shared machine
        with slow_app.app_context():
            assert worker not in get_runner().pids
        assert docnos(slow_client.get("/sparql", query_string={"query": DOCNOS})) == BOTH
    finally:
        close(slow_app)


def test_a_bug_answers_500_in_the_same_shape_without_the_traceback(app) -> None:
    def broken() -> str:
        raise RuntimeError("secret detail")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert response.json["error"]["status"] == 500
    assert response.json["error"]["type"] == "InternalServerError"
    assert "secret detail" not in response.get_data(as_text=True)
