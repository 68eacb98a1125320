"""One notice file into a running store, or out of it, atomically: what the write API (`POST/PUT/DELETE
/api/notices`) calls.

    publish(store, result, base=None, replaces=None) -> Published      add (or, with `replaces`, replace)
    withdraw(store, notice_iri, base=None) -> tuple[str, ...]          remove a notice and what it carries
                                                                       (a stub stays where others cite it)

A file's notices become their named graphs (as `build` writes them). They are validated in a staging copy
of the store (a RocksDB checkpoint of an on-disk store: hard links, cheap; a copy of an in-memory one), so
the cross-notice rules see the rest of the corpus; then the notice graphs and the new validation report are
written to the store in ONE SPARQL update, which Oxigraph applies as one transaction: a reader sees the
notice with its figures and findings, or nothing of it. Re-publishing the same bytes changes nothing.
Writes in one process are serialised; the store must be embedded (Oxigraph), since a remote endpoint
offers no transaction across graphs.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import Literal

from .errors import Conflict, InputError, NotFound, StoreError
from .layout import drop_stubs_in_corpus, stubs_left
from .records import ParseResult, Problem
from .source_text import whole_text
from .store import OxigraphStore, Store
from .to_rdf import (
    Batch,
    NoticeWriter,
    base_of,
    dataset_graph_iri,
    graph_iri,
    iri_of_notice,
    regions_graph,
    report_graph,
    shared_contributions,
    validation_graph_iri,
    vocabulary_graph,
)
from .validate import ValidationResult, validate
from .vocab import NKG, PROV

__all__ = ["Conflict", "Published", "is_stored", "publish", "withdraw"]

_WRITING = threading.Lock()
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # an IRI with one of these names nothing we minted


@dataclass(frozen=True)
class Published:
    notices: tuple[str, ...]  # the notice IRIs the file gave, in file order
    validation: ValidationResult  # the findings in which those notices take part
    problems: tuple[Problem, ...]  # what the parser had to say (warnings, unreadable parts)
    changed: bool  # False when the store already held exactly this file's notices
    dropped: tuple[str, ...] = ()  # notices a replaced file carried that the new one does not


def publish(store: Store, result: ParseResult, base: str | None = None, replaces: str | None = None) -> Published:
    """Store the notices of one parsed file with their validation findings, in one transaction.

    Without `replaces`, a notice already in the store from other bytes is a `Conflict` (replace it instead);
    with it, `replaces` (a notice IRI) must be among the file's notices, and its old graph and those of the
    notices it carried are replaced."""
    base = base_of(base)
    engine = _engine(store)
    if not any(n.docno or n.title for n in result.notices):  # text without a 文号 or a title is no notice
        errors = [p for p in result.problems if p.severity == "error"] or list(result.problems)
        where = f" ({errors[0]})" if errors else ""
        raise InputError(f"{result.source.name}: no notice found: no 文号 and no title{where}")
    graphs, merged = _notice_graphs(store, result, base)
    iris = tuple(dict.fromkeys(iri.removesuffix("/graph") for iri in graphs))
    with _WRITING:
        stored = _stored_sources(store, iris)
        if replaces is not None and replaces not in iris:  # (so `replaces` is one of our IRIs from here on)
            found = ", ".join(iris)
            raise Conflict(f"the file holds {found}, not the notice at {replaces}: a PUT replaces a notice by itself")
        same = bool(stored) and all(sha == result.source.sha256 or text == result.source.text for sha, text in stored)
        if replaces is None and stored and not same:
            raise Conflict(f"{', '.join(i for i in iris if is_stored(store, i))} is already stored from other text: "
                           "PUT it to its IRI to replace it, or DELETE it first")
        if same and all(is_stored(store, i) for i in iris):  # the same bytes, or the same text in another form
            return Published(iris, validate(store, notices=iris), result.problems, changed=False)
        removed = _carried(store, replaces) if replaces else []
        with _staging(store) as stage:
            for graph in removed:
                stage.engine.remove_graph(ox.NamedNode(graph))
            for iri, graph in graphs.items():
                stage.replace_graph(iri, graph)
            for iri, graph in merged.items():
                stage.merge_graph(iri, graph)
            drop_stubs_in_corpus(stage, set(iris))
            validation = validate(stage, notices=iris)
            target = validation_graph_iri(base)
            previous = stage.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(target)} {{ ?s ?p ?o }} }}")
        touched = [*iris, *(g.removesuffix("/graph") for g in removed)]
        report = report_graph(validation.report, base, previous, touched)
        # An attachment the new file no longer carries, if others cite it, stays as a stub (graph.layout).
        _add(merged, dataset_graph_iri("stubs", base), stubs_left(store, set(touched) - set(iris), base))
        _commit(engine, removed, {**_shared_graphs(store, base), **graphs, target: report}, merged)
    drop_stubs_in_corpus(store, set(iris))
    return Published(iris, validation, result.problems, changed=True, dropped=tuple(sorted(set(touched) - set(iris))))


def withdraw(store: Store, notice_iri: str, base: str | None = None) -> tuple[str, ...]:
    """Remove a notice's named graph (its sections, citations, figures) and those of the notices it carried
    as attachments from the same file, with every validation result that concerns them, in one transaction.
    Returns the notice IRIs withdrawn; `NotFound` when the store holds no such notice."""
    base = base_of(base)
    engine = _engine(store)
    with _WRITING:
        if _UNSAFE_IRI.search(notice_iri) or not is_stored(store, notice_iri):
            raise NotFound(f"no notice of the corpus is named {notice_iri}")
        removed = _carried(store, notice_iri)
        gone = [g.removesuffix("/graph") for g in removed]
        target = validation_graph_iri(base)
        previous = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(target)} {{ ?s ?p ?o }} }}")
        report = report_graph(validate(rdflib.Graph(), notices=()).report, base, previous, gone)
        # What others still cite becomes a stub again, in the same transaction (graph.layout).
        stubs = {dataset_graph_iri("stubs", base): stubs_left(store, set(gone), base)}
        _commit(engine, removed, {target: report}, stubs)
    return tuple(gone)


def _add(graphs: dict[str, rdflib.Graph], iri: str, graph: rdflib.Graph) -> None:
    if len(graph):
        graphs[iri] = graphs[iri] + graph if iri in graphs else graph


# -- what the store holds ----------------------------------------------------------------------------------------


def _engine(store: Store) -> ox.Store:
    if not isinstance(store, OxigraphStore) or store.url.endswith("?ro"):
        raise StoreError(f"notices can be written only to an embedded, writable Oxigraph store, not {store.url}")
    return store.engine


def is_stored(store: Store, notice_iri: str) -> bool:
    """Whether the store holds this notice of the corpus (its own named graph)."""
    return store.ask(f"ASK {{ GRAPH {ox.NamedNode(graph_iri(notice_iri))} {{ {ox.NamedNode(notice_iri)} {ox.NamedNode(NKG.inCorpus)} true }} }}")


def _stored_sources(store: Store, iris: Iterable[str]) -> set[tuple[str, str]]:
    """(SHA-256, text) of the files the stored notices among `iris` were read from."""
    values = " ".join(f"{ox.NamedNode(i)}" for i in iris)
    rows = store.select(f"""SELECT DISTINCT ?sha ?source WHERE {{ VALUES ?n {{ {values} }}
        ?n {ox.NamedNode(NKG.inCorpus)} true ; {ox.NamedNode(PROV.wasDerivedFrom)} ?source . ?source {ox.NamedNode(NKG.sha256)} ?sha }}""")
    return {(str(r["sha"]), whole_text(store, str(r["source"])) or "") for r in rows}


def _carried(store: Store, notice_iri: str) -> list[str]:
    """The graphs of a notice and of the notices it carries as attachments, read from the same file."""
    rows = store.select(f"""SELECT DISTINCT ?m WHERE {{
        {ox.NamedNode(notice_iri)} {ox.NamedNode(PROV.wasDerivedFrom)} ?source .
        ?m {ox.NamedNode(NKG.attachmentOf)}+ {ox.NamedNode(notice_iri)} ; {ox.NamedNode(PROV.wasDerivedFrom)} ?source ; {ox.NamedNode(NKG.inCorpus)} true }}""")
    return [graph_iri(notice_iri), *sorted(graph_iri(str(r["m"])) for r in rows)]


def _stored_corpus_docnos(store: Store, keys: set[str]) -> set[str]:
    """Which of these 文号 the store holds as corpus notices: their stubs must not say `inCorpus false`."""
    if not keys:
        return set()
    values = " ".join(Literal(k).n3() for k in sorted(keys))
    rows = store.select(f"SELECT DISTINCT ?d WHERE {{ VALUES ?d {{ {values} }} "
                        f"?n {ox.NamedNode(NKG.docNo)} ?d ; {ox.NamedNode(NKG.inCorpus)} true }}")
    return {str(r["d"]) for r in rows}


def _notice_graphs(store: Store, result: ParseResult, base: str
                   ) -> tuple[dict[str, rdflib.Graph], dict[str, rdflib.Graph]]:
    """The file's notice graphs, as `build` writes them; a 文号 the file repeats keeps its first reading."""
    notices, seen = [], set()
    for notice in (n for n in result.notices if n.docno or n.title):
        iri = iri_of_notice(notice, result.source, base)
        if iri not in seen:
            seen.add(iri)
            notices.append(notice)
    batch = Batch.of(notices, base)
    cited = {c.docno.key for n in notices for c in n.citations if c.docno is not None}
    batch.in_corpus |= _stored_corpus_docnos(store, cited - batch.in_corpus)
    graphs, contributions = {}, []
    for notice in notices:
        writer = NoticeWriter(notice, result.source, base, batch)
        graphs[graph_iri(writer.iri)] = writer.write()
        contributions.append(writer.shared)
    # What the notices bring to the shared graphs (graph.layout): merged, never replaced.
    shared = shared_contributions(contributions, base)
    return graphs, {dataset_graph_iri(name, base): g for name, g in shared.items() if len(g)}


