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

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import click

from .. import __version__, generations
from ..columns import pad, width
from ..errors import InputError, NoticeKGError, StoreError
from ..store import Store, open_store
from ..to_rdf import DEFAULT_BASE

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
        warn_unfinished(path)
    try:
        yield store
    finally:
        store.close()


def warn_unfinished(path: Path | None) -> None:
    """Say so on stderr when the store comes from a build that did not finish (or one still running)."""
    warning = generations.status(path).warning() if path is not None else None
    if warning:
        click.echo(f"noticekg: warning: {warning}", err=True)


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


# -- printing -----------------------------------------------------------------------------------------------------


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns line up with Chinese (double-width) text too."""
    cells = [list(headers), *[[str(c).replace("\n", " ") for c in row] for row in rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


# The commands register themselves on `main` when their modules load.
from . import build, figures, reads, validate  # noqa: E402, F401
from .reads import notice_list  # noqa: E402, F401
