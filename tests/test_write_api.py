"""The write API through a real socket: post a notice (a Word file made from a corpus text), replace it, delete
it, with and without the token; the store is on disk, so the query workers open it read-only and must be
replaced to see each write. Every answer is checked in the graph, not only by its status."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from ingest_samples import docx_file
from server_fixtures import serving

from graph.store import open_store
from graph.vocab import NKG
from server import create_app
from server.store import close

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TOKEN = "s3cret-token"
NOTICE = "notice/gui4-yi1-bao3-fa1/2023/32"  # 桂医保发〔2023〕32号
TEXT = (CORPUS / "002_26cb3cc93e1dcd9c.txt").read_text(encoding="utf-8")


def serve(config: dict) -> Iterator[str]:
    app = create_app({"TESTING": True, "QUERY_TIMEOUT": 5.0, "QUERY_WORKERS": 1, **config})
    yield from serving(app)
    close(app)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As `noticekg serve` runs it: an on-disk store handed in read-only (the first write reopens it)."""
    path = tmp_path_factory.mktemp("write") / "store"
    open_store(f"oxigraph:{path}").close()
    store = open_store(f"oxigraph:{path}?ro")
    yield from serve({"STORE": store, "STORE_URL": store.url, "WRITE_TOKEN": TOKEN})


def call(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None
         ) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def multipart(filename: str, data: bytes, **fields: str) -> tuple[bytes, dict]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def sparql(base: str, query: str) -> list[dict]:
    url = f"{base}/sparql?" + urllib.parse.urlencode({"query": query})
    status, _, body = call(url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return json.loads(body)["results"]["bindings"]


def figure_quotes(base: str, notice: str) -> list[tuple[int, int, str]]:
    rows = sparql(base, f"""PREFIX nkg: <https://noticekg.org/def/> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?s ?e ?x WHERE {{ ?f nkg:statedIn <{notice}> ; oa:hasSelector ?q .
        ?q oa:start ?s ; oa:end ?e ; oa:exact ?x }}""")
    return [(int(r["s"]["value"]), int(r["e"]["value"]), r["x"]["value"]) for r in rows]


def error_of(body: bytes) -> dict:
    error = json.loads(body)["error"]
    assert set(error) >= {"status", "type", "message"}
    return error


def test_post_replace_delete_through_the_running_service(live: str) -> None:
    iri = "https://noticekg.org/id/" + NOTICE
    assert figure_quotes(live, iri) == []  # the query workers start now, on the empty store
    body, headers = multipart("guangxi-2023.docx", docx_file(TEXT), source_url="https://ybj.gxzf.gov.cn/t1.shtml",
                              retrieved="2024-05-06")

    status, _, answer = call(f"{live}/api/notices", "POST", body, headers)
    assert status == 401 and error_of(answer)["type"] == "Unauthorized"
    status, _, answer = call(f"{live}/api/notices", "POST", body, {**headers, **bearer("wrong")})
    assert status == 403 and error_of(answer)["type"] == "Forbidden"
    assert figure_quotes(live, iri) == []  # refused writes wrote nothing

    status, head, answer = call(f"{live}/api/notices", "POST", body, {**headers, **bearer()})
    assert status == 201, answer
    posted = json.loads(answer)
    assert posted["iri"] == iri and posted["changed"] is True and head["Location"] == f"/id/{NOTICE}"
    assert {"conforms", "results"} <= set(posted["findings"])

    # The notice, its text and its figures, at once, in the query workers too.
    status, head, text = call(f"{live}/id/{NOTICE}", headers={"Accept": "text/plain"})
    assert status == 200 and head["Content-Type"] == "text/plain; charset=utf-8"
    stored = text.decode("utf-8")
    assert "桂医保发〔2023〕32号" in stored
    quotes = figure_quotes(live, iri)
    assert len(quotes) > 5
    assert all(stored[s:e] == x for s, e, x in quotes)
    assert call(f"{live}/id/{NOTICE}.txt")[2] == text
    status, _, page = call(f"{live}/id/{NOTICE}", headers={"Accept": "text/html"})
    assert status == 200 and "https://ybj.gxzf.gov.cn/t1.shtml" in page.decode("utf-8")
    assert "python-docx" in page.decode("utf-8")

    # The same file again: the same IRI, nothing duplicated.
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}/graph> {{ ?s ?p ?o }} }}"
    before = sparql(live, count)[0]["n"]["value"]
    status, _, answer = call(f"{live}/api/notices", "POST", body, {**headers, **bearer()})
    assert status == 200 and json.loads(answer)["iri"] == iri and json.loads(answer)["changed"] is False
    assert sparql(live, count)[0]["n"]["value"] == before

    # Other text under the same 文号: a POST conflicts, a PUT replaces (a raw GB18030 body this time).
    changed = TEXT.replace("新增30元，达到每人每年640元", "新增40元，达到每人每年650元")
    assert changed != TEXT
    raw = {"Content-Type": "text/plain; charset=gb18030", **bearer()}
    status, _, answer = call(f"{live}/api/notices", "POST", changed.encode("gb18030"), raw)
    assert status == 409 and error_of(answer)["type"] == "Conflict"
    status, _, answer = call(f"{live}/id/{NOTICE}", "PUT", changed.encode("gb18030"), raw)
    assert status == 200, answer
    now = call(f"{live}/id/{NOTICE}.txt")[2].decode("utf-8")
    assert "每人每年650元" in now and "每人每年640元" not in now
    amounts = {x for _, _, x in figure_quotes(live, iri)}
    assert any("650" in x for x in amounts) and not any("640元" in x for x in amounts)
    status, _, answer = call(f"{live}/id/notice/gui4-yi1-bao3-fa1/2020/46", "PUT", changed.encode("gb18030"), raw)
    assert status == 409  # a PUT replaces the notice at its own IRI only

    # Withdrawn: its graph, figures and findings together.
    assert call(f"{live}/api/{NOTICE.replace('notice/', 'notices/', 1)}", "DELETE")[0] == 401
    status, _, answer = call(f"{live}/api/{NOTICE.replace('notice/', 'notices/', 1)}", "DELETE", headers=bearer())
    assert status == 200 and json.loads(answer)["withdrawn"] == [iri]
    # What is left of it is its history: the release that withdrew it names it (graph/release.py), nothing
    # describes it as a notice any more.
    status, _, described = call(f"{live}/id/{NOTICE}", headers={"Accept": "text/turtle"})
    left = rdflib.Graph().parse(data=described.decode("utf-8"), format="turtle") if status == 200 else rdflib.Graph()
    assert status in (200, 404) and (rdflib.URIRef(iri), rdflib.RDF.type, NKG.Notice) not in left
    assert not set(left.objects(rdflib.URIRef(iri), rdflib.namespace.DCTERMS.title))
    states = set(left.subjects(NKG.notice, rdflib.URIRef(iri)))
    assert status == 404 or states  # a release's record of the notice's state names it
    assert figure_quotes(live, iri) == []
    assert sparql(live, f"""PREFIX nkg: <https://noticekg.org/def/> SELECT ?r WHERE {{
        ?r nkg:focusNotice <{iri}> }}""") == []
    status, _, answer = call(f"{live}/id/{NOTICE}", "DELETE", headers=bearer())
    assert status == 404 and error_of(answer)["type"] == "NotFound"


