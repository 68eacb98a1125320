"""The store layout without copies (docs/MODEL.md, "Named graphs"): shared resources live once, in their own
graphs, so the union default graph has no duplicate rows; replacing or deleting a notice's graph loses nothing
other notices need; and every canned query answers the rows it answered when each notice graph carried its
own copies (tests/data/layout/canned-rows.json, captured by tests/canned_rows.py with main's code at 72c7c4d)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.util import from_n3

from graph import layout
from graph.parse import parse_paths
from graph.store import Store, open_store
from graph.to_rdf import dataset_graph_iri, notice_graphs, notice_iri, region_iri, to_dataset
from tests.canned_rows import corpus_store, row_set, run

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "data" / "layout" / "canned-rows.json"
NKG = "https://noticekg.org/def/"
N24 = notice_iri("医保发〔2020〕24号")  # the national 2020 notice: known only by citation
N46 = notice_iri("桂医保发〔2020〕46号")  # in the corpus, carried by 南医保发〔2020〕60号 and cited by it
N60 = notice_iri("南医保发〔2020〕60号")


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    built = corpus_store()
    yield built
    built.close()


def count(store: Store, query: str) -> int:
    return int(store.select(query)[0]["n"])


# -- no duplicate rows -----------------------------------------------------------------------------------------


def test_a_select_over_the_default_graph_counts_each_corpus_notice_once(store: Store) -> None:
    rows = store.select(f"SELECT ?n WHERE {{ ?n a <{NKG}Notice> ; <{NKG}inCorpus> true }}")
    assert len(rows) == 8  # the eight notices of the five corpus files (DOMAIN.md), not one row per copy
    docnos = store.select(f"SELECT ?d WHERE {{ ?n <{NKG}inCorpus> true ; <{NKG}docNo> ?d }}")
    assert len(docnos) == len({str(r["d"]) for r in docnos}) == 8


def test_the_nation_lives_in_one_graph(store: Store) -> None:
    nation = region_iri("100000")
    graphs = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{nation}> ?p ?o }} }}")
    assert [str(r["g"]) for r in graphs] == [dataset_graph_iri("regions")]
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{nation}> a ?t }}") == 1


def test_no_triple_is_stated_in_two_graphs(store: Store) -> None:
    # The union is a bag: a triple in two graphs is two rows. (The report graph repeats nothing of the others.)
    dupes = store.select("SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                         "GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1) LIMIT 5")
    assert dupes == []


def test_a_stub_carries_every_title_it_is_cited_by(store: Store) -> None:
    titles = {str(r["t"]) for r in store.select(f"SELECT ?t WHERE {{ <{N24}> <http://purl.org/dc/terms/title> ?t }}")}
    cited = {str(r["t"]) for r in store.select(
        f"SELECT ?t WHERE {{ ?c <{NKG}citedNotice> <{N24}> ; <{NKG}titleAsCited> ?t }}")}
    assert titles == cited and titles  # 46号, 15号 and 66号 cite it, each with its title as written
    graphs = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{N24}> ?p ?o }} }}")
    assert [str(r["g"]) for r in graphs] == [dataset_graph_iri("stubs")]


# -- the canned queries answer as before ---------------------------------------------------------------------------


# Rules added after the capture (issue 9, part 4): their findings are new rows of validation-findings.rq.
NEW_RULES = {f"<https://noticekg.org/def/rule/{n}>" for n in (
    "one-value-per-key", "level-shares-add-up", "level-percentages-add-up", "increase-within-notice")}


def comparable(name: str, rows: list) -> list[list[list[str]]]:
    """Rows without what the capture cannot pin: SAMPLE(?title) of a stub cited by several titles picks any of
    them (checked apart, below); findings of rules that did not exist then."""
    kept = []
    for row in rows:
        pairs = [list(pair) for pair in row if not (name == "chain.rq" and pair[0] == "toTitle")]
        if name == "validation-findings.rq" and dict(row).get("rule") in NEW_RULES:
            continue
        kept.append(pairs)
    return sorted(kept)


def test_every_canned_query_answers_the_rows_it_answered_before(store: Store) -> None:
    before = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert set(before) == {p.name for p in (ROOT / "ontology" / "queries").glob("*.rq")}
    for name, runs in before.items():
        for values, rows in runs.items():
            now = row_set(run(store, name, values or None))
            assert comparable(name, now) == comparable(name, rows), (name, values)


def test_a_chain_title_is_one_the_notice_is_known_by(store: Store) -> None:
    for row in run(store, "chain.rq", 'VALUES ?startDocNo { "南医保发〔2020〕60号" }'):
        titles = store.select(f"SELECT ?t WHERE {{ ?n <{NKG}docNo> {row['toDocNo']} ; "
                              "<http://purl.org/dc/terms/title> ?t }")
        assert row["toTitle"] in {t["t"].n3() for t in titles}


def test_the_baseline_is_what_the_notices_say() -> None:
    """A person-readable look at the captured rows: a few checked against the notice texts."""
    before = json.loads(BASELINE.read_text(encoding="utf-8"))

    def rows(name: str, values: str) -> list[dict[str, str]]:  # each term as its plain text
        return [{k: str(from_n3(v)) for k, v in r} for r in before[name][values]]

    # 洪医保发〔2020〕52号 forwards 赣医保发〔2020〕15号 ("现将《…》（赣医保发〔2020〕15号）转发给你们"), which implements
    # 医保发〔2020〕24号 ("为贯彻落实《…》（医保发〔2020〕24号）").
    chain = rows("chain.rq", 'VALUES ?startDocNo { "洪医保发〔2020〕52号" }')
    assert {(r["fromDocNo"], r["relation"], r["toDocNo"]) for r in chain} == {
        ("洪医保发〔2020〕52号", "forwards", "赣医保发〔2020〕15号"), ("赣医保发〔2020〕15号", "implements", "医保发〔2020〕24号")}
    # 桂人社发〔2017〕33号: "2018年度城乡居民基本医疗保险个人缴费标准为每人每年不低于180元" (or as worded): 180 for 2018.
    history = rows("figure-history.rq", 'VALUES (?kind ?regionCode) { (kind:individual-contribution "450000") }')
    assert ("180", "桂人社发〔2017〕33号") in {(r["value"], r["docNo"]) for r in history}
    text = (ROOT / "corpus").glob("003_*.txt")
    assert any("180" in p.read_text(encoding="utf-8") for p in text)
    # 甘医保发〔2020〕66号 一、(一): "中央财政补贴440元".
    figures = rows("notice-figures.rq", 'VALUES ?docNo { "甘医保发〔2020〕66号" }')
    assert any(r["kind"] == "central-subsidy" and r["value"] == "440" and "440" in r["quote"] for r in figures)


# -- loading, replacing and deleting keep the shared graphs whole -------------------------------------------------------


def results():  # noqa: ANN201
    return parse_paths([ROOT / "corpus"])


def test_loading_twice_changes_nothing() -> None:
    dataset = to_dataset(results())
    once = open_store("memory:")
    once.load_dataset(dataset)
    twice = open_store("memory:")
    twice.load_dataset(dataset)
    twice.load_dataset(dataset)
    assert once.triple_count() == twice.triple_count()


def test_notices_loaded_one_at_a_time_make_the_same_union_as_the_batch() -> None:
    batch = open_store("memory:")
    batch.load_dataset(to_dataset(results()))
    single = open_store("memory:")
    for result in results():  # each file's notices alone: a stub of a notice loaded later is dropped then
        single.load_dataset(to_dataset([result]))
    # (Blank nodes are the vocabulary's OWL lists; a restated figure is linked only when its notice is in the
    # same batch, so nkg:restates differs by design.)
    union = ("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p != <https://noticekg.org/def/restates> "
             "&& !isBlank(?s) && !isBlank(?o)) }")
    assert row_set(batch.select(union)) == row_set(single.select(union))  # type: ignore[arg-type]


def test_replacing_a_notice_keeps_what_others_share() -> None:
    store = open_store("memory:")
    store.load_dataset(to_dataset(results()))
    first, *_ = results()  # 000_…: 南医保发〔2020〕60号 and the 桂医保发〔2020〕46号 it carries
    again = [n for n in first.notices if n.docno and n.docno.key == "南医保发〔2020〕60号"][0]
    graph_iri, graph, _ = notice_graphs(again, first.source)
    before = store.triple_count()
    store.replace_graph(graph_iri, graph)
    assert store.triple_count() == before  # the same notice again: the shared graphs lost nothing
    agency = store.select(f"SELECT ?a WHERE {{ <{N60}> <{NKG}issuedBy> ?a . ?a a <{NKG}Agency> }}")
    assert agency and store.ask(f"ASK {{ <{N46}> <{NKG}inCorpus> true }}")


def test_a_deleted_notice_that_others_cite_becomes_a_stub() -> None:
    store = open_store("memory:")
    store.load_dataset(to_dataset(results()))
    assert not store.ask(f"ASK {{ <{N46}> <{NKG}inCorpus> false }}")
    layout.forget_notice(store, N46)
    # 南医保发〔2020〕60号 still implements it: it is known by citation now, with the titles 60号 cites it by.
    assert store.ask(f"ASK {{ <{N46}> a <{NKG}Notice> ; <{NKG}inCorpus> false ; <{NKG}docNo> \"桂医保发〔2020〕46号\" }}")
    assert not store.ask(f"ASK {{ <{N46}> <{NKG}inCorpus> true }}")
    # … and when it enters the corpus again, the stub goes.
    store.load_dataset(to_dataset(results()))
    assert not store.ask(f"ASK {{ <{N46}> <{NKG}inCorpus> false }}")
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{N46}> a <{NKG}Notice> }}") == 1
