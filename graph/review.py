"""Figures to review: those whose kind the extractor decided by a cue outside their own statement, by the
notice's context or by a fallback (`nkg:needsReview true`), with the cue, the basis and the quote, so that
a reader can check each against the text.

    flagged(store, docno=None) -> list[Flagged]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .lookup import SPARQL_PREFIXES, notice_iri
from .store import Store
from .vocab import KIND


@dataclass(frozen=True)
class Flagged:
    iri: str
    docno: str | None
    section: str | None  # the section's label as written (（二）), else its path
    kind: str
    value: str
    unit: str | None
    year: int | None
    basis: str  # sentence, context or fallback (graph.parse.figure_kinds.Basis)
    cue: str | None
    quote: str | None
    offset: int | None  # where the quote starts in the source file

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


_QUERY = SPARQL_PREFIXES + """SELECT ?f ?kind ?amount ?ratio ?date ?start ?end ?unit ?year ?basis ?cue ?quote ?offset
       ?docno ?label ?path WHERE {
  %s
  ?f nkg:needsReview true ; nkg:kind ?kind ; nkg:statedIn ?n ; nkg:kindBasis ?b .
  ?b skos:notation ?basis .
  OPTIONAL { ?f nkg:amount ?amount } OPTIONAL { ?f nkg:ratio ?ratio } OPTIONAL { ?f nkg:date ?date }
  OPTIONAL { ?f nkg:startDate ?start ; nkg:endDate ?end }
  OPTIONAL { ?f nkg:unit ?unit } OPTIONAL { ?f nkg:year ?year } OPTIONAL { ?f nkg:kindCue ?cue }
  # No OPTIONAL inside an OPTIONAL: Oxigraph would read the inner one's left side over the whole store.
  OPTIONAL { ?f oa:hasSelector/oa:exact ?quote } OPTIONAL { ?f oa:hasSelector/oa:start ?offset }
  OPTIONAL { ?n nkg:docNo ?docno }
  OPTIONAL { ?f nkg:inSection/nkg:label ?label } OPTIONAL { ?f nkg:inSection/nkg:path ?path }
}"""


def flagged(store: Store, docno: str | None = None) -> list[Flagged]:
    """The figures to review, of one notice (a 文号 in any spelling) or of the whole graph, in text order."""
    bound = f"VALUES ?n {{ {ox.NamedNode(notice_iri(store, docno))} }}" if docno else ""  # an IRI the graph minted
    rows = store.select(_QUERY % bound)
    found: dict[str, Flagged] = {}
    for r in rows:
        iri = str(r["f"])
        if iri in found:
            continue
        value = (str(r["amount"]) if "amount" in r else str(r["ratio"]) if "ratio" in r
                 else str(r["date"]) if "date" in r else f"{r['start']}/{r['end']}" if "start" in r else "")
        found[iri] = Flagged(
            iri=iri, docno=str(r["docno"]) if "docno" in r else None,
            section=str(r["label"]) if "label" in r else str(r["path"]) if "path" in r else None,
            kind=str(r["kind"]).removeprefix(str(KIND)), value=value,
            unit=str(r["unit"]) if "unit" in r else None, year=int(r["year"]) if "year" in r else None,
            basis=str(r["basis"]), cue=str(r["cue"]) if "cue" in r else None,
            quote=str(r["quote"]) if "quote" in r else None, offset=int(r["offset"]) if "offset" in r else None,
        )
    return sorted(found.values(), key=lambda f: (f.docno or "", f.offset or 0, f.iri))
