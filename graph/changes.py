"""What changed, release by release: `changes(store, region=None, kind=None) -> list[Change]`, newest first,
for the Atom feed (`/feed`).

Notices added, replaced (their source changed) and withdrawn come from comparing each release's notice
states with the one before (`graph.release`); figures that changed a governing answer are the figures of a
notice added or replaced in a release whose key (kind|year|region) another notice, in force earlier, gave
a different value. `region` (a GB/T 2260 code) keeps what concerns that region or a region inside it;
`kind` (a slug) keeps the figures of that kind and the notices that state one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import regions
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

    def to_json(self) -> dict[str, Any]:
        return {"what": self.what, "when": self.when, "release": self.release, "iri": self.iri,
                "title": self.title, "summary": self.summary, "region": self.region}


def changes(store: Store, region: str | None = None, kind: str | None = None) -> list[Change]:
    history = releases(store)
    notices = _notice_facts(store)
    out: list[Change] = []
    before: Release | None = None
    for release in history:
        old = before.notices if before else {}
        for n in sorted(release.notices.keys() - old.keys()):
            out.append(_notice_change("notice-added", release, n, notices, "added"))
        for n in sorted(k for k in release.notices.keys() & old.keys() if release.notices[k][0] != old[k][0]):
            out.append(_notice_change("notice-replaced", release, n, notices, "replaced: its source text changed"))
        for n in sorted(old.keys() - release.notices.keys()):
            out.append(_notice_change("notice-withdrawn", release, n, notices, "withdrawn from the dataset",
                                      before.docnos.get(n) if before else None))
        touched = [n for n in release.notices if n not in old or release.notices[n] != old[n]]
        out += _figure_changes(store, release, touched)
        before = release
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


def _figure_changes(store: Store, release: Release, touched: list[str]) -> list[Change]:
    """Figures of the touched notices whose key another notice gave another value (IRIs from the store)."""
    if not touched:
        return []
    values = " ".join(f"<{n}>" for n in touched)
    rows = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?f ?key ?v ?docno ?g ?w ?other WHERE {{
      VALUES ?n {{ {values} }}
      ?f nkg:statedIn ?n ; nkg:figureKey ?key ; nkg:amount ?v . OPTIONAL {{ ?n nkg:docNo ?docno }}
      ?g nkg:figureKey ?key ; nkg:amount ?w ; nkg:statedIn ?m . FILTER(?m != ?n && ?w != ?v)
      OPTIONAL {{ ?m nkg:docNo ?other }} }}""")
    out = []
    for r in rows:
        kind, year, code = str(r["key"]).split("|")
        docno, other = str(r.get("docno", r["f"])), str(r.get("other", r["g"]))
        out.append(Change("figure-changed", release.issued, release.id, str(r["f"]),
                          f"{kind} {year} {regions.get(code).name if regions.exists(code) else code}: "
                          f"{r['v']} ({docno}) against {r['w']} ({other})",
                          f"{docno} gives {kind} for {year} as {r['v']}, where {other} gave {r['w']}",
                          code, frozenset({kind})))
    return out
