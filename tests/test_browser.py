"""A real browser against the service: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
opens the home page of the app serving the corpus graph on a free port, follows a link to a notice, and asks
the home page's form which notice governs the 2021 individual contribution in 南宁市.

Skipped only when Chromium is missing outside CI (`make browser-deps` installs it); in CI it must run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from graph.store import Store
from tests.server_fixtures import app, corpus_store, live_server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path("/tmp/noticekg-governs.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="no /usr/bin/chromium (make browser-deps installs it)"),
]


@pytest.fixture(scope="module")
def store(corpus_store: Store) -> Store:  # noqa: F811 - the corpus, for every test here
    return corpus_store


@pytest.fixture
def page(app, live_server: str):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from server.store import start_runners

    # Start the query workers before the Playwright driver exists, as `noticekg serve` does before it
    # listens: a worker forked later would inherit the driver's pipes and keep Playwright from closing.
    with app.app_context():
        start_runners()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"])
        try:
            tab = browser.new_page(viewport={"width": 1100, "height": 900})
            tab.set_default_timeout(15_000)
            yield tab
        finally:
            browser.close()


def test_home_notice_and_governs_in_a_browser(page, live_server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("首页"))
    assert page.locator("html").get_attribute("lang") == "zh"

    # Follow the link to 南医保发〔2020〕60号 from the list of notices.
    page.get_by_role("link", name="南医保发〔2020〕60号", exact=True).first.click()
    page.wait_for_url(re.compile(r"/id/notice/"))
    expect(page.locator("h1")).to_contain_text("关于做好2020年度南宁市城乡居民基本医疗保障有关工作的通知")
    expect(page.locator("blockquote.quote").first).to_be_visible()
    expect(page.locator(".sections")).to_contain_text("按照每人不低于 280 元的标准缴纳")  # a figure's quote

    # Which notice governs the individual contribution in 南宁市 for 2021? Ask through the home page's form.
    page.goto(live_server + "/")
    form = page.locator("#governs form").first
    form.locator("select[name=kind]").select_option("individual-contribution")
    form.locator("input[name=region]").fill("南宁市")
    form.locator("input[name=year]").fill("2021")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/api/governs\?"))
    answer = page.locator("section.answer")
    expect(answer.locator(".value")).to_contain_text("280")
    expect(answer).to_contain_text("南医保发〔2020〕60号")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000

    # Everything the pages loaded came from the service itself: no CDN, no network.
    assert requests and all(url.startswith(live_server) for url in requests), requests
