"""Chinese full-text search over notices: titles, text and issuing agencies, segmented by jieba into an SQLite
FTS5 index that lives beside the store (`index_location`).

    index_notices(store, index, notices=None)   (re)index those notices (all when None) from the store
    remove_notices(index, notices)              drop them from the index (a notice deleted from the store)
    search(index, query, filters, limit)        -> SearchResult: hits with highlighted snippets, and facets
                                                   (region, year, issuing level, relation)

Every write to the store calls `index_notices` for the notices it wrote, so the index keeps in step with the
store; a server whose store has no index builds one lazily from the store. Text is indexed with jieba's
search mode (words and the shorter words inside them: 医保局 → 医保, 医保局), so two-character words such as
医保 or 补助 are found inside longer ones. The query is cut into words the same way and every word must occur.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .chinese_words import segmenter
from .source_text import excerpt
from .store import Store

INDEX_FILE = "search.sqlite"
SNIPPET_CHARS = 120  # characters of text shown around the best match
NKG = "https://noticekg.org/def/"
LEVELS = {NKG + "National": "national", NKG + "Provincial": "provincial", NKG + "Municipal": "municipal",
          NKG + "County": "county"}
RELATIONS = ("forwards", "implements", "applies", "hasAttachment", "cites")
FACETS = ("region", "year", "level", "relation")
_WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)  # a token worth indexing has a letter, digit or Han
_lock = threading.RLock()  # one writer or reader of an index connection at a time

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS notice_text USING fts5(iri UNINDEXED, title, agencies, body,
    tokenize = "unicode61");
CREATE TABLE IF NOT EXISTS notice (iri TEXT PRIMARY KEY, docno TEXT, title TEXT, agencies TEXT, body TEXT,
    region TEXT, region_name TEXT, year INTEGER, level TEXT, date TEXT, in_corpus INTEGER);
CREATE TABLE IF NOT EXISTS notice_relation (iri TEXT, relation TEXT, PRIMARY KEY (iri, relation));
CREATE TABLE IF NOT EXISTS notice_region (iri TEXT, code TEXT, PRIMARY KEY (iri, code));
"""


def index_location(store_url: str) -> Path | None:
    """Where the index of a store lives: `<store dir>/search.sqlite` for an embedded store on disk; None for an
    in-memory or remote store (the index is then kept in memory, built from the store)."""
    if not store_url.startswith("oxigraph:"):
        return None
    path = store_url[len("oxigraph:"):].partition("?")[0]
    return Path(path) / INDEX_FILE if path else None


def connect(location: Path | str | None) -> sqlite3.Connection:
    """An index connection (created empty when absent); `None` gives a fresh in-memory index."""
    if location is not None:
        Path(location).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(":memory:" if location is None else str(location), check_same_thread=False)
    connection.executescript(SCHEMA)
    return connection


