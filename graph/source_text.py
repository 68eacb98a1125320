"""How a source file's whole text is kept in the graph, and read back: the one place that knows.

    triples(node, text) -> [(s, p, o)]                 what the writer adds for a source file's text
    whole_text(store, source) -> str | None            the whole text
    excerpt(store, source, start, end) -> str | None   text[start:end], reading only the parts it needs
    parts(source) -> str                               a SPARQL pattern: its text in pieces (?piece, ?at)

A text of at most `PART` characters is one `nkg:text` literal on the source file, as always. A longer one
(a file of 5 MB is 1.7 M characters) is cut into consecutive `nkg:TextPart`s (`<source>/text/N`, with
`nkg:textOffset` and `nkg:partText`), so that no literal is larger than a part and a reader of one quote
or one notice fetches the parts it needs, not the whole file. Why parts in the store rather than a file by
hash next to it: the store may be in memory or a remote SPARQL server, which have no "next to"; exports,
releases and the Graph Store Protocol carry the parts like any triples; and the quote check (rule
`quote-offsets`) still runs as SPARQL on the graph alone. Offsets always index into the whole text.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from .store import Store
from .vocab import NKG, RDF

PART = 65_536  # characters of one part; a quote is a clause, far shorter, so it spans at most two parts



def parts(source: str = "?source") -> str:
    """A SPARQL pattern binding `?piece` and `?at` to the pieces of `source`'s text (a variable, or an IRI
    in angle brackets the caller has checked): either its one nkg:text at 0, or its parts at their offsets."""
    return (f"{{ {source} {ox.NamedNode(NKG.text)} ?piece . BIND(0 AS ?at) }} UNION "
            f"{{ {source} {ox.NamedNode(NKG.textPart)} ?part . ?part {ox.NamedNode(NKG.textOffset)} ?at ; {ox.NamedNode(NKG.partText)} ?piece }}")


def triples(node: URIRef, text: str) -> list[tuple[Node, Node, Node]]:
    if len(text) <= PART:
        return [(node, NKG.text, Literal(text))] if text else []
    found: list[tuple[Node, Node, Node]] = []
    for n, at in enumerate(range(0, len(text), PART)):
        part = URIRef(f"{node}/text/{n}")
        found += [(node, NKG.textPart, part), (part, RDF.type, NKG.TextPart),
                  (part, NKG.textOffset, Literal(at)), (part, NKG.partText, Literal(text[at:at + PART]))]
    return found


def _pieces(store: Store, source: str, start: int | None = None, end: int | None = None) -> list[tuple[int, str]]:
    """(offset, text) of the pieces of `source`'s text (a checked IRI), those overlapping [start, end) when
    given, in order."""
    window = "" if start is None or end is None else (
        f"FILTER(?at < {int(end)} && ?at + STRLEN(STR(?piece)) > {int(start)})")
    # DISTINCT: a store whose union default graph is a bag (Oxigraph 0.5) repeats a text held in two graphs.
    rows = store.select(f"SELECT DISTINCT ?at ?piece WHERE {{ {parts(f'{ox.NamedNode(source)}')} {window} }}")
    return sorted({int(r["at"]): str(r["piece"]) for r in rows}.items())


def whole_text(store: Store, source: str) -> str | None:
    pieces = _pieces(store, source)
    return "".join(piece for _, piece in pieces) if pieces else None


def excerpt(store: Store, source: str, start: int, end: int) -> str | None:
    """The source text from `start` to `end` (clipped to the text), None when the source has no text."""
    pieces = _pieces(store, source, max(0, start), end)
    if not pieces:
        return None
    first = pieces[0][0]
    return "".join(piece for _, piece in pieces)[max(0, start) - first:end - first]
