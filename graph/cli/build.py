"""`noticekg build`: read notices, turn them into RDF, validate what was read, load the store (`graph.build`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build import MAX_FILE_SIZE, BuildOptions, RateMeter, build
from . import DEFAULT_CORPUS, DEFAULT_STORE, main


class _Progress:
    """A line redrawn on a terminal; elsewhere (a pipe, a log) a line per thousand notices parsed, and the last."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.meter = RateMeter()
        self.told = 0  # thousands of notices already told

    def __call__(self, stage: str, done: int, total: int, notices: int) -> None:
        line = f"{stage}: {done}/{total} files, {notices} notices ({self.meter.rate(notices):.1f} notices/s)"
        if self.tty:
            click.echo(f"\r{line}", err=True, nl=done == total)
        elif stage == "parsing" and (notices // 1000 > self.told or done == total):
            self.told = notices // 1000
            click.echo(f"noticekg: {line}", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_url", envvar="NOTICEKG_STORE", default=DEFAULT_STORE, show_default=True,
              help="Where to load the graph: oxigraph:PATH, memory: or an Oxigraph server URL.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write what this run built to this .trig or .nq file.")
@click.option("--replace", is_flag=True,
              help="Start from an empty store (else unchanged files are skipped and changed ones replaced).")
@click.option("--max-file-size", type=float, envvar="NOTICEKG_MAX_FILE_SIZE", default=MAX_FILE_SIZE / 1e6,
              show_default=True, help="Refuse files over this many MB before reading them.")
@click.option("--workers", type=int, envvar="NOTICEKG_BUILD_WORKERS", default=BuildOptions.workers,
              show_default=True, help="Processes that parse.")
@click.option("--part-files", type=int, envvar="NOTICEKG_BUILD_PART_FILES", default=BuildOptions.part_files,
              hidden=True, help="Files converted and loaded together (memory is bounded by one part).")
@click.option("--source-url", help="Where the file was published (one file; else NAME.meta.json or the page's own link).")
@click.pass_obj
def build_command(obj: dict, paths: tuple[Path, ...], store_url: str, output: Path | None, replace: bool,
                  max_file_size: float, workers: int, part_files: int, source_url: str | None) -> None:
    """Read notices (default: corpus/), turn them into RDF and load the store.

    On an on-disk store the build is atomic: readers see the old store until the new one, validated and
    with its report, replaces it. Exit 2 when a file or notice could not be read, 1 on validation findings."""
    options = BuildOptions(base=obj["base"], replace=replace, max_file_size=int(max_file_size * 1e6),
                           workers=max(1, workers), part_files=max(1, part_files), output=output,
                           source_url=source_url)
    summary = build(paths or (Path(DEFAULT_CORPUS),), store_url, options, _Progress())
    for key, value in summary.counts().items():
        click.echo(f"{key:<10} {value}")
    for label, names in (("new", summary.new), ("changed", summary.changed), ("unchanged", summary.unchanged)):
        for name in names if label != "unchanged" else ():
            click.echo(f"noticekg: {label}: {name}", err=True)
        if label == "unchanged" and names:
            click.echo(f"noticekg: unchanged, skipped: {', '.join(names)}", err=True)
    for p in summary.problems:
        click.echo(f"{p.file}:{p.line}: {p.severity}: {p.message}: {p.text!r}", err=True)
    click.echo("noticekg: seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.seconds.items()), err=True)
    if summary.generation:
        click.echo(f"noticekg: the store is now {summary.generation} "
                   f"({summary.stored_findings} findings in its report)", err=True)
    if summary.exit_code:
        click.get_current_context().exit(summary.exit_code)
