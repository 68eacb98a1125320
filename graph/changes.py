"""What changed, release by release: `changes(store, region=None, kind=None) -> list[Change]`, newest first,
for the Atom feed (`/feed`).

Notices added, replaced (their source or their figures changed) and withdrawn are each release's recorded
changes (`graph.release`); figures that changed a governing answer are the answers each release recorded as
changed (`graph.answers`: the governing figure for a key kind|year|region asked of the store before and after
the release, as of its date), each linked to both figures. `region` (a GB/T 2260 code) keeps what concerns
that region or a region inside it; `kind` (a slug) keeps the figures of that kind and the notices that state one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import regions
from .answers import AnswerChange
from .lookup import SPARQL_PREFIXES, region_of_iri
from .release import Release, releases
from .store import Store

_LIMIT = 200  # entries in a feed


@dataclass(frozen=True)
class Change:
    what: str  # notice-added | notice-replaced | notice-withdrawn | figure-changed
    when: str  # the release's ISO date-time
    release: str  # its id
    iri: str  # the notice or figure
    title: str
    summary: str
    region: str | None  # GB/T 2260 code
    kinds: frozenset[str]
    links: tuple[str, ...] = ()  # the figures it concerns: after, then before (figure-changed)

    def to_json(self) -> dict[str, Any]:
        return {"what": self.what, "when": self.when, "release": self.release, "iri": self.iri,
                "title": self.title, "summary": self.summary, "region": self.region, "links": list(self.links)}


def changes(store: Store, region: str | None = None, kind: str | None = None) -> list[Change]:
    notices = _notice_facts(store)
    out: list[Change] = []
    for release in releases(store):
        for verb, what, words in (("added", "notice-added", "added"),
                                  ("replaced", "notice-replaced", "replaced: its source text or figures changed"),
                                  ("withdrawn", "notice-withdrawn", "withdrawn from the dataset")):
            for n in release.delta.get(verb, []):
                out.append(_notice_change(what, release, n, notices, words, release.docnos.get(n)))
        out += [_answer_change(release, a) for a in release.answers]
    kept = [c for c in out if _concerns(c, region, kind)]
    kept.sort(key=lambda c: (c.when, c.what, c.iri), reverse=True)
    return kept[:_LIMIT]


def _concerns(change: Change, region: str | None, kind: str | None) -> bool:
    if region and not (change.region and regions.exists(change.region) and regions.contains(region, change.region)):
        return False
    return not kind or kind in change.kinds


def _notice_facts(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.select(SPARQL_PREFIXES + """SELECT DISTINCT ?n ?docno ?title ?jur ?kind WHERE {
      ?n nkg:inCorpus true . OPTIONAL { ?n nkg:docNo ?docno } OPTIONAL { ?n nkg:jurisdiction ?jur }
      OPTIONAL { BIND(IRI(CONCAT(STR(?n), "/graph")) AS ?g) GRAPH ?g { ?n dcterms:title ?title } }
      OPTIONAL { ?f nkg:statedIn ?n ; nkg:kind ?kind } }""")
    facts: dict[str, dict[str, Any]] = {}
    for r in rows:
        f = facts.setdefault(str(r["n"]), {"docno": None, "title": None, "region": None, "kinds": set()})
        f["docno"] = f["docno"] or (str(r["docno"]) if "docno" in r else None)
        f["title"] = f["title"] or (str(r["title"]) if "title" in r else None)
        f["region"] = f["region"] or (region_of_iri(str(r["jur"])) if "jur" in r else None)
        if "kind" in r:
            f["kinds"].add(str(r["kind"]).rsplit("/", 1)[-1])
    return facts


def _notice_change(what: str, release: Release, n: str, facts: dict[str, dict[str, Any]], verb: str,
                   docno: str | None = None) -> Change:
    f = facts.get(n, {"docno": docno, "title": None, "region": None, "kinds": set()})
    name = f["docno"] or docno or n
    return Change(what, release.issued, release.id, n, f"{name} {verb}", f["title"] or name, f["region"],
                  frozenset(f["kinds"]))


def _answer_change(release: Release, a: AnswerChange) -> Change:
    """An entry linked to the figure that governs after the release and to the one that governed before."""
    kind, year, code = a.key.split("|")
    name = regions.get(code).name if regions.exists(code) else code
    before, after = a.before_text or "无 none", a.after_text or "无 none"
    return Change("figure-changed", release.issued, release.id, a.after or a.before or release.iri,
                  f"{kind} {year} {name}: {before} → {after}",
                  f"the governing {kind} for {year} in {name} as of {release.issued[:10]} was {before}, "
                  f"and is {after}", code, frozenset({kind}),
                  tuple(iri for iri in (a.after, a.before) if iri))
