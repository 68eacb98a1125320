"""The timeline of a kind in a region (graph/timeline.py) says what `/api/governs` says, year by year, as of a
date; and the figure and notice pages show it, server-rendered, each step linked. On the corpus with the
made-up later notices of tests/data/time/ (医保发〔2021〕32号 in force from 2021-06-01, 320; 桂医保发〔2021〕10号
from 2021-04-01 to 2021-12-31, 350, repealing 桂医保发〔2020〕46号)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from graph.parse import parse_paths
from graph.records import ParseResult
from graph.resolve import governing_figure
from graph.store import Store, open_store
from graph.timeline import kind_timeline, notice_timelines
from graph.to_rdf import DEFAULT_BASE, to_dataset
from graph.vocab import KIND, NKG
from server import create_app

TIME = Path(__file__).parent / "data" / "time"
LATER = [TIME / "national-2021-entry-prevails.txt", TIME / "guangxi-2021-supersedes-repeals.txt"]
DAYS = [dt.date(2021, 1, 1), dt.date(2021, 5, 1), dt.date(2021, 7, 1), dt.date(2023, 8, 1), dt.date(2026, 1, 1)]
KINDS = ["individual-contribution", "per-capita-fiscal-subsidy", "central-subsidy"]


@pytest.fixture(scope="module")
def store(corpus_results: list[ParseResult]) -> Store:
    s = open_store("memory:")
    s.load_dataset(to_dataset(corpus_results + parse_paths(LATER)))
    return s


@pytest.mark.parametrize("region", ["南宁市", "广西", "兰州市", "全国"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_year_of_the_timeline_is_what_governs_says(store: Store, kind: str, region: str) -> None:
    for day in DAYS:
        timeline = kind_timeline(store, kind, region, as_of=day)
        years = {s.year for s in timeline.steps}
        for year in years:
            answer = governing_figure(store, kind, region, year, as_of=day)
            steps = [s for s in timeline.steps if s.year == year]
            governs = [s.figure.iri for s in steps if s.status == "governs"]
            assert governs == ([answer.figure.iri] if answer.figure else []), (kind, region, year, day)
            superseded = {s.figure.iri for s in steps if s.status == "superseded"}
            assert superseded == {c.figure.iri for c in answer.supersedes}
            assert {s.figure.iri for s in steps if s.status == "yields"} == {y.figure.iri for y in answer.yields}
            later = {s.figure.iri for s in steps if s.status == "not-yet-in-force"}
            if answer.figure:
                assert later == {c.figure.iri for c in answer.superseded_by}
            else:  # nothing governs yet: the figures that will, once in force, are among the candidates
                assert later <= {c.figure.iri for c in answer.candidates if c.reason.startswith("not yet in force")}
        today = [s for s in timeline.steps if s.today]
        governed = [s.year for s in timeline.steps if s.status == "governs" and s.year <= day.year]
        assert [s.year for s in today] == ([max(governed)] if governed else [])


def test_nanning_2021_before_and_after_the_national_rule(store: Store) -> None:
    before = kind_timeline(store, "individual-contribution", "南宁市", as_of=dt.date(2021, 3, 1))
    assert [(s.figure.notice.docno, s.status) for s in before.steps if s.year == 2021] == [
        ("南医保发〔2020〕60号", "governs"), ("桂医保发〔2021〕10号", "not-yet-in-force"),
        ("医保发〔2021〕32号", "not-yet-in-force")]
    after = kind_timeline(store, "individual-contribution", "南宁市", as_of=dt.date(2026, 1, 1))
    steps = {s.figure.notice.docno: s for s in after.steps if s.year == 2021}
    assert steps["南医保发〔2020〕60号"].status == "yields"
    assert steps["南医保发〔2020〕60号"].by is not None and steps["南医保发〔2020〕60号"].by.notice.docno == "医保发〔2021〕32号"
    assert steps["医保发〔2021〕32号"].status == "governs" and not steps["医保发〔2021〕32号"].today
    assert steps["桂医保发〔2021〕10号"].status == "no-longer-in-force"
    assert [(s.year, s.figure.notice.docno) for s in after.steps if s.today] == [(2024, "桂医保发〔2023〕32号")]


def test_a_repealed_notice_shows_as_no_longer_in_force(store: Store) -> None:
    t = kind_timeline(store, "individual-contribution", "广西", as_of=dt.date(2021, 7, 1))
    by_docno = {s.figure.notice.docno: s for s in t.steps if s.year == 2021}
    assert by_docno["桂医保发〔2020〕46号"].status == "no-longer-in-force"
    assert by_docno["桂医保发〔2020〕46号"].until == "2021-03-14"
    assert by_docno["桂医保发〔2021〕10号"].status == "governs" and by_docno["桂医保发〔2021〕10号"].today


def test_a_notice_has_a_timeline_for_each_kind_it_states(store: Store) -> None:
    nanning = DEFAULT_BASE + "notice/nan2-yi1-bao3-fa1/2020/60"
    timelines = notice_timelines(store, nanning, as_of=dt.date(2026, 1, 1))
    kinds = {(t.kind, t.region) for t in timelines}
    assert ("individual-contribution", "450100") in kinds
    assert all(any(s.figure.notice.iri == nanning for s in t.steps) or t.steps for t in timelines)
    assert notice_timelines(store, "not an iri") == []


def _page(store: Store, path: str) -> str:
    response = create_app({"TESTING": True, "STORE": store}).test_client().get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_figure_page_shows_its_timeline_linked_and_marked(store: Store) -> None:
    row, *_ = store.select(f"""SELECT DISTINCT ?f WHERE {{ ?f <{NKG.statedIn}> <{DEFAULT_BASE}notice/nan2-yi1-bao3-fa1/2020/60> ;
        <{NKG.kind}> <{KIND["individual-contribution"]}> ; <{NKG.amount}> ?a ;
        <{NKG.yieldsToLaterNationalRule}> true FILTER(?a = 280) }} ORDER BY ?f""")
    html = _page(store, "/id/" + str(row["f"]).removeprefix(DEFAULT_BASE))
    section = html[html.index('<section class="timeline">'):]
    section = section[:section.index("</section>")]
    assert "<script" not in section and "历年沿革" in section and "timeline" in section
    [this] = re.findall(r'<li class="step ([a-z -]+) this">', section)
    assert this == "yields"  # 南宁's 280 gives way to the national 320 (从其规定)
    assert 'href="/id/notice/yi1-bao3-fa1/2021/32/s/1/f/' in section
    assert re.search(r'<li class="step governs today">\s*<span class="year">2024</span>', section)
    assert "从其规定，让位于上级新规定" in section and "yields to a later higher-level rule" in section
    assert "已失效" in section and "no longer in force" in section  # 桂医保发〔2021〕10号 ended 2021-12-31


def test_the_notice_page_shows_the_timelines_of_its_kinds(store: Store) -> None:
    html = _page(store, "/id/notice/nan2-yi1-bao3-fa1/2020/60")
    assert html.count('<section class="timeline">') >= 2
    assert "个人缴费标准" in html and "individual contribution" in html
    assert 'class="step governs today"' in html


def test_the_archives_governing_table_is_what_governs_says_for_every_key(store: Store) -> None:
    from graph.timeline import governing_table

    day = dt.date(2021, 7, 1)
    table = {row["key"]: row for row in governing_table(store, day, chunk=7)}  # several chunks
    keys = {str(r["k"]) for r in store.select(f"SELECT DISTINCT ?k WHERE {{ ?f <{NKG.figureKey}> ?k }}")}
    assert table and set(table) <= keys
    for key in sorted(keys):
        kind, year, code = key.split("|")
        answer = governing_figure(store, kind, code, int(year), as_of=day)
        assert (table[key]["figure"] if key in table else None) == (answer.figure.iri if answer.figure else None), key
    assert table["individual-contribution|2021|450000"]["docno"] == "桂医保发〔2021〕10号"
