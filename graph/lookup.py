"""Look-ups over the store: figures as the reader sees them, a 文号 in any spelling, who cites a notice.

Owns the reading of a figure out of the graph (`FigureView`, `figure_views`) that the resolver shares, and
the checking of the arguments a user types: a region (name or GB/T 2260 code) and a figure kind (slug or
label). Every query is written against docs/MODEL.md; nothing here knows the corpus.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import pyoxigraph as ox
import rdflib

from . import regions
from .errors import InputError, NotFound
from .parse.docno import parse_docno
from .parse.text import fold_width
from .store import Store
from .vocab import KIND, KIND_SCHEME_IRI, KINDS_FILE, PREFIXES

NKG_NS = PREFIXES["nkg"]
SPARQL_PREFIXES = "".join(f"PREFIX {p}: {ox.NamedNode(PREFIXES[p])}\n" for p in ("nkg", "kind", "dcterms", "oa", "skos"))
QUALIFIERS = {"Exact": "exact", "AtLeast": "at-least", "About": "about", "AtMost": "at-most"}
QUALIFIER_ZH = {"exact": "", "at-least": "不低于 ", "about": "约 ", "at-most": "不高于 "}
RELATIONS = {"forwards": "forwards", "implements": "implements", "applies": "applies",
             "hasAttachment": "attachment", "cites": "cites"}


# -- the arguments a user types -----------------------------------------------------------------------------


def region_code(text: str) -> str:
    """A GB/T 2260 code from a code or a place name (南宁市, 南宁, 广西, 全国); NotFound otherwise."""
    t = fold_width(str(text)).strip()
    if re.fullmatch(r"\d{6}", t):
        if regions.exists(t):
            return t
        raise NotFound(f"unknown region code {t!r}: not in GB/T 2260 (revision {regions.REVISION})")
    code = regions.lookup(t)
    if code is None:
        raise NotFound(f"unknown region {text!r}: give a GB/T 2260 name (南宁市, 南宁, 广西) or a code (450100)")
    return code


def region_of_iri(iri: str) -> str | None:
    """The GB/T 2260 code a region IRI ends with (`B region/{code}`, docs/MODEL.md)."""
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    return tail if re.fullmatch(r"\d{6}", tail) else None


def region_iris(store: Store, codes: list[str]) -> list[str]:
    """The IRIs of those regions the store holds. Every notice graph repeats the regions it mentions, so
    one region's `nkg:code` has as many copies as notices: take one of each (LIMIT 1), never join on it."""
    codes = [c for c in codes if re.fullmatch(r"\d{6}", c)]
    parts = [f"{{ SELECT ?r WHERE {{ ?r nkg:code {ox.Literal(c)} }} LIMIT 1 }}" for c in codes]
    if not parts:
        return []
    rows = store.select(SPARQL_PREFIXES + "SELECT ?r WHERE { " + " UNION ".join(parts) + " }")
    return list(dict.fromkeys(str(r["r"]) for r in rows))


def kind_slug(store: Store, text: str) -> str:
    """The slug of a figure kind given as a slug or a label of the scheme; NotFound suggests close kinds."""
    t = str(text).strip()
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", t) and store.ask(
        SPARQL_PREFIXES + f"ASK {{ {{ {ox.NamedNode(KIND[t])} ?p ?o }} UNION {{ ?f nkg:kind {ox.NamedNode(KIND[t])} }} }}"
    ):
        return t
    known = _known_kinds(store)
    by_label = {label: slug for slug, labels in known.items() for label in labels}
    if t in by_label:
        return by_label[t]
    if t in known:  # in the kind scheme, though no figure of it is in the store yet
        return t
    close = difflib.get_close_matches(t, list(known) + list(by_label), n=5, cutoff=0.6)
    close = [by_label.get(c, c) for c in close]
    close += [slug for slug in sorted(known) if t and t in slug]
    close = list(dict.fromkeys(close))[:5]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFound(f"unknown figure kind {text!r}{hint}")


