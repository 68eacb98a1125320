"""`/sparql` over the bundled corpus as the pipeline builds it: the answers a user gets about the eight
notices (the 文号 and relations below are read from the notices' text, see docs and DOMAIN)."""

from __future__ import annotations

import pytest

from graph.store import Store
from tests.server_fixtures import *  # noqa: F403 - the fixtures app, client, corpus_store

NKG = "https://noticekg.org/def/"
PREFIX = f"PREFIX nkg: <{NKG}>\n"
# DISTINCT: Oxigraph 0.5 makes the union default graph a bag, not a set (oxigraph#1919, fixed for 0.6), and
# a notice's triples also sit in the graph of the notice that carries it.
IN_CORPUS = PREFIX + "SELECT DISTINCT ?d WHERE { ?n nkg:docNo ?d ; nkg:inCorpus true } ORDER BY ?d"
EIGHT = sorted(["南医保发〔2020〕60号", "桂医保发〔2020〕46号", "洪医保发〔2020〕52号", "赣医保发〔2020〕15号",
                "桂医保发〔2023〕32号", "桂人社发〔2017〕33号", "兰医保〔2020〕142号", "甘医保发〔2020〕66号"])


@pytest.fixture
def store(corpus_store: Store) -> Store:
    return corpus_store


def column(response, name: str) -> list[str]:
    assert response.status_code == 200, response.data
    return [row[name]["value"] for row in response.json["results"]["bindings"]]


def test_the_eight_notices(client) -> None:
    assert column(client.get("/sparql", query_string={"query": IN_CORPUS}), "d") == EIGHT


def test_the_chain_from_nanchang_reaches_the_national_notice(client) -> None:
    # 洪医保发〔2020〕52号 forwards 赣医保发〔2020〕15号, which implements 医保发〔2020〕24号
    query = PREFIX + """SELECT DISTINCT ?d WHERE {
      ?start nkg:docNo "洪医保发〔2020〕52号" ; nkg:inCorpus true .
      ?start (nkg:forwards|nkg:implements)+ ?up . ?up nkg:docNo ?d }"""
    reached = set(column(client.post("/sparql", data={"query": query}), "d"))
    assert {"赣医保发〔2020〕15号", "医保发〔2020〕24号"} <= reached


def test_default_graph_uri_narrows_the_corpus_to_one_notice(client) -> None:
    find = PREFIX + 'SELECT ?g WHERE { GRAPH ?g { ?n nkg:docNo "兰医保〔2020〕142号" ; nkg:inCorpus true } }'
    [graph] = column(client.get("/sparql", query_string={"query": find}), "g")
    only = client.get("/sparql", query_string={"query": IN_CORPUS, "default-graph-uri": graph})
    assert column(only, "d") == ["兰医保〔2020〕142号"]


def test_the_service_description_lists_every_named_graph(client, corpus_store: Store) -> None:
    import rdflib

    from graph.sparql import SD

    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    names = {str(o) for o in rdflib.Graph().parse(data=response.data, format="turtle").objects(None, SD.name)}
    assert names == set(corpus_store.graph_iris())
    assert len(names) >= 8  # one per notice, and the shared graphs
