"""Every corpus notice yields its golden figures (tests/data/figures, written by reading the notices), and
every extracted figure is well formed: a verbatim quote at its offsets that holds its number, a kind of the
scheme, a known region."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from graph import regions
from graph.evaluate import Golden, evaluate, figure_key, figures_by_notice, format_evaluation, load_golden
from graph.records import DateInterval, Figure, ParseResult, Ratio

GOLDEN_DIR = Path(__file__).parent / "data" / "figures"
GOLDEN = load_golden(GOLDEN_DIR)


def _fold(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


@pytest.fixture(scope="module")
def extracted(corpus_results: list[ParseResult]) -> dict[str, tuple[Figure, ...]]:
    return figures_by_notice(corpus_results)


@pytest.fixture(scope="module")
def sources(corpus_results: list[ParseResult]) -> dict[str, str]:
    return {r.source.name: r.source.text for r in corpus_results}


def test_one_golden_list_per_corpus_notice(extracted: dict[str, tuple[Figure, ...]]) -> None:
    assert set(GOLDEN) == set(extracted)
    assert len(GOLDEN) == 8


@pytest.mark.parametrize("docno", sorted(GOLDEN))
def test_golden_quotes_are_in_the_notice(docno: str, corpus_results: list[ParseResult]) -> None:
    """The golden list itself is sound: each quote is verbatim in its notice and shows its value."""
    golden: Golden = GOLDEN[docno]
    (notice, text) = next((n, r.source.text) for r in corpus_results for n in r.notices
                          if n.docno is not None and n.docno.key == docno)
    body = text[notice.span.start : notice.span.end]
    for g in golden.figures:
        assert g.quote in body, g
        if g.unit in ("date", "interval"):
            months = [f"{int(d.split('-')[1])}月" for d in g.value.split("/")]
            assert all(m in _fold(g.quote) for m in months), g
        else:
            assert g.value in _fold(g.quote) or (g.value == "100" and "全额" in g.quote), g


@pytest.mark.parametrize("docno", sorted(GOLDEN))
def test_extractor_matches_the_golden_list(docno: str, extracted: dict[str, tuple[Figure, ...]]) -> None:
    result = evaluate({docno: extracted[docno]}, {docno: GOLDEN[docno]})
    score = result.per_notice[docno]
    assert (score.precision, score.recall) == (1.0, 1.0), format_evaluation(result)


def test_whole_corpus_precision_and_recall(extracted: dict[str, tuple[Figure, ...]]) -> None:
    result = evaluate(extracted, GOLDEN)
    assert result.total.golden == 129
    assert (result.total.precision, result.total.recall) == (1.0, 1.0), format_evaluation(result)
    assert not result.scope_mismatches, format_evaluation(result)


def test_restates_and_yields_as_the_golden_list_says(extracted: dict[str, tuple[Figure, ...]]) -> None:
    """Where the golden list records 根据X文件规定 or 国家…从其规定, the matching figure carries it; where it
    does not, the figure does not either."""
    for docno, golden in GOLDEN.items():
        for g in golden.figures:
            matches = [f for f in extracted[docno] if figure_key(f) == g.key]
            assert matches, g
            assert any(f.restates == g.restates for f in matches), (g, [f.restates for f in matches])
            assert any(f.yields_to_national == bool(g.yields_to_national) for f in matches), g


def _number_in_quote(f: Figure) -> bool:
    quote = _fold(f.quote)
    v = f.value
    if isinstance(v, DateInterval):
        return f"{v.start.month}月" in quote and f"{v.end.month}月" in quote
    if isinstance(v, Ratio):
        return str(v) in quote
    if hasattr(v, "month") and not hasattr(v, "as_tuple"):
        return f"{v.month}月" in quote  # type: ignore[union-attr]
    if f.unit == "%" and "全额" in quote and v == 100:
        return True
    return format(v.normalize(), "f") in quote  # type: ignore[union-attr]


def test_every_quote_is_verbatim_and_holds_its_number(corpus_results: list[ParseResult]) -> None:
    for r in corpus_results:
        for n in r.notices:
            for f in n.figures:
                assert r.source.text[f.span.start : f.span.end] == f.quote
                assert n.span.start <= f.span.start < f.span.end <= n.span.end
                assert _number_in_quote(f), f
                assert len(f.quote) <= 140, f  # a clause, not a paragraph


def test_every_figure_names_a_known_region_and_a_year(corpus_results: list[ParseResult]) -> None:
    for r in corpus_results:
        for n in r.notices:
            for f in n.figures:
                assert regions.exists(f.region_code)
                assert all(regions.exists(c) for c in f.scope_regions)
                assert f.year is not None and 2010 < f.year < 2030
                assert not re.search(r"\s", f.scope or ""), f


def test_inferred_years_are_marked(extracted: dict[str, tuple[Figure, ...]]) -> None:
    """南宁 §三(五) states no year: it is the 2020 of its chapter heading; §一 states 2021年度."""
    nanning = extracted["南医保发〔2020〕60号"]
    students = next(f for f in nanning if f.scope == "市属学校在校学生")
    assert (students.year, students.year_inferred) == (2020, True)
    contribution = next(f for f in nanning if f.kind == "individual-contribution")
    assert (contribution.year, contribution.year_type, contribution.year_inferred) == (2021, "insurance", False)


def test_share_payers(extracted: dict[str, tuple[Figure, ...]]) -> None:
    guangxi = extracted["桂医保发〔2020〕46号"]
    students = next(f for f in guangxi if f.scope == "自治区直属高校大学生")
    assert (students.kind, students.payer) == ("local-subsidy", "provincial")  # 全部由自治区财政负担
    lanzhou = extracted["兰医保〔2020〕142号"]
    ratio = next(f for f in lanzhou if f.kind == "cost-sharing-ratio" and str(f.value) == "6:4")
    assert ratio.payer == "city:county"
    assert ratio.scope_regions == ("620123", "620121", "620122")  # 榆中县、永登县、皋兰县 (兰州新区 has no code)


def test_table_rows_are_scoped_by_their_label_and_regions(extracted: dict[str, tuple[Figure, ...]]) -> None:
    gansu = extracted["甘医保发〔2020〕66号"]
    third = [f for f in gansu if f.scope == "第三档"]
    assert sorted((f.kind, str(f.value)) for f in third) == [
        ("central-subsidy", "440"), ("city-subsidy", "13.6"),
        ("per-capita-fiscal-subsidy", "550"), ("provincial-subsidy", "96.4"),
    ]
    assert all(f.scope_regions == ("620100", "620300", "620200") for f in third)


def test_the_nanchang_shortfall_is_explained(extracted: dict[str, tuple[Figure, ...]]) -> None:
    """南昌 collected 250 against the 280 standard: the same kind, so that the check across notices sees the
    difference, with a note that keeps it apart from the standard; the 30 is the top-up."""
    standard, collected, top_up = extracted["洪医保发〔2020〕52号"]
    assert (standard.kind, str(standard.value), standard.note) == ("individual-contribution", "280", None)
    assert (collected.kind, str(collected.value), collected.year) == ("individual-contribution", "250", 2020)
    assert collected.note and "已按" in collected.note
    assert (top_up.kind, str(top_up.value), top_up.year) == ("contribution-top-up", "30", 2020)
    assert top_up.note
