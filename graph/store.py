"""Where the graphs live: the `Store` protocol and `open_store(url)`.

    oxigraph:PATH          embedded Oxigraph on disk (what `make run` builds)
    oxigraph:PATH?ro       the same, opened read-only (several processes may share it)
                           (when PATH holds generations, `graph.generations`, the current one is opened,
                           and `follow(store)` reopens it once a build has made a newer one current)
    memory:                embedded Oxigraph in memory
    http(s)://host/query   a remote SPARQL 1.1 endpoint; when it is an Oxigraph server,
                           writes go to its /update and /store (Graph Store Protocol) siblings

Every query sees the union of the named graphs as its default graph, on every backend.
"""

from __future__ import annotations

import csv
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from . import generations
from .errors import QuerySyntaxError, StoreError

RDF_FORMATS = {  # name → (pyoxigraph format, media type)
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
_BY_SUFFIX = {".trig": "trig", ".nq": "nq", ".ttl": "ttl", ".nt": "nt", ".rdf": "rdfxml", ".owl": "rdfxml"}


class Store(Protocol):
    url: str

    def select(self, query: str) -> list[dict[str, Node]]: ...
    def ask(self, query: str) -> bool: ...
    def construct(self, query: str) -> rdflib.Graph: ...
    def query_serialized(
        self, query: str, accept: str, *, default_graph_uris: tuple[str, ...] = (),
        named_graph_uris: tuple[str, ...] = (),
    ) -> tuple[bytes, str]: ...
    def replace_graph(self, graph_iri: str, graph: rdflib.Graph) -> None: ...
    def merge_graph(self, graph_iri: str, graph: rdflib.Graph) -> None: ...
    def delete_graph(self, graph_iri: str) -> None: ...
    def update(self, update: str) -> None: ...
    def load_dataset(self, dataset: rdflib.Dataset) -> None: ...
    def load_file(self, path: str) -> None: ...
    def graph_iris(self) -> list[str]: ...
    def dump(self, fmt: str) -> bytes: ...
    def triple_count(self) -> int: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


def open_store(url: str) -> Store:
    """Open the store a URL names; `StoreError` with the reason when it cannot be opened."""
    if url == "memory:":
        return OxigraphStore(ox.Store(), url)
    if url.startswith("oxigraph:"):
        path, _, flags = url[len("oxigraph:") :].partition("?")
        if not path:
            raise StoreError("oxigraph: needs a directory, e.g. oxigraph:var/store")
        if flags not in ("", "ro"):  # a misspelt flag must not open the store for writing
            raise StoreError(f"{url}: unknown option {flags!r} (oxigraph:PATH?ro opens it read-only)")
        generation = generations.current(Path(path))
        if generation is None and (Path(path) / generations.JOURNAL).exists():
            raise StoreError(f"no finished build in {path} yet: "
                             f"{generations.status(Path(path)).warning() or 'its first build did not finish'}")
        where = str(Path(path) / generation) if generation else path
        try:
            if flags == "ro":
                return OxigraphStore(_read_only(where), url, generation)
            Path(path).mkdir(parents=True, exist_ok=True)
            return OxigraphStore(ox.Store(where), url, generation)
        except OSError as exc:
            raise StoreError(f"cannot open the Oxigraph store at {where}: {exc}") from exc
    if url.startswith(("http://", "https://")):
        return RemoteStore(url)
    raise StoreError(f"unknown store URL {url!r}: use oxigraph:PATH, memory: or an http(s) SPARQL endpoint")


def follow(store: Store) -> Store:
    """`store` while it is its directory's current generation, else that generation newly opened (read-only
    stores only: a writer keeps what it opened). One small file read: cheap enough for every request."""
    if not isinstance(store, OxigraphStore) or store.generation is None or not store.url.endswith("?ro"):
        return store
    root = Path(store.url[len("oxigraph:"):].partition("?")[0])
    if generations.current(root) == store.generation:
        return store
    return open_store(store.url)


def _read_only(path: str, attempts: int = 20) -> ox.Store:
    """Open a store read-only. A writer in another handle may be compacting it (the write API): the files
    the manifest names can vanish under the opening, which RocksDB reports as corruption; a moment later the
    new manifest names the new files, so the open is tried again."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(path)
        except (OSError, RuntimeError) as exc:
            if attempt == attempts - 1 or "No such file" not in str(exc):
                raise StoreError(f"cannot open the Oxigraph store at {path} read-only: {exc}") from exc
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


# -- term conversion ------------------------------------------------------------------------------------


def select_text(store: Store, query: str) -> list[dict[str, str]]:
    """A SELECT's rows as the lexical form of each value (an IRI's text, a literal's without its datatype or
    language; "" when unbound): the SPARQL 1.1 CSV results, read by the csv module. For many rows read as
    text, half the cost of `select`, which makes an rdflib term of every value."""
    data, _ = store.query_serialized(query, "text/csv")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def _syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    """Oxigraph says 'error at 3:14: expected …'; keep the position as numbers."""
    message = str(exc)
    position = None
    m = re.search(r"(\d+):(\d+)", message)
    if m:
        position = (int(m.group(1)), int(m.group(2)))
    return QuerySyntaxError(message, position)


class _Loading:
    """What both backends do the same way once they can replace one graph."""

    def replace_graph(self, graph_iri: str, graph: rdflib.Graph) -> None:
        raise NotImplementedError

    def load_dataset(self, dataset: rdflib.Dataset) -> None:
        """Replace each notice graph the dataset holds and merge its shared graphs (`graph.layout`); empty and
        default graphs are left alone."""
        from . import layout

        layout.load_dataset(self, dataset)

    @staticmethod
    def _file_format(path: str) -> str:
        fmt_name = _BY_SUFFIX.get(Path(path).suffix.lower())
        if fmt_name is None:
            raise StoreError(f"{path}: unknown RDF file type (use .trig, .nq, .ttl, .nt or .rdf)")
        return fmt_name


# -- embedded Oxigraph ------------------------------------------------------------------------------------


class OxigraphStore(_Loading):
    def __init__(self, store: ox.Store, url: str, generation: str | None = None) -> None:
        self._store = store
        self.url = url
        self.generation = generation  # the generation directory opened, when the URL names a root of them

    @property
    def engine(self) -> ox.Store:
        return self._store

    def _query(self, query: str, default_graph_uris=(), named_graph_uris=()):  # noqa: ANN001
        kwargs: dict = {}
        if default_graph_uris:
            kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graph_uris:
            kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
        try:
            return self._store.query(query, **kwargs)
        except SyntaxError as exc:
            raise _syntax_error(exc) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def select(self, query: str) -> list[dict[str, Node]]:
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_rdflib(row[n]) for n in names if row[n] is not None} for row in result]

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str) -> rdflib.Graph:
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")

    def query_serialized(self, query, accept, *, default_graph_uris=(), named_graph_uris=()):  # noqa: ANN001
        result = self._query(query, default_graph_uris, named_graph_uris)
        if isinstance(result, ox.QueryTriples):
            fmt = ox.RdfFormat.from_media_type(accept) or ox.RdfFormat.TURTLE
            return result.serialize(format=fmt) or b"", fmt.media_type
        fmt = ox.QueryResultsFormat.from_media_type(accept) or ox.QueryResultsFormat.JSON
        return result.serialize(format=fmt) or b"", fmt.media_type

    def replace_graph(self, graph_iri: str, graph: rdflib.Graph) -> None:
        name = ox.NamedNode(graph_iri)
        data = graph.serialize(format="nt", encoding="utf-8")
        if self._store.contains_named_graph(name):
            self._store.remove_graph(name)
        self._store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=name)

    def merge_graph(self, graph_iri: str, graph: rdflib.Graph) -> None:
        data = graph.serialize(format="nt", encoding="utf-8")
        self._store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri))

    def delete_graph(self, graph_iri: str) -> None:
        name = ox.NamedNode(graph_iri)
        if self._store.contains_named_graph(name):
            self._store.remove_graph(name)

    def update(self, update: str) -> None:
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise _syntax_error(exc) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def load_file(self, path: str) -> None:
        fmt_name = self._file_format(path)
        try:
            self._store.load(path=path, format=RDF_FORMATS[fmt_name][0])
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot load {path}: {exc}") from exc

    def graph_iris(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, fmt: str) -> bytes:
        ox_format = RDF_FORMATS[fmt][0]
        if ox_format.supports_datasets:
            return self._store.dump(format=ox_format) or b""
        # Triple formats get the union of the named graphs.
        triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        return triples.serialize(format=ox_format) or b""

    def triple_count(self) -> int:
        return len(self._store)

    def clear(self) -> None:
        self._store.clear()

    def close(self) -> None:
        if not self.url.endswith("?ro"):  # a read-only instance refuses to flush (RuntimeError)
            self._store.flush()


# -- remote SPARQL endpoint ---------------------------------------------------------------------------------


class RemoteStore(_Loading):
    """A SPARQL 1.1 endpoint. Queries by the SPARQL 1.1 Protocol (POST form); writes through the Graph Store Protocol of an
    Oxigraph server (`…/store?graph=`) and SPARQL Update (`…/update`), derived from the query URL."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout
        root = url.rsplit("/", 1)[0] if url.rstrip("/").endswith(("/query", "/sparql")) else url.rstrip("/")
        self.update_url = root + "/update"
        self.store_url = root + "/store"

    def _http(self, url: str, method: str = "GET", data: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[bytes, str]:
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            if exc.code == 400:
                raise _syntax_error(SyntaxError(body)) from exc
            raise StoreError(f"{url}: HTTP {exc.code}: {body[:300]}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {exc}") from exc

    def query_serialized(self, query, accept, *, default_graph_uris=(), named_graph_uris=()):  # noqa: ANN001
        params = [("query", query)]
        params += [("default-graph-uri", u) for u in default_graph_uris]
        params += [("named-graph-uri", u) for u in named_graph_uris]
        body = urllib.parse.urlencode(params).encode("utf-8")
        return self._http(self.url, "POST", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    def _results(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
        data, _ = self.query_serialized(query, "application/sparql-results+json")
        return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)

    def select(self, query: str) -> list[dict[str, Node]]:
        result = self._results(query)
        names = [v.value for v in result.variables]
        return [{n: to_rdflib(row[n]) for n in names if row[n] is not None} for row in result]

    def ask(self, query: str) -> bool:
        return bool(self._results(query))

    def construct(self, query: str) -> rdflib.Graph:
        data, _ = self.query_serialized(query, "application/n-triples")
        return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")

    def replace_graph(self, graph_iri: str, graph: rdflib.Graph) -> None:
        data = graph.serialize(format="nt", encoding="utf-8")
        target = self.store_url + "?" + urllib.parse.urlencode({"graph": graph_iri})
        self._http(target, "PUT", data, {"Content-Type": "application/n-triples"})

    def merge_graph(self, graph_iri: str, graph: rdflib.Graph) -> None:
        data = graph.serialize(format="nt", encoding="utf-8")
        target = self.store_url + "?" + urllib.parse.urlencode({"graph": graph_iri})
        self._http(target, "POST", data, {"Content-Type": "application/n-triples"})  # GSP POST merges

    def delete_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph_iri)}")

    def update(self, update: str) -> None:
        self._http(self.update_url, "POST", update.encode("utf-8"), {"Content-Type": "application/sparql-update"})

    def load_file(self, path: str) -> None:
        fmt_name = self._file_format(path)
        self._http(self.store_url, "POST", Path(path).read_bytes(), {"Content-Type": RDF_FORMATS[fmt_name][1]})

    def graph_iris(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(r["g"]) for r in rows)

    def dump(self, fmt: str) -> bytes:
        media = RDF_FORMATS[fmt][1]
        if RDF_FORMATS[fmt][0].supports_datasets:
            data, _ = self._http(self.store_url, "GET", None, {"Accept": media})
            return data
        data, _ = self.query_serialized("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", media)
        return data

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"]) if rows else 0

    def clear(self) -> None:
        self._http(self.update_url, "POST", b"CLEAR ALL", {"Content-Type": "application/sparql-update"})

    def close(self) -> None:
        pass
