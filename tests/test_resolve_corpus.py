"""Acceptance: the questions a reader brings, asked of the graph the parser and the RDF writer make from the
bundled corpus. The answers were read from the notices themselves (see DOMAIN: 南宁's 2021 contribution is
taken from 桂医保发〔2020〕46号, which implements 医保发〔2020〕24号; 兰州 forwards 甘医保发〔2020〕66号 and its 附表)."""

from __future__ import annotations

import pytest

from graph.lookup import citing, figures, resolve_docno
from graph.records import ParseResult
from graph.resolve import governing_figure
from graph.store import Store, open_store
from graph.to_rdf import to_dataset


@pytest.fixture(scope="module")
def corpus_store(corpus_results: list[ParseResult]) -> Store:
    store = open_store("memory:")
    store.load_dataset(to_dataset(corpus_results))
    return store


@pytest.mark.parametrize("region", ["南宁市", "南宁", "450100"])
def test_nanning_2021_individual_contribution(corpus_store: Store, region: str) -> None:
    r = governing_figure(corpus_store, "individual-contribution", region, 2021)
    assert r.governed and r.figure is not None and r.notice is not None and r.section is not None
    assert r.figure.value == 280 and r.figure.year == 2021 and r.figure.region == "450100"
    assert r.notice.docno == "南医保发〔2020〕60号" and r.section.path == "1"
    assert "280" in (r.quote or "")
    assert [s.docno for s in r.chain] == ["南医保发〔2020〕60号", "桂医保发〔2020〕46号", "医保发〔2020〕24号"]
    # The provincial figure is a candidate that lost; it is where the city took its value from.
    provincial = [c for c in r.candidates if c.figure.notice.docno == "桂医保发〔2020〕46号"]
    assert [c.figure.value for c in provincial] == [280]
    assert provincial[0].reason in {"restated by the governing notice", "less specific region"}


def test_guangxi_2023_central_subsidy(corpus_store: Store) -> None:
    r = governing_figure(corpus_store, "central-subsidy", "广西", 2023)
    assert r.figure is not None and r.notice is not None
    assert (r.figure.value, r.notice.docno, r.figure.region) == (512, "桂医保发〔2023〕32号", "450000")
    assert [s.docno for s in r.chain] == ["桂医保发〔2023〕32号", "医保发〔2023〕24号"]
    assert r.chain[1].relation == "implements"


def test_lanzhou_2020_per_capita_subsidy_and_the_table_tier(corpus_store: Store) -> None:
    r = governing_figure(corpus_store, "per-capita-fiscal-subsidy", "兰州市", 2020)
    assert r.figure is not None and r.notice is not None
    assert r.figure.value == 550 and r.notice.docno == "兰医保〔2020〕142号"
    assert [(s.docno, s.relation) for s in r.chain][:2] == [
        ("兰医保〔2020〕142号", "states"), ("甘医保发〔2020〕66号", "forwards")]
    assert r.chain[-1].docno == "医保发〔2020〕24号"
    # The 附表 row 第三档 names 兰州: it applies to 兰州 as much as the city's own figure, and loses only
    # to the later notice; the rows for other tiers do not apply.
    tiers = {c.figure.scope: c for c in r.candidates if c.figure.scope}
    third = next(c for scope, c in tiers.items() if "第三档" in scope)
    assert third.figure.value == 550 and third.figure.notice.docno == "甘医保发〔2020〕66号"
    assert "620100" in third.figure.scope_regions and third.reason == "earlier notice"
    assert all(c.reason.startswith("narrower scope") for scope, c in tiers.items() if "第三档" not in scope)


def test_a_question_nothing_answers(corpus_store: Store) -> None:
    r = governing_figure(corpus_store, "individual-contribution", "北京市", 2019)
    assert not r.governed and r.figure is None and r.chain == ()
    assert r.candidates and all(c.figure.kind == "individual-contribution" for c in r.candidates)
    assert r.to_json()["governed"] is False


def test_figures_and_citations_of_corpus_notices(corpus_store: Store) -> None:
    lanzhou = figures(corpus_store, docno="兰医保[2020]142号")
    assert {"per-capita-fiscal-subsidy", "central-subsidy"} <= {f["kind"] for f in lanzhou}
    assert all(f["docno"] == "兰医保〔2020〕142号" and f["quote"] for f in lanzhou)
    relations = {(c["docno"], c["relation"]) for c in citing(corpus_store, "桂医保发〔2020〕46 号")}
    assert ("南医保发〔2020〕60号", "implements") in relations
    assert ("南医保发〔2020〕60号", "attachment") in relations
    assert resolve_docno(corpus_store, "医保发（2020）24号").resolved
