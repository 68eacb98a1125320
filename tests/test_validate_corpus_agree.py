"""pyshacl, the reference implementation, and the fast path (`graph.validate`: the rules across notices on
their small engines, `graph/across.py`) find the same content findings on the whole corpus. In a file of its
own, being the suite's longest test: `make test` runs a file per worker, so it runs beside the examples'."""

from __future__ import annotations

from typing import Any

import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH
from test_validate_examples import _number, parse_once  # noqa: F401 - the fixture, asked for by name

from graph.rules import content_rules, content_shapes
from graph.validate import validate

RDF = rdflib.RDF


@pytest.mark.usefixtures("parse_once")
def test_pyshacl_and_the_fast_path_agree_on_the_corpus(corpus_results: Any) -> None:
    """The corpus too (its rules across notices on their small engines): pyshacl on the union of its graphs."""
    from graph.to_rdf import to_dataset

    dataset = to_dataset(corpus_results)
    data = rdflib.Graph()
    for graph in dataset.graphs():
        data += graph
    _, report, _ = pyshacl.validate(data, shacl_graph=content_shapes(), inference="none", advanced=True)
    by_pyshacl = {(str(report.value(r, SH.sourceShape)), str(report.value(r, SH.focusNode)),
                   _number(str(report.value(r, SH.value)))) for r in report.subjects(RDF.type, SH.ValidationResult)}
    content = {r.iri for r in content_rules()}
    fast = {(f.rule, f.focus, _number(str(f.value))) for f in validate(dataset).results if f.rule in content}
    assert by_pyshacl == fast and fast  # the corpus has its one finding (南昌 250 against 江西 280)
