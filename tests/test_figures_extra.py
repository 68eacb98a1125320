"""The extractor on real notices it was not written against (tests/data/extra, unlabelled): it reads the
figures they state in the genre's other wordings (a 2021 national forwarding, per-category funding in prose,
大病保险 standards), and everything it extracts is well formed. The values checked were read off the texts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graph.parse import parse_text
from graph.records import Figure, ParseResult

EXTRA = {p.name[:2]: p for p in sorted((Path(__file__).parent / "data" / "extra").glob("*.txt"))}


def _parse(path: Path) -> ParseResult:
    """The files begin with a header (source, docno, note) ending at a line `---`: the notice follows."""
    body = path.read_text(encoding="utf-8").partition("\n---\n")[2]
    return parse_text(body, path.name)


@pytest.fixture(scope="module")
def extra() -> dict[str, list[Figure]]:
    return {key: [f for n in _parse(path).notices for f in n.figures] for key, path in EXTRA.items()}


def _kv(figs: list[Figure]) -> set[tuple[str, str, str | None]]:
    return {(f.kind, format(f.value, "f") if isinstance(f.value, Decimal) else str(f.value), f.scope) for f in figs}


@pytest.mark.parametrize("key", sorted(EXTRA))
def test_well_formed(key: str) -> None:
    result = _parse(EXTRA[key])
    for notice in result.notices:
        for f in notice.figures:
            assert result.source.text[f.span.start : f.span.end] == f.quote
            assert f.year is not None


def test_national_forwarding_2021(extra: dict[str, list[Figure]]) -> None:
    figs = extra["03"]
    assert {("per-capita-fiscal-subsidy", "580", None), ("individual-contribution", "320", None),
            ("fiscal-subsidy-increase", "30", None), ("individual-contribution-increase", "40", None)} == _kv(figs)
    assert all(f.year == 2021 and f.region_code == "420000" for f in figs)  # 湖北, named by the addressees


def test_per_category_funding_in_prose(extra: dict[str, list[Figure]]) -> None:
    changzhou = _kv(extra["06"])
    assert ("financing-standard", "1600", "老年居民、非从业居民") in changzhou
    assert ("individual-contribution", "180", "高校大学生") in changzhou
    assert ("per-capita-fiscal-subsidy", "860", "未成年居民") in changzhou
    guangzhou = _kv(extra["12"])
    assert {("contribution-base", "49785", None), ("individual-contribution", "363", "在校学生"),
            ("per-capita-fiscal-subsidy", "722", "其他参保人员")} <= guangzhou


def test_critical_illness_standards(extra: dict[str, list[Figure]]) -> None:
    tianjin = _kv(extra["10"])
    assert ("critical-illness-premium", "30", None) in tianjin
    assert ("critical-illness-reimbursement-rate", "60", "10万元以上至20万元(含)以下部分") in tianjin
    liaoning = _kv(extra["13"])
    assert ("critical-illness-premium", "70", None) in liaoning  # not the old 55 (由原来的55元/年提高至70元/年)
    assert ("critical-illness-premium", "55", None) not in liaoning
    assert ("critical-illness-deductible", "12000", None) in liaoning
    assert any(kind == "effective-date" for kind, _, _ in liaoning)


def test_a_cut_off_notice_has_no_figures(extra: dict[str, list[Figure]]) -> None:
    assert extra["08"] == []
