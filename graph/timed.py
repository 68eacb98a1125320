"""The core's own look-ups under the same time limit as `/sparql`: `selector(store, runner)` gives a function
from a SELECT query to its rows, run by the runner (`graph.sparql.query_runner`, whose worker processes are
killed at the limit) when one is given, else directly on the store.

Rows are dicts of rdflib terms, as `Store.select` gives them, so the callers do not care which ran the query.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import rdflib
from rdflib.term import Node

from .sparql import RESULT_FORMATS, QueryRequest, Runner
from .store import Store

Select = Callable[[str], list[dict[str, Node]]]
_JSON = RESULT_FORMATS[0]  # SPARQL 1.1 Query Results JSON


def selector(store: Store, runner: Runner | None = None) -> Select:
    if runner is None:
        return store.select

    def select(query: str) -> list[dict[str, Node]]:
        body, _ = runner.run(QueryRequest(query, _JSON))
        return rows_of(body)

    return select


def rows_of(body: bytes) -> list[dict[str, Node]]:
    """SPARQL JSON results → rows of rdflib terms (unbound variables absent, as `Store.select` has them)."""
    data = json.loads(body.decode("utf-8"))
    return [{name: _term(value) for name, value in binding.items()} for binding in data["results"]["bindings"]]


def _term(value: dict[str, str]) -> Node:
    kind = value["type"]
    if kind == "uri":
        return rdflib.URIRef(value["value"])
    if kind == "bnode":
        return rdflib.BNode(value["value"])
    if "xml:lang" in value:
        return rdflib.Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    return rdflib.Literal(value["value"], datatype=rdflib.URIRef(datatype) if datatype else None)
