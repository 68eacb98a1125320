"""A build: notice files → the store, streaming, in parallel, incremental, and atomic on an on-disk store.

    build(paths, store_url, options, progress=None) -> BuildSummary

1. Read and parse the files in worker processes (both cores). A file whose SHA-256 the store's manifest
   already holds under its name is skipped; a file over the size limit is refused before it is read; a file
   that yields no notice says so. Parsed files are spilled to disk in parts, so memory holds one part.
2. Turn each part into N-Quads in worker processes (`graph.convert`), against the index of every notice of the
   build (which 文号 are in the corpus, their figures, their attachments), and bulk-load what they give back, in
   order: a notice's graph replaces the one of the same IRI, the graphs a changed file gave before are removed
   first. The main process holds that index and a few parts, never the corpus.
3. Validate the notices of this run and store the report (a build of all the store's notices, 400 or more: on every
   core, `graph.validate_workers`). Only then does the new generation become current
   (`graph.generations`): a kill at any moment leaves the old store, whole, with its report.

The summary and its exit code speak of this run only: its files, its problems, the findings in which one of
its notices takes part. Reading the files is `graph.sources`.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, SH, URIRef

from . import across, generations
from .convert import Converted, as_quads, convert, converted
from .errors import InputError
from .layout import drop_stubs_in_corpus, load_dataset
from .records import ParseResult, Problem
from .release import record_release
from .search import index_store
from .sources import Job, outcomes, source_files
from .store import OxigraphStore, Store, open_store
from .to_rdf import (
    Batch,
    dataset_graph_iri,
    iri_of_notice,
    regions_graph,
    report_graph,
    validation_graph_iri,
    vocabulary_graph,
)
from .to_rdf.report import copy_result, result_iri
from .validate import ValidationResult, validate
from .vocab import PREFIXES

MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes; --max-file-size
PART_FILES = 200  # files per part spilled, converted and loaded together


@dataclass(frozen=True)
class BuildOptions:
    base: str
    replace: bool = False
    max_file_size: int = MAX_FILE_SIZE
    workers: int = min(2, os.cpu_count() or 1)
    part_files: int = PART_FILES
    output: Path | None = None  # also write what this run built to a .trig or .nq file
    source_url: str | None = None  # where the one file of this build was published


@dataclass
class BuildSummary:
    files: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notices: int = 0
    citations: int = 0
    figures: int = 0
    triples: int = 0  # written by this run
    store: int = 0  # in the store after it
    findings: int = 0  # of this run: findings in which one of its notices takes part
    stored_findings: int = 0  # the whole stored report
    problems: list[Problem] = field(default_factory=list)
    generation: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def exit_code(self) -> int:
        """README's table: 2 when a file or notice could not be read (even if others loaded), else 1 on findings."""
        return 2 if self.errors else 1 if self.findings else 0

    def counts(self) -> dict[str, int]:
        return {"files": self.files, "new": len(self.new), "changed": len(self.changed),
                "unchanged": len(self.unchanged), "notices": self.notices, "citations": self.citations,
                "figures": self.figures, "triples": self.triples, "store": self.store,
                "warnings": self.warnings, "errors": self.errors, "findings": self.findings}


Progress = Callable[[str, int, int, int], None]  # (stage, files done, files in all, notices so far)


# -- 2. loading ------------------------------------------------------------------------------------------------


