"""`noticekg notices`, `query`, `export`: reading the graph back."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import InputError, QueryError
from ..export import FORMATS, export, figures_csv
from ..sparql import QueryRequest, check_read_only, choose_format, execute
from ..store import Store
from ..vocab import PREFIXES
from . import main, reads_graph, text_table

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
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Default: stdout; with --release, the directory for the archive (default: .).")
@click.option("--release", "as_release", is_flag=True,
              help="Write the latest release as a dated, checksummed archive (N-Quads, figures CSV, description).")
@click.pass_obj
def export_command(obj: dict, store: Store, fmt: str | None, output: Path | None, as_release: bool) -> None:
    """Write the whole graph (named graphs kept in trig, nq and jsonld) or the figures table (csv); with
    --release, the latest release as noticekg-{id}.tar.gz."""
    if as_release:
        from ..release import write_archive

        click.echo(write_archive(store, obj["base"], output or Path(".")))
        return
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


@main.command(name="diff")
@click.argument("a")
@click.argument("b")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reads_graph
def diff_command(store: Store, a: str, b: str, fmt: str) -> None:
    """Compare two releases (archives from `export --release`, or ids the store records): notices and
    figures added, changed, removed, and (between archives) the governing answers. Exit 1 when they differ."""
    from ..release import diff, load_release

    result = diff(load_release(a, store), load_release(b, store))
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if fmt == "json" else result.to_text())
    if any(result.notices.values()) or any(result.figures.values()) or any(result.answers.values()):
        click.get_current_context().exit(1)
