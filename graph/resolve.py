"""Which notice governs a figure: `governing_figure(store, kind, region, year, scope=None) -> Resolution`,
the one resolver the CLI and the server both call.

Candidates are the figures of that kind and year whose region contains the asked one (南宁市 ⊂ 广西 ⊂ 全国),
or whose tier names it or a region containing it (`nkg:scopeRegion`: 第三档 兰州、金昌、嘉峪关). The most
specific region wins (a tier counts as the region it names), then the latest notice; within one notice the
first statement. A figure that yields to a later higher-level rule (`nkg:yieldsToLaterNationalRule`) loses
to a figure of a less specific region set by a later notice. Scope: a question with a scope drops figures of
another scope; a question without one keeps only figures for the whole region, or the tier that names it.
The chain climbs from the governing figure: first the figures it restates, then forwards / implements /
attachment from notice to notice, up to the national notice (often known only by citation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import regions
from .lookup import (
    NKG_NS,
    SPARQL_PREFIXES,
    FigureView,
    NoticeRef,
    SectionRef,
    figure_views,
    kind_slug,
    region_code,
    region_iris,
    region_of_iri,
)
from .parse.text import fold_width
from .store import Store
from .vocab import KIND

# Which relation names a chain step when a notice relates to its parent in several ways.
_STEP_PRIORITY = {"forwards": 0, "implements": 1, "attachment": 2}
_LEVEL_DEPTH = {"National": 1, "Provincial": 2, "Municipal": 3, "County": 4}
_NEAREST = 8  # how many near misses a "nothing governs" answer lists
_SAMPLE = 200  # how many figures of other regions it looks at to choose them


@dataclass(frozen=True)
class Step:
    """One notice of the chain; `relation` says how the previous notice reaches it ("states" for the first)."""

    docno: str | None
    iri: str
    relation: str
    title: str | None

    def to_json(self) -> dict[str, Any]:
        return {"docno": self.docno, "relation": self.relation, "iri": self.iri, "title": self.title}


@dataclass(frozen=True)
class Candidate:
    figure: FigureView
    reason: str

    def to_json(self) -> dict[str, Any]:
        f = self.figure
        return {"docno": f.notice.docno, "value": f.value_json(), "reason": self.reason, "iri": f.iri,
                "unit": f.unit, "qualifier": f.qualifier, "year": f.year, "region": f.region,
                "region_name": f.region_name, "scope": f.scope, "notice": f.notice.iri,
                "section": {"path": f.section.path, "label": f.section.label} if f.section else None,
                "quote": f.quote}


@dataclass(frozen=True)
class Resolution:
    kind: str
    region: str  # GB/T 2260 code asked about
    year: int
    scope: str | None
    governed: bool
    message: str
    figure: FigureView | None
    chain: tuple[Step, ...]
    candidates: tuple[Candidate, ...]

    @property
    def region_name(self) -> str:
        return regions.get(self.region).name

    @property
    def notice(self) -> NoticeRef | None:
        return self.figure.notice if self.figure else None

    @property
    def section(self) -> SectionRef | None:
        return self.figure.section if self.figure else None

    @property
    def quote(self) -> str | None:
        return self.figure.quote if self.figure else None

    def to_json(self) -> dict[str, Any]:
        """The interface shape: figure, notice, section, quote, chain, candidates (plus governed, message,
        question); `figure`, `notice` and `section` are null when nothing governs."""
        figure, notice, section = self.figure, self.notice, self.section
        return {
            "governed": self.governed,
            "message": self.message,
            "question": {"kind": self.kind, "region": self.region, "region_name": self.region_name,
                         "year": self.year, "scope": self.scope},
            "figure": figure.to_json() if figure else None,
            "notice": {"iri": notice.iri, "docno": notice.docno, "title": notice.title, "date": notice.date}
            if notice else None,
            "section": {"iri": section.iri, "path": section.path, "label": section.label} if section else None,
            "quote": self.quote,
            "chain": [step.to_json() for step in self.chain],
            "candidates": [c.to_json() for c in self.candidates],
        }

    def to_text(self) -> str:
        scope = f" · {self.scope}" if self.scope else ""
        lines = [f"{self.kind} · {self.region_name} ({self.region}) · {self.year}{scope}"]
        if self.figure and self.notice:
            f, where = self.figure, _where(self.figure)
            tier = f" [{f.scope}]" if f.scope else ""
            lines += [f"governed by {self.notice.docno}{where}: {f.value_text()}{tier}"
                      f" ({f.region_name}, {f.year})",
                      f"  notice: {self.notice.title or self.notice.iri}",
                      f"  quote:  「{self.quote or ''}」"]
            lines.append("chain:  " + " ".join(
                (f"—{s.relation}→ " if i else "") + (s.docno or s.iri) for i, s in enumerate(self.chain)))
        else:
            lines.append(f"nothing governs: {self.message}")
        if self.candidates:
            lines.append("other candidates:" if self.governed else "nearest candidates:")
            for c in self.candidates:
                f = c.figure
                where = _where(f)
                tier = f" [{f.scope}]" if f.scope else ""
                lines.append(f"  {f.notice.docno}{where}  {f.value_text()}{tier}  ({f.region_name}, {f.year})"
                             f"  — {c.reason}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Eligible:
    view: FigureView
    depth: int  # specificity: depth of the region matched (own region, or the region a tier names)
    scope_fit: int  # 1 when the figure's scope is the one asked for

    @property
    def key(self) -> tuple:
        # Larger wins: region, then scope, then the later notice, then the earlier statement in it.
        return (self.depth, self.scope_fit, self.view.notice.date or "", -(self.view.offset or 0))


def governing_figure(store: Store, kind: str, region: str, year: int, scope: str | None = None) -> Resolution:
    """Which figure governs (kind, region, year[, scope]), from which notice and section, the chain above it,
    and why every other candidate lost. NotFound for an unknown region or kind."""
    code, slug, year = region_code(region), kind_slug(store, kind), int(year)
    scope = (scope.strip() or None) if scope else None
    containing = regions.ancestors(code)
    iris = region_iris(store, containing)
    views = figure_views(store, _candidate_patterns(slug, iris, f"?f nkg:year {year} .")) if iris else []
    eligible, losers = _sift(views, containing, scope)
    eligible.sort(key=lambda e: e.key, reverse=True)
    if not eligible:
        nearest = _nearest(store, slug, year, containing, iris, {v.iri for v in views})
        message = _nothing_message(slug, code, year, scope, losers)
        return Resolution(slug, code, year, scope, False, message, None, (), tuple(losers + nearest))
    winner, reasons = _rank(eligible)
    candidates = [Candidate(e.view, reasons[e.view.iri]) for e in eligible if e is not winner] + losers
    chain = _chain(store, winner.view, {v.iri: v for v in views})
    message = f"{winner.view.notice.docno}{_where(winner.view)} governs {slug} in {regions.get(code).name}" \
              f" for {year}"
    return Resolution(slug, code, year, scope, True, message, winner.view, chain, tuple(candidates))


def _candidate_patterns(slug: str, region_iris: list[str], year_pattern: str) -> str:
    # Bound kind (and year) first, the region set as VALUES of IRIs: the engine reads only these figures.
    values = " ".join(f"<{iri}>" for iri in region_iris)
    return f"""?f nkg:kind <{KIND[slug]}> . {year_pattern}
  VALUES ?r {{ {values} }}
  {{ ?f nkg:region ?r }} UNION {{ ?f nkg:scopeRegion ?r }}"""


def _depth(code: str | None) -> int:
    return len(regions.ancestors(code)) if code and regions.exists(code) else 0


def _sift(views: list[FigureView], containing: list[str], scope: str | None
          ) -> tuple[list[_Eligible], list[Candidate]]:
    """Split candidates into those that apply to the asked region and scope, and those out for scope."""
    eligible, losers = [], []
    for v in views:
        tier = [c for c in v.scope_regions if c in containing]
        depth = max([_depth(c) for c in tier] + [_depth(v.region) if v.region in containing else 0])
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


def _rank(eligible: list[_Eligible]) -> tuple[_Eligible, dict[str, str]]:
    """The winner among sorted eligible figures, and the reason each other one lost."""
    top = winner = eligible[0]
    reasons: dict[str, str] = {}
    while winner.view.yields_to_national and winner.view.notice.date:
        date = winner.view.notice.date
        later = [e for e in eligible if e.depth < winner.depth and (e.view.notice.date or "") > date]
        if not later:
            break
        reasons[winner.view.iri] = _superseded(later[0].view)
        winner = later[0]
    restated = _restated(winner.view, {e.view.iri: e.view for e in eligible})
    for e in eligible:
        if e is not winner and e.view.iri not in reasons:
            reasons[e.view.iri] = _reason(e, winner, top, restated)
    return winner, reasons


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


# -- the chain up to the national notice -------------------------------------------------------------------


def _chain(store: Store, view: FigureView, by_iri: dict[str, FigureView]) -> tuple[Step, ...]:
    steps = [Step(view.notice.docno, view.notice.iri, "states", view.notice.title)]
    seen = {view.notice.iri}
    current: FigureView | None = view
    notice = view.notice.iri
    # What the figure says it restates comes first: that is where its value was set.
    while current is not None and current.restates:
        target = current.restates[0]
        restated = by_iri.get(target) or next(iter(figure_views(store, f"VALUES ?f {{ <{target}> }}")), None)
        nxt = restated.notice.iri if restated else target  # a notice, when the figure is not in the graph
        info = _notice_info(store, nxt)
        if nxt in seen or (restated is None and info["docno"] is None):
            break
        steps.append(Step(info["docno"], nxt, "restates", info["title"]))
        seen.add(nxt)
        notice, current = nxt, restated
    for _ in range(20):  # a chain longer than the levels of government means a cycle we did not catch
        parent = _parent(store, notice, seen)
        if parent is None:
            break
        steps.append(parent)
        seen.add(parent.iri)
        notice = parent.iri
    return tuple(steps)


def _notice_info(store: Store, iri: str) -> dict[str, Any]:
    # A notice cited by many others has its stub (docNo, title as cited) in each of their graphs: LIMIT each.
    rows = store.select(SPARQL_PREFIXES + f"""SELECT * WHERE {{
      {{ SELECT ?docno WHERE {{ <{iri}> nkg:docNo ?docno }} LIMIT 1 }}
      UNION {{ SELECT ?title WHERE {{ <{iri}> dcterms:title ?title }} LIMIT 20 }}
      UNION {{ SELECT ?own WHERE {{ GRAPH ?g {{ <{iri}> nkg:inCorpus true ; dcterms:title ?own }} }} LIMIT 1 }}
      UNION {{ SELECT ?level WHERE {{ <{iri}> nkg:level ?level }} LIMIT 1 }}
      UNION {{ SELECT ?jur WHERE {{ <{iri}> nkg:jurisdiction ?jur }} LIMIT 1 }} }}""")
    return _info(rows)


def _info(rows: list[dict]) -> dict[str, Any]:
    """docno, title (its own before any title as cited) and depth of a notice, from its rows."""
    def get(name: str) -> str:
        return next((str(r[name]) for r in rows if name in r), "")

    title = get("own") or min((str(r["title"]) for r in rows if "title" in r), key=len, default=None)
    depth = _depth(region_of_iri(get("jur"))) or _LEVEL_DEPTH.get(get("level").removeprefix(NKG_NS), 0)
    if not depth and title:
        # A notice known only by citation: its issuers lead its title (国家医保局 财政部…关于…).
        depth = _depth(regions.region_of_agency(title.split("关于")[0]))
    return {"docno": get("docno") or None, "title": title, "depth": depth}


def _parent(store: Store, iri: str, seen: set[str]) -> Step | None:
    """The notice one step up: forwarded, implemented or attached; a higher level first, the nearest one."""
    rows = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?rel ?m WHERE {{
      {{ VALUES ?rel {{ nkg:forwards nkg:implements nkg:hasAttachment }} <{iri}> ?rel ?m }}
      UNION {{ ?m nkg:attachmentOf <{iri}> . BIND(nkg:hasAttachment AS ?rel) }} }}""")
    by_parent: dict[str, set[str]] = {}
    for row in rows:
        if str(row["m"]) not in seen:
            relation = str(row["rel"]).removeprefix(NKG_NS).replace("hasAttachment", "attachment")
            by_parent.setdefault(str(row["m"]), set()).add(relation)
    if not by_parent:
        return None
    here = _notice_info(store, iri)["depth"]
    options = []
    for m, relations in by_parent.items():
        info = _notice_info(store, m)
        relation = min(relations, key=lambda r: _STEP_PRIORITY[r])
        there = info["depth"]
        higher = bool(here and there and there < here)
        rank = (0 if higher else 1 if not (here and there) else 2, here - there if higher else 0,
                _STEP_PRIORITY[relation], info["docno"] or m)
        options.append((rank, Step(info["docno"], m, relation, info["title"])))
    return min(options, key=lambda o: o[0])[1]


