"""Every page type in a real browser (Debian's headless Chromium driven by Playwright), over the corpus with its
validation report: load each one and keep a screenshot (var/screenshots/, not committed), click from a city
notice through its chain diagram to the national notice, search and open a result, open the implementation
table of 医保发〔2020〕24号, run a canned query in the workbench and see rows, and check that a notice holding
`<script>` shows it as text. Every request the pages make is intercepted: none may leave the server."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.build import validation_findings
from graph.records import ParseResult
from graph.store import Store, open_store
from graph.to_rdf import DEFAULT_BASE, to_dataset
from graph.vocab import NKG
from server import create_app
from server.store import close, start_runners
from tests.server_fixtures import live_server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "var" / "screenshots"
HOSTILE = URIRef(DEFAULT_BASE + "notice/test-script/2031/9")
HOSTILE_TEXT = "关于<script>window.__pwned = 1</script>的通知\n一、个人缴费标准为<b>每人</b>每年 400 元。"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="no /usr/bin/chromium (make browser-deps installs it)"),
]


def hostile_notice() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    g = ds.graph(URIRef(str(HOSTILE) + "/graph"))
    source = URIRef(DEFAULT_BASE + "source/test-script")
    g.add((HOSTILE, RDF.type, NKG.Notice))
    g.add((HOSTILE, NKG.docNo, Literal("测医保发〔2031〕9号")))
    g.add((HOSTILE, NKG.inCorpus, Literal(True)))
    g.add((HOSTILE, DCTERMS.title, Literal("关于<script>window.__pwned = 1</script>的通知", lang="zh")))
    g.add((HOSTILE, PROV.wasDerivedFrom, source))
    g.add((HOSTILE, NKG.sourceStart, Literal(0)))
    g.add((HOSTILE, NKG.sourceEnd, Literal(len(HOSTILE_TEXT))))
    g.add((source, RDF.type, NKG.SourceFile))
    g.add((source, NKG.text, Literal(HOSTILE_TEXT)))
    return ds


@pytest.fixture(scope="module")
def store(corpus_results: list[ParseResult]) -> Iterator[Store]:
    opened = open_store("memory:")
    dataset = to_dataset(corpus_results)
    opened.load_dataset(dataset)
    validation_findings(dataset, opened, DEFAULT_BASE)
    opened.load_dataset(hostile_notice())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def search_index(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The search index of `store`, built once for the module (each app would build its own)."""
    from graph import search

    path = tmp_path_factory.mktemp("search") / "search.sqlite"
    connection = search.connect(path)
    search.index_notices(store, connection)
    connection.close()
    return path


@pytest.fixture
def app(store: Store, search_index: Path) -> Iterator:
    application = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 5.0, "QUERY_WORKERS": 1,
                              "SEARCH_INDEX": str(search_index)})
    with application.app_context():
        # Fork the query worker now, before Playwright opens its pipes: a worker forked later would hold the
        # driver's pipe open, and the driver would wait for it at the end of the test.
        start_runners()
    yield application
    close(application)


@pytest.fixture
def browser_page(live_server: str) -> Iterator:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"])
        try:
            tab = browser.new_page(viewport={"width": 1200, "height": 1400})
            tab.set_default_timeout(20_000)
            tab.outside = []  # every request for another origin, aborted

            def route(request_route) -> None:  # noqa: ANN001
                url = request_route.request.url
                if url.startswith(live_server) or url.startswith(("data:", "blob:", "about:")):
                    request_route.continue_()
                else:
                    tab.outside.append(url)
                    request_route.abort()

            tab.route("**/*", route)
            yield tab
            assert tab.outside == [], tab.outside  # no request left the server
        finally:
            browser.close()


def shot(tab, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=False)  # the first screenful: full pages take minutes on a busy machine
    assert path.stat().st_size > 10_000


