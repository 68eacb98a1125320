"""What a validation finding points at: the notice and its 文号, the section, the verbatim quote, and the
sentence of the source text that accounts for a difference.

A finding from a rule names only nodes (the focus, the other figure). A reader needs the evidence: both
notices by 文号 and section, both quotes, and why the figures differ. This module looks those up in the same
engine the rules ran on (batched look-ups for all findings at once, none per finding), and adds them to
the findings and to the report graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .source_text import excerpt
from .store import Store

if TYPE_CHECKING:
    from .validate import Finding

NKG = rdflib.Namespace("https://noticekg.org/def/")
_PREFIXES = "PREFIX nkg: <https://noticekg.org/def/>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
_BATCH = 400  # nodes per VALUES block: keeps each query small on a remote endpoint
_WINDOW = 160  # characters read either side of a quote to find its sentence
_SENTENCE_ENDS = "。！？；"


@dataclass(frozen=True)
class Side:
    """One side of a finding: a figure (or notice) and where the text states it."""

    node: str
    notice: str | None = None
    doc_no: str | None = None  # the 文号, when the notice has one
    section: str | None = None  # the section labels as written, outermost first: 一、（一）
    quote: str | None = None
    note: str | None = None  # the figure's nkg:note


@dataclass(frozen=True)
class _Facts:
    notice: str | None
    doc_no: str | None
    section: str | None  # section IRI
    quote: str | None
    note: str | None


def enrich(engine: Store, found: Sequence[tuple[Finding, BNode]], report: rdflib.Graph) -> list[Finding]:
    """The findings with their sides filled in, and the same evidence added to their report results.

    The explanation of a difference d is the sentence around another figure of amount d in the focus
    figure's own section (the 30 元 top-up that accounts for 250 against 280), else the figure's note."""
    nodes = {f.focus for f, _ in found} | {f.other.node for f, _ in found if f.other is not None}
    facts = _facts(engine, sorted(n for n in nodes if n.startswith(("http://", "https://", "urn:"))))
    labels = _section_labels(engine, sorted({x.section for x in facts.values() if x.section}))
    explanations = _explanations(engine, [f for f, _ in found])
    enriched = []
    for finding, result in found:
        source = _side(finding.focus, facts, labels)
        other = _side(finding.other.node, facts, labels) if finding.other is not None else None
        # The text's own sentence is the evidence; the extractor's note, when there is no such sentence.
        explanation = explanations.get(finding.focus) or source.note
        finding = dataclasses.replace(finding, source=source, other=other, explanation=explanation)
        _describe(report, result, finding)
        enriched.append(finding)
    return enriched


def _describe(report: rdflib.Graph, result: BNode, finding: Finding) -> None:
    """The evidence as nkg: triples on the sh:ValidationResult, so the report reads without the data."""
    pairs = [(NKG.explanation, finding.explanation)]
    for side, prefix in ((finding.source, "focus"), (finding.other, "other")):
        if side is None:
            continue
        pairs += [(NKG[f"{prefix}DocNo"], side.doc_no), (NKG[f"{prefix}Section"], side.section),
                  (NKG[f"{prefix}Quote"], side.quote)]
        if side.notice:
            report.add((result, NKG[f"{prefix}Notice"], URIRef(side.notice)))
    for p, value in pairs:
        if value:
            report.add((result, p, Literal(value)))


def _side(node: str, facts: dict[str, _Facts], labels: dict[str, str]) -> Side:
    x = facts.get(node)
    if x is None:
        return Side(node=node)
    return Side(node=node, notice=x.notice, doc_no=x.doc_no,
                section=labels.get(x.section) if x.section else None, quote=x.quote, note=x.note)


def _batches(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i: i + _BATCH]


def _facts(engine: Store, nodes: Sequence[str]) -> dict[str, _Facts]:
    facts: dict[str, _Facts] = {}
    for batch in _batches(nodes):
        rows = engine.select(_PREFIXES + """
