"""Linked data through Flask's test client, on tests/data/linked_fixture.trig (南医保发〔2020〕60号 and the
桂医保发〔2020〕46号 it carries, hand-written from corpus/000_…): every minted IRI dereferences, as HTML for a
browser and as Turtle, JSON-LD, N-Triples or RDF/XML for a machine, with a Link to its provenance."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef

from graph.store import Store, to_rdflib
from tests.html_check import html_errors
from tests.server_fixtures import app, client, stored  # noqa: F401 - fixtures

FIXTURE = Path(__file__).parent / "data" / "linked_fixture.trig"
ID = "https://noticekg.org/id/"
DEF = "https://noticekg.org/def/"
NKG = rdflib.Namespace(DEF)
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
NANNING = "notice/nan2-yi1-bao3-fa1/2020/60"
GUANGXI = "notice/gui4-yi1-bao3-fa1/2020/46"
FIGURE = NANNING + "/s/1/f/1"  # 2021 年度 个人缴费 不低于 280 元, restating 桂医保发〔2020〕46号 一、(二)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
HAS_PROVENANCE = "http://www.w3.org/ns/prov#has_provenance"
RDF_MEDIA = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld"),
             "nt": ("application/n-triples", "nt"), "rdf": ("application/rdf+xml", "xml")}


@pytest.fixture
def store() -> Iterator[Store]:
    yield from stored(FIXTURE)


def parse_rdf(client, response, syntax: str) -> rdflib.Graph:  # noqa: F811
    """The response body as a graph; JSON-LD gets its context from the server, as a client would fetch it."""
    body = response.get_data(as_text=True)
    if syntax == "json-ld":
        data = json.loads(body)
        assert data["@context"].endswith("/ns/context.jsonld")
        data["@context"] = client.get("/ns/context.jsonld").json["@context"]
        # rdflib's JSON-LD reader warns of its own deprecations; Oxigraph reads it cleanly.
        graph = rdflib.Graph()
        for quad in ox.parse(json.dumps(data).encode("utf-8"), ox.RdfFormat.JSON_LD):
            value = to_rdflib(quad.object)
            if isinstance(value, Literal) and value.datatype == rdflib.XSD.string:
                value = Literal(str(value))  # as the other syntaxes read a plain string
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), value))
        return graph
    return rdflib.Graph().parse(data=body, format=syntax)


def provenance_links(response) -> list[str]:
    return re.findall(r'<([^>]+)>; rel="' + re.escape(HAS_PROVENANCE) + '"', ", ".join(response.headers.getlist("Link")))


# -- a notice ---------------------------------------------------------------------------------------------------


def test_notice_page_for_a_browser(client) -> None:  # noqa: F811
    response = client.get(f"/id/{NANNING}", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert html_errors(page) == []
    for shown in ("南医保发〔2020〕60号", "关于做好2020年度南宁市城乡居民基本医疗保障有关工作的通知",
                  "南宁市医疗保障局", "国家税务总局南宁市税务局", "2020-08-14",  # 文号, title, issuers, printed
                  "2021 年度城乡居民医保个人缴费，按照每人不低于 280 元的标准缴纳",  # a figure's quote
                  "2021 年度城乡居民基本医疗保险参保缴费标准"):  # a section heading
        assert shown in page
    # Relations and every other IRI link to this server, never to the IRI's own host.
    assert f'href="/id/{GUANGXI}"' in page
    assert f'href="{ID}' not in page and f'href="{DEF}' not in page


def test_notice_without_accept_is_html_and_links_its_provenance(client) -> None:  # noqa: F811
    response = client.get(f"/id/{NANNING}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    links = provenance_links(response)
    assert links[0] == f"http://localhost/id/{NANNING}/graph"  # its own graph first; others mention it too
    for link in links:  # the provenance is itself a resource of the service
        assert client.get(link.removeprefix("http://localhost")).status_code == 200


@pytest.mark.parametrize("extension", sorted(RDF_MEDIA))
def test_notice_as_rdf_by_accept_and_by_extension(client, extension: str) -> None:  # noqa: F811
    media, syntax = RDF_MEDIA[extension]
    for response in (client.get(f"/id/{NANNING}", headers={"Accept": media}),
                     client.get(f"/id/{NANNING}.{extension}", headers={"Accept": BROWSER})):
        assert response.status_code == 200 and response.mimetype == media
        assert f"/id/{NANNING}/graph" in " ".join(provenance_links(response))
        graph = parse_rdf(client, response, syntax)
        notice = URIRef(ID + NANNING)
        assert (notice, NKG.docNo, Literal("南医保发〔2020〕60号")) in graph
        assert (notice, NKG.implements, URIRef(ID + GUANGXI)) in graph
        # The description lists the notice's sections and figures, not only its own triples.
        assert (URIRef(ID + NANNING + "/s/2"), NKG.inNotice, notice) in graph
        assert (URIRef(ID + FIGURE), NKG.statedIn, notice) in graph


def test_plain_json_gets_json_ld(client) -> None:  # noqa: F811
    response = client.get(f"/id/{NANNING}", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/ld+json"


def test_unacceptable_media_type_is_406(client) -> None:  # noqa: F811
    response = client.get(f"/id/{NANNING}", headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.json["error"]["type"] == "NotAcceptable"


def test_notice_known_only_by_citation(client) -> None:  # noqa: F811
    response = client.get("/id/notice/yi1-bao3-fa1/2020/24", headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and html_errors(page) == []
    assert "医保发〔2020〕24号" in page and "仅见于引用" in page
    assert f'href="/id/{GUANGXI}"' in page  # who implements it


# -- a figure ---------------------------------------------------------------------------------------------------


def test_figure_page(client) -> None:  # noqa: F811
    response = client.get(f"/id/{FIGURE}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert html_errors(page) == []
    assert "不低于 280 元/人·年" in page  # the value, as a reader writes it
    assert "个人缴费标准" in page and "2021" in page and "南宁市" in page  # kind, year, region
    # The quote, marked inside the text of its section (一、), which the fixture's source text holds.
    assert "<mark>2021 年度城乡居民医保个人缴费，按照每人不低于 280 元的标准缴纳</mark>" in page
    assert "根据桂医保发〔2020〕46 号文件规定" in page
    assert f'href="/id/{GUANGXI}/s/1/2/f/1"' in page  # what it restates
    governs = re.search(r'href="(/api/governs\?[^"]+)"', page)
    assert governs, "a figure page links the question of which notice governs it"
    answer = client.get(governs.group(1).replace("&amp;", "&"), headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json["figure"]["value"] == 280


@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_figure_description_holds_its_selector(client, extension: str) -> None:  # noqa: F811
    media, syntax = RDF_MEDIA[extension]
    graph = parse_rdf(client, client.get(f"/id/{FIGURE}", headers={"Accept": media}), syntax)
    selector = URIRef(ID + FIGURE + "/quote")
    assert (URIRef(ID + FIGURE), OA.hasSelector, selector) in graph
    assert (selector, OA.start, Literal(477)) in graph and (selector, OA.end, Literal(513)) in graph


# -- other resources ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, shown", [
    (f"/id/{NANNING}/s/1", "根据桂医保发〔2020〕46 号文件规定"),  # a section shows its text
    (f"/id/{NANNING}/c/4", "桂人社发〔2017〕1 号"),  # a citation shows what it cites, as written
    ("/id/agency/450100/nan-ning-shi-yi-liao-bao-zhang-ju", "南宁市医疗保障局"),
    ("/id/region/450100", "南宁市"),
    ("/id/source/4f4b424d493a2b86", "000_fb74dc5b27144318.txt"),
    (f"/id/{NANNING}/graph", "南医保发〔2020〕60号"),  # a named graph lists what it holds
    ("/id/graph/validation/result/1", "一致"),
    ("/def/kind/individual-contribution", "个人缴费标准"),
    ("/def/implements", "贯彻落实"),
])
def test_resource_pages(client, path: str, shown: str) -> None:  # noqa: F811
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    assert html_errors(page) == [] and shown in page
    assert provenance_links(response), "every description names where it comes from"


def test_region_page_shows_incoming_links(client) -> None:  # noqa: F811
    page = client.get("/id/region/450000", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "指向此处的链接" in page and 'href="/id/region/450100"' in page  # 南宁市 nkg:within 广西


def test_named_graph_iri_gives_the_graph(client) -> None:  # noqa: F811
    response = client.get(f"/id/{GUANGXI}/graph.nt")
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="nt")
    assert graph.value(URIRef(ID + GUANGXI + "/s/1/2/f/1"), NKG.amount).toPython() == 280
    assert (URIRef(ID + NANNING + "/s/1/f/1"), None, None) not in graph  # only that graph


def test_validation_finding_shows_on_its_figure(client) -> None:  # noqa: F811
    page = client.get(f"/id/{NANNING}/s/1/f/2", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "校验发现" in page and 'href="/id/graph/validation/result/1"' in page


# -- what is not in the graph ---------------------------------------------------------------------------------------


def test_unknown_iri_is_404_in_the_error_shape(client) -> None:  # noqa: F811
    response = client.get("/id/notice/nan2-yi1-bao3-fa1/2020/61")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert set(response.json["error"]) >= {"status", "type", "message"}
    assert response.json["error"]["status"] == 404


def test_unknown_iri_is_an_html_404_for_a_browser(client) -> None:  # noqa: F811
    response = client.get("/id/notice/nan2-yi1-bao3-fa1/2020/61", headers={"Accept": BROWSER})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert html_errors(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("path", ["/id/notice/x%3E%20%7D", "/id/a%22b", "/def/kind/%3Cx", "/id/" + NANNING + ".xyz"])
def test_paths_that_cannot_be_iris_are_404(client, path: str) -> None:  # noqa: F811
    assert client.get(path).status_code == 404


# -- every IRI of the graph dereferences ------------------------------------------------------------------------------


def test_every_minted_iri_dereferences(client, store: Store) -> None:  # noqa: F811
    rows = store.select(f"""SELECT DISTINCT ?x WHERE {{
        {{ GRAPH ?x {{ ?a ?b ?c }} }} UNION {{ ?x ?p ?o }} UNION {{ ?s ?x ?o }} UNION {{ ?s ?p ?x }}
        FILTER(isIRI(?x) && (STRSTARTS(STR(?x), "{ID}") || STRSTARTS(STR(?x), "{DEF}"))) }}""")
    iris = sorted(str(r["x"]) for r in rows)
    assert len(iris) > 50
    for iri in iris:
        path = "/id/" + iri.removeprefix(ID) if iri.startswith(ID) else "/def/" + iri.removeprefix(DEF)
        for accept in (BROWSER, "text/turtle"):
            response = client.get(path, headers={"Accept": accept})
            assert response.status_code == 200, (iri, accept, response.data[:300])
            assert provenance_links(response), iri
        assert html_errors(client.get(path, headers={"Accept": BROWSER}).get_data(as_text=True)) == [], iri


def test_html_check_finds_errors() -> None:
    bad = '<!DOCTYPE html><html lang="en"><body><p><div id="a"></div></p><ul><p></p></ul>' \
          '<link rel="stylesheet" href="https://cdn.example/x.css"><span id="a"></body></html>'
    errors = "\n".join(html_errors(bad))
    for expected in ("<div> inside <p>", "duplicate id", "external asset", 'lang="zh"', "closes <span>"):
        assert expected in errors
