"""The text a notice was read from, as `text/plain; charset=utf-8` at the notice's IRI (by `Accept:
text/plain` or the `.txt` extension) and at its source file's IRI.

It is the whole extracted text of the source file (`nkg:text`, or its parts: `graph.source_text`), whatever the file was (text, web page, PDF,
Word): every figure's `oa:start`/`oa:end` index into exactly this text, so `text[start:end]` is its quote;
the notice's own part of it is `nkg:sourceStart`..`nkg:sourceEnd`.
"""

from __future__ import annotations

from flask import Response

from graph.source_text import whole_text
from graph.sparql import iri_ref
from graph.store import Store

from .describe import PREFIXES

MEDIA = "text/plain"


def source_text(store: Store, iri: str) -> str | None:
    """The text of the source file `iri` is (a `nkg:SourceFile`) or was derived from (a notice); the caller
    has checked `iri` (`linked_data.safe_iri`)."""
    rows = store.select(PREFIXES + f"""SELECT ?source WHERE {{
        {{ {iri_ref(iri)} a nkg:SourceFile BIND({iri_ref(iri)} AS ?source) }} UNION {{ {iri_ref(iri)} prov:wasDerivedFrom ?source }}
    }} LIMIT 1""")
    return whole_text(store, str(rows[0]["source"])) if rows else None


def text_response(text: str) -> Response:
    return Response(text.encode("utf-8"), content_type=f"{MEDIA}; charset=utf-8")


def provenance(store: Store, iri: str) -> dict[str, str] | None:
    """Where a notice came from, for its page: the file (name, SHA-256, media type, encoding), the source URL
    and retrieval date when known, and how it became text (method, library and version)."""
    rows = store.select(PREFIXES + f"""SELECT ?source ?file ?sha ?media ?encoding ?confidence ?url ?retrieved
        ?method ?library WHERE {{
        {iri_ref(iri)} prov:wasDerivedFrom ?source . ?source a nkg:SourceFile ; nkg:fileName ?file .
        OPTIONAL {{ ?source nkg:sha256 ?sha }} OPTIONAL {{ ?source nkg:mediaType ?media }}
        OPTIONAL {{ ?source nkg:encoding ?encoding }} OPTIONAL {{ ?source nkg:encodingConfidence ?confidence }}
        OPTIONAL {{ ?source nkg:sourceUrl ?url }} OPTIONAL {{ ?source nkg:retrieved ?retrieved }}
        OPTIONAL {{ ?activity prov:used ?source ; nkg:extractionMethod ?method ; nkg:extractedWith ?library }}
    }} LIMIT 1""")
    return {k: str(v) for k, v in rows[0].items()} if rows else None
