"""The compiled structure checks (`graph.shapes_sparql`) run on a store: over the whole graph, or over the
focus nodes of a few notice graphs, so that an incremental run costs those graphs' nodes and not the store's.

    find_violations(store, graphs=None, checks=None, whole=False)   (check, row) for each violation
    whole_rows(store, check, focus_of)                              one check's rows over the whole graph

Over the whole graph a check with an `Open` form is asked with no focus node bound and its rows met with the
target's focus nodes here; otherwise the focus nodes are named in VALUES or the target runs in place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from rdflib.term import BNode, Node

from .shapes_sparql import Check, _node, _nodes_of, structure_checks
from .store import Store

_T = TypeVar("_T")

__all__ = ["find_violations", "focus_query", "whole_rows"]


_CHUNK = 400  # focus nodes named in one query


def find_violations(store: Store, graphs: Sequence[str] | None = None, checks: Sequence[Check] | None = None,
                    whole: bool = False) -> Iterator[tuple[Check, dict[str, Node]]]:
    """(check, row with ?focus and maybe ?value) for each violation in the store's union graph; with
    `graphs`, for the focus nodes that occur in those graphs only.

    For a few graphs, their nodes are read once, each shape's focus nodes among them once per target, and
    each check names its focus nodes in VALUES: the engine starts from them, so the cost is those graphs',
    not the store's. A blank node cannot be named in a query: if one occurs, the checks bind the graphs
    instead (`Check.query(graphs=…)`). With `whole` (the graphs are much of the store), every check runs on
    the whole graph and the rows on their nodes are kept: cheaper than naming them all."""
    checks = structure_checks() if checks is None else checks
    if graphs is None:
        focus_of: dict[str, list[Node]] = {}
        for check in checks:
            for row in whole_rows(store, check, focus_of):
                yield check, row
        return
    if not graphs:
        return
    literals = any(c.literal_focus for c in checks)
    nodes = {row["focus"] for chunk in _chunks(list(graphs), _CHUNK)
             for row in store.select(f"SELECT ?focus WHERE {{ {{ {_nodes_of(chunk)} }} "
                                     f"{'' if literals else 'FILTER(!isLiteral(?focus))'} }}")}
    focus_of: dict[str, list[Node]] = {}
    if whole or any(isinstance(n, BNode) for n in nodes):
        for check in checks:
            for row in whole_rows(store, check, focus_of) if whole else store.select(check.query(graphs=graphs)):
                if row["focus"] in nodes:
                    yield check, row
        return
    ordered = sorted(nodes, key=str)
    for check in checks:
        if check.target not in focus_of:
            focus_of[check.target] = [row["focus"] for chunk in _chunks(ordered, _CHUNK)
                                      for row in store.select(focus_query(check.target, chunk))]
        for chunk in _chunks(focus_of[check.target], _CHUNK):
            for row in store.select(check.query(focus=chunk)):
                yield check, row


_WHOLE_CHUNK = 10_000  # focus nodes named in one query of a whole-graph run


def whole_rows(store: Store, check: Check, focus_of: dict[str, list[Node]]) -> list[dict[str, Node]]:
    """A check's rows over the whole graph. Each target's focus nodes are read once (`focus_of` keeps them).

    A check with an `Open` form asks it with no focus node bound, and its rows are met with the focus nodes
    in Python: a scan of the path's triples (a cardinality as GROUP BY) instead of one look-up per focus
    node, 3-15x cheaper at 3,000 notices (bench/structure.py). Otherwise a target of several patterns (a
    UNION, made distinct) has its focus nodes named in VALUES: 41 checks share the figures' target of four
    patterns, which cost as much as each check's own test. A target of one pattern is cheaper in place (a
    class: 2x dearer in VALUES), and so is any target with a blank node among its focus nodes, which cannot
    be named."""
    if check.open is not None:
        nodes = _focus_nodes(store, check.target, focus_of)
        found = store.select(check.open.query)
        if check.open.rows:
            members = set(nodes)
            return [row for row in found if row["focus"] in members]
        satisfied = {row["focus"] for row in found}
        return [{"focus": n} for n in nodes if n not in satisfied]
    if " UNION " not in check.target:
        return store.select(check.query())
    nodes = _focus_nodes(store, check.target, focus_of)
    if any(isinstance(n, BNode) for n in nodes):
        return store.select(check.query())
    return [row for chunk in _chunks(nodes, _WHOLE_CHUNK) for row in store.select(check.query(focus=chunk))]


def _focus_nodes(store: Store, target: str, focus_of: dict[str, list[Node]]) -> list[Node]:
    if target not in focus_of:
        focus_of[target] = sorted((row["focus"] for row in store.select(
            f"SELECT DISTINCT ?focus WHERE {{ {target} }}")), key=str)
    return focus_of[target]


def focus_query(target: str, nodes: Sequence[Node]) -> str:
    """Which of `nodes` a target selects."""
    return f"SELECT DISTINCT ?focus WHERE {{ VALUES ?focus {{ {' '.join(_node(n) for n in nodes)} }} {target} }}"


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
