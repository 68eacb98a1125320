"""graph.sparql: query forms, update refusal, content negotiation, and the killable query runner."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.errors import QueryError, QueryForbidden, QuerySyntaxError, QueryTimeout
from graph.sparql import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    SD,
    QueryRequest,
    WorkerPool,
    check_read_only,
    choose_format,
    execute,
    negotiate,
    query_form,
    query_runner,
    service_description,
)
from graph.store import open_store
from tests.server_fixtures import SLOW_QUERY as SLOW

FIXTURE = Path(__file__).parent / "data" / "sparql_fixture.trig"
NKG = "https://noticekg.org/def/"
JSON = RESULT_FORMATS[0]
DOCNOS = f"SELECT ?d WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }} ORDER BY ?d"


# -- forms and read-only ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("  # a comment\nprefix nkg: <https://noticekg.org/def/>\nPREFIX : <x:>\nBASE <http://b/>\nask {}", "ASK"),
    ("PREFIX x:<a:b>CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("describe <https://noticekg.org/id/notice/gui-yi-bao-fa/2023/32>", "DESCRIBE"),
    ("PREFIX nkg: <https://noticekg.org/def/>\nINSERT DATA { <a:a> <a:b> <a:c> }", "INSERT"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("WITH <g:1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("DROP ALL", "DROP"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("nonsense", ""),
    ("", ""),
])
def test_query_form_reads_the_first_keyword_after_the_prologue(text: str, form: str) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize("update", ["INSERT DATA { <a:a> <a:b> <a:c> }", "# hi\nclear all", "CREATE GRAPH <g:x>",
                                    "COPY <g:a> TO <g:b>", "MOVE DEFAULT TO <g:b>", "ADD <g:a> TO <g:b>"])
def test_updates_are_refused_with_the_reason(update: str) -> None:
    with pytest.raises(QueryForbidden, match="read-only"):
        check_read_only(update)


def test_queries_pass_the_read_only_check() -> None:
    assert check_read_only(DOCNOS) == "SELECT"


# -- negotiation ------------------------------------------------------------------------------------------------


def test_negotiate_follows_q_values_and_specificity() -> None:
    offers = ["application/sparql-results+json", "text/csv"]
    assert negotiate("text/csv;q=0.9, application/sparql-results+json;q=0.5", offers) == "text/csv"
    assert negotiate("application/sparql-results+json;q=0.5, text/csv;q=0.9", offers) == "text/csv"
    assert negotiate("text/*;q=0.8, */*;q=0.1", offers) == "text/csv"
    # the more specific range decides: text/csv is refused even though text/* is welcome
    assert negotiate("text/*, text/csv;q=0", offers) is None
    assert negotiate("*/*", offers) == offers[0]  # a tie goes to the server's first choice
    assert negotiate(None, offers) == offers[0]
    assert negotiate("", offers) == offers[0]
    assert negotiate("image/png", offers) is None
    assert negotiate("text/csv;q=nonsense, application/sparql-results+json", offers) == offers[0]


@pytest.mark.parametrize(("form", "accept", "name"), [
    ("SELECT", None, "json"),
    ("SELECT", "application/sparql-results+xml", "xml"),
    ("ASK", "text/csv", "csv"),
    ("SELECT", "text/tab-separated-values", "tsv"),
    ("SELECT", "application/json", "json"),
    ("SELECT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
    ("CONSTRUCT", None, "ttl"),
    ("CONSTRUCT", "application/ld+json", "jsonld"),
    ("DESCRIBE", "application/n-triples;q=1, text/turtle;q=0.2", "nt"),
    ("CONSTRUCT", "application/rdf+xml", "rdfxml"),
    ("CONSTRUCT", "application/json", "jsonld"),
])
def test_choose_format_by_accept(form: str, accept: str | None, name: str) -> None:
    chosen = choose_format(form, accept)
    assert chosen is not None and chosen.name == name


@pytest.mark.parametrize(("form", "param", "name"), [
    ("SELECT", "csv", "csv"), ("SELECT", "TSV", "tsv"), ("ASK", "application/sparql-results+xml", "xml"),
    ("CONSTRUCT", "turtle", "ttl"), ("CONSTRUCT", "json", "jsonld"), ("CONSTRUCT", "rdf+xml", "rdfxml"),
    ("DESCRIBE", "nt", "nt"),
])
def test_the_format_parameter_wins_over_accept(form: str, param: str, name: str) -> None:
    chosen = choose_format(form, "application/sparql-results+json, text/turtle", param)
    assert chosen is not None and chosen.name == name


def test_an_unknown_format_name_is_a_query_error_that_lists_the_choices() -> None:
    with pytest.raises(QueryError, match="ttl, jsonld, nt, rdfxml"):
        choose_format("CONSTRUCT", None, "png")


@pytest.mark.parametrize(("accept", "name"), [
    ("application/sparql-results+json", "jsonld"), ("application/sparql-results+xml", "rdfxml"),
    ("text/csv", "ttl"), ("text/tab-separated-values", "ttl")])
def test_a_graph_asked_for_in_a_results_format_comes_in_the_nearest_graph_format(accept: str, name: str) -> None:
    by_accept, by_name = choose_format("DESCRIBE", accept), choose_format("CONSTRUCT", None, accept)
    assert by_accept is not None and by_name is not None
    assert by_accept.name == by_name.name == name
    assert choose_format("CONSTRUCT", "image/png") is None


def test_service_description_names_the_endpoint_languages_formats_and_graphs() -> None:
    graph = service_description("http://example.org/sparql", ["https://noticekg.org/id/notice/a/2020/1/graph"])
    service = rdflib.URIRef("http://example.org/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(list(graph.objects(service, SD.resultFormat))) == len(RESULT_FORMATS) + len(GRAPH_FORMATS)
    assert rdflib.URIRef("https://noticekg.org/id/notice/a/2020/1/graph") in set(graph.objects(None, SD.name))


# -- running ------------------------------------------------------------------------------------------------------


@pytest.fixture
def memory_store():
    store = open_store("memory:")
    store.load_file(str(FIXTURE))
    yield store
    store.close()


def test_execute_gives_json_ld_for_construct(memory_store) -> None:
    fmt = choose_format("CONSTRUCT", "application/ld+json")
    query = f"CONSTRUCT {{ ?n <{NKG}docNo> ?d }} WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }}"
    body, media_type = execute(memory_store, QueryRequest(query, fmt))
    assert media_type == "application/ld+json"
    triples = list(ox.parse(body, ox.RdfFormat.JSON_LD))  # read back by another parser than the writer's
    assert sorted(t.object.value for t in triples) == ["兰医保〔2020〕142号", "桂医保发〔2023〕32号"]


def test_execute_restricts_the_default_graph(memory_store) -> None:
    lanzhou = "https://noticekg.org/id/notice/lan-yi-bao/2020/142/graph"
    body, _ = execute(memory_store, QueryRequest(DOCNOS, JSON, default_graph_uris=(lanzhou,)))
    rows = json.loads(body)["results"]["bindings"]
    assert [r["d"]["value"] for r in rows] == ["兰医保〔2020〕142号"]


def _gone(pid: int) -> bool:
    """No process with `pid` (killed and reaped), waiting a moment for the reaping."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def _timeout_cuts_off_and_recovers(runner: WorkerPool, limit: float) -> None:
    before = runner.run(QueryRequest(DOCNOS, JSON))
    [busy_pid] = runner.pids
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="cut off"):
        runner.run(QueryRequest(SLOW, JSON))
    elapsed = time.monotonic() - started
    assert limit <= elapsed < limit + 1.0
    assert _gone(busy_pid), "the worker that ran the slow query must be killed, not left computing"
    assert runner.run(QueryRequest(DOCNOS, JSON)) == before  # a fresh worker answers the next query
    assert runner.pids and busy_pid not in runner.pids


