"""The core's own look-ups under the same time limit as `/sparql`: `selector(store, runner)` gives a function
from a SELECT query to its rows, run by the runner (`graph.sparql.query_runner`, whose worker processes are
killed at the limit) when one is given, else directly on the store.

Rows are dicts of `Term`s: strings that know their kind, datatype and language and convert like rdflib's
(`toPython()`). Building rdflib terms costs ~25 µs each, more than the engine takes for a whole look-up, so the
look-ups read SPARQL JSON results into these instead, on every backend alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .sparql import RESULT_FORMATS, QueryRequest, Runner
from .store import Store

_JSON = RESULT_FORMATS[0]  # SPARQL 1.1 Query Results JSON
_XSD = "http://www.w3.org/2001/XMLSchema#"


class Term(str):
    """An RDF term as its lexical form; `kind` is "uri", "bnode" or "literal". The defaults live on the class,
    so a term sets only what differs from them (most are plain literals or IRIs): building terms is most of a
    look-up's own cost."""

    kind: str = "literal"
    datatype: str | None = None
    language: str | None = None

    def __new__(cls, value: str, kind: str = "literal", datatype: str | None = None,
                language: str | None = None) -> Term:
        term = super().__new__(cls, value)
        if kind != "literal":
            term.kind = kind
        if datatype is not None:
            term.datatype = datatype
        if language is not None:
            term.language = language
        return term

    def toPython(self) -> Any:  # noqa: N802 - the name rdflib's terms use, so callers take either
        text, datatype = str(self), (self.datatype or "").removeprefix(_XSD)
        try:
            if datatype == "boolean":
                return text in ("true", "1")
            if datatype in ("integer", "int", "long"):
                return int(text)
            if datatype == "decimal":
                return Decimal(text)
            if datatype == "date":
                return dt.date.fromisoformat(text)
        except ValueError:
            pass
        return text


Select = Callable[[str], list[dict[str, Term]]]


def selector(store: Store, runner: Runner | None = None) -> Select:
    def select(query: str) -> list[dict[str, Term]]:
        if runner is None:
            body, _ = store.query_serialized(query, _JSON.media_type)
        else:
            body, _ = runner.run(QueryRequest(query, _JSON))
        return rows_of(body)

    return select


def rows_of(body: bytes) -> list[dict[str, Term]]:
    """SPARQL JSON results → rows of `Term`s (unbound variables absent, as `Store.select` has them)."""
    data = json.loads(body)
    return [{name: _term(v) for name, v in binding.items()} for binding in data["results"]["bindings"]]


def _term(v: dict[str, str]) -> Term:
    kind = v["type"]
    if kind == "literal" or kind == "typed-literal":
        return Term(v["value"], "literal", v.get("datatype"), v.get("xml:lang"))
    return Term(v["value"], kind)
