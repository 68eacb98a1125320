"""Numbers as the notices write them, read into typed data: amounts (Arabic or Chinese numerals, with 万),
percentages (`70%`, `百分之六十`), percentage points, ratios (`6:4`), dates (`2020年9月1日`, `12月31日`,
`次年3月底`), date intervals (`…至…`), `全额` (the full contribution), and year mentions (`2021年度`).

Everything here works on a cleaned, width-folded string (no spaces, no line breaks: `graph.parse.text`);
positions are indices into that string. Nothing here knows what a figure means: that is `figure_kinds`.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

from ..records import DateInterval, Ratio

_CN = "〇零一二两三四五六七八九十百千万亿"
# Linear time: every unbounded run of numerals starts only where such a run starts (the lookbehinds), so a
# 10,000-digit line is tried once, not from each of its digits. A match inside a run would also match from
# the run's start, so this finds what the unanchored patterns found.
# Lazy, so that 二十五万元 leaves 万 to the unit (25 万元) as 25万元 does. Two numerals at least (一万元
# aside): a lone 一元 / 二元 is a word (统一元旦, 二元化), not an amount.
_CN_NUM = rf"(?<![{_CN}])(?:[一二两三四五六七八九十](?=万元)|[{_CN}][{_CN}]+?)(?:点[〇零一二三四五六七八九]+)?"
_CN_NUM_ALL = rf"(?<![{_CN}])[{_CN}]+(?:点[〇零一二三四五六七八九]+)?"
_ARABIC = r"(?<!\d)(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# No amount, rate or year is written with more numerals than this: a longer run is not a number.
MAX_NUMERALS = 24
_CN_YEAR = r"[〇零一二三四五六七八九]{4}"
_CN_SMALL = r"[一二三四五六七八九十]{1,3}"

# Money: 280元, 280元/人·年, 280元/人/年, 25万元, 二十五万元. The unit tail is normalised by `money_unit`.
MONEY = re.compile(
    rf"(?P<num>{_ARABIC}|{_CN_NUM})(?P<wan>万)?元(?P<per>/人[·•・.]?年|/人/年|/年[·•・./]人|/人|/年)?"
)
PERCENT = re.compile(rf"(?P<num>{_ARABIC})%|百分之(?P<cn>{_CN_NUM_ALL})")
POINTS = re.compile(rf"(?P<num>{_ARABIC}|{_CN_NUM_ALL})个百分点")
RATIO = re.compile(r"(?<![\d.:])(?P<a>\d+(?:\.\d+)?):(?P<b>\d+(?:\.\d+)?)(?::(?P<c>\d+(?:\.\d+)?))?(?![\d:.])")
# 全额 is a figure only as the amount of an assistance: 给予全额资助 / 全额补助 (not 全额负担, 全额缴费).
FULL = re.compile(r"全额(?=资助|补助)(?!资助对象|补助对象)")


def _date_pattern(i: int) -> str:
    """One date; `i` numbers its groups so that an interval can hold two."""
    return (
        rf"(?:(?P<rel{i}>次年|当年|同年|上年)|(?P<y{i}>\d{{4}}|{_CN_YEAR})年)?"
        rf"(?P<m{i}>\d{{1,2}}|{_CN_SMALL})月(?:(?P<d{i}>\d{{1,2}}|{_CN_SMALL})日|(?P<end{i}>底))"
        rf"|(?P<ye{i}>\d{{4}})年底"
    )


DATE = re.compile(_date_pattern(1))
# Every date holds 月 or 年底, at most this many characters after its start (上年 / 2020年, then 十二).
_DATE_MARKS, _DATE_REACH = ("月", "年底"), 8
# 2025年9月1日至12月31日, 9月1日起至12月31日(止), 10月1日—12月31日
INTERVAL = re.compile(rf"(?:{_date_pattern(1)})(?:起|开始)?(?:至|到|—|–|-|~)(?:{_date_pattern(2)})")
# A year mentioned for its own sake (2021年度, 2020年城乡居民…), not the year of a date (2020年9月1日).
YEAR = re.compile(rf"(?P<y>\d{{4}}|{_CN_YEAR})年(?P<du>度)?(?!\d{{1,2}}月|{_CN_SMALL}月|底)")
# 在2019年的基础上 names the base year of an increase, never the year a figure is for.
_BASE_YEAR = re.compile(r"(?:的)?基础上")
_RELATIVE = {"次年": 1, "当年": 0, "同年": 0, "上年": -1}


def cn_to_decimal(text: str) -> Decimal:
    """A number written in Chinese numerals (or mixed, `2.5万`): 二十五万 → 250000, 百分之六十 → 60,
    二〇二〇 → 2020, 零点五 → 0.5. Raises ValueError when `text` is not a number."""
    s = text.strip()
    if s.startswith("百分之"):
        s = s[3:]
    if len(s) > MAX_NUMERALS:  # cn2an is quadratic in the length, and no amount is that long
        raise ValueError(f"not a number: {text[:MAX_NUMERALS]!r}… ({len(text)} characters)")
    if re.fullmatch(r"[〇零一二三四五六七八九]{2,}", s):  # digit by digit: 二〇二〇
        return Decimal("".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in s))
    try:
        return Decimal(str(cn2an.cn2an(s, "smart")))
    except (ValueError, KeyError, InvalidOperation) as e:
        raise ValueError(f"not a number: {text!r}") from e


_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def to_decimal(text: str) -> Decimal:
    """Arabic (`82.5`, `49,785`) or Chinese numerals; the value as written, 万 not applied."""
    s = text.replace(",", "")
    if len(s) > MAX_NUMERALS:
        raise ValueError(f"not a number: {text[:MAX_NUMERALS]!r}… ({len(text)} characters)")
    if _DECIMAL.fullmatch(s):
        return Decimal(s)
    return cn_to_decimal(s)


def money_unit(wan: str | None, per: str | None) -> str:
    """万 keeps its unit (25万元 → 25 万元: the figure as written, which a reader finds in the quote)."""
    base = "万元" if wan else "元"
    if not per:
        return base
    if "年" in per and "人" in per:
        return base + "/人·年"
    return base + per


@dataclass(frozen=True)
class DateMention:
    """A date as written; the year may be missing (12月31日) or relative (次年3月底)."""

    year: int | None
    month: int
    day: int | None  # None: end of the month (3月底)
    relative: int | None = None  # 次年 → +1, relative to the year the context gives

    def resolve(self, context_year: int) -> dt.date:
        year = self.year if self.year is not None else context_year + (self.relative or 0)
        day = self.day if self.day is not None else calendar.monthrange(year, self.month)[1]
        return dt.date(year, self.month, day)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit found in a string: `kind` is money, percent, points, ratio, date, interval, full."""

    kind: str
    start: int
    end: int
    value: Decimal | Ratio | DateMention | tuple[DateMention, DateMention]
    unit: str

    @property
    def needs_year(self) -> bool:
        if isinstance(self.value, DateMention):
            return self.value.year is None
        if isinstance(self.value, tuple):
            return self.value[0].year is None
        return False


