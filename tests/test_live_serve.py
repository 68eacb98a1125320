"""`noticekg serve` for real: the waitress server in its own process over an on-disk store, queried through a
socket, cut off at its time limit, and stopped by SIGTERM with every process it started."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.served import descendants, serve
from graph.store import open_store
from tests.server_fixtures import SLOW_QUERY, SPARQL_FIXTURE

NKG = "https://noticekg.org/def/"
DOCNOS = f"SELECT ?d WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }} ORDER BY ?d"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    store.load_file(str(SPARQL_FIXTURE))
    store.close()
    del store  # the server opens the directory read-only; we keep nothing open
    server = serve(f"oxigraph:{tmp_path / 'store'}", 0, "--timeout", "0.5", "--threads", "4")
    try:
        yield server.process, server.url + "/sparql"
    finally:
        if server.process.poll() is None:
            server.process.kill()
        server.stop()


def _get(url: str, **params: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode(params), timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_serve_answers_cuts_off_and_stops_cleanly(served: tuple[subprocess.Popen, str]) -> None:
    process, endpoint = served
    assert endpoint.endswith("/sparql")

    status, media_type, body = _get(endpoint, query=DOCNOS)
    assert status == 200 and media_type.startswith("application/sparql-results+json"), body
    assert [b["d"]["value"] for b in json.loads(body)["results"]["bindings"]] == [
        "兰医保〔2020〕142号", "桂医保发〔2023〕32号"]

    started = time.monotonic()
    status, _, body = _get(endpoint, query=SLOW_QUERY)
    assert status == 503 and json.loads(body)["error"]["type"] == "QueryTimeout"
    assert time.monotonic() - started < 1.5
    assert _get(endpoint, query="ASK {}")[0] == 200

    children = descendants(process.pid)
    assert children, "the query workers run in processes of their own"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)], "every worker stops with the server"
