"""Validation: the structure shapes and the content rules, into one `sh:ValidationReport`.

    validate(data, notices=None, structure=True, workers=1) -> ValidationResult   (.timings: ms per phase and rule)
    format_text(result), format_json(result)    (from graph.report)

Structure (`ontology/shapes/core.ttl`) runs as SPARQL on Oxigraph too (`graph.shapes_sparql`: one SELECT
per constraint over the union of the graphs, where shared nodes live once), with results shaped as pyshacl's,
which stays the reference in the tests. The content rules (`content.ttl`) run as plain SELECTs on Oxigraph over the union of the graphs
(`graph.rules`), the same constraint text pyshacl would run: a rule within one notice in one query, a rule
across notices group by group of notices (`graph.across`), each on a small engine. With `notices`, only the nodes of those notices'
graphs are checked for structure (named in the queries, so the cost is theirs), and only the content violations in which one of them takes part are reported: what
ingesting a notice needs, without re-validating the whole graph. Then a rule within one notice runs on the
notices' neighbourhoods in a small engine of their own (its cost does not grow with the store), a rule across
notices on a small engine too, filled by `graph.across` with the figures it can compare (the store's own
plan would pair every figure with every figure of its kind). The whole graph of a store on disk, with
`workers` > 1, is validated by that many processes sharing its queries (`graph.validate_workers`), with the
same findings. Findings are data, never exceptions.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import rdflib
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Literal, Node, URIRef

from . import across, evidence, shapes_run, shapes_sparql, validate_workers
from .evidence import Side
from .report import format_json, format_text
from .rules import ContentRule, content_rules
from .sparql import iri_ref
from .store import Store, open_store

__all__ = ["Finding", "Side", "ValidationResult", "format_json", "format_text", "validate"]

NKG = rdflib.Namespace("https://noticekg.org/def/")
_DATA_GRAPH = "urn:noticekg:validate:data"  # where a plain rdflib.Graph goes in the in-memory engine


@dataclass(frozen=True)
class Finding:
    """One result: which rule, how bad, on what, and, for comparisons, the other side and the difference."""

    rule: str  # the rule's IRI: https://noticekg.org/def/rule/shares-add-up …
    severity: str  # Violation, Warning or Info
    focus: str  # the focus node
    message_zh: str
    message_en: str
    value: str | None = None
    source: Side | None = None  # where the focus node is stated: notice, 文号, section, quote
    other: Side | None = None  # the figure or notice it is compared with
    difference: Decimal | None = None  # focus value - the other (or the expected) value
    explanation: str | None = None  # the figure's note, or the sentence near it that accounts for the difference

    @property
    def rule_name(self) -> str:
        return self.rule.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool  # as SHACL says: no result of any severity
    report: rdflib.Graph  # holds one sh:ValidationReport
    results: tuple[Finding, ...]
    timings: Mapping[str, float] = dataclasses.field(default_factory=dict)  # milliseconds per phase and rule


def validate(data: rdflib.Graph | rdflib.Dataset | Store, *, notices: Iterable[str] | None = None,
             structure: bool = True, workers: int = 1) -> ValidationResult:
    """Validate a graph, a dataset of notice graphs, or a store.

    With `notices` (notice IRIs, or their graph IRIs), check the structure of those notices' graphs only, and
    report the content findings in which one of them takes part, on either side of a comparison. With
    `structure=False`, only the content rules run (the structure shapes are per notice, and a build that
    checked each notice as it came in need not check them again). With `workers` > 1, the whole graph of a
    store on disk is validated by that many processes (the store is flushed first and must not be written
    until this returns); `timings` then sums what each process spent."""
    wanted = _notices(notices)
    report = rdflib.Graph()
    report.bind("sh", SH)
    report.bind("nkg", NKG)
    found: list[tuple[Finding, BNode]] = []
    engine = _engine(data)
    seen: set[tuple[str, ...]] = set()  # a region or a cited notice recurs in many notice graphs: report it once
    timings: dict[str, float] = {}
    # Checking a few notices starts from them: the cost is theirs, however many notices the store holds. For
    # much of the store (a first build), the whole graph's queries, keeping the rows on those notices, cost
    # less than naming every one of them.
    many = wanted is not None and _much_of(engine, wanted)
    # A few notices' rules within one notice run on those notices' own neighbourhoods, in a small engine.
    small = open_store("memory:") if wanted is not None and not many else None
    path = validate_workers.disk_path(engine) if wanted is None and workers > 1 and engine is data else None
    pooled = None
    if path is not None:
        groups = _timed(timings, "neighbourhood across", lambda: across.groups(engine))
        pooled = _timed(timings, "workers (wall)",
                        lambda: validate_workers.run(engine, path, workers, groups, structure))
        for key, ms in (pooled.timings if pooled is not None else {}).items():
            timings[key] = timings.get(key, 0.0) + ms
    if structure:
        checked = _structure_graphs(data, engine, wanted)
        violations = None if pooled is None else [
            (check, row) for check, rows in zip(shapes_sparql.structure_checks(), pooled.checks, strict=True)
            for row in rows]
        found += _timed(timings, "structure",
                        lambda: _check_structure(engine, checked, many, report, seen, violations))
    if small is not None:
        graphs = iter(_notice_graphs(data, engine, wanted))
        while (graph := _timed(timings, "neighbourhood", lambda: next(graphs, None))) is not None:
            small.merge_graph(_DATA_GRAPH, graph)
    found += _check_content(engine, wanted, report, small, timings, None if pooled is None else pooled.rules)
    findings = _timed(timings, "evidence", lambda: evidence.enrich(engine, found, report))
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not findings)))
    for result in report.subjects(RDF.type, SH.ValidationResult):
        report.add((node, SH.result, result))
    findings.sort(key=lambda f: (f.severity != "Violation", f.rule, f.focus, f.value or ""))
    return ValidationResult(conforms=not findings, report=report, results=tuple(findings), timings=timings)


_T = TypeVar("_T")


def _timed(timings: dict[str, float], key: str, fn: Callable[[], _T]) -> _T:
    """fn(), its wall time added to timings[key] in milliseconds (what bench/validation.py reports)."""
    start = time.perf_counter()
    try:
        return fn()
    finally:
        timings[key] = timings.get(key, 0.0) + (time.perf_counter() - start) * 1000


def _notices(notices: Iterable[str] | None) -> tuple[str, ...] | None:
    """Notice IRIs; a notice's graph IRI (`{notice}/graph`, as a store lists it) stands for its notice."""
    if notices is None:
        return None
    if isinstance(notices, str):  # one IRI, not its characters
        notices = [notices]
    return tuple(sorted({str(n).removesuffix("/graph") for n in notices}))


