"""graph.resolve on a hand-written graph (tests/data/resolve_fixture.trig): a national notice known only by
citation, a provincial notice implementing it (with a 附表 of tiers naming cities), a city notice forwarding
it and restating one of its figures, an earlier city notice, and a later national rule that a provincial
figure yields to. Every expected value below is read off the fixture file."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import NotFound
from graph.resolve import Resolution, governing_figure
from graph.store import Store, open_store

FIXTURE = Path(__file__).resolve().parent / "data" / "resolve_fixture.trig"
CITY, PROVINCE, NATIONAL = "长医保发〔2022〕15号", "湘医保发〔2022〕8号", "医保发〔2022〕20号"


@pytest.fixture(scope="module")
def store() -> Store:
    store = open_store("memory:")
    store.load_file(str(FIXTURE))
    return store


def reasons(resolution: Resolution) -> dict[str, str]:
    """Losing figure IRI → why it lost."""
    return {c.figure.iri: c.reason for c in resolution.candidates}


def test_the_city_figure_governs_and_the_chain_names_the_original(store: Store) -> None:
    r = governing_figure(store, "individual-contribution", "长沙市", 2023)
    assert r.governed and r.figure is not None and r.notice is not None and r.section is not None
    assert (r.figure.value, r.figure.unit, r.figure.qualifier, r.figure.year) == (350, "元/人·年", "exact", 2023)
    assert r.figure.region == "430100" and r.figure.scope is None
    assert r.notice.docno == CITY and r.section.label == "一、" and r.section.path == "1"
    assert "350元" in (r.quote or "")
    assert [(s.docno, s.relation) for s in r.chain] == [
        (CITY, "states"), (PROVINCE, "restates"), (NATIONAL, "implements")]
    # The provincial figure the city restates loses for that reason, not merely for being less specific.
    assert reasons(r) == {
        "https://noticekg.org/id/notice/xiang-yi-bao-fa/2022/8/s/1/2/f/1": "restated by the governing notice"}


@pytest.mark.parametrize("region", ["长沙市", "长沙", "430100", "浏阳市", "430181"])
def test_region_by_name_short_name_code_or_a_county_inside(store: Store, region: str) -> None:
    r = governing_figure(store, "individual-contribution", region, 2023)
    assert r.figure is not None
    assert r.figure.iri == "https://noticekg.org/id/notice/chang-yi-bao-fa/2022/15/s/1/f/1"


def test_region_code_is_reported_for_the_question(store: Store) -> None:
    r = governing_figure(store, "individual-contribution", "浏阳", 2023)
    assert (r.region, r.region_name) == ("430181", "浏阳市")


def test_less_specific_region_and_earlier_notice_lose(store: Store) -> None:
    r = governing_figure(store, "per-capita-fiscal-subsidy", "长沙", 2022)
    assert r.figure is not None and r.notice is not None
    assert (r.figure.value, r.notice.docno, r.section and r.section.label) == (610, CITY, "二、")
    assert [(s.docno, s.relation) for s in r.chain] == [
        (CITY, "states"), (PROVINCE, "forwards"), (NATIONAL, "implements")]
    assert reasons(r) == {
        "https://noticekg.org/id/notice/chang-yi-bao-fa/2022/3/f/1": "earlier notice",
        "https://noticekg.org/id/notice/xiang-yi-bao-fa/2022/8/s/1/1/f/1": "less specific region",
    }


def test_a_tier_that_names_the_region_governs_when_no_scope_is_asked(store: Store) -> None:
    r = governing_figure(store, "provincial-subsidy", "长沙市", 2022)
    assert r.figure is not None and r.notice is not None
    assert (r.figure.value, r.figure.scope, r.notice.docno) == (80, "第二档", PROVINCE)
    assert "430100" in r.figure.scope_regions and r.section is None  # a 附表 cell, outside the sections
    assert reasons(r) == {
        "https://noticekg.org/id/notice/xiang-yi-bao-fa/2022/8/f/1": "narrower scope: 第一档",
        "https://noticekg.org/id/notice/xiang-yi-bao-fa/2022/8/s/1/1/f/3": "narrower scope: 非脱贫县",
    }
    assert [s.docno for s in r.chain] == [PROVINCE, NATIONAL]


@pytest.mark.parametrize("scope", ["非脱贫县", "非脱贫县（区）", " 非脱贫县 "])
def test_a_scope_in_the_question_drops_other_scopes(store: Store, scope: str) -> None:
    r = governing_figure(store, "provincial-subsidy", "长沙市", 2022, scope=scope)
    assert r.figure is not None and (r.figure.value, r.figure.scope) == (61, "非脱贫县")
    assert set(reasons(r).values()) == {"different scope"} and len(r.candidates) == 2


def test_a_scope_is_matched_whole_never_inside_another(store: Store) -> None:
    """脱贫县 is not 非脱贫县, though one name holds the other."""
    r = governing_figure(store, "provincial-subsidy", "长沙市", 2022, scope="脱贫县")
    assert not r.governed and "scope 脱贫县" in r.message
    assert {c.figure.scope: c.reason for c in r.candidates}["非脱贫县"] == "different scope"


def test_only_scoped_figures_for_the_whole_region_means_nothing_governs(store: Store) -> None:
    r = governing_figure(store, "provincial-subsidy", "湖南", 2022)
    assert not r.governed and r.figure is None and r.chain == ()
    assert "ask with a scope" in r.message
    assert sorted(c.reason for c in r.candidates) == [
        "narrower scope: 第一档", "narrower scope: 第二档", "narrower scope: 非脱贫县"]


def test_a_figure_that_yields_loses_to_a_later_higher_level_rule(store: Store) -> None:
    r = governing_figure(store, "individual-contribution", "长沙市", 2024)
    assert r.figure is not None and r.notice is not None
    assert (r.figure.value, r.notice.docno, r.figure.region) == (380, "医保发〔2023〕9号", "100000")
    [loser] = r.candidates
    assert loser.figure.notice.docno == "湘医保发〔2023〕2号"
    assert loser.reason.startswith("superseded by 医保发〔2023〕9号")
    assert [s.docno for s in r.chain] == ["医保发〔2023〕9号"]


def test_nothing_governs_gives_the_nearest_candidates(store: Store) -> None:
    r = governing_figure(store, "individual-contribution", "北京市", 2023)
    assert not r.governed and r.figure is None and r.notice is None and r.quote is None
    assert "北京市" in r.message
    found = {(c.figure.notice.docno, c.reason) for c in r.candidates}
    # The national figure covers 北京 but for another year; the 2023 figures are for other regions.
    assert ("医保发〔2023〕9号", "other year: 2024") in found
    assert (PROVINCE, "other region: 湖南省") in found and (CITY, "other region: 长沙市") in found


def test_a_year_with_no_figure_lists_the_closest_years_first(store: Store) -> None:
    r = governing_figure(store, "individual-contribution", "长沙市", 2026)
    years = [c.figure.year for c in r.candidates]
    assert not r.governed and years == sorted(years, reverse=True) and years[0] == 2024


def test_a_known_kind_without_figures_governs_nothing(store: Store) -> None:
    r = governing_figure(store, "critical-illness-premium", "长沙市", 2022)
    assert not r.governed and r.candidates == ()


def test_a_kind_by_its_label(store: Store) -> None:
    assert governing_figure(store, "个人缴费标准", "长沙市", 2023).kind == "individual-contribution"


def test_unknown_kind_suggests_close_ones(store: Store) -> None:
    with pytest.raises(NotFound, match="individual-contribution"):
        governing_figure(store, "individual-contributon", "长沙市", 2023)


@pytest.mark.parametrize("region", ["火星", "999999", ""])
def test_unknown_region(store: Store, region: str) -> None:
    with pytest.raises(NotFound, match="region"):
        governing_figure(store, "individual-contribution", region, 2023)


def test_json_field_names_are_the_interface(store: Store) -> None:
    data = governing_figure(store, "individual-contribution", "长沙市", 2023).to_json()
    assert {"figure", "notice", "section", "quote", "chain", "candidates"} <= set(data)
    assert {"iri", "kind", "value", "unit", "qualifier", "year", "region", "scope"} <= set(data["figure"])
    assert {"iri", "docno", "title"} <= set(data["notice"])
    assert {"path", "label"} <= set(data["section"])
    assert all({"docno", "relation"} <= set(step) for step in data["chain"])
    assert all({"docno", "value", "reason"} <= set(c) for c in data["candidates"])
    assert data["figure"]["value"] == 350 and data["figure"]["region"] == "430100"
    assert data["governed"] is True and data["quote"].endswith("350元/人")


def test_json_when_nothing_governs(store: Store) -> None:
    data = governing_figure(store, "individual-contribution", "北京市", 2023).to_json()
    assert data["governed"] is False and data["figure"] is None and data["notice"] is None
    assert data["chain"] == [] and data["candidates"] and data["message"]


def test_text_names_figure_notice_quote_and_chain(store: Store) -> None:
    text = governing_figure(store, "individual-contribution", "长沙市", 2023).to_text()
    assert f"governed by {CITY} §一" in text
    assert f"{CITY} —restates→ {PROVINCE} —implements→ {NATIONAL}" in text
    assert "restated by the governing notice" in text


def _padding(notices: int) -> str:
    """Provincial notices of other years, each graph repeating the region chain (as every notice graph does):
    many figures of the province and many copies of each region's triples."""
    lines = []
    for i in range(notices):
        g = f"<https://noticekg.org/id/notice/pad/2022/{i}/graph>"
        n = f"<https://noticekg.org/id/notice/pad/2022/{i}>"
        f = f"<https://noticekg.org/id/notice/pad/2022/{i}/f/1>"
        lines += [
            f'{n} <https://noticekg.org/def/docNo> "填医保发〔2022〕{i}号" {g} .',
            f"{f} <https://noticekg.org/def/kind> <https://noticekg.org/def/kind/individual-contribution> {g} .",
            f'{f} <https://noticekg.org/def/year> "{2000 + i % 20}"^^<http://www.w3.org/2001/XMLSchema#integer> {g} .',
            f"{f} <https://noticekg.org/def/region> <https://noticekg.org/id/region/430000> {g} .",
            f"{f} <https://noticekg.org/def/statedIn> {n} {g} .",
        ]
        for code in ("430100", "430000", "100000"):
            lines.append(f'<https://noticekg.org/id/region/{code}> <https://noticekg.org/def/code> "{code}" {g} .')
    return "\n".join(lines) + "\n"


