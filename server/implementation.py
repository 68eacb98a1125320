"""The implementation table of a higher-level notice: every notice that forwards or implements it, directly or
through others, with its region, level and dates, the days since the notice it follows, and the figures it sets
beside those of the nearest notice above it in the chain that sets the same kind for the same year; a figure
below a floor (不低于) above it, or different from it, is a deviation.

    GET /implementation?docno=医保发〔2020〕24号[&format=json|csv]    HTML, JSON or CSV (also by Accept)
"""

from __future__ import annotations

import csv
import io
import urllib.parse
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from graph import lookup
from graph.sparql import iri_ref
from graph.store import Store

from .describe import DEF, local_url, select
from .errors import error_response
from .pages import figure_value_text
from .store import get_reader
from .words import PHRASES, Words, relation
from .words import kind as kind_words
from .words import level as level_words

bp = Blueprint("implementation", __name__)
CSV_BOM = "\ufeff"
FOLLOWS = ("forwards", "implements")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _notices(store: Store, iris: list[str]) -> dict[str, dict[str, Any]]:
    block = " ".join(f"{iri_ref(i)}" for i in iris)
    found: dict[str, dict[str, Any]] = {i: {"iri": i, "href": local_url(i)} for i in iris}
    for r in select(store, f"""SELECT ?n ?docno ?title ?signed ?printed ?level ?region ?code ?corpus WHERE {{
            VALUES ?n {{ {block} }} OPTIONAL {{ ?n nkg:docNo ?docno }} OPTIONAL {{ ?n dcterms:title ?title }}
            OPTIONAL {{ ?n nkg:dateSigned ?signed }} OPTIONAL {{ ?n nkg:datePrinted ?printed }}
            OPTIONAL {{ ?n nkg:level ?level }} OPTIONAL {{ ?n nkg:inCorpus ?corpus }}
            OPTIONAL {{ ?n nkg:jurisdiction ?j . ?j rdfs:label ?region ; nkg:code ?code }} }}"""):
        e = found[str(r["n"])]
        for key in ("docno", "title", "signed", "printed", "region", "code"):
            if key in r and key not in e:
                e[key] = str(r[key]).replace("**", "")
        if "level" in r:
            e["level"] = str(r["level"]).rsplit("/", 1)[-1].lower()
        e["in_corpus"] = e.get("in_corpus") or str(r.get("corpus", "")) == "true"
    for e in found.values():
        e["date"] = e.get("printed") or e.get("signed")
    return found


def _figures(store: Store, iris: list[str]) -> dict[str, list[dict[str, Any]]]:
    block = " ".join(f"{iri_ref(i)}" for i in iris)
    found: dict[str, dict[str, Any]] = {}
    for r in select(store, f"""SELECT DISTINCT ?f ?n ?kind ?year ?amount ?ratio ?date ?startDate ?endDate ?unit
            ?qualifier ?scope WHERE {{ VALUES ?n {{ {block} }} ?f nkg:statedIn ?n ; nkg:kind ?kind ; nkg:year ?year .
            OPTIONAL {{ ?f nkg:amount ?amount }} OPTIONAL {{ ?f nkg:ratio ?ratio }} OPTIONAL {{ ?f nkg:date ?date }}
            OPTIONAL {{ ?f nkg:startDate ?startDate ; nkg:endDate ?endDate }} OPTIONAL {{ ?f nkg:unit ?unit }}
            OPTIONAL {{ ?f nkg:qualifier ?qualifier }} OPTIONAL {{ ?f nkg:scope ?scope }} }}"""):
        found.setdefault(str(r["f"]), {k: str(v) for k, v in r.items()})
    by_notice: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(found.values(), key=lambda f: (f["kind"], f["year"], f.get("scope", ""), f["f"])):
        by_notice.setdefault(f["n"], []).append(f)
    return by_notice


def table(store: Store, root: str) -> dict[str, Any]:
    links = "|".join(f"nkg:{r}" for r in FOLLOWS)
    values = " ".join(f"nkg:{r}" for r in FOLLOWS)
    edges = select(store, f"""SELECT DISTINCT ?m ?p ?up WHERE {{ ?m ({links})+ {iri_ref(root)} .
        ?m ?p ?up VALUES ?p {{ {values} }} ?up ({links})* {iri_ref(root)} }}""")
    parents: dict[str, dict[str, set[str]]] = {}
    for e in edges:
        parents.setdefault(str(e["m"]), {}).setdefault(str(e["up"]), set()).add(str(e["p"])[len(DEF):])
    iris = sorted({root, *parents})
    info = _notices(store, iris)
    figures = _figures(store, iris)

    def depth(iri: str, seen: frozenset = frozenset()) -> int:
        ups = [u for u in parents.get(iri, {}) if u not in seen]
        return 0 if iri == root or not ups else 1 + min(depth(u, seen | {iri}) for u in ups)

    def direct_parent(iri: str) -> str:  # the nearest notice above: the one closest to the root
        ups = parents[iri]
        return min(ups, key=lambda u: (depth(u), info[u].get("docno") or u))

    def ancestors(iri: str) -> list[str]:
        chain, at, seen = [], iri, {iri}
        while at != root and at in parents:
            at = direct_parent(at)
            if at in seen:
                break
            seen.add(at)
            chain.append(at)
        return chain

    rows = []
    for iri in sorted(parents, key=lambda i: (depth(i), info[i].get("code") or "", info[i].get("date") or "", i)):
        up = direct_parent(iri)
        e, p = info[iri], info[up]
        days = (_day(e.get("date")) - _day(p.get("date"))).days if _day(e.get("date")) and _day(p.get("date")) else None
        compared = [_compare(f, ancestors(iri), figures, info) for f in figures.get(iri, [])]
        rows.append({**e, "depth": depth(iri), "via": p, "relations": [relation(r) for r in FOLLOWS
                                                                          if r in parents[iri][up]],
                     "level_words": level_words(e.get("level")), "days": days, "figures": compared,
                     "deviations": sum(1 for c in compared if c["deviation"] in ("below_floor", "differs"))})
    return {"root": info[root], "rows": rows, "root_figures": [
        _compare(f, [], figures, info) for f in figures.get(root, [])]}


