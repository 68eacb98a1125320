"""The structure shapes (`ontology/shapes/core.ttl`) compiled to SPARQL SELECTs that run on the store.

pyshacl walks a data graph node by node in Python, about 55 ms for one notice of ~330 triples, and it needs
the notice's graph pulled out of the store with the shared nodes it refers to. Here each constraint of each
shape becomes one SELECT over the union of the store's graphs that lists the focus nodes violating it, with
the value node where SHACL reports one per value: one query per constraint for the whole graph, or, for an
incremental run, with the focus nodes bound to the nodes of a few notice graphs, so that its cost is theirs
and not the store's. pyshacl stays the reference: tests/test_shapes_sparql.py checks both find the same
results on every example, on the corpus and on a small graph per construct. Running them on a store is
`graph.shapes_run`'s.

The SHACL Core subset understood (what core.ttl uses, and the few neighbours that cost a line):

    targets       sh:targetClass (with rdfs:subClassOf*), sh:targetSubjectsOf, sh:targetObjectsOf, sh:targetNode
    paths         a predicate, sh:alternativePath, sequences, sh:inversePath, sh:zeroOrMorePath,
                  sh:oneOrMorePath, sh:zeroOrOnePath
    constraints   sh:minCount, sh:maxCount, sh:datatype, sh:class, sh:nodeKind, sh:pattern (+ sh:flags),
                  sh:minLength, sh:maxLength, sh:hasValue, sh:in, sh:minInclusive, sh:maxInclusive,
                  sh:minExclusive, sh:maxExclusive, sh:lessThan, sh:lessThanOrEquals,
                  sh:not, sh:and, sh:or, sh:xone, sh:node over nested shapes; sh:property
    reporting     sh:message, sh:severity, sh:deactivated

Anything else on a shape is refused when the shapes are compiled (`ValueError`), never ignored. The query
text holds nothing but the shapes file's own IRIs (checked by `graph.sparql.iri_ref`) and literals (written
by rdflib, escaped), and the notice graph IRIs of an incremental run, checked the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from .rules import core_shapes
from .sparql import iri_ref

__all__ = ["Check", "Open", "compile_shapes", "structure_checks"]

# Parameters that shape a report or a shape's place, not a constraint: read where needed, or harmless.
_NOT_CONSTRAINTS = {
    SH.path, SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
    SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.property, SH.flags,
    SH.declare, SH.prefixes, SH.defaultValue,
}
_COMPARISONS = {  # parameter: (the SPARQL operator a conforming value satisfies, the component)
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
_PAIRS = {SH.lessThan: ("<", SH.LessThanConstraintComponent),
          SH.lessThanOrEquals: ("<=", SH.LessThanOrEqualsConstraintComponent)}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})", SH.IRIOrLiteral: "!isBlank({v})",
}
# Datatypes whose lexical form SPARQL can check by casting: an ill-formed literal (2020-02-30 as xsd:date)
# is no instance of its datatype, as pyshacl (rdflib's ill_typed) says too.
_CASTABLE = {XSD.integer, XSD.decimal, XSD.boolean, XSD.date, XSD.dateTime, XSD.float, XSD.double}
_MAX_CARDINALITY = 4  # counted by distinct values in a pattern, so kept small


@dataclass(frozen=True)
class Open:
    """A check asked of the whole graph with no focus node bound: a SELECT of ?focus (and ?value) over every
    node that has the shape's path, which the caller meets with the target's focus nodes. With `rows`, its
    rows are the violations (those of focus nodes); else it lists the nodes that satisfy the constraint, and
    the violations are the focus nodes it does not list (sh:minCount, sh:hasValue). sh:class is an
    anti-join (MINUS) with every instance of the class: 20x cheaper than a path per value. Only for a path that
    cannot be of length zero: such a path with an unbound end would bind every term of the graph."""

    query: str
    rows: bool


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as one SELECT of ?focus (and ?value when SHACL reports a value node)."""

    shape: URIRef  # sh:sourceShape: the shape holding the constraint
    component: URIRef  # sh:sourceConstraintComponent
    severity: URIRef
    messages: tuple[Literal, ...]
    path: Node | None  # the shape's sh:path, a node of the shapes graph (sh:resultPath)
    path_triples: tuple[tuple[Node, Node, Node], ...]  # what a path of blank nodes hangs from
    target: str  # a pattern binding ?focus to every focus node of the shape
    violation: str  # a pattern over a bound ?focus that has a solution for each violation
    reports_value: bool
    value_is_focus: bool  # a node shape's value node is its focus node
    literal_focus: bool  # whether a literal can be a focus node (sh:targetObjectsOf, sh:targetNode)
    # The check over the whole graph without its target (`Open`), when it has such a form; else None.
    open: Open | None = None

    def query(self, focus: Sequence[Node] | None = None, graphs: Sequence[str] | None = None) -> str:
        """The SELECT over every focus node of the shape; over `focus` alone (nodes known to be the shape's
        focus nodes, see `focus_query`); or over the focus nodes that occur in `graphs` (IRIs)."""
        if focus is not None:
            nodes = f"VALUES ?focus {{ {' '.join(_node(n) for n in focus)} }}"
        elif graphs is not None:
            nodes = f"{{ {_nodes_of(graphs)} }}\n  FILTER EXISTS {{ {self.target} }}"
        else:
            nodes = f"{{ SELECT DISTINCT ?focus WHERE {{ {self.target} }} }}"
        value = "(?focus AS ?value)" if self.value_is_focus else "?value"
        projected = f"?focus {value}" if self.reports_value else "?focus"
        return f"SELECT DISTINCT {projected} WHERE {{\n  {nodes}\n  {self.violation}\n}}"

    @property
    def name(self) -> str:
        return f"{self.shape.rsplit('/', 1)[-1]} {self.component.rsplit('#', 1)[-1]}"


