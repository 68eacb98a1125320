"""graph.evaluate: precision and recall per notice and per kind on kind + value + unit + year + region,
scope mismatches reported apart, and a printable table."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.evaluate import Golden, GoldenFigure, evaluate, format_evaluation, load_golden, value_text
from graph.records import DateInterval, Figure, Ratio, Span, Value


def fig(kind: str, value: Value, unit: str = "元", year: int = 2020, region: str = "450000",
        scope: str | None = None) -> Figure:
    return Figure(kind, value, unit, "exact", year, "fiscal", False, region, scope, (), None, (), "q", Span(0, 1))


def gold(kind: str, value: str, unit: str = "元", year: int = 2020, region: str = "450000",
         scope: str | None = None) -> GoldenFigure:
    return GoldenFigure(kind, value, unit, "exact", year, "fiscal", region, scope, "q")


def test_value_spelling() -> None:
    assert value_text(Decimal("280")) == "280"
    assert value_text(Decimal("82.50")) == "82.5"
    assert value_text(Decimal("2.5E+2")) == "250"
    assert value_text(Ratio((Decimal(6), Decimal(4)))) == "6:4"
    assert value_text(dt.date(2020, 12, 20)) == "2020-12-20"
    assert value_text(DateInterval(dt.date(2020, 9, 1), dt.date(2020, 12, 31))) == "2020-09-01/2020-12-31"


def test_scores_per_notice_and_kind() -> None:
    golden = {"A": Golden("A", "a.txt", "450000", (gold("central-subsidy", "440"), gold("local-subsidy", "110"),
                                                     gold("provincial-subsidy", "55", scope="设区市")))}
    extracted = {"A": [fig("central-subsidy", Decimal(440)), fig("local-subsidy", Decimal(110), year=2021),
                       fig("provincial-subsidy", Decimal(55), scope="非贫困县")],
                 "B": [fig("central-subsidy", Decimal(1))]}
    result = evaluate(extracted, golden)
    assert (result.per_notice["A"].golden, result.per_notice["A"].found, result.per_notice["A"].matched) == (3, 3, 2)
    assert result.per_kind["local-subsidy"].recall == 0.0
    assert result.per_kind["central-subsidy"].precision == 1.0
    assert [m.key[0] for m in result.missed] == ["local-subsidy"]
    assert [m.key[3] for m in result.spurious] == [2021]
    (mismatch,) = result.scope_mismatches  # matched, but the scope differs: reported, not counted
    assert (mismatch.golden, mismatch.extracted) == ("设区市", "非贫困县")
    assert result.unlabelled == ("B",)
    report = format_evaluation(result)
    assert "66.7%" in report and "scope mismatches" in report and "local-subsidy" in report


def test_duplicates_pair_by_scope_and_width_does_not_count() -> None:
    golden = {"A": Golden("A", "a.txt", "450000", (gold("county-subsidy", "27.5", scope="贫困县（区）"),
                                                     gold("county-subsidy", "27.5", scope="“两州一县”")))}
    extracted = {"A": [fig("county-subsidy", Decimal("27.5"), scope="两州一县"),
                       fig("county-subsidy", Decimal("27.5"), scope="贫困县(区)")]}
    result = evaluate(extracted, golden)
    assert result.total.matched == 2 and not result.scope_mismatches


def test_load_golden(tmp_path: Path) -> None:
    data = {"docno": "X〔2020〕1号", "source_file": "x.txt", "region": "450000",
            "figures": [{"kind": "central-subsidy", "value": "440", "unit": "元", "qualifier": "exact", "year": 2020,
                         "year_type": "fiscal", "region": "450000", "scope": None, "quote": "中央财政补助440元"}]}
    (tmp_path / "x.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    loaded = load_golden(tmp_path)
    assert loaded["X〔2020〕1号"].figures[0].key == ("central-subsidy", "440", "元", 2020, "450000")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError):
        load_golden(tmp_path)
    with pytest.raises(InputError):
        load_golden(tmp_path / "empty")
