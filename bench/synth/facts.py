"""The facts the synthetic corpus is generated from: the national notices of each year and their figures,
the central-subsidy tiers of the provinces, and the agencies that issue the notices in each period.

National figures and 文号: 2017 (人社部发〔2017〕36号), 2018 (医保发〔2018〕2号), 2020, 2021, 2022, 2023 and 2024
are cited by the real notices in corpus/ and the development set; 2016 and 2019 are the published notices as
recalled (人社部发〔2016〕43号, 医保发〔2019〕30号). 2025 is left out: its 文号 could not be checked here.
The five central-subsidy tiers are those of 国办发〔2018〕67号 (80/60/50/30/10 %), applied to every year.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class National:
    year: int
    docno: str  # canonical 文号
    issuers: tuple[str, ...]
    title: str
    subsidy: int  # 人均财政补助标准, 元/人·年 (不低于)
    subsidy_increase: int
    contribution: int  # 个人缴费标准, 元/人·年
    contribution_increase: int
    month: int  # month of issue


_MOHRSS = ("人力资源社会保障部", "财政部")
_NHSA_18 = ("国家医疗保障局", "财政部", "人力资源社会保障部", "国家卫生健康委员会")
_NHSA_19 = ("国家医疗保障局", "财政部")
_NHSA = ("国家医保局", "财政部", "国家税务总局")


def _title(issuers: tuple[str, ...], year: int, what: str) -> str:
    return f"{' '.join(issuers)}关于做好{year}年{what}的通知"


NATIONAL: dict[int, National] = {n.year: n for n in (
    National(2016, "人社部发〔2016〕43号", _MOHRSS, _title(_MOHRSS, 2016, "城镇居民基本医疗保险工作"), 420, 40, 150, 30, 4),
    National(2017, "人社部发〔2017〕36号", _MOHRSS, _title(_MOHRSS, 2017, "城镇居民基本医疗保险工作"), 450, 30, 180, 30, 4),
    National(2018, "医保发〔2018〕2号", _NHSA_18, _title(_NHSA_18, 2018, "城乡居民基本医疗保险工作"), 490, 40, 220, 40, 7),
    National(2019, "医保发〔2019〕30号", _NHSA_19, _title(_NHSA_19, 2019, "城乡居民基本医疗保障工作"), 520, 30, 250, 30, 4),
    National(2020, "医保发〔2020〕24号", _NHSA, _title(_NHSA, 2020, "城乡居民基本医疗保障工作"), 550, 30, 280, 30, 6),
    National(2021, "医保发〔2021〕32号", _NHSA, _title(_NHSA, 2021, "城乡居民基本医疗保障工作"), 580, 30, 320, 40, 6),
    National(2022, "医保发〔2022〕20号", _NHSA, _title(_NHSA, 2022, "城乡居民基本医疗保障工作"), 610, 30, 350, 30, 6),
    National(2023, "医保发〔2023〕24号", _NHSA, _title(_NHSA, 2023, "城乡居民基本医疗保障工作"), 640, 30, 380, 30, 7),
    National(2024, "医保发〔2024〕19号", _NHSA, _title(_NHSA, 2024, "城乡居民基本医疗保障有关工作"), 670, 30, 400, 20, 7),
)}
YEARS = tuple(sorted(NATIONAL))

# Central share of the national per-capita subsidy, by province (国办发〔2018〕67号).
CENTRAL_TIER: dict[str, int] = {}
for _pct, _codes in ((80, "150000 450000 500000 510000 520000 530000 540000 610000 620000 630000 640000 650000"),
                     (60, "130000 140000 220000 230000 340000 360000 410000 420000 430000 460000"),
                     (50, "210000 350000 370000"), (30, "120000 320000 330000 440000"), (10, "110000 310000")):
    for _code in _codes.split():
        CENTRAL_TIER[_code] = _pct
PROVINCES = tuple(sorted(CENTRAL_TIER))
MUNICIPALITIES = ("110000", "120000", "310000", "500000")

# The one-character code a province's 文号 starts with, as the provinces write it (内医保发, 黔医保发, 云医保).
DOCNO_PREFIX = {
    "110000": "京", "120000": "津", "130000": "冀", "140000": "晋", "150000": "内", "210000": "辽",
    "220000": "吉", "230000": "黑", "310000": "沪", "320000": "苏", "330000": "浙", "340000": "皖",
    "350000": "闽", "360000": "赣", "370000": "鲁", "410000": "豫", "420000": "鄂", "430000": "湘",
    "440000": "粤", "450000": "桂", "460000": "琼", "500000": "渝", "510000": "川", "520000": "黔",
    "530000": "云", "540000": "藏", "610000": "陕", "620000": "甘", "630000": "青", "640000": "宁",
    "650000": "新",
}


def agencies(place: str, level: str, year: int) -> tuple[str, ...]:
    """The joint issuers of a notice of `place` (full name) at `level` in `year`: the human-resources
    department before the medical-insurance bureaus were set up (2019), then the bureau with finance and tax."""
    if level == "provincial":
        if year < 2019:
            return (f"{place}人力资源和社会保障{'局' if place.endswith('市') else '厅'}",
                    f"{place}财政{'局' if place.endswith('市') else '厅'}")
        finance = "财政局" if place.endswith("市") else "财政厅"  # 北京市财政局, 广西壮族自治区财政厅
        return (f"{place}医疗保障局", f"{place}{finance}", f"国家税务总局{place}税务局")
    if year < 2019:
        return (f"{place}人力资源和社会保障局", f"{place}财政局")
    return (f"{place}医疗保障局", f"{place}财政局", f"国家税务总局{place}税务局")


def docno_word(year: int) -> str:
    """The part of a local 文号 after the place: 人社发 before 2019, 医保发 after."""
    return "人社发" if year < 2019 else "医保发"
