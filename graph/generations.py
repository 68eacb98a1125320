"""Store generations: an on-disk store that a build replaces whole, so a reader never sees half a build.

    ROOT/GENERATION        the name of the current generation (`gen-000007`), replaced by an atomic rename
    ROOT/gen-000007/       an Oxigraph store, never written again once it is current
    ROOT/gen-000007.json   its manifest: the files it was built from (name → SHA-256 and graphs), counts
    ROOT/BUILD.json        the journal of the last build: which generation, from which, its stage, when
    ROOT/build.lock        held (flock) by the build in progress

A build (`stage(root)`) writes a new generation beside the current one (a checkpoint copy of it, or an empty
store with `replace`), parses, loads, validates and stores the report there, and only then renames
`GENERATION`: that rename is the commit. A kill at any moment before it leaves the old generation current
and whole; `status(root)` then tells readers that the last build did not finish. The next build removes
every generation but the current and the previous one (a server may still be finishing a request on it).
RocksDB keeps its own `CURRENT` file, hence the marker's other name. A generation dropped (a refused write, a
failed build, an old one collected) is first renamed out of `gen-*` (`dropped-gen-000008-…`) and then removed:
a RocksDB handle still open on it elsewhere (a traceback's frame) can then neither keep it listed nor write into
it, and its number is never given again (the journal keeps the highest number staged).

A write of the service (`graph.writes`: one notice posted, replaced or withdrawn) is a small build: it takes
the same lock, checkpoints the current generation into a new one, writes and validates there, and commits by
the same rename (without compacting). So a write and a build never interleave: whichever takes the lock
second starts from what the first committed, and nothing either wrote is lost or half-seen. A build that
finds a write holding the lock waits for it (`WRITE_GRACE`); a write that finds a build gets `StoreBusy`.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import StoreBusy, StoreError

MARKER = "GENERATION"
JOURNAL = "BUILD.json"
LOCK = "build.lock"
PREFIX = "gen-"
DROPPED = "dropped-"  # a generation being removed: renamed out of `gen-*` first
HALT_ENV = "NOTICEKG_BUILD_HALT"  # a stage name: the build kills itself (SIGKILL) there; for the kill tests
LOCK_WAIT = 2.0  # seconds a build waits for the lock (a reader asking `status` holds it shared for an instant)
WRITE_GRACE = 60.0  # seconds a build waits more while the holder is a write (those take seconds, not minutes)


def is_generational(root: Path) -> bool:
    return (root / MARKER).is_file()


def current(root: Path) -> str | None:
    """The current generation's name, None when `root` holds none."""
    try:
        name = (root / MARKER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {root / MARKER}: {exc}") from exc
    return name or None


def current_path(root: Path) -> Path | None:
    name = current(root)
    return root / name if name else None


def manifest(root: Path, name: str | None = None) -> dict[str, Any]:
    """The manifest of a generation (default: the current one); {} when there is none."""
    name = name or current(root)
    if not name:
        return {}
    try:
        return json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write then rename: a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- what readers are told -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    generation: str | None  # what readers see
    journal: dict[str, Any] = field(default_factory=dict)  # the last build's journal
    running: bool = False  # a build holds the lock now

    @property
    def finished(self) -> bool:
        """Whether the last build committed (its generation is the current one) or there was none."""
        if not self.journal:
            return True
        return self.journal.get("stage") == "done" or self.journal.get("generation") == self.generation

    def warning(self) -> str | None:
        """A sentence for a reader of the store, None when all is well."""
        if self.finished:
            return None
        j = self.journal
        seen = (f"this is {self.generation}, from the build finished {manifest_finished(j)}"
                if self.generation else "the store is empty")
        what = j.get("kind", "build")
        if self.running:
            return (f"a {what} into this store is running (started {j.get('started')}, now {j.get('stage')}); "
                    f"{seen} until it finishes")
        reason = f": {j['error']}" if j.get("error") else ""
        return (f"the last {what} (started {j.get('started')}) did not finish (stopped while {j.get('stage')}"
                f"{reason}); {seen}")


def manifest_finished(journal: dict[str, Any]) -> str:
    return str(journal.get("previous_finished") or "earlier")


def status(root: Path) -> Status:
    return Status(current(root), _journal(root), _locked(root))


def _journal(root: Path) -> dict[str, Any]:
    try:
        return json.loads((root / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _locked(root: Path) -> bool:
    path = root / LOCK
    try:
        with open(path, "rb") as handle:  # flock needs no write access
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
    except OSError:  # no lock file: no build ever ran here
        return False
    return False


# -- writing a new generation ------------------------------------------------------------------------------------


class Staging:
    """A new generation being built. `stage(root, replace)` opens one; `.store` is its Oxigraph store, open for
    writing; `.checkpoint(name)` records the stage in the journal; `.commit(files, counts)` makes it current;
    `.abort(error)` (or leaving the `with` block by an exception) removes it and leaves the old one current."""

    def __init__(self, root: Path, replace: bool, kind: str = "build", wait: float = LOCK_WAIT) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        if not is_generational(root) and (root / "CURRENT").exists():
            raise StoreError(f"{root} holds a store from before generations: build into a new directory "
                             f"(or remove {root} first)")
        self._lock = open(root / LOCK, "a")  # noqa: SIM115 - held until commit or abort
        self._take_lock(kind, wait)
        self.previous = current(root)
        self.previous_manifest = manifest(root, self.previous) if self.previous else {}
        self.name = self._next_name(_journal(root))
        self.path = root / self.name
        self.journal: dict[str, Any] = {
            "kind": kind, "generation": self.name, "staged": self.name, "from": None if replace else self.previous,
            "replace": replace, "pid": os.getpid(), "started": _now(), "stage": "copying", "finished": None,
            "previous_finished": self.previous_manifest.get("finished"),
        }
        _write_json(root / JOURNAL, self.journal)
        try:
            if self.previous and not replace:
                # A checkpoint: hard links to the old generation's files, so the copy costs little.
                ox.Store.read_only(str(root / self.previous)).backup(str(self.path))
            self.store = ox.Store(str(self.path))
        except OSError as exc:
            self.abort(f"cannot make {self.path}: {exc}")
            raise StoreError(f"cannot make a new generation in {root}: {exc}") from exc

    def _take_lock(self, kind: str, wait: float) -> None:
        """The lock, within `wait` seconds (plus `WRITE_GRACE` for a build while a write holds it), else
        `StoreBusy` naming what holds it."""
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                holder = status(self.root).journal
                waited = time.monotonic() - start
                grace = WRITE_GRACE if kind == "build" and holder.get("kind") == "write" else 0.0
                if waited >= wait + grace:
                    self._lock.close()
                    raise StoreBusy(f"another {holder.get('kind', 'build')} is writing {self.root} (started "
                                    f"{holder.get('started')}, now {holder.get('stage')}); wait for it to finish"
                                    ) from None
                time.sleep(0.05)

    def _next_name(self, journal: dict[str, Any]) -> str:
        """One past every number seen: the directories (dropped ones too) and what the last journal staged. A
        number is never given twice, so a handle still open on a dropped generation cannot meet a new one."""
        names = [p.name.removeprefix(DROPPED) for p in self.root.iterdir()]
        names += [str(journal.get(key) or "") for key in ("staged", "generation")]
        numbers = [int(n[len(PREFIX):len(PREFIX) + 6]) for n in names
                   if n.startswith(PREFIX) and n[len(PREFIX):len(PREFIX) + 6].isdigit()]
        return f"{PREFIX}{max(numbers, default=0) + 1:06d}"

    def checkpoint(self, stage: str) -> None:
        self.journal["stage"] = stage
        _write_json(self.root / JOURNAL, self.journal)
        if os.environ.get(HALT_ENV) == stage:
            os.kill(os.getpid(), signal.SIGKILL)

    def commit(self, files: dict[str, Any], counts: dict[str, Any], compact: bool = True,
               **notes: Any) -> None:
        """Flush, write the manifest (with `notes`, e.g. what a write did), rename `GENERATION` (the commit),
        then collect old generations. `compact=False` for a write: a few graphs are not worth rewriting the
        store's files for."""
        self.checkpoint("committing")
        if compact:
            self.store.optimize()  # compact what the bulk loads wrote: the generation is read-only from now on
        self.store.flush()
        del self.store  # RocksDB closes when the last handle goes
        finished = _now()
        _write_json(self.root / f"{self.name}.json",
                    {"generation": self.name, "from": self.journal["from"], "started": self.journal["started"],
                     "finished": finished, "files": files, "counts": counts, **notes})
        marker = self.root / MARKER
        tmp = marker.with_name(MARKER + ".tmp")
        tmp.write_text(self.name + "\n", encoding="utf-8")
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, marker)
        _fsync_dir(self.root)
        self.checkpoint("swapped")
        self.journal.update(stage="done", finished=finished)
        _write_json(self.root / JOURNAL, self.journal)
        self._collect()
        self._release()

    def discard(self, note: str) -> None:
        """Nothing to change: drop the new generation, the current one stays, and the journal says why."""
        del self.store
        _drop(self.path)
        self.journal.update(generation=self.previous, stage="done", finished=_now(), note=note)
        _write_json(self.root / JOURNAL, self.journal)
        self._release()

    def abort(self, error: str) -> None:
        self.journal.update(stage=f"{self.journal['stage']} (failed)", error=error)
        _write_json(self.root / JOURNAL, self.journal)
        if hasattr(self, "store"):
            del self.store
        _drop(self.path)
        self._release()

    def _collect(self) -> None:
        """Remove every generation but the current and the previous one, and what killed builds left."""
        keep = {self.name, self.previous}
        for path in [*self.root.glob(PREFIX + "*"), *self.root.glob(DROPPED + "*")]:
            if path.name.removesuffix(".json") not in keep:
                if path.is_dir():
                    _drop(path)
                else:
                    path.unlink(missing_ok=True)

    def _release(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if kind is not None and not self._lock.closed:
            self.abort(f"{kind.__name__}: {exc}")


def _drop(path: Path) -> None:
    """Remove a generation's directory: renamed out of `gen-*` first (atomic), so that it is gone from the
    listing at once even if a RocksDB handle still open on it (the last reference not yet collected) makes the
    removal of its files fail; what stays is removed by the next build's collection."""
    if not path.exists():
        return
    target = path
    if not path.name.startswith(DROPPED):
        target = path.with_name(f"{DROPPED}{path.name}-{os.getpid()}-{time.monotonic_ns()}")
        try:
            os.replace(path, target)
        except OSError:
            target = path
    shutil.rmtree(target, ignore_errors=True)


def stage(root: Path, replace: bool = False, kind: str = "build", wait: float = LOCK_WAIT) -> Staging:
    return Staging(root, replace, kind, wait)
