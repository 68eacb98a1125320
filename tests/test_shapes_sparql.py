"""The structure shapes compiled to SPARQL (`graph.shapes_sparql`) against pyshacl, the reference: the same
results (source shape, focus node, value, constraint component) on every example of ontology/examples, on
the corpus, whole and damaged, and on a tiny graph per construct, where each check must fire on the bad data
and stay silent on the good; an incremental run sees the nodes of its graphs only; unknown constructs and
text that could break out of a term are refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

import pyshacl
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from graph.rules import RULE, content_rules, core_shapes
from graph.shapes_run import find_violations
from graph.shapes_sparql import compile_shapes, structure_checks
from graph.sparql import QueryRefused
from graph.store import open_store
from graph.validate import validate
from tests.test_validate_examples import INVALID, VALID, load

Key = tuple[str, str, str, str]  # source shape, focus node, value ("None" when none), constraint component
NKG = rdflib.Namespace("https://noticekg.org/def/")
EX = rdflib.Namespace("http://example.org/")
RANGES = {SH.MinInclusiveConstraintComponent, SH.MaxInclusiveConstraintComponent,
          SH.MinExclusiveConstraintComponent, SH.MaxExclusiveConstraintComponent}
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


def plain(data: rdflib.Graph) -> rdflib.Graph:
    """The data as rdflib reads Turtle: "x"^^xsd:string and "x" are one term in RDF 1.1, but not to rdflib,
    so pyshacl's sh:hasValue "%" would miss a unit read back from Oxigraph (which writes the datatype)."""
    out = rdflib.Graph()
    for s, p, o in data:
        out.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return out


def union_of(data: rdflib.Graph) -> rdflib.Graph:
    if not isinstance(data, rdflib.Dataset):
        return plain(data)
    whole = rdflib.Graph()
    for graph in data.graphs():
        whole += graph
    return plain(whole)


def _value(term: Node | None) -> str:
    """One spelling per value: Oxigraph writes 1.50 as 1.5 and 01 as 1, rdflib keeps what it read."""
    if isinstance(term, Literal) and term.datatype in NUMERIC:
        try:
            return format(Decimal(str(term)).normalize(), "f")
        except InvalidOperation:
            return str(term)
    return str(term)


def by_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph) -> dict[Key, Node | None]:
    _, report, _ = pyshacl.validate(union_of(data), shacl_graph=shapes, inference="none", advanced=True)
    return {(str(report.value(r, SH.sourceShape)), str(report.value(r, SH.focusNode)),
             _value(report.value(r, SH.value)), str(report.value(r, SH.sourceConstraintComponent))):
            report.value(r, SH.value) for r in report.objects(None, SH.result)}  # not the sh:detail of one


def by_sparql(data: rdflib.Graph, shapes: rdflib.Graph | None = None, graphs: Iterable[str] | None = None
              ) -> dict[Key, Node | None]:
    store = open_store("memory:")
    if isinstance(data, rdflib.Dataset):
        store.load_dataset(data)
    else:
        store.replace_graph("urn:test:data", data)
    checks = structure_checks() if shapes is None else compile_shapes(shapes)
    return {(str(c.shape), str(row["focus"]), _value(row.get("value")), str(c.component)): row.get("value")
            for c, row in find_violations(store, None if graphs is None else list(graphs), checks)}


def by_validate(data: rdflib.Graph) -> set[Key]:
    """What `validate` reports of the core shapes, read from its report graph."""
    report = validate(data).report
    core = {str(s) for s in core_shapes().subjects(RDF.type, None)}
    return {(str(report.value(r, SH.sourceShape)), str(report.value(r, SH.focusNode)),
             _value(report.value(r, SH.value)), str(report.value(r, SH.sourceConstraintComponent)))
            for r in report.subjects(RDF.type, SH.ValidationResult) if str(report.value(r, SH.sourceShape)) in core}


def incomparable(value: Node | None, shapes: rdflib.Graph, key: Key) -> bool:
    """A value SPARQL cannot compare with the range's bound (a gYear against an integer). SHACL defines
    sh:maxInclusive by the SPARQL comparison, so that is a violation; pyshacl orders such a value below any
    bound (rdflib's ordering) and reports it for sh:minInclusive only."""
    bounds = [o for p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)
              for o in shapes.objects(URIRef(key[0]), p)]
    return (isinstance(value, Literal) and value.datatype not in NUMERIC
            and all(isinstance(b, Literal) and b.datatype in NUMERIC for b in bounds))


