"""The look-up API through Flask's test client, on tests/data/linked_fixture.trig (南医保发〔2020〕60号 and the
桂医保发〔2020〕46号 it carries): governs, figures, 文号 resolution and citations; status, media type, errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import lookup, resolve
from graph.store import Store
from tests.html_check import html_errors
from tests.server_fixtures import app, client, stored  # noqa: F401 - fixtures

FIXTURE = Path(__file__).parent / "data" / "linked_fixture.trig"
ID = "https://noticekg.org/id/"
NANNING = "notice/nan2-yi1-bao3-fa1/2020/60"
GUANGXI = "notice/gui4-yi1-bao3-fa1/2020/46"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GOVERNS = {"kind": "individual-contribution", "region": "南宁市", "year": "2021"}


@pytest.fixture
def store() -> Iterator[Store]:
    yield from stored(FIXTURE)


def assert_error(response, status: int) -> dict:
    assert response.status_code == status and response.mimetype == "application/json"
    error = response.json["error"]
    assert error["status"] == status and error["type"] and error["message"]
    return error


# -- /api/governs ---------------------------------------------------------------------------------------------


def test_governs_json_is_the_resolvers_answer(client, store: Store) -> None:  # noqa: F811
    response = client.get("/api/governs", query_string=GOVERNS)
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.json
    # The resolver's answer, with the Chinese of its message and of every reason beside the English.
    assert answer.pop("message_zh").startswith("截至 ")
    reasons = {c["reason"]: c.pop("reason_zh") for c in answer["candidates"]}
    assert reasons["restated by the governing notice"] == "被现行通知转述"
    assert answer == resolve.governing_figure(store, "individual-contribution", "南宁市", 2021).to_json()
    # As the notice text says: 南医保发〔2020〕60号 一、 sets 2021's contribution at no less than 280 元.
    assert response.json["figure"]["value"] == 280 and response.json["notice"]["docno"] == "南医保发〔2020〕60号"
    assert response.json["section"]["path"] == "1"


def test_governs_html_for_a_browser(client) -> None:  # noqa: F811
    response = client.get("/api/governs", query_string=GOVERNS, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert html_errors(page) == []
    assert "不低于 280 元/人·年" in page and "南医保发〔2020〕60号" in page and "个人缴费标准" in page
    assert f'href="/id/{NANNING}"' in page and f'href="/id/{GUANGXI}"' in page  # the chain, as local links
    assert client.get("/api/governs", query_string=GOVERNS | {"format": "json"},
                      headers={"Accept": BROWSER}).mimetype == "application/json"


def test_governs_accepts_a_region_code(client) -> None:  # noqa: F811
    response = client.get("/api/governs", query_string=GOVERNS | {"region": "450100"})
    assert response.status_code == 200 and response.json["question"]["region"] == "450100"


@pytest.mark.parametrize("change, parameter", [
    ({"kind": ""}, "kind"), ({"region": None}, "region"), ({"year": None}, "year"), ({"year": "二〇二一"}, "year"),
    ({"year": "2021.5"}, "year"), ({"region": "不存在市"}, "region"), ({"kind": "no-such-kind"}, "kind"),
])
def test_governs_bad_parameters_are_400(client, change: dict, parameter: str) -> None:  # noqa: F811
    query = {k: v for k, v in (GOVERNS | change).items() if v is not None}
    error = assert_error(client.get("/api/governs", query_string=query), 400)
    assert error["parameter"] == parameter


def test_nothing_governs_is_404_with_the_nearest_candidates(client) -> None:  # noqa: F811
    error = assert_error(client.get("/api/governs", query_string=GOVERNS | {"year": "2030"}), 404)
    assert error["question"]["year"] == 2030
    assert {c["docno"] for c in error["candidates"]} >= {"南医保发〔2020〕60号"}  # the 2021 figures come near
    page = client.get("/api/governs", query_string=GOVERNS | {"year": "2030"}, headers={"Accept": BROWSER})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert html_errors(page.get_data(as_text=True)) == [] and "最接近的候选" in page.get_data(as_text=True)


# -- /api/figures ---------------------------------------------------------------------------------------------


def test_figures_of_a_notice(client, store: Store) -> None:  # noqa: F811
    response = client.get("/api/figures", query_string={"docno": "南医保发[2020]60号"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    figures = response.json["figures"]
    assert response.json["count"] == len(figures) == 3  # the fixture holds three of its figures
    assert figures == lookup.figures(store, docno="南医保发[2020]60号")
    assert {f["quote"] for f in figures} >= {"个人缴费标准为 280 元/人/年", "2020 年 9 月 1 日至 12 月 31 日"}
    assert all(f["docno"] == "南医保发〔2020〕60号" for f in figures)


def test_figures_by_kind_region_and_year(client) -> None:  # noqa: F811
    response = client.get("/api/figures", query_string={"kind": "individual-contribution", "region": "广西",
                                                        "year": "2021"})
    assert [(f["docno"], f["value"]) for f in response.json["figures"]] == [("桂医保发〔2020〕46号", 280)]


def test_figures_as_csv(client) -> None:  # noqa: F811
    response = client.get("/api/figures", query_string={"docno": "桂医保发〔2020〕46号", "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert {(r["kind"], r["value"]) for r in rows} == {
        ("fiscal-subsidy-increase", "30"), ("per-capita-fiscal-subsidy", "550"), ("central-subsidy", "440"),
        ("individual-contribution", "280")}
    assert {r["section_path"] for r in rows} == {"1.1", "1.2"}


def test_figures_errors(client) -> None:  # noqa: F811
    assert_error(client.get("/api/figures", query_string={"year": "last"}), 400)
    assert assert_error(client.get("/api/figures", query_string={"region": "不存在市"}), 400)["parameter"] == "region"
    assert assert_error(client.get("/api/figures", query_string={"kind": "no-such-kind"}), 400)["parameter"] == "kind"
    assert_error(client.get("/api/figures", query_string={"docno": "桂医保发〔2020〕47号"}), 404)


# -- /api/notices/resolve ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["桂医保发〔2020〕46号", "桂医保发[2020]46号", "桂医保发（2020）46号",
                                      "桂医保发〔2020〕46 号", "桂医保发(2020)46号"])
def test_any_spelling_redirects_to_the_notice(client, spelling: str) -> None:  # noqa: F811
    response = client.get("/api/notices/resolve", query_string={"docno": spelling})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/id/{GUANGXI}"
    assert response.json["iri"] == ID + GUANGXI
    assert client.get(response.headers["Location"]).status_code == 200


def test_ambiguous_docno_is_300_with_choices(client) -> None:  # noqa: F811
    response = client.get("/api/notices/resolve", query_string={"docno": "〔2020〕"})
    assert response.status_code == 300 and response.mimetype == "application/json"
    assert {c["docno"] for c in response.json["choices"]} == {"南医保发〔2020〕60号", "桂医保发〔2020〕46号"}
    assert {c["url"] for c in response.json["choices"]} >= {f"/id/{NANNING}", f"/id/{GUANGXI}"}
    page = client.get("/api/notices/resolve", query_string={"docno": "〔2020〕"}, headers={"Accept": BROWSER})
    assert page.status_code == 300 and html_errors(page.get_data(as_text=True)) == []


def test_unknown_docno_is_404_with_suggestions(client) -> None:  # noqa: F811
    error = assert_error(client.get("/api/notices/resolve", query_string={"docno": "桂医保发〔2020〕47号"}), 404)
    assert "桂医保发〔2020〕46号" in [s["docno"] for s in error["suggestions"]]
    assert_error(client.get("/api/notices/resolve"), 400)


# -- /api/cites -------------------------------------------------------------------------------------------------


def test_cites(client, store: Store) -> None:  # noqa: F811
    response = client.get("/api/cites", query_string={"docno": "桂医保发[2020]46号"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json["docno"] == "桂医保发〔2020〕46号" and response.json["notice"] == ID + GUANGXI
    citing = response.json["citing"]
    assert citing == lookup.citing(store, "桂医保发〔2020〕46号")
    # 南医保发〔2020〕60号 implements it (preamble), restates it in 一、 and carries it as its attachment.
    assert {(c["docno"], c["relation"], (c["section"] or {}).get("path")) for c in citing} >= {
        ("南医保发〔2020〕60号", "implements", None), ("南医保发〔2020〕60号", "cites", "1"),
        ("南医保发〔2020〕60号", "attachment", None)}


def test_cites_errors(client) -> None:  # noqa: F811
    assert_error(client.get("/api/cites"), 400)
    assert_error(client.get("/api/cites", query_string={"docno": "桂医保发〔2020〕47号"}), 404)


# -- errors in Chinese with the English beside -----------------------------------------------------------------


@pytest.mark.parametrize(("query", "parameter", "chinese"), [
    ({**GOVERNS, "year": "二〇二一"}, "year", "年度 year 须为整数（如 2021），而不是 '二〇二一'"),
    ({**GOVERNS, "kind": "no-such-kind"}, "kind", "未知的数值种类 'no-such-kind'"),
    ({**GOVERNS, "region": "火星"}, "region", "未知的地区 '火星'"),
])
def test_parameter_errors_say_it_in_chinese(client, query: dict, parameter: str, chinese: str) -> None:  # noqa: F811
    error = client.get("/api/governs", query_string=query).json["error"]
    assert error["status"] == 400 and error["parameter"] == parameter
    assert error["message_zh"].startswith(chinese), error
    page = client.get("/api/governs", query_string=query, headers={"Accept": BROWSER})  # a browser: a page
    assert page.status_code == 400 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert html_errors(text) == []
    assert "400：请求有误" in text and chinese.replace("'", "&#39;") in text and error["message"].split("'")[0] in text


def test_nothing_governs_says_why_in_chinese(client) -> None:  # noqa: F811
    error = client.get("/api/governs", query_string={**GOVERNS, "region": "北京市"}).json["error"]
    assert error["message_zh"] == "北京市 及其上级地区没有 2021 年度的个人缴费标准"
    assert error["candidates"] and all(c["reason_zh"].startswith("其他") for c in error["candidates"])
    page = client.get("/api/governs", query_string={**GOVERNS, "region": "北京市", "format": "html"}).get_data(
        as_text=True)
    assert "北京市 及其上级地区没有 2021 年度的个人缴费标准" in page and "其他地区：南宁市" in page
    assert "format=html&amp;format=json" not in page and "format=json" in page  # the JSON link asks for JSON only
