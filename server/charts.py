"""Figures over the years, as SVG charts rendered on the server by pygal: a region's figures of one kind beside
its parent region's and the nation's, each point linked to its figure's page, one point marked if asked.

    series_for(store, kind_iri, region_iri) -> list[Series]   the region (whole and per tier), parent, nation
    chart_svg(title, series, marked=None) -> Markup            inline SVG, no script, no external reference
    figure_rows(store, region_iri) -> list[dict]               every figure stated for a region, for tables
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

from graph.regions import NATION
from graph.sparql import iri_ref
from graph.store import Store

from .describe import local_url, select
from .words import PHRASES

# pygal puts an old-style import hook on sys.meta_path for its optional map plugins (pygal.maps.*), which we do
# not use; Python warns about it on every later import (an error under the tests' warnings policy). Drop it.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

MAX_TIER_SERIES = 4  # a region's tiers drawn as series of their own, at most
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_LEGEND_ID = re.compile(r' id="activate-serie-\d+"')  # for pygal's legend script only; repeated in every chart
STYLE = Style(
    font_family='"Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif', background="white",
    plot_background="white", foreground="#1f2328", foreground_strong="#1f2328", foreground_subtle="#d8dee4",
    colors=("#0b5cad", "#b45309", "#15803d", "#7c3aed", "#be123c", "#0f766e", "#6b7280"),
    label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=11, title_font_size=15,
)


@dataclass
class Point:
    year: int
    amount: Decimal
    figure: str
    docno: str
    scope: str | None = None


@dataclass
class Series:
    name: str
    region: str
    points: list[Point] = field(default_factory=list)


def figure_rows(store: Store, region: str, kind: str | None = None) -> list[dict[str, Any]]:
    """Every figure stated for `region` (of one kind when given): kind, year, scope, value, unit, notice."""
    kind_filter = f"VALUES ?kind {{ {iri_ref(kind)} }}" if kind else ""
    rows = select(store, f"""SELECT DISTINCT ?f ?kind ?year ?amount ?ratio ?date ?startDate ?endDate ?unit
        ?qualifier ?scope ?payer ?label ?notice ?docno WHERE {{ {kind_filter}
        ?f nkg:region {iri_ref(region)} ; nkg:kind ?kind ; nkg:statedIn ?notice .
        OPTIONAL {{ ?f nkg:year ?year }} OPTIONAL {{ ?f nkg:amount ?amount }} OPTIONAL {{ ?f nkg:ratio ?ratio }}
        OPTIONAL {{ ?f nkg:date ?date }} OPTIONAL {{ ?f nkg:startDate ?startDate ; nkg:endDate ?endDate }}
        OPTIONAL {{ ?f nkg:unit ?unit }} OPTIONAL {{ ?f nkg:qualifier ?qualifier }}
        OPTIONAL {{ ?f nkg:scope ?scope }} OPTIONAL {{ ?f nkg:payer ?payer }}
        OPTIONAL {{ ?f rdfs:label ?label }} OPTIONAL {{ ?notice nkg:docNo ?docno }} }}""")
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        found.setdefault(str(r["f"]), {k: (str(v) if k not in ("year",) else int(v)) for k, v in r.items()})
    return sorted(found.values(), key=lambda f: (f["kind"], f.get("year", 0), f.get("scope", ""), f["f"]))


def _points(store: Store, kind: str, region: str) -> list[Point]:
    return [Point(f["year"], Decimal(f["amount"]), f["f"], f.get("docno", ""), f.get("scope"))
            for f in figure_rows(store, region, kind) if "amount" in f and "year" in f]


def _region_info(store: Store, region: str) -> tuple[str, str | None]:
    rows = select(store, f"""SELECT ?label ?parent WHERE {{ OPTIONAL {{ {iri_ref(region)} rdfs:label ?label }}
        OPTIONAL {{ {iri_ref(region)} nkg:within ?parent }} }} LIMIT 1""")
    r = rows[0] if rows else {}
    return str(r.get("label", region.rsplit("/", 1)[-1])), (str(r["parent"]) if "parent" in r else None)


def series_for(store: Store, kind: str, region: str) -> list[Series]:
    """The region's figures without a tier, each of its tiers (a few), its parent's and the nation's."""
    name, parent = _region_info(store, region)
    own = _points(store, kind, region)
    found = [Series(name, region, [p for p in own if not p.scope])]
    for scope in sorted({p.scope for p in own if p.scope})[:MAX_TIER_SERIES]:
        found.append(Series(f"{name} · {scope}", region, [p for p in own if p.scope == scope]))
    scopes = [s.points[0].scope for s in found[1:]]
    nation = region.rsplit("/", 1)[0] + "/" + NATION
    for other in dict.fromkeys(x for x in (parent, nation) if x and x != region):
        other_name, _ = _region_info(store, other)
        theirs = _points(store, kind, other)
        points = [p for p in theirs if not p.scope]
        # The parent's figure for a tier the region also names (设区市 beside 南宁市 · 设区市) is drawn too: the
        # parent has a figure, only not one for its whole territory.
        tiers = [(scope, [p for p in theirs if p.scope == scope]) for scope in scopes]
        tiers = [(scope, pts) for scope, pts in tiers if pts]
        if points or not tiers:
            found.append(Series(other_name if points else f"{other_name}（无数值 no figure）", other, points))
        found += [Series(f"{other_name} · {scope}", other, pts) for scope, pts in tiers]
    return [s for s in found if s.points or s.region != region]