def is_empty(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT COUNT(*) FROM notice").fetchone()[0] == 0


# -- segmentation ---------------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The words of `text` in jieba's search mode (long words and the words inside them), punctuation dropped.
    Sentence by sentence: jieba cuts each run of Han characters on its own, so the words are the same, and a
    sentence that recurs (the genre's boilerplate, a forwarded notice's text) is cut once (9.8 s of the
    11 s that indexing 1,000 synthetic notices took was jieba)."""
    return [w for piece in _SENTENCE_END.split(text) if piece for w in _sentence_words(piece)]


_SENTENCE_END = re.compile(r"(?<=[。；！？\n])")


@lru_cache(maxsize=1 << 15)
def _sentence_words(sentence: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in segmenter().cut_for_search(sentence) if _WORD.search(w))


def segmented(text: str) -> str:
    return " ".join(words(text))


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression in which every word of the query must occur; a long word also matches when the
    words inside it all occur (居民医保 → "居民医保" OR ("居民" AND "医保")). None when no word is left."""
    terms = []
    for word in dict.fromkeys(w.lower() for w in segmenter().cut(query) if _WORD.search(w)):
        inner = [w for w in words(word) if w != word]
        quoted = '"' + word.replace('"', '""') + '"'
        if inner:
            quoted = f"({quoted} OR ({' AND '.join(chr(34) + w.replace(chr(34), '') + chr(34) for w in inner)}))"
        terms.append(quoted)
    return " AND ".join(terms) or None


# -- indexing -------------------------------------------------------------------------------------------------


def _notice_rows(store: Store, notices: Iterable[str] | None) -> dict[str, dict[str, Any]]:
    values = ""
    if notices is not None:
        wanted = sorted(set(notices))
        if not wanted:
            return {}
        values = "VALUES ?n { " + " ".join(f"{ox.NamedNode(iri)}" for iri in wanted) + " }"
    rows = store.select(f"""PREFIX nkg: {ox.NamedNode(NKG)} PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?n ?docno ?title ?corpus ?year ?signed ?printed ?level ?code ?regionName WHERE {{
        {values} ?n a nkg:Notice .
        OPTIONAL {{ ?n nkg:docNo ?docno }} OPTIONAL {{ ?n dcterms:title ?title }}
        OPTIONAL {{ ?n nkg:inCorpus ?corpus }} OPTIONAL {{ ?n nkg:docYear ?year }}
        OPTIONAL {{ ?n nkg:dateSigned ?signed }} OPTIONAL {{ ?n nkg:datePrinted ?printed }}
        OPTIONAL {{ ?n nkg:level ?level }}
        OPTIONAL {{ ?n nkg:jurisdiction/nkg:code ?code }} OPTIONAL {{ ?n nkg:jurisdiction/rdfs:label ?regionName }} }}""")
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = found.setdefault(str(r["n"]), {"titles": [], "agencies": [], "relations": set(), "body": ""})
        if "title" in r and str(r["title"]) not in entry["titles"]:
            entry["titles"].append(str(r["title"]))
        for key in ("docno", "code", "regionName", "signed", "printed"):
            if key in r:
                entry[key] = str(r[key])
        if "year" in r:
            entry["year"] = int(r["year"])
        if "level" in r:
            entry["level"] = LEVELS.get(str(r["level"]), str(r["level"]))
        entry["corpus"] = entry.get("corpus") or str(r.get("corpus", "false")) == "true"
    if not found:
        return found
    values = "VALUES ?n { " + " ".join(f"{ox.NamedNode(iri)}" for iri in sorted(found)) + " }"
    for r in store.select(f"""PREFIX nkg: {ox.NamedNode(NKG)} PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT DISTINCT ?n ?label WHERE {{ {values} ?n nkg:issuedBy ?a . ?a rdfs:label ?label }}"""):
        found[str(r["n"])]["agencies"].append(str(r["label"]))
    relations = " ".join(f"nkg:{name}" for name in RELATIONS)
    for r in store.select(f"""PREFIX nkg: {ox.NamedNode(NKG)} SELECT DISTINCT ?n ?p WHERE {{ {values}
            VALUES ?p {{ {relations} }} ?n ?p ?m }}"""):
        found[str(r["n"])]["relations"].add(str(r["p"])[len(NKG):])
    for r in store.select(f"""PREFIX nkg: {ox.NamedNode(NKG)} PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?n ?src ?start ?end WHERE {{ {values} ?n prov:wasDerivedFrom ?src ;
            nkg:sourceStart ?start ; nkg:sourceEnd ?end . ?src a nkg:SourceFile }}"""):
        body = excerpt(store, str(r["src"]), int(r["start"]), int(r["end"]))
        found[str(r["n"])]["body"] = body or ""
    return found


def index_notices(store: Store, connection: sqlite3.Connection, notices: Iterable[str] | None = None) -> int:
    """Index the notices named (IRIs; every notice in the store when None) as they are in the store now,
    replacing what the index held for them. A notice named but no longer in the store leaves the index.
    Returns how many notices were indexed."""
    from . import regions

    wanted = None if notices is None else sorted(set(notices))
    found = _notice_rows(store, wanted)
    with _lock, connection:
        if wanted is None:
            for table in ("notice_text", "notice", "notice_relation", "notice_region"):
                connection.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        else:
            _delete(connection, wanted)
        for iri, e in found.items():
            date = e.get("printed") or e.get("signed") or ""
            year = e.get("year") or (int(date[:4]) if date[:4].isdigit() else None)
            title = " / ".join(e["titles"])
            agencies = "、".join(sorted(set(e["agencies"])))
            connection.execute("INSERT INTO notice VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (iri, e.get("docno"), title, agencies, e["body"], e.get("code"),
                                e.get("regionName"), year, e.get("level"), date, int(e["corpus"])))
            connection.execute("INSERT INTO notice_text VALUES (?, ?, ?, ?)",
                               (iri, segmented(f"{e.get('docno') or ''} {title}"), segmented(agencies),
                                segmented(e["body"])))
            connection.executemany("INSERT INTO notice_relation VALUES (?, ?)",
                                   [(iri, rel) for rel in sorted(e["relations"])])
            if e.get("code"):
                codes = [e["code"], *(regions.ancestors(e["code"]) if regions.exists(e["code"]) else [])]
                connection.executemany("INSERT OR IGNORE INTO notice_region VALUES (?, ?)",
                                       [(iri, c) for c in codes])
    return len(found)


