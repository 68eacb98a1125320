"""Validity read from the text (graph/parse/validity.py) and written as ELI dates with stated-or-derived
statements (graph/to_rdf/validity.py), on made-up notices with each wording (tests/data/time/) and on the
corpus. Every expected date below is read off the texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef

from graph.parse import parse_file, parse_text
from graph.records import Notice, ParseResult
from graph.to_rdf import notice_graph
from graph.vocab import ELI, NKG, OA

TIME = Path(__file__).parent / "data" / "time"


def notice(name: str) -> tuple[Notice, ParseResult]:
    result = parse_file(TIME / name)
    [n] = result.notices
    return n, result


def test_entry_into_force_on_a_date_and_prevailing_over_earlier_rules() -> None:
    n, _ = notice("national-2021-entry-prevails.txt")
    assert [(v.aspect, v.date, v.quote) for v in n.validity] == [
        ("entry-into-force", dt.date(2021, 6, 1), "本通知自2021年6月1日起施行"),
        ("prevails", None, "此前规定与本通知不一致的，以本通知为准")]


def test_applicability_end_date_and_a_repeal() -> None:
    n, result = notice("guangxi-2021-supersedes-repeals.txt")
    assert [(v.aspect, v.date, v.repealed) for v in n.validity] == [
        ("applicability", dt.date(2021, 4, 1), None), ("end", dt.date(2021, 12, 31), None),
        ("repeals", None, "桂医保发〔2020〕46号")]
    for v in n.validity:  # every quote is the source text at its span
        assert result.source.text[v.span.start:v.span.end] == v.quote


def test_entry_on_issue_and_years_of_validity() -> None:
    n, _ = notice("city-2022-issue-years.txt")
    assert [(v.aspect, v.relative, v.years) for v in n.validity] == [
        ("entry-into-force", "printed", None), ("end", None, 5)]


@pytest.mark.parametrize(("sentence", "aspect", "date"), [
    ("本通知自2021 年1月 1日起施行。", "entry-into-force", dt.date(2021, 1, 1)),
    ("本意见自二〇二一年一月一日起实施。", "entry-into-force", dt.date(2021, 1, 1)),
    ("上述政策自2019年1月1日起执行。", "applicability", dt.date(2019, 1, 1)),
    ("本通知有效期至2025年12月\n31日。", "end", dt.date(2025, 12, 31)),
])
def test_wordings_with_noise(sentence: str, aspect: str, date: dt.date) -> None:
    text = f"某市医疗保障局文件\n\n某医保发〔2020〕1号\n\n关于某事的通知\n\n各县医保局：\n\n一、{sentence}\n\n某市医疗保障局\n2020年12月1日\n"
    [n] = parse_text(text, "made-up.txt").notices
    assert [(v.aspect, v.date) for v in n.validity] == [(aspect, date)]


def test_a_clause_that_ends_inconsistent_rules_is_not_a_repeal() -> None:
    text = ("某市医疗保障局文件\n\n某医保发〔2020〕2号\n\n关于某事的通知\n\n各县医保局：\n\n"
            "一、此前规定与本通知不一致的，以本通知为准，原规定不再执行。\n\n某市医疗保障局\n2020年12月1日\n")
    [n] = parse_text(text, "made-up.txt").notices
    assert [v.aspect for v in n.validity] == ["prevails"]


def _graph(name: str) -> tuple[rdflib.Graph, URIRef]:
    n, result = notice(name)
    iri, graph = notice_graph(n, result.source)
    return graph, URIRef(iri.removesuffix("/graph"))


def statements(graph: rdflib.Graph, node: URIRef) -> dict[str, tuple]:
    out = {}
    for s in graph.objects(node, NKG.validity):
        prop = str(graph.value(s, NKG.validityProperty)).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        quote = graph.value(graph.value(s, OA.hasSelector), OA.exact) if graph.value(s, OA.hasSelector) else None
        out[prop] = (graph.value(s, NKG.basis), graph.value(s, NKG.validityDate), graph.value(s, NKG.rule),
                     str(quote) if quote else None)
    return out


def test_stated_dates_carry_their_quote() -> None:
    graph, node = _graph("national-2021-entry-prevails.txt")
    assert graph.value(node, ELI.first_date_entry_in_force) == Literal(dt.date(2021, 6, 1))
    assert graph.value(node, NKG.prevailsOverEarlier) == Literal(True)
    found = statements(graph, node)
    assert found["first_date_entry_in_force"] == (NKG.Stated, Literal(dt.date(2021, 6, 1)), None,
                                                  "本通知自2021年6月1日起施行")


def test_unstated_entry_is_derived_from_the_issue_date_with_its_rule() -> None:
    graph, node = _graph("guangxi-2021-supersedes-repeals.txt")
    found = statements(graph, node)
    assert found["first_date_entry_in_force"] == (NKG.Derived,
                                                  Literal(dt.date(2021, 3, 15)), NKG.EntryOnIssue, None)
    assert graph.value(node, ELI.date_no_longer_in_force) == Literal(dt.date(2021, 12, 31))
    assert graph.value(node, ELI.date_applicability) == Literal(dt.date(2021, 4, 1))
    assert (node, NKG.repeals, URIRef("https://noticekg.org/id/notice/gui4-yi1-bao3-fa1/2020/46")) in graph


def test_years_of_validity_count_from_entry_into_force() -> None:
    graph, node = _graph("city-2022-issue-years.txt")
    assert graph.value(node, ELI.first_date_entry_in_force) == Literal(dt.date(2022, 2, 10))
    assert graph.value(node, ELI.date_no_longer_in_force) == Literal(dt.date(2027, 2, 9))
    basis, _, rule, quote = statements(graph, node)["date_no_longer_in_force"]
    assert (basis, rule, quote) == (NKG.Stated, NKG.YearsFromEntry, "有效期5年")


def test_yearly_figures_apply_to_their_year_and_carry_their_key() -> None:
    graph, _ = _graph("guangxi-2021-supersedes-repeals.txt")
    [figure] = [f for f in graph.subjects(NKG.kind, None)
                if str(graph.value(f, NKG.kind)).endswith("/individual-contribution")]
    assert graph.value(figure, NKG.applicableFrom) == Literal(dt.date(2021, 1, 1))
    assert graph.value(figure, NKG.applicableUntil) == Literal(dt.date(2021, 12, 31))
    assert graph.value(figure, NKG.applicabilityRule) == NKG.YearlyFigure
    assert str(graph.value(figure, NKG.figureKey)) == "individual-contribution|2021|450000"


def test_corpus_notices_state_no_dates_so_entry_is_derived(corpus_results: list[ParseResult]) -> None:
    """The five corpus files say nothing of 施行 or 有效期: each notice enters into force when issued."""
    for result in corpus_results:
        for n in result.notices:
            assert n.validity == ()
            iri, graph = notice_graph(n, result.source)
            node = URIRef(iri.removesuffix("/graph"))
            issued = n.printed or n.signed
            if issued:
                assert graph.value(node, ELI.first_date_entry_in_force) == Literal(issued)
                assert statements(graph, node)["first_date_entry_in_force"][2] == NKG.EntryOnIssue
