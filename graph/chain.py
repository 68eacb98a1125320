"""The chain from a governing figure's notice up to the national notice, in one query.

`read_notices(select, starts)` reads every notice reachable from `starts` by forwards / implements /
attachment, with what a step shows (文号, own title or titles as cited, level, jurisdiction) and their
outgoing edges; `climb(notices, start)` then picks, from notice to notice, the step a reader follows: a
higher level first, the nearest one, forwards before implements before attachment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import regions
from .lookup import NKG_NS, SPARQL_PREFIXES, region_of_iri
from .timed import Select

_STEP_PRIORITY = {"forwards": 0, "implements": 1, "attachment": 2}
_LEVEL_DEPTH = {"National": 1, "Provincial": 2, "Municipal": 3, "County": 4}
_MAX_STEPS = 20  # a chain longer than the levels of government means a cycle we did not catch


@dataclass(frozen=True)
class Step:
    """One notice of the chain; `relation` says how the previous notice reaches it ("states" for the first)."""

    docno: str | None
    iri: str
    relation: str
    title: str | None

    def to_json(self) -> dict[str, Any]:
        return {"docno": self.docno, "relation": self.relation, "iri": self.iri, "title": self.title}


@dataclass
class NoticeInfo:
    iri: str
    docno: str | None = None
    own_title: str | None = None
    titles: set[str] = field(default_factory=set)
    level: str | None = None
    jurisdiction: str | None = None
    edges: dict[str, set[str]] = field(default_factory=dict)  # parent IRI → relations

    @property
    def title(self) -> str | None:
        return self.own_title or min(self.titles, key=len, default=None)

    @property
    def depth(self) -> int:
        depth = depth_of(region_of_iri(self.jurisdiction or "")) or _LEVEL_DEPTH.get(self.level or "", 0)
        if not depth and self.title:
            # A notice known only by citation: its issuers lead its title (国家医保局 财政部…关于…).
            depth = depth_of(regions.region_of_agency(self.title.split("关于")[0]))
        return depth


def depth_of(code: str | None) -> int:
    return len(regions.ancestors(code)) if code and regions.exists(code) else 0


def read_notices(select: Select, starts: list[str]) -> dict[str, NoticeInfo]:
    """The notices reachable upwards from `starts` (IRIs checked by the caller: they come from the store)."""
    if not starts:
        return {}
    values = " ".join(f"{ox.NamedNode(iri)}" for iri in dict.fromkeys(starts))
    rows = select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?n ?p ?o WHERE {{
      VALUES ?start {{ {values} }}
      ?start (nkg:forwards|nkg:implements|nkg:hasAttachment|^nkg:attachmentOf)* ?n .
      {{ VALUES ?p {{ nkg:forwards nkg:implements nkg:hasAttachment nkg:docNo nkg:level nkg:jurisdiction
                     dcterms:title }} ?n ?p ?o }}
      UNION {{ ?o nkg:attachmentOf ?n BIND(nkg:hasAttachment AS ?p) }}
      UNION {{ GRAPH ?g {{ ?n nkg:inCorpus true ; dcterms:title ?o }} BIND("own-title" AS ?p) }} }}""")
    notices: dict[str, NoticeInfo] = {iri: NoticeInfo(iri) for iri in starts}
    for row in rows:
        n = notices.setdefault(str(row["n"]), NoticeInfo(str(row["n"])))
        p, o = str(row["p"]).removeprefix(NKG_NS), str(row["o"])
        if p in ("forwards", "implements", "hasAttachment"):
            n.edges.setdefault(o, set()).add("attachment" if p == "hasAttachment" else p)
        elif p == "docNo":
            n.docno = n.docno or o
        elif p == "level":
            n.level = o.removeprefix(NKG_NS)
        elif p == "jurisdiction":
            n.jurisdiction = n.jurisdiction or o
        elif p == "own-title":
            n.own_title = n.own_title or o
        else:
            n.titles.add(o)
    return notices


def info(notices: dict[str, NoticeInfo], iri: str) -> NoticeInfo:
    return notices.get(iri) or NoticeInfo(iri)


def climb(notices: dict[str, NoticeInfo], start: str, seen: set[str]) -> list[Step]:
    """Steps up from `start` (not included), never revisiting `seen`."""
    steps: list[Step] = []
    here = start
    for _ in range(_MAX_STEPS):
        parent = _parent(notices, here, seen)
        if parent is None:
            break
        steps.append(parent)
        seen.add(parent.iri)
        here = parent.iri
    return steps


def _parent(notices: dict[str, NoticeInfo], iri: str, seen: set[str]) -> Step | None:
    """The notice one step up: forwarded, implemented or attached; a higher level first, the nearest one."""
    edges = {m: rels for m, rels in info(notices, iri).edges.items() if m not in seen}
    if not edges:
        return None
    here = info(notices, iri).depth
    options = []
    for m, relations in edges.items():
        parent = info(notices, m)
        relation = min(relations, key=lambda r: _STEP_PRIORITY[r])
        there = parent.depth
        higher = bool(here and there and there < here)
        rank = (0 if higher else 1 if not (here and there) else 2, here - there if higher else 0,
                _STEP_PRIORITY[relation], parent.docno or m)
        options.append((rank, Step(parent.docno, m, relation, parent.title)))
    return min(options, key=lambda o: o[0])[1]
