"""`/sparql` under hostile queries: no request forgery (SERVICE in every place it can hide, FROM and the
protocol's graph parameters), the caps (body, length, depth, rows, bytes), a full queue answering 503 with
Retry-After at once, and a query that kills its worker reported as the query's fault. A listener on
loopback must see no connection, except where the allow-list names it (which shows it would have)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from graph.sparql import RESULT_FORMATS, Limits, QueryCrashed, QueryRequest, WorkerPool, check_shape
from graph.sparql.pool import LOW_PRIORITY
from server import create_app
from server.store import close
from tests.hostile_fixtures import *  # noqa: F403 - the listener fixture
from tests.hostile_fixtures import Listener
from tests.server_fixtures import *  # noqa: F403 - the fixtures app, client, store
from tests.server_fixtures import SLOW_QUERY

ID = "https://noticekg.org/id/"
GUANGXI_GRAPH = ID + "notice/gui-yi-bao-fa/2023/32/graph"


def forged(url: str) -> list[str]:
    """SERVICE to `url` in every place a query can hold it."""
    host = url.rsplit("/", 1)[0]
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{host}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{host}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",  # a codepoint escape of the keyword
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.parametrize("index", range(len(forged("http://h/sparql"))))
def test_service_is_refused_wherever_it_hides_and_nothing_connects(client, listener: Listener, index: int) -> None:
    query = forged(listener.url)[index]
    for send in (lambda: client.get("/sparql", query_string={"query": query}),
                 lambda: client.post("/sparql", data=query, content_type="application/sparql-query")):
        response = send()
        assert response.status_code == 400, (query, response.data)
        error = response.json["error"]
        assert error["status"] == 400 and error["type"] == "QueryRefused" and "SERVICE" in error["message"]
    assert listener.connections == 0


def test_an_allowed_service_is_called_which_shows_the_listener_would_see_a_forgery(
        store, listener: Listener) -> None:
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 5.0, "QUERY_WORKERS": 1,
                      "SPARQL_SERVICES": (listener.url,)})
    try:
        allowed = app.test_client().get("/sparql", query_string={
            "query": f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"})
        other = app.test_client().get("/sparql", query_string={
            "query": f"SELECT * WHERE {{ SERVICE <{listener.url}x> {{ ?s ?p ?o }} }}"})
    finally:
        close(app)
    assert allowed.status_code == 200, allowed.data
    assert listener.connections == 1 and b"POST" in listener.requests[0] or b"GET" in listener.requests[0]
    assert other.status_code == 400


def test_words_that_only_look_like_service_or_from_still_run(client) -> None:
    response = client.get("/sparql", query_string={
        "query": 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:1/> FROM <x>" AS ?x) } # from service'})
    assert response.status_code == 200, response.data
    assert response.json["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")


@pytest.mark.parametrize("clause", ["FROM <http://127.0.0.1:1/graph>", "FROM NAMED <http://127.0.0.1:1/graph>",
                                    "FROM <file:///etc/passwd>"])
def test_from_outside_the_dataset_is_refused(client, clause: str) -> None:
    response = client.get("/sparql", query_string={"query": f"SELECT * {clause} WHERE {{ ?s ?p ?o }} LIMIT 1"})
    assert response.status_code == 400 and response.json["error"]["type"] == "QueryRefused"
    assert "not a graph of this dataset" in response.json["error"]["message"]


def test_from_one_of_our_graphs_runs(client) -> None:
    response = client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) FROM <{GUANGXI_GRAPH}> WHERE {{ ?s ?p ?o }}"})
    assert response.status_code == 200, response.data
    assert int(response.json["results"]["bindings"][0]["n"]["value"]) > 0


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graph_parameters_outside_the_dataset_are_refused(client, param: str) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", param: "http://127.0.0.1:1/g"})
    assert response.status_code == 400 and response.json["error"]["type"] == "QueryRefused"
    ours = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", param: GUANGXI_GRAPH})
    assert ours.status_code == 200


# -- caps ---------------------------------------------------------------------------------------------------


@pytest.fixture
def capped(store):
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 5.0, "QUERY_WORKERS": 1,
                      "QUERY_MAX_BODY": 4096, "QUERY_MAX_LENGTH": 2000, "QUERY_MAX_DEPTH": 8,
                      "QUERY_MAX_ROWS": 5, "QUERY_MAX_BYTES": 3000})
    yield app.test_client()
    close(app)


def test_a_body_over_the_cap_is_413_before_it_is_read(capped) -> None:
    body = "ASK {} #" + "x" * 5000
    response = capped.post("/sparql", data=body, content_type="application/sparql-query")
    assert response.status_code == 413 and response.json["error"]["status"] == 413
    assert "4,096" in response.json["error"]["message"]


def test_a_query_over_the_length_cap_is_400_with_the_reason(capped) -> None:
    response = capped.get("/sparql", query_string={"query": "ASK {} #" + "x" * 2500})
    assert response.status_code == 400 and "the limit is 2,000" in response.json["error"]["message"]


@pytest.mark.parametrize(("tested", "depth", "cap"), [("capped", 9, 8), ("client", 5000, 32)])
def test_a_query_nested_past_the_cap_is_400_with_the_reason(request, tested: str, depth: int, cap: int) -> None:
    response = request.getfixturevalue(tested).post(
        "/sparql", data="SELECT * WHERE " + "{" * depth + "?s ?p ?o" + "}" * depth,
        content_type="application/sparql-query")
    assert response.status_code == 400, response.data
    assert f"{depth} deep; the limit is {cap}" in response.json["error"]["message"]


def test_nesting_is_counted_outside_strings_iris_and_comments() -> None:
    check_shape('SELECT * WHERE { ?s ?p "{{{{{{{{{{" . ?s <http://x/(((((((((> ?o } # {{{{{{{{{{{{', Limits(max_depth=2))


@pytest.mark.parametrize("query", ["SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
                                   "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"])
def test_a_result_over_the_row_cap_is_refused_before_it_starts(capped, query: str) -> None:
    response = capped.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and response.json["error"]["type"] == "QueryRefused"
    assert "more than 5" in response.json["error"]["message"] and "LIMIT" in response.json["error"]["message"]
    under = capped.get("/sparql", query_string={"query": query + " LIMIT 5"})
    assert under.status_code == 200


def test_a_result_over_the_byte_cap_is_refused(capped) -> None:
    big = "SELECT ?x WHERE { BIND(CONCAT(" + ", ".join(['"' + "长" * 300 + '"'] * 4) + ") AS ?x) }"
    response = capped.get("/sparql", query_string={"query": big})
    assert response.status_code == 400 and "bytes; the cap is 3,000 bytes" in response.json["error"]["message"]


@pytest.mark.parametrize("accept", [fmt.media_type for fmt in RESULT_FORMATS])
def test_capped_results_are_whole_in_every_format(capped, accept: str) -> None:
    response = capped.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"},
                          headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    lines = response.data.decode("utf-8").strip().splitlines()
    if accept in ("text/csv", "text/tab-separated-values"):
        assert len(lines) == 4  # the header and three rows


def test_the_service_description_states_every_cap(capped) -> None:
    text = capped.get("/sparql", headers={"Accept": "text/turtle"}).data.decode("utf-8")
    for name, value in [("max_result_rows", "5"), ("max_nesting_depth", "8"), ("max_query_length", "2000"),
                        ("max_request_bytes", "4096"), ("max_result_bytes", "3000"), ("timeout_seconds", "5")]:
        assert f"limits:{name} {value}" in text, name


# -- fair, bounded work ------------------------------------------------------------------------------------


def test_a_full_queue_answers_503_with_retry_after_at_once_and_recovers(store) -> None:
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 3.0, "QUERY_WORKERS": 1,
                      "QUERY_QUEUE": 0})
    slow_done = threading.Event()
    try:
        def slow() -> None:
            for _ in range(100):  # a probe below may hold the only place at first: then ask again
                answer = app.test_client().get("/sparql", query_string={"query": SLOW_QUERY})
                if answer.status_code != 503 or answer.json["error"]["type"] != "QueryBusy":
                    break
            slow_done.set()

        thread = threading.Thread(target=slow)
        thread.start()
        busy = None
        for _ in range(200):  # until the slow query holds the only worker
            busy = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
            if busy.status_code == 503:
                break
            threading.Event().wait(0.01)
        assert busy is not None and busy.status_code == 503, busy.data
        assert not slow_done.is_set()  # answered while the slow query was still running, not after it
        assert busy.headers["Retry-After"] == "1" and busy.json["error"]["type"] == "QueryBusy"
        # Internal look-ups do not wait for the user's query workers.
        assert app.test_client().get("/api/governs", query_string={
            "kind": "central-subsidy", "region": "广西", "year": "2023"}).status_code in (200, 404)
        thread.join(timeout=30)
        assert app.test_client().get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    finally:
        close(app)


def test_a_query_that_kills_its_worker_is_a_query_error_and_the_pool_recovers(store) -> None:
    pool = WorkerPool(store, 5.0, 1, "fork", Limits(max_depth=10**6))  # no depth cap: let it reach the engine
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    try:
        with pytest.raises(QueryCrashed) as caught:
            pool.run(QueryRequest(deep, RESULT_FORMATS[0]))
        assert caught.value.http_status == 400
        assert pool.run(QueryRequest("ASK {}", RESULT_FORMATS[0]))[0] == b'{"head":{},"boolean":true}'
    finally:
        pool.close()


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _wait_for(condition, seconds: float = 30.0) -> bool:  # noqa: ANN001 - a predicate
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _slow_lane_busy(pool: WorkerPool) -> bool:
    lane = pool.lanes["slow"]
    return len(lane.workers) > len(lane._idle)


def test_long_running_queries_run_in_the_slow_lane_at_low_priority_and_never_take_a_fast_worker(store) -> None:
    pool = WorkerPool(store, 3.0, 2, "fork", fast=0.2, slow=1)
    pool.start()
    assert all(_nice(pid) == _nice(os.getpid()) for pid in pool.lane_pids("fast"))
    assert [_nice(pid) for pid in pool.lane_pids("slow")] == [LOW_PRIORITY]
    assert [os.sched_getscheduler(pid) for pid in pool.lane_pids("slow")] == [os.SCHED_IDLE]
    assert all(os.sched_getscheduler(pid) == os.SCHED_OTHER for pid in pool.lane_pids("fast"))
    outcomes: list[str] = []

    def slow(query: str = SLOW_QUERY) -> None:
        try:
            pool.run(QueryRequest(query, RESULT_FORMATS[0]))
            outcomes.append("answered")
        except Exception as exc:  # noqa: BLE001 - the outcome is what is tested
            outcomes.append(type(exc).__name__)

    first = threading.Thread(target=slow)
    try:
        first.start()
        assert _wait_for(lambda: _slow_lane_busy(pool))  # moved to the slow lane after 0.2 s of work
        fast_idle = pool.lanes["fast"]._idle
        assert _wait_for(lambda: len(fast_idle) == 2)  # every fast worker free again (one a replacement)
        # The same query again, spaced otherwise: straight to the taken slow lane, refused at once, and no
        # fast worker is taken meanwhile.
        started = time.monotonic()
        slow("\n" + SLOW_QUERY.replace(" ", " \t "))
        assert outcomes == ["QueryBusy"] and time.monotonic() - started < 0.2 * 5
        assert len(fast_idle) == 2
        # Another slow query works its 0.2 s in the fast lane, then finds the slow lane taken.
        slow(SLOW_QUERY.replace("COUNT(*)", "COUNT(?a)"))
        assert outcomes == ["QueryBusy", "QueryBusy"]
        assert pool.run(QueryRequest("ASK {}", RESULT_FORMATS[0]))[0] == b'{"head":{},"boolean":true}'
        first.join(timeout=30)
        assert outcomes == ["QueryBusy", "QueryBusy", "QueryTimeout"]
        assert all(_nice(pid) == _nice(os.getpid()) for pid in pool.lane_pids("fast"))
        assert _wait_for(lambda: [_nice(pid) for pid in pool.lane_pids("slow")] == [LOW_PRIORITY])
    finally:
        pool.close()


def test_a_full_fast_lane_queue_is_refused_at_once_and_waiters_are_served_first_come(store) -> None:
    pool = WorkerPool(store, 5.0, 1, "fork", waiting=2, fast=10.0, slow=0)
    pool.start()
    order: list[str] = []

    def run(name: str, query: str) -> None:
        try:
            pool.run(QueryRequest(query, RESULT_FORMATS[0]))
            order.append(name)
        except Exception as exc:  # noqa: BLE001 - the outcome is what is tested
            order.append(f"{name}: {type(exc).__name__}")

    [pid] = pool.pids
    os.kill(pid, signal.SIGSTOP)  # the only worker holds its query: the next ones queue
    threads = [threading.Thread(target=run, args=("holder", "ASK {}"))]
    threads[0].start()
    fast = pool.lanes["fast"]
    try:
        assert _wait_for(lambda: not fast._idle)
        for queued, name in enumerate(("first", "second"), start=1):
            threads.append(threading.Thread(target=run, args=(name, f"ASK {{}} # {name}")))
            threads[-1].start()
            assert _wait_for(lambda queued=queued: len(fast._waiting) == queued)
        started = time.monotonic()
        run("third", "ASK {}")  # the queue holds two: refused now, not after a wait
        assert order == ["third: QueryBusy"] and time.monotonic() - started < 1.0
        os.kill(pid, signal.SIGCONT)
        for thread in threads:
            thread.join(timeout=30)
        assert order == ["third: QueryBusy", "holder", "first", "second"]
    finally:
        os.kill(pid, signal.SIGCONT)
        pool.close()


def test_a_query_starved_of_cpu_stays_in_the_fast_lane_to_its_limit(store) -> None:
    """Its worker stopped (no CPU at all, like a point query waiting for a core on a busy machine), a query
    outlives QUERY_FAST while the only slow slot is taken: it is cut off at the time limit, not refused as a
    long-running one."""
    pool = WorkerPool(store, 2.0, 2, "fork", fast=0.2, slow=1)
    pool.start()
    outcomes: dict[str, str] = {}

    def run(query: str) -> None:
        try:
            pool.run(QueryRequest(query, RESULT_FORMATS[0]))
            outcomes[query] = "answered"
        except Exception as exc:  # noqa: BLE001 - the outcome is what is tested
            outcomes[query] = type(exc).__name__

    hostile = threading.Thread(target=run, args=(SLOW_QUERY,))
    stopped: list[int] = []
    try:
        hostile.start()
        assert _wait_for(lambda: _slow_lane_busy(pool))
        assert _wait_for(lambda: len(pool.lanes["fast"]._idle) == 2)
        stopped = pool.lane_pids("fast")
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        run("ASK {}")
        assert outcomes["ASK {}"] == "QueryTimeout"  # not QueryBusy at 0.2 s: it never worked, it waited
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:  # the one that timed out, killed
                pass
        hostile.join(timeout=30)
        assert outcomes[SLOW_QUERY] == "QueryTimeout"
        assert pool.run(QueryRequest("ASK {}", RESULT_FORMATS[0]))[0] == b'{"head":{},"boolean":true}'
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pool.close()
