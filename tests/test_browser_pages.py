"""Every page type in a real browser (Debian's headless Chromium driven by Playwright), over the corpus with its
validation report: load each one and keep a screenshot (var/screenshots/, not committed), click from a city
notice through its chain diagram to the national notice, search and open a result, open the implementation
table of 医保发〔2020〕24号, run a canned query in the workbench and see rows, and check that a notice holding
`<script>` shows it as text. Every request the pages make is intercepted: none may leave the server."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser_fixtures import CHROMIUM, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="no /usr/bin/chromium (make browser-deps installs it)"),
]


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
    "agency": ("/id/agency/360000/jiang-xi-sheng-cai-zheng-ting", "h1", "江西省财政厅"),
    "kind": ("/def/kind/individual-contribution", "h1", "个人缴费标准"),
    "governs-nothing": ("/api/governs?kind=individual-contribution&region=北京市&year=2021&format=html",
                        "section.answer.none", "北京市 及其上级地区没有 2021 年度的个人缴费标准"),
    "bad-request": ("/api/governs?kind=individual-contribution&region=南宁市&year=明年&format=html", "h1",
                    "年度 year 须为整数"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_type_loads(browser_page, browser_server: str, name: str) -> None:
    from playwright.sync_api import expect

    url, selector, text = PAGES[name]
    browser_page.goto(browser_server + url)
    expect(browser_page.locator(selector).first).to_be_visible()
    expect(browser_page.locator("main")).to_contain_text(text)
    assert browser_page.locator("html").get_attribute("lang") == "zh"
    shot(browser_page, name)


def test_finding_page_reads_as_a_sentence(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    browser_page.goto(browser_server + "/validation")
    browser_page.locator("tr.message-row a").first.click()
    browser_page.wait_for_url(re.compile(r"/id/validation/"))
    expect(browser_page.locator(".sentence")).to_contain_text("而赣医保发〔2020〕15号")
    shot(browser_page, "finding")


def test_from_a_city_notice_through_its_chain_to_the_national_notice(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    browser_page.goto(browser_server + "/id/notice/nan2-yi1-bao3-fa1/2020/60")
    expect(browser_page.locator("svg.chain a.node.current")).to_contain_text("南医保发〔2020〕60号")
    browser_page.locator("svg.chain a.node", has_text="桂医保发〔2020〕46号").click()
    browser_page.wait_for_url(re.compile(r"/gui4-yi1-bao3-fa1/2020/46$"))
    expect(browser_page.locator("svg.chain a.node.current")).to_contain_text("桂医保发〔2020〕46号")
    browser_page.locator("svg.chain a.node", has_text="医保发〔2020〕24号").first.click()
    browser_page.wait_for_url(re.compile(r"/yi1-bao3-fa1/2020/24$"))
    expect(browser_page.locator("dd.docno")).to_have_text("医保发〔2020〕24号")
    expect(browser_page.locator(".kicker")).to_contain_text("仅见于引用")


def test_search_and_open_a_result(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    browser_page.goto(browser_server + "/")
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


def test_implementation_table_of_the_national_notice(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    browser_page.goto(browser_server + "/id/notice/yi1-bao3-fa1/2020/24")
    browser_page.get_by_role("link", name=re.compile("贯彻落实情况表")).click()
    browser_page.wait_for_url(re.compile(r"/implementation\?docno="))
    table = browser_page.locator("table.implementation-table")
    for docno in ("桂医保发〔2020〕46号", "南医保发〔2020〕60号", "赣医保发〔2020〕15号", "洪医保发〔2020〕52号",
                  "甘医保发〔2020〕66号", "兰医保〔2020〕142号"):
        expect(table).to_contain_text(docno)
    expect(table.locator("tr.dev.differs").first).to_be_visible()  # 南昌's 250 against 江西's 280


def test_workbench_runs_a_canned_query(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    browser_page.goto(browser_server + "/sparql")
    expect(browser_page.locator(".yasqe .CodeMirror")).to_be_visible()
    expect(browser_page.locator(".tabsList")).to_contain_text("转发与贯彻落实链")
    browser_page.locator(".yasqe_queryButton").first.click()
    rows = browser_page.locator(".yasr table tbody tr")
    expect(rows.first).to_contain_text("洪医保发〔2020〕52号")
    assert rows.count() >= 2
    shot(browser_page, "workbench")


def test_a_notice_holding_script_shows_it_as_text(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    browser_page.goto(browser_server + "/id/notice/test-script/2031/9")
    expect(browser_page.locator("h1")).to_contain_text("<script>window.__pwned = 1</script>")
    expect(browser_page.locator("div.source")).to_contain_text("<b>每人</b>")
    assert browser_page.evaluate("typeof window.__pwned") == "undefined"
    browser_page.goto(browser_server + "/search?q=" + "通知")
    assert browser_page.evaluate("typeof window.__pwned") == "undefined"
