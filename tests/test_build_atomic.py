"""A build killed with SIGKILL at any stage leaves a store that opens cleanly, with the old content and its
report (or, once the swap is done, the new ones), and readers are told when the last build did not finish.

The kills are real: `noticekg build` in a subprocess kills itself at a named checkpoint (NOTICEKG_BUILD_HALT,
`graph.generations.HALT_ENV`), which makes the moment deterministic.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import generations
from graph.build import BuildOptions, build
from graph.errors import StoreError
from graph.store import open_store
from graph.to_rdf import DEFAULT_BASE, validation_graph_iri

ROOT = Path(__file__).resolve().parent.parent
NOTICEKG = Path(sys.executable).parent / "noticekg"
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
FIRST, REST = CORPUS[:3], CORPUS[3:]  # 5 notices, then 3 more
COUNT = "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n <https://noticekg.org/def/inCorpus> true }"


def notices(store_dir: Path) -> int:
    store = open_store(f"oxigraph:{store_dir}?ro")
    return int(store.select(COUNT)[0]["c"])


def has_report(store_dir: Path) -> bool:
    store = open_store(f"oxigraph:{store_dir}?ro")
    graph = validation_graph_iri(DEFAULT_BASE)
    return store.ask(f"PREFIX sh: <http://www.w3.org/ns/shacl#> ASK {{ GRAPH <{graph}> {{ ?r a sh:ValidationReport }} }}")


@pytest.fixture(scope="module")
def old_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the first three corpus files (5 notices), and the folder to rebuild from (all 5)."""
    where = tmp_path_factory.mktemp("old")
    folder = where / "in"
    folder.mkdir()
    for path in FIRST:
        shutil.copy(path, folder)
    build([folder], f"oxigraph:{where / 'store'}", BuildOptions(base=DEFAULT_BASE))
    for path in REST:
        shutil.copy(path, folder)
    return where


