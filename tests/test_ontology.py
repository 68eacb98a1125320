"""The vocabulary (ontology/noticekg.ttl), its Python mirror (graph/vocab.py) and the JSON-LD context
(ontology/context.jsonld) cannot drift apart, and every nkg: term the writer uses is declared."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, QB, RDF, RDFS, SKOS, XSD
from test_to_rdf_fixture import results

import graph
from graph.to_rdf import LEVELS, QUALIFIERS, RELATIONS, YEAR_TYPES, to_dataset
from graph.vocab import (
    CONTEXT_FILE,
    DCTERMS,
    ELI,
    NKG,
    ONTOLOGY_IRI,
    PREFIXES,
    SCHEMA,
    VOCABULARY_FILE,
    nkg_terms,
)

NS = ONTOLOGY_IRI


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(VOCABULARY_FILE)


def declared(ontology: rdflib.Graph) -> set[str]:
    """Local names of the nkg: terms the file describes (subjects in our namespace, not the ontology itself)."""
    return {str(s)[len(NS):] for s in ontology.subjects()
            if isinstance(s, URIRef) and str(s).startswith(NS) and str(s) != NS and "/" not in str(s)[len(NS):]}


def test_python_names_match_the_ontology(ontology: rdflib.Graph) -> None:
    assert declared(ontology) == set(nkg_terms())


def test_the_namespace_class_is_closed() -> None:
    with pytest.raises(AttributeError):
        NKG.issuedby  # noqa: B018 - a misspelt term must not mint an IRI


def test_header_carries_the_package_version(ontology: rdflib.Graph) -> None:
    assert (URIRef(NS), RDF.type, OWL.Ontology) in ontology
    assert ontology.value(URIRef(NS), OWL.versionInfo) == Literal(graph.__version__)


def test_every_term_is_labelled_in_chinese_and_english_and_explained(ontology: rdflib.Graph) -> None:
    for name in declared(ontology):
        term = NKG[name]
        languages = {label.language for label in ontology.objects(term, RDFS.label)}
        assert {"zh", "en"} <= languages, name
        assert ontology.value(term, RDFS.comment) is not None, name


def test_every_property_has_domain_and_range(ontology: rdflib.Graph) -> None:
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty))
    assert len(properties) > 50
    for p in properties:
        assert ontology.value(p, RDFS.domain) is not None, p
        assert ontology.value(p, RDFS.range) is not None, p


def test_every_class_is_anchored_outside_our_namespace(ontology: rdflib.Graph) -> None:
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            anchors = [c for c in ontology.objects(cls, RDFS.subClassOf) if not str(c).startswith(NS)]
            assert anchors, f"{cls} is a private island"


# The alignments docs/MODEL.md names, read from its tables.
MODEL_CLASS_ANCHORS = {
    "Notice": {ELI.LegalResource, SCHEMA.Legislation, PROV.Entity},
    "Section": {ELI.LegalResourceSubdivision},
    "Citation": {PROV.Entity},
    "Agency": {PROV.Organization, SCHEMA.GovernmentOrganization},
    "Region": {DCTERMS.Location, SCHEMA.AdministrativeArea},
    "Figure": {QB.Observation, PROV.Entity},
    "FigureKind": {SKOS.Concept},
    "SourceFile": {PROV.Entity},
    "Qualifier": {SKOS.Concept}, "YearType": {SKOS.Concept}, "Level": {SKOS.Concept}, "RelationType": {SKOS.Concept},
}
MODEL_PROPERTY_ANCHORS = {
    "docNo": ELI.id_local, "issuedBy": ELI.passed_by, "dateSigned": ELI.date_document,
    "datePrinted": ELI.date_publication, "hasPart": ELI.has_part, "forwards": ELI.ensures_implementation_of,
    "implements": ELI.ensures_implementation_of, "applies": ELI.applies, "hasAttachment": ELI.has_annex,
    "cites": ELI.cites, "restates": PROV.wasDerivedFrom,
}


def test_alignments_named_in_the_model(ontology: rdflib.Graph) -> None:
    for name, anchors in MODEL_CLASS_ANCHORS.items():
        assert anchors <= set(ontology.objects(NKG[name], RDFS.subClassOf)), name
    for name, anchor in MODEL_PROPERTY_ANCHORS.items():
        assert (NKG[name], RDFS.subPropertyOf, anchor) in ontology, name
    assert (DCTERMS.title, RDFS.subPropertyOf, ELI.title) in ontology


def test_figures_are_data_cube_observations(ontology: rdflib.Graph) -> None:
    for name in ("kind", "year", "region"):
        assert (NKG[name], RDF.type, QB.DimensionProperty) in ontology
    assert (NKG.amount, RDF.type, QB.MeasureProperty) in ontology
    assert (NKG.unit, RDF.type, QB.AttributeProperty) in ontology


def test_individuals_and_the_writer_agree(ontology: rdflib.Graph) -> None:
    for table, cls in ((QUALIFIERS, NKG.Qualifier), (YEAR_TYPES, NKG.YearType), (LEVELS, NKG.Level)):
        assert set(table.values()) == set(ontology.subjects(RDF.type, cls))
        for notation, individual in table.items():
            assert ontology.value(individual, SKOS.notation) == Literal(notation)
    assert set(RELATIONS.values()) == set(ontology.subjects(RDF.type, NKG.RelationType))


def test_every_nkg_term_the_writer_uses_is_declared(ontology: rdflib.Graph) -> None:
    dataset = to_dataset(results())
    used = set()
    for _s, p, o, g in dataset.quads():
        if "/graph/vocabulary" in str(g):
            continue
        used |= {t for t in (p, o if p == RDF.type or isinstance(o, URIRef) else None)
                 if isinstance(t, URIRef) and str(t).startswith(NS) and "/" not in str(t)[len(NS):]}
    assert used, "the fixture uses no nkg: term?"
    undeclared = {str(t)[len(NS):] for t in used} - declared(ontology)
    assert not undeclared


# -- the JSON-LD context --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def expand(context: dict, value: str) -> str:
    prefix, colon, rest = value.partition(":")
    return context[prefix] + rest if colon and isinstance(context.get(prefix), str) else value


def test_context_prefixes_are_ours(context: dict) -> None:
    for prefix, namespace in PREFIXES.items():
        if prefix == "kind":  # "kind" is the property there; the kind scheme's prefix is "kinds"
            assert context["kinds"] == namespace
        else:
            assert context[prefix] == namespace, prefix


def test_context_maps_every_term_with_its_type(ontology: rdflib.Graph, context: dict) -> None:
    by_iri: dict[str, dict] = {}
    for definition in context.values():
        entry = definition if isinstance(definition, dict) else {"@id": definition}
        if isinstance(entry.get("@id"), str):
            by_iri[expand(context, entry["@id"])] = entry
    for name in declared(ontology):
        term = NKG[name]
        assert str(term) in by_iri, f"no context term for nkg:{name}"
        entry = by_iri[str(term)]
        if (term, RDF.type, OWL.ObjectProperty) in ontology:
            assert entry.get("@type") in ("@id", "@vocab"), name
        elif (term, RDF.type, OWL.DatatypeProperty) in ontology:
            range_ = ontology.value(term, RDFS.range)
            expected = None if range_ == XSD.string else str(range_)
            assert (expand(context, entry["@type"]) if "@type" in entry else None) == expected, name
