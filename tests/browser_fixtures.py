"""The browser tests' fixtures, once per session: a plugin (`pytest_plugins` in tests/conftest.py), so that
tests/test_browser.py and tests/test_browser_pages.py share one server and one Chromium instead of launching
their own (each launch costs seconds on a busy machine). Nothing here starts until a test asks for it.

    browser_store   the corpus with its validation report, plus a made-up notice holding `<script>`
    browser_server  the app over it (search index built once) behind a real socket: its base URL
    browser         Debian's headless Chromium (/usr/bin/chromium) driven by Playwright
    shot(tab, name)  keeps the first screenful of a page as var/screenshots/NAME.png (not committed)

    browser_page    a fresh tab in a context of its own for one test; every request for another origin is
                    aborted and recorded, and the test fails if there was any (no request leaves the server)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from server_fixtures import serving

from graph.records import ParseResult
from graph.store import Store
from graph.to_rdf import DEFAULT_BASE
from graph.vocab import NKG

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
HOSTILE = URIRef(DEFAULT_BASE + "notice/test-script/2031/9")
HOSTILE_TITLE = "关于<script>window.__pwned = 1</script>的通知"
HOSTILE_TEXT = HOSTILE_TITLE + "\n一、个人缴费标准为<b>每人</b>每年 400 元。"


def hostile_notice() -> rdflib.Dataset:
    """A notice whose title and text hold markup: the pages must show it as text."""
    ds = rdflib.Dataset()
    g = ds.graph(URIRef(str(HOSTILE) + "/graph"))
    source = URIRef(DEFAULT_BASE + "source/test-script")
    g.add((HOSTILE, RDF.type, NKG.Notice))
    g.add((HOSTILE, NKG.docNo, Literal("测医保发〔2031〕9号")))
    g.add((HOSTILE, NKG.inCorpus, Literal(True)))
    g.add((HOSTILE, DCTERMS.title, Literal(HOSTILE_TITLE, lang="zh")))
    g.add((HOSTILE, PROV.wasDerivedFrom, source))
    g.add((HOSTILE, NKG.sourceStart, Literal(0)))
    g.add((HOSTILE, NKG.sourceEnd, Literal(len(HOSTILE_TEXT))))
    g.add((source, RDF.type, NKG.SourceFile))
    g.add((source, NKG.text, Literal(HOSTILE_TEXT)))
    return ds


@pytest.fixture(scope="session")
def browser_store(corpus_results: list[ParseResult]) -> Iterator[Store]:
    from graph.build import validation_findings
    from graph.store import open_store
    from graph.to_rdf import to_dataset

    opened = open_store("memory:")
    dataset = to_dataset(corpus_results)
    opened.load_dataset(dataset)
    validation_findings(dataset, opened, DEFAULT_BASE)
    opened.load_dataset(hostile_notice())
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def browser_server(browser_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from graph import search
    from server import create_app
    from server.store import close, start_runners

    index = tmp_path_factory.mktemp("search") / "search.sqlite"
    connection = search.connect(index)
    search.index_notices(browser_store, connection)
    connection.close()
    app = create_app({"TESTING": True, "STORE": browser_store, "QUERY_TIMEOUT": 5.0, "QUERY_WORKERS": 1,
                      "SEARCH_INDEX": str(index)})
    with app.app_context():
        # Fork the query workers now, before Playwright's driver exists (as `noticekg serve` does before it
        # listens): a worker forked later would hold the driver's pipes open and keep Playwright from closing.
        start_runners()
    yield from serving(app, "browser-server")
    close(app)


@pytest.fixture(scope="session")
def browser(browser_server: str) -> Iterator:  # the server first: its workers fork before the driver starts
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"])
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser_page(browser, browser_server: str) -> Iterator:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.outside = []  # every request for another origin, aborted

    def route(request_route) -> None:  # noqa: ANN001
        url = request_route.request.url
        if url.startswith(browser_server) or url.startswith(("data:", "blob:", "about:")):
            request_route.continue_()
        else:
            tab.outside.append(url)
            request_route.abort()

    tab.route("**/*", route)
    try:
        yield tab
        assert tab.outside == [], tab.outside  # no request left the server
    finally:
        context.close()


def shot(tab, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=False)  # the first screenful: full pages take minutes on a busy machine
    assert path.stat().st_size > 10_000
