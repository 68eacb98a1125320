"""`noticekg figures` and `governs`: figures with their provenance, and which notice governs one."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from ..errors import InputError, NotFound
from ..store import Store
from . import DEFAULT_CORPUS, DEFAULT_STORE, main, opened_graph, reads_graph, text_table

# -- figures and governs ------------------------------------------------------------------------------------------

_FIGURE_COLUMNS = ["docno", "section", "kind", "value", "unit", "qualifier", "year", "region", "region_name",
                   "scope", "quote", "iri"]


@main.command()
@click.argument("docno", required=False)
@click.option("--kind", help="Figure kind: a slug of the kind scheme (individual-contribution) or its label.")
@click.option("--region", help="Region: a name (南宁市, 南宁, 广西) or a GB/T 2260 code (450100).")
@click.option("--year", type=int, help="The figure's year (fiscal or insurance year).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--eval", "golden", type=click.Path(exists=True, path_type=Path), multiple=True,
              help="Score the extractor against this golden figure file or directory; repeat it, each with its own "
                   "--corpus, to score several sets (the corpus and the development set).")
@click.option("--corpus", "corpus_dirs", type=click.Path(path_type=Path), multiple=True,
              help=f"With --eval: the notices to run the extractor on, one per --eval (default {DEFAULT_CORPUS}).")
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read this TriG / N-Quads / Turtle file instead of a store.")
@click.option("--store", "store_url", envvar="NOTICEKG_STORE", default=DEFAULT_STORE, show_default=True,
              help="oxigraph:PATH, memory: or an http(s) SPARQL endpoint ($NOTICEKG_STORE).")
def figures(docno: str | None, kind: str | None, region: str | None, year: int | None, fmt: str,
            golden: tuple[Path, ...], corpus_dirs: tuple[Path, ...], graph_file: Path | None, store_url: str) -> None:
    """List the figures of a notice (DOCNO, any spelling) and/or of a kind, region and year; with --eval,
    print the extractor's precision and recall per notice, per kind and per set instead (no store needed)."""
    if golden:
        _evaluate(golden, corpus_dirs, fmt)
        return
    from ..lookup import figures as figure_list

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


def _evaluate(golden: tuple[Path, ...], corpus_dirs: tuple[Path, ...], fmt: str) -> None:
    from ..errors import InputError
    from ..evaluate import evaluate, evaluation_json, figures_by_notice, format_sets, load_golden
    from ..parse import parse_paths

    if len(corpus_dirs) > len(golden) or (len(golden) > 1 and len(corpus_dirs) != len(golden)):
        raise InputError("give one --corpus for each --eval (or none, with one --eval, for the bundled corpus)")
    sets = []
    for gold, corpus in zip(golden, corpus_dirs or (DEFAULT_CORPUS,), strict=True):
        sets.append((Path(corpus).name, evaluate(figures_by_notice(parse_paths([corpus])), load_golden(gold))))
    click.echo(json.dumps(evaluation_json(sets), ensure_ascii=False, indent=2) if fmt == "json"
               else format_sets(sets))


@main.command()
@click.option("--kind", required=True, help="Figure kind: a slug (individual-contribution) or its label.")
@click.option("--region", required=True, help="A name (南宁市, 南宁, 广西) or a GB/T 2260 code (450100).")
@click.option("--year", required=True, type=int, help="The year asked about (fiscal or insurance year).")
@click.option("--scope", help="A tier or group inside the region: 设区市, 贫困县, 第三档 …")
@click.option("--as-of", "as_of", help="The date asked about (YYYY-MM-DD; default today): only notices in force "
              "then compete.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reads_graph
def governs(store: Store, kind: str, region: str, year: int, scope: str | None, as_of: str | None,
            fmt: str) -> None:
    """Which notice governs a figure (KIND, REGION, YEAR[, SCOPE]) as of a date: the figure, its notice and
    section, the quote, the chain up to the national notice, what it supersedes and what later superseded it,
    and why each other candidate lost. Exit 5 when nothing does."""
    from ..resolve import governing_figure
    from ..validity import parse_day

    try:
        day = parse_day(as_of)
    except ValueError as exc:
        raise InputError(f"--as-of must be a date such as 2021-03-01, not {as_of!r}") from exc
    resolution = governing_figure(store, kind, region, year, scope, as_of=day)
    click.echo(json.dumps(resolution.to_json(), ensure_ascii=False, indent=2) if fmt == "json"
               else resolution.to_text())
    if not resolution.governed:
        click.get_current_context().exit(NotFound.exit_code)


@main.command()
@click.argument("docno", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@reads_graph
def review(store: Store, docno: str | None, fmt: str) -> None:
    """List the figures to review, of one notice (DOCNO, any spelling) or of all: those whose kind was decided
    by a cue outside their own statement, by the context or by a fallback, with the cue and the quote."""
    from ..review import flagged

    rows = flagged(store, docno)
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no figure to review")
        return
    table = [[r.docno or "", r.section or "", r.kind, f"{r.value} {r.unit or ''}".strip(), str(r.year or ""),
              r.basis, r.cue or "", " ".join((r.quote or "").split())] for r in rows]
    click.echo(text_table(["文号", "条款", "kind", "value", "year", "basis", "cue", "quote"], table))
