"""The stored validation report: results get stable IRIs that dereference, and an incremental run replaces
only the results about the notices it checked."""

from __future__ import annotations

from rdflib import RDF, SH, URIRef

from graph.store import open_store
from graph.to_rdf import report_graph, to_dataset, validation_graph_iri
from graph.validate import validate
from server import create_app

NANCHANG = "https://noticekg.org/id/notice/hong2-yi1-bao3-fa1/2020/52"
OTHER = URIRef("https://noticekg.org/id/notice/gui4-yi1-bao3-fa1/2023/32")


def _results(graph) -> set:  # noqa: ANN001
    return set(graph.subjects(RDF.type, SH.ValidationResult))


def test_results_get_stable_iris_that_dereference(corpus_results) -> None:  # noqa: ANN001
    dataset = to_dataset(corpus_results)
    first = report_graph(validate(dataset).report)
    second = report_graph(validate(dataset).report)
    [result] = _results(first)  # the one real finding: 南昌 250 against 江西 280
    assert isinstance(result, URIRef) and str(result).startswith("https://noticekg.org/id/validation/")
    assert _results(second) == {result}
    assert first.value(result, URIRef("https://noticekg.org/def/focusNotice")) == URIRef(NANCHANG)

    store = open_store("memory:")
    store.load_dataset(dataset)
    store.replace_graph(validation_graph_iri(), first)
    client = create_app({"STORE": store, "TESTING": True}).test_client()
    response = client.get(str(result).replace("https://noticekg.org/id/", "/id/"), headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "250" in response.data.decode("utf-8")


def test_an_incremental_report_keeps_results_about_other_notices(corpus_results) -> None:  # noqa: ANN001
    dataset = to_dataset(corpus_results)
    previous = report_graph(validate(dataset).report)
    [kept] = _results(previous)
    # Re-validating a notice that takes no part in the finding leaves the finding in the stored report.
    fresh = validate(dataset, notices=[str(OTHER)])
    merged = report_graph(fresh.report, previous=previous, notices=[str(OTHER)])
    assert kept in _results(merged)
    # Re-validating 南昌 replaces the finding with the fresh one (the same IRI: the same rule and nodes).
    again = report_graph(validate(dataset, notices=[NANCHANG]).report, previous=previous, notices=[NANCHANG])
    assert _results(again) == {kept}