def _known_kinds(store: Store) -> dict[str, set[str]]:
    """slug → its labels, from the kind scheme in the store and in the scheme file (not from the figures:
    reading every figure's kind would cost as much as the graph is large)."""
    rows = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?k ?label WHERE {{
      {{ ?k skos:inScheme {ox.NamedNode(KIND_SCHEME_IRI)} }} UNION {{ ?k a nkg:FigureKind }}
      OPTIONAL {{ ?k skos:prefLabel ?label }} }}""")
    known: dict[str, set[str]] = {}
    for row in rows:
        slug = str(row["k"]).removeprefix(str(KIND))
        known.setdefault(slug, set()).update({str(row["label"])} if "label" in row else set())
    for slug, labels in _scheme_file_kinds().items():
        known.setdefault(slug, set()).update(labels)
    return known


@cache
def _scheme_file_kinds() -> dict[str, frozenset[str]]:
    if not KINDS_FILE.exists():
        return {}
    graph = rdflib.Graph().parse(KINDS_FILE)
    kinds: dict[str, set[str]] = {}
    for concept in set(graph.subjects(rdflib.SKOS.inScheme, rdflib.URIRef(KIND_SCHEME_IRI))):
        labels = {str(label) for label in graph.objects(concept, rdflib.SKOS.prefLabel)}
        kinds[str(concept).removeprefix(str(KIND))] = labels
    return {slug: frozenset(labels) for slug, labels in kinds.items()}


# -- figures as the reader sees them ------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRef:
    iri: str
    docno: str | None
    title: str | None
    date: str | None  # printed date, else signed date (ISO), None for notices known only by citation


@dataclass(frozen=True)
class SectionRef:
    iri: str
    path: str  # "1.2"
    label: str | None  # "（二）" as written


@dataclass(frozen=True)
class FigureView:
    iri: str
    kind: str
    value: Decimal | str | dt.date | tuple[dt.date, dt.date] | None
    unit: str | None
    qualifier: str
    year: int | None
    region: str | None  # GB/T 2260 code
    scope: str | None
    scope_regions: tuple[str, ...]
    notice: NoticeRef
    section: SectionRef | None
    quote: str | None
    offset: int | None  # where the quote starts in the source file
    restates: tuple[str, ...]  # IRIs of the figures (or notices) it says it takes the value from
    yields_to_national: bool
    needs_review: bool = False  # its kind was decided outside its own statement (graph/review.py)
    kind_cue: str | None = None  # the words that gave it its kind

    @property
    def region_name(self) -> str | None:
        return regions.get(self.region).name if self.region and regions.exists(self.region) else None

    def value_json(self) -> Any:
        """Amounts as JSON numbers, ratios as "6:4", dates as ISO strings, intervals as "start/end"."""
        v = self.value
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        if isinstance(v, tuple):
            return f"{v[0].isoformat()}/{v[1].isoformat()}"
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    def value_text(self) -> str:
        """不低于 280 元/人·年"""
        unit = f" {self.unit}" if self.unit and self.unit not in ("ratio", "date", "interval") else ""
        return f"{QUALIFIER_ZH.get(self.qualifier, '')}{self.value_json()}{unit}"

    def to_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "kind": self.kind, "value": self.value_json(), "unit": self.unit,
                "qualifier": self.qualifier, "year": self.year, "region": self.region,
                "region_name": self.region_name, "scope": self.scope, "scope_regions": list(self.scope_regions),
                "needs_review": self.needs_review, "kind_cue": self.kind_cue}


_BATCH = 400  # figure IRIs per VALUES block
_NEIGHBOURS = ("oa:exact", "oa:start", "nkg:path", "nkg:label", "nkg:docNo", "nkg:datePrinted", "nkg:dateSigned")


def figure_views(store: Store, filters: str, limit: int | None = None) -> list[FigureView]:
    """Figures matching `filters` (SPARQL patterns binding ?f, written so the engine starts from them).

    Read describe-style, as index look-ups on bound subjects: the figures' own triples, then those of their
    selectors, sections and notices. One query with a dozen OPTIONALs costs far more on Oxigraph, and a join
    through a region's or a cited notice's properties multiplies by every graph that repeats them."""
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    chosen = [str(r["f"]) for r in store.select(SPARQL_PREFIXES + f"SELECT DISTINCT ?f WHERE {{ {filters} }}{cap}")]
    views = []
    for i in range(0, len(chosen), _BATCH):
        views += _read_views(store, chosen[i : i + _BATCH])
    return views


def _read_views(store: Store, iris: list[str]) -> list[FigureView]:
    own: dict[str, dict[str, list[rdflib.term.Node]]] = {iri: {} for iri in iris}
    values = " ".join(f"{ox.NamedNode(iri)}" for iri in iris)
    for row in store.select(f"SELECT DISTINCT ?f ?p ?o WHERE {{ VALUES ?f {{ {values} }} ?f ?p ?o }}"):
        own[str(row["f"])].setdefault(str(row["p"]), []).append(row["o"])
    linked = {str(o) for props in own.values() for p in ("oa:hasSelector", "nkg:inSection", "nkg:statedIn")
              for o in props.get(_expand(p), [])}
    near: dict[str, dict[str, str]] = {}
    if linked:
        values = " ".join(f"{ox.NamedNode(iri)}" for iri in sorted(linked))
        rows = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?x ?p ?o WHERE {{ VALUES ?x {{ {values} }}
          {{ VALUES ?p {{ {' '.join(_NEIGHBOURS)} }} ?x ?p ?o }}
          UNION {{ GRAPH ?g {{ ?x nkg:inCorpus true ; dcterms:title ?o }} BIND("own-title" AS ?p) }} }}""")
        for row in rows:
            near.setdefault(str(row["x"]), {}).setdefault(str(row["p"]), str(row["o"]))
    return [view_of(iri, props, near) for iri, props in own.items() if props]


