"""A server over an on-disk store sees one consistent store while a build runs into it: the old generation
until the new one is complete, then the new one on every route, in its threads and its query workers alike,
without a restart."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from graph.build import BuildOptions, build
from graph.to_rdf import DEFAULT_BASE
from server import create_app
from server.store import close

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
COUNT = "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n <https://noticekg.org/def/inCorpus> true }"
LATE = "兰医保〔2020〕142号"  # in the last corpus file, which only the second build reads


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Flask, Path, Path]]:
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    for path in CORPUS[:3]:
        shutil.copy(path, folder)
    build([folder], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
    app = create_app({"TESTING": True, "STORE_URL": f"oxigraph:{store}?ro", "QUERY_TIMEOUT": 30.0,
                      "QUERY_WORKERS": 1})
    yield app, folder, store
    close(app)


def view(client: FlaskClient) -> dict[str, object]:
    """What each route says about the store: the /sparql count (a query worker), the API and the linked data."""
    answer = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    count = int(json.loads(answer.data)["results"]["bindings"][0]["c"]["value"])
    resolved = client.get("/api/notices/resolve?docno=" + urllib.parse.quote(LATE))
    figures = client.get("/api/figures?docno=" + urllib.parse.quote(LATE))
    page = client.get(resolved.headers["Location"], headers={"Accept": "text/turtle"}) \
        if resolved.status_code == 303 else None
    return {"count": count, "resolve": resolved.status_code,
            "figures": figures.status_code == 200 and json.loads(figures.data)["count"] > 0,
            "page": page.status_code if page is not None else None}


OLD = {"count": 5, "resolve": 404, "figures": False, "page": None}
NEW = {"count": 8, "resolve": 303, "figures": True, "page": 200}


def test_the_server_sees_the_old_store_during_a_build_and_the_new_one_after(served) -> None:  # noqa: ANN001
    app, folder, store = served
    client = app.test_client()
    assert view(client) == OLD
    for path in CORPUS[3:]:
        shutil.copy(path, folder)
    seen = []

    def probe(stage: str, *counts: int) -> None:  # called by the build at every step of its work
        seen.append((stage, view(client)))

    summary = build([folder], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE), progress=probe)
    assert summary.new and {stage for stage, _ in seen} == {"parsing", "loading"}
    assert all(state == OLD for _, state in seen)
    assert view(client) == NEW  # the next request, on the same server: both its threads and its worker


def test_a_request_keeps_one_generation_from_start_to_end(served) -> None:  # noqa: ANN001
    app, folder, store = served
    from server.store import get_store

    with app.test_request_context("/"):
        first = get_store()
        for path in CORPUS[3:]:
            shutil.copy(path, folder)
        build([folder], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
        assert get_store() is first  # mid-request: still the generation it started with
    with app.test_request_context("/"):
        assert get_store() is not first and get_store().generation != first.generation
