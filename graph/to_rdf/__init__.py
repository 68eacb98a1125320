"""Records → RDF: the one place instance IRIs are minted (`iris`), and the named graphs (`writer`).

    notice_iri(docno, base)                 a notice's IRI from its 文号 (any spelling)
    notice_graph(notice, source, base)      (graph IRI, the notice's named graph: what the notice states)
    notice_graphs(notice, source, base)     (graph IRI, that graph, `Shared`: what goes into the shared graphs)
    to_dataset(results, base)               one named graph per notice + the shared graphs (`SHARED_GRAPHS`)
    statements(results, base, batch)        the same as triples, without rdflib stores: what `graph.convert` writes

`to_dataset` first indexes every notice of the batch, so that a cited notice that is itself in the batch is
not written as "known only by citation", a figure that restates another notice's figure links that figure,
and a notice that carries another as its attachment says so. `notice_graph` alone knows only its notice.
Shared resources (regions, agencies, source files, stubs of notices known by citation, the vocabulary) are
written once, in their own graphs, never copied into a notice's graph (docs/MODEL.md, "Named graphs").
"""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib import URIRef

from .. import regions
from ..records import Notice, ParseResult, SourceFile
from ..vocab import KINDS_FILE, PREFIXES, VOCABULARY_FILE
from .iris import (
    DEFAULT_BASE,
    agency_iri,
    base_of,
    citation_iris,
    dataset_graph_iri,
    default_base,
    docno_of,
    figure_iris,
    graph_iri,
    iri_of_notice,
    issuer_slug,
    name_slug,
    notice_iri,
    region_iri,
    section_iri,
    source_iri,
    unnumbered_notice_iri,
)
from .report import report_graph, result_iri, validation_graph_iri
from .writer import (
    LEVELS,
    QUALIFIERS,
    RELATIONS,
    YEAR_TYPES,
    Batch,
    NoticeWriter,
    Shared,
    Triples,
    figure_label,
    graph_of,
    new_graph,
    stub_graph,
    stub_triples,
    write_region,
)

# The graphs every notice graph may refer into; `graph/vocabulary` and `graph/regions` are complete in
# themselves, the other three grow by merging what each notice brings.
SHARED_GRAPHS = ("vocabulary", "regions", "agencies", "sources", "stubs")

__all__ = [
    "DEFAULT_BASE", "LEVELS", "QUALIFIERS", "RELATIONS", "YEAR_TYPES", "agency_iri", "citation_iris",
    "SHARED_GRAPHS", "Shared", "dataset_graph_iri", "default_base", "docno_of", "duplicate_notices", "figure_iris",
    "figure_label", "graph_iri", "iri_of_notice", "issuer_slug", "name_slug", "notice_graph", "notice_graphs",
    "notice_iri", "region_iri", "regions_graph", "Batch", "report_graph", "result_iri", "section_iri", "source_iri", "stub_graph",
    "statements", "to_dataset", "unnumbered_notice_iri", "validation_graph_iri", "vocabulary_graph",
]


def notice_graph(notice: Notice, source: SourceFile, base: str | None = None) -> tuple[str, rdflib.Graph]:
    """The notice's named graph (what the notice states, MODEL.md "Named graphs") and its IRI."""
    iri, graph, _ = notice_graphs(notice, source, base)
    return iri, graph


def notice_graphs(notice: Notice, source: SourceFile, base: str | None = None
                  ) -> tuple[str, rdflib.Graph, Shared]:
    """The notice's named graph, its IRI, and what it brings to the shared graphs. Alone, the notice cannot
    know which of the notices it cites are in the corpus: each is a stub, which the store drops once that
    notice's own graph is loaded (`graph.store`, loading)."""
    batch = Batch(in_corpus={notice.docno.key} if notice.docno else set())
    writer = NoticeWriter(notice, source, base_of(base), batch)
    return graph_iri(writer.iri), writer.write(), writer.shared


# -- the dataset -------------------------------------------------------------------------------------------------


def vocabulary_graph() -> rdflib.Graph:
    """The ontology and, when present, the figure-kind scheme."""
    graph = new_graph()
    graph.parse(VOCABULARY_FILE)
    if KINDS_FILE.exists():
        graph.parse(KINDS_FILE)
    return graph


