"""The write API against `noticekg serve` in its own process, over a store built in generations by `noticekg
build`, as an operator runs it: post a notice, replace it, delete it, with and without the token, and after
each step read the stored text, the stub of the notice that others cite, and full-text search, through the
server's own routes and its query workers (which must follow each write without a restart)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from test_write_api import bearer, call, error_of, sparql
from test_writes import N46, N60, split_nanning

from bench.served import serve
from graph import generations
from graph.build import BuildOptions, build
from graph.to_rdf import DEFAULT_BASE

TOKEN = "live-write-token"
LOCAL = "/id/" + N46[len(DEFAULT_BASE):]
NKG = "https://noticekg.org/def/"
WORD = "负责解释"  # only in the replacing text
ADDED = "\n本通知由自治区医疗保障局负责解释。\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, store root): 60号 built alone, so 46号, which it implements, is a stub."""
    tmp = tmp_path_factory.mktemp("write-live")
    (tmp / "in").mkdir()
    (tmp / "in" / "nanning-60.txt").write_text(split_nanning()[0], encoding="utf-8")
    build([tmp / "in"], f"oxigraph:{tmp / 'store'}", BuildOptions(base=DEFAULT_BASE, workers=1))
    env = {"NOTICEKG_WRITE_TOKEN": TOKEN, "NOTICEKG_QUERY_WORKERS": "1", "NOTICEKG_WRITE_WAIT": "1"}
    server = serve(f"oxigraph:{tmp / 'store'}", 0, "--threads", "8", env=env)
    try:
        yield server.url, tmp / "store"
    finally:
        server.stop()


def in_corpus(base: str) -> set[bool]:
    """What the store says of 46号 (through /sparql, so through the query workers)."""
    rows = sparql(base, f"SELECT DISTINCT ?c WHERE {{ <{N46}> <{NKG}inCorpus> ?c }}")
    return {r["c"]["value"] == "true" for r in rows}


def feed_titles(base: str) -> list[str]:
    status, _, body = call(f"{base}/feed")
    assert status == 200
    return [e.findtext("{http://www.w3.org/2005/Atom}title", "")
            for e in ElementTree.fromstring(body).findall("{http://www.w3.org/2005/Atom}entry")]


def announced(base: str, verb: str) -> bool:
    """Whether the feed's latest entry for 46号 says it was `verb` (added, replaced, withdrawn)."""
    return any(t.startswith(f"桂医保发〔2020〕46号 {verb}") for t in feed_titles(base)[:3])


def searched(base: str, q: str) -> dict[str, bool]:
    status, _, body = call(f"{base}/api/search?" + urllib.parse.urlencode({"q": q}))
    assert status == 200, body
    return {h["iri"]: h["in_corpus"] for h in json.loads(body)["hits"]}


def quotes_hold(base: str, text: str) -> int:
    rows = sparql(base, f"""PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?s ?e ?x WHERE {{
        ?f <{NKG}statedIn> <{N46}> ; oa:hasSelector ?q . ?q oa:start ?s ; oa:end ?e ; oa:exact ?x }}""")
    assert all(text[int(r["s"]["value"]):int(r["e"]["value"])] == r["x"]["value"] for r in rows)
    return len(rows)


def test_post_replace_delete_through_noticekg_serve(served: tuple[str, Path]) -> None:
    base, root = served
    original = split_nanning()[1]
    assert WORD not in original
    first = generations.current(root)
    # Before: known by citation only; no text; found by search as such.
    assert in_corpus(base) == {False} and call(f"{base}{LOCAL}.txt")[0] == 406  # a stub has no text to serve
    assert searched(base, "桂医保发 46号").get(N46) is False

    plain = {"Content-Type": "text/plain; charset=utf-8"}
    for headers, status in (({}, 401), (bearer("wrong"), 403)):
        code, _, answer = call(f"{base}/api/notices?name=guangxi-46.txt", "POST", original.encode(),
                               {**plain, **headers})
        assert code == status and error_of(answer)["status"] == status
    assert in_corpus(base) == {False} and generations.current(root) == first  # refused writes wrote nothing

    # While a build holds the store, a write waits, then says so and when to come back; it writes nothing.
    with generations.stage(root) as running:
        code, head, answer = call(f"{base}/api/notices?name=guangxi-46.txt", "POST", original.encode(),
                                  {**plain, **bearer(TOKEN)})
        assert code == 503 and error_of(answer)["type"] == "StoreBusy" and int(head["Retry-After"]) > 0
        running.discard("a test build that changed nothing")
    assert in_corpus(base) == {False} and generations.current(root) == first

    # Posted: a new generation; the text verbatim, its quotes at their offsets, no stub, found as in the corpus.
    code, head, answer = call(f"{base}/api/notices?name=guangxi-46.txt", "POST", original.encode(),
                              {**plain, **bearer(TOKEN)})
    assert code == 201, answer
    posted = json.loads(answer)
    assert posted["iri"] == N46 and head["Location"] == LOCAL and posted["generation"] != first
    assert generations.current(root) == posted["generation"]
    status, head, text = call(f"{base}{LOCAL}.txt")
    assert status == 200 and head["Content-Type"] == "text/plain; charset=utf-8"
    assert text.decode("utf-8") == original and quotes_hold(base, original) > 5
    assert in_corpus(base) == {True} and searched(base, "桂医保发 46号").get(N46) is True
    assert announced(base, "added"), feed_titles(base)  # a write is a release the feed lists

    # Replaced (PUT): the new text and its figures everywhere at once; search has the new words only.
    changed = original.replace("每人不低于280元", "每人不低于290元") + ADDED
    for headers, status in (({}, 401), (bearer("wrong"), 403)):
        assert call(f"{base}{LOCAL}", "PUT", changed.encode(), {**plain, **headers})[0] == status
    assert searched(base, WORD).get(N46) is None
    code, _, answer = call(f"{base}{LOCAL}", "PUT", changed.encode(), {**plain, **bearer(TOKEN)})
    assert code == 200, answer
    assert json.loads(answer)["generation"] not in (first, posted["generation"])
    assert call(f"{base}{LOCAL}.txt")[2].decode("utf-8") == changed and quotes_hold(base, changed) > 5
    contributions = {r["a"]["value"] for r in sparql(base, f"""SELECT ?a WHERE {{ ?f <{NKG}statedIn> <{N46}> ;
        <{NKG}amount> ?a }}""")}
    assert "290" in contributions and "280" not in contributions
    assert announced(base, "replaced"), feed_titles(base)
    assert in_corpus(base) == {True} and searched(base, WORD).get(N46) is True

    # Deleted: no text, no figures; 60号 still implements it, so it is a stub again, and search says so.
    assert call(f"{base}/api/notices/{N46[len(DEFAULT_BASE) + len('notice/'):]}", "DELETE")[0] == 401
    assert call(f"{base}{LOCAL}", "DELETE", headers=bearer("wrong"))[0] == 403
    code, _, answer = call(f"{base}{LOCAL}", "DELETE", headers=bearer(TOKEN))
    assert code == 200 and json.loads(answer)["withdrawn"] == [N46], answer
    assert call(f"{base}{LOCAL}.txt")[0] == 406 and quotes_hold(base, "") == 0  # a stub has no text
    assert in_corpus(base) == {False} and searched(base, "桂医保发 46号").get(N46) is False
    assert N46 not in searched(base, WORD)
    assert announced(base, "withdrawn"), feed_titles(base)
    assert call(f"{base}/id/{N60[len(DEFAULT_BASE):]}.txt")[0] == 200  # the notice that cites it is untouched
    assert generations.status(root).warning() is None