def _expand(curie: str) -> str:
    prefix, local = curie.split(":")
    return PREFIXES[prefix] + local


def view_of(iri: str, props: dict[str, list], near: dict[str, dict[str, str]]) -> FigureView:
    """A figure from its own triples (`props`: property IRI → objects) and its neighbours' (`near`: selector,
    section and notice IRI → property → value; a notice's own title under "own-title")."""
    def one(curie: str) -> Any:
        found = props.get(_expand(curie))
        return found[0] if found else None

    def text(curie: str) -> str | None:
        return None if one(curie) is None else str(one(curie))

    if one("nkg:amount") is not None:
        value: Any = Decimal(str(one("nkg:amount")))
    elif one("nkg:ratio") is not None:
        value = text("nkg:ratio")
    elif one("nkg:startDate") is not None and one("nkg:endDate") is not None:
        value = (one("nkg:startDate").toPython(), one("nkg:endDate").toPython())
    else:
        value = one("nkg:date").toPython() if one("nkg:date") is not None else None
    n, sel, sec = (near.get(text(c) or "", {}) for c in ("nkg:statedIn", "oa:hasSelector", "nkg:inSection"))
    notice = NoticeRef(text("nkg:statedIn") or "", n.get(_expand("nkg:docNo")), n.get("own-title"),
                       n.get(_expand("nkg:datePrinted")) or n.get(_expand("nkg:dateSigned")))
    section = SectionRef(text("nkg:inSection") or "", sec[_expand("nkg:path")], sec.get(_expand("nkg:label"))) \
        if _expand("nkg:path") in sec else None
    scope_regions = {region_of_iri(str(r)) for r in props.get(_expand("nkg:scopeRegion"), [])}
    start = sel.get(_expand("oa:start"))
    return FigureView(
        iri=iri, kind=(text("nkg:kind") or "").removeprefix(str(KIND)), value=value, unit=text("nkg:unit"),
        qualifier=QUALIFIERS.get((text("nkg:qualifier") or "").removeprefix(NKG_NS), "exact"),
        year=int(one("nkg:year")) if one("nkg:year") is not None else None, scope=text("nkg:scope"),
        region=region_of_iri(text("nkg:region") or ""),
        scope_regions=tuple(sorted(c for c in scope_regions if c)),
        notice=notice, section=section, quote=sel.get(_expand("oa:exact")),
        offset=int(start) if start is not None else None,
        restates=tuple(sorted(str(r) for r in props.get(_expand("nkg:restates"), []))),
        yields_to_national=one("nkg:yieldsToLaterNationalRule") is not None
        and one("nkg:yieldsToLaterNationalRule").toPython() is True,
        needs_review=one("nkg:needsReview") is not None and one("nkg:needsReview").toPython() is True,
        kind_cue=text("nkg:kindCue"),
    )