def assert_agree(reference: dict[Key, Node | None], compiled: dict[Key, Node | None],
                 shapes: rdflib.Graph) -> None:
    assert set(reference) - set(compiled) == set()
    extra = set(compiled) - set(reference)
    assert all(URIRef(k[3]) in RANGES and incomparable(compiled[k], shapes, k) for k in extra), extra


# -- the examples and the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_pyshacl_and_the_compiled_shapes_agree_on_the_example(path) -> None:  # noqa: ANN001
    data = load(path)
    reference, compiled = by_pyshacl(data, core_shapes()), by_sparql(data)
    assert_agree(reference, compiled, core_shapes())
    assert by_validate(data) == set(compiled)  # validate reports each, through its report graph
    rule = path.stem.split("--")[0]
    if path in INVALID and rule not in {r.name for r in content_rules()}:
        assert {k[0] for k in compiled} == {str(RULE[rule])}  # the shape the file is named for, and only it


def test_the_one_known_difference_is_where_the_examples_put_it() -> None:
    """figure-year.ttl's year "2024"^^xsd:gYear: SHACL says it is neither ≥ 1949 nor ≤ 2100."""
    (path,) = [p for p in INVALID if p.name == "figure-year.ttl"]
    extra = set(by_sparql(load(path))) - set(by_pyshacl(load(path), core_shapes()))
    assert {(k[2], k[3]) for k in extra} == {("2024", str(SH.MaxInclusiveConstraintComponent))}


def _damaged(dataset: rdflib.Dataset, damage: Callable[[rdflib.Graph], None]) -> rdflib.Dataset:
    out = rdflib.Dataset()
    for graph in dataset.graphs():
        copy = out.graph(graph.identifier)
        copy += graph
        if "/notice/" in str(graph.identifier):
            damage(copy)
    return out


def _drop_units(g: rdflib.Graph) -> None:
    g.remove((None, NKG.unit, None))


def _years_as_text(g: rdflib.Graph) -> None:
    for s, o in list(g.subject_objects(NKG.year)):
        g.set((s, NKG.year, Literal(str(o))))


def _second_docno_and_late_signing(g: rdflib.Graph) -> None:
    for s, o in list(g.subject_objects(NKG.docNo)):
        g.add((s, NKG.docNo, Literal(str(o) + "x")))
    for s in list(g.subjects(NKG.datePrinted, None)):
        g.set((s, NKG.dateSigned, Literal("2099-01-01", datatype=XSD.date)))


@pytest.mark.parametrize("damage", [None, _drop_units, _years_as_text, _second_docno_and_late_signing],
                         ids=["as-is", "no-units", "years-as-text", "docno-and-dates"])
def test_pyshacl_and_the_compiled_shapes_agree_on_the_corpus(corpus_results, damage) -> None:  # noqa: ANN001
    from graph.to_rdf import to_dataset

    dataset = to_dataset(corpus_results)
    if damage is not None:
        dataset = _damaged(dataset, damage)
    reference, compiled = by_pyshacl(dataset, core_shapes()), by_sparql(dataset)
    assert_agree(reference, compiled, core_shapes())
    assert bool(compiled) == (damage is not None)  # the corpus conforms; each damage is found
    if damage is not None:
        assert by_validate(dataset) == set(compiled)