def chart_svg(title: str, series: list[Series], marked: str | None = None, unit: str = "") -> Markup | None:
    """An XY chart, years across; None when no series has a point. `marked` (a figure IRI) is drawn large."""
    if not any(s.points for s in series):
        return None
    years = sorted({p.year for s in series for p in s.points})
    chart = pygal.XY(
        js=[], disable_xml_declaration=True, style=STYLE, width=760, height=380, explicit_size=True,
        title=title, show_legend=True, legend_at_bottom=True, margin_bottom=36, legend_at_bottom_columns=3, truncate_legend=-1,
        print_values=True, dots_size=5, stroke=True, x_labels=years, x_value_formatter=lambda x: f"{x:.0f}",
        formatter=lambda xy: _number(xy[1]) if isinstance(xy, tuple | list) and len(xy) == 2 else _number(xy),
        xrange=(years[0] - 0.5, years[-1] + 0.5), range=_range(series),
        y_title=unit or None, x_title=f"{PHRASES['year'].zh} {PHRASES['year'].en}", no_data_text="",
    )
    for s in series:
        values = []
        for p in sorted(s.points, key=lambda p: (p.year, p.amount)):
            value: dict[str, Any] = {"value": (p.year, float(p.amount)), "label": f"{p.docno} {s.name}",
                                     "xlink": {"href": local_url(p.figure), "target": "_top"}}
            if p.figure == marked:
                value["node"] = {"r": 10}
                value["style"] = "stroke: #be123c; stroke-width: 4; fill: #fff1a8"
            values.append(value)
        # Two values in one year (a tier's share beside its total) are points, not a line drawn straight up.
        crowded = len({p.year for p in s.points}) < len({(p.year, p.amount) for p in s.points})
        chart.add(s.name, values, stroke=not crowded)
    svg = _LEGEND_ID.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))  # the pages run no script
    return Markup(svg)  # noqa: S704 - pygal escapes the labels it writes


def _range(series: list[Series]) -> tuple[float, float]:
    """Some room above and below the points, so that none sits on the frame."""
    amounts = [float(p.amount) for s in series for p in s.points]
    lo, hi = min(amounts), max(amounts)
    pad = (hi - lo) * 0.12 or max(abs(hi) * 0.1, 1.0)
    return (max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad)


def _number(value: object) -> str:
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except InvalidOperation:
        return str(value)
