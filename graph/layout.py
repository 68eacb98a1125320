"""How the named graphs fit together in a store (docs/MODEL.md, "Named graphs").

    load_dataset(store, dataset)    replace each notice graph, merge the shared graphs, drop stale stubs
    forget_notice(store, notice)    delete a notice's graph; if others still cite it, it becomes a stub again
    stubs_left(store, notices)      the stubs those notices leave behind (for a delete in one transaction)
    is_merged(graph_iri)            whether a graph is one of the shared graphs that grow by merging

A notice's graph holds only what the notice states. Regions, agencies, source files and the stubs of notices
known only by citation live once, in `B graph/regions`, `B graph/agencies`, `B graph/sources` and
`B graph/stubs`; the ontology and kinds in `B graph/vocabulary`. Loading merges what a batch brings into
the shared graphs (a set union: loading twice changes nothing), so replacing or deleting one notice's graph
never loses what other notices need. A stub whose notice enters the corpus is dropped from `graph/stubs` as
that notice is loaded (its own graph then says everything, with its one title; the titles as cited stay on
the citations, `nkg:titleAsCited`); a corpus notice that is deleted while others still cite it is written back
as a stub from those citations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib

from .errors import StoreError

if TYPE_CHECKING:
    from .store import Store

NKG = "https://noticekg.org/def/"
_MERGED = ("/graph/regions", "/graph/agencies", "/graph/sources", "/graph/stubs")


def is_merged(graph_iri: str) -> bool:
    return graph_iri.endswith(_MERGED)


def _iri(text: str) -> str:
    """An IRI checked by the engine's own parser before it goes into an update (never raw text)."""
    try:
        return ox.NamedNode(text).value
    except ValueError as exc:
        raise StoreError(f"not an IRI: {text!r}") from exc


def load_dataset(store: Store, dataset: rdflib.Dataset) -> None:
    """Replace each notice graph the dataset holds, merge its shared graphs into the store's, and drop from
    `graph/stubs` every stub whose notice is now in the corpus (this batch's or an earlier one's)."""
    named = [g for g in dataset.graphs() if isinstance(g.identifier, rdflib.URIRef) and len(g)]
    touched: set[str] = set()  # notices this batch loads, and those it names as stubs
    for graph in named:
        name = str(graph.identifier)
        if is_merged(name):
            store.merge_graph(name, graph)
        else:
            store.replace_graph(name, graph)
        if name.endswith("/graph/stubs"):
            touched.update(str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(NKG + "Notice")))
        elif not is_merged(name):
            touched.update(str(s) for s in graph.subjects(rdflib.URIRef(NKG + "inCorpus"), rdflib.Literal(True)))
    drop_stubs_in_corpus(store, touched)


def drop_stubs_in_corpus(store: Store, notices: set[str]) -> None:
    """Delete from the stubs graph the stubs among `notices` whose notice has its own graph in the store.
    Bound by the notices: the cost is that of the batch, not of the store."""
    if not notices:
        return
    values = " ".join(f"{ox.NamedNode(_iri(n))}" for n in sorted(notices))
    store.update(f"""DELETE {{ GRAPH ?stubs {{ ?n ?p ?o }} }} WHERE {{
      VALUES ?n {{ {values} }}
      GRAPH ?own {{ ?n {ox.NamedNode(str(NKG) + 'inCorpus')} true }}
      GRAPH ?stubs {{ ?n {ox.NamedNode(str(NKG) + 'inCorpus')} false }}
      FILTER(STRENDS(STR(?stubs), "/graph/stubs"))
      GRAPH ?stubs {{ ?n ?p ?o }} }}""")


def stubs_left(store: Store, notices: set[str], base: str | None = None) -> rdflib.Graph:
    """The stubs that must stay when `notices` leave the corpus (deleted, or dropped from a replaced file):
    each one that a notice outside `notices` still cites, with its 文号 and every title it is cited by. Read
    before the delete, so that the delete and the stubs can go in one transaction (`graph.publish`)."""
    from .to_rdf import docno_of, stub_graph

    if not notices:
        return rdflib.Graph()
    leaving = " ".join(f"{ox.NamedNode(_iri(n))}" for n in sorted(notices))
    rows = store.select(f"""SELECT ?n ?docNo ?title WHERE {{
      VALUES ?n {{ {leaving} }}
      GRAPH ?own {{ ?n {ox.NamedNode(str(NKG) + 'docNo')} ?docNo ; {ox.NamedNode(str(NKG) + 'inCorpus')} true }}
      ?c {ox.NamedNode(str(NKG) + 'citedNotice')} ?n ; {ox.NamedNode(str(NKG) + 'citingNotice')} ?citing .
      FILTER(?citing NOT IN ({leaving.replace(" ", ", ")}))
      OPTIONAL {{ ?c {ox.NamedNode(str(NKG) + 'titleAsCited')} ?title }} }}""")
    stubs: dict[str, tuple] = {}
    for r in rows:
        docno, titles = stubs.setdefault(str(r["n"]), (docno_of(str(r["docNo"])), set()))
        if "title" in r:
            titles.add(str(r["title"]))
    return stub_graph(stubs)


def forget_notice(store: Store, notice: str, base: str | None = None) -> None:
    """Delete a notice's graph. Notices that still cite it keep a target: it is written back into
    `graph/stubs` as known by citation, with its 文号 and every title it is cited by."""
    from .to_rdf import dataset_graph_iri

    notice = _iri(notice)
    stubs = stubs_left(store, {notice}, base)
    store.delete_graph(f"{notice}/graph")
    if len(stubs):
        store.merge_graph(dataset_graph_iri("stubs", base), stubs)
