"""Reading one IRI from the store: whether it is in the graph, the named graphs it comes from, its RDF
description, its statements and incoming links labelled for people, and the server-local URL of an IRI.

Every query binds the IRI asked for, so a look-up costs a few index probes whatever the size of the corpus;
the IRI goes in as a checked term (`graph.sparql.iri_ref`), never as text of the request.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

import rdflib
from flask import current_app
from rdflib import RDF, Literal, URIRef
from rdflib.term import Node

from graph.sparql import iri_ref
from graph.store import Store
from graph.vocab import KIND_SCHEME_IRI, ONTOLOGY_IRI
from graph.vocab import PREFIXES as VOCAB_PREFIXES

DEF = ONTOLOGY_IRI
KIND_SCHEME = KIND_SCHEME_IRI
NS = VOCAB_PREFIXES
PREFIXES = "".join(f"PREFIX {p}: {iri_ref(ns)}\n" for p, ns in NS.items())
INCOMING_LIMIT = 200  # a region or a kind can be the object of thousands of triples: show the first ones


def n(name: str) -> str:
    """A CURIE of NS as the full IRI: n("nkg:docNo")."""
    prefix, _, local = name.partition(":")
    return NS[prefix] + local


def select(store: Store, query: str) -> list[dict[str, Node]]:
    return store.select(PREFIXES + query)


# -- existence, provenance, description --------------------------------------------------------------------


def exists(store: Store, iri: str) -> bool:
    x = iri_ref(iri)
    return store.ask(f"ASK {{ {{ {x} ?p ?o }} UNION {{ ?s ?p {x} }} UNION {{ ?s {x} ?o }} "
                     f"UNION {{ GRAPH {x} {{ ?s ?p ?o }} }} }}")


def is_graph(store: Store, iri: str) -> bool:
    return store.ask(f"ASK {{ GRAPH {iri_ref(iri)} {{ ?s ?p ?o }} }}")


def provenance_graphs(store: Store, iri: str) -> list[str]:
    """The named graphs that say something about `iri`: those holding its triples, else the graph it names,
    else those that use it (as an object or a predicate)."""
    x = iri_ref(iri)
    rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {x} ?p ?o }} }}")
    if not rows and is_graph(store, iri):
        return [iri]
    if not rows:
        rows = store.select(f"SELECT DISTINCT ?g WHERE {{ {{ GRAPH ?g {{ ?s ?p {x} }} }} "
                            f"UNION {{ GRAPH ?g {{ ?s {x} ?o }} }} }} LIMIT 20")
    # The resource's own graph first: the one whose name shares the longest prefix with it ({notice}/graph).
    return sorted((str(r["g"]) for r in rows), key=lambda g: (-len(os.path.commonprefix([g, iri])), g))


def description(store: Store, iri: str) -> rdflib.Graph:
    """Its triples, a notice's sections and figures, a figure's selector; a named graph's IRI gives the graph."""
    x = iri_ref(iri)
    if is_graph(store, iri):
        return store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ GRAPH {x} {{ ?s ?p ?o }} }} "
                               f"UNION {{ {x} ?p ?o BIND({x} AS ?s) }} }}")
    graph = store.construct(PREFIXES + f"""CONSTRUCT {{ {x} ?p ?o . ?x ?q ?y }} WHERE {{
        {{ {x} ?p ?o }}
        UNION {{ {x} oa:hasSelector ?x . ?x ?q ?y }}
        UNION {{ ?x nkg:inNotice {x} ; ?q ?y
                 FILTER(?q IN (rdf:type, nkg:inNotice, nkg:path, nkg:label, dcterms:title, nkg:partOf)) }}
        UNION {{ ?x nkg:statedIn {x} ; ?q ?y
                 FILTER(?q IN (rdf:type, nkg:statedIn, rdfs:label, nkg:kind, nkg:inSection)) }}
    }}""")  # each branch starts from the bound IRI; a VALUES list of predicates would make the engine scan them
    if not len(graph):  # known only as an object or a predicate: say who uses it
        graph = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p {x} BIND({x} AS ?o) }} "
                                f"UNION {{ ?s {x} ?o BIND({x} AS ?p) }} }} LIMIT {INCOMING_LIMIT}")
    return graph


