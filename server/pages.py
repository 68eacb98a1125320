"""The views the HTML templates render, by the type of the resource: a notice (`notice_page`), a figure (value,
kind, year, region, scope, the quote inside its section, what it restates, which notice governs it, its chart
and chain), a region (`region_page`), a validation finding (`findings`), any other resource (statements,
incoming links, its source text or graph); and home.
"""

from __future__ import annotations

import re
import urllib.parse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import url_for
from rdflib import URIRef

from graph.errors import NotFound
from graph.release import latest_release
from graph.source_text import excerpt, whole_text
from graph.sparql import iri_ref
from graph.store import Store
from graph.timeline import kind_timeline

from .charts import chart_svg, series_for
from .describe import (
    DEF,
    KIND_SCHEME,
    curie,
    is_graph,
    labels,
    local_url,
    n,
    select,
    statements,
    term,
)
from .diagram import diagram
from .findings import finding
from .notice_page import notice
from .region_page import region
from .words import SEVERITIES
from .words import kind as kind_words

QUERIES_DIR = Path(__file__).resolve().parents[1] / "ontology" / "queries"
MEMBERS_LIMIT = 200
CONTEXT_CHARS = 80  # text shown either side of a quote that lies outside numbered sections

QUALIFIERS = {DEF + "Exact": "", DEF + "AtLeast": "不低于", DEF + "About": "左右", DEF + "AtMost": "不高于"}


def _values(rows: list[dict[str, Any]], predicate: str) -> list[dict[str, Any]]:
    return next((r["objects"] for r in rows if r["predicate"]["iri"] == n(predicate)), [])


def _first(rows: list[dict[str, Any]], predicate: str) -> dict[str, Any] | None:
    values = _values(rows, predicate)
    return values[0] if values else None


def _text(rows: list[dict[str, Any]], predicate: str) -> str | None:
    first = _first(rows, predicate)
    return first.get("text") if first else None


def resource(store: Store, iri: str) -> dict[str, Any]:
    """The view of one IRI; `view` names the template: notice, figure or resource."""
    rows, links, more, title = statements(store, iri)
    types = {t.get("iri") for t in _values(rows, "rdf:type")}
    base = {"iri": iri, "statements": rows, "title": title, "incoming": links, "more_incoming": more}
    if n("nkg:Notice") in types:
        return {**base, **notice(store, iri, rows), "view": "notice"}
    if n("nkg:Figure") in types:
        return {**base, **figure(store, iri, rows), "view": "figure"}
    if n("nkg:Region") in types:
        return {**base, **region(store, iri), "view": "region"}
    if n("sh:ValidationResult") in types:
        return {**base, **finding(store, iri), "view": "finding"}
    return {**base, "view": "resource", "text": source_excerpt(store, iri), "graph": graph_summary(store, iri),
            "findings": findings(store, iri)}


# -- figure ------------------------------------------------------------------------------------------------