def test_memory_store_workers_are_killed_at_the_limit(memory_store) -> None:
    runner = query_runner(memory_store, timeout=0.5, workers=1)
    assert isinstance(runner, WorkerPool)
    try:
        _timeout_cuts_off_and_recovers(runner, 0.5)
    finally:
        runner.close()
    assert not runner.pids


def test_on_disk_store_workers_open_it_read_only_and_are_killed_at_the_limit(tmp_path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    store.load_file(str(FIXTURE))
    runner = query_runner(store, timeout=0.5, workers=1)
    try:
        _timeout_cuts_off_and_recovers(runner, 0.5)
    finally:
        runner.close()
        store.close()


def test_syntax_errors_come_back_from_the_worker_with_their_position(memory_store) -> None:
    runner = query_runner(memory_store, timeout=5, workers=1)
    try:
        with pytest.raises(QuerySyntaxError) as caught:
            runner.run(QueryRequest("SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x\n", JSON))
        assert caught.value.position == (3, 7)  # the x after LIMIT
    finally:
        runner.close()


def test_queries_run_side_by_side_in_separate_workers(memory_store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    runner = query_runner(memory_store, timeout=5, workers=2)
    try:
        with ThreadPoolExecutor(4) as pool:
            bodies = list(pool.map(lambda _: runner.run(QueryRequest(DOCNOS, JSON))[0], range(8)))
        assert len(set(bodies)) == 1
        assert len(runner.pids) <= 2
    finally:
        runner.close()


def test_a_forked_worker_does_not_keep_the_servers_sockets(memory_store) -> None:
    import socket

    listening = socket.create_server(("127.0.0.1", 0))  # stands for the HTTP server's socket
    runner = query_runner(memory_store, timeout=5, workers=1)
    try:
        runner.run(QueryRequest(DOCNOS, JSON))  # the worker is forked now, while the socket is open
        [pid] = runner.pids
        held = {os.stat(f"/proc/{pid}/fd/{fd}").st_ino for fd in os.listdir(f"/proc/{pid}/fd")
                if os.path.exists(f"/proc/{pid}/fd/{fd}")}
        assert os.fstat(listening.fileno()).st_ino not in held
        assert runner.run(QueryRequest(DOCNOS, JSON))  # and it still talks to us
    finally:
        runner.close()
        listening.close()
