"""`noticekg build` keeps the full-text index beside the store in step: a first build indexes what it loaded,
a second build of another file adds its notices and keeps the first ones."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from graph import search
from graph.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_build_writes_and_updates_the_index_beside_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(CORPUS / "000_fb74dc5b27144318.txt"), "--store", f"oxigraph:{store}"])
    assert first.exit_code in (0, 1) and first.exception is None, (first.output, repr(first.exception))
    index = search.index_location(f"oxigraph:{store}")
    assert index == store / "search.sqlite" and index.is_file(), (first.output, sorted(p.name for p in store.iterdir()))
    connection = search.connect(index)
    try:
        found = {h.docno for h in search.search(connection, "南宁 补助").hits}
        assert "南医保发〔2020〕60号" in found
        assert not search.search(connection, "兰州").total
    finally:
        connection.close()
    lanzhou = sorted(CORPUS.glob("004_*.txt"))
    second = runner.invoke(main, ["build", str(lanzhou[0]), "--store", f"oxigraph:{store}"])
    assert second.exit_code in (0, 1), second.output
    connection = search.connect(index)
    try:
        assert "兰医保〔2020〕142号" in {h.docno for h in search.search(connection, "兰州").hits}
        assert "南医保发〔2020〕60号" in {h.docno for h in search.search(connection, "南宁").hits}
    finally:
        connection.close()


def test_a_served_store_searches_the_index_its_builds_keep(tmp_path: Path) -> None:
    """`noticekg serve` hands the app its opened store: search must read the index beside it, so that a build
    into the served store shows in /api/search without a restart (not an index of its own built at start)."""
    from graph.store import open_store
    from server import create_app
    from server.store import close

    url = f"oxigraph:{tmp_path / 'store'}"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(CORPUS / "000_fb74dc5b27144318.txt"), "--store", url]).exit_code in (0, 1)
    store = open_store(url)
    app = create_app({"TESTING": True, "STORE": store, "STORE_URL": store.url})
    try:
        client = app.test_client()
        assert client.get("/api/search", query_string={"q": "兰州"}).json["total"] == 0
        lanzhou = sorted(CORPUS.glob("004_*.txt"))[0]
        assert runner.invoke(main, ["build", str(lanzhou), "--store", url]).exit_code in (0, 1)
        found = client.get("/api/search", query_string={"q": "兰州"}).json
        assert "兰医保〔2020〕142号" in {h["docno"] for h in found["hits"]}, found
    finally:
        close(app)
        store.close()