def resolve_dates(q: Quantity, context_year: int) -> dt.date | DateInterval:
    """The date or interval of a date quantity; a missing year comes from the interval's start, then the
    context (`2020年9月1日至12月31日`: the end is in 2020)."""
    if isinstance(q.value, DateMention):
        return q.value.resolve(context_year)
    assert isinstance(q.value, tuple)
    start = q.value[0].resolve(context_year)
    end = q.value[1].resolve(start.year)
    return DateInterval(start, end)


def _mention(m: re.Match[str], i: int) -> DateMention | None:
    g = m.groupdict()
    try:
        if g.get(f"ye{i}"):
            return DateMention(int(g[f"ye{i}"]), 12, 31)
        year = int(to_decimal(g[f"y{i}"])) if g.get(f"y{i}") else None
        month = int(to_decimal(g[f"m{i}"]))
        day = None if g.get(f"end{i}") else int(to_decimal(g[f"d{i}"]))
        mention = DateMention(year, month, day, _RELATIVE.get(g.get(f"rel{i}") or ""))
        mention.resolve(year or 2000)  # a real date (no 2月30日)
        return mention
    except (ValueError, TypeError):
        return None


def dates_in(pattern: re.Pattern[str], s: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(s)` for DATE or INTERVAL, searched from a little before each 月 / 年底 only (the
    patterns try their optional year at every character). The leftmost match from `pos` holds a mark at or
    after the first one from `pos`, at most `_DATE_REACH` after its own start; neither pattern looks behind."""
    pos = 0
    while True:
        marks = [at for mark in _DATE_MARKS if (at := s.find(mark, pos)) >= 0]
        if not marks:
            return
        m = pattern.search(s, max(pos, min(marks) - _DATE_REACH))
        if m is None:
            return
        yield m
        pos = m.end()


# What the number before 元 is written with (\d is any Unicode decimal digit): an amount's characters.
_AMOUNT = frozenset(_CN + "点,.")


def amounts_in(s: str) -> Iterator[re.Match[str]]:
    """`MONEY.finditer(s)`, searched only from the start of the run of numerals before each 元 (the pattern
    tries its two kinds of numeral at every character). An amount is numerals, then 元: the leftmost one from
    `pos` cannot start before the first 元 from `pos` unless it ends at that 元 (元 is not a numeral)."""
    pos = 0
    while (at := s.find("元", pos)) >= 0:
        lo = at
        while lo > pos and (s[lo - 1] in _AMOUNT or s[lo - 1].isdecimal()):
            lo -= 1
        m = MONEY.search(s, lo)
        if m is None:
            return
        yield m
        pos = m.end()


def scan(s: str) -> list[Quantity]:
    """Every quantity in `s`, left to right, not overlapping (an interval wins over its two dates)."""
    found: list[Quantity] = []
    starts: list[int] = []  # the taken ranges, disjoint, sorted: their ends are sorted too
    ends: list[int] = []

    def add(q: Quantity) -> None:
        # The only taken range that can overlap [start, end) is the last one starting before `end`.
        j = bisect.bisect_left(starts, q.end) - 1
        if j >= 0 and ends[j] > q.start:
            return
        found.append(q)
        starts.insert(j + 1, q.start)
        ends.insert(j + 1, q.end)

    # Each pattern is tried only on a string holding the character its every match holds (a date 月 or
    # 年底, money 元, …): most sentences hold few kinds of quantity, and a failed search is the cost here.
    dated = "月" in s or "年底" in s
    for m in dates_in(INTERVAL, s) if dated else ():
        a, b = _mention(m, 1), _mention(m, 2)
        if a and b:
            add(Quantity("interval", m.start(), m.end(), (a, b), "interval"))
    for m in dates_in(DATE, s) if dated else ():
        d = _mention(m, 1)
        if d:
            add(Quantity("date", m.start(), m.end(), d, "date"))
    for m in amounts_in(s):
        try:
            add(Quantity("money", m.start(), m.end(), to_decimal(m["num"]), money_unit(m["wan"], m["per"])))
        except ValueError:
            continue
    for m in POINTS.finditer(s) if "个百分点" in s else ():
        try:
            add(Quantity("points", m.start(), m.end(), to_decimal(m["num"]), "个百分点"))
        except ValueError:
            continue
    for m in PERCENT.finditer(s) if "%" in s or "百分之" in s else ():
        try:
            add(Quantity("percent", m.start(), m.end(), to_decimal(m["num"] or m["cn"]), "%"))
        except ValueError:
            continue
    for m in RATIO.finditer(s) if ":" in s else ():
        parts = tuple(Decimal(p) for p in (m["a"], m["b"], m["c"]) if p)
        add(Quantity("ratio", m.start(), m.end(), Ratio(parts), "ratio"))
    for m in FULL.finditer(s) if "全额" in s else ():
        add(Quantity("full", m.start(), m.end(), Decimal(100), "%"))
    return sorted(found, key=lambda q: q.start)


@dataclass(frozen=True)
class YearMention:
    start: int
    end: int
    year: int
    insurance: bool  # written 年度


def years(s: str) -> list[YearMention]:
    """Years mentioned for their own sake in `s`: not dates, not base years (在2019年的基础上), not the
    bounds of a range (2018-2020年)."""
    found = []
    for m in YEAR.finditer(s):
        if _BASE_YEAR.match(s, m.end()) or (m.start() > 0 and s[m.start() - 1] in "-—–~至"):
            continue
        try:
            year = int(to_decimal(m["y"]))
        except ValueError:
            continue
        if 1990 <= year <= 2100:
            found.append(YearMention(m.start(), m.end(), year, bool(m["du"])))
    return found