class _Loader:
    """Writes parts of the build into an Oxigraph store by its bulk loader (or any store graph by graph)."""

    def __init__(self, store: Store, base: str, output: Path | None) -> None:
        self.store, self.base = store, base
        self.engine = store.engine if isinstance(store, OxigraphStore) else None
        self.triples = 0
        self.output = output
        self._spill = open(output.with_name(output.name + ".part.nq"), "wb") if output else None  # noqa: SIM115

    def remove(self, graph_iris: Sequence[str]) -> None:
        for iri in graph_iris:
            if self.engine is not None:
                node = ox.NamedNode(iri)
                if self.engine.contains_named_graph(node):
                    self.engine.remove_graph(node)
            else:
                self.store.replace_graph(iri, _empty())

    def load_constant(self, replace: bool) -> None:
        """The vocabulary, always (it may have changed), and the regions when the store lacks them."""
        regions = dataset_graph_iri("regions", self.base)
        dataset = rdflib.Dataset()
        dataset.graph(URIRef(dataset_graph_iri("vocabulary", self.base))).__iadd__(vocabulary_graph())
        if replace or not self.store.ask(f"ASK {{ GRAPH {ox.NamedNode(regions)} {{ ?s ?p ?o }} }}"):
            dataset.graph(URIRef(regions)).__iadd__(regions_graph(self.base))
        self._write(dataset)

    def load(self, part: Converted) -> list[str]:
        """Load one converted part; returns the IRIs of the notice graphs it wrote."""
        if self.engine is None:  # a remote endpoint: graph by graph, merging the shared ones (graph.layout)
            dataset = rdflib.Dataset()
            dataset.parse(data=part.data, format="nquads")
            load_dataset(self.store, dataset)
        else:
            self.remove(part.notice_graphs)  # replaced; the shared graphs accumulate
            if part.data:
                self.engine.bulk_load(part.data, ox.RdfFormat.N_QUADS)
            # A stub whose notice this part brings into the corpus leaves graph/stubs (graph.layout).
            drop_stubs_in_corpus(self.store, set(part.in_corpus))
        self.triples += part.triples
        if self._spill is not None:
            self._spill.write(part.data)
        return list(part.notice_graphs)

    def _write(self, dataset: rdflib.Dataset) -> None:
        """The constant graphs (vocabulary, regions): each replaces the stored one."""
        for graph in dataset.graphs():
            iri = str(graph.identifier)
            if isinstance(graph.identifier, URIRef) and len(graph):
                self.remove([iri])
                if self.engine is None:
                    self.store.replace_graph(iri, graph)
                    continue
                data = as_quads(graph.serialize(format="nt", encoding="utf-8"), iri)
                self.engine.bulk_load(data, ox.RdfFormat.N_QUADS)
                self.triples += data.count(b"\n")
                if self._spill is not None:
                    self._spill.write(data)

    def finish(self) -> None:
        if self._spill is None or self.output is None:
            return
        self._spill.close()
        formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
        fmt = formats.get(self.output.suffix.lower())
        part = Path(self._spill.name)
        try:
            if fmt is None:
                raise InputError(f"{self.output}: write the graph to a .trig or .nq file")
            ox.serialize(ox.parse(path=str(part), format=ox.RdfFormat.N_QUADS), output=str(self.output),
                         format=fmt, prefixes=PREFIXES)
        except OSError as exc:
            raise InputError(f"cannot write {self.output}: {exc}") from exc
        finally:
            part.unlink(missing_ok=True)


def _empty() -> rdflib.Graph:
    return rdflib.Graph()


# -- 3. the whole build -------------------------------------------------------------------------------------------


def build(paths: Sequence[Path], store_url: str, options: BuildOptions,
          progress: Progress | None = None) -> BuildSummary:
    """Build `paths` into the store at `store_url`: see the module docstring."""
    files = source_files(paths)
    on_disk = store_url.startswith("oxigraph:") and "?" not in store_url
    if on_disk:
        root = Path(store_url[len("oxigraph:"):])
        with generations.stage(root, options.replace) as staging:
            store = OxigraphStore(staging.store, f"oxigraph:{staging.path}")
            # The generation before, read-only: the release compares its governing answers (graph/answers.py)
            before = OxigraphStore(ox.Store.read_only(str(root / staging.previous)), store_url) \
                if staging.previous else None
            summary, manifest = _run(files, store, options, staging.previous_manifest.get("files", {}),
                                     staging.checkpoint, progress, spill_dir=root, index_url=store_url,
                                     previous=before)
            if staging.previous and not (options.replace or summary.new or summary.changed):
                staging.discard("no file new or changed")
                summary.generation = staging.previous
            else:
                staging.commit(manifest, summary.counts())
                summary.generation = staging.name
            return summary
    store = open_store(store_url)
    try:
        if options.replace:
            store.clear()
        summary, _ = _run(files, store, options, {}, lambda stage: None, progress, spill_dir=None,
                          index_url=store_url)
        return summary
    finally:
        store.close()


