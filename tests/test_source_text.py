"""A long source text is kept in parts (`graph.source_text`), and nothing that reads it can tell: the text
served at the notice IRI, every quote at its offsets (some crossing a part boundary), the quote rule, the
notice page, search and the exports are as with one literal. The part size is made small here so that a
corpus notice is cut into many parts; the real size only decides when cutting starts."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal
from test_writes import CORPUS

from graph import source_text
from graph.export import export
from graph.parse import parse_file
from graph.search import connect, index_notices, search
from graph.store import open_store
from graph.to_rdf import to_dataset
from graph.validate import validate
from server import create_app
from server.store import close

FILE = CORPUS / "002_26cb3cc93e1dcd9c.txt"  # 桂医保发〔2023〕32号
NOTICE = "https://noticekg.org/id/notice/gui4-yi1-bao3-fa1/2023/32"
NKG = "https://noticekg.org/def/"
QUOTES = f"""PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?src ?s ?e ?x WHERE {{
    ?f <{NKG}statedIn> <{NOTICE}> ; oa:hasSelector ?q . ?q oa:start ?s ; oa:end ?e ; oa:exact ?x ;
    <{NKG}sourceFile> ?src }}"""
PART = 500


@pytest.fixture()
def parted(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setattr(source_text, "PART", PART)
    result = parse_file(FILE)
    store = open_store("memory:")
    store.load_dataset(to_dataset([result]))
    return store, result.source.text


def test_a_long_text_is_kept_in_parts_and_read_back_whole(parted) -> None:  # noqa: ANN001
    store, text = parted
    rows = store.select(QUOTES)
    source = str(rows[0]["src"])
    parts = store.select(f"SELECT ?p WHERE {{ <{source}> <{NKG}textPart> ?p }}")
    assert len(parts) == -(-len(text) // PART) > 3
    assert not store.ask(f"ASK {{ <{source}> <{NKG}text> ?t }}")
    longest = store.select(f"SELECT (MAX(STRLEN(?t)) AS ?n) WHERE {{ ?p <{NKG}partText> ?t }}")[0]["n"]
    assert int(longest) == PART
    assert source_text.whole_text(store, source) == text
    quotes = [(int(r["s"]), int(r["e"]), str(r["x"])) for r in rows]
    assert any(s // PART != (e - 1) // PART for s, e, _ in quotes), "no quote crosses a part boundary"
    assert all(source_text.excerpt(store, source, s, e) == x == text[s:e] for s, e, x in quotes)


def test_the_quote_rule_reads_the_parts(parted) -> None:  # noqa: ANN001
    store, text = parted
    rules = {r.rule_name for r in validate(store, notices=[NOTICE]).results}
    assert "quote-offsets" not in rules and "source-text" not in rules
    # A part changed under a quote: the rule sees it.
    source, start, end, _ = (str(v) for v in store.select(QUOTES)[0].values())
    at = int(start) // PART * PART
    part = f"{source}/text/{int(start) // PART}"
    broken = text[at:int(start)] + "※" + text[int(start) + 1:at + PART]
    store.update(f"""DELETE {{ GRAPH ?g {{ <{part}> <{NKG}partText> ?t }} }}
        INSERT {{ GRAPH ?g {{ <{part}> <{NKG}partText> {Literal(broken).n3()} }} }}
        WHERE {{ GRAPH ?g {{ <{part}> <{NKG}partText> ?t }} }}""")
    assert source_text.excerpt(store, source, int(start), int(end))[0] == "※"
    assert "quote-offsets" in {r.rule_name for r in validate(store, notices=[NOTICE]).results}


def test_search_pages_and_exports_read_the_parts(parted) -> None:  # noqa: ANN001
    store, text = parted
    index = connect(None)
    index_notices(store, index)
    assert NOTICE in {h.iri for h in search(index, "桂医保发 32号").hits}
    copy = open_store("memory:")
    copy.engine.load(export(store, "nq"), ox.RdfFormat.N_QUADS)
    source = str(store.select(QUOTES)[0]["src"])
    assert source_text.whole_text(copy, source) == text
    app = create_app({"TESTING": True, "STORE": store, "QUERY_WORKERS": 1})
    client = app.test_client()
    served = client.get("/id/notice/gui4-yi1-bao3-fa1/2023/32.txt")
    assert served.status_code == 200 and served.get_data(as_text=True) == text
    page = client.get("/id/notice/gui4-yi1-bao3-fa1/2023/32", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "新增30元" in page.get_data(as_text=True)
    close(app)