SELECT ?node ?notice ?docNo ?section ?quote ?note WHERE {
  VALUES ?node { NODES }
  OPTIONAL { ?node nkg:statedIn ?stated }
  OPTIONAL { ?node nkg:citingNotice ?citing }
  OPTIONAL { ?node nkg:inNotice ?holder }
  OPTIONAL { ?figure oa:hasSelector ?node ; nkg:statedIn ?quoted }
  OPTIONAL { ?node a nkg:Notice . BIND(?node AS ?itself) }
  BIND(COALESCE(?stated, ?citing, ?holder, ?quoted, ?itself) AS ?notice)
  OPTIONAL { ?notice nkg:docNo ?docNo }
  OPTIONAL { ?node nkg:inSection ?inSection }
  OPTIONAL { ?node a nkg:Section . BIND(?node AS ?sectionItself) }
  BIND(COALESCE(?inSection, ?sectionItself) AS ?section)
  OPTIONAL { ?node oa:hasSelector/oa:exact ?quote }
  OPTIONAL { ?node nkg:note ?note }
}""".replace("NODES", _iris(batch)))
        for row in rows:
            node = str(row["node"])
            if node not in facts:
                facts[node] = _Facts(*(_str(row.get(k)) for k in ("notice", "docNo", "section", "quote", "note")))
    return facts


def _section_labels(engine: Store, sections: Sequence[str]) -> dict[str, str]:
    """一、（一）: each section's label after its ancestors' labels, outermost first."""
    chains: dict[str, list[tuple[int, str]]] = {}
    for batch in _batches(sections):
        rows = engine.select(_PREFIXES + """