def test_bad_uploads_are_refused_with_a_reason(live: str) -> None:
    status, _, answer = call(f"{live}/api/notices", "POST", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
                             {"Content-Type": "application/msword", **bearer()})
    assert status == 400 and "convert" in error_of(answer)["message"]
    status, _, answer = call(f"{live}/api/notices", "POST", "只有一句话，没有通知。".encode(),
                             {"Content-Type": "text/plain", **bearer()})
    assert status == 400 and "no notice" in error_of(answer)["message"]
    # A path that could not be an IRI of ours never reaches a query.
    for method in ("DELETE", "PUT"):
        status, _, answer = call(f"{live}/api/notices/x%3E%20%7D%20DROP", method, b"x", bearer())
        assert status == 404 and error_of(answer)["type"] == "NotFound"


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("read-only") / "store"
    yield from serve({"STORE_URL": f"oxigraph:{store}", "WRITE_TOKEN": None, "WRITE_TOKEN_FILE": None})


def test_without_a_configured_token_writing_is_off(read_only: str) -> None:
    for method, path in (("POST", "/api/notices"), ("PUT", f"/id/{NOTICE}"), ("DELETE", "/api/notices/x/1/2")):
        status, head, answer = call(read_only + path, method, b"x", {"Content-Type": "text/plain", **bearer()})
        assert status == 405, (method, path)
        error = error_of(answer)
        assert error["type"] == "WriteDisabled" and "NOTICEKG_WRITE_TOKEN" in error["message"]
        assert "Allow" in head


def test_the_token_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("from-a-file\n", encoding="utf-8")
    app = create_app({"TESTING": True, "STORE_URL": "memory:", "WRITE_TOKEN": None, "WRITE_TOKEN_FILE": str(secret)})
    client = app.test_client()
    assert client.post("/api/notices", data=b"x", headers=bearer()).status_code == 403
    answer = client.post("/api/notices", data=TEXT.encode("utf-8"), content_type="text/plain",
                         headers=bearer("from-a-file"))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["iri"].endswith(NOTICE)
    close(app)
