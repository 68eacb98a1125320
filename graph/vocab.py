"""Typed namespaces: our vocabulary (`NKG`, mirroring `ontology/noticekg.ttl` term for term), the figure-kind
namespace (`KIND`), and the well-known vocabularies we align to, in one place.

`NKG` is closed: a misspelt term raises instead of minting an IRI the ontology does not declare.
`tests/test_ontology.py` fails when this class and the ontology file disagree.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, QB, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace, Namespace

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
VOCABULARY_FILE = ONTOLOGY_DIR / "noticekg.ttl"
KINDS_FILE = ONTOLOGY_DIR / "kinds.ttl"
CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"

ONTOLOGY_IRI = "https://noticekg.org/def/"
KIND_SCHEME_IRI = "https://noticekg.org/def/kinds"  # not …/def/kind: that is the property nkg:kind

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
KIND = Namespace("https://noticekg.org/def/kind/")  # open: the kind scheme grows with the corpus


class NKG(DefinedNamespace):
    """https://noticekg.org/def/ — see docs/MODEL.md for what each term means."""

    _NS = Namespace(ONTOLOGY_IRI)
    _fail = True

    # classes
    Notice: URIRef
    Section: URIRef
    Citation: URIRef
    Agency: URIRef
    Region: URIRef
    Figure: URIRef
    FigureKind: URIRef
    SourceFile: URIRef
    TextPart: URIRef
    Qualifier: URIRef
    YearType: URIRef
    Level: URIRef
    RelationType: URIRef

    # individuals
    Exact: URIRef
    AtLeast: URIRef
    About: URIRef
    AtMost: URIRef
    FiscalYear: URIRef
    InsuranceYear: URIRef
    CalendarYear: URIRef
    National: URIRef
    Provincial: URIRef
    Municipal: URIRef
    County: URIRef

    # notice
    docNo: URIRef
    docNoAsWritten: URIRef
    issuerCode: URIRef
    docYear: URIRef
    serial: URIRef
    inCorpus: URIRef
    issuedBy: URIRef
    jurisdiction: URIRef
    level: URIRef
    addressee: URIRef
    dateSigned: URIRef
    datePrinted: URIRef
    copiedTo: URIRef
    publicity: URIRef
    printedBy: URIRef
    sourceStart: URIRef
    sourceEnd: URIRef

    # structure
    hasPart: URIRef
    partOf: URIRef
    inNotice: URIRef
    path: URIRef
    label: URIRef

    # relations between notices
    forwards: URIRef
    implements: URIRef
    applies: URIRef
    hasAttachment: URIRef
    cites: URIRef
    attachmentOf: URIRef

    # citations
    citingNotice: URIRef
    citedNotice: URIRef
    relation: URIRef
    titleAsCited: URIRef
    docNoAsCited: URIRef
    inSection: URIRef

    # figures
    kind: URIRef
    amount: URIRef
    ratio: URIRef
    ratioFirst: URIRef
    ratioSecond: URIRef
    date: URIRef
    startDate: URIRef
    endDate: URIRef
    unit: URIRef
    qualifier: URIRef
    year: URIRef
    yearType: URIRef
    yearInferred: URIRef
    region: URIRef
    scope: URIRef
    scopeRegion: URIRef
    payer: URIRef
    statedIn: URIRef
    restates: URIRef
    yieldsToLaterNationalRule: URIRef
    note: URIRef
    sourceFile: URIRef
    KindBasis: URIRef
    ClauseCue: URIRef
    AfterCue: URIRef
    ContinuedCue: URIRef
    ListItem: URIRef
    SentenceCue: URIRef
    ContextCue: URIRef
    Fallback: URIRef
    kindBasis: URIRef
    kindCue: URIRef
    needsReview: URIRef
    countedIn: URIRef
    takesValue: URIRef
    increaseKind: URIRef
    reductionKind: URIRef
    paidBy: URIRef

    # source files and parsing
    fileName: URIRef
    sha256: URIRef
    text: URIRef
    textPart: URIRef  # a long text is kept in parts (graph.source_text)
    textOffset: URIRef
    partText: URIRef
    parserVersion: URIRef

    # where a source file came from and how it became text (graph.ingest)
    mediaType: URIRef
    encoding: URIRef
    encodingConfidence: URIRef
    sourceUrl: URIRef
    retrieved: URIRef
    extractionMethod: URIRef
    extractedWith: URIRef

    # regions
    code: URIRef
    within: URIRef

    # validation findings (on sh:ValidationResult)
    otherFocus: URIRef
    focusNotice: URIRef
    otherNotice: URIRef
    expected: URIRef
    difference: URIRef
    explanation: URIRef
    focusDocNo: URIRef
    focusSection: URIRef
    focusQuote: URIRef
    otherDocNo: URIRef
    otherSection: URIRef
    otherQuote: URIRef

    # time: validity, supersession, releases (appended by the `time` work; docs/MODEL.md "Time")
    ValidityStatement: URIRef
    Basis: URIRef
    DerivationRule: URIRef
    Release: URIRef
    NoticeState: URIRef
    Stated: URIRef
    Derived: URIRef
    EntryOnIssue: URIRef
    YearsFromEntry: URIRef
    YearlyFigure: URIRef
    LaterNoticeSupersedes: URIRef
    RepealEndsNotice: URIRef
    YieldsToLaterHigherRule: URIRef
    validity: URIRef
    about: URIRef
    validityProperty: URIRef
    validityDate: URIRef
    validityYears: URIRef
    basis: URIRef
    rule: URIRef
    repeals: URIRef
    prevailsOverEarlier: URIRef
    applicableFrom: URIRef
    applicableUntil: URIRef
    applicabilityRule: URIRef
    figureKey: URIRef
    noticeState: URIRef
    notice: URIRef
    figureDigest: URIRef
    noticeCount: URIRef
    figureCount: URIRef
    stateChange: URIRef
    statesDigest: URIRef
    AnswerChange: URIRef
    answerChange: URIRef
    answerKey: URIRef
    answersComplete: URIRef
    governedBefore: URIRef
    governedAfter: URIRef
    answerBefore: URIRef
    answerAfter: URIRef


# The prefixes every serialisation of ours binds, so exported files read the same everywhere.
PREFIXES: dict[str, str] = {
    "nkg": ONTOLOGY_IRI,
    "kind": str(KIND),
    "eli": str(ELI),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "oa": str(OA),
    "qb": str(QB),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def nkg_terms() -> frozenset[str]:
    """The local names `NKG` declares."""
    return frozenset(NKG.__annotations__)


@cache
def kind_labels() -> dict[str, str]:
    """Figure-kind slug → its Chinese preferred label, from `ontology/kinds.ttl` when it exists."""
    if not KINDS_FILE.exists():
        return {}
    kinds = Graph().parse(KINDS_FILE)
    return {str(s)[len(str(KIND)):]: str(label) for s, label in kinds.subject_objects(SKOS.prefLabel)
            if str(s).startswith(str(KIND)) and getattr(label, "language", None) == "zh"}


__all__ = [
    "CONTEXT_FILE", "DCTERMS", "ELI", "KIND", "KINDS_FILE", "KIND_SCHEME_IRI", "NKG", "OA", "ONTOLOGY_DIR",
    "ONTOLOGY_IRI", "OWL", "PREFIXES", "PROV", "QB", "RDF", "RDFS", "SCHEMA", "SH", "SKOS", "VOCABULARY_FILE",
    "XSD", "kind_labels", "nkg_terms",
]
