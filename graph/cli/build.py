"""`noticekg build`: read notices, turn them into RDF, validate what was read, load the store."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click
import rdflib
from rdflib import RDF, SH

from ..errors import InputError, NoticeParseError
from ..export import write_dataset
from ..records import ParseResult, Problem
from ..search import index_store
from ..store import Store, open_store
from ..to_rdf import duplicate_notices, report_graph, to_dataset, validation_graph_iri
from ..validate import validate
from ..vocab import NKG
from . import DEFAULT_CORPUS, DEFAULT_STORE, main

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


def validation_findings(dataset: rdflib.Dataset, store: Store, base: str) -> int:
    """Validate the notices just loaded (their own graphs, and every cross-notice rule they take part in,
    against the whole store), and store the report as `B graph/validation`, keeping earlier results that
    concern none of them. Returns how many findings the stored report holds."""
    built = [str(g.identifier) for g in dataset.graphs() if str(g.identifier).endswith("/graph")]
    result = validate(store, notices=built)
    target = validation_graph_iri(base)
    previous = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}")
    report = report_graph(result.report, base, previous,
                          [g.removesuffix("/graph") for g in built])
    store.replace_graph(target, report)
    return sum(1 for _ in report.subjects(RDF.type, SH.ValidationResult))


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
    from ..parse import parse_file

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
        findings = validation_findings(dataset, store, obj["base"])
        # The full-text index beside the store: the notices just loaded and the cited notices they name.
        index_store(store, store_url, None if replace else
                    {str(n) for g in dataset.graphs() for n in g.subjects(RDF.type, NKG.Notice)})
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
