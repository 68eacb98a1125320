"""A write of the service (a notice posted, replaced or withdrawn) made atomic and durable on every kind of
embedded store, with the search index beside the store kept in step.

    post(store, result, base=None, replaces=None, wait=WAIT) -> Written      add or replace a file's notices
    remove(store, notice_iri, base=None, wait=WAIT) -> Written                withdraw a notice

On an on-disk store built in generations (`graph.generations`) a write is a small build: it takes the build
lock, checkpoints the current generation into a new one (hard links), publishes there (`graph.publish`:
graphs, figures, findings, stubs in one transaction), flushes, and commits by renaming `GENERATION`. So

- a build that started before the write holds the lock: the write waits `wait` seconds and then fails with
  `StoreBusy` (503, Retry-After) rather than writing into a generation the build is about to replace;
- a build that starts after it checkpoints what the write committed; a build waiting for a write's lock
  waits (`generations.WRITE_GRACE`) instead of failing;
- readers see the old generation or the new one, never half a write; the server's threads and its query
  workers follow the new generation at their next request (`graph.store.follow`), with no restart;
- once `post` returns, the write is on disk (flushed, the marker fsynced); a kill before the rename leaves
  the old generation current and the journal saying the write did not finish.

An in-memory store (`memory:`) or an on-disk one without generations is written in place, in the one
transaction `graph.publish` makes. The full-text index (`graph.search`, `<store dir>/search.sqlite`) is
brought in step for the notices written, those they cite and those they leave, after the commit: the store
is the truth, and a kill between the two leaves the index behind for those notices only, until their next
write or build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import generations
from .errors import InputError, NotFound
from .publish import Published, publish, withdraw
from .records import ParseResult
from .release import record_release
from .search import index_store
from .store import OxigraphStore, Store
from .to_rdf import base_of
from .vocab import NKG

__all__ = ["WAIT", "Written", "post", "remove"]

WAIT = 5.0  # seconds a write waits for a build (or another write) to release the store


@dataclass(frozen=True)
class Written:
    notices: tuple[str, ...]  # the notices posted or replaced, or withdrawn
    published: Published | None  # what `publish` said (None for a withdrawal)
    generation: str | None  # the store's current generation after the write (None: not generational)
    indexed: tuple[str, ...]  # the notices whose search entries were brought in step

    @property
    def changed(self) -> bool:
        return self.published is None or self.published.changed


def post(store: Store, result: ParseResult, base: str | None = None, replaces: str | None = None,
         wait: float = WAIT) -> Written:
    """Publish a parsed file's notices (replacing `replaces`): see the module docstring."""
    with _writing(store, wait) as (target, finish):
        published = publish(target, result, base, replaces=replaces)
        touched = [*published.notices, *published.dropped]
        touched += _cited(target, published.notices) if published.changed else []
        if published.changed:  # the feed and /.well-known/void list writes as they list builds
            record_release(target, base_of(base), previous=None if target is store else store)
        generation = finish(published.changed, {"posted": list(published.notices), "replaces": replaces,
                                                "dropped": list(published.dropped)})
        indexed = _reindex(target, store.url, touched) if published.changed else ()
    return Written(published.notices, published, generation, indexed)


def remove(store: Store, notice_iri: str, base: str | None = None, wait: float = WAIT) -> Written:
    """Withdraw a notice with what it carries; a notice others still cite stays as a stub."""
    with _writing(store, wait) as (target, finish):
        cited = _cited(target, [notice_iri])
        gone = withdraw(target, notice_iri, base)
        record_release(target, base_of(base), previous=None if target is store else store)
        generation = finish(True, {"withdrawn": list(gone)})
        indexed = _reindex(target, store.url, [*gone, *cited])
    return Written(gone, None, generation, indexed)


# -- where the write goes ------------------------------------------------------------------------------------


def root_of(store: Store) -> Path | None:
    """The directory of generations an embedded on-disk store was opened from, None for any other store."""
    if isinstance(store, OxigraphStore) and store.generation is not None and store.url.startswith("oxigraph:"):
        return Path(store.url[len("oxigraph:"):].partition("?")[0])
    return None


Finish = Callable[[bool, dict[str, Any]], "str | None"]


@contextmanager
def _writing(store: Store, wait: float) -> Iterator[tuple[Store, Finish]]:
    """(the store to write, `finish(changed, note)`): a new generation committed by `finish`, or, for a store
    without generations, the store itself. A write refused (a conflict, nothing to withdraw, no notice in the
    upload) drops its generation and leaves a journal that says so; any other failure is journalled as one."""
    root = root_of(store)
    if root is None:
        yield store, lambda changed, note: None
        return
    staging = generations.stage(root, kind="write", wait=wait)
    done = False

    def finish(changed: bool, note: dict[str, Any]) -> str | None:
        nonlocal done
        done = True
        if not changed:
            staging.discard("the write changed nothing")
            return staging.previous
        known = staging.previous_manifest
        # The files the last build read stay the manifest's: the next build still skips the unchanged ones.
        staging.commit(known.get("files", {}), known.get("counts", {}), compact=False, write=note)
        return staging.name

    try:
        staging.checkpoint("writing")
        yield OxigraphStore(staging.store, f"oxigraph:{staging.path}", staging.name), finish
    except (InputError, NotFound) as exc:
        if not done:
            staging.discard(f"the write was refused: {exc}")
        raise
    except BaseException as exc:
        if not done:
            staging.abort(f"{type(exc).__name__}: {exc}")
        raise


def _cited(store: Store, notices: Iterable[str]) -> list[str]:
    """The notices these notices cite (their index entries say whether they are in the corpus)."""
    try:
        values = " ".join(f"{ox.NamedNode(n)}" for n in notices)  # checked by the engine's parser
    except ValueError:
        return []  # not an IRI: nothing cites from it (withdraw says NotFound)
    if not values:
        return []
    rows = store.select(f"""SELECT DISTINCT ?m WHERE {{ VALUES ?n {{ {values} }}
        ?c {ox.NamedNode(NKG.citingNotice)} ?n ; {ox.NamedNode(NKG.citedNotice)} ?m }}""")
    return [str(r["m"]) for r in rows]


def _reindex(target: Store, store_url: str, notices: list[str]) -> tuple[str, ...]:
    """Bring the index beside the store in step for these notices (read from the store as written)."""
    wanted = tuple(dict.fromkeys(notices))
    index_store(target, store_url, wanted)
    return wanted
