"""A real browser against the service: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
opens the home page of the app serving the corpus graph on a free port (tests/browser_fixtures.py), follows a link to a notice, and asks
the home page's form which notice governs the 2021 individual contribution in 南宁市.

Skipped only when Chromium is missing outside CI (`make browser-deps` installs it); in CI it must run."""

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


def test_home_notice_and_governs_in_a_browser(browser_page, browser_server: str) -> None:
    from playwright.sync_api import expect

    page = browser_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(browser_server + "/")
    expect(page).to_have_title(re.compile("首页"))
    assert page.locator("html").get_attribute("lang") == "zh"

    # Follow the link to 南医保发〔2020〕60号 from the list of notices.
    page.get_by_role("link", name="南医保发〔2020〕60号", exact=True).first.click()
    page.wait_for_url(re.compile(r"/id/notice/"))
    expect(page.locator("h1")).to_contain_text("关于做好2020年度南宁市城乡居民基本医疗保障有关工作的通知")
    expect(page.locator("blockquote.quote").first).to_be_visible()
    expect(page.locator(".sections")).to_contain_text("按照每人不低于 280 元的标准缴纳")  # a figure's quote

    # Which notice governs the individual contribution in 南宁市 for 2021? Ask through the home page's form.
    page.goto(browser_server + "/")
    form = page.locator("#governs form").first
    form.locator("select[name=kind]").select_option("individual-contribution")
    form.locator("input[name=region]").fill("南宁市")
    form.locator("input[name=year]").fill("2021")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/api/governs\?"))
    answer = page.locator("section.answer")
    expect(answer.locator(".value")).to_contain_text("280")
    expect(answer).to_contain_text("南医保发〔2020〕60号")
    shot(page, "governs-form")

    # Everything the pages loaded came from the service itself: no CDN, no network.
    assert requests and all(url.startswith(browser_server) for url in requests), requests