def regions_graph(base: str | None = None) -> rdflib.Graph:
    """Every GB/T 2260 division with its `nkg:within` chain, so any region can be asked about."""
    graph = new_graph()
    for code in regions.codes():
        write_region(graph, code, base)
    return graph


def to_dataset(results: Iterable[ParseResult], base: str | None = None, batch: Batch | None = None,
               constant_graphs: bool = True) -> rdflib.Dataset:
    """One named graph per notice (a 文号 seen twice keeps its first reading), plus the shared graphs
    `B graph/agencies`, `B graph/sources`, `B graph/stubs` and `B graph/regions` (the regions its notices
    name) and, unless `constant_graphs` is false (they are the same for every part of a build),
    `B graph/vocabulary` and every GB/T 2260 division in `B graph/regions`. `batch` (`Batch.of` every notice
    of a build) when `results` is one part of it."""
    base = base_of(base)
    notices, shared = statements(results, base, batch)
    dataset = rdflib.Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    graphs = {name: dataset.graph(URIRef(dataset_graph_iri(name, base))) for name in SHARED_GRAPHS}
    for iri, triples in notices:
        _put(dataset.graph(URIRef(iri)), triples)
    for name, triples in shared.items():
        _put(graphs[name], triples)
    if constant_graphs:
        graphs["vocabulary"] += vocabulary_graph()
        graphs["regions"] += regions_graph(base)
    return dataset


def statements(results: Iterable[ParseResult], base: str | None = None, batch: Batch | None = None
               ) -> tuple[list[tuple[str, Triples]], dict[str, Triples]]:
    """What `to_dataset` holds, the constant graphs aside, as triples: (graph IRI, triples) of each notice, in
    order, and the triples of each shared graph it adds to (agencies, sources, regions, stubs) by name."""
    base = base_of(base)
    pairs, seen = [], set()
    for result in results:
        for notice in result.notices:
            iri = iri_of_notice(notice, result.source, base)
            if iri not in seen:
                seen.add(iri)
                pairs.append((notice, result.source))
    batch = batch or Batch.of((n for n, _ in pairs), base)
    notices, contributions = [], []
    for notice, source in pairs:
        writer = NoticeWriter(notice, source, base, batch)
        notices.append((graph_iri(writer.iri), writer.statements()))
        contributions.append(writer.shared)
    return notices, shared_triples(contributions, base)


def shared_contributions(contributions: Iterable[Shared], base: str) -> dict[str, rdflib.Graph]:
    """What some notices bring to the shared graphs (agencies, sources, regions, stubs), by graph name: the
    graphs that loading merges rather than replaces (`graph.layout`)."""
    return {name: graph_of(triples) for name, triples in shared_triples(contributions, base).items()}


def shared_triples(contributions: Iterable[Shared], base: str) -> dict[str, Triples]:
    graphs: dict[str, Triples] = {name: {} for name in ("agencies", "sources", "regions", "stubs")}
    stubs: dict[str, tuple] = {}
    for shared in contributions:
        graphs["agencies"].update(shared.agency_triples)
        graphs["sources"].update(shared.source_triples)
        graphs["regions"].update(dict.fromkeys(shared.region_triples(base)))
        for iri, (docno, titles) in shared.stubs.items():
            stubs.setdefault(iri, (docno, set()))[1].update(titles)
    graphs["stubs"].update(dict.fromkeys(stub_triples(stubs)))
    return graphs


def _put(named: rdflib.Graph, triples: Triples) -> None:
    named.addN((s, p, o, named) for s, p, o in triples)


def duplicate_notices(results: Iterable[ParseResult], base: str | None = None) -> list[tuple[str, str]]:
    """(IRI, file) of every notice that `to_dataset` drops because an earlier one has the same 文号."""
    seen: set[str] = set()
    dropped = []
    for result in results:
        for notice in result.notices:
            iri = iri_of_notice(notice, result.source, base)
            if iri in seen:
                dropped.append((iri, result.source.name))
            seen.add(iri)
    return dropped
