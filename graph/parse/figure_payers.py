"""Who pays a share, as the genre names it: the levels of government (`PAYERS`), the phrases that join them
(`PAYER_PHRASE`), the tiers a share may be set for (`TIER`), the verbs of a share, and the kind a payer's
share is (`SHARE_BY_PAYER`). Data and small readers over it; `figure_kinds` classifies with
them, `figure_scope` and `figures` read payers and tiers with them. `local_shares` settles, once a notice's
figures are read, which provincial share is in fact the whole local share."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from .. import regions
from ..records import Figure

# Who pays: a level of government as the genre names it. A level is a morpheme of the administrative
# hierarchy (中央; 省, 自治区, 直辖市; 市, 州, 盟, 地区; 县, 旗, 区, 县级市) with or without 级 / 本级 and a
# parenthesised variant (旗(市)级, 县(区)); 地方 and 我省/我区/我市 name the part below the centre; 各级 all levels
# together. Levels joined by 和/及/与/、 are several payers (省级和市县两级 → provincial, city-county); sub-provincial
# levels written together or closed by 两级/三级 bear one share jointly (市县两级, 盟、旗两级 → city-county).
# Within one alternative longer words come first (自治区 before 区, 县级市 before 县).
_PAREN = r"(?:\([^()]{1,6}\))?"
PAYERS: tuple[tuple[str, str], ...] = (
    (r"中央", "central"),
    (r"各级", "all"),
    (r"地方|我区|我省|我市", "local"),
    (r"(?:自治区|省|直辖市)(?:本级|级)?", "provincial"),
    (rf"设区市|各市|地市|(?:市|州|盟|地区){_PAREN}(?:本级|级)|市|州|盟", "city"),
    (rf"县级市|(?:非贫困|贫困|脱贫|其他|深度贫困|一般)县{_PAREN}|(?:县|旗){_PAREN}(?:本级|级)?|区县|旗县|各县",
     "county"),
    (r"各城区|城区|区(?:本级|级)?", "district"),
)
PAYER_WORD = "|".join(p for p, _ in PAYERS)
_SUB_PROVINCIAL = "|".join(p for p, payer in PAYERS if payer in ("city", "county", "district"))
# A payer phrase: levels joined by a conjunction, or sub-provincial levels written together, then 两级/三级.
PAYER_PHRASE = (rf"(?:{PAYER_WORD})(?:(?:和|及|与|、)(?:{PAYER_WORD})|(?:{_SUB_PROVINCIAL})){{0,8}}"
                r"(?:[两三四]级)?")
# Tiers: groups of divisions a figure can be set for (a payer word that is also a tier gives the scope).
TIER = r"设区市|(?:非贫困|贫困|脱贫|其他|深度贫困|一般)县(?:\([^)]{1,4}\))?|县\([^)]{1,4}\)|两州一县|第[一二三四五六七八九十]+档"
# What a level does with its share: 补助 (with or without 财政 before it), 负担, 分担, 承担; 各/分别/均 say that
# each of several payers bears the amount.
SUBSIDY_VERB = (r"(?:各|分别|共同|均|按比例)?(?:人均)?"
                r"(?:补助标准|补助部分|补助资金|补助|补贴|负担|分担|承担)")

SHARE_BY_PAYER = {
    "central": "central-subsidy", "local": "local-subsidy", "provincial": "provincial-subsidy",
    "city": "city-subsidy", "county": "county-subsidy", "district": "district-subsidy",
    "city-county": "city-subsidy",  # 市县 bear one amount together: the share below the province (docs/MODEL.md)
    "all": "per-capita-fiscal-subsidy",  # 各级财政补助: every level together is the whole subsidy
}


_PAYER_PATTERNS = tuple((re.compile(pattern), payer) for pattern, payer in PAYERS)
_JOINT_LEVELS = re.compile(r"[两三四]级$")
_PAYER_WORDS = re.compile(PAYER_WORD)
_PAYER_RUN = re.compile(rf"(?:(?:{PAYER_WORD})、?)+")


@lru_cache(maxsize=4096)  # a few dozen distinct words, asked about by every share of every notice
def payer_of(word: str) -> str | None:
    """The payer a phrase of one or several levels names: one level is itself; levels written together or
    closed by 两级/三级 (市县, 盟、旗两级) are one joint payer (city-county below the province, local with it)."""
    for pattern, payer in _PAYER_PATTERNS:
        if pattern.fullmatch(word):
            return payer
    joint = _JOINT_LEVELS.sub("", word)
    levels = [payer_of(w) for w in _PAYER_WORDS.findall(joint)]
    if len(levels) < 2 or None in levels or not _PAYER_RUN.fullmatch(joint):
        return None
    if "central" in levels or "all" in levels:
        return None
    return "local" if "provincial" in levels or "local" in levels else "city-county"


def division_level(sentence: str, m: re.Match[str]) -> str | None:
    """A level written right after a county-level division's own name (林口县级, 巴林右旗级, 常熟市级, 吴中区级)
    is that division's: county, or district for a 区, whatever the level word alone would say (市级 is a city's)."""
    # Where the level's own word ends (before 级 / 本级): the payer phrase may begin inside the name, as in
    # 金州区级, where 州区级 reads as two levels written together.
    end = m.end("payer") - len(re.search(r"(?:本级|级)?$", m["payer"]).group(0))
    at = max(0, end - 12)
    for name in regions.find_names(sentence[at:end]):
        if at + name.end == end and regions.level_of(name.code) == "county":
            return "district" if name.text.endswith("区") else "county"
    return None


def split_conjunction(words: str) -> list[str]:
    """设区市和非贫困县 → [设区市, 非贫困县]; a 、 inside parentheses (县(市、区)) does not split."""
    if not words:
        return []
    parts, depth, current = [], 0, ""
    for c in words:
        depth += c == "("
        depth -= c == ")"
        if depth == 0 and c in "和及与、":
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return [p for p in parts if p]


def local_shares(figures: list[Figure]) -> list[Figure]:
    """A provincial subsidy that, with the central one, makes up the whole per-capita subsidy is the local
    share (南宁 writes 自治区财政补助110元 for what its province calls 我区财政补助, the part below the centre)."""
    out = list(figures)
    unscoped: dict[tuple[tuple[int, ...], int | None], list[Figure]] = {}  # grouped once, not per figure
    for g in figures:
        if g.scope is None:
            unscoped.setdefault((g.section_path, g.year), []).append(g)
    for i, f in enumerate(figures):
        if f.kind != "provincial-subsidy" or f.scope is not None:
            continue
        same = unscoped[(f.section_path, f.year)]
        totals = [g.value for g in same if g.kind == "per-capita-fiscal-subsidy"]
        central = [g.value for g in same if g.kind == "central-subsidy"]
        others = [g for g in same if g.kind in ("provincial-subsidy", "city-subsidy", "county-subsidy",
                                                "district-subsidy")]
        if len(others) == 1 and any(isinstance(t, Decimal) and isinstance(cv, Decimal) and cv + f.value == t
                                    for t in totals for cv in central):
            note = "stated as a provincial subsidy; with the central one it makes up the total: the local share"
            out[i] = replace(f, kind="local-subsidy", note="; ".join(n for n in (f.note, note) if n))
    return out