def _run(files: list[tuple[Path, str]], store: Store, options: BuildOptions, known: dict[str, Any],
         checkpoint: Callable[[str], None], progress: Progress | None, spill_dir: Path | None,
         index_url: str = "memory:", previous: Store | None = None) -> tuple[BuildSummary, dict[str, Any]]:
    summary = BuildSummary(files=len(files))
    clock = [time.monotonic(), ""]

    def checkpoint_timed(stage: str) -> None:  # the time since the last checkpoint goes to the stage it ended
        now = time.monotonic()
        if clock[1]:
            summary.seconds[clock[1]] = summary.seconds.get(clock[1], 0.0) + now - clock[0]
        clock[:] = [now, stage]
        if stage != "done":
            checkpoint(stage)

    tell = progress or (lambda stage, done, total, notices: None)
    base = options.base
    if options.source_url and len(files) != 1:
        raise InputError(f"--source-url names the source of one file; {len(files)} were given "
                         "(give each its NAME.meta.json instead)")
    jobs = [Job(str(p), name, options.max_file_size, known.get(name, {}).get("sha256"), options.source_url)
            for p, name in files]
    manifest: dict[str, Any] = {}
    batch = Batch()  # the index of every notice of the run, for the conversion (graph.convert)
    seen: set[str] = set()
    parts: list[Path] = []
    pending: list[ParseResult] = []
    graphs_of: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="noticekg-build-", dir=spill_dir) as spill:
        checkpoint_timed("parsing")
        for done, outcome in enumerate(outcomes(jobs, options.workers), 1):
            summary.problems += outcome.problems
            if outcome.unchanged:
                summary.unchanged.append(outcome.name)
                manifest[outcome.name] = known[outcome.name]
            elif outcome.result is not None:
                (summary.changed if outcome.name in known else summary.new).append(outcome.name)
                kept = _first_readings(outcome.result, base, seen, summary.problems)
                for notice in kept.notices:
                    batch.add(notice, base)
                summary.notices += len(kept.notices)
                summary.citations += sum(len(n.citations) for n in kept.notices)
                summary.figures += sum(len(n.figures) for n in kept.notices)
                graphs_of[outcome.name] = [iri_of_notice(n, kept.source, base) + "/graph" for n in kept.notices]
                manifest[outcome.name] = {"sha256": outcome.sha256, "graphs": graphs_of[outcome.name]}
                pending.append(kept)
                if len(pending) >= options.part_files:
                    parts.append(_spill(Path(spill), len(parts), pending))
                    pending = []
            elif outcome.name in known:  # unreadable now: what the store had from it stays, and says so
                manifest[outcome.name] = known[outcome.name]
            tell("parsing", done, len(jobs), summary.notices)
        if pending and parts:  # every part on disk, so that a worker can read it
            parts.append(_spill(Path(spill), len(parts), pending))
            pending = []
        loader = _Loader(store, base, options.output)
        stale = [g for name in summary.changed for g in known[name].get("graphs", ())]
        checkpoint_timed("loading")
        loader.remove(stale)
        if summary.notices or stale or options.replace:
            loader.load_constant(options.replace)
        built: list[str] = []
        # Converted in the workers (graph.convert), loaded here as each part arrives, in order.
        chunks = iter([convert(pending, batch, base)] if pending else
                      converted(parts, batch, base, options.workers))
        loaded = 0
        for loaded, part in enumerate(chunks, 1):
            built += loader.load(part)
            tell("loading", loaded, max(len(parts), 1), summary.notices)
            if loaded == 1:
                checkpoint("loaded-part")
        if not loaded:
            checkpoint("loaded-part")
        loader.finish()
    summary.triples = loader.triples
    checkpoint_timed("validating")
    summary.findings, summary.stored_findings = _validation(store, base, built, options.workers)
    checkpoint_timed("reported")
    record_release(store, base, previous=previous)  # a dated release of what the new generation holds (graph/release.py)
    # The full-text index beside the store (graph/search.py): this run's notices and those they cite.
    index_store(store, index_url, None if options.replace else [g.removesuffix("/graph") for g in built])
    summary.store = store.triple_count()
    checkpoint_timed("done")
    return summary, manifest


def _first_readings(result: ParseResult, base: str, seen: set[str], problems: list[Problem]) -> ParseResult:
    """The result without the notices whose IRI an earlier file of this run already gave (the first is kept)."""
    kept = []
    for notice in result.notices:
        iri = iri_of_notice(notice, result.source, base)
        if iri in seen:
            problems.append(Problem("warning", result.source.name, 0, iri,
                                    "a notice with this 文号 was already read; kept the first"))
            continue
        seen.add(iri)
        kept.append(notice)
    return result if len(kept) == len(result.notices) else replace(result, notices=tuple(kept))