SELECT ?section ?path ?label WHERE {
  VALUES ?section { NODES }
  ?section nkg:partOf* ?ancestor .
  ?ancestor a nkg:Section ; nkg:path ?path .
  OPTIONAL { ?ancestor nkg:label ?label }
}""".replace("NODES", _iris(batch)))
        for row in rows:
            path = str(row["path"])
            label = _str(row.get("label")) or path
            entry = (path.count(".") + 1, label)
            chain = chains.setdefault(str(row["section"]), [])
            if entry not in chain:
                chain.append(entry)
    return {s: "".join(label for _, label in sorted(chain)) for s, chain in chains.items()}


def _explanations(engine: Store, findings: Sequence[Finding]) -> dict[str, str]:
    """For a figure that differs by d: the sentence around the nearest other figure of d in its section.

    Three look-ups for all findings together, each bound by what the last one found and read by a pattern
    that starts from a bound node (the notices' figures, their quotes, the source texts): joined in one query
    with the findings through VALUES, Oxigraph would read every figure of the store for each rule."""
    wanted: dict[str, list[Decimal]] = {}  # focus → its differences, in the findings' order: the first explained wins
    for f in findings:
        if f.difference and f.focus.startswith(("http://", "https://")):
            wanted.setdefault(f.focus, []).append(abs(f.difference))
    if not wanted:
        return {}
    figures: dict[str, dict[str, object]] = {}
    for row in _in_batches(engine, """SELECT ?figure ?p ?o WHERE { VALUES ?focus { NODES }
      ?focus nkg:statedIn ?notice . ?figure nkg:statedIn ?notice ; ?p ?o .
      FILTER(?p IN (nkg:statedIn, nkg:amount, nkg:inSection, oa:hasSelector)) }""", sorted(wanted)):
        figures.setdefault(str(row["figure"]), {})[str(row["p"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]] = row["o"]
    quotes: dict[str, dict[str, object]] = {}
    selectors = sorted({str(f["hasSelector"]) for f in figures.values() if "hasSelector" in f})
    for row in _in_batches(engine, """SELECT ?selector ?p ?o WHERE { VALUES ?selector { NODES } ?selector ?p ?o .
      FILTER(?p IN (oa:start, oa:end, nkg:sourceFile)) }""", selectors):
        quotes.setdefault(str(row["selector"]), {})[str(row["p"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]] = row["o"]

    def quote(figure: dict[str, object]) -> dict[str, object]:
        q = quotes.get(str(figure.get("hasSelector")), {})
        return q if {"start", "end", "sourceFile"} <= q.keys() else {}

    near: dict[str, list[tuple[str, int, int]]] = {}  # focus → (source, start, end) of an explaining figure, per d
    for focus, differences in wanted.items():
        own = figures.get(focus, {})
        if "start" not in quotes.get(str(own.get("hasSelector")), {}):
            continue
        start = int(str(quotes[str(own["hasSelector"])]["start"]))
        part = own.get("inSection", own.get("statedIn"))
        for d in differences:
            found = [quote(f) for iri, f in figures.items()
                     if iri != focus and f.get("statedIn") == own.get("statedIn")
                     and f.get("inSection", f.get("statedIn")) == part and quote(f) and _equal(f.get("amount"), d)]
            if found:
                q = min(found, key=lambda x: abs(int(str(x["start"])) - start))
                near.setdefault(focus, []).append((str(q["sourceFile"]), int(str(q["start"])), int(str(q["end"]))))
    windows = _windows(engine, {spot for spots in near.values() for spot in spots})
    out = {}
    for focus, spots in near.items():
        for spot in spots:
            if spot in windows and (sentence := _sentence(windows[spot], *spot[1:])):
                out[focus] = sentence
                break
    return out


def _equal(amount: object, d: Decimal) -> bool:
    try:
        return Decimal(str(amount)) == d
    except InvalidOperation:
        return False


def _in_batches(engine: Store, template: str, nodes: Sequence[str]) -> list[dict[str, Node]]:
    rows: list[dict[str, Node]] = []
    for batch in _batches(nodes):
        rows += engine.select(_PREFIXES + template.replace("NODES", _iris(batch)))
    return rows


def _windows(engine: Store, spots: set[tuple[str, int, int]]) -> dict[tuple[str, int, int], str]:
    """The text around each (source, start, end), read from the graph: one query per batch for a text kept as
    one nkg:text literal, the parts it needs for one kept in parts;
    _WINDOW characters either side, so that the quote's sentence is inside."""
    out: dict[tuple[str, int, int], str] = {}
    ordered = sorted(spots)
    for i in range(0, len(ordered), _BATCH):
        batch = ordered[i: i + _BATCH]
        rows = " ".join(f"({ox.NamedNode(s)} {int(b)} {int(e)} {max(0, int(b) - _WINDOW)})" for s, b, e in batch)
        for row in engine.select(_PREFIXES + f"""SELECT ?source ?start ?end ?window WHERE {{
          VALUES (?source ?start ?end ?first) {{ {rows} }} ?source nkg:text ?text .
          BIND(SUBSTR(STR(?text), ?first + 1, ?end - ?first + {_WINDOW}) AS ?window) }}"""):
            out[(str(row["source"]), int(str(row["start"])), int(str(row["end"])))] = str(row["window"])
    for spot in ordered:  # a text kept in parts (graph.source_text): only the parts the window needs
        if spot not in out:
            source, start, end = spot
            window = excerpt(engine, source, max(0, start - _WINDOW), end + _WINDOW)
            if window is not None:
                out[spot] = window
    return out


def _sentence(window: str, start: int, end: int) -> str | None:
    """The sentence of the window (text from max(0, start - _WINDOW)) that holds the quote [start, end)."""
    first = max(0, start - _WINDOW)
    quote_start, quote_end = start - first, end - first
    begin = max((window.rfind(c, 0, quote_start) for c in _SENTENCE_ENDS), default=-1) + 1
    stops = [i for c in _SENTENCE_ENDS if (i := window.find(c, quote_end)) >= 0]
    stop = min(stops) + 1 if stops else len(window)
    return "".join(window[begin:stop].split()) or None


def _iris(nodes: Iterable[str]) -> str:
    return " ".join(f"{ox.NamedNode(n)}" for n in nodes)


def _str(term: Node | None) -> str | None:
    return None if term is None else str(term)
