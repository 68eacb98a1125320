"""Exports through Flask's test client, on tests/data/linked_fixture.trig: the whole graph in each format (named
graphs kept where the format can), the figures as CSV for spreadsheets, the published JSON-LD context, and the
home page that links them."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store import Store
from graph.vocab import CONTEXT_FILE
from tests.html_check import html_errors
from tests.server_fixtures import app, client, stored  # noqa: F401 - fixtures

FIXTURE = Path(__file__).parent / "data" / "linked_fixture.trig"
DATASETS = {"trig": ("application/trig", ox.RdfFormat.TRIG), "nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
            "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD)}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def store() -> Iterator[Store]:
    yield from stored(FIXTURE)


def stored_quads(store: Store) -> set[ox.Quad]:
    return set(ox.parse(store.dump("nq"), ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("extension", sorted(DATASETS))
def test_dataset_exports_keep_the_named_graphs(client, store: Store, extension: str) -> None:  # noqa: F811
    media, syntax = DATASETS[extension]
    response = client.get(f"/export/graph.{extension}")
    assert response.status_code == 200 and response.mimetype == media
    assert response.headers["Content-Disposition"] == f'attachment; filename="noticekg.{extension}"'
    exported = set(ox.parse(response.data, syntax))
    assert stored_quads(store) <= exported  # JSON-LD adds the aligned ELI / schema.org statements
    assert {q.graph_name.value for q in exported if isinstance(q.graph_name, ox.NamedNode)} == set(store.graph_iris())


def test_turtle_export_is_the_union_of_the_graphs(client, store: Store) -> None:  # noqa: F811
    response = client.get("/export/graph.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "attachment" in response.headers["Content-Disposition"]
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.data, ox.RdfFormat.TURTLE)}
    assert triples == {ox.Triple(q.subject, q.predicate, q.object) for q in stored_quads(store)}


def test_jsonld_export_uses_the_published_context(client) -> None:  # noqa: F811
    document = json.loads(client.get("/export/graph.jsonld").data)
    published = client.get("/ns/context.jsonld").json["@context"]
    assert document["@context"] == published


def test_unknown_export_format_is_404(client) -> None:  # noqa: F811
    response = client.get("/export/graph.xlsx")
    assert response.status_code == 404 and response.json["error"]["type"] == "NotFound"
    assert "graph.trig" in response.json["error"]["message"]


def test_figures_csv_for_spreadsheets(client, store: Store) -> None:  # noqa: F811
    response = client.get("/export/figures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset") == "utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="figures.csv"'
    assert response.data.startswith("\ufeff".encode())  # the BOM: Excel then reads the Chinese as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    figures = store.select("SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a <https://noticekg.org/def/Figure> }")
    assert len(rows) == int(figures[0]["n"]) == 7
    assert {(r["docno"], r["quote"]) for r in rows} >= {
        ("桂医保发〔2020〕46号", "中央财政补助440元/人·年"), ("南医保发〔2020〕60号", "个人缴费标准为 280 元/人/年")}


def test_context_is_the_ontologys(client) -> None:  # noqa: F811
    response = client.get("/ns/context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.json == json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_home_page_links_every_export(client) -> None:  # noqa: F811
    response = client.get("/", headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and html_errors(page) == []
    links = set(re.findall(r'href="(/(?:export|ns)/[^"]+)"', page))
    assert {"/export/graph.trig", "/export/graph.nq", "/export/graph.ttl", "/export/graph.jsonld",
            "/export/figures.csv", "/ns/context.jsonld"} <= links
    for link in links:
        assert client.get(link).status_code == 200, link
