"""A validation report as a stored graph: each result gets a stable IRI, so it dereferences like any other
resource, and a new report on some notices can replace exactly the results that concern them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import rdflib
from rdflib import RDF, SH, BNode, URIRef

from ..vocab import NKG
from .iris import base_of, dataset_graph_iri

_INVOLVES = (NKG.focusNotice, NKG.otherNotice)


def validation_graph_iri(base: str | None = None) -> str:
    return dataset_graph_iri("validation", base)


def result_iri(report: rdflib.Graph, result: BNode, base: str | None = None) -> URIRef:
    """`B validation/{16 hex}`: a digest of the result's rule, focus node, value and the node it is
    compared with, so the same finding keeps its IRI from one build to the next."""
    key = "|".join(str(report.value(result, p) or "") for p in
                   (SH.sourceShape, SH.sourceConstraintComponent, SH.focusNode, SH.resultPath, SH.value,
                    NKG.otherFocus))
    return URIRef(f"{base_of(base)}validation/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}")


def report_graph(report: rdflib.Graph, base: str | None = None,
                 previous: rdflib.Graph | None = None, notices: Iterable[str] | None = None) -> rdflib.Graph:
    """The report with IRIs for its results and for the report itself (`B graph/validation/report`).

    With `previous` (the stored report) and `notices` (those just validated), keep the previous results that
    concern none of those notices, so an incremental build leaves the report whole."""
    renamed = {node: result_iri(report, node, base) for node in report.subjects(RDF.type, SH.ValidationResult)
               if isinstance(node, BNode)}
    out = rdflib.Graph()
    for prefix, namespace in report.namespaces():
        out.bind(prefix, namespace)
    for s, p, o in report:
        out.add((renamed.get(s, s), p, renamed.get(o, o)))
    head = URIRef(validation_graph_iri(base) + "/report")
    for old in list(out.subjects(RDF.type, SH.ValidationReport)):
        for p, o in list(out.predicate_objects(old)):
            out.remove((old, p, o))
            out.add((head, p, o))
    if previous is not None and notices is not None:
        touched = {URIRef(n) for n in notices}
        for result in previous.subjects(RDF.type, SH.ValidationResult):
            if not any(previous.value(result, p) in touched for p in _INVOLVES):
                copy_result(previous, result, out)
                out.add((head, SH.result, result))
        conforms = not any(out.subjects(RDF.type, SH.ValidationResult))
        out.set((head, SH.conforms, rdflib.Literal(conforms)))
    return out


def copy_result(source: rdflib.Graph, node, target: rdflib.Graph) -> None:  # noqa: ANN001
    """A result node with everything that hangs from it through blank nodes (paths, lists)."""
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, BNode):
            copy_result(source, o, target)
