"""A build's second pass: parts of parsed files → N-Quads, in worker processes, so that the main process only
bulk-loads what they give back (`graph.build`).

    convert(results, batch, base) -> Converted           one part, in this process
    converted(parts, batch, base, workers) -> Iterator   every part, in order, in processes when worth it

Converting records to RDF costs more than parsing them, so it is done where the parsing was: in the workers.
The triples never enter an rdflib store: the writer's tuples (`to_rdf.statements`) are written as N-Quads lines
by rdflib's own N-Triples row writer (its escaping, its literal forms), so the lines are those that serialising
`to_dataset`'s graphs gives (tests/test_build_convert.py checks it on the corpus). Each worker gets the build's `Batch` (the index of every notice:
which 文号 are in the corpus, their figures, their attachments) once, when it starts, and then a part's spill
file at a time; what comes back is the part's N-Quads bytes and what the loader must know about them. At most
`workers + 1` parts are in flight, so memory holds a few parts, never the corpus.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal
from rdflib.plugins.serializers.nt import _quoteLiteral

from .records import ParseResult
from .to_rdf import Batch, Triples, dataset_graph_iri, statements
from .vocab import NKG


@dataclass(frozen=True)
class Converted:
    """One part as N-Quads (`data`), the notice graphs it writes (each replaces the stored one of that IRI), the
    notices it brings into the corpus (their stubs leave `graph/stubs`) and its line count."""

    data: bytes
    notice_graphs: tuple[str, ...]
    in_corpus: frozenset[str]
    triples: int


def convert(results: list[ParseResult], batch: Batch, base: str) -> Converted:
    notices, shared = statements(results, base, batch)
    chunks, graphs, in_corpus = [], [], set()
    stated = NKG.inCorpus, Literal(True)
    for iri, triples in notices:
        if not triples:
            continue
        graphs.append(iri)
        in_corpus.update(str(s) for s in dict.fromkeys(t[0] for t in triples) if (s, *stated) in triples)
        chunks.append(quads(triples, iri))
    for name, triples in shared.items():
        if triples:
            chunks.append(quads(triples, dataset_graph_iri(name, base)))
    data = b"".join(chunks)
    return Converted(data, tuple(graphs), frozenset(in_corpus), data.count(b"\n"))


def quads(triples: Triples, graph_iri: str) -> bytes:
    """The triples as N-Quads lines in `graph_iri`: each the N-Triples row rdflib's serialiser writes for it
    (`nt._nt_row`: `n3()`, and `_quoteLiteral` for a literal object), with the graph before its final ` .`.
    A term used again (a figure's node, a property) is written once: by id, as `triples` keeps every term
    alive meanwhile."""
    tail = f" {ox.NamedNode(graph_iri)} .\n"
    nodes: dict[int, str] = {}
    objects: dict[int, str] = {}
    lines = []
    for s, p, o in triples:
        s3 = nodes.get(id(s)) or nodes.setdefault(id(s), s.n3())
        p3 = nodes.get(id(p)) or nodes.setdefault(id(p), p.n3())
        o3 = objects.get(id(o))
        if o3 is None:
            o3 = objects[id(o)] = _quoteLiteral(o) if isinstance(o, Literal) else o.n3()
        lines.append(f"{s3} {p3} {o3}{tail}")
    return "".join(lines).encode()


def as_quads(ntriples: bytes, graph_iri: str) -> bytes:
    """N-Triples (one triple a line, each ending ` .`, as rdflib writes them) as N-Quads in `graph_iri`."""
    tail = f" {ox.NamedNode(graph_iri)} .".encode()
    return b"".join(line[:-2] + tail + b"\n" for line in ntriples.splitlines() if line.endswith(b" ."))


# -- in processes ---------------------------------------------------------------------------------------------

_worker: dict[str, object] = {}  # the batch and base of this worker process, set once by `_start`


def _start(batch: Batch, base: str, parent: int | None) -> None:
    _worker.update(batch=batch, base=base)
    # A build killed mid-load must not leave its workers behind: each waits on a queue whose other end its
    # siblings also hold, so it would never see EOF, and it keeps the build's stdout open. Linux: die with it.
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:  # forked, and the build died before the line above
        os._exit(1)


def _convert_spilled(path: str) -> Converted:
    with open(path, "rb") as handle:
        results = pickle.load(handle)  # noqa: S301 - the build's own spill file
    Path(path).unlink()
    return convert(results, _worker["batch"], _worker["base"])  # type: ignore[arg-type]


def converted(parts: Sequence[Path], batch: Batch, base: str, workers: int) -> Iterator[Converted]:
    """Each spilled part (`graph.build` pickles a list of `ParseResult`s per part) converted, in order; the
    spill files are removed as they are read. In this process when there is one part or one worker."""
    if workers <= 1 or len(parts) < 2:
        for path in parts:
            with open(path, "rb") as handle:
                results = pickle.load(handle)  # noqa: S301 - the build's own spill file
            path.unlink()
            yield convert(results, batch, base)
        return
    # fork only from a single-threaded process (a server's or a test runner's threads hold locks).
    method = "fork" if threading.active_count() == 1 else "forkserver"
    with ProcessPoolExecutor(min(workers, len(parts)), mp_context=multiprocessing.get_context(method),
                             initializer=_start, initargs=(batch, base, os.getpid() if method == "fork" else None)) as pool:
        waiting: deque[Future[Converted]] = deque()
        for path in parts:  # keep workers + 1 parts in flight: enough to overlap loading, few enough for memory
            waiting.append(pool.submit(_convert_spilled, str(path)))
            if len(waiting) > workers:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
