"""`noticekg serve` for real: the waitress server in its own process over an on-disk store, queried through a
socket, cut off at its time limit, and stopped by SIGTERM with every process it started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import open_store
from tests.server_fixtures import SLOW_QUERY, SPARQL_FIXTURE

NKG = "https://noticekg.org/def/"
DOCNOS = f"SELECT ?d WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }} ORDER BY ?d"
NOTICEKG = Path(sys.executable).with_name("noticekg")


def _descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, their children …), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _first_line(stream, seconds: float) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    return line[0] if line else ""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    store.load_file(str(SPARQL_FIXTURE))
    store.close()
    del store  # the server opens the directory read-only; we keep nothing open
    process = subprocess.Popen(
        [str(NOTICEKG), "serve", "--store", f"oxigraph:{tmp_path / 'store'}", "--port", "0",
         "--timeout", "0.5", "--threads", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = _first_line(process.stdout, 30)
        assert "http://127.0.0.1:" in line, (line, process.poll())
        yield process, line.split("serving ", 1)[1].split()[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


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

    children = _descendants(process.pid)
    assert children, "the query workers run in processes of their own"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)], "every worker stops with the server"