PAGES = {
    "home": ("/", "h1", "来源知识图谱"),
    "notice": ("/id/notice/nan2-yi1-bao3-fa1/2020/60", "svg.chain", "桂医保发〔2020〕46号"),
    "notice-by-citation": ("/id/notice/yi1-bao3-fa1/2020/24", "svg.chain", "桂医保发〔2020〕46号"),
    "figure": ("/id/notice/gui4-yi1-bao3-fa1/2020/46/s/1/1/f/1", ".chart-box svg", "广西壮族自治区"),
    "region": ("/id/region/450000", ".chart-box svg", "人均财政补助标准"),
    "section": ("/id/notice/nan2-yi1-bao3-fa1/2020/60/s/1", "h1", "一、"),
    "governs": ("/api/governs?kind=individual-contribution&region=南宁市&year=2021&format=html", "svg.chain",
                "南医保发〔2020〕60号"),
    "search": ("/search?q=个人缴费 南宁", "ol.hits", "南医保发〔2020〕60号"),
    "implementation": ("/implementation?docno=医保发〔2020〕24号", "table.implementation-table", "赣医保发〔2020〕15号"),
    "validation": ("/validation", "table.findings-table", "洪医保发〔2020〕52号"),
    "sparql-results": ("/sparql?query=SELECT DISTINCT ?n WHERE { ?n a <https://noticekg.org/def/Notice> } LIMIT 5",
                       "table.results", "notice/"),
    "not-found": ("/id/notice/no-such/2020/1", "h1", "未找到"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_type_loads(browser_page, live_server: str, name: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    url, selector, text = PAGES[name]
    browser_page.goto(live_server + url)
    expect(browser_page.locator(selector).first).to_be_visible()
    expect(browser_page.locator("main")).to_contain_text(text)
    assert browser_page.locator("html").get_attribute("lang") == "zh"
    shot(browser_page, name)


def test_finding_page_reads_as_a_sentence(browser_page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    browser_page.goto(live_server + "/validation")
    browser_page.locator("tr.message-row a").first.click()
    browser_page.wait_for_url(re.compile(r"/id/validation/"))
    expect(browser_page.locator(".sentence")).to_contain_text("而赣医保发〔2020〕15号")
    shot(browser_page, "finding")


def test_from_a_city_notice_through_its_chain_to_the_national_notice(browser_page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    browser_page.goto(live_server + "/id/notice/nan2-yi1-bao3-fa1/2020/60")
    expect(browser_page.locator("svg.chain a.node.current")).to_contain_text("南医保发〔2020〕60号")
    browser_page.locator("svg.chain a.node", has_text="桂医保发〔2020〕46号").click()
    browser_page.wait_for_url(re.compile(r"/gui4-yi1-bao3-fa1/2020/46$"))
    expect(browser_page.locator("svg.chain a.node.current")).to_contain_text("桂医保发〔2020〕46号")
    browser_page.locator("svg.chain a.node", has_text="医保发〔2020〕24号").first.click()
    browser_page.wait_for_url(re.compile(r"/yi1-bao3-fa1/2020/24$"))
    expect(browser_page.locator("dd.docno")).to_have_text("医保发〔2020〕24号")
    expect(browser_page.locator(".kicker")).to_contain_text("仅见于引用")


def test_search_and_open_a_result(browser_page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    browser_page.goto(live_server + "/")
    form = browser_page.locator("header form.quick-search")
    form.locator("input[name=q]").fill("个人缴费")
    form.get_by_role("button").click()
    browser_page.wait_for_url(re.compile(r"/search\?q="))
    expect(browser_page.locator("li.hit mark").first).to_be_visible()
    first = browser_page.locator("li.hit h3 a").first
    docno = first.inner_text()
    first.click()
    browser_page.wait_for_url(re.compile(r"/id/notice/"))
    expect(browser_page.locator("dd.docno")).to_have_text(docno)


def test_implementation_table_of_the_national_notice(browser_page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    browser_page.goto(live_server + "/id/notice/yi1-bao3-fa1/2020/24")
    browser_page.get_by_role("link", name=re.compile("贯彻落实情况表")).click()
    browser_page.wait_for_url(re.compile(r"/implementation\?docno="))
    table = browser_page.locator("table.implementation-table")
    for docno in ("桂医保发〔2020〕46号", "南医保发〔2020〕60号", "赣医保发〔2020〕15号", "洪医保发〔2020〕52号",
                  "甘医保发〔2020〕66号", "兰医保〔2020〕142号"):
        expect(table).to_contain_text(docno)
    expect(table.locator("tr.dev.differs").first).to_be_visible()  # 南昌's 250 against 江西's 280


def test_workbench_runs_a_canned_query(browser_page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    browser_page.goto(live_server + "/sparql")
    expect(browser_page.locator(".yasqe .CodeMirror")).to_be_visible()
    expect(browser_page.locator(".tabsList")).to_contain_text("转发与贯彻落实链")
    browser_page.locator(".yasqe_queryButton").first.click()
    rows = browser_page.locator(".yasr table tbody tr")
    expect(rows.first).to_contain_text("洪医保发〔2020〕52号")
    assert rows.count() >= 2
    shot(browser_page, "workbench")


def test_a_notice_holding_script_shows_it_as_text(browser_page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    browser_page.goto(live_server + "/id/notice/test-script/2031/9")
    expect(browser_page.locator("h1")).to_contain_text("<script>window.__pwned = 1</script>")
    expect(browser_page.locator("div.source")).to_contain_text("<b>每人</b>")
    assert browser_page.evaluate("typeof window.__pwned") == "undefined"
    browser_page.goto(live_server + "/search?q=" + "通知")
    assert browser_page.evaluate("typeof window.__pwned") == "undefined"