def test_a_lookup_is_unchanged_by_unrelated_notices(tmp_path: Path) -> None:
    """Three thousand provincial notices of other years, each graph repeating the region chain (as every
    notice graph does): the answer must not change, nor pick up duplicates from the repeated region triples.
    How long the look-up takes at several sizes is measured in `make bench`, not asserted here."""
    padded = open_store("memory:")
    padded.load_file(str(FIXTURE))
    extra = tmp_path / "padding.nq"
    extra.write_text(_padding(3000), encoding="utf-8")
    padded.load_file(str(extra))
    plain = open_store("memory:")
    plain.load_file(str(FIXTURE))
    question = ("individual-contribution", "长沙市", 2023)
    assert governing_figure(padded, *question).to_json() == governing_figure(plain, *question).to_json()


def test_the_governing_figure_names_the_earlier_one_of_its_region_it_supersedes(store: Store) -> None:
    r = governing_figure(store, "per-capita-fiscal-subsidy", "长沙", 2022)
    assert [(c.figure.notice.docno, c.reason) for c in r.supersedes] == [("长医保发〔2022〕3号", "later-notice-supersedes")]
    assert r.to_json()["supersedes"][0]["docno"] == "长医保发〔2022〕3号"


def test_a_lookup_is_two_queries_when_a_figure_governs(store: Store) -> None:
    sent: list[str] = []

    class Counting:
        url = store.url

        def __getattr__(self, name: str) -> object:
            attr = getattr(store, name)
            if name in ("select", "ask", "construct", "query_serialized"):
                def counted(*args: object, **kwargs: object) -> object:
                    sent.append(name)
                    return attr(*args, **kwargs)
                return counted
            return attr

    r = governing_figure(Counting(), "individual-contribution", "长沙市", 2023)  # type: ignore[arg-type]
    assert r.governed and len(sent) == 2
