"""The figures each province, prefecture and county sets in a year, before any wording: who pays what.

Every amount follows the real rules: the centre pays its tier's share of the national standard; the rest
(the local share) is split between the province and the levels below it, per tier inside the province; a
prefecture splits its part with its counties by a ratio; the contribution is at least the province's floor.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from graph import regions

from .facts import CENTRAL_TIER, MUNICIPALITIES, NATIONAL

TENTH = Decimal("0.1")
CENT = Decimal("0.01")
RATIOS = ((6, 4), (5, 5), (4, 6), (7, 3), (3, 7))


def tenth(d: Decimal) -> Decimal:
    return d.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tier:
    label: str | None  # the scope as the notice writes it (设区市, 脱贫县（市、区）, 第一档, 一般县), None: everyone
    provincial: Decimal
    lower: Decimal
    lower_kind: str  # city-subsidy, county-subsidy
    lower_payer: str  # city, county, city-county
    central: Decimal | None = None  # a tier with its own central share (享受西部政策的县)
    members: tuple[str, ...] = ()  # prefecture codes a 第N档 names


@dataclass
class Province:
    """What a province keeps from year to year: its tier scheme, its top-up and its wording habits."""

    code: str
    style: str  # A: poor counties / 设区市; B: 一般县 / 享受西部政策的县; C: 第一档…; D: one split; M: municipality
    bonus: int  # added to the national per-capita subsidy
    contribution_bonus: int
    next_year_contribution: bool  # sets next insurance year's contribution (广西) or this year's (江西)
    tier_of: dict[str, int] = field(default_factory=dict)  # prefecture → 第N档 (style C)
    poor: set[str] = field(default_factory=set)  # counties counted as 贫困县/脱贫县 (style A)
    western: set[str] = field(default_factory=set)  # counties under the western policy (style B)
    assistance: Decimal = Decimal(100)  # the fixed assistance for 低保 members, restated by the prefectures


def draw_province(code: str, rng: random.Random) -> Province:
    pct = CENTRAL_TIER[code]
    if code in MUNICIPALITIES:
        style = "M"
    else:
        style = rng.choice("AACD" if pct != 60 else "ABCD")
    bonus = rng.choice((0, 0, 0, 10, 20)) if pct <= 50 else rng.choice((0, 0, 0, 0, 10))
    # The contribution is the national one: a province above an exact national standard would be flagged
    # (agrees-with-followed) without having been planted.
    province = Province(code, style, bonus, 0, rng.random() < 0.4,
                        assistance=Decimal(rng.choice((100, 120, 150, 200))))
    prefectures = children(code, "municipal")
    for i, city in enumerate(sorted(prefectures, key=lambda c: rng.random())):
        province.tier_of[city] = 1 + i * 3 // max(1, len(prefectures))
    for county in children(code, "county", deep=True):
        if rng.random() < 0.3:
            (province.poor if style == "A" else province.western).add(county)
    return province


@cache
def _by_parent() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for c in regions.codes():
        parent = regions.get(c).parent
        if parent is not None:
            index.setdefault(parent, []).append(c)
    return index


def children(code: str, level: str, deep: bool = False) -> list[str]:
    """Divisions of `level` directly under `code` (or anywhere under it with `deep`), in code order."""
    out, todo = [], [code]
    while todo:
        for c in _by_parent().get(todo.pop(), []):
            if regions.get(c).level == level:
                out.append(c)
            if deep:
                todo.append(c)
    return sorted(out)


@dataclass(frozen=True)
class ProvinceYear:
    province: Province
    year: int
    subsidy: Decimal
    increase: Decimal
    central: Decimal
    local: Decimal
    tiers: tuple[Tier, ...]
    contribution: Decimal
    contribution_increase: Decimal
    contribution_year: int

    def tier_for_prefecture(self, city: str) -> Tier:
        """The tier whose shares a prefecture restates for itself."""
        style = self.province.style
        if style == "C":
            return self.tiers[min(self.province.tier_of.get(city, 1), len(self.tiers)) - 1]
        if style in ("A", "B"):
            return self.tiers[0]
        return self.tiers[0]


def province_year(p: Province, year: int) -> ProvinceYear:
    nat = NATIONAL[year]
    subsidy = Decimal(nat.subsidy + p.bonus)
    pct = Decimal(CENTRAL_TIER[p.code]) / 100
    central = tenth(Decimal(nat.subsidy) * pct)
    local = subsidy - central
    poor_word = "贫困县（市、区）" if year < 2021 else "脱贫县（市、区）"
    tiers: tuple[Tier, ...]
    if p.style == "A":
        half = tenth(local / 2)
        poor = tenth(local * Decimal("0.75"))
        tiers = (Tier("设区市", half, local - half, "city-subsidy", "city"),
                 Tier("其他县" if year >= 2021 else "非贫困县", half, local - half, "county-subsidy", "county"),
                 Tier(poor_word, poor, local - poor, "county-subsidy", "county"))
    elif p.style == "B":
        west_central = tenth(Decimal(nat.subsidy) * Decimal("0.8"))
        rest, rest_w = subsidy - central, subsidy - west_central
        tiers = (Tier("一般县", tenth(rest / 2), rest - tenth(rest / 2), "city-subsidy", "city-county", central),
                 Tier("享受西部政策的县", tenth(rest_w / 2), rest_w - tenth(rest_w / 2), "city-subsidy",
                      "city-county", west_central))
    elif p.style == "C":
        out = []
        for k, frac in enumerate((Decimal("0.9"), Decimal("0.8"), Decimal("0.7")), 1):
            share = tenth(local * frac)
            members = tuple(sorted(c for c, t in p.tier_of.items() if t == k))
            out.append(Tier(f"第{'一二三'[k - 1]}档", share, local - share, "city-subsidy", "city-county",
                            members=members))
        tiers = tuple(t for t in out if t.members) or (out[0],)
    elif p.style == "D":
        share = tenth(local * Decimal("0.6"))
        tiers = (Tier(None, share, local - share, "city-subsidy", "city-county"),)
    else:
        tiers = ()
    cyear = year + 1 if p.next_year_contribution else year
    return ProvinceYear(p, year, subsidy, Decimal(nat.subsidy_increase), central, local, tiers,
                        Decimal(nat.contribution + p.contribution_bonus), Decimal(nat.contribution_increase), cyear)


def split(amount: Decimal, ratio: tuple[int, int]) -> tuple[Decimal, Decimal]:
    first = (amount * ratio[0] / sum(ratio)).quantize(CENT, rounding=ROUND_HALF_UP)
    return first, amount - first
