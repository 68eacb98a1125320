"""The timeline of a kind in a region, as of a date, for the figure and notice pages: year by year, the figure
that governs it (the same decision as `/api/governs`, `graph.resolve`), the figures it superseded, those that
yield to a later higher-level rule (从其规定), and those no longer or not yet in force; the latest year's
governing figure is the one in force as of the date.

    kind_timeline(store, kind, region, as_of=None, runner=None) -> Timeline
    notice_timelines(store, notice_iri, as_of=None, runner=None) -> list[Timeline]   its kinds, in its region
    governing_table(store, as_of=None) -> list[dict]   every key's governing figure: the archives' governing.csv

Supersession is computed when asked, never stored: it depends on the date asked about (a notice not yet in
force, one repealed later) and on figures up the whole region chain, so a stored copy would have to be
recomputed for every region below a national notice at every build and write. Reading candidates is the
resolver's own query (`resolve._candidates_for_keys`), once for every year and kind of a page; deciding is
the resolver's own ranking (`_sift`, `_rank`, `_would_win`), applied year by year, so a page cannot say
something else than `/api/governs` (tests/test_timeline.py asks both).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from . import regions
from .lookup import SPARQL_PREFIXES, FigureView, figure_json, kind_slug, region_code, region_of_iri
from .resolve import _candidates_for_keys, _Eligible, _rank, _sift, _would_win
from .sparql import Runner
from .store import Store
from .timed import selector
from .validity import InForce, today

YEARS_BACK, YEARS_AHEAD = 15, 2  # the years a timeline looks at around the as-of date (and the figure's year)
MAX_TIMELINES = 6  # kinds a notice page shows a timeline for


@dataclass(frozen=True)
class TimelineStep:
    year: int
    figure: FigureView
    status: str  # governs | superseded | yields | not-yet-in-force | no-longer-in-force
    by: FigureView | None = None  # what superseded it, or the rule it yields to
    since: str | None = None  # its notice's entry into force (ISO)
    until: str | None = None  # its notice's last day in force (ISO), when known
    today: bool = False  # the figure in force as of the date: the latest year's governing figure

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "status": self.status, "today": self.today, "since": self.since,
                "until": self.until, "figure": figure_json(self.figure),
                "by": figure_json(self.by) if self.by else None}


@dataclass(frozen=True)
class Timeline:
    kind: str
    region: str  # GB/T 2260 code
    as_of: dt.date
    steps: tuple[TimelineStep, ...]

    @property
    def region_name(self) -> str:
        return regions.get(self.region).name

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "region": self.region, "region_name": self.region_name,
                "as_of": self.as_of.isoformat(), "steps": [s.to_json() for s in self.steps]}


def kind_timeline(store: Store, kind: str, region: str, as_of: dt.date | None = None,
                  runner: Runner | None = None, around: int | None = None) -> Timeline:
    """The timeline of `kind` in `region` (a name or code) as of a date (default today), over the years
    around it (and around `around`, a figure's year); one query. NotFound for an unknown region or kind."""
    code, day = region_code(region), as_of or today()
    slug = kind.strip() if re.fullmatch(r"[a-z0-9][a-z0-9-]*", kind.strip()) else kind_slug(store, kind)
    return _timelines(store, [(slug, code)], day, runner, around)[0]


def notice_timelines(store: Store, notice_iri: str, as_of: dt.date | None = None,
                     runner: Runner | None = None) -> list[Timeline]:
    """A timeline for each kind the notice states for its own region (its figures for the whole region of
    its jurisdiction, the kinds it states most often first, at most MAX_TIMELINES), as of a date: two
    queries, the notice's kinds, then the candidates."""
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", notice_iri):
        return []
    rows = selector(store, runner)(SPARQL_PREFIXES + f"""SELECT ?kind ?region ?jur (COUNT(?f) AS ?n) (MAX(?year) AS ?last)
    WHERE {{ ?f nkg:statedIn {ox.NamedNode(notice_iri)} ; nkg:kind ?kind ; nkg:region ?region ; nkg:year ?year
      FILTER NOT EXISTS {{ ?f nkg:scope ?scope }} OPTIONAL {{ {ox.NamedNode(notice_iri)} nkg:jurisdiction ?jur }} }}
    GROUP BY ?kind ?region ?jur LIMIT 1000""")
    pairs: dict[tuple[str, str], tuple[int, int, bool]] = {}  # (kind, code) → (figures, last year, own region)
    for r in rows:
        code, slug = region_of_iri(str(r["region"])), str(r["kind"]).rsplit("/", 1)[-1]
        if code and regions.exists(code) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            own = "jur" in r and region_of_iri(str(r["jur"])) == code
            n, last, was_own = pairs.get((slug, code), (0, 0, False))
            pairs[(slug, code)] = (n + int(r["n"]), max(last, int(r["last"])), was_own or own)
    if not pairs:
        return []
    # The notice's own region first (a city notice's district figures are the districts'), then the kinds it
    # states most often: the page's timelines, at most MAX_TIMELINES.
    if any(own for _, _, own in pairs.values()):
        pairs = {p: v for p, v in pairs.items() if v[2]}
    chosen = sorted(pairs, key=lambda p: (-pairs[p][0], p))[:MAX_TIMELINES]
    return _timelines(store, chosen, as_of or today(), runner, max(pairs[p][1] for p in chosen))


def governing_table(store: Store, as_of: dt.date | None = None, chunk: int = 100) -> list[dict[str, str]]:
    """For every key kind|year|region the graph holds (`nkg:figureKey`), the figure that governs it as of a
    date, decided as `/api/governs` decides it: the release archive's `governing.csv`. A candidates query per
    `chunk` kinds-and-regions, not two queries per key."""
    day = as_of or today()
    rows = store.select(SPARQL_PREFIXES + "SELECT DISTINCT ?key WHERE { ?f nkg:figureKey ?key }")
    years: dict[tuple[str, str], set[int]] = {}
    for r in rows:
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*\|\d{4}\|\d{6}", key := str(r["key"])):
            slug, year, code = key.split("|")
            if regions.exists(code):
                years.setdefault((slug, code), set()).add(int(year))
    pairs = sorted(years)
    out = []
    for i in range(0, len(pairs), chunk):
        part = pairs[i:i + chunk]
        wanted = sorted({y for p in part for y in years[p]})
        for t in _timelines(store, part, day, None, None, wanted):
            for step in t.steps:
                if step.status == "governs" and step.year in years[(t.kind, t.region)]:
                    f = step.figure
                    out.append({"key": f"{t.kind}|{step.year}|{t.region}", "as_of": day.isoformat(),
                                "figure": f.iri, "docno": f.notice.docno or "", "value": str(f.value_json()),
                                "unit": f.unit or "", "in_force_from": step.since or ""})
    return sorted(out, key=lambda r: r["key"])


def _timelines(store: Store, wanted: list[tuple[str, str]], day: dt.date, runner: Runner | None,
               around: int | None, years: list[int] | None = None) -> list[Timeline]:
    first = min(day.year, around or day.year) - YEARS_BACK
    last = max(day.year, around or day.year) + YEARS_AHEAD
    keys = [f"{slug}|{y}|{c}" for slug, code in wanted for y in (years or range(first, last + 1))
            for c in regions.ancestors(code)]
    views, force, _ = _candidates_for_keys(selector(store, runner), keys)
    out = []
    for slug, code in wanted:
        containing = regions.ancestors(code)
        mine = [v for v in views if v.kind == slug]
        steps: list[TimelineStep] = []
        for year in sorted({v.year for v in mine if v.year is not None}):
            in_year = [v for v in mine if v.year == year and _applies(v, containing)]
            steps += _year(year, in_year, containing, force, day)
        latest = max((s.year for s in steps if s.status == "governs" and s.year <= day.year), default=None)
        steps = [s if not (s.status == "governs" and s.year == latest) else _with_today(s) for s in steps]
        out.append(Timeline(slug, code, day, tuple(steps)))
    return out


def _applies(view: FigureView, containing: list[str]) -> bool:
    """The key index also names a figure by the regions its tier lists: keep those naming this chain."""
    return view.region in containing or any(c in containing for c in view.scope_regions)


def _year(year: int, views: list[FigureView], containing: list[str], force: dict[str, InForce],
          day: dt.date) -> list[TimelineStep]:
    """One year, decided as `graph.resolve.governing_figure` decides it (no scope asked: the whole region)."""
    eligible, _ = _sift(views, containing, None)
    current = sorted((e for e in eligible if force[e.view.notice.iri].on(day)), key=lambda e: e.key, reverse=True)
    later = [e for e in eligible if not force[e.view.notice.iri].on(day)]
    steps: list[TimelineStep] = []
    winner: _Eligible | None = None
    if current:
        winner, reasons, yielded = _rank(current)
        steps.append(_step(year, winner.view, "governs", None, force))
        for e in current:
            if e is not winner and reasons[e.view.iri] == "earlier notice" and e.depth == winner.depth:
                steps.append(_step(year, e.view, "superseded", winner.view, force))
        steps += [_step(year, y.figure, "yields", y.to, force) for y in yielded]
    for e in sorted(later, key=lambda e: e.key):
        f = force[e.view.notice.iri]
        # It would govern while in force, or it is the same region's: an earlier one that ended, a later one
        if winner is None or _would_win(e, winner) or e.depth >= winner.depth:
            steps.append(_step(year, e.view, f.status(day), None, force))
    return sorted(steps, key=lambda s: (s.since or "", s.figure.iri))


def _step(year: int, view: FigureView, status: str, by: FigureView | None, force: dict[str, InForce]
          ) -> TimelineStep:
    f = force[view.notice.iri]
    return TimelineStep(year, view, status, by, f.entry.date.isoformat() if f.entry else None,
                        f.end.date.isoformat() if f.end else None)


def _with_today(step: TimelineStep) -> TimelineStep:
    return TimelineStep(step.year, step.figure, step.status, step.by, step.since, step.until, True)