def figure_json(view: FigureView) -> dict[str, Any]:
    """A figure for listings: the figure fields plus docno, section and quote."""
    section = {"path": view.section.path, "label": view.section.label} if view.section else None
    return view.to_json() | {"docno": view.notice.docno, "notice": view.notice.iri, "section": section,
                             "quote": view.quote}


def figures(store: Store, docno: str | None = None, kind: str | None = None, region: str | None = None,
            year: int | None = None) -> list[dict[str, Any]]:
    """Figures of one notice and/or of a kind, region (the figure's own region or a region its tier names)
    and year, in notice and document order."""
    patterns = []
    if docno is not None:
        patterns.append(f"?f nkg:statedIn {ox.NamedNode(notice_iri(store, docno))} .")
    if kind is not None:
        patterns.append(f"?f nkg:kind {ox.NamedNode(KIND[kind_slug(store, kind)])} .")
    if year is not None:
        patterns.append(f"?f nkg:year {int(year)} .")
    if region is not None:
        iris = region_iris(store, [region_code(region)])
        if not iris:
            return []
        patterns.append(f"{{ ?f nkg:region {ox.NamedNode(iris[0])} }} UNION {{ ?f nkg:scopeRegion {ox.NamedNode(iris[0])} }}")
    views = figure_views(store, "\n  ".join(patterns) or "?f a nkg:Figure .")
    views.sort(key=lambda v: (v.notice.docno or v.notice.iri, 1 << 60 if v.offset is None else v.offset, v.iri))
    return [figure_json(v) for v in views]


# -- 文号 in any spelling -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocnoChoice:
    docno: str
    iri: str
    title: str | None

    def to_json(self) -> dict[str, Any]:
        return {"docno": self.docno, "iri": self.iri, "title": self.title}


@dataclass(frozen=True)
class DocnoResolution:
    """What a typed 文号 names: one notice (`iri`), several (`choices`, for a partial 文号), or none
    (`suggestions` of close 文号 in the graph)."""

    text: str
    docno: str | None  # the canonical key when the text is a whole 文号
    iri: str | None
    choices: tuple[DocnoChoice, ...] = ()
    suggestions: tuple[DocnoChoice, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.iri is not None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "docno": self.docno, "iri": self.iri,
                "choices": [c.to_json() for c in self.choices],
                "suggestions": [c.to_json() for c in self.suggestions]}


_PART_YEAR = re.compile(r"[〔\[（(﹝<【〈［]?((?:19|20)\d\d)[〕\]）)﹞>】〉］]")
_PART_SERIAL = re.compile(r"第?(\d{1,5})[号號]")
_PART_ISSUER = re.compile(r"^([\u4e00-\u9fff]{2,30}?)(?=[〔\[（(﹝<【〈［\d]|$)")


def resolve_docno(store: Store, text: str) -> DocnoResolution:
    """Any spelling of a 文号 → the canonical notice; a partial one (〔2020〕46号, 桂医保发) → its choices."""
    docno = parse_docno(text)
    if docno is not None:
        found = _choices(store, f"?n nkg:docNo {ox.Literal(docno.key)} .")
        if found:
            return DocnoResolution(text, docno.key, found[0].iri, tuple(found))
        return DocnoResolution(text, docno.key, None, suggestions=_suggestions(store, docno.key))
    s = re.sub(r"\s+", "", fold_width(text))
    patterns = []
    if m := _PART_ISSUER.match(s):
        patterns.append(f"?n nkg:issuerCode {ox.Literal(m.group(1))} .")
    if m := _PART_YEAR.search(s):
        patterns.append(f"?n nkg:docYear {int(m.group(1))} .")
    if m := _PART_SERIAL.search(s):
        patterns.append(f"?n nkg:serial {int(m.group(1))} .")
    found = _choices(store, "\n".join(patterns)) if patterns else []
    if len(found) == 1:
        return DocnoResolution(text, found[0].docno, found[0].iri, tuple(found))
    if found:
        return DocnoResolution(text, None, None, choices=tuple(found))
    return DocnoResolution(text, None, None, suggestions=_suggestions(store, s))


