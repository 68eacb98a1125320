"""The notice page's view: 文号, titles, issuers, dates; each related notice once with all its relations (both
directions); the sections in document order with their figures (and each figure's scope) and citations; the
chain diagram; the original text with every figure's quote highlighted and markdown bold (`**`) dropped.
"""

from __future__ import annotations

from typing import Any

from graph.source_text import whole_text
from graph.sparql import iri_ref
from graph.store import Store
from graph.timeline import notice_timelines

from .describe import DEF, curie, labels, local_url, select, term
from .diagram import diagram
from .words import relation

RELATION_NAMES = ("forwards", "implements", "applies", "hasAttachment", "attachmentOf", "cites")
RELATIONS = {DEF + name: name for name in RELATION_NAMES}
MARKUP = "**"  # markdown bold that came with some texts: not part of what the notice says


def _values(rows: list[dict[str, Any]], iri: str) -> list[dict[str, Any]]:
    return next((r["objects"] for r in rows if r["predicate"]["iri"] == iri), [])


def notice(store: Store, iri: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from .pages import findings
    from .text import provenance as source_provenance

    def text(name: str) -> str | None:
        values = _values(rows, DEF + name)
        return values[0].get("text") if values else None

    def first(name: str) -> dict[str, Any] | None:
        values = _values(rows, DEF + name)
        return values[0] if values else None

    figures = _figures(store, iri)
    related_notices, followed = related(store, iri)
    return {
        "docno": text("docNo"),
        "titles": [t["text"].replace(MARKUP, "") for t in _values(rows, "http://purl.org/dc/terms/title")],
        "in_corpus": text("inCorpus") == "true",
        "issuers": _values(rows, DEF + "issuedBy"),
        "jurisdiction": first("jurisdiction"),
        "level": first("level"),
        "signed": text("dateSigned"),
        "printed": text("datePrinted"),
        "addressees": [t["text"] for t in _values(rows, DEF + "addressee")],
        "copied_to": [t["text"] for t in _values(rows, DEF + "copiedTo")],
        "publicity": text("publicity"),
        "related": related_notices,
        "sections": sections(store, iri, figures),
        "full_text": marked_text(store, iri, figures),
        "findings": findings(store, iri),
        "diagram": diagram(store, iri),
        "has_followers": followed,
        "provenance": source_provenance(store, iri),  # where it came from, how it became text (server/text.py)
        "timelines": notice_timelines(store, iri),  # its kinds over the years, as of today (graph/timeline.py)
    }


def related(store: Store, iri: str) -> tuple[list[dict[str, Any]], bool]:
    """Every notice this one relates to, or that relates to it, once, with all the relations between them;
    and whether another notice forwards or implements this one."""
    values = " ".join(f"{iri_ref(p)}" for p in RELATIONS)
    rows = store.select(f"""SELECT DISTINCT ?m ?p ?dir WHERE {{ VALUES ?p {{ {values} }}
        {{ {iri_ref(iri)} ?p ?m BIND("out" AS ?dir) }} UNION {{ ?m ?p {iri_ref(iri)} BIND("in" AS ?dir) }} }}""")
    names = labels(store, {str(r["m"]) for r in rows})
    by_notice: dict[str, dict[str, Any]] = {}
    for r in rows:
        name, inverse = RELATIONS[str(r["p"])], str(r["dir"]) == "in"
        if name == "attachmentOf":  # the inverse of hasAttachment, stated on the attached notice
            name, inverse = "hasAttachment", not inverse
        entry = by_notice.setdefault(str(r["m"]), {"notice": term(r["m"], names), "relations": [],
                                                   "order": len(RELATION_NAMES)})
        words = relation(name, inverse)
        if words not in entry["relations"]:
            entry["relations"].append(words)
            entry["order"] = min(entry["order"], RELATION_NAMES.index(name) + (0.5 if inverse else 0))
    followed = any(str(r["dir"]) == "in" and RELATIONS[str(r["p"])] in ("forwards", "implements") for r in rows)
    return sorted(by_notice.values(), key=lambda e: (e["order"], e["notice"]["label"])), followed


def _figures(store: Store, iri: str) -> list[dict[str, Any]]:
    """The notice's figures with their quotes and where they stand: one query for the sections and the text.
    No OPTIONAL inside an OPTIONAL: Oxigraph evaluates the inner one's left side over the whole store
    (`?sel oa:exact ?exact` for every quote), 0.8-1.4 s at 1,000 notices and growing; flat, 2 ms."""
    return select(store, f"""SELECT ?f ?label ?exact ?start ?end ?section ?scope WHERE {{ ?f nkg:statedIn {iri_ref(iri)} .
        OPTIONAL {{ ?f rdfs:label ?label }} OPTIONAL {{ ?f nkg:inSection ?section }} OPTIONAL {{ ?f nkg:scope ?scope }}
        OPTIONAL {{ ?f oa:hasSelector/oa:exact ?exact }}
        OPTIONAL {{ ?f oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end }}
    }}""")


def sections(store: Store, iri: str, figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The notice's sections in document order, each with its figures and citations; what lies outside the
    numbered sections goes to the preamble (before the first section) or to the end (tables, 附表)."""
    rows = select(store, f"""SELECT ?s ?path ?label ?title ?start WHERE {{ ?s nkg:inNotice {iri_ref(iri)} ; nkg:path ?path .
        OPTIONAL {{ ?s nkg:label ?label }} OPTIONAL {{ ?s dcterms:title ?title }}
        OPTIONAL {{ ?s nkg:sourceStart ?start }} }}""")
    preamble = {"iri": None, "heading": "正文前言", "heading_en": "preamble", "depth": 1, "figures": [],
                "citations": [], "order": (-1, ())}
    after = {"iri": None, "heading": "章节之外（附表等）", "heading_en": "outside the sections (tables …)", "depth": 1,
             "figures": [], "citations": [], "order": (1 << 60, ())}
    by_iri: dict[str, dict[str, Any]] = {}
    for r in rows:
        path = str(r["path"])
        numbers = tuple(int(p) if p.isdigit() else 0 for p in path.split("."))
        by_iri.setdefault(str(r["s"]), {
            "iri": str(r["s"]), "href": local_url(str(r["s"])), "label": str(r.get("label", "")),
            "heading": str(r.get("title", "")).replace(MARKUP, ""), "depth": path.count(".") + 1,
            "order": (int(r["start"]) if "start" in r else 1 << 59, numbers), "figures": [], "citations": [],
        })
    first_section = min((int(r["start"]) for r in rows if "start" in r), default=1 << 60)

    def holder(row: dict) -> dict[str, Any]:
        if "section" in row and str(row["section"]) in by_iri:
            return by_iri[str(row["section"])]
        return preamble if int(row.get("start", 0)) < first_section else after

    seen: set[str] = set()
    for f in sorted(figures, key=lambda f: (int(f.get("start", 0)), str(f["f"]))):
        if str(f["f"]) in seen:
            continue
        seen.add(str(f["f"]))
        holder(f)["figures"].append({"href": local_url(str(f["f"])), "label": str(f.get("label", curie(str(f["f"])))),
                                     "quote": str(f.get("exact", "")).replace(MARKUP, ""),
                                     "scope": str(f["scope"]) if "scope" in f else None})
    citations = select(store, f"""SELECT DISTINCT ?c ?rel ?cited ?title ?docno ?section ?start WHERE {{
        ?c nkg:citingNotice {iri_ref(iri)} ; nkg:relation ?rel .
        OPTIONAL {{ ?c nkg:citedNotice ?cited }} OPTIONAL {{ ?c nkg:titleAsCited ?title }}
        OPTIONAL {{ ?c nkg:docNoAsCited ?docno }} OPTIONAL {{ ?c nkg:inSection ?section }}
        OPTIONAL {{ ?c nkg:sourceStart ?start }} }}""")
    for c in sorted(citations, key=lambda c: int(c.get("start", 0))):
        name = RELATIONS.get(str(c["rel"]))
        holder(c)["citations"].append({
            "href": local_url(str(c["c"])), "relation": relation(name) if name else curie(str(c["rel"])),
            "cited_href": local_url(str(c["cited"])) if "cited" in c else None,
            "title": str(c.get("title", "")), "docno": str(c.get("docno", "")),
        })
    ordered = sorted([preamble, *by_iri.values(), after], key=lambda s: s["order"])
    return [s for s in ordered if s["iri"] or s["figures"] or s["citations"]]


def marked_text(store: Store, iri: str, figures: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The notice's own text cut into pieces, each figure's quote a piece of its own linked to the figure."""
    rows = select(store, f"""SELECT ?source ?start ?end WHERE {{
        {iri_ref(iri)} nkg:sourceStart ?start ; nkg:sourceEnd ?end ; prov:wasDerivedFrom ?source }} LIMIT 1""")
    text = whole_text(store, str(rows[0]["source"])) if rows else None
    if text is None:
        return None
    lo, hi = int(rows[0]["start"]), int(rows[0]["end"])
    spans = sorted({(int(q["start"]), int(q["end"]), str(q["f"]), str(q.get("label", "")))
                    for q in figures if "start" in q and "end" in q})
    pieces, at = [], lo
    for start, end, figure, label in spans:
        if start < at or end > hi or start >= end:  # overlapping or outside this notice: the first one wins
            continue
        if start > at:
            pieces.append({"text": text[at:start].replace(MARKUP, "")})
        pieces.append({"text": text[start:end].replace(MARKUP, ""), "href": local_url(figure), "label": label})
        at = end
    if at < hi:
        pieces.append({"text": text[at:hi].replace(MARKUP, "")})
    return pieces
