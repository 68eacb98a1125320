"""`noticekg`, the command line: parse arguments, call `graph`, print, set the exit code. Nothing else.

    noticekg [--base IRI] build [PATH...] [--store URL] [-o FILE.trig] [--replace]
    noticekg notices [--store URL | --graph FILE] [--format table|json]
    noticekg query 'SPARQL' [--store URL | --graph FILE] [--format table|json|csv]
    noticekg export [--format trig|nq|jsonld|ttl|nt|rdfxml|csv] [-o FILE] [--store URL | --graph FILE]
    noticekg figures [DOCNO] [--kind K] [--region R] [--year Y] [--format table|csv|json] [--eval GOLDEN]
    noticekg governs --kind K --region R --year Y [--scope S] [--format text|json]
    noticekg serve [--store URL | --graph FILE] [--host 127.0.0.1] [--port 5000] [--timeout S] [--dev]

Every command that reads the graph takes `--store URL` (default `$NOTICEKG_STORE` or `oxigraph:var/store`,
the store `make run` builds) or `--graph FILE` (a TriG / N-Quads / Turtle file loaded into memory); new
commands get both from `@reads_graph`.

Exit codes (`graph.errors` gives each error its code):

    0  ok
    1  validation findings: the data loaded, the report names what is wrong
    2  input error: a missing or unreadable file, a bad argument
    3  store error: the store cannot be opened or cannot answer
    4  query error: malformed SPARQL (with its position), an update, a time-out
    5  not found: nothing in the graph answers

Errors go to stderr as `noticekg: error: …`.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import click
import rdflib

from . import __version__
from .errors import InputError, NotFound, NoticeKGError, NoticeParseError, QueryError, StoreError
from .export import FORMATS, export, figures_csv, write_dataset
from .records import ParseResult, Problem
from .sparql import QueryRequest, check_read_only, choose_format, execute
from .store import Store, open_store
from .to_rdf import DEFAULT_BASE, duplicate_notices, to_dataset
from .vocab import PREFIXES

DEFAULT_STORE = "oxigraph:var/store"
DEFAULT_CORPUS = "corpus"


class _Main(click.Group):
    """Turns every `NoticeKGError` into `noticekg: error: …` on stderr and its exit code. Also runs the commands
    other packages register under the `noticekg.commands` entry point (the server's `serve`): `graph` never
    imports the web layer, the package metadata wires it in, and it is loaded only when asked for."""

    def _plugins(self) -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group="noticekg.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in (plugins := self._plugins()):
            command = plugins[name].load()
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NoticeKGError as exc:
            click.echo(f"noticekg: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Main)
@click.option("--base", envvar="NOTICEKG_BASE", default=DEFAULT_BASE, show_default=True,
              help="Base of the IRIs minted for notices, sections, figures … ($NOTICEKG_BASE).")
@click.version_option(__version__, prog_name="noticekg")
@click.pass_context
def main(ctx: click.Context, base: str) -> None:
    """Provenance knowledge graph of resident medical-insurance notices (城乡居民医保通知)."""
    ctx.obj = {"base": base}


# -- opening the graph: shared by every command that reads it ------------------------------------------------


def _store_path(url: str) -> Path | None:
    return Path(url[len("oxigraph:"):].partition("?")[0]) if url.startswith("oxigraph:") else None


@contextmanager
def opened_graph(store_url: str, graph_file: Path | None) -> Iterator[Store]:
    """The store to read: `graph_file` loaded into memory when given, else the store at `store_url`
    (an embedded one opened read-only, so a running server does not block it)."""
    if graph_file is not None:
        if not graph_file.is_file():
            raise InputError(f"{graph_file}: no such file")
        store = open_store("memory:")
        try:
            store.load_file(str(graph_file))
        except StoreError as exc:
            raise InputError(str(exc)) from exc
    else:
        path = _store_path(store_url)
        if path is not None and not path.is_dir():
            raise StoreError(f"no store at {path}: build one with `noticekg build --store {store_url}`")
        store = open_store(store_url if path is None or "?" in store_url else store_url + "?ro")
    try:
        yield store
    finally:
        store.close()


def reads_graph(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command `--store URL` / `--graph FILE`; it receives the open store as `store`."""

    @click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path),
                  help="Read this TriG / N-Quads / Turtle file instead of a store.")
    @click.option("--store", "store_url", envvar="NOTICEKG_STORE", default=DEFAULT_STORE, show_default=True,
                  help="oxigraph:PATH, memory: or an http(s) SPARQL endpoint ($NOTICEKG_STORE).")
    @functools.wraps(command)
    def wrapper(*args: Any, store_url: str, graph_file: Path | None, **kwargs: Any) -> Any:
        with opened_graph(store_url, graph_file) as store:
            return command(*args, store=store, **kwargs)

    return wrapper