def remove_notices(connection: sqlite3.Connection, notices: Iterable[str]) -> None:
    with _lock, connection:
        _delete(connection, sorted(set(notices)))


def _delete(connection: sqlite3.Connection, iris: list[str]) -> None:
    for iri in iris:
        for table in ("notice_text", "notice", "notice_relation", "notice_region"):
            connection.execute(f"DELETE FROM {table} WHERE iri = ?", (iri,))  # noqa: S608 - fixed names


# -- searching ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    iri: str
    docno: str | None
    title: str
    agencies: str
    region: str | None
    region_name: str | None
    year: int | None
    level: str | None
    date: str
    in_corpus: bool
    relations: tuple[str, ...]
    snippet: tuple[tuple[str, bool], ...]  # (text, is a match), in reading order
    title_marked: tuple[tuple[str, bool], ...]

    def to_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "docno": self.docno, "title": self.title, "agencies": self.agencies,
                "region": self.region, "region_name": self.region_name, "year": self.year, "level": self.level,
                "date": self.date, "in_corpus": self.in_corpus, "relations": list(self.relations),
                "snippet": "".join(t for t, _ in self.snippet),
                "highlights": [t for t, hit in self.snippet if hit]}


@dataclass(frozen=True)
class SearchResult:
    query: str
    words: tuple[str, ...]
    filters: dict[str, str]
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)  # name → (value, label, count)

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "words": list(self.words), "filters": self.filters, "total": self.total,
                "hits": [h.to_json() for h in self.hits],
                "facets": {name: [{"value": v, "label": label, "count": c} for v, label, c in values]
                           for name, values in self.facets.items()}}


def search(connection: sqlite3.Connection, query: str, filters: dict[str, str] | None = None,
           limit: int = 50) -> SearchResult:
    """The notices that hold every word of `query`, best first (BM25, titles weigh most), narrowed by `filters`
    (region: a GB/T 2260 code, the region or one containing it; year; level; relation), with facet counts."""
    filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
    expression = match_expression(query)
    if expression is None:
        return SearchResult(query, (), filters, 0, ())
    where, params = ["notice_text MATCH ?"], [expression]
    for name, value in filters.items():
        if name == "region":
            where.append("n.iri IN (SELECT iri FROM notice_region WHERE code = ?)")
        elif name == "relation":
            where.append("n.iri IN (SELECT iri FROM notice_relation WHERE relation = ?)")
        elif name == "year":
            where.append("CAST(n.year AS TEXT) = ?")
        else:
            where.append("n.level = ?")
        params.append(value)
    sql = f"""SELECT n.iri, n.docno, n.title, n.agencies, n.body, n.region, n.region_name, n.year, n.level,
        n.date, n.in_corpus, bm25(notice_text, 0.0, 5.0, 2.0, 1.0) AS rank
        FROM notice_text JOIN notice n ON n.iri = notice_text.iri WHERE {' AND '.join(where)}
        ORDER BY rank, n.date DESC"""
    with _lock:
        rows = connection.execute(sql, params).fetchall()
        relations = _relations(connection, [r[0] for r in rows])
    terms = _highlight_terms(query)
    hits = tuple(Hit(r[0], r[1], r[2], r[3], r[5], r[6], r[7], r[8], r[9], bool(r[10]),
                     tuple(relations.get(r[0], ())), snippet(r[4] or r[3] or r[2], terms),
                     marked(r[2], terms)) for r in rows[:limit])
    return SearchResult(query, tuple(terms), filters, len(rows), hits, _facets(rows, relations))