# -- one tiny graph per construct ------------------------------------------------------------------------------

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/> .
"""
# name: (the shapes, data on which it must fire, the focus nodes it fires on, data on which it must not)
CASES = {
    "targetClass-subclass-minCount": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 1 .",
        "ex:D rdfs:subClassOf ex:C . ex:a a ex:D . ex:b a ex:C ; ex:p 1 .", {"a"},
        "ex:D rdfs:subClassOf ex:C . ex:a a ex:D ; ex:p 1 ."),
    "targetSubjectsOf-maxCount": (
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:q ; sh:property ex:P . ex:P sh:path ex:p ; sh:maxCount 1 .",
        "ex:a ex:q 0 ; ex:p 1 , 2 . ex:b ex:q 0 ; ex:p 1 .", {"a"}, "ex:a ex:q 0 ; ex:p 1 ."),
    "targetObjectsOf-nodeKind": (
        "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:q ; sh:nodeKind sh:IRI .",
        'ex:a ex:q "text" , ex:b .', {"text"}, "ex:a ex:q ex:b ."),
    "targetNode-hasValue": (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:hasValue true .",
        "ex:a ex:p false .", {"a"}, "ex:a ex:p true , false ."),
    "alternativePath-datatype": (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path [ sh:alternativePath ( ex:p ex:q ) ] ;"
        " sh:datatype xsd:date .",
        'ex:a ex:p "2020-01-01"^^xsd:date ; ex:q "2020-02-30"^^xsd:date , "2020-01-01" .', {"a"},
        'ex:a ex:p "2020-01-01"^^xsd:date ; ex:q "2021-12-31"^^xsd:date .'),
    "sequence-inverse-class": (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ( [ sh:inversePath ex:p ] ex:q ) ;"
        " sh:class ex:C .",
        "ex:b ex:p ex:a ; ex:q ex:c . ex:d ex:p ex:a ; ex:q ex:e . ex:e a ex:C .", {"a"},
        "ex:b ex:p ex:a ; ex:q ex:c . ex:c a ex:C ."),
    "oneOrMore-zeroOrMore-pattern-flags": (
        'ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ( [ sh:oneOrMorePath ex:p ] '
        '[ sh:zeroOrMorePath ex:q ] ) ; sh:pattern "^X[0-9]+$" ; sh:flags "i" .',
        'ex:a ex:p ex:b . ex:b ex:p "x12" , "y" .', {"a"}, 'ex:a ex:p "x1" . ex:c ex:q "y" .'),
    "pattern-escapes": (
        'ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:pattern "^a\\"b\\\\d$" .',
        'ex:a ex:p "a\\"bx" .', {"a"}, 'ex:a ex:p "a\\"b7" .'),
    "in-langString-lengths": (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:in ( \"x\"@zh \"yy\"@zh ex:c ) ;"
        " sh:datatype rdf:langString ; sh:minLength 2 ; sh:maxLength 2 .",
        'ex:a ex:p "x"@zh , "z"@zh .', {"a"}, 'ex:a ex:p "yy"@zh .'),
    "ranges": (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:minExclusive 0 ; sh:maxExclusive 10 ;"
        " sh:minInclusive 1 ; sh:maxInclusive 9 .",
        'ex:a ex:p 0 , 10 , 5 , "5" .', {"a"}, "ex:a ex:p 1 , 9 , 5.5 ."),
    "lessThan-lessThanOrEquals": (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a , ex:b ; sh:path ex:start ; sh:lessThan ex:end . "
        "ex:T a sh:PropertyShape ; sh:targetNode ex:a , ex:b ; sh:path ex:start ; sh:lessThanOrEquals ex:end .",
        "ex:a ex:start 3 ; ex:end 3 . ex:b ex:start 4 ; ex:end 3 .", {"a", "b"},
        "ex:a ex:start 2 ; ex:end 3 . ex:b ex:end 3 ."),
    "or-not-hasValue": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:not [ sh:path ex:flag ; sh:hasValue true ] ]"
        " [ sh:path ex:p ; sh:minCount 1 ] ) .",
        "ex:a a ex:C ; ex:flag true . ex:b a ex:C .", {"a"}, "ex:a a ex:C ; ex:flag true ; ex:p 1 . ex:b a ex:C ."),
    "xone-and": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( [ sh:path ex:p ; sh:minCount 1 ]"
        " [ sh:and ( [ sh:path ex:q ; sh:minCount 1 ] [ sh:path ex:r ; sh:minCount 1 ] ) ] ) .",
        "ex:a a ex:C ; ex:p 1 ; ex:q 1 ; ex:r 1 . ex:b a ex:C ; ex:q 1 . ex:c a ex:C ; ex:p 1 .", {"a", "b"},
        "ex:a a ex:C ; ex:q 1 ; ex:r 1 . ex:c a ex:C ; ex:p 1 ; ex:q 1 ."),
    # Asked of the whole graph with no focus bound (shapes_sparql.Open): a node outside the target (ex:z) with
    # the same bad values is no focus node, and a zero-length path (its ends unbound) is never asked that way.
    "open-forms-keep-to-the-target": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P , ex:Q . ex:P sh:path ex:p ; sh:minCount 1 ;"
        " sh:maxCount 1 ; sh:datatype xsd:integer . ex:Q sh:path [ sh:inversePath ex:q ] ; sh:hasValue ex:h .",
        'ex:a a ex:C ; ex:p 1 , 2 . ex:h ex:q ex:a . ex:b a ex:C ; ex:p "1" . ex:z ex:p "x" , "y" . ex:h ex:q ex:z .',
        {"a", "b"}, 'ex:a a ex:C ; ex:p 1 . ex:h ex:q ex:a . ex:z ex:p "x" , "y" .'),
    "zeroOrMore-alone-class": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path [ sh:zeroOrMorePath ex:p ] ; sh:class ex:C .",
        "ex:a a ex:C ; ex:p ex:b . ex:z ex:p ex:y .", {"a"}, "ex:a a ex:C ; ex:p ex:b . ex:b a ex:C . ex:z ex:p ex:y ."),
    "node-deactivated": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:node ex:N . "
        "ex:N a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] . "
        "ex:Off a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property [ sh:path ex:z ; sh:minCount 1 ] .",
        "ex:a a ex:C ; ex:p ex:b . ex:b ex:z 1 .", {"a"}, "ex:a a ex:C ; ex:p ex:b . ex:b ex:q 1 ."),
}


def _graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
                                + text, format="turtle")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_construct_fires_on_bad_data_only(name: str) -> None:
    shapes_text, bad, focus, good = CASES[name]
    shapes = _graph(shapes_text)
    found = by_sparql(_graph(bad), shapes)
    assert {k[1].rsplit("/", 1)[-1] for k in found} == focus
    assert_agree(by_pyshacl(_graph(bad), shapes), found, shapes)
    assert by_sparql(_graph(good), shapes) == {} == by_pyshacl(_graph(good), shapes)


def test_the_open_form_is_compiled_where_the_path_binds_both_ends_only() -> None:
    opened = {str(c.component).rsplit("#", 1)[-1]: c.open for c in compile_shapes(_graph(CASES["open-forms-keep-to-the-target"][0]))}
    assert set(opened) == {"MinCountConstraintComponent", "MaxCountConstraintComponent", "DatatypeConstraintComponent",
                           "HasValueConstraintComponent"}
    assert all(o is not None for o in opened.values())
    assert opened["MaxCountConstraintComponent"].rows and not opened["MinCountConstraintComponent"].rows
    assert [c.open for c in compile_shapes(_graph(CASES["zeroOrMore-alone-class"][0]))] == [None]
    assert all(c.open is not None for c in structure_checks() if c.path is not None and "*" not in c.violation)


def test_severity_message_and_path_reach_the_report() -> None:
    (check,) = [c for c in structure_checks() if c.shape == RULE["source-text"]]
    assert check.component == SH.MinCountConstraintComponent and check.severity == SH.Violation
    assert {m.language for m in check.messages} == {"zh", "en"}
    assert [p for _, p, _ in check.path_triples][:1] == [SH.alternativePath]  # the path's list goes with it
    warned = compile_shapes(_graph("ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; "
                                   'sh:minCount 1 ; sh:severity sh:Warning ; sh:message "m"@en .'))
    assert [(c.severity, [str(m) for m in c.messages]) for c in warned] == [(SH.Warning, ["m"])]


def test_an_incremental_run_checks_the_nodes_of_its_graphs_only() -> None:
    data = rdflib.Dataset()
    data.graph(URIRef("urn:g:1")).parse(data=PREFIXES + "ex:a a ex:C .", format="turtle")
    data.graph(URIRef("urn:g:2")).parse(data=PREFIXES + "ex:b a ex:C . ex:x ex:link ex:a .", format="turtle")
    shapes = _graph("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 1 .")
    focus = lambda graphs: {k[1] for k in by_sparql(data, shapes, graphs)}  # noqa: E731
    assert focus(None) == {str(EX.a), str(EX.b)}
    assert focus(["urn:g:1"]) == {str(EX.a)}
    assert focus(["urn:g:2"]) == {str(EX.a), str(EX.b)}  # ex:a is a node of urn:g:2 too (an object there)
    assert focus([]) == set()
    store = open_store("memory:")
    store.load_dataset(data)
    for graphs in (["urn:g:1"], ["urn:g:2"], ["urn:g:1", "urn:g:2"]):  # the whole graph's rows, kept: the same
        named = {(c.shape, row["focus"]) for c, row in find_violations(store, graphs, compile_shapes(shapes))}
        kept = {(c.shape, row["focus"]) for c, row in find_violations(store, graphs, compile_shapes(shapes), True)}
        assert named == kept and named


def test_unknown_constructs_and_bad_iris_are_refused() -> None:
    with pytest.raises(ValueError, match="closed"):
        compile_shapes(_graph("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:closed true ."))
    with pytest.raises(ValueError, match="blank node"):
        compile_shapes(_graph("ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:hasValue [] ."))
    with pytest.raises(ValueError, match="needs an IRI"):  # it would be a result's sh:sourceShape
        compile_shapes(_graph("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."))
    shapes = _graph("ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p .")
    shapes.add((EX.S, SH["class"], URIRef("http://x/C> } } ; DROP ALL ; SELECT * { <x")))
    with pytest.raises(QueryRefused):  # never into the query text
        compile_shapes(shapes)