def figure(store: Store, iri: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    kind, region = _first(rows, "nkg:kind"), _first(rows, "nkg:region")
    year = _text(rows, "nkg:year")
    notation = _notation(store, kind["iri"]) if kind and "iri" in kind else None
    code = _code(store, region["iri"]) if region and "iri" in region else None
    restates = _first(rows, "nkg:restates")
    notice = _first(rows, "nkg:statedIn")
    governs = (url_for("api.governs", kind=notation, region=code, year=year)
               if notation and code and year else None)
    return {
        "value": figure_value(rows),
        "kind_words": kind_words(kind["iri"].rsplit("/", 1)[-1]) if kind and "iri" in kind else None,
        "kind": kind, "notation": notation, "region": region, "region_code": code, "year": year,
        "year_type": _first(rows, "nkg:yearType"), "year_inferred": _text(rows, "nkg:yearInferred") == "true",
        "scope": _text(rows, "nkg:scope"), "scope_regions": _values(rows, "nkg:scopeRegion"),
        "payer": _text(rows, "nkg:payer"), "notice": notice,
        "section": _first(rows, "nkg:inSection"), "quote": quote_in_context(store, iri),
        "restates": restates, "restates_notice": _stated_in(store, restates),
        "restated_by": _subjects(store, "nkg:restates", iri),
        "yields": _text(rows, "nkg:yieldsToLaterNationalRule") == "true", "note": _text(rows, "nkg:note"),
        "needs_review": _text(rows, "nkg:needsReview") == "true", "kind_cue": _text(rows, "nkg:kindCue"),
        "kind_basis": _first(rows, "nkg:kindBasis"),
        "governs_href": governs, "findings": findings(store, iri),
        "chart": _chart(store, kind, region, iri), "diagram": diagram(store, notice["iri"]) if notice else None,
        "kind_timeline": _timeline(store, notation, code, year),
    }


def _timeline(store: Store, notation: str | None, code: str | None, year: str | None) -> Any:
    """The kind's timeline in the figure's region as of today (graph/timeline.py: one query)."""
    if not notation or not code or not (year or "").isdigit():
        return None
    try:
        return kind_timeline(store, notation, code, around=int(year or 0))
    except NotFound:
        return None


def _chart(store: Store, kind: dict[str, Any] | None, region: dict[str, Any] | None, iri: str) -> Any:
    """The chart of the figure's kind in its region (beside the parent's and the nation's), this point marked."""
    if not kind or "iri" not in kind or not region or "iri" not in region:
        return None
    words = kind_words(kind["iri"].rsplit("/", 1)[-1])
    return chart_svg(f"{words.zh} {words.en}", series_for(store, kind["iri"], region["iri"]), marked=iri)


def figure_value(rows: list[dict[str, Any]]) -> str:
    """The value as a reader writes it: 不低于 280 元/人·年, 6:4, 2020-09-01 至 2020-12-31."""
    qualifier = _first(rows, "nkg:qualifier")
    prefix = QUALIFIERS.get(qualifier["iri"], "") if qualifier and "iri" in qualifier else ""
    unit = _text(rows, "nkg:unit") or ""
    if (amount := _text(rows, "nkg:amount")) is not None:
        value = f"{number(amount)} {unit}"
    elif (ratio := _text(rows, "nkg:ratio")) is not None:
        value = ratio
    elif (start := _text(rows, "nkg:startDate")) is not None:
        value = f"{start} 至 {_text(rows, 'nkg:endDate') or '?'}"
    else:
        value = _text(rows, "nkg:date") or "?"
    if prefix == "左右":  # 左右 follows the number
        return f"{value.strip()} 左右"
    return f"{prefix} {value.strip()}".strip()


def figure_value_text(f: dict[str, str]) -> str:
    """The same as `figure_value`, from one row of `charts.figure_rows`."""
    prefix = QUALIFIERS.get(f.get("qualifier", ""), "")
    if "amount" in f:
        value = f"{number(f['amount'])} {f.get('unit', '')}"
    elif "ratio" in f:
        value = f["ratio"]
    elif "startDate" in f:
        value = f"{f['startDate']} 至 {f.get('endDate', '?')}"
    else:
        value = f.get("date", "?")
    if prefix == "左右":
        return f"{value.strip()} 左右"
    return f"{prefix} {value.strip()}".strip()


def quote_in_context(store: Store, iri: str) -> dict[str, Any] | None:
    """The quote with the text of its section around it (or some text either side outside sections)."""
    rows = select(store, f"""SELECT ?exact ?start ?end ?src ?secStart ?secEnd WHERE {{
        {iri_ref(iri)} oa:hasSelector ?sel . ?sel oa:exact ?exact .
        OPTIONAL {{ ?sel oa:start ?start ; oa:end ?end ; nkg:sourceFile ?src }}
        OPTIONAL {{ {iri_ref(iri)} nkg:inSection ?s . ?s nkg:sourceStart ?secStart ; nkg:sourceEnd ?secEnd }} }} LIMIT 1""")
    if not rows:
        return None
    r = rows[0]
    quote = {"exact": str(r["exact"]), "before": "", "after": "", "start": None, "end": None}
    text = whole_text(store, str(r["src"])) if "src" in r else None
    if text is not None:
        start, end = int(r["start"]), int(r["end"])
        if "secStart" in r:
            lo, hi = int(r["secStart"]), int(r["secEnd"])
        else:  # the lines around it (a table row and its neighbours), at most CONTEXT_CHARS either side
            lo = max(0, start - CONTEXT_CHARS)
            lo = text.find("\n", lo, start) + 1 or lo
            hi = min(len(text), end + CONTEXT_CHARS)
            hi = text.rfind("\n", end, hi) if "\n" in text[end:hi] else hi
        if lo <= start <= end <= hi:
            quote.update(before=text[lo:start], after=text[end:hi], start=start, end=end)
    return quote


def _notation(store: Store, kind: str) -> str:
    rows = select(store, f"SELECT ?x WHERE {{ {iri_ref(kind)} skos:notation ?x }} LIMIT 1")
    return str(rows[0]["x"]) if rows else kind.rsplit("/", 1)[-1]


def _code(store: Store, region: str) -> str:
    rows = select(store, f"SELECT ?x WHERE {{ {iri_ref(region)} nkg:code ?x }} LIMIT 1")
    return str(rows[0]["x"]) if rows else region.rsplit("/", 1)[-1]


def _stated_in(store: Store, target: dict[str, Any] | None) -> dict[str, Any] | None:
    if not target or "iri" not in target:
        return None
    rows = select(store, f"SELECT ?m WHERE {{ {iri_ref(target['iri'])} nkg:statedIn ?m }} LIMIT 1")
    return term(rows[0]["m"], labels(store, {str(rows[0]["m"])})) if rows else None


def _subjects(store: Store, predicate: str, iri: str) -> list[dict[str, Any]]:
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ ?s {iri_ref(n(predicate))} {iri_ref(iri)} }} LIMIT {MEMBERS_LIMIT}")
    names = labels(store, {str(r["s"]) for r in rows})
    return [term(r["s"], names) for r in rows]


# -- any resource --------------------------------------------------------------------------------------------


