"""`noticekg validate`: the SHACL structure shapes and the content rules over a graph, a file or a store."""

from __future__ import annotations

from pathlib import Path

import click

from ..validate import format_json, format_text, validate
from . import DEFAULT_STORE, main, opened_graph


@main.command(name="validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Validate this TriG / N-Quads / Turtle file (the same as FILE).")
@click.option("--store", "store_url", envvar="NOTICEKG_STORE", default=DEFAULT_STORE, show_default=True,
              help="oxigraph:PATH, memory: or an http(s) SPARQL endpoint ($NOTICEKG_STORE).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True)
def validate_command(file: Path | None, graph_file: Path | None, store_url: str, fmt: str) -> None:
    """Check the graph: exit 0 when it conforms, 1 when it has findings, 2 on an input error."""
    with opened_graph(store_url, file or graph_file) as store:
        result = validate(store)
    if fmt == "json":
        click.echo(format_json(result))
    elif fmt == "ttl":
        click.echo(result.report.serialize(format="turtle"))
    else:
        click.echo(format_text(result))
    if not result.conforms:
        click.get_current_context().exit(1)