# -- where the data is --------------------------------------------------------------------------------------


def _engine(data: rdflib.Graph | rdflib.Dataset | Store) -> Store:
    """The fast engine over the data: the store itself, or the rdflib data loaded into Oxigraph in memory."""
    if not isinstance(data, rdflib.Graph):
        return data
    store = open_store("memory:")
    if isinstance(data, rdflib.Dataset):
        store.load_dataset(data)
    else:
        store.replace_graph(_DATA_GRAPH, data)
    return store


def _notice_graph_iris(engine: Store, wanted: tuple[str, ...]) -> list[str]:
    """The named graphs in which the `wanted` notices are stated as corpus notices."""
    if not wanted:
        return []
    bound = " ".join(iri_ref(n) for n in wanted)
    rows = engine.select(f"SELECT DISTINCT ?g WHERE {{ VALUES ?n {{ {bound} }} GRAPH ?g {{ ?n {iri_ref(NKG.inCorpus)} true }} }}")
    return sorted(str(r["g"]) for r in rows)


_MUCH = 4  # a run on more than a quarter of the store's notices runs the whole graph's queries


def _much_of(engine: Store, wanted: tuple[str, ...]) -> bool:
    """Whether `wanted` is much of the store's corpus notices (see `validate`)."""
    if len(wanted) < 2:
        return False
    rows = engine.select(f"SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE {{ ?n {iri_ref(NKG.inCorpus)} true }}")
    return _MUCH * len(wanted) > int(rows[0]["count"])


def _structure_graphs(data: rdflib.Graph | rdflib.Dataset | Store, engine: Store,
                      wanted: tuple[str, ...] | None) -> list[str] | None:
    """Whose nodes the structure shapes check: every node (None) for the whole graph or a plain rdflib graph
    (one graph is checked as a whole), the nodes of the `wanted` notices' graphs otherwise."""
    if wanted is None or (isinstance(data, rdflib.Graph) and not isinstance(data, rdflib.Dataset)):
        return None
    return _notice_graph_iris(engine, wanted)


