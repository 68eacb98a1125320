"""Notice files → `ParseResult`s for a build: the size limit, the SHA-256 skip, parsing in worker processes.

    source_files(paths) -> [(path, name)]            a directory gives its *.txt, named relative to it
    outcomes(jobs, workers) -> Iterator[Outcome]      one per `Job`, in order; in processes when worth it
    read_source(path, name, data) -> ParseResult      the one place a file's bytes become text

Every file that yields nothing says why, as an error `Problem` with file, line and text: over the size limit
(refused before it is read), unreadable, empty, undecodable (the line and the bytes around the fault), or no
notice found.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError, NoticeParseError
from .records import ParseResult, Problem


def source_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(path, name) of every notice file: a directory gives the files `graph.ingest` reads (.txt, .html, .pdf,
    .docx, and .doc/.wps to say they need converting), named relative to it."""
    from .ingest import is_notice_file

    files = []
    for path in paths:
        if path.is_dir():
            files += [(p, p.relative_to(path).as_posix()) for p in sorted(path.rglob("*")) if is_notice_file(p)]
        elif path.is_file():
            files.append((path, path.name))
        else:
            raise InputError(f"{path}: no such file or directory")
    if not files:
        raise InputError(f"no notice files (.txt, .html, .pdf, .docx) in {', '.join(map(str, paths))}")
    return files


def read_source(path: Path, name: str, data: bytes, source_url: str | None = None) -> ParseResult:
    """The file as a `ParseResult`: the one place the build turns a file into text (`graph.ingest`: any
    encoding, HTML, PDF, DOCX; an undecodable byte is reported with its line and the bytes around it)."""
    from .ingest import read_path
    from .parse import parse_read

    result = parse_read(read_path(path, name, source_url), name)
    # The file's digest: it is what an unchanged file is recognised by.
    return replace(result, source=replace(result.source, sha256=hashlib.sha256(data).hexdigest()))


@dataclass(frozen=True)
class Job:
    path: str
    name: str
    max_size: int
    known_sha256: str | None  # what the store's manifest holds for this name
    source_url: str | None = None  # where the file was published (--source-url, for a build of one file)


@dataclass(frozen=True)
class Outcome:
    name: str
    sha256: str | None = None
    result: ParseResult | None = None
    problems: tuple[Problem, ...] = ()
    unchanged: bool = False


def _read_one(job: Job) -> Outcome:
    path = Path(job.path)
    try:
        size = path.stat().st_size
        if size > job.max_size:
            return Outcome(job.name, problems=(Problem(
                "error", job.name, 0, "", f"file of {size / 1e6:.1f} MB is over the limit of "
                f"{job.max_size / 1e6:.1f} MB (--max-file-size): not read"),))
        data = path.read_bytes()
    except OSError as e:
        return Outcome(job.name, problems=(Problem("error", job.name, 0, "", f"cannot read the file: {e}"),))
    sha = hashlib.sha256(data).hexdigest()
    if sha == job.known_sha256:
        return Outcome(job.name, sha, unchanged=True)
    if not data.strip():
        return Outcome(job.name, sha, problems=(Problem("error", job.name, 1, "", "empty file: no notice"),))
    try:
        result = read_source(path, job.name, data, job.source_url)
    except NoticeParseError as e:
        return Outcome(job.name, sha, problems=(Problem("error", e.file, e.line, e.text, e.message),))
    except InputError as e:
        return Outcome(job.name, sha, problems=(Problem("error", job.name, 0, "", str(e)),))
    problems = result.problems
    if not result.notices and not any(p.severity == "error" for p in problems):
        first = next((ln for ln in result.source.text.splitlines() if ln.strip()), "")
        problems += (Problem("error", job.name, 1, first[:80], "no notice found in this file"),)
    return Outcome(job.name, sha, result, problems)


def outcomes(jobs: list[Job], workers: int) -> Iterator[Outcome]:
    """Outcomes in the order of `jobs`; in processes when there are enough files to pay for them."""
    if workers <= 1 or len(jobs) < 8:
        yield from map(_read_one, jobs)
        return
    # fork only from a single-threaded process (a server's or a test runner's threads hold locks).
    method = "fork" if threading.active_count() == 1 else "forkserver"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        yield from pool.map(_read_one, jobs, chunksize=4)
