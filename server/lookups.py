"""The server's own look-ups (linked data, pages, the API) under the same time limit and caps as `/sparql`.

`LookupStore` reads like a `graph.store.Store` (select / ask / construct, rdflib terms and graphs as the
store gives them), but every query goes to the look-up pool (`server.store.get_lookup_runner`): worker
processes of its own, killed at `QUERY_TIMEOUT` like the user query workers, so that a look-up that runs too
long is cut off (503 `QueryTimeout` in the one error shape) rather than holding a server thread, and user
SPARQL filling its own pool cannot starve a page. Everything that is not a query (`url`, `generation`,
`triple_count`, `graph_iris` …) is the wrapped store's.
"""

from __future__ import annotations

import json
from typing import Any

import rdflib
from rdflib.term import Node

from graph.sparql import GRAPH_FORMATS, RESULT_FORMATS, QueryRequest, Runner
from graph.store import Store

_JSON = RESULT_FORMATS[0]
_NT = next(f for f in GRAPH_FORMATS if f.name == "nt")
_XSD_STRING = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#string")


class LookupStore:
    def __init__(self, store: Store, runner: Runner) -> None:
        self.store = store
        self.runner = runner

    def __getattr__(self, name: str) -> Any:  # url, generation, triple_count … : the store's own
        return getattr(self.store, name)

    def _run(self, query: str, fmt: Any = _JSON) -> bytes:
        return self.runner.run(QueryRequest(query, fmt))[0]

    def select(self, query: str) -> list[dict[str, Node]]:
        data = json.loads(self._run(query))
        return [{name: _term(value) for name, value in binding.items()} for binding in data["results"]["bindings"]]

    def ask(self, query: str) -> bool:
        return bool(json.loads(self._run(query))["boolean"])

    def construct(self, query: str) -> rdflib.Graph:
        return rdflib.Graph().parse(data=self._run(query, _NT).decode("utf-8"), format="nt")

    def query_serialized(self, query: str, accept: str, *, default_graph_uris: tuple[str, ...] = (),
                         named_graph_uris: tuple[str, ...] = ()) -> tuple[bytes, str]:
        fmt = next((f for f in (*RESULT_FORMATS, *GRAPH_FORMATS) if f.media_type == accept), _JSON)
        return self.runner.run(QueryRequest(query, fmt, default_graph_uris, named_graph_uris))


def _term(value: dict[str, Any]) -> Node:
    """A SPARQL JSON term as the store's own `select` gives it (a plain literal typed xsd:string)."""
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return rdflib.URIRef(text)
    if kind == "bnode":
        return rdflib.BNode(text)
    if "xml:lang" in value:
        return rdflib.Literal(text, lang=value["xml:lang"])
    return rdflib.Literal(text, datatype=rdflib.URIRef(value["datatype"]) if "datatype" in value else _XSD_STRING)
