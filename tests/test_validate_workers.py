"""The whole graph's validation shared among worker processes (graph/validate_workers.py) finds exactly what
one process finds: the same findings with the same evidence, the same report, on a synthetic national
corpus with chains and planted findings in a store on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from bench.synth import generate
from graph import validate_workers
from graph.parse import parse_paths
from graph.store import Store, open_store
from graph.to_rdf import to_dataset
from graph.validate import ValidationResult, validate


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("synth")
    generate(60, out, seed=8)  # 60 notices with findings of both kinds, within and across notices
    store = open_store(f"oxigraph:{tmp_path_factory.mktemp('store')}")
    store.load_dataset(to_dataset(parse_paths(sorted(Path(out).glob("*.txt")))))
    return store


def _results(result: ValidationResult) -> set[tuple[str, ...]]:
    """Each result of the report graph, blank nodes aside: every property it has, with its values."""
    report = result.report
    return {tuple(sorted(f"{p} {o}" for p, o in report.predicate_objects(node) if not isinstance(o, rdflib.BNode)))
            for node in report.subjects(rdflib.RDF.type, SH.ValidationResult)}


def test_two_workers_find_what_one_process_finds(store: Store) -> None:
    one = validate(store)
    two = validate(store, workers=2)
    assert "workers (wall)" in two.timings and "workers (wall)" not in one.timings  # it did run in workers
    assert {f.rule_name for f in one.results} >= {"below-floor", "row-adds-up"}  # within and across
    assert two.results == one.results  # the same findings, evidence and order
    assert two.conforms == one.conforms
    assert _results(two) == _results(one)


def test_a_read_only_store_and_the_content_rules_alone(store: Store) -> None:
    url = store.url + "?ro"
    reader = open_store(url)
    assert validate_workers.disk_path(reader) == validate_workers.disk_path(store)
    assert validate(reader, structure=False, workers=2).results == validate(store, structure=False).results


def test_a_store_in_memory_is_validated_in_this_process() -> None:
    memory = open_store("memory:")
    assert validate_workers.disk_path(memory) is None
    assert "workers (wall)" not in validate(memory, workers=2).timings


def test_a_build_of_the_whole_store_validates_in_workers_once_it_is_large(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from graph import build

    graphs = sorted(str(r["g"]) for r in store.select(build._CORPUS_GRAPHS))
    assert "workers (wall)" not in build._validate_built(store, graphs, workers=2).timings  # 60 notices: small
    monkeypatch.setattr(build, "_PARALLEL_FROM", 10)
    pooled = build._validate_built(store, graphs, workers=2)
    assert "workers (wall)" in pooled.timings
    assert pooled.results == validate(store).results


def test_workers_that_cannot_read_the_store_leave_the_validation_to_this_process(store: Store,
                                                                                tmp_path: Path) -> None:
    with pytest.warns(RuntimeWarning, match="validation workers failed"):
        assert validate_workers.run(store, str(tmp_path / "no-store"), 2, []) is None
