"""The example graphs of ontology/examples drive the shapes' tests: every valid one conforms, every invalid
one fails with exactly the rule its file name names (the part before `--`) and with nothing else, every rule
has an invalid example, and pyshacl running content.ttl itself finds what the fast path finds."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from graph.rules import RULE, content_rules, content_shapes, core_shapes, is_rule
from graph.store import to_rdflib
from graph.validate import format_text, validate

EXAMPLES = Path(__file__).resolve().parents[1] / "ontology" / "examples"
VALID = sorted((EXAMPLES / "valid").glob("*.t*"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.t*"))


def quads(path: Path) -> list[tuple[str, tuple[Node, Node, Node]]]:
    """(graph name, triple) of a .trig or .ttl file, read by Oxigraph (rdflib's TriG reader warns, deprecated)."""
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
    return [(str(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else "",
             (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
            for q in ox.parse(path=str(path), format=fmt)]


def load(path: Path) -> rdflib.Graph:
    """A .trig file as a dataset of named graphs (as `to_dataset` makes), a .ttl file as one graph."""
    if path.suffix != ".trig":
        return rdflib.Graph().parse(path, format="turtle")
    dataset = rdflib.Dataset()
    for name, triple in quads(path):
        dataset.graph(URIRef(name)).add(triple)
    return dataset


def union(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for _, triple in quads(path):
        graph.add(triple)
    return graph


def rule_of(path: Path) -> str:
    return path.stem.split("--")[0]


def test_there_are_examples() -> None:
    assert len(VALID) >= 3 and len(INVALID) >= 40


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_conforms(path: Path) -> None:
    result = validate(load(path))
    assert result.conforms, format_text(result)
    assert (None, SH.conforms, rdflib.Literal(True)) in result.report


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_with_its_rule_only(path: Path) -> None:
    result = validate(load(path))
    assert not result.conforms
    assert {f.rule_name for f in result.results} == {rule_of(path)}, format_text(result)
    # The report graph says the same: one sh:ValidationReport, each result naming the rule as its source shape.
    (report,) = result.report.subjects(RDF.type, SH.ValidationReport)
    assert result.report.value(report, SH.conforms) == rdflib.Literal(False)
    results = list(result.report.objects(report, SH.result))
    assert len(results) == len(result.results)
    assert {result.report.value(r, SH.sourceShape) for r in results} == {RULE[rule_of(path)]}
    for finding in result.results:
        assert finding.message_zh and finding.message_en and finding.message_zh != finding.message_en


def _rules_in(shapes: rdflib.Graph) -> set[str]:
    """Every shape of a shapes file that reports: those named under rule:."""
    shape_types = {SH.NodeShape, SH.PropertyShape}
    return {str(s).rsplit("/", 1)[-1] for t in shape_types for s in shapes.subjects(RDF.type, t) if is_rule(str(s))}


def test_every_rule_has_an_invalid_example_and_every_example_a_rule() -> None:
    rules = _rules_in(core_shapes()) | _rules_in(content_shapes())
    assert {r.name for r in content_rules()} <= rules
    assert {rule_of(p) for p in INVALID} == rules


@pytest.mark.parametrize("shapes", [core_shapes, content_shapes], ids=["core", "content"])
def test_every_rule_speaks_chinese_and_english(shapes: Any) -> None:
    graph = shapes()
    for name in _rules_in(graph):
        rule = RULE[name]
        holders = [rule, *graph.objects(rule, SH.sparql)]
        languages = {m.language for h in holders for m in graph.objects(h, SH.message)}
        assert {"zh", "en"} <= languages, name


# -- the same constraint text under pyshacl ----------------------------------------------------------------------


_PARSED: dict[Any, Any] = {}  # across the tests of this module: the texts are the same


@pytest.fixture
def parse_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib parses a query's text every time it runs it, and pyshacl runs each SPARQL constraint once per
    focus node: parse each text once. The query, its bindings and the engine stay rdflib's and pyshacl's."""
    run = processor.SPARQLProcessor.query
    parsed = _PARSED

    def query(self: Any, text: Any, initBindings: Any = None, initNs: Any = None,  # noqa: N803
              base: Any = None, DEBUG: bool = False) -> Any:  # noqa: N803
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in parsed:
                parsed[key] = translateQuery(parseQuery(text), base, initNs)
            text = parsed[key]
        return run(self, text, initBindings, initNs, base, DEBUG)

    monkeypatch.setattr(processor.SPARQLProcessor, "query", query)


def _number(text: str) -> str:
    """One spelling per decimal: rdflib's arithmetic keeps trailing zeros (552.0, -1.00), Oxigraph's does not."""
    return re.sub(r"-?\d+\.\d+", lambda m: format(Decimal(m.group(0)).normalize(), "f"), text)


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_pyshacl_and_the_fast_path_agree(path: Path, parse_once: None) -> None:
    data = union(path)
    _, report, _ = pyshacl.validate(data, shacl_graph=content_shapes(), inference="none", advanced=True)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    by_pyshacl = {(str(report.value(r, SH.sourceShape)), str(report.value(r, SH.focusNode)),
                   _number(str(report.value(r, SH.value)))) for r in results}
    content = {r.iri for r in content_rules()}
    fast = [f for f in validate(load(path)).results if f.rule in content]
    assert by_pyshacl == {(f.rule, f.focus, _number(str(f.value))) for f in fast}
    # The messages too: pyshacl fills in the same {?var} templates (it drops their language tags).
    assert ({_number(str(m)) for r in results for m in report.objects(r, SH.resultMessage)}
            == {_number(m) for f in fast for m in (f.message_zh, f.message_en)})