def _spill(where: Path, n: int, results: list[ParseResult]) -> Path:
    path = where / f"part-{n:05d}.pickle"
    with open(path, "wb") as out:
        pickle.dump(results, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def validation_findings(dataset: rdflib.Dataset, store: Store, base: str) -> int:
    """Validate the notices of `dataset`, just loaded into `store`, and store the report as a build does;
    returns how many findings the stored report holds."""
    built = [str(g.identifier) for g in dataset.graphs() if str(g.identifier).endswith("/graph")]
    return _validation(store, base, built)[1]


def _validation(store: Store, base: str, built: list[str], workers: int = 1) -> tuple[int, int]:
    """Validate the notices just loaded and merge the report into `B graph/validation`, keeping earlier results
    that concern none of them: (findings of this run, findings the stored report holds)."""
    target = validation_graph_iri(base)
    previous = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(target)} {{ ?s ?p ?o }} }}")
    if not built:
        return 0, sum(1 for _ in previous.subjects(RDF.type, SH.ValidationResult))
    result = _validate_built(store, built, workers)
    report = report_graph(result.report, base, previous, [g.removesuffix("/graph") for g in built])
    store.replace_graph(target, report)
    return len(result.results), sum(1 for _ in report.subjects(RDF.type, SH.ValidationResult))


def _validate_built(store: Store, built: list[str], workers: int = 1) -> ValidationResult:
    """`validate(store, notices=built)` at a cost that grows with `built`, not with its square: all the store's
    notices by the whole-graph path (its rules across notices run a province-year group at a time); more than
    a group of them group by group, in the order of `graph.across.groups`, so that no small engine holds more
    than a group's neighbourhood (one engine for 1,000 notices made below-floor 7× slower); a few at once.
    A finding two groups share (a notice in each) is reported once. The whole-graph path of a store on disk
    runs in `workers` processes once the build is large enough to pay for starting them."""
    corpus = {str(r["g"]) for r in store.select(_CORPUS_GRAPHS)}
    if corpus and corpus <= set(built):
        return validate(store, workers=workers if len(corpus) >= _PARALLEL_FROM else 1)
    if len(built) <= across.GROUP:
        return validate(store, notices=built)
    rank = {f"{n}/graph": i for i, n in enumerate(n for group in across.groups(store) for n in group)}
    ordered = sorted(built, key=lambda g: (rank.get(g, len(rank)), g))
    return _combined([validate(store, notices=ordered[i : i + across.GROUP])
                      for i in range(0, len(ordered), across.GROUP)])


_PARALLEL_FROM = 400  # notices: below, starting the validation's worker processes costs more than they save
_CORPUS_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?n <https://noticekg.org/def/inCorpus> true } }"


def _combined(results: list[ValidationResult]) -> ValidationResult:
    """One result of several: each finding once (by the key its stored IRI is made from), one report node."""
    report, findings, timings = rdflib.Graph(), [], {}
    seen_results: set[URIRef] = set()
    seen_findings: set[tuple[str | None, ...]] = set()
    head = rdflib.BNode()
    for result in results:
        for key, ms in result.timings.items():
            timings[key] = timings.get(key, 0.0) + ms
        for node in result.report.subjects(RDF.type, SH.ValidationResult):
            if (iri := result_iri(result.report, node)) not in seen_results:
                seen_results.add(iri)
                copy_result(result.report, node, report)
                report.add((head, SH.result, node))
        for f in result.results:
            if (key := (f.rule, f.focus, f.value, f.other.node if f.other else None)) not in seen_findings:
                seen_findings.add(key)
                findings.append(f)
    report.add((head, RDF.type, SH.ValidationReport))
    report.add((head, SH.conforms, rdflib.Literal(not findings)))
    return ValidationResult(conforms=not findings, report=report, results=tuple(findings), timings=timings)


class RateMeter:
    """Notices per second since it was made: for progress lines."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def rate(self, done: int) -> float:
        return done / max(time.monotonic() - self.start, 1e-9)
