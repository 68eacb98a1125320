"""The rules across notices on their small engines (graph/across.py) find what the same rules find on the
whole store, on a synthetic national corpus with chains and planted findings: the neighbourhood misses no
partner, whole-graph (in groups) and incremental (on either side) alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from bench.synth import generate
from graph import across
from graph.parse import parse_paths
from graph.rules import content_rules
from graph.store import Store, open_store
from graph.to_rdf import to_dataset
from graph.validate import validate

CROSS = [r for r in content_rules() if "otherNotice" in r.variables]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("synth")
    generate(60, out, seed=8)  # a seed whose 60 notices hold findings of both rules across notices
    store = open_store("memory:")
    store.load_dataset(to_dataset(parse_paths(sorted(Path(out).glob("*.txt")))))
    return store


def _on_the_store(store: Store) -> set[tuple[str, str, str, str]]:
    """Each rule's own SELECT on the whole store: the reference the small engines must match."""
    return {(rule.iri, str(row["this"]), str(row.get("value")), str(row["otherNotice"]))
            for rule in CROSS for row in store.select(rule.query())}


def test_the_corpus_has_findings_across_notices(store: Store) -> None:
    rules = {rule for rule, *_ in _on_the_store(store)}
    assert {r for r in rules if r.endswith(("below-floor", "agrees-with-followed"))}, rules


def test_whole_graph_in_groups_finds_what_the_store_finds(store: Store) -> None:
    found = {(f.rule, f.focus, str(f.value), f.other.notice) for f in validate(store, structure=False).results
             if f.rule in {r.iri for r in CROSS}}
    assert found == _on_the_store(store)


def test_incremental_run_finds_every_finding_a_notice_takes_part_in(store: Store) -> None:
    reference = _on_the_store(store)
    focus_notice = {str(r["f"]): str(r["n"]) for r in store.select(
        "SELECT ?f ?n WHERE { ?f <https://noticekg.org/def/statedIn> ?n }")}
    notices = sorted({focus_notice[focus] for _, focus, _, _ in reference} | {o for *_, o in reference})
    assert len(notices) >= 3
    for notice in notices:
        found = {(f.rule, f.focus, str(f.value), f.other.notice)
                 for f in validate(store, notices=[notice], structure=False).results if f.rule in {r.iri for r in CROSS}}
        assert found == {x for x in reference if notice in (focus_notice[x[1]], x[3])}, notice


def test_groups_hold_every_notice_with_figures_once(store: Store) -> None:
    grouped = [n for g in across.groups(store) for n in g]
    stating = {str(r["n"]) for r in store.select("SELECT DISTINCT ?n WHERE { ?f <https://noticekg.org/def/statedIn> ?n }")}
    assert sorted(grouped) == sorted(stating)


def _keys(result: object) -> set[tuple[str, str, str, str | None]]:
    return {(f.rule, f.focus, str(f.value), f.other.node if f.other else None) for f in result.results}  # type: ignore[attr-defined]


def test_a_build_validates_many_notices_group_by_group_as_at_once(store: Store,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """graph.build validates what it loaded group by group (no small engine of a thousand notices): the same
    findings, each once, as one run over all of them; all the store's notices take the whole-graph path."""
    from graph import build

    graphs = sorted(str(r["g"]) for r in store.select(build._CORPUS_GRAPHS))
    some = graphs[: len(graphs) * 2 // 3]
    at_once = validate(store, notices=some)
    monkeypatch.setattr(across, "GROUP", 5)
    grouped = build._validate_built(store, some)
    assert _keys(grouped) == _keys(at_once) and len(grouped.results) == len(_keys(grouped))
    assert {r.rule_name for r in at_once.results} & {"below-floor", "agrees-with-followed"}
    (head,) = grouped.report.subjects(rdflib.RDF.type, rdflib.SH.ValidationReport)
    assert len(list(grouped.report.objects(head, rdflib.SH.result))) == len(grouped.results)
    assert _keys(build._validate_built(store, graphs)) == _keys(validate(store))
