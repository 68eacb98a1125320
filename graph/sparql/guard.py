"""What a user query may do on the public endpoint, checked before and while it runs:

    Limits                       the caps: query length, nesting depth, result rows and bytes, time
    check_shape(text, limits)    length and nesting depth, read by a small SPARQL tokenizer (linear, no parse)
    check_reach(text, allowed_services, dataset_graphs, …)
                                 no SERVICE outside the allow-list, no FROM / FROM NAMED / default-graph-uri /
                                 named-graph-uri outside our own dataset: decided on rdflib's parse tree

`QueryRefused` (400) carries the reason. Shape first: rdflib's parser recurses per nesting level, so a deep
query must be refused before it reaches it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import QueryError, QuerySyntaxError


class QueryRefused(QueryError):
    """A query this endpoint will not run (too long, too deep, too large a result, reaches outside)."""

    http_status = 400


class QueryBusy(QueryError):
    """Every query worker is busy and the queue is full: try again shortly (503 with Retry-After)."""

    http_status = 503
    retry_after = 1


class QueryCrashed(QueryError):
    """The query stopped the worker running it (stack, memory): the query's fault, not the store's."""

    http_status = 400


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    """The public endpoint's caps; every one is configurable (server config `QUERY_*`, see the README)."""

    timeout: float = 5.0  # seconds of engine time per query
    max_body: int = 1 << 20  # bytes of a request body (413 beyond)
    max_length: int = 64 * 1024  # characters of query text
    max_depth: int = 32  # nesting of { } and ( )
    max_rows: int = 10_000  # solutions of a SELECT, triples of a CONSTRUCT / DESCRIBE
    max_bytes: int = 16 << 20  # bytes of a serialized result
    services: tuple[str, ...] = ()  # SERVICE endpoints a query may call; none by default

    def describe(self) -> dict[str, object]:
        return {"timeout_seconds": self.timeout, "max_request_bytes": self.max_body,
                "max_query_length": self.max_length, "max_nesting_depth": self.max_depth,
                "max_result_rows": self.max_rows, "max_result_bytes": self.max_bytes,
                "allowed_services": list(self.services)}


# -- shape: length and depth ------------------------------------------------------------------------------

# Strings (long forms first), IRIs, comments and the brackets: everything else is skipped a character at a time.
_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n\r]*|[{}()\[\]]',
                    re.DOTALL)
_OPEN, _CLOSE = "{([", "})]"


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, IRIs and comments (unbalanced text: what it reaches)."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def check_shape(text: str, limits: Limits) -> None:
    if len(text) > limits.max_length:
        raise QueryRefused(f"the query is {len(text):,} characters long; the limit is {limits.max_length:,}")
    depth = nesting_depth(text)
    if depth > limits.max_depth:
        raise QueryRefused(f"the query nests {{ }} / ( ) {depth} deep; the limit is {limits.max_depth}")


# -- reach: SERVICE and the dataset ------------------------------------------------------------------------

# Only a query that could name SERVICE or FROM pays for rdflib's parse: one without these letters (in any
# case, or hidden behind a \u escape) cannot hold either keyword.
_MAY_REACH = re.compile(r"service|from|\\u|\\U", re.IGNORECASE)


def check_reach(text: str, allowed_services: Iterable[str], dataset_graphs: Callable[[], Iterable[str]],
                default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = ()) -> None:
    """Refuse a query that would make the engine reach outside our dataset (`dataset_graphs()` is asked only
    when the query or the protocol names a graph)."""
    protocol_graphs = list(default_graph_uris) + list(named_graph_uris)
    if not protocol_graphs and not _MAY_REACH.search(text):
        return
    ours = set(dataset_graphs())
    for iri in protocol_graphs:
        if iri not in ours:
            raise QueryRefused(f"default-graph-uri / named-graph-uri {iri!r} is not a graph of this dataset; "
                               "GET /sparql?graph=… lists nothing else either: see the service description")
    if not _MAY_REACH.search(text):
        return
    allowed = set(allowed_services)
    for kind, target in _reaches(text):
        if kind == "SERVICE":
            if target is None:
                raise QueryRefused("SERVICE with a variable endpoint is not allowed on this endpoint")
            if target not in allowed:
                raise QueryRefused(f"SERVICE <{target}> is not allowed: this endpoint calls no other service"
                                   + (f" but {', '.join(sorted(allowed))}" if allowed else ""))
        elif target not in ours:
            raise QueryRefused(f"{kind} <{target}> is not a graph of this dataset")


def _reaches(text: str) -> Iterator[tuple[str, str | None]]:
    """("SERVICE", endpoint IRI or None for a variable) and ("FROM" / "FROM NAMED", graph IRI), from the parse
    tree of every part of the query (subqueries, OPTIONAL, UNION, MINUS, FILTER EXISTS …)."""
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        raise QuerySyntaxError(str(exc), (exc.lineno, exc.col)) from exc
    except RecursionError as exc:
        raise QueryRefused("the query is too deeply nested to be checked") from exc
    except Exception as exc:  # noqa: BLE001 - rdflib raises what it likes on text it cannot resolve (prefixes)
        raise QueryRefused(f"the query names SERVICE or FROM and could not be checked: {exc}") from exc
    prefixes: dict[str, str] = {}
    base = ""

    def resolve(term: object) -> str | None:
        if isinstance(term, URIRef):
            return str(term) if not base or ":" in str(term) else base + str(term)
        if isinstance(term, CompValue) and term.name == "pname":
            return prefixes.get(dict.get(term, "prefix") or "", "") + (dict.get(term, "localname") or "")
        return None

    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "PrefixDecl":
                prefixes[dict.get(node, "prefix") or ""] = str(dict.get(node, "iri"))
            elif node.name == "Base":
                base = str(dict.get(node, "iri"))
            elif node.name == "ServiceGraphPattern":
                yield "SERVICE", resolve(dict.get(node, "term"))
            elif node.name == "DatasetClause":
                if dict.get(node, "default") is not None:
                    yield "FROM", resolve(dict.get(node, "default")) or ""
                if dict.get(node, "named") is not None:
                    yield "FROM NAMED", resolve(dict.get(node, "named")) or ""
            stack.extend(reversed(list(dict.values(node))))
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(reversed(node))