# -- build ------------------------------------------------------------------------------------------------------


def source_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(path, name) of every notice file: a directory gives its `*.txt`, named relative to it."""
    files = []
    for path in paths:
        if path.is_dir():
            files += [(p, p.relative_to(path).as_posix()) for p in sorted(path.rglob("*.txt"))]
        elif path.is_file():
            files.append((path, path.name))
        else:
            raise InputError(f"{path}: no such file or directory")
    if not files:
        raise InputError(f"no .txt notices in {', '.join(map(str, paths))}")
    return files


def validation_findings(dataset: rdflib.Dataset, store: Store) -> int:
    """How many validation findings the freshly built graph has (build exits 1 when there are any).

    This is where `graph.validate.validate` plugs in: validate each notice's graph as it is ingested,
    the cross-notice rules on the store, and write the report to `B graph/validation`. Until then: none."""
    return 0


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", envvar="NOTICEKG_STORE", default=DEFAULT_STORE, show_default=True,
              help="Where to load the graph: oxigraph:PATH, memory: or an Oxigraph server URL.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the built graph to this .trig or .nq file.")
@click.option("--replace", is_flag=True, help="Empty the store first (else each notice's graph is replaced).")
@click.pass_obj
def build(obj: dict, paths: tuple[Path, ...], store_url: str, output: Path | None, replace: bool) -> None:
    """Read notices (default: corpus/), turn them into RDF and load the store."""
    from .parse import parse_file

    files = source_files(paths or (Path(DEFAULT_CORPUS),))
    located = {name: path for path, name in files}
    results: list[ParseResult] = []
    problems: list[Problem] = []
    # The bar is drawn on a terminal only: in a pipe or a log it would be one stray word.
    with click.progressbar(files, label="parsing", file=sys.stderr, hidden=not sys.stderr.isatty(),
                           item_show_func=lambda f: f[1] if f else None) as bar:
        for path, name in bar:
            try:
                result = parse_file(path, name)
            except NoticeParseError as exc:
                problems.append(Problem("error", exc.file, exc.line, exc.text, exc.message))
                continue
            except InputError as exc:  # one unreadable file must not stop the others
                problems.append(Problem("error", name, 0, "", str(exc)))
                continue
            results.append(result)
            problems += result.problems
    dataset = to_dataset(results, obj["base"])
    for iri, name in duplicate_notices(results, obj["base"]):
        problems.append(Problem("warning", name, 0, iri, "a notice with this 文号 was already read; kept the first"))
    store = open_store(store_url)
    try:
        if replace:
            store.clear()
        store.load_dataset(dataset)
        findings = validation_findings(dataset, store)
        stored = store.triple_count()
    finally:
        store.close()
    if output is not None:
        write_dataset(dataset, output)
    notices = [n for r in results for n in r.notices]
    counts = {
        "files": len(files), "notices": len(notices),
        "citations": sum(len(n.citations) for n in notices), "figures": sum(len(n.figures) for n in notices),
        "triples": sum(len(g) for g in dataset.graphs()), "store": stored,
        "warnings": sum(p.severity == "warning" for p in problems),
        "errors": sum(p.severity == "error" for p in problems), "findings": findings,
    }
    for key, value in counts.items():
        click.echo(f"{key:<10} {value}")
    for p in problems:
        click.echo(f"{located.get(p.file, p.file)}:{p.line}: {p.severity}: {p.message}: {p.text!r}", err=True)
    if findings:
        click.get_current_context().exit(1)


# -- notices ------------------------------------------------------------------------------------------------------

_NOTICES = """
PREFIX nkg: <https://noticekg.org/def/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?notice ?docno ?title ?signed ?printed WHERE {
  ?notice a nkg:Notice ; nkg:inCorpus true .
  OPTIONAL { ?notice nkg:docNo ?docno } OPTIONAL { ?notice dcterms:title ?title }
  OPTIONAL { ?notice nkg:dateSigned ?signed } OPTIONAL { ?notice nkg:datePrinted ?printed }
}"""
_ISSUERS = """
PREFIX nkg: <https://noticekg.org/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?notice ?name WHERE { ?notice nkg:inCorpus true ; nkg:issuedBy ?agency . ?agency rdfs:label ?name }"""
_RELATIONS = """
PREFIX nkg: <https://noticekg.org/def/>
SELECT DISTINCT ?notice ?relation ?other ?docno WHERE {
  VALUES ?relation { nkg:forwards nkg:implements nkg:applies nkg:hasAttachment nkg:attachmentOf nkg:cites }
  ?notice nkg:inCorpus true ; ?relation ?other .
  OPTIONAL { ?other nkg:docNo ?docno }
}"""


