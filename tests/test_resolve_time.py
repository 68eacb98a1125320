"""Governing figures as of a date, on the corpus and with made-up later notices (tests/data/time/): what was
in force, what a later notice superseded, and a figure that yields (从其规定) to a later higher-level rule.
Dates come from the texts: corpus notices enter into force when printed (none states a date);
医保发〔2021〕32号 (made up) from 2021-06-01; 桂医保发〔2021〕10号 (made up) when signed, 2021-03-15, and it
repeals 桂医保发〔2020〕46号."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.parse import parse_paths
from graph.records import ParseResult
from graph.resolve import governing_figure
from graph.store import Store, open_store
from graph.to_rdf import to_dataset

TIME = Path(__file__).parent / "data" / "time"
NANNING, GUANGXI_2020, GUANGXI_2023 = "南医保发〔2020〕60号", "桂医保发〔2020〕46号", "桂医保发〔2023〕32号"


def store_of(results: list[ParseResult]) -> Store:
    store = open_store("memory:")
    store.load_dataset(to_dataset(results))
    return store


@pytest.fixture(scope="module")
def corpus(corpus_results: list[ParseResult]) -> Store:
    return store_of(corpus_results)


@pytest.fixture(scope="module")
def with_national(corpus_results: list[ParseResult]) -> Store:
    return store_of(corpus_results + parse_paths([TIME / "national-2021-entry-prevails.txt"]))


@pytest.fixture(scope="module")
def with_guangxi(corpus_results: list[ParseResult]) -> Store:
    return store_of(corpus_results + parse_paths([TIME / "guangxi-2021-supersedes-repeals.txt"]))


@pytest.mark.parametrize(("kind", "year", "docno", "value"), [
    ("per-capita-fiscal-subsidy", 2023, GUANGXI_2023, 640), ("individual-contribution", 2024, GUANGXI_2023, 380),
    ("per-capita-fiscal-subsidy", 2020, GUANGXI_2020, 550), ("individual-contribution", 2021, GUANGXI_2020, 280),
    ("per-capita-fiscal-subsidy", 2017, "桂人社发〔2017〕33号", 450),
])
def test_guangxi_2023_supersedes_the_2020_figures_only_for_the_years_it_sets(
        corpus: Store, kind: str, year: int, docno: str, value: int) -> None:
    r = governing_figure(corpus, kind, "广西", year, as_of=dt.date(2024, 1, 1))
    assert r.figure is not None and r.notice is not None
    assert (r.notice.docno, r.figure.value) == (docno, value)
    assert r.superseded_by == ()


def test_before_the_2023_notice_was_issued_nothing_governs_2023(corpus: Store) -> None:
    r = governing_figure(corpus, "per-capita-fiscal-subsidy", "广西", 2023, as_of=dt.date(2023, 8, 1))
    assert not r.governed and "in force on 2023-08-01" in r.message
    [later] = [c for c in r.candidates if c.figure.notice.docno == GUANGXI_2023]
    assert later.reason == "not yet in force on 2023-08-01: in force from 2023-08-24"
    r = governing_figure(corpus, "per-capita-fiscal-subsidy", "广西", 2023, as_of=dt.date(2023, 8, 24))
    assert r.governed and r.in_force is not None and r.in_force.entry is not None
    assert (r.in_force.entry.basis, r.in_force.entry.rule) == ("derived", "entry-on-issue")


def test_nanning_280_governs_when_no_later_national_rule_is_in_the_graph(corpus: Store) -> None:
    r = governing_figure(corpus, "individual-contribution", "南宁市", 2021, as_of=dt.date(2021, 7, 1))
    assert r.notice is not None and (r.notice.docno, r.figure and r.figure.value) == (NANNING, 280)
    assert r.figure is not None and r.figure.yields_to_national and r.yields == ()


def test_nanning_280_yields_to_a_later_national_rule_once_it_is_in_force(with_national: Store) -> None:
    before = governing_figure(with_national, "individual-contribution", "南宁市", 2021, as_of=dt.date(2021, 3, 1))
    assert before.notice is not None and before.notice.docno == NANNING
    [later] = [c for c in before.superseded_by if c.figure.notice.docno == "医保发〔2021〕32号"]
    assert later.figure.value == 320 and "yields to this later higher-level rule" in later.reason
    after = governing_figure(with_national, "individual-contribution", "南宁市", 2021, as_of=dt.date(2021, 7, 1))
    assert after.notice is not None and after.figure is not None
    assert (after.notice.docno, after.figure.value, after.figure.region) == ("医保发〔2021〕32号", 320, "100000")
    assert NANNING in {y.figure.notice.docno for y in after.yields}
    assert all(y.to.iri == after.figure.iri for y in after.yields)
    data = after.to_json()
    assert data["yields"][0]["rule"] == "yields-to-later-higher-rule"
    assert data["in_force"]["entry_into_force"] == {"date": "2021-06-01", "basis": "stated",
                                                    "quote": "本通知自2021年6月1日起施行", "rule": None, "by": None}


def test_a_repeal_ends_the_repealed_notice_and_the_later_notice_governs(with_guangxi: Store) -> None:
    r = governing_figure(with_guangxi, "individual-contribution", "广西", 2021, as_of=dt.date(2021, 6, 1))
    assert r.notice is not None and r.figure is not None
    assert (r.notice.docno, r.figure.value) == ("桂医保发〔2021〕10号", 350)
    [old] = [c for c in r.candidates if c.figure.notice.docno == GUANGXI_2020]
    assert old.reason == "no longer in force on 2021-06-01: in force until 2021-03-14 (repealed by 桂医保发〔2021〕10号)"
    earlier = governing_figure(with_guangxi, "individual-contribution", "广西", 2021, as_of=dt.date(2021, 1, 1))
    assert earlier.notice is not None and earlier.notice.docno == GUANGXI_2020
    assert [c.figure.notice.docno for c in earlier.superseded_by] == ["桂医保发〔2021〕10号"]


def test_nanning_yields_to_the_later_provincial_rule_too(with_guangxi: Store) -> None:
    """南宁's text: 国家、自治区对个人缴费有新规定的，从其规定 — a later 自治区 rule takes over as well."""
    r = governing_figure(with_guangxi, "individual-contribution", "南宁市", 2021, as_of=dt.date(2021, 6, 1))
    assert r.notice is not None and r.notice.docno == "桂医保发〔2021〕10号"
    assert NANNING in {y.figure.notice.docno for y in r.yields}


def test_a_figure_past_its_stated_end_no_longer_governs(with_guangxi: Store) -> None:
    r = governing_figure(with_guangxi, "individual-contribution", "广西", 2021, as_of=dt.date(2022, 3, 1))
    assert not r.governed
    assert any(c.reason.startswith("no longer in force on 2022-03-01: in force until 2021-12-31")
               for c in r.candidates)


def test_the_timeline_of_a_kind_in_a_region(corpus: Store) -> None:
    from graph.timeline import kind_timeline

    t = kind_timeline(corpus, "individual-contribution", "广西", as_of=dt.date(2026, 1, 1))
    assert [(s.year, str(s.figure.value), s.figure.notice.docno, s.status) for s in t.steps] == [
        (2018, "180", "桂人社发〔2017〕33号", "governs"), (2021, "280", GUANGXI_2020, "governs"),
        (2024, "380", GUANGXI_2023, "governs")]
    assert t.steps[-1].since == "2023-08-24" and t.steps[-1].today