def killed_build(source: Path, tmp_path: Path, stage: str, *extra: str) -> Path:
    """Copy the old store, run a build into it that kills itself at `stage`; the store's directory."""
    store = tmp_path / "store"
    shutil.copytree(source / "store", store)
    env = {**os.environ, generations.HALT_ENV: stage, "NOTICEKG_BUILD_PART_FILES": "1"}
    done = subprocess.run([str(NOTICEKG), "build", str(source / "in"), "--store", f"oxigraph:{store}", *extra],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, done.stderr
    return store


def reader_warning(store: Path) -> str:
    done = subprocess.run([str(NOTICEKG), "notices", "--store", f"oxigraph:{store}", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.mark.parametrize("stage", ["parsing", "loading", "loaded-part", "validating", "reported", "committing"])
def test_a_kill_before_the_swap_leaves_the_old_store_and_its_report(old_store: Path, tmp_path: Path,
                                                                     stage: str) -> None:
    store = killed_build(old_store, tmp_path, stage)
    assert notices(store) == 5 and has_report(store)
    warning = reader_warning(store)
    assert "did not finish" in warning and stage in warning
    if stage not in ("loaded-part", "committing"):
        return
    # The next build cleans up what the killed one left, and finishes.
    summary = build([old_store / "in"], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
    assert summary.new and notices(store) == 8 and has_report(store)
    assert "did not finish" not in reader_warning(store)
    assert sorted(p.name for p in store.glob("gen-*") if p.is_dir()) == ["gen-000001", summary.generation]


def test_a_kill_after_the_swap_leaves_the_new_store_and_its_report(old_store: Path, tmp_path: Path) -> None:
    store = killed_build(old_store, tmp_path, "swapped")
    assert notices(store) == 8 and has_report(store)
    assert "did not finish" not in reader_warning(store)


def test_replace_killed_while_loading_does_not_empty_the_store(old_store: Path, tmp_path: Path) -> None:
    store = killed_build(old_store, tmp_path, "loaded-part", "--replace")
    assert notices(store) == 5 and has_report(store)
    assert "did not finish" in reader_warning(store)


def test_a_failing_build_leaves_the_old_store(old_store: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    shutil.copytree(old_store / "store", store)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the validator fell over")

    monkeypatch.setattr("graph.build.validate", broken)
    with pytest.raises(RuntimeError):
        build([old_store / "in"], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
    assert notices(store) == 5 and has_report(store)
    assert "the validator fell over" in (generations.status(store).warning() or "")


def test_a_second_build_skips_unchanged_files_and_replaces_changed_ones(old_store: Path, tmp_path: Path) -> None:
    folder, store = tmp_path / "in", tmp_path / "store"
    shutil.copytree(old_store / "in", folder)
    shutil.copytree(old_store / "store", store)
    first = build([folder], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
    assert sorted(first.new) == sorted(p.name for p in REST) and len(first.unchanged) == 3
    again = build([folder], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
    assert len(again.unchanged) == 5 and not again.new and not again.changed
    assert again.generation == first.generation and again.findings == 0 and again.exit_code == 0
    # The 兰州 file loses its attached provincial notice: the changed file's old graphs go with it.
    lanzhou = next(p for p in folder.iterdir() if p.name.startswith("004"))
    text = lanzhou.read_text(encoding="utf-8")
    lanzhou.write_text(text[: text.index("甘医保发")], encoding="utf-8")
    changed = build([folder], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE))
    assert changed.changed == [lanzhou.name] and len(changed.unchanged) == 4
    assert notices(store) == 7


def test_a_build_in_progress_is_told_and_a_second_one_refused(old_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(old_store / "store", store)
    seen: list[tuple[bool, str, str]] = []

    def probe(stage: str, *counts: int) -> None:
        told = generations.status(store)
        try:
            generations.stage(store)
            refused = ""
        except StoreError as exc:
            refused = str(exc)
        seen.append((told.running, told.warning() or "", refused))

    build([old_store / "in"], f"oxigraph:{store}", BuildOptions(base=DEFAULT_BASE), progress=probe)
    assert seen and all(running and "is running" in warning and "another build" in refused
                        for running, warning, refused in seen)
    assert not generations.status(store).running and generations.status(store).warning() is None


def test_a_first_build_killed_leaves_a_store_that_says_so(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {**os.environ, generations.HALT_ENV: "validating"}
    done = subprocess.run([str(NOTICEKG), "build", str(FIRST[2]), "--store", f"oxigraph:{store}"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL
    read = subprocess.run([str(NOTICEKG), "notices", "--store", f"oxigraph:{store}"], capture_output=True,
                          text=True, timeout=120)
    assert read.returncode == 3 and "no finished build" in read.stderr and "validating" in read.stderr


def test_a_dropped_generation_still_open_leaves_the_listing_and_its_number_is_never_given_again(
        tmp_path: Path) -> None:
    """A refused write's generation can still be open elsewhere (the store in a traceback's frame, RocksDB
    writing into it): it leaves `gen-*` at once, the current one stays, and no later generation takes its name."""
    root = tmp_path / "store"
    first = generations.stage(root)
    first.store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("1"),
                            ox.NamedNode("urn:x:g")))
    first.commit({}, {})
    staging = generations.stage(root, kind="write")
    dropped, still_open = staging.name, staging.store  # the handle a traceback would keep
    staging.store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("2"),
                              ox.NamedNode("urn:x:g")))
    staging.discard("refused")
    assert generations.current(root) == first.name
    assert sorted(p.name for p in root.glob("gen-*") if p.is_dir()) == [first.name]
    again = generations.stage(root, kind="write")
    assert again.name not in (first.name, dropped) and again.name > dropped
    again.discard("nothing")
    del still_open
    # The next build collects what the drops left.
    generations.stage(root).commit({}, {})
    assert not list(root.glob("dropped-*"))
    rows = open_store(f"oxigraph:{root}?ro").select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [str(r["o"]) for r in rows] == ["1"], "the dropped write's quad is nowhere"


def test_a_misspelt_store_option_is_refused_not_opened_for_writing(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(StoreError, match="unknown option 'read-only'"):
        open_store(f"oxigraph:{tmp_path / 'store'}?read-only")
    assert not (tmp_path / "store").exists()
