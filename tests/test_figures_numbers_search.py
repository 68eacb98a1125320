"""`numbers.dates_in` finds what `DATE.finditer` and `INTERVAL.finditer` find, searching only near each 月 or
年底, and `amounts_in` what `MONEY.finditer` finds, searching only from the numerals before each 元: the same
matches (spans and groups) on random text built from pieces of dates, amounts and words."""

from __future__ import annotations

import random

from graph.parse.numbers import DATE, INTERVAL, MONEY, amounts_in, dates_in

_PIECES = ["2020", "2021", "1", "12", "31", "9", "年", "月", "日", "底", "年底", "次年", "上年", "当年", "同年",
           "二〇二〇", "十二", "九", "三十一", "起", "开始", "至", "到", "—", "-", "~", "截", "缴费", "，", "。", "份"]


def _found(matches):  # noqa: ANN001, ANN202
    return [(m.span(), m.groupdict()) for m in matches]


def test_dates_in_is_finditer():
    rng = random.Random(20261201)
    for _ in range(4000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 30)))
        for pattern in (DATE, INTERVAL):
            assert _found(dates_in(pattern, text)) == _found(pattern.finditer(text)), (pattern is DATE, text)


def test_a_date_whose_year_and_month_run_long_is_found_whole():
    text = "缴费期为二〇二〇年十二月一日至次年十二月三十一日，上年12月底前"
    assert [m.group(0) for m in dates_in(INTERVAL, text)] == ["二〇二〇年十二月一日至次年十二月三十一日"]
    assert [m.group(0) for m in dates_in(DATE, text)] == [m.group(0) for m in DATE.finditer(text)]


_AMOUNTS = ["280", "1,200", "12,345.5", "0.5", "１２", "٣", "二十五", "一", "万", "万元", "元", "元/人", "/人·年", "/年",
            "点五", "亿", "百", "每人", "统一元旦", "二元化", ",", ".", "，", "不低于", "a", "十"]


def test_amounts_in_is_finditer():
    rng = random.Random(7)
    for _ in range(4000):
        text = "".join(rng.choice(_AMOUNTS) for _ in range(rng.randint(0, 25)))
        assert _found(amounts_in(text)) == _found(MONEY.finditer(text)), text
