"""Whole-graph exports (graph/export.py): every format reads back to the store's content, named graphs kept
where the format can, JSON-LD compacted with the published context and readable in ELI / schema.org terms,
and the figures table."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from test_to_rdf_fixture import results

from graph.errors import InputError
from graph.export import FORMATS, align, export, figure_rows, figures_csv
from graph.store import Store, open_store, to_rdflib
from graph.to_rdf import DEFAULT_BASE, to_dataset
from graph.vocab import ELI, NKG, QB, RDF, SCHEMA

N60 = DEFAULT_BASE + "notice/nan2-yi1-bao3-fa1/2020/60"
N46 = DEFAULT_BASE + "notice/gui4-yi1-bao3-fa1/2020/46"


@pytest.fixture(scope="module")
def store() -> Store:
    store = open_store("memory:")
    store.load_dataset(to_dataset(results()))
    return store


def quads(data: bytes, fmt: ox.RdfFormat) -> set:
    return set(ox.parse(data, fmt))


def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """As rdflib writes it: a plain string literal carries no datatype."""
    node = to_rdflib(t)
    if isinstance(node, Literal) and node.datatype == rdflib.XSD.string:
        return Literal(str(node))
    return node


def test_registry_names_media_types_and_extensions() -> None:
    assert set(FORMATS) == {"trig", "nq", "ttl", "nt", "jsonld", "rdfxml"}
    assert FORMATS["trig"].media_type == "application/trig" and FORMATS["jsonld"].extension == ".jsonld"
    assert {f.name for f in FORMATS.values() if f.keeps_graphs} == {"trig", "nq", "jsonld"}


@pytest.mark.parametrize("name", ["trig", "nq"])
def test_dataset_formats_keep_every_named_graph(store: Store, name: str) -> None:
    fmt = ox.RdfFormat.TRIG if name == "trig" else ox.RdfFormat.N_QUADS
    back = quads(export(store, name), fmt)
    original = quads(store.dump("nq"), ox.RdfFormat.N_QUADS)
    named = {q for q in original if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert named <= back and len(back) == len(original) == store.triple_count()
    assert {q.graph_name.value for q in back if isinstance(q.graph_name, ox.NamedNode)} == set(store.graph_iris())


def test_trig_is_written_with_our_prefixes(store: Store) -> None:
    head = export(store, "trig").decode("utf-8")[:2000]  # decode first: a byte cut can split a character
    assert "@prefix nkg: <https://noticekg.org/def/>" in head


@pytest.mark.parametrize("name,fmt", [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                                      ("rdfxml", ox.RdfFormat.RDF_XML)])
def test_triple_formats_hold_the_union(store: Store, name: str, fmt: ox.RdfFormat) -> None:
    union = {(q.subject, q.predicate, q.object) for q in quads(store.dump("nq"), ox.RdfFormat.N_QUADS)}
    back = {(t.subject, t.predicate, t.object) for t in ox.parse(export(store, name), fmt)}
    # Blank nodes (the vocabulary's OWL lists) get fresh labels on the way back; compare the named ones.
    named = {t for t in union if not any(isinstance(x, ox.BlankNode) for x in t)}
    assert named <= back and len(back) == len(union)


def test_jsonld_is_compacted_with_the_published_context(store: Store) -> None:
    document = json.loads(export(store, "jsonld"))
    assert document["@context"]["docNo"] == "nkg:docNo"
    text = json.dumps(document, ensure_ascii=False)
    assert '"docNo": "南医保发〔2020〕60号"' in text
    assert '"amount": "82.5"' in text  # a decimal stays an exact string, never a JSON float


def test_jsonld_reads_back_with_eli_and_schema_terms(store: Store) -> None:
    # Read back by another engine (Oxigraph's JSON-LD parser), with nothing but the document itself.
    back = rdflib.Graph()
    graphs: dict[str, set] = {}
    for q in ox.parse(export(store, "jsonld"), ox.RdfFormat.JSON_LD):
        triple = (term(q.subject), term(q.predicate), term(q.object))
        back.add(triple)
        graphs.setdefault(getattr(q.graph_name, "value", ""), set()).add(triple)
    notice = URIRef(N60)
    assert (notice, RDF.type, ELI.LegalResource) in back
    assert (notice, RDF.type, SCHEMA.Legislation) in back
    assert (notice, ELI.id_local, Literal("南医保发〔2020〕60号")) in back
    assert (notice, SCHEMA.legislationIdentifier, Literal("南医保发〔2020〕60号")) in back
    assert (notice, ELI.ensures_implementation_of, URIRef(N46)) in back
    assert (notice, ELI.has_annex, URIRef(N46)) in back
    assert (URIRef(N46), ELI.date_document, Literal("2020-07-09", datatype=rdflib.XSD.date)) in back
    assert (URIRef(N60 + "/s/3/1/f/3"), RDF.type, QB.Observation) in back
    assert (URIRef(N60 + "/s/3/1/f/3"), NKG.amount, Literal("82.5", datatype=rdflib.XSD.decimal)) in back
    # Nothing of ours is lost: every named graph of the store comes back with all its triples.
    for q in ox.parse(store.dump("nq"), ox.RdfFormat.N_QUADS):
        if "vocabulary" not in q.graph_name.value:  # (its OWL lists are blank nodes, relabelled)
            triple = (term(q.subject), term(q.predicate), term(q.object))
            assert triple in graphs[q.graph_name.value], triple


def test_align_adds_only_anchor_terms() -> None:
    g = rdflib.Graph()
    g.add((URIRef(N60), RDF.type, NKG.Notice))
    g.add((URIRef(N60), NKG.forwards, URIRef(N46)))
    align(g)
    assert set(g.objects(URIRef(N60), RDF.type)) == {NKG.Notice, ELI.LegalResource, SCHEMA.Legislation}
    assert set(g.predicates(URIRef(N60), URIRef(N46))) == {NKG.forwards, ELI.ensures_implementation_of}


def test_figures_csv_has_one_row_per_figure(store: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(figures_csv(store))))
    expected = sum(len(n.figures) for r in results() for n in r.notices)
    assert len(rows) == expected == len(figure_rows(store))
    by_quote = {r["quote"]: r for r in rows}
    row = by_quote["自治区财政对贫困县（区）补助82.5元/人·年"]
    assert row == {
        "docno": "南医保发〔2020〕60号", "section": "3.1", "kind": "provincial-subsidy", "value": "82.5",
        "unit": "元/人·年", "qualifier": "exact", "year": "2020", "year_type": "fiscal", "region_code": "450100",
        "region_name": "南宁市", "scope": "贫困县（区）", "quote": "自治区财政对贫困县（区）补助82.5元/人·年",
        "figure": N60 + "/s/3/1/f/3"}
    assert by_quote["2020 年 9 月 1 日至 12 月 31 日"]["value"] == "2020-09-01/2020-12-31"
    assert by_quote["按1:1分担"]["value"] == "1:1"
    assert by_quote["每人不低于 280 元"]["qualifier"] == "at-least"
    assert [r["docno"] for r in rows] == sorted(r["docno"] for r in rows)


def test_unknown_format_is_an_input_error(store: Store) -> None:
    with pytest.raises(InputError):
        export(store, "xlsx")