def _relations(connection: sqlite3.Connection, iris: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for start in range(0, len(iris), 500):
        chunk = iris[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for iri, rel in connection.execute(
                f"SELECT iri, relation FROM notice_relation WHERE iri IN ({marks}) ORDER BY relation", chunk):
            found.setdefault(iri, []).append(rel)
    return found


def _facets(rows: list[tuple], relations: dict[str, list[str]]) -> dict[str, list[tuple[str, str, int]]]:
    counts: dict[str, dict[tuple[str, str], int]] = {name: {} for name in FACETS}

    def add(name: str, value: Any, label: Any) -> None:
        if value is not None and value != "":
            key = (str(value), str(label or value))
            counts[name][key] = counts[name].get(key, 0) + 1

    for r in rows:
        add("region", r[5], r[6])
        add("year", r[7], r[7])
        add("level", r[8], r[8])
        for rel in relations.get(r[0], ()):
            add("relation", rel, rel)
    return {name: sorted(((v, label, c) for (v, label), c in found.items()), key=lambda x: (-x[2], x[0]))
            for name, found in counts.items()}


def _highlight_terms(query: str) -> list[str]:
    """The words to mark in a snippet: the query's words and the words inside them, longest first."""
    found = {w for w in (*(segmenter().cut(query)), *words(query)) if _WORD.search(w)}
    return sorted(found, key=lambda w: (-len(w), w))


def marked(text: str, terms: list[str]) -> tuple[tuple[str, bool], ...]:
    """`text` cut into (piece, is a match) at every occurrence of one of `terms` (case-insensitive)."""
    if not terms or not text:
        return ((text, False),) if text else ()
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    pieces, at = [], 0
    for m in pattern.finditer(text):
        if m.start() > at:
            pieces.append((text[at:m.start()], False))
        pieces.append((m.group(), True))
        at = m.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return tuple(pieces)


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> tuple[tuple[str, bool], ...]:
    """The window of `text` (whitespace folded) that holds the most different query words, marked."""
    flat = re.sub(r"\s+", " ", text).strip()
    lowered = flat.lower()
    positions = sorted((m.start(), t) for t in terms for m in re.finditer(re.escape(t.lower()), lowered))
    best, best_count = 0, -1
    for start, _ in positions:
        window = {t for p, t in positions if start <= p < start + width}
        if len(window) > best_count:
            best, best_count = start, len(window)
    lo = max(0, best - width // 4) if positions else 0
    piece = flat[lo:lo + width]
    pieces = list(marked(piece, terms))
    if lo > 0:
        pieces.insert(0, ("…", False))
    if lo + width < len(flat):
        pieces.append(("…", False))
    return tuple(pieces)


def index_store(store: Store, store_url: str, notices: Iterable[str] | None = None) -> int:
    """The build's one call: bring the index beside the store (`index_location`) in step for these notices
    (every notice when None). A store with no place for an index (memory:, remote) is indexed by the server
    when it starts instead; returns how many notices were indexed (0 then)."""
    location = index_location(store_url)
    if location is None:
        return 0
    connection = connect(location)
    try:
        return index_notices(store, connection, None if notices is None or is_empty(connection) else notices)
    finally:
        connection.close()