# -- when nothing governs -----------------------------------------------------------------------------------


def _nearest(store: Store, slug: str, year: int, containing: list[str], iris: list[str], skip: set[str]
             ) -> list[Candidate]:
    """Same kind in the asked region's chain for other years, and the same year in other regions."""
    other_years = [v for v in figure_views(store, _candidate_patterns(slug, iris, "")) if v.iri not in skip] \
        if iris else []
    other_years.sort(key=lambda v: (abs((v.year or 0) - year), -_depth(v.region), v.iri))
    # Other regions and, failing all, anywhere: a hint, so a bounded sample, never every figure of the kind.
    same_year = figure_views(store, f"?f nkg:kind <{KIND[slug]}> ; nkg:year {year} .", limit=_SAMPLE)
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
    anywhere = figure_views(store, f"?f nkg:kind <{KIND[slug]}> .", limit=_SAMPLE)
    anywhere = [v for v in anywhere if v.iri not in skip]
    anywhere.sort(key=lambda v: (abs((v.year or 0) - year), v.iri))
    return [Candidate(v, f"other year and region: {v.year}, {v.region_name}") for v in anywhere[:_NEAREST]]


def _nothing_message(slug: str, code: str, year: int, scope: str | None, losers: list[Candidate]) -> str:
    name = regions.get(code).name
    if losers and scope is None:
        scopes = "、".join(dict.fromkeys(c.figure.scope or "" for c in losers if c.figure.scope))
        return (f"no {slug} figure for the whole of {name} in {year}; figures exist for narrower scopes"
                f" ({scopes}): ask with a scope")
    what = f"{slug} figure for {year}" + (f" with scope {scope}" if scope else "")
    return f"no {what} in {name} or any region containing it"


def _where(view: FigureView) -> str:
    """ §一 / §（二） for a figure in a section, "" outside sections."""
    if view.section is None:
        return ""
    return f" §{(view.section.label or '').strip('、.． ') or view.section.path}"


def _names(codes: tuple[str, ...]) -> list[str]:
    return [regions.get(c).name if regions.exists(c) else c for c in codes]