# -- terms as the templates show them ----------------------------------------------------------------------


def curie(iri: str) -> str:
    base = current_app.config["BASE"]
    if iri.startswith(base):
        return iri[len(base):]
    for prefix, ns in NS.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def labels(store: Store, iris: set[str]) -> dict[str, str]:
    """A short human label for each IRI: 文号, the Chinese preferred label, rdfs:label, a section's number and
    heading; the CURIE when it has none."""
    found: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    wanted = sorted({str(i) for i in iris if i})  # rdflib terms do not hash like their strings
    for start in range(0, len(wanted), 200):
        values = " ".join(iri_ref(i) for i in wanted[start:start + 200])
        for row in select(store, f"""SELECT DISTINCT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?l
            FILTER(?p IN (nkg:docNo, skos:prefLabel, rdfs:label, nkg:label, dcterms:title, nkg:docNoAsCited)) }}"""):
            found[str(row["x"])][str(row["p"])].append(row["l"])
    return {iri: _best_label(found.get(iri, {})) or curie(iri) for iri in wanted}


def _best_label(by_property: dict[str, list[Literal]]) -> str | None:
    def pick(prop: str) -> str | None:
        values = sorted(by_property.get(prop, []), key=lambda lit: (lit.language != "zh", str(lit)))
        return str(values[0]) if values else None

    section = pick(n("nkg:label"))
    if section:
        return f"{section} {pick(n('dcterms:title')) or ''}".strip()
    for prop in ("nkg:docNo", "skos:prefLabel", "rdfs:label", "dcterms:title", "nkg:docNoAsCited"):
        if value := pick(n(prop)):
            return value
    return None


def term(node: Node, names: dict[str, str]) -> dict[str, Any]:
    if isinstance(node, URIRef):
        iri = str(node)
        return {"iri": iri, "label": names.get(iri) or curie(iri), "href": local_url(iri)}
    if isinstance(node, Literal):
        return {"text": str(node), "lang": node.language, "long": len(str(node)) > 300}
    return {"text": f"_:{node}", "lang": None, "long": False}


def local_url(iri: str) -> str:
    """The server-local URL under which an IRI we mint dereferences; any other IRI is returned as it is."""
    base = current_app.config["BASE"]
    if iri.startswith(base):
        return "/id/" + iri[len(base):]
    if iri.startswith(DEF):
        return "/def/" + iri[len(DEF):]
    return iri


def statements(store: Store, iri: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool, str]:
    """What a page shows of `iri`, labelled with one look-up of every IRI in it: every (predicate, objects)
    with `iri` as subject, objects grouped under their predicate; the incoming links (the first
    INCOMING_LIMIT, and whether there are more); and its own label (the page title)."""
    x = iri_ref(iri)
    rows = store.select(f"SELECT DISTINCT ?p ?o WHERE {{ {x} ?p ?o }}")
    links = store.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {x} FILTER(isIRI(?s)) }} "
                         f"LIMIT {INCOMING_LIMIT + 1}")
    names = labels(store, {iri, *(str(v) for r in (*rows, *links) for v in r.values() if isinstance(v, URIRef))})
    grouped: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        grouped[str(r["p"])].append(term(r["o"], names))
    # Predicates show as CURIEs: precise, and the same words the SPARQL endpoint takes.
    described = [{"predicate": term(URIRef(p), {}), "objects": sorted(objs, key=sort_key)}
                 for p, objs in sorted(grouped.items(), key=lambda kv: (kv[0] != str(RDF.type), curie(kv[0])))]
    incoming = [{"subject": term(r["s"], names), "predicate": term(r["p"], names)} for r in links[:INCOMING_LIMIT]]
    incoming.sort(key=lambda x: (x["predicate"]["label"], x["subject"]["label"]))
    return described, incoming, len(links) > INCOMING_LIMIT, names[iri]


def sort_key(t: dict[str, Any]) -> tuple:
    return (t.get("label") or t.get("text") or "",)