def _notice_graphs(data: rdflib.Graph | rdflib.Dataset | Store, engine: Store,
                   wanted: tuple[str, ...] | None) -> Iterable[rdflib.Graph]:
    """Each wanted notice's named graph with its small neighbourhood (`_neighbourhood`): what the content
    rules within one notice read in an incremental run; a plain graph as a whole."""
    if isinstance(data, rdflib.Graph) and not isinstance(data, rdflib.Dataset):
        yield data
        return
    for name in _notice_graph_iris(engine, wanted or ()):
        if isinstance(data, rdflib.Dataset):
            graph = data.graph(URIRef(name))
        else:
            graph = engine.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(name)} {{ ?s ?p ?o }} }}")
        if len(graph):
            yield _neighbourhood(graph, engine)


_VOCABULARY_VALUED = (RDF.type, NKG.kind, NKG.relation, NKG.qualifier, NKG.yearType, NKG.level)
_SHARED_FILTER = " || ".join(f'STRENDS(STR(?g), "/graph/{n}")' for n in ("regions", "agencies", "sources", "stubs"))


def _neighbourhood(graph: rdflib.Graph, engine: Store) -> rdflib.Graph:
    """The notice graph, plus what the shapes need of the shared nodes it refers to: their descriptions in the
    shared graphs (an agency, its region and that region's `nkg:within` chain, the source file, a stub), and
    the type of a node another notice's graph describes (a cited notice, a restated figure). A few bound
    look-ups: the cost does not depend on how many notices the store holds."""
    extended = rdflib.Graph()
    extended += graph
    # A node the notice graph types is its own; one it only annotates (the source file's extraction record)
    # is described in a shared graph too.
    described = set(graph.subjects(RDF.type, None))
    frontier = {o for _, p, o in graph if isinstance(o, URIRef) and o not in described
                and p not in _VOCABULARY_VALUED}
    referenced = set(frontier)
    for _ in range(6):  # agency → region → parent → … → the nation: a few hops
        if not frontier:
            break
        values = " ".join(iri_ref(iri) for iri in sorted(frontier) if _is_iri(iri))
        rows = engine.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                             f"FILTER({_SHARED_FILTER}) }}") if values else []
        described |= frontier
        frontier = set()
        for row in rows:
            extended.add((row["s"], row["p"], row["o"]))
            if isinstance(row["o"], URIRef) and row["o"] not in described and row["p"] != RDF.type:
                frontier.add(row["o"])
                referenced.add(row["o"])
    values = " ".join(iri_ref(iri) for iri in sorted(referenced) if _is_iri(iri))
    if values:
        for row in engine.select(f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}"):
            extended.add((row["s"], RDF.type, row["t"]))
    return extended


def _is_iri(term: URIRef) -> bool:
    return not any(c in str(term) for c in '<>"{}|^`\\ ')


# -- structure: the core shapes as SPARQL on the fast engine (graph.shapes_sparql) --------------------------------


def _check_structure(engine: Store, graphs: list[str] | None, many: bool, report: rdflib.Graph,
                     seen: set[tuple[str, ...]], violations: Iterable[tuple[shapes_sparql.Check, dict[str, Node]]]
                     | None = None) -> list[tuple[Finding, BNode]]:
    """Every violation of core.ttl, on every node or on the nodes of `graphs`, as pyshacl would report it
    (the `violations` the workers found, when given)."""
    findings = []
    if violations is None:
        violations = shapes_run.find_violations(engine, graphs, whole=many)
    for check, row in violations:
        focus, value = row["focus"], row.get("value")
        key = (str(check.shape), str(focus), str(value), str(check.component))
        if key in seen:  # a node several graphs hold, or reached by two shapes' targets: reported once
            continue
        seen.add(key)
        result = BNode()
        for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, focus), (SH.value, value),
                     (SH.resultPath, check.path), (SH.sourceShape, check.shape),
                     (SH.sourceConstraintComponent, check.component), (SH.resultSeverity, check.severity)):
            if o is not None:
                report.add((result, p, o))
        for triple in check.path_triples:
            report.add(triple)
        for message in check.messages:
            report.add((result, SH.resultMessage, message))
        messages = {m.language: str(m) for m in check.messages}
        findings.append((Finding(
            rule=str(check.shape),  # every core shape that reports is a rule (rule:docno-pattern …)
            severity=_local(check.severity),
            focus=str(focus),
            message_zh=messages.get("zh") or messages.get(None, ""),
            message_en=messages.get("en") or messages.get(None, ""),
            value=None if value is None else str(value),
        ), result))
    return findings