@cache
def structure_checks() -> tuple[Check, ...]:
    """Every check of core.ttl, compiled once."""
    return compile_shapes(core_shapes())


def compile_shapes(shapes: rdflib.Graph) -> tuple[Check, ...]:
    """Every active constraint of every shape that has targets, and of the property shapes it holds."""
    compiler = _Compiler(shapes)
    checks: list[Check] = []
    targeted = {s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
                for s in shapes.subjects(p, None)}
    implicit = set(shapes.subjects(RDF.type, RDFS.Class)) & _shapes(shapes)  # a shape that is a class
    for shape in sorted(targeted | implicit):
        if compiler.deactivated(shape):
            continue
        target = compiler.target(shape)
        literal_focus = any((shape, p, None) in shapes for p in (SH.targetObjectsOf, SH.targetNode))
        for held in [shape, *sorted(shapes.objects(shape, SH.property))]:
            if held is not shape and compiler.deactivated(held):
                continue
            checks += compiler.checks(held, target, literal_focus)
    return tuple(checks)


def _shapes(shapes: rdflib.Graph) -> set[Node]:
    return set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))


class _Compiler:
    def __init__(self, shapes: rdflib.Graph) -> None:
        self.g = shapes
        self.counter = itertools.count(1)

    def fresh(self, stem: str = "v") -> str:
        return f"?{stem}{next(self.counter)}"

    def deactivated(self, shape: Node) -> bool:
        return self.g.value(shape, SH.deactivated) == Literal(True)

    # -- terms, paths, targets ----------------------------------------------------------------------------

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return iri_ref(str(node))
        if isinstance(node, Literal):
            return node.n3()
        raise ValueError(f"a blank node as a constant in a shape is not supported: {node!r}")

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def path(self, node: Node) -> str:
        g = self.g
        if isinstance(node, URIRef):
            return self.term(node)
        if (alternatives := g.value(node, SH.alternativePath)) is not None:
            return "(" + "|".join(self.path(p) for p in self.items(alternatives)) + ")"
        if (inverse := g.value(node, SH.inversePath)) is not None:
            return f"^({self.path(inverse)})"
        for predicate, modifier in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            if (inner := g.value(node, predicate)) is not None:
                return f"({self.path(inner)}){modifier}"
        if g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(p) for p in self.items(node)) + ")"
        raise ValueError(f"a path the compiler does not know: {node!r}")

    def target(self, shape: Node) -> str:
        g, branches = self.g, []
        classes = list(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g:
            classes.append(shape)  # an implicit class target
        branches += [f"?focus {self.term(RDF.type)}/{self.term(RDFS.subClassOf)}* {self.term(c)}" for c in classes]
        branches += [f"?focus {self.term(p)} []" for p in g.objects(shape, SH.targetSubjectsOf)]
        branches += [f"[] {self.term(p)} ?focus" for p in g.objects(shape, SH.targetObjectsOf)]
        branches += [f"VALUES ?focus {{ {self.term(n)} }}" for n in g.objects(shape, SH.targetNode)]
        return " UNION ".join(f"{{ {b} }}" for b in sorted(branches))

    # -- constraints --------------------------------------------------------------------------------------

    def checks(self, shape: Node, target: str, literal_focus: bool) -> list[Check]:
        """The checks of one shape on the focus nodes `target` binds."""
        if not isinstance(shape, URIRef):
            raise ValueError(f"a shape that reports needs an IRI (it is the result's sh:sourceShape): {shape!r}")
        g = self.g
        path = g.value(shape, SH.path)
        severity = g.value(shape, SH.severity) or SH.Violation
        messages = tuple(sorted(g.objects(shape, SH.message), key=lambda m: (m.language or "", str(m))))
        path_triples = tuple(_hanging(g, path)) if isinstance(path, BNode) else ()
        return [Check(shape=shape, component=component, severity=URIRef(severity), messages=messages, path=path,
                      path_triples=path_triples, target=target, violation=violation, reports_value=reports_value,
                      value_is_focus=reports_value and path is None,
                      literal_focus=literal_focus, open=open_form)
                for component, violation, reports_value, open_form in self.violations(shape, "?focus", "?value")]

    def nonconforming(self, shape: Node, node: str) -> str:
        """A pattern with a solution exactly when `node` (bound) does not conform to `shape`."""
        if self.deactivated(shape):
            return "FILTER(false)"
        branches = [v for _, v, _, _ in self.violations(shape, node, self.fresh())]
        for held in self.g.objects(shape, SH.property):
            branches.append(self.nonconforming(held, node))
        return " UNION ".join(f"{{ {b} }}" for b in branches) or "FILTER(false)"

    def violations(self, shape: Node, focus: str, value: str) -> Iterator[tuple[URIRef, str, bool, Open | None]]:
        """(component, pattern, whether it binds `value`, its `Open` form or None) for each constraint of `shape`
        on `focus`: the pattern has a solution for each violation, binding `value` to the value node where
        SHACL reports one."""
        g = self.g
        unknown = {p for p in g.predicates(shape, None) if str(p).startswith(str(SH))} - _NOT_CONSTRAINTS - {
            SH.minCount, SH.maxCount, SH.hasValue, SH.datatype, SH["class"], SH.nodeKind, SH.pattern,
            SH.minLength, SH.maxLength, SH["in"], SH["not"], SH["and"], SH["or"], SH.xone, SH.node,
            *_COMPARISONS, *_PAIRS}
        if unknown:
            raise ValueError(f"{shape}: constraints the compiler does not know: {sorted(unknown)}")
        path_node = g.value(shape, SH.path)
        path = None if path_node is None else self.path(path_node)
        # Open forms (`Open`) are of the top-level focus only, and need a path that binds both its ends.
        opens = path is not None and focus == "?focus" and not self.zero_length(path_node)

        def counted(test: str, rows: bool) -> Open | None:  # the nodes whose count of distinct values passes
            return Open(f"SELECT ?focus WHERE {{ ?focus {path} ?n }} GROUP BY ?focus "
                        f"HAVING (COUNT(DISTINCT ?n) {test})", rows=rows) if opens else None

        if path is not None:
            for count in g.objects(shape, SH.minCount):
                n = self.cardinality(shape, count)
                if n > 0:
                    yield (SH.MinCountConstraintComponent, f"FILTER NOT EXISTS {{ {self.distinct(focus, path, n)} }}",
                           False, counted(f">= {n}", rows=False))
            for count in g.objects(shape, SH.maxCount):
                n = self.cardinality(shape, count)
                yield (SH.MaxCountConstraintComponent, f"FILTER EXISTS {{ {self.distinct(focus, path, n + 1)} }}",
                       False, counted(f"> {n}", rows=True))
            for other in g.objects(shape, SH.hasValue):
                v = self.fresh()
                having = f"{focus} {path} {v} FILTER(sameTerm({v}, {self.term(other)}))"
                yield (SH.HasValueConstraintComponent, f"FILTER NOT EXISTS {{ {having} }}", False,
                       Open(f"SELECT DISTINCT ?focus WHERE {{ {having} }}", rows=False) if opens else None)
            for parameter, (operator, component) in _PAIRS.items():
                for other in g.objects(shape, parameter):
                    w = self.fresh("w")
                    pattern = (f"{focus} {path} {value} . {focus} {self.term(other)} {w} "
                               f"FILTER(!COALESCE({value} {operator} {w}, false))")
                    yield component, pattern, True, self.rows(pattern) if opens else None
        else:
            for other in g.objects(shape, SH.hasValue):
                yield SH.HasValueConstraintComponent, f"FILTER(!sameTerm({focus}, {self.term(other)}))", False, None
            if any((shape, p, None) in g for p in (SH.minCount, SH.maxCount, *_PAIRS)):
                raise ValueError(f"{shape}: a cardinality or a property pair needs sh:path")
        # The constraints on each value node: the values of the path, or a node shape's focus node itself.
        node = value if path is not None else focus
        values = f"{focus} {path} {value} . " if path is not None else ""
        for component, condition, conforming in self.value_conditions(shape, node):
            if not opens:
                yield component, values + condition, True, None
            elif conforming is not None:  # the conforming values found once (an anti-join), not value by value
                yield component, values + condition, True, self.rows(
                    f"{values} MINUS {{ {conforming.format(v=value)} }}")
            else:
                yield component, values + condition, True, self.rows(values + condition)

    @staticmethod
    def rows(pattern: str) -> Open:
        return Open(f"SELECT DISTINCT ?focus ?value WHERE {{\n  {pattern}\n}}", rows=True)

    def zero_length(self, node: Node) -> bool:
        """Whether the path at `node` can join a node to itself with no triple (then its ends are not bound
        by the triples it matches)."""
        g = self.g
        if isinstance(node, URIRef):
            return False
        if (alternatives := g.value(node, SH.alternativePath)) is not None:
            return any(self.zero_length(p) for p in self.items(alternatives))
        if (inverse := g.value(node, SH.inversePath)) is not None:
            return self.zero_length(inverse)
        if g.value(node, SH.zeroOrMorePath) is not None or g.value(node, SH.zeroOrOnePath) is not None:
            return True
        if (inner := g.value(node, SH.oneOrMorePath)) is not None:
            return self.zero_length(inner)
        if g.value(node, RDF.first) is not None:
            return all(self.zero_length(p) for p in self.items(node))
        raise ValueError(f"a path the compiler does not know: {node!r}")

    def value_conditions(self, shape: Node, v: str) -> Iterator[tuple[URIRef, str, str | None]]:
        """(component, a FILTER that holds when the bound value node `v` violates the constraint, and for
        sh:class the pattern of a conforming `{v}`, which can be asked of every node at once: `Open`)."""
        g = self.g
        for datatype in g.objects(shape, SH.datatype):
            yield SH.DatatypeConstraintComponent, f"FILTER(!({self.datatype_holds(v, datatype)}))", None
        for cls in g.objects(shape, SH["class"]):
            instance = f"{{v}} {self.term(RDF.type)}/{self.term(RDFS.subClassOf)}* {self.term(cls)}"
            yield SH.ClassConstraintComponent, f"FILTER NOT EXISTS {{ {instance.format(v=v)} }}", instance
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise ValueError(f"{shape}: unknown sh:nodeKind {kind}")
            yield SH.NodeKindConstraintComponent, f"FILTER(!{_NODE_KINDS[kind].format(v=v)})", None
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            regex = f"REGEX(STR({v}), {Literal(str(pattern)).n3()}"
            regex += f", {Literal(str(flags)).n3()})" if flags is not None else ")"
            yield SH.PatternConstraintComponent, f"FILTER(isBlank({v}) || !{regex})", None
        for parameter, operator, component in ((SH.minLength, "<", SH.MinLengthConstraintComponent),
                                               (SH.maxLength, ">", SH.MaxLengthConstraintComponent)):
            for length in g.objects(shape, parameter):
                n = self.cardinality(shape, length, limit=None)
                yield component, f"FILTER(isBlank({v}) || STRLEN(STR({v})) {operator} {n})", None
        for members in g.objects(shape, SH["in"]):
            allowed = " || ".join(f"sameTerm({v}, {self.term(m)})" for m in self.items(members)) or "false"
            yield SH.InConstraintComponent, f"FILTER(!({allowed}))", None
        for parameter, (operator, component) in _COMPARISONS.items():
            for bound in g.objects(shape, parameter):
                yield component, f"FILTER(!COALESCE({v} {operator} {self.term(bound)}, false))", None
        for inner in g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, f"FILTER NOT EXISTS {{ {self.nonconforming(inner, v)} }}", None
        for inner in g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, f"FILTER EXISTS {{ {self.nonconforming(inner, v)} }}", None
        for parameter, component in ((SH["and"], SH.AndConstraintComponent), (SH["or"], SH.OrConstraintComponent),
                                     (SH.xone, SH.XoneConstraintComponent)):
            for members in g.objects(shape, parameter):
                failing = [f"EXISTS {{ {self.nonconforming(m, v)} }}" for m in self.items(members)]
                if parameter == SH["and"]:
                    test = " || ".join(failing) or "false"
                elif parameter == SH["or"]:
                    test = " && ".join(failing) or "true"
                else:
                    test = "(" + " + ".join(f"IF({f}, 0, 1)" for f in failing) + ") != 1" if failing else "true"
                yield component, f"FILTER({test})", None

    def datatype_holds(self, v: str, datatype: Node) -> str:
        if datatype == RDF.langString:
            return f'isLiteral({v}) && LANG({v}) != ""'
        holds = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {self.term(datatype)})"
        if datatype in _CASTABLE:
            holds += f" && COALESCE(STRLEN(STR({self.term(datatype)}(STR({v})))) >= 0, false)"
        return holds

    def distinct(self, focus: str, path: str, n: int) -> str:
        """A pattern: `focus` has at least `n` distinct values on `path`."""
        values = [self.fresh() for _ in range(n)]
        pattern = " . ".join(f"{focus} {path} {v}" for v in values)
        different = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(values, 2))
        return pattern + (f" FILTER({different})" if different else "")

    def cardinality(self, shape: Node, literal: Node, limit: int | None = _MAX_CARDINALITY) -> int:
        if not isinstance(literal, Literal) or not isinstance(literal.value, int) or literal.value < 0:
            raise ValueError(f"{shape}: a count must be a non-negative integer, not {literal!r}")
        if limit is not None and literal.value > limit:
            raise ValueError(f"{shape}: counts above {limit} are not compiled (pairwise distinct values)")
        return int(literal.value)


def _nodes_of(graphs: Sequence[str]) -> str:
    """A pattern binding ?focus to every node (subject or object) of `graphs`."""
    bound = " ".join(iri_ref(g) for g in graphs)
    return (f"SELECT DISTINCT ?focus WHERE {{ VALUES ?graph {{ {bound} }} GRAPH ?graph "
            f"{{ {{ ?focus ?anyP ?anyO }} UNION {{ ?anyS ?anyP ?focus }} }} }}")


def _node(node: Node) -> str:
    if isinstance(node, URIRef):
        return iri_ref(str(node))
    if isinstance(node, Literal):
        return node.n3()
    raise ValueError(f"a blank node cannot be named in a query: {node!r}")


def _hanging(source: rdflib.Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of a blank node and of the blank nodes under it (a path, its lists)."""
    for p, o in source.predicate_objects(node):
        yield node, p, o
        if isinstance(o, BNode):
            yield from _hanging(source, o)
