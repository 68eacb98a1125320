"""One round trip through a real socket: SPARQLWrapper, as a client program would use it, against the app
served by a threaded HTTP server on a free port (`live_server`), over the bundled corpus. The answers are
read from the notices: which notice forwards which, and what 南医保发〔2020〕60号 carries as its attachment."""

from __future__ import annotations

import pytest
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from graph.store import Store
from tests.server_fixtures import *  # noqa: F403 - the fixtures app, live_server, corpus_store

NKG = "https://noticekg.org/def/"
PREFIX = f"PREFIX nkg: <{NKG}>\n"


@pytest.fixture
def store(corpus_store: Store) -> Store:
    return corpus_store


def test_sparqlwrapper_select_construct_ask(live_server: str) -> None:
    endpoint = SPARQLWrapper(f"{live_server}/sparql")

    endpoint.setQuery(PREFIX + "SELECT DISTINCT ?d WHERE { ?n nkg:docNo ?d ; nkg:inCorpus true }")
    endpoint.setReturnFormat(JSON)
    result = endpoint.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    docnos = {b["d"]["value"] for b in result.convert()["results"]["bindings"]}
    assert {"南医保发〔2020〕60号", "桂医保发〔2020〕46号", "洪医保发〔2020〕52号", "赣医保发〔2020〕15号",
            "桂医保发〔2023〕32号", "桂人社发〔2017〕33号", "兰医保〔2020〕142号", "甘医保发〔2020〕66号"} == docnos

    endpoint.setQuery(PREFIX + """CONSTRUCT { ?x nkg:forwards ?y ; nkg:docNo ?a . ?y nkg:docNo ?b } WHERE {
        ?x nkg:forwards ?y . ?x nkg:docNo ?a . ?y nkg:docNo ?b }""")
    endpoint.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=endpoint.query().convert(), format="turtle")
    docno = rdflib.URIRef(NKG + "docNo")
    forwards = graph.subject_objects(rdflib.URIRef(NKG + "forwards"))
    assert {(str(graph.value(x, docno)), str(graph.value(y, docno))) for x, y in forwards} == {
        ("洪医保发〔2020〕52号", "赣医保发〔2020〕15号"), ("兰医保〔2020〕142号", "甘医保发〔2020〕66号")}

    endpoint.setQuery(PREFIX + """ASK { ?n nkg:docNo "桂医保发〔2020〕46号" ; nkg:attachmentOf ?m .
                                       ?m nkg:docNo "南医保发〔2020〕60号" }""")
    endpoint.setReturnFormat(JSON)
    endpoint.setMethod(POST)  # the form-encoded POST of the protocol, through the socket too
    assert endpoint.query().convert() == {"head": {}, "boolean": True}