# -- content: the SHACL-SPARQL constraints as plain queries on the fast engine -----------------------------------


def _check_content(engine: Store, wanted: tuple[str, ...] | None, report: rdflib.Graph,
                   small: Store | None, timings: dict[str, float],
                   pooled: dict[str, list[dict[str, Node]]] | None = None) -> list[tuple[Finding, BNode]]:
    """Every content rule: over the whole graph, or for the `wanted` notices only.

    A rule within one notice (no ?otherNotice) runs on the whole store in one query, or, for `wanted`, on
    `small`, those notices' graphs with their neighbourhoods (without `small`, when they are much of the
    store: the whole store's query, keeping their rows). A rule across notices runs on the small engine
    `graph.across` fills with the figures it can compare: for `wanted`, theirs and their partners', with the
    notices bound on either side; for the whole graph, one province-year of notices at a time, each bound as
    the lower side (every finding has exactly one). `pooled`: the rows the workers found for each rule."""
    rules = content_rules()
    within = [r for r in rules if "otherNotice" not in r.variables]
    cross = [r for r in rules if "otherNotice" in r.variables]
    rows: dict[str, list[dict[str, Node]]] = {r.iri: [] for r in rules}

    def run(rule: ContentRule, where: Store, notices: tuple[str, ...], side: str,
            keep: frozenset[str] | None = None) -> None:
        query = rule.query(notices, side) if notices else rule.query()
        found = _timed(timings, f"rule {rule.name}", lambda: where.select(query))
        rows[rule.iri] += found if keep is None else [r for r in found if str(r.get("thisNotice")) in keep]

    if pooled is not None:
        rows = pooled
    elif wanted is None:
        for rule in within:
            run(rule, engine, (), "thisNotice")
        for group in _timed(timings, "neighbourhood across", lambda: across.groups(engine)):
            for iri, found in validate_workers.group_rows(engine, group, timings).items():
                rows[iri] += found
    elif wanted:
        for rule in within:
            if small is not None:
                run(rule, small, wanted, "thisNotice")
            else:  # much of the store: the whole graph's query, keeping the rows of those notices
                run(rule, engine, (), "thisNotice", keep=frozenset(wanted))
        near = _timed(timings, "neighbourhood across", lambda: across.neighbourhood(engine, wanted, True))
        for rule in cross:
            run(rule, near, wanted, "thisNotice")
            run(rule, near, wanted, "otherNotice")
    findings = []
    for rule in rules:
        seen = set()
        for row in rows[rule.iri]:
            key = tuple(sorted((k, str(v)) for k, v in row.items()))
            if key in seen:
                continue
            seen.add(key)
            findings.append(_content_finding(rule, row, report))
    return findings


def _content_finding(rule: ContentRule, row: dict[str, Node], report: rdflib.Graph) -> tuple[Finding, BNode]:
    result = BNode()
    focus, value, other = row["this"], row.get("value"), row.get("other")
    message_zh, message_en = rule.message("zh", row), rule.message("en", row)
    triples = [
        (RDF.type, SH.ValidationResult), (SH.focusNode, focus), (SH.resultSeverity, URIRef(rule.severity)),
        (SH.sourceShape, URIRef(rule.iri)),
        (SH.sourceConstraintComponent, SH.SPARQLConstraintComponent),
        (SH.resultMessage, Literal(message_zh, lang="zh")), (SH.resultMessage, Literal(message_en, lang="en")),
        (SH.value, value), (NKG.otherFocus, other), (NKG.focusNotice, row.get("thisNotice")),
        (NKG.otherNotice, row.get("otherNotice")), (NKG.expected, row.get("expected")),
        (NKG.difference, row.get("difference")),
    ]
    for p, o in triples:
        if o is not None:
            report.add((result, p, o))
    finding = Finding(
        rule=rule.iri, severity=_local(URIRef(rule.severity)), focus=str(focus), message_zh=message_zh,
        message_en=message_en, value=None if value is None else str(value),
        other=Side(node=str(other)) if other is not None else None,
        difference=_decimal(row.get("difference")),
    )
    return finding, result


def _decimal(term: Node | None) -> Decimal | None:
    if not isinstance(term, Literal):
        return None
    try:
        return Decimal(str(term))
    except InvalidOperation:
        return None


def _local(iri: Node | None) -> str:
    return str(iri).rsplit("#", 1)[-1] if iri is not None else "Violation"
