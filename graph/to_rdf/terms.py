"""The RDF terms the writers make, each made once: a build writes ~300 triples a notice, and rdflib makes (and
checks) a new URIRef at every access to a namespace and takes ~30 µs to make a Literal, most of the writing.

    NKG, RDF, …      the namespaces of `graph.vocab`, each term made at its first access (`Terms`)
    literal(value)   `Literal(value)`, from a bounded cache
    decimal(value)   an xsd:decimal literal of a Decimal, every digit kept, never an exponent

Equal terms to those rdflib makes: a cached term is the same value, only not made again.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .. import vocab


class Terms:
    """A namespace whose terms are each made once; a term a closed namespace lacks still raises."""

    def __init__(self, namespace: type[DefinedNamespace] | Namespace) -> None:
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)  # the next access is a plain attribute
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


DCTERMS, ELI, KIND, NKG, OA, PROV, RDF, RDFS, XSD = (Terms(n) for n in (
    vocab.DCTERMS, vocab.ELI, vocab.KIND, vocab.NKG, vocab.OA, vocab.PROV, vocab.RDF, vocab.RDFS, vocab.XSD))


@lru_cache(maxsize=1 << 16, typed=True)  # typed: True and 1 are two literals
def literal(value: object) -> Literal:
    """`Literal(value)`, made once for a value that recurs (a year, a date, an offset, a unit, a flag)."""
    return Literal(value)


def decimal(value: Decimal) -> Literal:
    # format(…, "f") never writes an exponent (5.5E+2 is not a valid xsd:decimal) and keeps every digit; the
    # text is the key (Decimal("1.0") == Decimal("1.00"), but they are two literals).
    return _decimal(format(value, "f"))


@lru_cache(maxsize=4096)
def _decimal(text: str) -> Literal:
    return Literal(text, datatype=XSD.decimal)
