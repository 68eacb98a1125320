"""The pages over the bundled corpus (with its validation report): full-text search, the findings, the notice
page's language and layout, the SPARQL workbench and HTML results. In-process, through Flask's test client."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from graph import search
from graph.build import validation_findings
from graph.records import ParseResult
from graph.store import Store, open_store
from graph.to_rdf import DEFAULT_BASE, to_dataset
from tests.html_check import html_errors
from tests.server_fixtures import app, client  # noqa: F401 - fixtures

NANNING = "/id/notice/nan2-yi1-bao3-fa1/2020/60"
NANCHANG = "/id/notice/hong2-yi1-bao3-fa1/2020/52"
HTML = {"Accept": "text/html"}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(corpus_results: list[ParseResult]) -> Iterator[Store]:
    opened = open_store("memory:")
    dataset = to_dataset(corpus_results)
    opened.load_dataset(dataset)
    validation_findings(dataset, opened, DEFAULT_BASE)  # as `noticekg build` does: the stored report
    yield opened
    opened.close()


def html(client, url: str) -> str:  # noqa: ANN001, F811
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.data[:300])
    text = response.get_data(as_text=True)
    assert html_errors(text) == [], url
    return text


# -- search -------------------------------------------------------------------------------------------------


def test_search_finds_nanning_contribution_with_facets(client) -> None:  # noqa: F811
    data = client.get("/api/search", query_string={"q": "个人缴费 南宁"}).get_json()
    assert data["hits"][0]["docno"] == "南医保发〔2020〕60号"
    assert {"个人", "缴费", "南宁"} <= set(data["words"])
    assert any("南宁" in h for h in data["hits"][0]["highlights"])
    facets = data["facets"]
    assert {f["value"] for f in facets["region"]} == {h["region"] for h in data["hits"] if h["region"]}
    assert {"level", "year", "relation", "region"} <= set(facets)


@pytest.mark.parametrize("word", ["医保", "补助"])
def test_two_character_words_are_found_inside_longer_ones(client, word: str) -> None:  # noqa: F811
    data = client.get("/api/search", query_string={"q": word}).get_json()
    in_corpus = [h for h in data["hits"] if h["in_corpus"]]
    assert len(in_corpus) >= 3
    assert all(word in h["snippet"] or word in h["title"] for h in in_corpus)


def test_search_filters_narrow_and_facets_count(client) -> None:  # noqa: F811
    every = client.get("/api/search", query_string={"q": "个人缴费"}).get_json()
    guangxi = client.get("/api/search", query_string={"q": "个人缴费", "region": "广西"}).get_json()
    assert 0 < guangxi["total"] < every["total"]
    assert all(h["region"].startswith("45") for h in guangxi["hits"])  # 广西 and the cities inside it
    municipal = client.get("/api/search", query_string={"q": "个人缴费", "level": "municipal"}).get_json()
    count = next(f["count"] for f in every["facets"]["level"] if f["value"] == "municipal")
    assert municipal["total"] == count
    forwards = client.get("/api/search", query_string={"q": "个人缴费", "relation": "forwards"}).get_json()
    assert {h["docno"] for h in forwards["hits"]} == {"洪医保发〔2020〕52号", "兰医保〔2020〕142号"}


def test_search_errors_name_the_parameter(client) -> None:  # noqa: F811
    assert client.get("/api/search").get_json()["error"]["parameter"] == "q"
    bad = client.get("/api/search", query_string={"q": "医保", "year": "twenty"})
    assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "year"


def test_search_page_marks_words_and_links_results(client) -> None:  # noqa: F811
    page = html(client, "/search?q=" + quote("个人缴费 南宁"))
    assert f'href="{NANNING}"' in page
    assert "<mark>南宁</mark>" in page and "<mark>缴费</mark>" in page
    assert 'class="facet"' in page and "市级 <span class=\"en\">municipal</span>" in page


def test_index_follows_the_store_on_write(store: Store) -> None:
    connection = search.connect(None)
    search.index_notices(store, connection)
    iri = DEFAULT_BASE + "notice/nan2-yi1-bao3-fa1/2020/60"
    assert search.search(connection, "南宁").total >= 1
    search.remove_notices(connection, [iri])
    assert iri not in {h.iri for h in search.search(connection, "南宁").hits}
    search.index_notices(store, connection, [iri])  # a write re-indexes what it wrote
    assert iri in {h.iri for h in search.search(connection, "南宁").hits}


# -- findings -----------------------------------------------------------------------------------------------


def test_validation_lists_the_nanchang_finding_with_both_quotes(client) -> None:  # noqa: F811
    page = html(client, "/validation")
    assert "洪医保发〔2020〕52号" in page and "赣医保发〔2020〕15号" in page
    assert "我市已按每人每年250元标准开展了2020年度城乡居民基本医疗保险缴费征收工作" in page
    assert "达到每人每年 280 元" in page
    data = client.get("/validation", query_string={"format": "json"}).get_json()
    (finding,) = [f for f in data["findings"] if f["rule_slug"] == "agrees-with-followed"]
    assert finding["difference"] == "-30" and finding["other_notice"]["docno"] == "赣医保发〔2020〕15号"


@pytest.mark.parametrize(("query", "count"), [
    ({"rule": "agrees-with-followed"}, 1), ({"rule": "below-floor"}, 0),
    ({"region": "江西省"}, 1), ({"region": "450000"}, 0), ({"region": "南昌市", "rule": "agrees-with-followed"}, 1),
])
def test_validation_filters_by_rule_and_region(client, query: dict, count: int) -> None:  # noqa: F811
    data = client.get("/validation", query_string={**query, "format": "json"}).get_json()
    assert data["count"] == count


def test_validation_rejects_bad_filters(client) -> None:  # noqa: F811
    assert client.get("/validation?rule=%3Cx%3E").status_code == 400
    assert client.get("/validation", query_string={"region": "火星"}).get_json()["error"]["parameter"] == "region"


def test_finding_page_reads_as_a_sentence(client) -> None:  # noqa: F811
    data = client.get("/validation", query_string={"format": "json"}).get_json()
    page = html(client, data["findings"][0]["href"])
    sentence = page[page.index('<div class="sentence">'):page.index("</div>", page.index('<div class="sentence">'))]
    text = re.sub(r"<[^>]+>", "", sentence)
    assert "洪医保发〔2020〕52号（一、）写道" in text and "而赣医保发〔2020〕15号（一、（一））写道" in text
    assert re.search(r"数值为 250 ?\S*，应为 280 ?\S*，相差 -30", text) and "一并补征补缴" in text
    heading = re.sub(r"<[^>]+>", "", page[page.index("<h1>"):page.index("</h1>")])
    assert heading.startswith("个人缴费标准 2020 年度：洪医保发〔2020〕52号")  # the sentence names the figure
    assert "<table class=\"statements\">" not in page  # a sentence, not a triple table


# -- notice page, language ----------------------------------------------------------------------------------


def test_notice_lists_a_related_notice_once_with_all_its_relations(client) -> None:  # noqa: F811
    page = html(client, NANNING)
    related = page[page.index('<section class="relations">'):]
    related = related[:related.index("</section>")]
    items = [li for li in re.findall(r"<li>(.*?)</li>", related, re.S) if "桂医保发〔2020〕46号" in li]
    assert len(items) == 1
    for words in ("贯彻落实", "参照执行", "附件"):
        assert words in items[0]


def test_notice_shows_scopes_text_highlighted_and_no_markdown(client) -> None:  # noqa: F811
    page = html(client, NANNING)
    assert 'class="badge scope"' in page and "非贫困县" in page
    text = page[page.index('<div class="source">'):]
    assert '<a class="figure-mark" href="' + NANNING + "/s/" in text and "<mark>" in text
    assert "**" not in page
    headings = re.findall(r'<div class="section depth-1">\s*<h3><a href="[^"]+">(.*?)</a></h3>', page)
    assert headings[:2] == [h for h in headings[:2] if h.startswith(("一、", "二、"))]


def test_pages_speak_chinese_with_english_beside(client) -> None:  # noqa: F811
    for url in ("/", NANNING, NANNING + "/s/1/f/1", "/id/region/450100", "/validation", "/sparql",
                "/search?q=" + quote("医保"), "/implementation?docno=" + quote("医保发〔2020〕24号")):
        page = html(client, url)
        assert re.search(r"[\u4e00-\u9fff]", page) and '<span class="en">' in page, url
    missing = client.get("/id/notice/no-such/2020/1", headers=HTML)
    assert missing.status_code == 404
    assert "未找到" in missing.get_data(as_text=True) and "not found" in missing.get_data(as_text=True)


# -- SPARQL ---------------------------------------------------------------------------------------------------


def test_select_asked_for_html_is_a_table_with_linked_iris(client) -> None:  # noqa: F811
    query = "PREFIX nkg: <https://noticekg.org/def/> SELECT DISTINCT ?n ?d WHERE { ?n nkg:docNo ?d ; nkg:inCorpus true }"
    accept = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # a browser's
    response = client.get("/sparql", query_string={"query": query}, headers=accept)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert html_errors(page) == []
    assert page.count("<tr>") == 1 + 8 and f'href="{NANNING}"' in page
    machine = client.get("/sparql", query_string={"query": query}, headers={"Accept": "*/*"})
    assert machine.mimetype == "application/sparql-results+json"


def test_canned_query_links_on_home_render_in_a_browser(client) -> None:  # noqa: F811
    home = html(client, "/")
    links = re.findall(r'href="(/sparql\?query=[^"]+)"', home)
    assert len(links) >= 6
    for link in links:
        response = client.get(link.replace("&amp;", "&"), headers=HTML)
        assert response.status_code == 200 and response.mimetype == "text/html", link
        assert "<table class=\"results\">" in response.get_data(as_text=True)


def test_workbench_is_vendored_yasgui_with_the_canned_queries(client) -> None:  # noqa: F811
    page = html(client, "/sparql")
    assert 'src="/static/yasgui/yasgui.min.js"' in page and 'href="/static/yasgui/yasgui.min.css"' in page
    script = re.search(r'<script type="application/json" id="canned-queries">(.*?)</script>', page, re.S)
    queries = json.loads(script.group(1))
    files = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
    assert [q["name"] for q in queries] == [f.name for f in files]
    assert all(q["text"] == f.read_text(encoding="utf-8") for q, f in zip(queries, files, strict=True))
    assert queries[0]["title"].startswith("转发与贯彻落实链")
    with client.get("/static/yasgui/yasgui.min.js") as response:  # a file response: close it
        assert response.status_code == 200 and len(response.data) > 100_000


def test_region_chart_draws_the_parents_figure_for_the_same_tier(client) -> None:  # noqa: F811
    # 桂医保发〔2020〕46号 sets 广西's 市级财政补助 for 设区市 only (55 元/人·年): beside 南宁市 · 设区市 the chart
    # draws that tier of the parent, and does not say the parent has no figure.
    page = html(client, "/id/region/450100")
    chart = page[page.index('<div class="chart-box">', page.index('id="kind-city-subsidy"')):]
    chart = chart[:chart.index("</svg>")]
    assert "南宁市 · 设区市" in chart and "广西壮族自治区 · 设区市" in chart
    assert "广西壮族自治区（无数值 no figure）" not in chart