def _amount(f: dict[str, Any] | None) -> Decimal | None:
    try:
        return Decimal(f["amount"]) if f and "amount" in f else None
    except InvalidOperation:
        return None


def _unit_family(f: dict[str, Any]) -> str:
    unit = f.get("unit", "")
    return "元" if unit.startswith("元") else unit


def _compare(f: dict[str, Any], above: list[str], figures: dict[str, list[dict[str, Any]]],
             info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The figure beside the nearest figure above it of the same kind and year (same tier if there is one,
    else the whole region's), and what kind of deviation it is."""
    match, holder = None, None
    for up in above:
        same = [g for g in figures.get(up, []) if g["kind"] == f["kind"] and g["year"] == f["year"]
                and _unit_family(g) == _unit_family(f)]
        match = next((g for g in same if g.get("scope") == f.get("scope")), None) or \
            next((g for g in same if "scope" not in g), None)
        if match:
            holder = info[up]
            break
    deviation = None
    mine, theirs = _amount(f), _amount(match)
    if match is not None:
        if mine is not None and theirs is not None:
            if mine < theirs and match.get("qualifier") == DEF + "AtLeast":
                deviation = "below_floor"
            elif mine != theirs:
                deviation = "differs"
            else:
                deviation = "same"
        elif figure_value_text(f) != figure_value_text(match):
            deviation = "differs"
        else:
            deviation = "same"
    slug = f["kind"].rsplit("/", 1)[-1]
    return {"iri": f["f"], "href": local_url(f["f"]), "kind": slug, "kind_words": kind_words(slug),
            "year": int(f["year"]), "scope": f.get("scope"), "value": figure_value_text(f),
            "parent_value": figure_value_text(match) if match else None,
            "parent_href": local_url(match["f"]) if match else None,
            "parent_docno": (holder or {}).get("docno"), "deviation": deviation,
            "deviation_words": PHRASES[deviation] if deviation else None,
            "difference": str(mine - theirs) if mine is not None and theirs is not None else None}


def rows_csv(found: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["docno", "title", "region", "region_code", "level", "follows", "relation", "signed",
                     "printed", "days_after_parent", "kind", "kind_zh", "year", "scope", "value", "parent_value",
                     "parent_docno", "deviation", "difference", "figure", "notice"])
    for r in found["rows"]:
        base = [r.get("docno", ""), r.get("title", ""), r.get("region", ""), r.get("code", ""), r.get("level", ""),
                r["via"].get("docno", ""), ";".join(w.en for w in r["relations"]), r.get("signed", ""),
                r.get("printed", ""), "" if r["days"] is None else r["days"]]
        for f in r["figures"] or [None]:
            if f is None:
                writer.writerow([*base, *[""] * 9, "", r["iri"]])
                continue
            writer.writerow([*base, f["kind"], f["kind_words"].zh, f["year"], f["scope"] or "", f["value"],
                             f["parent_value"] or "", f["parent_docno"] or "", f["deviation"] or "",
                             f["difference"] or "", f["iri"], r["iri"]])
    return out.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, Words):
        return value.to_json()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@bp.get("/implementation")
def implementation() -> Response:
    text = (request.args.get("docno") or "").strip()
    if not text:
        return error_response(400, "InvalidParameter", "缺少文号 docno is required, e.g. "
                              "/implementation?docno=医保发〔2020〕24号", parameter="docno")
    store = get_reader()
    found = lookup.resolve_docno(store, text)
    if not found.iri:
        return error_response(404, "NotFound", f"图中没有文号为 {text} 的通知 no notice with the 文号 {text!r}",
                              suggestions=[c.to_json() for c in found.suggestions] or None)
    result = table(store, found.iri)
    fmt = request.args.get("format") or {"application/json": "json", "text/csv": "csv"}.get(
        request.accept_mimetypes.best_match(["text/html", "application/json", "text/csv"]) or "", "html")
    if fmt == "csv":
        name = (result["root"].get("docno") or "implementation")
        return Response(CSV_BOM + rows_csv(result), content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": "attachment; filename=\"implementation.csv\"; filename*=UTF-8''"
                                   + urllib.parse.quote(name + ".csv")})
    if fmt == "json":
        return jsonify(_plain(result))
    return Response(render_template("implementation.html", title=f"{result['root'].get('docno', '')} 贯彻落实情况表",
                                    t=result, docno=text), content_type="text/html; charset=utf-8")
