"""The whole graph's validation on every core: its queries shared among worker processes.

    disk_path(store) -> str | None                            where an embedded on-disk store keeps its files
    run(store, path, workers, groups, structure) -> Rows | None   every query's rows, as one process finds them
    group_rows(store, group, timings)                         one group's rows of the rules across notices

A whole-graph validation is a list of independent read-only queries: one SELECT per structure check
(`graph.shapes_sparql`), one per content rule within one notice, and, for the rules across notices, one
small engine per group of notices (`graph.across`). One process runs them one after the other on one core
(61% of a 30,000-notice build). Here each worker process opens the same store read-only (RocksDB allows
read-only handles beside the writer, once the writer has flushed and while it writes nothing) and takes the
next query from the list; the rows come back to the calling process, which turns them into findings exactly
as it would have (in the same order: checks, then rules, then groups). The costliest tasks go first, so
that no worker is left with a long one at the end. A worker that cannot read (a read-only handle that lost a
file to the writer's compaction, a crash) makes `run` warn and return None: the caller then validates in
its own process, with the same findings, only slower.
"""

from __future__ import annotations

import multiprocessing
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Node

from . import across, shapes_run, shapes_sparql
from .errors import StoreError
from .rules import content_rules
from .store import OxigraphStore, Store, _read_only

Row = dict[str, Node]
_CHUNK_GROUPS = 4  # groups of notices per task: each is a small engine of its own


@dataclass
class Rows:
    """The rows of each query, keyed as the calling process asks for them, with the time each took."""

    checks: list[list[Row]] = field(default_factory=list)  # per structure check, in `structure_checks()` order
    rules: dict[str, list[Row]] = field(default_factory=dict)  # per content rule IRI: within, then groups in order
    timings: dict[str, float] = field(default_factory=dict)  # ms summed over the workers, per phase and rule


def disk_path(store: Store) -> str | None:
    """The directory of an embedded Oxigraph store on disk (its current generation when it has them)."""
    if not isinstance(store, OxigraphStore) or not store.url.startswith("oxigraph:"):
        return None
    path = Path(store.url[len("oxigraph:"):].partition("?")[0])
    return str(path / store.generation) if store.generation else str(path)


_worker: dict[str, Store] = {}
_focus_of: dict[str, list[Node]] = {}  # each target's focus nodes, read once per worker (shapes_run.whole_rows)


def _start(path: str) -> None:
    _worker["store"] = OxigraphStore(_read_only(path), f"oxigraph:{path}?ro")


def _timed(timings: dict[str, float], key: str, start: float) -> None:
    timings[key] = timings.get(key, 0.0) + (time.perf_counter() - start) * 1000


def _task(kind: str, index: int, groups: Sequence[tuple[str, ...]]) -> tuple[list, dict[str, float]]:
    """One task's rows: a structure check's, a rule within one notice's, or, per group, every rule across
    notices' rows (a list per group of {rule IRI: rows})."""
    store, timings = _worker["store"], {}
    start = time.perf_counter()
    if kind == "check":
        check = shapes_sparql.structure_checks()[index]
        rows = shapes_run.whole_rows(store, check, _focus_of)
        _timed(timings, "structure", start)
        return rows, timings
    if kind == "rule":
        rule = content_rules()[index]
        rows = store.select(rule.query())
        _timed(timings, f"rule {rule.name}", start)
        return rows, timings
    return [group_rows(store, group, timings) for group in groups], timings


def group_rows(store: Store, group: Sequence[str], timings: dict[str, float]) -> dict[str, list[Row]]:
    """Every rule across notices' rows for one group of the whole graph (`across.groups`): on the group's
    small engine, its notices bound as the lower side. `timings` gains the time spent, per phase and rule."""
    start = time.perf_counter()
    near = across.neighbourhood(store, group, False)
    _timed(timings, "neighbourhood across", start)
    found = {}
    for rule in content_rules():
        if "otherNotice" in rule.variables:
            start = time.perf_counter()
            found[rule.iri] = near.select(rule.query(group, "thisNotice"))
            _timed(timings, f"rule {rule.name}", start)
    return found


def run(store: Store, path: str, workers: int, groups: Sequence[tuple[str, ...]],
        structure: bool = True) -> Rows | None:
    """Every structure check's (with `structure`) and every content rule's rows over the whole store at
    `path`, `groups` being `across.groups(store)`, run by `workers` processes. The store must not be written
    meanwhile. None (with a warning) when a worker could not read the store."""
    try:
        return _run(store, path, workers, groups, structure)
    except (OSError, StoreError, BrokenProcessPool) as exc:
        warnings.warn(f"validation workers failed ({type(exc).__name__}: {exc}); validating in this process",
                      RuntimeWarning, stacklevel=2)
        return None


def _run(store: Store, path: str, workers: int, groups: Sequence[tuple[str, ...]], structure: bool) -> Rows:
    flush = getattr(getattr(store, "engine", None), "flush", None)
    if flush is not None and not store.url.endswith("?ro"):
        flush()  # what the writer holds in memory, on disk for the read-only handles
    checks = shapes_sparql.structure_checks()
    rules = content_rules()
    within = [i for i, r in enumerate(rules) if "otherNotice" not in r.variables]
    chunks = [groups[i: i + _CHUNK_GROUPS] for i in range(0, len(groups), _CHUNK_GROUPS)]
    tasks = ([("rule", i, ()) for i in within] + [("check", i, ()) for i in range(len(checks) if structure else 0)]
             + [("groups", i, chunk) for i, chunk in enumerate(chunks)])
    out = Rows(checks=[[] for _ in checks], rules={r.iri: [] for r in rules})
    group_rows: list[list[dict[str, list[Row]]]] = [[] for _ in chunks]
    # spawn: a forked child would inherit the writer's RocksDB threads and locks half-way.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start, initargs=(path,)) as pool:
        futures = [(kind, i, pool.submit(_task, kind, i, chunk)) for kind, i, chunk in tasks]
        for kind, i, future in futures:
            rows, timings = future.result()
            for key, ms in timings.items():
                out.timings[key] = out.timings.get(key, 0.0) + ms
            if kind == "check":
                out.checks[i] = rows
            elif kind == "rule":
                out.rules[rules[i].iri] = rows
            else:
                group_rows[i] = rows
    for chunk in group_rows:  # the groups' rows after the rules within one notice, as `validate` keeps them
        for found in chunk:
            for iri, rows in found.items():
                out.rules[iri] += rows
    return out
