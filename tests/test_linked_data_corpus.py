"""Linked data on the corpus graph: every IRI the graph holds (subject, predicate, object or graph name, under
the data base or the vocabulary) dereferences, as valid HTML and as N-Triples, with a Link to its provenance;
the home page lists the eight notices of the corpus and each notice page shows its title and its figures.

Of the 3,220 divisions the shared regions graph holds (the whole GB/T 2260 table), those the notices mention
and the divisions above them are all dereferenced, the others one in `OTHER_DIVISIONS` by code and the first of
each province: they are rows of one table served by one route, and all of them took 80% of
this test's time (a minute and a half of the suite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape

from graph.store import Store
from tests.html_check import html_errors
from tests.server_fixtures import app, client, corpus_store  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
ID = "https://noticekg.org/id/"
DEF = "https://noticekg.org/def/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HAS_PROVENANCE = 'rel="http://www.w3.org/ns/prov#has_provenance"'
# The eight notices of the corpus, as their headers print them.
OTHER_DIVISIONS = 15
REGION = ID + "region/"
CORPUS_NOTICES = {"南医保发〔2020〕60号", "桂医保发〔2020〕46号", "洪医保发〔2020〕52号", "赣医保发〔2020〕15号",
                  "桂医保发〔2023〕32号", "桂人社发〔2017〕33号", "兰医保〔2020〕142号", "甘医保发〔2020〕66号"}


@pytest.fixture(scope="module")
def store(corpus_store: Store) -> Store:  # noqa: F811 - the corpus, for every test here
    return corpus_store


def local(iri: str) -> str:
    return "/id/" + iri.removeprefix(ID) if iri.startswith(ID) else "/def/" + iri.removeprefix(DEF)


def test_every_iri_in_the_corpus_graph_dereferences(client, store: Store) -> None:  # noqa: F811
    rows = store.select(f"""SELECT DISTINCT ?x WHERE {{
        {{ GRAPH ?x {{ ?a ?b ?c }} }} UNION {{ ?x ?p ?o }} UNION {{ ?s ?x ?o }} UNION {{ ?s ?p ?x }}
        FILTER(isIRI(?x) && (STRSTARTS(STR(?x), "{ID}") || STRSTARTS(STR(?x), "{DEF}"))) }}""")
    every = sorted(str(r["x"]) for r in rows)
    assert len(every) > 1000
    mentioned = {str(r["r"]) for r in store.select(f"""PREFIX nkg: <{DEF}>
        SELECT DISTINCT ?r WHERE {{ ?s ?p ?m . ?m nkg:within* ?r
          FILTER(!STRSTARTS(STR(?s), "{REGION}") && STRSTARTS(STR(?m), "{REGION}")) }}""")}
    others = [i for i in every if i.startswith(REGION) and i not in mentioned]
    first_of_each_province = {i[len(REGION):][:2]: i for i in reversed(others)}.values()
    sample = sorted(set(others[::OTHER_DIVISIONS]) | set(first_of_each_province))
    iris = [i for i in every if not i.startswith(REGION) or i in mentioned] + sample
    assert len(mentioned) >= 8 and len(others) > 3000 and len(sample) > 200
    failures = []
    for iri in iris:
        page = client.get(local(iri), headers={"Accept": BROWSER})
        triples = client.get(local(iri), headers={"Accept": "application/n-triples"})
        if page.status_code != 200 or triples.status_code != 200:
            failures.append((iri, page.status_code, triples.status_code))
        elif errors := html_errors(page.get_data(as_text=True)):
            failures.append((iri, errors[:3]))
        elif HAS_PROVENANCE not in page.headers.get("Link", "") or not triples.data:
            failures.append((iri, "no provenance link or an empty description"))
    assert failures == []


def test_home_lists_the_corpus_notices(client, store: Store) -> None:  # noqa: F811
    page = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert html_errors(page) == []
    for docno in CORPUS_NOTICES:
        assert docno in page


def test_each_corpus_notice_page_shows_its_title_and_figures(client, store: Store) -> None:  # noqa: F811
    rows = store.select("""PREFIX nkg: <https://noticekg.org/def/> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?n ?docno (SAMPLE(?title) AS ?t) (SAMPLE(?quote) AS ?q) WHERE {
          GRAPH ?g { ?n nkg:inCorpus true ; nkg:docNo ?docno ; dcterms:title ?title }
          OPTIONAL { ?f nkg:statedIn ?n ; oa:hasSelector/oa:exact ?quote } } GROUP BY ?n ?docno""")
    assert {str(r["docno"]) for r in rows} == CORPUS_NOTICES
    for row in rows:
        page = client.get(local(str(row["n"])), headers={"Accept": BROWSER}).get_data(as_text=True)
        assert str(escape(row["docno"])) in page and str(escape(row["t"])) in page
        assert "q" in row and str(escape(row["q"])) in page, row["docno"]  # a figure, with its quote