def _shared_graphs(store: Store, base: str) -> dict[str, rdflib.Graph]:
    """The vocabulary and regions graphs `build` writes, for a store that does not hold them yet (the first
    notice posted to an empty store), so its kinds and regions dereference like a built store's."""
    wanted = {dataset_graph_iri("vocabulary", base): vocabulary_graph,
              dataset_graph_iri("regions", base): lambda: regions_graph(base)}
    held = set(store.graph_iris())
    return {iri: make() for iri, make in wanted.items() if iri not in held}


# -- staging and committing --------------------------------------------------------------------------------------


@contextmanager
def _staging(store: OxigraphStore) -> Iterator[OxigraphStore]:
    """A private copy of the store to validate in: a checkpoint next to an on-disk store, else a copy."""
    path = store.url[len("oxigraph:"):].partition("?")[0] if store.url.startswith("oxigraph:") else ""
    if not path:
        copy = ox.Store()
        copy.load(store.engine.dump(format=ox.RdfFormat.N_QUADS) or b"", ox.RdfFormat.N_QUADS)
        yield OxigraphStore(copy, "memory:")
        return
    parent = Path(path).resolve().parent
    scratch = Path(tempfile.mkdtemp(prefix=".noticekg-stage-", dir=parent))
    try:
        store.engine.backup(str(scratch / "store"))  # hard links on the same file system
        stage = OxigraphStore(ox.Store(str(scratch / "store")), f"oxigraph:{scratch / 'store'}")
        yield stage
        del stage
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _commit(engine: ox.Store, removed: list[str], graphs: dict[str, rdflib.Graph],
            merged: dict[str, rdflib.Graph] | None = None) -> None:
    """Drop `removed`, replace `graphs` and add `merged` to the shared graphs, in one SPARQL update: one
    transaction. Terms are written by rdflib's N-Triples serialiser (escaped), never formatted from request
    text."""
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in dict.fromkeys([*removed, *graphs])]
    for iri, graph in [*graphs.items(), *(merged or {}).items()]:
        if len(graph):
            triples = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
            operations.append(f"INSERT DATA {{ GRAPH {ox.NamedNode(iri)} {{\n{triples}\n}} }}")
    try:
        engine.update(" ;\n".join(operations))
        engine.flush()
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"the write was not applied: {exc}") from exc


def notice_iris(result: ParseResult, base: str | None = None) -> list[str]:
    """The IRIs a file's notices get (in file order, each once)."""
    return list(dict.fromkeys(iri_of_notice(n, result.source, base_of(base)) for n in result.notices))