def findings(store: Store, iri: str) -> list[dict[str, str]]:
    """Validation results about this resource (its focus, or a notice they compare): the message, Chinese first."""
    rows = select(store, f"""SELECT DISTINCT ?r ?severity ?message WHERE {{
        {{ ?r sh:focusNode {iri_ref(iri)} }} UNION {{ ?r nkg:focusNotice {iri_ref(iri)} }} UNION {{ ?r nkg:otherNotice {iri_ref(iri)} }}
        OPTIONAL {{ ?r sh:resultSeverity ?severity }} OPTIONAL {{ ?r sh:resultMessage ?message }} }}""")
    by_result: dict[str, dict[str, str]] = {}
    for r in sorted(rows, key=lambda r: getattr(r.get("message"), "language", None) != "zh"):
        entry = by_result.setdefault(str(r["r"]), {
            "href": local_url(str(r["r"])) if isinstance(r["r"], URIRef) else "",
            "severity": str(SEVERITIES.get(str(r.get("severity", "")), curie(str(r.get("severity", ""))))),
            "messages": []})
        if "message" in r and str(r["message"]) not in entry["messages"]:
            entry["messages"].append(str(r["message"]))
    return list(by_result.values())


def source_excerpt(store: Store, iri: str, own: bool = False) -> str | None:
    """The source text a section or citation spans (`own`: that a notice spans), read from its source file."""
    link = "prov:wasDerivedFrom ?source" if own else \
        "nkg:inNotice|nkg:citingNotice ?notice . ?notice prov:wasDerivedFrom ?source"
    rows = select(store, f"""SELECT ?source ?start ?end WHERE {{
        {iri_ref(iri)} nkg:sourceStart ?start ; nkg:sourceEnd ?end ; {link} }} LIMIT 1""")
    if not rows:
        return None
    return excerpt(store, str(rows[0]["source"]), int(rows[0]["start"]), int(rows[0]["end"]))


def graph_summary(store: Store, iri: str) -> dict[str, Any] | None:
    if not is_graph(store, iri):
        return None
    count = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_ref(iri)} {{ ?s ?p ?o }} }}")
    rows = store.select(f"SELECT DISTINCT ?s ?type WHERE {{ GRAPH {iri_ref(iri)} {{ ?s a ?type FILTER(isIRI(?s)) }} }} "
                        f"LIMIT {MEMBERS_LIMIT + 1}")
    names = labels(store, {str(v) for r in rows for v in r.values()})
    members = [{"subject": term(r["s"], names), "type": term(r["type"], names)} for r in rows[:MEMBERS_LIMIT]]
    members.sort(key=lambda m: (m["type"]["label"], m["subject"]["label"]))
    return {"triples": int(count[0]["n"]) if count else 0, "members": members, "more": len(rows) > MEMBERS_LIMIT}


# -- home ----------------------------------------------------------------------------------------------------


def home(store: Store) -> dict[str, Any]:
    rows = select(store, """SELECT ?n ?docno ?title ?date WHERE {
        ?n a nkg:Notice ; nkg:inCorpus true .
        OPTIONAL { ?n nkg:docNo ?docno } OPTIONAL { ?n dcterms:title ?title }
        OPTIONAL { ?n nkg:datePrinted|nkg:dateSigned ?date } }""")
    notices: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = notices.setdefault(str(r["n"]), {"href": local_url(str(r["n"])), "docno": "", "title": "",
                                                 "date": ""})
        entry["docno"] = str(r.get("docno", entry["docno"]))
        entry["title"] = entry["title"] or str(r.get("title", ""))
        entry["date"] = max(entry["date"], str(r.get("date", "")))
    kinds = select(store, f"""SELECT ?notation ?label WHERE {{ ?k skos:inScheme {iri_ref(KIND_SCHEME)} ;
        skos:notation ?notation . OPTIONAL {{ ?k skos:prefLabel ?label FILTER(lang(?label) = "zh") }} }}""")
    from .exports import export_links

    return {
        "notices": sorted(notices.values(), key=lambda e: (e["date"], e["docno"]), reverse=True),
        "kinds": sorted({(str(k["notation"]), str(k.get("label", k["notation"]))) for k in kinds}),
        "triples": store.triple_count(),
        "queries": canned_queries(),
        "exports": export_links(),
        "release": latest_release(store),  # the dataset's dated release (graph/release.py), with the feed
    }


def canned_queries(directory: Path = QUERIES_DIR) -> list[dict[str, str]]:
    """The `.rq` files of `ontology/queries/`, each with the first line of its leading comment and a link
    that runs it on the SPARQL endpoint."""
    found = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = next((line.lstrip("# ").strip().rstrip(".") for line in text.splitlines() if line.startswith("#")),
                     path.stem)
        if (m := re.fullmatch(r"(.+?)\s*[（(]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]", title)):
            title = f"{m.group(2)} {m.group(1)}"  # Chinese first, the English beside it
        found.append({"name": path.name, "title": title, "text": text,
                      "href": "/sparql?" + urllib.parse.urlencode({"query": text})})
    return found


def number(value: str) -> str:
    """280.0 → 280, 82.50 → 82.5: decimals as people write them."""
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return value
