"""The region page's view: the region, its parent, the notices issued there, and per figure kind a table of
its figures by year and scope, with a chart of them beside the parent region's and the nation's."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from rdflib import URIRef

from graph.sparql import iri_ref
from graph.store import Store

from .charts import chart_svg, figure_rows, series_for
from .describe import labels, local_url, select, term
from .words import kind as kind_words
from .words import label as term_words


def region(store: Store, iri: str) -> dict[str, Any]:
    info = select(store, f"""SELECT ?code ?parent ?level WHERE {{ OPTIONAL {{ {iri_ref(iri)} nkg:code ?code }}
        OPTIONAL {{ {iri_ref(iri)} nkg:within ?parent }} OPTIONAL {{ {iri_ref(iri)} nkg:level ?level }} }} LIMIT 1""")
    r = info[0] if info else {}
    names = labels(store, {str(v) for v in r.values() if isinstance(v, URIRef)} | {iri})
    notices = select(store, f"""SELECT DISTINCT ?n ?docno ?date WHERE {{ ?n nkg:jurisdiction {iri_ref(iri)} ;
        nkg:inCorpus true . OPTIONAL {{ ?n nkg:docNo ?docno }} OPTIONAL {{ ?n nkg:datePrinted|nkg:dateSigned ?date }} }}""")
    notice_names = labels(store, {str(n["n"]) for n in notices})
    listed: dict[str, dict[str, Any]] = {}
    for n in notices:
        entry = listed.setdefault(str(n["n"]), {"notice": term(n["n"], notice_names), "date": ""})
        entry["date"] = max(entry["date"], str(n.get("date", "")))
    return {
        "code": str(r.get("code", "")),
        "parent": term(r["parent"], names) if "parent" in r else None,
        "level_words": term_words(str(r["level"])) if "level" in r else None,
        "region_notices": sorted(listed.values(), key=lambda e: e["date"], reverse=True),
        "kinds": kinds(store, iri),
    }


def kinds(store: Store, iri: str) -> list[dict[str, Any]]:
    """Per kind: the rows (year, scope, the values stated, each with its notice) and the chart."""
    from .pages import figure_value_text

    found = []
    rows = figure_rows(store, iri)
    for kind, figures in groupby(rows, key=lambda f: f["kind"]):
        figures = list(figures)
        table = []
        for (year, scope), same in groupby(figures, key=lambda f: (f.get("year"), f.get("scope", ""))):
            table.append({"year": year, "scope": scope, "cells": [
                {"href": local_url(f["f"]), "text": figure_value_text(f), "notice_href": local_url(f["notice"]),
                 "docno": f.get("docno", ""), "payer": f.get("payer")} for f in same]})
        slug = kind.rsplit("/", 1)[-1]
        words = kind_words(slug)
        units = {f.get("unit", "") for f in figures if "amount" in f}
        chart = chart_svg(f"{words.zh} {words.en}", series_for(store, kind, iri),
                          unit=units.pop() if len(units) == 1 else "") if any("amount" in f for f in figures) else None
        found.append({"kind": kind, "slug": slug, "href": local_url(kind), "words": words, "rows": table,
                      "chart": chart})
    return sorted(found, key=lambda k: (k["chart"] is None, k["slug"]))
