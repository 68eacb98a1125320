"""What a user query may do on the public endpoint, checked before and while it runs:

    Limits                       the caps: query length, nesting depth, result rows and bytes, time
    check_shape(text, limits)    length and nesting depth, read by a small SPARQL tokenizer (linear, no parse)
    iri_ref(iri)                 `<iri>` for a query, after checking it can hold nothing but an IRI
    check_reach(text, allowed_services, dataset_graphs, …)
                                 no SERVICE outside the allow-list, no FROM / FROM NAMED / default-graph-uri /
                                 named-graph-uri outside our own dataset

`QueryRefused` (400) carries the reason. Both checks read the query with one tokenizer of the grammar's
terminals (strings, IRIs, comments, variables, names), in linear time whatever the nesting. rdflib's parser
was tried first and cannot serve: it recurses per nesting level, and its SERVICE rule re-scans the whole
query text for every SERVICE, so two nested SERVICE clauses already exhaust Python's stack.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import QueryError


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


# -- a SPARQL tokenizer: the grammar's terminals (SPARQL 1.1 §19.8) --------------------------------------

# Comments, strings (long forms first), IRIs, variables, names (keywords, prefixed names, numbers, blank node
# labels) and single characters. Inside a string, an IRI or a comment nothing is a keyword.
_LEX = re.compile(
    r"(?P<skip>\s+|#[^\n\r]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"' r"|'(?:[^'\\\n\r]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]*)"
    r"|(?P<name>[\w\u00b7.:%\\-]+)"
    r"|(?P<other>.)",
    re.DOTALL)
_OPEN, _CLOSE = "{([", "})]"
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of every significant token: string, iri, var, name, other."""
    for match in _LEX.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "skip":
            yield kind, match.group(0)


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, IRIs and comments (unbalanced text: what it reaches)."""
    depth = deepest = 0
    for kind, token in _tokens(text):
        if kind == "other" and token in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and token in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def check_shape(text: str, limits: Limits) -> None:
    if len(text) > limits.max_length:
        raise QueryRefused(f"the query is {len(text):,} characters long; the limit is {limits.max_length:,}")
    depth = nesting_depth(text)
    if depth > limits.max_depth:
        raise QueryRefused(f"the query nests {{ }} / ( ) {depth} deep; the limit is {limits.max_depth}")


# -- reach: SERVICE and the dataset ------------------------------------------------------------------------


def check_reach(text: str, allowed_services: Iterable[str], dataset_graphs: Callable[[], Iterable[str]],
                default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = ()) -> None:
    """Refuse a query that would make the engine reach outside our dataset (`dataset_graphs()` is asked only
    when the query or the protocol names a graph)."""
    protocol_graphs = list(default_graph_uris) + list(named_graph_uris)
    reaches = reaches_of(text)
    if not protocol_graphs and not reaches:
        return
    allowed = set(allowed_services)
    for kind, target in reaches:
        if kind != "SERVICE":
            continue
        if target is None:
            raise QueryRefused("SERVICE with an endpoint given by a variable, or not as an IRI, is not allowed")
        if target not in allowed:
            raise QueryRefused(f"SERVICE <{target}> is not allowed: this endpoint calls no other service"
                               + (f" but {', '.join(sorted(allowed))}" if allowed else ""))
    graph_reaches = [(kind, target) for kind, target in reaches if kind != "SERVICE"]
    if not protocol_graphs and not graph_reaches:
        return
    ours = set(dataset_graphs())
    for iri in protocol_graphs:
        if iri not in ours:
            raise QueryRefused(f"default-graph-uri / named-graph-uri {iri!r} is not a graph of this dataset; "
                               "the service description lists its graphs")
    for kind, target in graph_reaches:
        if target not in ours:
            raise QueryRefused(f"{kind} <{target}> is not a graph of this dataset" if target else
                               f"{kind} names its graph in a way this endpoint cannot check: write it as <IRI>")


def reaches_of(text: str) -> list[tuple[str, str | None]]:
    """("SERVICE", endpoint) and ("FROM" / "FROM NAMED", graph), the IRI resolved or None. Read from the
    text as written and with its \\u escapes decoded (the grammar allows both readings), so that neither
    reading can hide a keyword from the other."""
    found = _reaches_in(text)
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if decoded != text:
        found += [r for r in _reaches_in(decoded) if r not in found]
    return found


def _is_keyword(token: str, word: str) -> bool:
    """Whether a name token is, or might be read by an engine as, the keyword `word`: the word itself, a
    prefix that ends in it (`SERVICE:x`), or a run that holds it (`1SERVICE`). Erring this way only refuses
    queries that were malformed anyway."""
    low = token.strip(".").lower()
    if ":" in low:
        return low.split(":", 1)[0].endswith(word)
    return word in low


def _reaches_in(text: str) -> list[tuple[str, str | None]]:
    tokens = list(_tokens(text))
    prefixes: dict[str, str] = {}
    base = ""
    found: list[tuple[str, str | None]] = []

    def iri_at(i: int) -> str | None:
        """The IRI the token at `i` names, resolved; None for a variable or anything else."""
        if i >= len(tokens):
            return None
        kind, token = tokens[i]
        if kind == "iri":
            value = token[1:-1]
            if _ABSOLUTE.match(value):
                return value
            return base.rsplit("/", 1)[0] + "/" + value if base and value else (base or None)
        if kind == "name" and ":" in token and not token.startswith("_:"):
            prefix, local = token.split(":", 1)
            return prefixes[prefix] + local if prefix in prefixes else None
        return None

    for i, (kind, token) in enumerate(tokens):
        if kind != "name":
            continue
        low = token.lower()
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if low == "prefix" and nxt[0] == "name" and nxt[1].endswith(":"):
            if i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
                prefixes[nxt[1][:-1]] = tokens[i + 2][1][1:-1]
        elif low == "base" and nxt[0] == "iri":
            base = nxt[1][1:-1]
        elif _is_keyword(token, "service"):
            at = i + 2 if nxt[0] == "name" and nxt[1].lower() == "silent" else i + 1
            found.append(("SERVICE", iri_at(at) if low == "service" else None))
        elif _is_keyword(token, "from"):
            named = nxt[0] == "name" and nxt[1].lower() == "named"
            found.append(("FROM NAMED" if named else "FROM",
                          iri_at(i + 2 if named else i + 1) if low == "from" else None))
    return found


# -- binding an IRI into an internal query -----------------------------------------------------------------

# What an IRIREF may not hold (SPARQL 1.1 grammar [139]), plus the characters that end one.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri_ref(iri: str) -> str:
    """`<iri>`, the IRI as a SPARQL term; `QueryRefused` when the text could end the term or is no absolute
    IRI, so nothing but the one IRI can ever reach the query."""
    text = str(iri)
    if not text or _NOT_IN_IRI.search(text) or not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise QueryRefused(f"not an IRI this service can look up: {text[:200]!r}")
    return f"<{text}>"
