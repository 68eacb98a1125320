"""graph.lookup on the hand-written graph (tests/data/resolve_fixture.trig): figures by notice, kind, region
and year; a 文号 in any spelling, partial or unknown; who cites a notice; the region and kind arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InputError, NotFound
from graph.lookup import citing, figures, kind_slug, region_code, resolve_docno
from graph.store import Store, open_store

FIXTURE = Path(__file__).resolve().parent / "data" / "resolve_fixture.trig"
B = "https://noticekg.org/id/"
PROVINCE_IRI = B + "notice/xiang-yi-bao-fa/2022/8"
FIGURE_FIELDS = {"iri", "kind", "value", "unit", "qualifier", "year", "region", "scope", "docno", "section", "quote"}


@pytest.fixture(scope="module")
def store() -> Store:
    store = open_store("memory:")
    store.load_file(str(FIXTURE))
    return store


# -- figures ---------------------------------------------------------------------------------------------------


def test_figures_of_a_notice_in_document_order(store: Store) -> None:
    rows = figures(store, docno="长医保发〔2022〕15号")
    assert [(r["kind"], r["value"], r["section"]["label"]) for r in rows] == [
        ("individual-contribution", 350, "一、"), ("per-capita-fiscal-subsidy", 610, "二、")]
    assert all(FIGURE_FIELDS <= set(r) for r in rows)
    assert rows[0]["quote"] == "根据湘医保发〔2022〕8号文件规定：2023年度我市居民个人缴费标准为350元/人"
    assert rows[0]["docno"] == "长医保发〔2022〕15号" and rows[0]["region"] == "430100"


def test_figures_of_a_kind_and_year(store: Store) -> None:
    rows = figures(store, kind="individual-contribution", year=2023)
    assert sorted((r["docno"], r["value"], r["qualifier"]) for r in rows) == [
        ("湘医保发〔2022〕8号", 350, "at-least"), ("长医保发〔2022〕15号", 350, "exact")]


def test_figures_of_a_region_include_the_tiers_that_name_it(store: Store) -> None:
    rows = figures(store, region="长沙", kind="provincial-subsidy")
    assert [(r["value"], r["scope"], r["region"], r["section"]) for r in rows] == [(80, "第二档", "430000", None)]
    assert rows[0]["scope_regions"] == ["430100", "430200"]


def test_figures_of_a_region_the_graph_does_not_hold(store: Store) -> None:
    assert figures(store, region="北京市") == []


def test_figures_with_no_filter_are_all_figures(store: Store) -> None:
    assert len(figures(store)) == 12


def test_figures_of_an_unknown_notice_name_close_ones(store: Store) -> None:
    with pytest.raises(NotFound, match="长医保发〔2022〕15号"):
        figures(store, docno="长医保发〔2022〕16号")


def test_figures_of_an_ambiguous_docno(store: Store) -> None:
    with pytest.raises(InputError, match="长医保发〔2022〕15号.*长医保发〔2022〕3号|长医保发〔2022〕3号.*15号"):
        figures(store, docno="长医保发〔2022〕")


# -- 文号 in any spelling --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "湘医保发〔2022〕8号", "湘医保发[2022]8号", "湘医保发（2022）8号", "湘医保发﹝2022﹞8号",
    "湘医保发 〔2022〕 8 号", "湘医保发〔２０２２〕８號", "（湘医保发〔2022〕8号）",
])
def test_every_spelling_resolves_to_one_notice(store: Store, text: str) -> None:
    found = resolve_docno(store, text)
    assert found.resolved and found.iri == PROVINCE_IRI and found.docno == "湘医保发〔2022〕8号"


def test_a_year_and_serial_alone_resolve_when_only_one_notice_has_them(store: Store) -> None:
    found = resolve_docno(store, "〔2022〕8号")
    assert found.iri == PROVINCE_IRI


@pytest.mark.parametrize("text, expected", [
    ("长医保发〔2022〕", {"长医保发〔2022〕15号", "长医保发〔2022〕3号"}),
    ("湘医保发", {"湘医保发〔2022〕8号", "湘医保发〔2023〕2号"}),
    ("〔2022〕", {"长医保发〔2022〕15号", "长医保发〔2022〕3号", "湘医保发〔2022〕8号", "医保发〔2022〕20号"}),
])
def test_a_partial_docno_gives_its_choices(store: Store, text: str, expected: set[str]) -> None:
    found = resolve_docno(store, text)
    assert not found.resolved and {c.docno for c in found.choices} == expected
    assert all(c.iri.startswith(B + "notice/") for c in found.choices)


def test_an_unknown_docno_gives_close_suggestions(store: Store) -> None:
    found = resolve_docno(store, "长医保发〔2022〕16号")
    assert not found.resolved and found.docno == "长医保发〔2022〕16号" and not found.choices
    assert found.suggestions[0].docno == "长医保发〔2022〕15号"
    data = found.to_json()
    assert data["iri"] is None and data["suggestions"][0]["docno"] == "长医保发〔2022〕15号"


def test_a_notice_known_only_by_citation_resolves(store: Store) -> None:
    found = resolve_docno(store, "医保发[2022]20号")
    assert found.iri == B + "notice/yi-bao-fa/2022/20"
    assert found.choices[0].title == "国家医保局 财政部 国家税务总局关于做好2022年城乡居民基本医疗保障工作的通知"


def test_the_title_of_a_corpus_notice_is_its_own_not_as_cited(store: Store) -> None:
    [choice] = resolve_docno(store, "湘医保发〔2022〕8号").choices
    assert choice.title and choice.title.startswith("湖南省医疗保障局")


# -- who cites a notice ------------------------------------------------------------------------------------------


def test_citing_lists_each_citation_with_relation_section_and_title_as_cited(store: Store) -> None:
    rows = citing(store, "湘医保发[2022]8号")
    assert {(r["docno"], r["relation"]) for r in rows} == {
        ("长医保发〔2022〕15号", "forwards"), ("长医保发〔2022〕15号", "cites"), ("长医保发〔2022〕15号", "attachment")}
    assert len(rows) == 3  # one per citation, however many graphs repeat the citing notice's 文号
    forwards = next(r for r in rows if r["relation"] == "forwards")
    assert forwards["title_as_cited"] == "关于做好2022年城乡居民基本医疗保障工作的通知"
    assert forwards["docno_as_cited"] == "湘医保发〔2022〕8 号" and forwards["section"] is None
    cites = next(r for r in rows if r["relation"] == "cites")
    assert cites["section"] == {"path": "1", "label": "一、"}


def test_citing_a_national_notice_known_only_by_citation(store: Store) -> None:
    rows = citing(store, "医保发〔2022〕20号")
    assert [(r["docno"], r["relation"]) for r in rows] == [("湘医保发〔2022〕8号", "implements")]


def test_citing_an_unknown_notice(store: Store) -> None:
    with pytest.raises(NotFound):
        citing(store, "京医保发〔2022〕1号")


# -- the arguments a user types -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, code", [
    ("南宁市", "450100"), ("南宁", "450100"), ("广西", "450000"), ("广西壮族自治区", "450000"),
    ("450100", "450100"), ("４５０１００", "450100"), ("全国", "100000"), (" 兰州 ", "620100"),
])
def test_region_code(text: str, code: str) -> None:
    assert region_code(text) == code


@pytest.mark.parametrize("text", ["火星", "123456", "南"])
def test_unknown_region(text: str) -> None:
    with pytest.raises(NotFound, match="region"):
        region_code(text)


def test_kind_by_slug_or_label(store: Store) -> None:
    assert kind_slug(store, "central-subsidy") == "central-subsidy"
    assert kind_slug(store, "人均财政补助标准") == "per-capita-fiscal-subsidy"
    assert kind_slug(store, "critical-illness-premium") == "critical-illness-premium"  # in the scheme, no figure


def test_unknown_kind_names_close_kinds(store: Store) -> None:
    with pytest.raises(NotFound, match="did you mean individual-contribution"):
        kind_slug(store, "individual-contributon")
    with pytest.raises(NotFound, match="did you mean .*individual-contribution"):
        kind_slug(store, "individual")
