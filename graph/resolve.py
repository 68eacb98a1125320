"""Which notice governs a figure, as of a date:
`governing_figure(store, kind, region, year, scope=None, as_of=None, runner=None) -> Resolution`, the one
resolver the CLI and the server both call.

Candidates are the figures of that kind and year whose region contains the asked one (南宁市 ⊂ 广西 ⊂ 全国),
or whose tier names it or a region containing it (`nkg:scopeRegion`: 第三档 兰州、金昌、嘉峪关): the build
writes each a key kind|year|region (`nkg:figureKey`), so the look-up starts from exact keys. Only figures
whose notice is in force on the as-of date compete (`graph.validity`); the others are shown, and those that
later took over are the answer's `superseded_by`. The most specific region wins (a tier counts as the region
it names), then the latest notice; within one notice the first statement. A figure that yields to a later
higher-level rule (`nkg:yieldsToLaterNationalRule`, 从其规定) gives way to a figure of a less specific region
set by a later notice in force: the answer says so (`yields`). Scope: a question with a scope drops figures
of another scope; a question without one keeps only figures for the whole region, or the tier that names it.
The chain climbs from the governing figure: first the figures it restates, then forwards / implements /
attachment from notice to notice, up to the national notice (often known only by citation): `graph.chain`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from . import regions
from .chain import Step, climb, depth_of, info, read_notices
from .lookup import (
    SPARQL_PREFIXES,
    FigureView,
    figure_views,
    kind_slug,
    region_code,
    view_of,
)
from .parse.text import fold_width
from .resolution import Candidate, Resolution, Yield, where
from .sparql import Runner
from .store import Store
from .timed import Select, selector
from .validity import InForce, in_force, today
from .vocab import ELI, KIND, NKG, OA

__all__ = ["Candidate", "Resolution", "Step", "Yield", "governing_figure"]

_NEAREST = 8  # how many near misses a "nothing governs" answer lists
_SAMPLE = 200  # how many figures of other regions it looks at to choose them
_YEARS = 10  # how many years either side a "nothing governs" answer looks at in the asked region
_KIND, _RESTATES, _STATED_IN = str(NKG.kind), str(NKG.restates), str(NKG.statedIn)


@dataclass(frozen=True)
class _Eligible:
    view: FigureView
    depth: int  # specificity: depth of the region matched (own region, or the region a tier names)
    scope_fit: int  # 1 when the figure's scope is the one asked for

    @property
    def key(self) -> tuple:
        # Larger wins: region, then scope, then the later notice, then the earlier statement in it.
        return (self.depth, self.scope_fit, self.view.notice.date or "", -(self.view.offset or 0))




def governing_figure(store: Store, kind: str, region: str, year: int, scope: str | None = None,
                     as_of: dt.date | None = None, runner: Runner | None = None) -> Resolution:
    """Which figure governs (kind, region, year[, scope]) as of a date (default today): from which notice and
    section, the chain above it, what it supersedes and what later superseded it, and why every other
    candidate lost. NotFound for an unknown region or kind. With a `runner`, every query runs under its time
    limit (QueryTimeout past it), as `/sparql` queries do.

    Two queries when a figure governs: the candidates with everything shown about them, read from the
    `nkg:figureKey` index (kind|year|region for each region containing the asked one), then the notices
    above the governing one. Nothing governing costs a few more, to find the nearest figures."""
    select = selector(store, runner)
    code, year = region_code(region), int(year)
    slug = kind.strip() if re.fullmatch(r"[a-z0-9][a-z0-9-]*", kind.strip()) else kind_slug(store, kind)
    scope = (scope.strip() or None) if scope else None
    day = as_of or today()
    containing = regions.ancestors(code)
    views, force, restates = _candidates(select, slug, year, containing)
    if not views:
        slug = kind_slug(store, slug)  # NotFound for an unknown kind; a known one simply has no figure here
    eligible, losers = _sift(views, containing, scope)
    current = [e for e in eligible if force[e.view.notice.iri].on(day)]
    later = [e for e in eligible if not force[e.view.notice.iri].on(day)]
    for e in later:
        losers.append(Candidate(e.view, _not_in_force(force[e.view.notice.iri], day)))
    current.sort(key=lambda e: e.key, reverse=True)
    if not current:
        nearest = _nearest(_Selecting(select), slug, year, containing, {v.iri for v in views})
        message = _nothing_message(slug, code, year, scope, losers, day, bool(later))
        return Resolution(slug, code, year, scope, False, message, None, (), tuple(losers + nearest), day)
    winner, reasons, yielded = _rank(current)
    candidates = [Candidate(e.view, reasons[e.view.iri]) for e in current if e is not winner] + losers
    chain = _chain(select, winner.view, restates)
    supersedes = tuple(Candidate(e.view, "later-notice-supersedes") for e in current if e is not winner
                       and reasons[e.view.iri] == "earlier notice" and e.depth == winner.depth)
    superseded_by = tuple(Candidate(e.view, _later(e, winner, force[e.view.notice.iri]))
                          for e in sorted(later, key=lambda e: e.key) if _would_win(e, winner)
                          and force[e.view.notice.iri].status(day) == "not-yet-in-force")  # not one that ended
    message = f"{winner.view.notice.docno}{where(winner.view)} governs {slug} in {regions.get(code).name}" \
              f" for {year} as of {day.isoformat()}"
    return Resolution(slug, code, year, scope, True, message, winner.view, chain, tuple(candidates), day,
                      force[winner.view.notice.iri], supersedes, superseded_by, tuple(yielded))


class _Selecting:
    """A store-shaped wrapper of a select function, for `figure_views` on the hint path."""

    def __init__(self, select: Select) -> None:
        self.select = select


_FIGURE_PROPERTIES = ", ".join(f"nkg:{p}" for p in (
    "kind", "amount", "ratio", "startDate", "endDate", "date", "unit", "qualifier", "year", "region", "scope",
    "scopeRegion", "statedIn", "inSection", "restates", "yieldsToLaterNationalRule")) + ", oa:hasSelector"
_NOTICE_PROPERTIES = "nkg:docNo, nkg:datePrinted, nkg:dateSigned"


def _candidates(select: Select, slug: str, year: int, containing: list[str]
                ) -> tuple[list[FigureView], dict[str, InForce], dict[str, dict[str, list[str]]]]:
    """The figures whose key names the kind, year and a region containing the asked one, read whole in one
    query: their triples, selectors, sections, notices (with validity statements and repeals) and what they
    restate, two levels deep. Slug and codes are checked (a slug pattern, GB/T 2260 codes): safe as literals.

    Every branch starts from the bound figure and follows subjects (`?x ?p ?o` with a FILTER, never
    `VALUES ?p` or a property path, which Oxigraph evaluates over the whole store before joining); a notice's
    own title is read in its own graph, `{notice}/graph` (docs/MODEL.md)."""
    return _candidates_for_keys(select, [f"{slug}|{year}|{c}" for c in containing])


def _candidates_for_keys(select: Select, wanted: list[str]
                         ) -> tuple[list[FigureView], dict[str, InForce], dict[str, dict[str, list[str]]]]:
    """`_candidates` for any keys kind|year|code (checked here: a slug, a year, a six-digit code), so that
    the timelines (graph/timeline.py) read many years and kinds in the same one query."""
    keys = " ".join(str(ox.Literal(k)) for k in wanted if re.fullmatch(r"[a-z0-9][a-z0-9-]*\|\d{4}\|\d{6}", k))
    if not keys:
        return [], {}, {}
    rows = select(SPARQL_PREFIXES + f"""PREFIX eli: {ox.NamedNode(ELI)}
    SELECT DISTINCT ?f ?x ?p ?o ?q ?v WHERE {{
      VALUES ?key {{ {keys} }}
      ?f nkg:figureKey ?key .
      {{ ?f ?p ?o FILTER(?p IN ({_FIGURE_PROPERTIES})) BIND(?f AS ?x) }}
      UNION {{ ?f oa:hasSelector ?x . ?x ?p ?o FILTER(?p IN (oa:exact, oa:start)) }}
      UNION {{ ?f nkg:inSection ?x . ?x ?p ?o FILTER(?p IN (nkg:path, nkg:label)) }}
      UNION {{ ?f nkg:statedIn ?x . ?x ?p ?o FILTER(?p IN ({_NOTICE_PROPERTIES})) }}
      UNION {{ ?f nkg:statedIn ?x . BIND(IRI(CONCAT(STR(?x), "/graph")) AS ?g)
               GRAPH ?g {{ ?x dcterms:title ?o }} BIND("own-title" AS ?p) }}
      UNION {{ ?f nkg:statedIn ?x . ?x nkg:validity ?o . ?o ?q ?v
               FILTER(?q IN (nkg:validityProperty, nkg:basis, nkg:rule, nkg:validityDate)) BIND("validity" AS ?p) }}
      UNION {{ ?f nkg:statedIn ?x . ?x nkg:validity ?o . ?o oa:hasSelector ?sel . ?sel oa:exact ?v
               BIND(oa:exact AS ?q) BIND("validity" AS ?p) }}
      UNION {{ ?f nkg:statedIn ?x . ?o nkg:repeals ?x . ?o ?q ?v
               FILTER(?q IN (nkg:docNo, eli:first_date_entry_in_force)) BIND("repealed-by" AS ?p) }}
      UNION {{ ?f nkg:restates ?x . ?x ?p ?o FILTER(?p IN (nkg:restates, nkg:statedIn)) }}
      UNION {{ ?f nkg:restates ?y . ?y nkg:restates ?x . ?x ?p ?o FILTER(?p IN (nkg:restates, nkg:statedIn)) }}
    }}""")
    own: dict[str, dict[str, list]] = {}
    near: dict[str, dict[str, str]] = {}
    nested: dict[str, dict[str, dict[str, dict[str, list[str]]]]] = {"validity": {}, "repealed-by": {}}
    restates: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        f, x, p, o = (str(row[v]) for v in ("f", "x", "p", "o"))
        if x == f:
            values = own.setdefault(f, {}).setdefault(p, [])
            if row["o"] not in values:
                values.append(row["o"])
        elif p in nested:
            props = nested[p].setdefault(x, {}).setdefault(o, {}).setdefault(str(row["q"]), [])
            props.append(str(row["v"]))
        elif p in (_RESTATES, _STATED_IN):  # a restated figure's own links, for the chain
            found = restates.setdefault(x, {}).setdefault(p, [])
            if o not in found:
                found.append(o)
        else:
            near.setdefault(x, {}).setdefault(p, o)
    views = [view_of(iri, props, near) for iri, props in own.items() if _KIND in props]
    force = {v.notice.iri: in_force(_statements(nested["validity"].get(v.notice.iri, {})),
                                    _repeals(nested["repealed-by"].get(v.notice.iri, {}))) for v in views}
    return views, force, restates


def _statements(by_node: dict[str, dict[str, list[str]]]) -> list[dict[str, str]]:
    def one(props: dict[str, list[str]], term: Any) -> str:
        return min(props.get(str(term), [""]))

    return [{"property": one(props, NKG.validityProperty), "basis": one(props, NKG.basis),
             "rule": one(props, NKG.rule), "date": one(props, NKG.validityDate),
             "quote": one(props, OA.exact) or None} for props in by_node.values()]  # type: ignore[dict-item]


def _repeals(by_node: dict[str, dict[str, list[str]]]) -> list[dict[str, str]]:
    return [{"by": min(props.get(str(NKG.docNo), [node])),
             "entry": min(props.get(str(ELI.first_date_entry_in_force), [""]))} for node, props in by_node.items()]


def _sift(views: list[FigureView], containing: list[str], scope: str | None
          ) -> tuple[list[_Eligible], list[Candidate]]:
    """Split candidates into those that apply to the asked region and scope, and those out for scope."""
    eligible, losers = [], []
    for v in views:
        tier = [c for c in v.scope_regions if c in containing]
        depth = max([depth_of(c) for c in tier] + [depth_of(v.region) if v.region in containing else 0])
        if scope is not None:
            if v.scope and not _same_scope(v.scope, scope):
                losers.append(Candidate(v, "different scope"))
            else:
                eligible.append(_Eligible(v, depth, 1 if v.scope else 0))
        elif (v.scope or v.scope_regions) and not tier:
            losers.append(Candidate(v, f"narrower scope: {v.scope or '、'.join(_names(v.scope_regions))}"))
        else:
            eligible.append(_Eligible(v, depth, 0))
    return eligible, losers


def _same_scope(a: str, b: str) -> bool:
    """贫困县 is 贫困县（区） and 贫困县(市), without spaces and bracketed qualifiers; never 非贫困县, so the
    names are compared whole, not by containment."""
    def norm(s: str) -> str:
        return re.sub(r"\(.*?\)|\s", "", fold_width(s))
    return bool(norm(a)) and norm(a) == norm(b)


def _rank(eligible: list[_Eligible]) -> tuple[_Eligible, dict[str, str], list[Yield]]:
    """The winner among sorted eligible figures, the reason each other one lost, and the figures that gave
    way to a later higher-level rule on the way (从其规定)."""
    top = winner = eligible[0]
    reasons: dict[str, str] = {}
    yielded: list[Yield] = []
    while winner.view.yields_to_national and winner.view.notice.date:
        date = winner.view.notice.date
        later = [e for e in eligible if e.depth < winner.depth and (e.view.notice.date or "") > date]
        if not later:
            break
        reasons[winner.view.iri] = _superseded(later[0].view)
        yielded.append(Yield(winner.view, later[0].view))
        winner = later[0]
    restated = _restated(winner.view, {e.view.iri: e.view for e in eligible})
    for e in eligible:
        if e is not winner and e.view.iri not in reasons:
            reasons[e.view.iri] = _reason(e, winner, top, restated)
    return winner, reasons, yielded


def _reason(e: _Eligible, winner: _Eligible, top: _Eligible, restated: set[str]) -> str:
    v, w = e.view, winner.view
    if v.iri in restated or v.notice.iri in restated:
        return "restated by the governing notice"
    if v.notice.iri == w.notice.iri:
        same = v.value == w.value
        return "also stated in the governing notice" if same else "another statement in the governing notice"
    if e.depth < winner.depth:
        return "less specific region"
    if e.depth > winner.depth:  # ranked below the more specific figure that was itself superseded
        if v.yields_to_national:
            return _superseded(w)
        return "earlier notice" if (v.notice.date or "") < (top.view.notice.date or "") \
            else "same region and date: ranked after a superseded figure"
    if e.scope_fit < winner.scope_fit:
        return "broader scope"
    if (v.notice.date or "") < (w.notice.date or ""):
        return "earlier notice"
    return "same region and date: ranked after the governing figure"


def _superseded(by: FigureView) -> str:
    return f"superseded by {by.notice.docno}: it yields to a later higher-level rule"


def _restated(view: FigureView, by_iri: dict[str, FigureView]) -> set[str]:
    """Figures and notices the figure takes its value from, transitively."""
    seen: set[str] = set()
    todo = list(view.restates)
    while todo:
        iri = todo.pop()
        if iri not in seen:
            seen.add(iri)
            if iri in by_iri:
                seen.add(by_iri[iri].notice.iri)
                todo += by_iri[iri].restates
    return seen


# -- in force, and the chain ---------------------------------------------------------------------------------


def _not_in_force(force: InForce, day: dt.date) -> str:
    if force.status(day) == "not-yet-in-force" and force.entry:
        return f"not yet in force on {day.isoformat()}: in force from {force.entry.date.isoformat()}"
    end = force.end
    by = f" (repealed by {end.by})" if end and end.by else ""
    return f"no longer in force on {day.isoformat()}: in force until {end.date.isoformat() if end else '?'}{by}"


def _would_win(e: _Eligible, winner: _Eligible) -> bool:
    """A figure in force only later that takes over: it ranks above the winner, or the winner yields to it."""
    if e.key > winner.key:
        return True
    return winner.view.yields_to_national and e.depth < winner.depth


def _later(e: _Eligible, winner: _Eligible, force: InForce) -> str:
    since = force.entry.date.isoformat() if force.entry else "later"
    if e.depth < winner.depth:
        return f"from {since}: it yields to this later higher-level rule (yields-to-later-higher-rule)"
    return f"from {since}: a later notice supersedes it (later-notice-supersedes)"


def _chain(select: Select, view: FigureView, restates: dict[str, dict[str, list[str]]]) -> tuple[Step, ...]:
    """The figures it restates first (that is where its value was set), then notice to notice upwards."""
    hops: list[str] = []  # the notices of the restated figures, in order
    target = view.restates[0] if view.restates else None
    seen_figures: set[str] = set()
    while target and target not in seen_figures:
        seen_figures.add(target)
        links = restates.get(target, {})
        hops.append((links.get(_STATED_IN) or [target])[0])  # a notice itself when the figure is not in the graph
        nxt = links.get(_RESTATES)
        target = nxt[0] if nxt and _STATED_IN in links else None
    notices = read_notices(select, [view.notice.iri, *hops])
    steps = [Step(view.notice.docno, view.notice.iri, "states", view.notice.title)]
    seen = {view.notice.iri}
    here = view.notice.iri
    for hop in hops:
        hop_info = info(notices, hop)
        if hop in seen or (hop_info.docno is None and hop not in restates):
            break
        steps.append(Step(hop_info.docno, hop, "restates", hop_info.title))
        seen.add(hop)
        here = hop
    return tuple(steps + climb(notices, here, seen))


# -- when nothing governs -----------------------------------------------------------------------------------


def _nearest(store: Any, slug: str, year: int, containing: list[str], skip: set[str]) -> list[Candidate]:
    """Same kind in the asked region's chain for other years, and the same year in other regions."""
    # Other years in the asked region's chain, from the key index (±10 years): never a scan of the kind.
    keys = " ".join(str(ox.Literal(f"{slug}|{y}|{c}")) for y in range(year - _YEARS, year + _YEARS + 1) if y != year
                    for c in containing if re.fullmatch(r"\d{6}", c))
    here = f"VALUES ?key {{ {keys} }} ?f nkg:figureKey ?key ."
    other_years = [v for v in figure_views(store, here) if v.iri not in skip]
    other_years.sort(key=lambda v: (abs((v.year or 0) - year), -depth_of(v.region), v.iri))
    # Other regions and, failing all, anywhere: a hint, so a bounded sample, never every figure of the kind.
    same_year = figure_views(store, f"?f nkg:kind {ox.NamedNode(KIND[slug])} ; nkg:year {int(year)} .", limit=_SAMPLE)
    other_regions = [v for v in same_year if v.iri not in skip and v.region not in containing]
    shared = lambda v: len(set(regions.ancestors(v.region)) & set(containing)) if v.region else 0  # noqa: E731
    other_regions.sort(key=lambda v: (-shared(v), v.region or "", v.iri))
    half = _NEAREST // 2
    picked = other_years[: max(half, _NEAREST - len(other_regions))]
    picked += other_regions[: _NEAREST - len(picked)]
    same_place = {v.iri for v in other_years}
    found = [Candidate(v, f"other year: {v.year}" if v.iri in same_place else f"other region: {v.region_name}")
             for v in picked]
    if found:
        return found
    anywhere = figure_views(store, f"?f nkg:kind {ox.NamedNode(KIND[slug])} .", limit=_SAMPLE)
    anywhere = [v for v in anywhere if v.iri not in skip]
    anywhere.sort(key=lambda v: (abs((v.year or 0) - year), v.iri))
    return [Candidate(v, f"other year and region: {v.year}, {v.region_name}") for v in anywhere[:_NEAREST]]


def _nothing_message(slug: str, code: str, year: int, scope: str | None, losers: list[Candidate],
                     day: dt.date, only_later: bool) -> str:
    name = regions.get(code).name
    if only_later:
        return (f"no {slug} figure for {year} in {name} was in force on {day.isoformat()}; later notices set one"
                " (see the candidates)")
    if losers and scope is None:
        scopes = "、".join(dict.fromkeys(c.figure.scope or "" for c in losers if c.figure.scope))
        return (f"no {slug} figure for the whole of {name} in {year}; figures exist for narrower scopes"
                f" ({scopes}): ask with a scope")
    what = f"{slug} figure for {year}" + (f" with scope {scope}" if scope else "")
    return f"no {what} in {name} or any region containing it"


def _names(codes: tuple[str, ...]) -> list[str]:
    return [regions.get(c).name if regions.exists(c) else c for c in codes]
