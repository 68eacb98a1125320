"""Numbers as notices write them (graph.parse.numbers): Chinese numerals through cn2an, 万, percentages,
ratios, dates, date intervals and year mentions, on small strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from graph.parse.numbers import DateMention, cn_to_decimal, resolve_dates, scan, to_decimal, years
from graph.records import DateInterval, Ratio


@pytest.mark.parametrize(("text", "value"), [
    ("二〇二〇", Decimal(2020)), ("二十五万", Decimal(250000)), ("百分之六十", Decimal(60)),
    ("一百二十", Decimal(120)), ("两千", Decimal(2000)), ("零点五", Decimal("0.5")), ("2.5万", Decimal(25000)),
])
def test_chinese_numerals(text: str, value: Decimal) -> None:
    assert cn_to_decimal(text) == value


def test_not_a_number() -> None:
    with pytest.raises(ValueError):
        cn_to_decimal("医保")


def test_arabic_with_thousands_separators() -> None:
    assert to_decimal("49,785") == Decimal(49785)
    assert to_decimal("82.5") == Decimal("82.5")


@pytest.mark.parametrize(("text", "kind", "value", "unit"), [
    ("二十五万元", "money", Decimal(25), "万元"),  # 万 stays in the unit, as 25万元 does
    ("25万元", "money", Decimal(25), "万元"),
    ("280元/人/年", "money", Decimal(280), "元/人·年"),
    ("55元/人·年", "money", Decimal(55), "元/人·年"),
    ("440元/人", "money", Decimal(440), "元/人"),
    ("70元/年", "money", Decimal(70), "元/年"),
    ("三百八十元", "money", Decimal(380), "元"),
    ("70%", "percent", Decimal(70), "%"),
    ("百分之六十", "percent", Decimal(60), "%"),
    ("10个百分点", "points", Decimal(10), "个百分点"),
    ("6:4", "ratio", Ratio((Decimal(6), Decimal(4))), "ratio"),
    ("给予全额资助", "full", Decimal(100), "%"),
])
def test_quantities(text: str, kind: str, value: object, unit: str) -> None:
    (q,) = scan(text)
    assert (q.kind, q.value, q.unit) == (kind, value, unit)


def test_full_contribution_is_not_the_group_or_a_burden() -> None:
    assert scan("全额资助对象由资助资金代其缴纳参保费") == []
    assert scan("由开发区财政全额负担") == []


def test_dates_and_intervals() -> None:
    (interval,) = scan("2020年9月1日至12月31日")
    assert resolve_dates(interval, 1999) == DateInterval(dt.date(2020, 9, 1), dt.date(2020, 12, 31))
    (deadline,) = scan("次年3月底前预拨到位")
    assert deadline.value == DateMention(None, 3, None, 1)
    assert resolve_dates(deadline, 2020) == dt.date(2021, 3, 31)
    (year_end,) = scan("2020年底前")
    assert resolve_dates(year_end, 1999) == dt.date(2020, 12, 31)
    (cn,) = scan("二〇二〇年九月一日")
    assert resolve_dates(cn, 1999) == dt.date(2020, 9, 1)


def test_counts_phone_numbers_and_docnos_are_not_quantities() -> None:
    assert scan("12家合作金融机构、15项编码标准、20个基础病组、广西税务12366、桂医保发〔2020〕46号、60周岁") == []
    assert scan("统一元旦前后的多元化、二元化支付") == []  # 一元, 二元 inside words


def test_year_mentions() -> None:
    found = [(y.year, y.insurance) for y in years("2021年度个人缴费,在2019年的基础上,(2018-2020年),2020年9月1日,二〇二二年")]
    assert found == [(2021, True), (2022, False)]  # not a base year, a range bound or a date's year
