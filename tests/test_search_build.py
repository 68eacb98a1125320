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