def notice_iri(store: Store, docno: str) -> str:
    """The notice a 文号 names, or an error listing the choices (InputError) or close 文号 (NotFound)."""
    found = resolve_docno(store, docno)
    if found.iri:
        return found.iri
    if found.choices:
        raise InputError(f"{docno!r} names several notices: {', '.join(c.docno for c in found.choices)}")
    hint = f"; close ones: {', '.join(c.docno for c in found.suggestions)}" if found.suggestions else ""
    raise NotFound(f"no notice {docno!r} in the graph{hint}")


def _choices(store: Store, patterns: str) -> list[DocnoChoice]:
    # A notice's own title is the one in the graph where it is in the corpus; else a title as cited.
    rows = store.select(SPARQL_PREFIXES + f"""SELECT ?n ?docno (SAMPLE(COALESCE(?own, ?t)) AS ?title) WHERE {{
      {patterns}
      ?n nkg:docNo ?docno . OPTIONAL {{ ?n dcterms:title ?t }}
      OPTIONAL {{ GRAPH ?g {{ ?n nkg:inCorpus true ; dcterms:title ?own }} }}
    }} GROUP BY ?n ?docno ORDER BY ?docno""")
    return [DocnoChoice(str(r["docno"]), str(r["n"]), str(r["title"]) if "title" in r else None) for r in rows]


def _suggestions(store: Store, text: str) -> tuple[DocnoChoice, ...]:
    """Close 文号 in the graph: the error path only, so reading every 文号 is affordable."""
    every = {c.docno: c for c in _choices(store, "")}
    close = difflib.get_close_matches(text, list(every), n=5, cutoff=0.5)
    return tuple(every[d] for d in close)


# -- who cites a notice ------------------------------------------------------------------------------------


def citing(store: Store, docno: str) -> list[dict[str, Any]]:
    """Notices that cite, forward, implement, apply or attach the notice a 文号 names: one entry per citation
    (relation, section, title and 文号 as cited), plus direct relations that no citation records."""
    iri = notice_iri(store, docno)
    rows = store.select(SPARQL_PREFIXES + f"""
    SELECT DISTINCT ?c ?n ?docno ?rel ?title ?asDocno ?path ?label ?offset WHERE {{
      ?c nkg:citedNotice {ox.NamedNode(iri)} ; nkg:citingNotice ?n ; nkg:relation ?rel .
      OPTIONAL {{ ?n nkg:docNo ?docno }} OPTIONAL {{ ?c nkg:titleAsCited ?title }}
      OPTIONAL {{ ?c nkg:docNoAsCited ?asDocno }} OPTIONAL {{ ?c nkg:sourceStart ?offset }}
      OPTIONAL {{ ?c nkg:inSection/nkg:path ?path }} OPTIONAL {{ ?c nkg:inSection/nkg:label ?label }} }}""")
    direct = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?n ?docno ?rel WHERE {{
      {{ VALUES ?rel {{ nkg:forwards nkg:implements nkg:applies nkg:hasAttachment nkg:cites }}
         ?n ?rel {ox.NamedNode(iri)} }}
      UNION {{ {ox.NamedNode(iri)} nkg:attachmentOf ?n . BIND(nkg:hasAttachment AS ?rel) }}
      FILTER NOT EXISTS {{ ?c nkg:citingNotice ?n ; nkg:citedNotice {ox.NamedNode(iri)} ; nkg:relation ?rel }}
      OPTIONAL {{ ?n nkg:docNo ?docno }} }}""")
    out = []
    for row in rows + direct:
        section = {"path": str(row["path"]), "label": str(row["label"]) if "label" in row else None} \
            if "path" in row else None
        out.append({
            "docno": str(row["docno"]) if "docno" in row else None, "notice": str(row["n"]),
            "relation": RELATIONS.get(str(row["rel"]).removeprefix(NKG_NS), str(row["rel"])),
            "section": section, "title_as_cited": str(row["title"]) if "title" in row else None,
            "docno_as_cited": str(row["asDocno"]) if "asDocno" in row else None,
            "citation": str(row["c"]) if "c" in row else None,
            "_offset": int(row["offset"]) if "offset" in row else 1 << 60,
        })
    out.sort(key=lambda e: (e["docno"] or e["notice"], e["_offset"], e["relation"]))
    return [{k: v for k, v in e.items() if k != "_offset"} for e in out]
