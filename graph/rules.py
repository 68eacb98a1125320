"""The consistency rules: the SHACL shapes in `ontology/shapes/`, and the fast way to run the content rules.

`core.ttl` (structure) is SHACL Core, compiled to SPARQL by `graph.shapes_sparql`. `content.ttl` holds SHACL-SPARQL
constraints; pyshacl would run each once per focus node on rdflib's engine, which is far too slow on a whole
graph, so `ContentRule.query()` turns the same constraint text into one plain SELECT for Oxigraph: `$this`
becomes an ordinary variable tied to the shape's target class, and one query finds every violation at once.
Nothing here duplicates a rule: the SPARQL, the messages and the severities are read from the shapes graph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH
from rdflib.term import Node

SHAPES_DIR = Path(__file__).resolve().parent.parent / "ontology" / "shapes"
RULE = rdflib.Namespace("https://noticekg.org/def/rule/")

_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PROJECTED = re.compile(r"^\s*SELECT\b(.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)


@cache
def core_shapes() -> rdflib.Graph:
    """The structure shapes (core.ttl), parsed once."""
    return rdflib.Graph().parse(SHAPES_DIR / "core.ttl", format="turtle")


@cache
def content_shapes() -> rdflib.Graph:
    """The content rules (content.ttl), parsed once: what pyshacl reads, and what `content_rules` reads."""
    return rdflib.Graph().parse(SHAPES_DIR / "content.ttl", format="turtle")


@dataclass(frozen=True)
class ContentRule:
    """One SHACL-SPARQL constraint of content.ttl, as the fast path runs it."""

    iri: str  # the rule: the node shape rule:shares-add-up …
    severity: str  # sh:Violation, sh:Warning or sh:Info (full IRI)
    target_class: str
    select: str  # the constraint's SELECT as written, with $this
    prefixes: tuple[tuple[str, str], ...]  # (prefix, namespace), from sh:declare
    messages: tuple[tuple[str, str], ...]  # (language, template with {?var} / {$var})

    @property
    def name(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    @property
    def variables(self) -> frozenset[str]:
        """The variables the SELECT projects ($this as `this`)."""
        m = _PROJECTED.match(self.select)
        return frozenset(re.findall(r"[?$](\w+)", m.group(1))) if m else frozenset()

    def query(self, notices: Sequence[str] = (), side: str = "thisNotice") -> str:
        """The SELECT for a whole graph. With `notices`, only the violations in which one of those notices takes
        part as `side` (`thisNotice` or `otherNotice`): bound up front, so the engine starts from them."""
        inner = _THIS.sub("?this", self.select.strip())
        if notices:
            if side not in self.variables:
                raise ValueError(f"{self.iri} does not project ?{side}")
            bound = " ".join(str(ox.NamedNode(iri)) for iri in notices)  # checked IRIs
            inner = _bind_up_front(inner, side, f"VALUES ?{side} {{ {bound} }}")
            if inner is None:
                raise ValueError(f"{self.iri}: no WHERE clause")
        header = "".join(f"PREFIX {p}: {ox.NamedNode(ns)}\n" for p, ns in self.prefixes)
        header += "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        header += "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        # The target, as pyshacl applies it: instances of the class or of its subclasses; asked of each row
        # the constraint found, not joined as a pattern (that would list every figure of the store, and an
        # incremental run would cost as much as the whole graph).
        return (f"{header}SELECT * WHERE {{\n  {{\n{inner}\n  }}\n"
                f"  FILTER EXISTS {{ ?this rdf:type/rdfs:subClassOf* {ox.NamedNode(self.target_class)} }}\n}}")

    def message(self, language: str, bindings: Mapping[str, Node]) -> str:
        """The message in `language` with its {?var} filled in, as pyshacl fills them (the term's str)."""
        template = dict(self.messages).get(language) or next((t for _, t in self.messages), "")
        for var, value in bindings.items():
            template = template.replace(f"{{?{var}}}", str(value)).replace(f"{{${var}}}", str(value))
        return template


def _bind_up_front(select: str, side: str, values: str) -> str | None:
    """`values` at the start of the outer WHERE and of every subquery that projects ?side: the engine
    evaluates a subquery on its own, so a group it computes (a sum per notice) must be bound there too, or
    it would be computed for every notice of the store."""
    matches = list(_WHERE.finditer(select))
    if not matches:
        return None
    out, last = [], 0
    for i, m in enumerate(matches):
        head = select[select.rfind("SELECT", 0, m.start()):m.start()]
        if i == 0 or re.search(rf"\?{side}\b", head):
            out += [select[last:m.end()], f"\n  {values}"]
            last = m.end()
    out.append(select[last:])
    return "".join(out)


def _prefixes(shapes: rdflib.Graph, constraint: Node) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for declarer in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(declarer, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return tuple(sorted(found.items()))


@cache
def content_rules() -> tuple[ContentRule, ...]:
    """Every rule of content.ttl: a node shape (the rule's IRI) holding one active SHACL-SPARQL constraint."""
    shapes = content_shapes()
    rules = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None))):
        if not is_rule(str(shape)):
            raise ValueError(f"{shape}: a content rule's shape is named under {RULE}")
        targets = sorted(shapes.objects(shape, SH.targetClass))
        constraints = [c for c in shapes.objects(shape, SH.sparql)
                       if shapes.value(c, SH.deactivated) != rdflib.Literal(True)]
        if len(targets) != 1 or len(constraints) != 1:
            raise ValueError(f"{shape}: the fast path needs one sh:targetClass and one sh:sparql")
        constraint = constraints[0]
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ValueError(f"{shape}: no sh:select")
        messages = tuple(sorted((m.language or "", str(m)) for m in shapes.objects(constraint, SH.message)))
        rules.append(ContentRule(
            iri=str(shape), severity=str(shapes.value(shape, SH.severity) or SH.Violation),
            target_class=str(targets[0]), select=str(select), prefixes=_prefixes(shapes, constraint),
            messages=messages,
        ))
    return tuple(rules)


def is_rule(iri: str) -> bool:
    """Whether an IRI names one of our rules (a shape under rule:)."""
    return iri.startswith(str(RULE))
