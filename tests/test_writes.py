"""`graph.writes`: a write of the service against a store built in generations is a small build. It commits a
new generation or nothing; a build that holds the store makes it wait and then refuse (never lost inside a
generation the build replaces); a build after it keeps it; a killed write leaves the old generation and says
so; a deleted notice that others cite is a stub again; the search index beside the store follows each write."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from graph import generations, search
from graph.build import BuildOptions, build
from graph.errors import Conflict, StoreBusy
from graph.parse import parse_bytes
from graph.publish import is_stored
from graph.store import open_store
from graph.to_rdf import DEFAULT_BASE
from graph.writes import post, remove

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NANNING = CORPUS / "000_fb74dc5b27144318.txt"  # 南医保发〔2020〕60号, with 桂医保发〔2020〕46号 attached
N46 = DEFAULT_BASE + "notice/gui4-yi1-bao3-fa1/2020/46"
N60 = DEFAULT_BASE + "notice/nan2-yi1-bao3-fa1/2020/60"
NKG = "https://noticekg.org/def/"


def split_nanning() -> tuple[str, str]:
    """The 南宁 file as two: 60号 alone (it still cites 46号) and 46号 alone, cut where 46号's header starts."""
    text = NANNING.read_text(encoding="utf-8")
    result = parse_bytes(text.encode("utf-8"), NANNING.name)
    start = next(n.span.start for n in result.notices if n.docno and n.docno.key == "桂医保发〔2020〕46号")
    return text[:start], text[start:]


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    """A store in generations built from 60号 alone: 46号 is known by citation only."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nanning-60.txt").write_text(split_nanning()[0], encoding="utf-8")
    summary = build([folder], f"oxigraph:{tmp_path / 'store'}", BuildOptions(base=DEFAULT_BASE, workers=1))
    assert summary.notices == 1 and summary.generation
    return tmp_path / "store"


def reader(root: Path):  # noqa: ANN201
    return open_store(f"oxigraph:{root}?ro")


def is_stub(root: Path, iri: str) -> bool:
    return reader(root).ask(f"ASK {{ <{iri}> a <{NKG}Notice> ; <{NKG}inCorpus> false }}")


def found(root: Path, query: str) -> dict[str, bool]:
    """IRI → in the corpus, of the hits the index beside the store gives."""
    connection = search.connect(root / search.INDEX_FILE)
    try:
        return {h.iri: h.in_corpus for h in search.search(connection, query).hits}
    finally:
        connection.close()


def forty_six(text: str | None = None) -> object:
    return parse_bytes((text or split_nanning()[1]).encode("utf-8"), "guangxi-46.txt")


def test_a_write_commits_a_generation_and_the_index_and_stubs_follow(built: Path) -> None:
    before = generations.current(built)
    assert is_stub(built, N46) and not found(built, "大病保险 起付标准").get(N46)
    written = post(reader(built), forty_six())
    assert written.generation != before and generations.current(built) == written.generation
    assert generations.status(built).warning() is None
    assert is_stored(reader(built), N46) and not is_stub(built, N46)
    assert found(built, "桂医保发 46号").get(N46) is True
    # The manifest still lists the files the build read, so the next build skips them.
    assert "nanning-60.txt" in generations.manifest(built)["files"]
    assert generations.manifest(built)["write"]["posted"] == [N46]

    # Posting the same text again commits nothing.
    assert post(reader(built), forty_six()).generation == written.generation

    # Withdrawn: 60号 still implements it, so it is known by citation again, in the store and in the index.
    gone = remove(reader(built), N46)
    assert gone.notices == (N46,) and generations.current(built) not in (before, written.generation)
    assert not is_stored(reader(built), N46) and is_stub(built, N46)
    titles = reader(built).select(f"SELECT ?t WHERE {{ <{N46}> <http://purl.org/dc/terms/title> ?t }}")
    assert titles, "the stub keeps the titles it is cited by"
    assert found(built, "桂医保发 46号").get(N46) is not True


def test_a_refused_write_leaves_no_generation_and_no_warning(built: Path) -> None:
    post(reader(built), forty_six())
    now = generations.current(built)
    other = split_nanning()[1] + "\n（此件公开发布）\n"
    with pytest.raises(Conflict):
        post(reader(built), forty_six(other))
    assert generations.current(built) == now and generations.status(built).warning() is None
    assert sorted(p.name for p in built.glob("gen-*") if p.is_dir())[-1] == now


def test_a_build_holding_the_store_makes_a_write_wait_then_refuse_and_keeps_it_after(built: Path,
                                                                                     tmp_path: Path) -> None:
    with generations.stage(built) as running:  # a build that started before the write
        with pytest.raises(StoreBusy, match="another build"):
            post(reader(built), forty_six(), wait=0.3)
        running.commit(generations.manifest(built).get("files", {}), {})
    assert not is_stored(reader(built), N46)
    post(reader(built), forty_six())
    # A build after the write starts from it: the posted notice stays.
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "guangxi-2023.txt").write_text((CORPUS / "002_26cb3cc93e1dcd9c.txt").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    build([folder], f"oxigraph:{built}", BuildOptions(base=DEFAULT_BASE, workers=1))
    assert is_stored(reader(built), N46) and is_stored(reader(built), DEFAULT_BASE + "notice/gui4-yi1-bao3-fa1/2023/32")


def test_a_build_waits_for_a_write_that_holds_the_store(built: Path, tmp_path: Path) -> None:
    writing = generations.stage(built, kind="write")
    threading.Timer(2.5, writing.discard, args=("done",)).start()  # longer than a build's own wait
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "nanning-46.txt").write_text(split_nanning()[1], encoding="utf-8")
    summary = build([folder], f"oxigraph:{built}", BuildOptions(base=DEFAULT_BASE, workers=1))
    assert summary.new == ["nanning-46.txt"] and is_stored(reader(built), N46)


KILLED = """
import sys
from pathlib import Path
from graph.parse import parse_bytes
from graph.store import open_store
from graph.writes import post
text = Path(sys.argv[2]).read_text(encoding="utf-8")
post(open_store(f"oxigraph:{sys.argv[1]}?ro"), parse_bytes(text.encode("utf-8"), "guangxi-46.txt"))
"""


@pytest.mark.parametrize("stage", ["writing", "committing"])
def test_a_killed_write_leaves_the_old_generation_and_says_so(built: Path, tmp_path: Path, stage: str) -> None:
    before = generations.current(built)
    (tmp_path / "46.txt").write_text(split_nanning()[1], encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", KILLED, str(built), str(tmp_path / "46.txt")], cwd=ROOT,
                          env={**_env(), generations.HALT_ENV: stage}, capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr
    assert generations.current(built) == before and not is_stored(reader(built), N46) and is_stub(built, N46)
    assert "the last write" in (generations.status(built).warning() or "")
    post(reader(built), forty_six())  # the next write cleans up and goes through
    assert is_stored(reader(built), N46) and generations.status(built).warning() is None


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != generations.HALT_ENV}


STATE = f"""SELECT (COUNT(DISTINCT ?n) AS ?notices) (COUNT(DISTINCT ?f) AS ?figures) (COUNT(DISTINCT ?s) AS ?stubs)
WHERE {{ {{ GRAPH ?g {{ ?n <{NKG}inCorpus> true }} }} UNION {{ ?f <{NKG}statedIn> ?m }}
         UNION {{ ?s <{NKG}inCorpus> false }} }}"""


def test_a_reader_following_the_store_sees_the_write_whole_or_not_at_all(built: Path) -> None:
    from graph.store import follow

    def state(store) -> tuple[int, int, int]:  # noqa: ANN001
        row = store.select(STATE)[0]
        return int(row["notices"]), int(row["figures"]), int(row["stubs"])

    before = state(reader(built))
    seen: set[tuple[int, int, int]] = set()
    done = threading.Event()

    def read() -> None:
        store = reader(built)
        while not done.is_set():
            store = follow(store)  # what every request and query worker of the server does
            seen.add(state(store))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        post(reader(built), forty_six())
    finally:
        done.set()
        thread.join()
    after = state(reader(built))
    assert after[0] == before[0] + 1 and after[1] > before[1] and after[2] != before[2]  # 46号 brings its own stubs
    assert seen <= {before, after} and before in seen
