"""Uncertainty a user can see: the figures whose kind was decided outside their own statement are flagged in
the graph, listed by `noticekg review`, and shown as such by the API and the figure page. On the corpus these
are two readings that are right but typed from the clause before (read against the text)."""

from __future__ import annotations

import pytest

from graph.review import flagged
from graph.store import Store
from tests.server_fixtures import app, client, corpus_store  # noqa: F401 - fixtures

GANSU_120 = "“两州一县”、18个深度贫困县按照不低于120元的标准确定"


@pytest.fixture
def store(corpus_store: Store) -> Store:  # noqa: F811 - the app serves the corpus
    return corpus_store


def test_review_lists_the_flagged_figures_with_cue_and_quote(corpus_store: Store) -> None:  # noqa: F811
    rows = flagged(corpus_store)
    assert {(r.docno, r.kind, r.value) for r in rows} == {
        ("甘医保发〔2020〕66号", "contribution-assistance", "120"),
        ("桂医保发〔2020〕46号", "critical-illness-deductible", "50")}
    gansu = next(r for r in rows if r.docno == "甘医保发〔2020〕66号")
    assert gansu.basis == "sentence" and gansu.cue == "定额资助标准" and GANSU_120 in "".join(gansu.quote.split())
    assert [r.docno for r in flagged(corpus_store, "甘医保发[2020]66号")] == ["甘医保发〔2020〕66号"]


def test_the_api_and_the_figure_page_show_the_flag(corpus_store: Store, client) -> None:  # noqa: F811
    rows = client.get("/api/figures", query_string={"docno": "甘医保发〔2020〕66号"}).json
    rows = rows["figures"] if isinstance(rows, dict) else rows
    marked = [r for r in rows if r["needs_review"]]
    assert [r["value"] for r in marked] == [120] and marked[0]["kind_cue"] == "定额资助标准"
    assert all(r["kind_cue"] for r in rows if not r["needs_review"])
    page = client.get(marked[0]["iri"].replace("https://noticekg.org", ""), headers={"Accept": "text/html"})
    assert page.status_code == 200 and "需复核" in page.get_data(as_text=True)
