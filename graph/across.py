"""The neighbourhood a rule across notices reads, so that it runs on a small engine instead of the store.

    neighbourhood(engine, notices, lower=True) -> Store    what the cross-notice rules need about `notices`
    groups(engine) -> list[tuple[str, ...]]                  the notices of a store in groups of one province-year

A rule across notices (below-floor, agrees-with-followed, increase-matches-levels, …) compares a figure
with figures of other notices of the same kind and year, in a region that contains its own (or the same
region). Run on the whole store, Oxigraph pairs each figure with every figure of its kind before it looks at
regions or notices, so the cost grows with the square of the store. Here the comparison partners are found
first, by bound look-ups that start from the regions (a region holds a handful of figures per year, however
large the nation's corpus), and copied with the notices that state them, their forwarding chains and their
regions' containment chain into an in-memory store, where the rule's own SELECT (from content.ttl,
unchanged) runs with the notices bound. The cost is that of the notices and their region's chain, not of
the store.

Which figures are partners is read from the rules' convention (content.ttl's header): a rule across notices
pairs figures of the same kind and year in regions on one containment chain, or figures of the kinds it names
itself (an increase and the level it raises; a contribution period and a benefit period), whose years may
differ by one (last year's level). `lower=True` (an incremental run) also brings the figures of the regions
below the notices' own, for the findings in which a notice is the higher side (a province's floor that a
prefecture already in the store goes below); a whole-graph run checks every notice as the lower side and
needs only the regions above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

import pyoxigraph as ox
import rdflib

from . import regions
from .rules import content_rules
from .store import Store, open_store

NKG = "https://noticekg.org/def/"
KIND = NKG + "kind/"
GRAPH = "urn:noticekg:validate:across"  # where the neighbourhood goes in its small engine
_PREFIXES = f"PREFIX nkg: {ox.NamedNode(NKG)}\n"
_BATCH = 400  # IRIs per VALUES block
GROUP = 40  # notices per group of a whole-graph run: a small engine stays small
_FOLLOWS = f"<{NKG}forwards> <{NKG}implements>"


@cache
def linked_kinds() -> tuple[frozenset[str], ...]:
    """The kinds each cross-notice rule names (kind:…): figures of those kinds are compared with each other,
    also a year apart."""
    groups = []
    for rule in content_rules():
        if "otherNotice" in rule.variables:
            named = frozenset(KIND + k for k in re.findall(r"\bkind:([\w-]+)", rule.select))
            if named:
                groups.append(named)
    return tuple(groups)


@cache
def read_properties() -> tuple[str, ...]:
    """The properties the cross-notice rules read (every nkg: name in their SELECTs, and rdf:type)."""
    names = {n for rule in content_rules() if "otherNotice" in rule.variables
             for n in re.findall(r"\bnkg:(\w+)", rule.select)}
    return (str(rdflib.RDF.type), *sorted(NKG + n for n in names))


def _partner_keys(keys: set[tuple[str, int | None]]) -> set[tuple[str, int | None]]:
    """The (kind, year) of every figure a figure of one of `keys` can meet in a rule across notices: its own,
    and the kinds a rule names with its kind, in its year and the years either side."""
    out = set(keys)
    for kind, year in keys:
        if year is None:
            continue
        for group in linked_kinds():
            if kind in group:
                out |= {(k, y) for k in group for y in (year - 1, year, year + 1)}
    return out


def _iris(items: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(str(i))) for i in items)  # checked IRIs, written by pyoxigraph


def _batches(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i: i + _BATCH]


def _select(engine: Store, template: str, items: Iterable[str]) -> list[dict]:
    """The template with VALUES in place of ITEMS, batch by batch."""
    rows: list[dict] = []
    for batch in _batches(sorted(set(items))):
        rows += engine.select(_PREFIXES + template.replace("ITEMS", _iris(batch)))
    return rows


def _year(term: object) -> int | None:
    try:
        return int(str(term))
    except ValueError:
        return None


def neighbourhood(engine: Store, notices: Sequence[str], lower: bool = True) -> Store:
    """An in-memory store with the figures of `notices` and of every notice whose figures they can be compared
    with across notices, those notices' own triples (文号, forwards, implements), the forwarding chains between
    them, and the containment chain of every region their figures name."""
    own = _select(engine, """SELECT ?kind ?year ?region WHERE {
      VALUES ?n { ITEMS } ?f nkg:statedIn ?n ; nkg:kind ?kind ; nkg:region ?region . OPTIONAL { ?f nkg:year ?year }
    }""", notices)
    keys = {(str(r["kind"]), _year(r.get("year"))) for r in own}
    places = {str(r["region"]) for r in own}
    paths = ["?place nkg:within* ?r"] + (["?r nkg:within* ?place"] if lower else [])
    around: set[str] = set()
    for p in paths:
        around |= {str(r["r"]) for r in _select(engine, f"SELECT DISTINCT ?r WHERE {{ VALUES ?place {{ ITEMS }} {p} }}",
                                                places)}
    wanted = _partner_keys(keys)
    # Every rule across notices compares years: only figures of the years wanted (whole numbers, not text).
    years = ", ".join(sorted({str(y) for _, y in wanted if y is not None})) or "0"
    # The figures a rule can compare with the notices' own: of a kind and year wanted, in a region on the
    # chain (the rules' convention). Of a partner notice only those are copied, not all its figures.
    found = {(str(r["f"]), str(r["m"])) for r in _select(engine, f"""SELECT DISTINCT ?f ?m ?kind ?year WHERE {{
      VALUES ?r {{ ITEMS }} ?f nkg:region ?r ; nkg:year ?year ; nkg:kind ?kind ; nkg:statedIn ?m .
      FILTER(?year IN ({years})) }}""", around | places) if (str(r["kind"]), _year(r.get("year"))) in wanted}
    partners = {m for _, m in found}
    # A restated figure and its restatement are compared whatever their kinds and regions: all of their
    # notices' figures are copied, as the notices' own.
    restated = """SELECT ?m WHERE { VALUES ?n { ITEMS }
      { ?f nkg:statedIn ?n ; nkg:restates ?x . ?x nkg:statedIn ?m } UNION
      { ?x nkg:statedIn ?n . ?f nkg:restates ?x ; nkg:statedIn ?m } }"""
    whole = {str(r["m"]) for r in _select(engine, restated, notices)} | set(notices)
    members = partners | whole
    chain = {str(r["m"]) for r in _select(engine, """SELECT DISTINCT ?m WHERE {
      VALUES ?n { ITEMS } ?n (nkg:forwards|nkg:implements)* ?m }""", members)}
    small = open_store("memory:")
    # Only the properties the rules read, in a FILTER (a VALUES ?p would be joined by a scan). Two queries, not
    # a UNION: joined after a UNION, ?s ?p ?o would be read for every triple of the store.
    read = f"FILTER(?p IN ({', '.join(_iris(read_properties()).split())}))"
    _copy(engine, small, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?m {{ ITEMS }} ?s nkg:statedIn ?m . "
                         f"?s ?p ?o {read} }}", whole)
    _copy(engine, small, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ ITEMS }} ?s ?p ?o {read} }}",
          {f for f, m in found if m not in whole})
    _copy(engine, small, f"CONSTRUCT {{ ?m ?p ?o }} WHERE {{ VALUES ?m {{ ITEMS }} ?m ?p ?o {read} }}", members)
    _copy(engine, small, f"""CONSTRUCT {{ ?m ?rel ?k }} WHERE {{ VALUES ?m {{ ITEMS }} VALUES ?rel {{ {_FOLLOWS} }}
      ?m ?rel ?k }}""", chain - members)
    named = {str(r["r"]) for r in small.select(_PREFIXES + "SELECT DISTINCT ?r WHERE { ?f nkg:region ?r }")}
    _copy(engine, small, """CONSTRUCT { ?a nkg:within ?b } WHERE { VALUES ?r { ITEMS }
      ?r nkg:within* ?a . ?a nkg:within ?b }""", named)
    return small


def _copy(engine: Store, small: Store, template: str, items: Iterable[str]) -> None:
    """The triples a CONSTRUCT finds in `engine`, into `small`'s graph: engine to engine when both are
    embedded Oxigraph stores, through rdflib otherwise (a remote endpoint)."""
    for batch in _batches(sorted(set(items))):
        query = _PREFIXES + template.replace("ITEMS", _iris(batch))
        source, target = getattr(engine, "engine", None), getattr(small, "engine", None)
        if isinstance(source, ox.Store) and isinstance(target, ox.Store):
            # As N-Triples bytes, engine to engine: no term of it is made a Python object.
            data = source.query(query, use_default_graph_as_union=True).serialize(format=ox.RdfFormat.N_TRIPLES)
            if data:
                target.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
        else:
            found: rdflib.Graph = engine.construct(query)
            small.merge_graph(GRAPH, found)


def groups(engine: Store) -> list[tuple[str, ...]]:
    """Every notice that states a figure, in groups of at most `GROUP` notices of neighbouring provinces in
    one year: the notices of a group share most of their neighbourhood, and its small engine stays small (the
    rules pair the figures of a kind within it before they compare regions)."""
    rows = engine.select(_PREFIXES + """SELECT ?n (SAMPLE(?r) AS ?region) (MIN(?y) AS ?year) WHERE {
      ?f nkg:statedIn ?n . OPTIONAL { ?f nkg:region ?r } OPTIONAL { ?f nkg:year ?y } } GROUP BY ?n""")
    keyed = []
    for row in rows:
        region = str(row.get("region", ""))
        code = region.rsplit("/", 1)[-1]
        if regions.exists(code):
            chain = regions.ancestors(code)  # the code itself … the nation
            region = chain[-2] if len(chain) > 1 else chain[0]  # its province (or the nation itself)
        keyed.append((str(row.get("year", "")), region, str(row["n"])))
    notices = [n for *_, n in sorted(keyed)]
    return [tuple(notices[i: i + GROUP]) for i in range(0, len(notices), GROUP)]