def notice_list(store: Store) -> list[dict[str, Any]]:
    """The corpus notices: 文号, title, issuers, dates and relations (by relation name, 文号 of the other)."""
    notices: dict[str, dict[str, Any]] = {}
    for r in store.select(_NOTICES):
        entry = notices.setdefault(str(r["notice"]), {
            "iri": str(r["notice"]), "docno": str(r.get("docno", "")), "title": str(r.get("title", "")),
            "issuers": [], "signed": str(r.get("signed", "")), "printed": str(r.get("printed", "")),
            "relations": {}})
        entry["title"] = entry["title"] or str(r.get("title", ""))
    for r in store.select(_ISSUERS):
        if str(r["notice"]) in notices:
            notices[str(r["notice"])]["issuers"].append(str(r["name"]))
    for r in store.select(_RELATIONS):
        if str(r["notice"]) in notices:
            name = str(r["relation"]).rsplit("/", 1)[-1]
            notices[str(r["notice"])]["relations"].setdefault(name, []).append(str(r.get("docno", r["other"])))
    for entry in notices.values():
        entry["issuers"] = sorted(set(entry["issuers"]))
        entry["relations"] = {k: sorted(set(v)) for k, v in sorted(entry["relations"].items())}
    return sorted(notices.values(), key=lambda e: (e["docno"], e["iri"]))


@main.command()
@reads_graph
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def notices(store: Store, fmt: str) -> None:
    """List the corpus notices: 文号, title, issuers, dates, relations."""
    rows = notice_list(store)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = [[e["docno"], e["title"], "、".join(e["issuers"]), e["signed"], e["printed"],
              "; ".join(f"{k} {', '.join(v)}" for k, v in e["relations"].items())] for e in rows]
    click.echo(text_table(["文号", "标题", "发文机关", "成文日期", "印发日期", "关系"], table))


# -- query --------------------------------------------------------------------------------------------------------


def _read_query(query: str) -> str:
    """The query text: as given, `-` for stdin, `@FILE` for a file."""
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        try:
            return Path(query[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the query file {query[1:]}: {exc}") from exc
    return query


def _short(term: dict[str, str]) -> str:
    """A SPARQL JSON result term as a table cell: prefixed IRI when a prefix fits, literal value."""
    value = term["value"]
    if term["type"] == "uri":
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):  # kind: before nkg:
            local = value[len(namespace):]
            if value.startswith(namespace) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return f"<{value}>"
    return value


@main.command()
@click.argument("query")
@reads_graph
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def query(store: Store, query: str, fmt: str) -> None:
    """Run a read-only SPARQL QUERY ('-' reads stdin, '@FILE' a file). CONSTRUCT and DESCRIBE print
    Turtle (table) or JSON-LD (json)."""
    text = _read_query(query)
    form = check_read_only(text)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    if graph_form and fmt == "csv":
        raise QueryError(f"a {form} query gives a graph: use --format table (Turtle) or json (JSON-LD)")
    if fmt == "table" and not graph_form:
        body, _ = execute(store, QueryRequest(text, choose_format(form, name="json")))  # type: ignore[arg-type]
        results = json.loads(body)
        if "boolean" in results:
            click.echo("true" if results["boolean"] else "false")
            return
        names = results["head"]["vars"]
        rows = [[_short(b[n]) if n in b else "" for n in names] for b in results["results"]["bindings"]]
        click.echo(text_table(names, rows))
        return
    name = {"table": "ttl", "json": "jsonld"}[fmt] if graph_form else fmt
    body, _ = execute(store, QueryRequest(text, choose_format(form, name=name)))  # type: ignore[arg-type]
    click.echo(body.decode("utf-8"), nl=not body.endswith(b"\n"))


# -- export -------------------------------------------------------------------------------------------------------


@main.command(name="export")
@reads_graph
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "csv"]), default=None,
              help="Default: from the -o extension, else trig. csv = one row per figure.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
