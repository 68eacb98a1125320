"""The SKOS scheme of figure kinds (ontology/kinds.ttl) is complete and well formed, and covers every kind
the extractor can produce."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from graph.parse.figure_kinds import BENEFITS, CUES, KINDS, SHARE
from graph.parse.figure_payers import SHARE_BY_PAYER
from graph.records import ParseResult

KINDS_FILE = Path(__file__).resolve().parents[1] / "ontology" / "kinds.ttl"
SCHEME = URIRef("https://noticekg.org/def/kinds")
KIND = Namespace("https://noticekg.org/def/kind/")
NKG = Namespace("https://noticekg.org/def/")


@pytest.fixture(scope="module")
def scheme() -> Graph:
    return Graph().parse(KINDS_FILE)


def _slugs(g: Graph) -> set[str]:
    return {str(c)[len(str(KIND)):] for c in g.subjects(RDF.type, SKOS.Concept)}


def test_every_kind_the_extractor_knows_is_in_the_scheme(scheme: Graph) -> None:
    benefits = {kind for by_noun in BENEFITS.values() for kind in by_noun.values()}
    produced = (set(KINDS) | set(SHARE_BY_PAYER.values()) | benefits
                | {c.kind for c in CUES if c.kind != SHARE and c.kind not in BENEFITS})
    assert produced <= _slugs(scheme), produced - _slugs(scheme)


def test_every_extracted_kind_is_in_the_scheme(scheme: Graph, corpus_results: list[ParseResult]) -> None:
    used = {f.kind for r in corpus_results for n in r.notices for f in n.figures}
    assert used <= _slugs(scheme)


def test_concepts_are_well_formed(scheme: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in scheme
    for concept in scheme.subjects(RDF.type, SKOS.Concept):
        slug = str(concept)[len(str(KIND)):]
        assert (concept, RDF.type, NKG.FigureKind) in scheme
        assert (concept, SKOS.inScheme, SCHEME) in scheme
        assert (concept, SKOS.notation, Literal(slug)) in scheme
        languages = {lbl.language for lbl in scheme.objects(concept, SKOS.prefLabel)}
        assert languages == {"zh", "en"}, slug
        assert any(d.language == "en" for d in scheme.objects(concept, SKOS.definition)), slug
        broader = list(scheme.objects(concept, SKOS.broader))
        assert all((b, RDF.type, SKOS.Concept) in scheme for b in broader), slug
        assert broader or (concept, SKOS.topConceptOf, SCHEME) in scheme, slug


def test_natural_hierarchy(scheme: Graph) -> None:
    assert (KIND["central-subsidy"], SKOS.broader, KIND["fiscal-subsidy"]) in scheme
    assert (KIND["provincial-subsidy"], SKOS.broader, KIND["local-subsidy"]) in scheme
    assert (KIND["critical-illness-deductible-reduction"], SKOS.broader, KIND["critical-illness-deductible"]) in scheme
    assert (KIND.other, SKOS.topConceptOf, SCHEME) in scheme


def test_the_extractor_reads_its_kinds_from_the_scheme(scheme: Graph) -> None:
    """ontology/kinds.ttl is the one source of truth: every concept that says which year it counts in is a
    kind the extractor knows, with the year and the values the scheme states; the others group kinds."""
    leaves = set(scheme.subjects(NKG.countedIn, None))
    assert {str(c)[len(str(KIND)):] for c in leaves} == set(KINDS)
    broader = set(scheme.objects(None, SKOS.broader))
    assert all(c in broader for c in scheme.subjects(RDF.type, SKOS.Concept) if c not in leaves)
    years = {NKG.FiscalYear: "fiscal", NKG.InsuranceYear: "insurance", NKG.CalendarYear: "calendar"}
    for concept in leaves:
        kind = KINDS[str(concept)[len(str(KIND)):]]
        assert years[scheme.value(concept, NKG.countedIn)] == kind.year_type
        assert {str(v) for v in scheme.objects(concept, NKG.takesValue)} == kind.values
    assert KINDS["per-capita-fiscal-subsidy"].increase == "fiscal-subsidy-increase"
    assert KINDS["central-subsidy"].payer == "central"
