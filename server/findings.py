"""Validation findings for people: `/validation` lists every result of the stored report (rule, severity,
both notices, both quoted sentences, links), filterable by rule and by region; a finding's own page (its IRI
dereferenced) reads as a sentence.

    GET /validation[?rule=below-floor][&region=450000]     HTML; `?format=json` or Accept: application/json
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from rdflib import Literal

from graph import lookup
from graph.errors import NotFound
from graph.sparql import iri_ref
from graph.store import Store

from .describe import local_url, select
from .errors import error_response
from .store import get_reader
from .words import PHRASES, SEVERITIES, Words
from .words import label as term_words

bp = Blueprint("findings", __name__)

RULE_NS = "https://noticekg.org/def/rule/"
_RULE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

_FIELDS = """?r a sh:ValidationResult ; sh:focusNode ?focus .
    OPTIONAL { ?r sh:resultSeverity ?severity } OPTIONAL { ?r sh:sourceShape ?shape FILTER(isIRI(?shape)) }
    OPTIONAL { ?r sh:sourceConstraintComponent ?component }
    OPTIONAL { ?r sh:resultMessage ?zh FILTER(LANG(?zh) = "zh" || LANG(?zh) = "") }
    OPTIONAL { ?r sh:resultMessage ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
    OPTIONAL { ?r sh:value ?value } OPTIONAL { ?r nkg:expected ?expected } OPTIONAL { ?r nkg:difference ?difference }
    OPTIONAL { ?r nkg:focusNotice ?fn } OPTIONAL { ?focus nkg:statedIn|nkg:inNotice|nkg:citingNotice ?owner }
    OPTIONAL { ?focus a nkg:Notice BIND(?focus AS ?self) }
    BIND(COALESCE(?fn, ?owner, ?self) AS ?focusNotice)
    OPTIONAL { ?r nkg:otherNotice ?otherNotice } OPTIONAL { ?r nkg:otherFocus ?otherFocus }
    OPTIONAL { ?r nkg:focusDocNo ?focusDocNo } OPTIONAL { ?r nkg:otherDocNo ?otherDocNo }
    OPTIONAL { ?r nkg:focusSection ?focusSection } OPTIONAL { ?r nkg:otherSection ?otherSection }
    OPTIONAL { ?r nkg:focusQuote ?focusQuote } OPTIONAL { ?r nkg:otherQuote ?otherQuote }
    OPTIONAL { ?r nkg:explanation ?explanation }
    OPTIONAL { ?focusNotice nkg:docNo ?focusNoticeDocNo } OPTIONAL { ?otherNotice nkg:docNo ?otherNoticeDocNo }
    OPTIONAL { ?focus oa:hasSelector/oa:exact ?ownQuote }
    OPTIONAL { ?focus nkg:kind ?kind } OPTIONAL { ?focus nkg:year ?year } OPTIONAL { ?focus nkg:unit ?unit }
    OPTIONAL { ?focusNotice nkg:jurisdiction ?region . ?region rdfs:label ?regionName ; nkg:code ?regionCode }"""


def _rows(store: Store, extra: str = "", values: str = "") -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for r in select(store, f"SELECT * WHERE {{ {values} {_FIELDS} {extra} }}"):
        entry = found.setdefault(str(r["r"]), {})
        for key, value in r.items():
            entry.setdefault(key, value)
    return [_entry(iri, r) for iri, r in found.items()]


def _entry(iri: str, r: dict[str, Any]) -> dict[str, Any]:
    def s(key: str) -> str | None:
        return str(r[key]) if key in r else None

    rule = s("shape") or s("component") or ""
    severity = s("severity") or ""
    return {
        "iri": iri, "href": local_url(iri), "rule": rule, "rule_slug": rule[len(RULE_NS):] if rule.startswith(RULE_NS)
        else rule.rsplit("#", 1)[-1], "rule_words": term_words(rule) if rule else PHRASES["unknown"],
        "severity": severity.rsplit("#", 1)[-1],
        "severity_words": SEVERITIES.get(severity, Words(severity, severity)),
        "message": s("zh"), "message_en": s("en"),
        "focus": {"iri": s("focus"), "href": local_url(s("focus") or "")},
        "focus_notice": _notice(s("focusNotice"), s("focusDocNo") or s("focusNoticeDocNo")),
        "other_notice": _notice(s("otherNotice"), s("otherDocNo") or s("otherNoticeDocNo")),
        "other_focus": {"iri": s("otherFocus"), "href": local_url(s("otherFocus"))} if "otherFocus" in r else None,
        "focus_section": s("focusSection"), "other_section": s("otherSection"),
        "focus_quote": s("focusQuote") or s("ownQuote"), "other_quote": s("otherQuote"),
        "value": s("value"), "expected": s("expected"), "difference": s("difference"),
        "explanation": s("explanation"),
        # the figure a finding is about, so that its sentence names it: 个人缴费标准 2020 年度 …
        "kind_words": term_words(s("kind")) if "kind" in r else None, "year": s("year"), "unit": s("unit") or "",
        "region": {"iri": s("region"), "href": local_url(s("region")), "name": s("regionName"),
                   "code": s("regionCode")} if "region" in r else None,
    }


def _notice(iri: str | None, docno: str | None) -> dict[str, Any] | None:
    return {"iri": iri, "href": local_url(iri), "docno": docno or iri} if iri else None


def finding(store: Store, iri: str) -> dict[str, Any]:
    """The view of one result for its own page (`view: finding`)."""
    rows = _rows(store, values=f"VALUES ?r {{ {iri_ref(iri)} }}")
    return {"finding": rows[0] if rows else None}


def all_findings(store: Store, rule: str | None = None, region: str | None = None) -> list[dict[str, Any]]:
    """Every result, or those of one rule (its slug under rule:) and concerning a notice of one region or a
    region inside it (GB/T 2260 code)."""
    extra = f"?r sh:sourceShape {iri_ref(RULE_NS + rule)} ." if rule else ""  # a slug checked by the caller
    if region:
        extra += f" ?focusNotice nkg:jurisdiction/nkg:within* ?within . ?within nkg:code {Literal(region).n3()} ."
    found = _rows(store, extra)
    return sorted(found, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule_slug"],
                                        (f["focus_notice"] or {}).get("docno") or "", f["iri"]))


def facets(store: Store) -> dict[str, list[dict[str, Any]]]:
    every = all_findings(store)
    rules: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[str, Any]] = {}
    for f in every:
        rules.setdefault(f["rule_slug"], {"value": f["rule_slug"], "words": f["rule_words"], "count": 0})["count"] += 1
        if f["region"] and f["region"]["code"]:
            places.setdefault(f["region"]["code"], {"value": f["region"]["code"], "name": f["region"]["name"],
                                                    "count": 0})["count"] += 1
    return {"rule": sorted(rules.values(), key=lambda x: x["value"]),
            "region": sorted(places.values(), key=lambda x: x["value"])}


@bp.get("/validation")
def validation() -> Response:
    store = get_reader()
    rule = (request.args.get("rule") or "").strip()
    if rule and not _RULE.match(rule):
        return error_response(400, "InvalidParameter", f"规则名无效 invalid rule name {rule!r}: use a slug such as "
                              "below-floor", parameter="rule")
    region_text = (request.args.get("region") or "").strip()
    region = None
    if region_text:
        try:
            region = lookup.region_code(region_text)
        except NotFound as exc:
            return error_response(400, "InvalidParameter", f"未知地区 unknown region: {exc}", parameter="region")
    found = all_findings(store, rule or None, region)
    wants_json = request.args.get("format") == "json" or (
        request.args.get("format") != "html"
        and request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json")
    if wants_json:
        return jsonify({"count": len(found), "rule": rule or None, "region": region, "findings": [_json(f) for f in found]})
    return Response(render_template("validation.html", title="校验发现 validation findings", findings=found,
                                    facets=facets(store), rule=rule, region=region, region_text=region_text),
                    content_type="text/html; charset=utf-8")


def _json(f: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in f.items() if not isinstance(v, Words)}
    out["rule_label"] = f["rule_words"].to_json()
    out["severity_label"] = f["severity_words"].to_json()
    return out