def export_command(store: Store, fmt: str | None, output: Path | None) -> None:
    """Write the whole graph (named graphs kept in trig, nq and jsonld) or the figures table (csv)."""
    if fmt is None:
        by_extension = {f.extension: f.name for f in FORMATS.values()} | {".csv": "csv"}
        fmt = by_extension.get(output.suffix.lower(), "trig") if output else "trig"
    data = figures_csv(store).encode("utf-8") if fmt == "csv" else export(store, fmt)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc}") from exc


# -- figures and governs ------------------------------------------------------------------------------------------

_FIGURE_COLUMNS = ["docno", "section", "kind", "value", "unit", "qualifier", "year", "region", "region_name",
                   "scope", "quote", "iri"]


@main.command()
@click.argument("docno", required=False)
@click.option("--kind", help="Figure kind: a slug of the kind scheme (individual-contribution) or its label.")
@click.option("--region", help="Region: a name (南宁市, 南宁, 广西) or a GB/T 2260 code (450100).")
@click.option("--year", type=int, help="The figure's year (fiscal or insurance year).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--eval", "golden", type=click.Path(exists=True, path_type=Path),
              help="Score the extractor on the corpus against this golden figure file or directory.")
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=DEFAULT_CORPUS, show_default=True,
              help="With --eval: the notices to run the extractor on.")
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read this TriG / N-Quads / Turtle file instead of a store.")
@click.option("--store", "store_url", envvar="NOTICEKG_STORE", default=DEFAULT_STORE, show_default=True,
              help="oxigraph:PATH, memory: or an http(s) SPARQL endpoint ($NOTICEKG_STORE).")
def figures(docno: str | None, kind: str | None, region: str | None, year: int | None, fmt: str,
            golden: Path | None, corpus_dir: Path, graph_file: Path | None, store_url: str) -> None:
    """List the figures of a notice (DOCNO, any spelling) and/or of a kind, region and year; with --eval,
    print the extractor's precision and recall per notice and per kind instead (no store needed)."""
    if golden is not None:
        from .evaluate import evaluate, figures_by_notice, format_evaluation, load_golden
        from .parse import parse_paths

        expected = load_golden(golden)
        click.echo(format_evaluation(evaluate(figures_by_notice(parse_paths([corpus_dir])), expected)))
        return
    from .lookup import figures as figure_list

    with opened_graph(store_url, graph_file) as store:
        rows = figure_list(store, docno=docno, kind=kind, region=region, year=year)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    flat = [{**r, "section": (r["section"] or {}).get("label") or (r["section"] or {}).get("path") or "",
             "scope": r["scope"] or ""} for r in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=_FIGURE_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        click.echo(out.getvalue(), nl=False)
        return
    table = [[r["docno"] or "", r["section"], r["kind"], f"{r['value']} {r['unit'] or ''}".strip(),
              str(r["year"] or ""), r["region_name"] or r["region"] or "", r["scope"],
              " ".join((r["quote"] or "").split())] for r in flat]
    click.echo(text_table(["文号", "条款", "kind", "value", "year", "region", "scope", "quote"], table))


@main.command()
@click.option("--kind", required=True, help="Figure kind: a slug (individual-contribution) or its label.")
@click.option("--region", required=True, help="A name (南宁市, 南宁, 广西) or a GB/T 2260 code (450100).")
@click.option("--year", required=True, type=int, help="The year asked about (fiscal or insurance year).")
@click.option("--scope", help="A tier or group inside the region: 设区市, 贫困县, 第三档 …")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reads_graph
def governs(store: Store, kind: str, region: str, year: int, scope: str | None, fmt: str) -> None:
    """Which notice governs a figure (KIND, REGION, YEAR[, SCOPE]): the figure, its notice and section, the
    quote, the chain up to the national notice, and why each other candidate lost. Exit 5 when nothing does."""
    from .resolve import governing_figure

    resolution = governing_figure(store, kind, region, year, scope)
    click.echo(json.dumps(resolution.to_json(), ensure_ascii=False, indent=2) if fmt == "json"
               else resolution.to_text())
    if not resolution.governed:
        click.get_current_context().exit(NotFound.exit_code)


# -- printing -----------------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns line up with Chinese (double-width) text too."""
    cells = [list(headers), *[[str(c).replace("\n", " ") for c in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
