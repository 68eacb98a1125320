"""Figure kinds as data: the slugs of the SKOS scheme `ontology/kinds.ttl` (what each kind measures, which
values it takes, which year it is counted in), and the wording of the genre that tells a figure's kind
(`CUES`). `classify` is the small engine that reads the table; it knows no notice, only the words.

How a number gets its kind: an *after* cue right behind it wins (`200元的定额资助`, `…前足额上划`); else
the nearest *before* cue in its sentence whose kind takes that sort of value (`中央财政补助440元`,
`…人均补助标准在2019年的基础上新增30元`), the longer of two that end at the same place. Words right in
front of the number modify it: `新增`/`提高` make it the kind's increase, `降低` its reduction; `由…` (the old
level of 由50%提高至60%) and `每增加` (a step) are not figures.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from ..records import YearType

MONEY, PERCENT, POINTS, RATIO, DATE, INTERVAL, FULL = "money", "percent", "points", "ratio", "date", "interval", "full"


@dataclass(frozen=True)
class Kind:
    slug: str
    year_type: YearType
    values: frozenset[str]  # the sorts of quantity (numbers.Quantity.kind) a figure of this kind takes
    increase: str | None = None  # the kind of a stated increase of it (新增30元)
    reduction: str | None = None  # the kind of a stated reduction of it (起付线降低50%)
    payer: str | None = None
    note: str | None = None


def _k(slug: str, year_type: YearType, *values: str, **kw: str) -> Kind:
    return Kind(slug, year_type, frozenset(values), **kw)


KINDS: dict[str, Kind] = {k.slug: k for k in (
    _k("per-capita-fiscal-subsidy", "fiscal", MONEY, increase="fiscal-subsidy-increase"),
    _k("fiscal-subsidy-increase", "fiscal", MONEY),
    _k("central-subsidy", "fiscal", MONEY, payer="central"),
    _k("local-subsidy", "fiscal", MONEY, payer="local"),
    _k("provincial-subsidy", "fiscal", MONEY, payer="provincial"),
    _k("city-subsidy", "fiscal", MONEY, payer="city"),
    _k("county-subsidy", "fiscal", MONEY, payer="county"),
    _k("district-subsidy", "fiscal", MONEY, payer="district"),
    _k("cost-sharing-ratio", "fiscal", RATIO),
    _k("payer-share", "fiscal", PERCENT),
    _k("individual-contribution", "insurance", MONEY, increase="individual-contribution-increase"),
    _k("individual-contribution-increase", "insurance", MONEY),
    _k("contribution-top-up", "insurance", MONEY,
       note="difference to the standard, collected later (补缴) together with a later contribution"),
    _k("contribution-base", "insurance", MONEY),
    _k("financing-standard", "insurance", MONEY),
    _k("critical-illness-premium", "insurance", MONEY),
    _k("contribution-assistance", "insurance", MONEY, PERCENT, FULL),
    _k("inpatient-reimbursement-rate", "calendar", PERCENT),
    _k("outpatient-reimbursement-rate", "calendar", PERCENT),
    _k("inpatient-deductible", "calendar", MONEY, PERCENT),
    _k("annual-payment-cap", "calendar", MONEY),
    _k("critical-illness-deductible", "calendar", MONEY, PERCENT,
       reduction="critical-illness-deductible-reduction"),
    _k("critical-illness-deductible-reduction", "calendar", PERCENT),
    _k("critical-illness-reimbursement-rate", "calendar", PERCENT, increase="critical-illness-rate-increase"),
    _k("critical-illness-rate-increase", "calendar", PERCENT, POINTS),
    _k("critical-illness-annual-cap", "calendar", MONEY),
    _k("coverage-target", "calendar", PERCENT),
    _k("contribution-period", "insurance", INTERVAL),
    _k("late-contribution-period", "insurance", INTERVAL),
    _k("benefit-period", "insurance", INTERVAL),
    _k("contribution-start", "insurance", DATE),
    _k("contribution-deadline", "insurance", DATE),
    _k("subsidy-transfer-deadline", "fiscal", DATE),
    _k("effective-date", "calendar", DATE),
    _k("other", "calendar", MONEY),
)}
OTHER = "other"
SHARE = "share"  # a cue whose payer words decide the kind (see PAYERS)

# Who pays, by the words of the genre; the first alternative that matches at a place wins, so longer
# words come first (市、县(区) before 市, 自治区 before 区).
PAYERS: tuple[tuple[str, str], ...] = (
    (r"中央", "central"),
    (r"地方|我区|我省|我市", "local"),
    (r"自治区|省级|省本级|省", "provincial"),
    (r"市县\([^)]{1,4}\)|市、县\([^)]{1,4}\)|市县|市、县|市州、县市区", "city-county"),
    (r"设区市|市本级|市级|各市|市", "city"),
    (r"(?:非贫困|贫困|脱贫|其他|深度贫困)县(?:\([^)]{1,4}\))?|县\([^)]{1,4}\)|区县|各县|县", "county"),
    (r"各城区|城区|区", "district"),
)
PAYER_WORD = "|".join(p for p, _ in PAYERS)
# Tiers: groups of divisions a figure can be set for (a payer word that is also a tier gives the scope).
TIER = r"设区市|(?:非贫困|贫困|脱贫|其他|深度贫困)县(?:\([^)]{1,4}\))?|县\([^)]{1,4}\)|两州一县|第[一二三四五六七八九十]+档"
SUBSIDY_VERB = r"(?:人均)?(?:补助标准|补助部分|补助|补贴|分别负担|负担|承担)"

SHARE_BY_PAYER = {
    "central": "central-subsidy", "local": "local-subsidy", "provincial": "provincial-subsidy",
    "city": "city-subsidy", "county": "county-subsidy", "district": "district-subsidy",
    "city-county": "city-subsidy",  # 市县 bear one amount together: the share below the province (docs/MODEL.md)
}


def payer_of(word: str) -> str | None:
    for pattern, payer in PAYERS:
        if re.fullmatch(pattern, word):
            return payer
    return None


Where = Literal["before", "after"]
Within = Literal["clause", "sentence", "context"]


@dataclass(frozen=True)
class Cue:
    kind: str  # a slug, or SHARE
    pattern: re.Pattern[str]
    where: Where = "before"
    requires: re.Pattern[str] | None = None  # must occur `within` the figure's clause/sentence/context
    within: Within = "sentence"
    note: str | None = None  # what the wording says about the figure beyond its kind


def _cue(kind: str, pattern: str, where: Where = "before", requires: str | None = None,
         within: Within = "sentence", note: str | None = None) -> Cue:
    return Cue(kind, re.compile(pattern), where, re.compile(requires) if requires else None, within, note)


_RATE = r"(?:支付|报销|补偿|给付)比例|(?<!不)报销|补偿|给付"
_CAP = r"封顶线|(?:年度)?(?:累计)?(?:最高)?支付限额|最高支付额"
_DEDUCTIBLE = r"起付线|起付标准"

# Order matters only between cues that match the same words: the first whose `requires` holds wins.
CUES: tuple[Cue, ...] = (
    # who pays a share of the subsidy: 中央财政补助, 自治区财政对贫困县(区)补助, 设区市和非贫困县财政分别负担
# (nine payers at most: an unbounded list would be tried again from each of its members, in quadratic time)
    _cue(SHARE, rf"(?P<payer>(?:{PAYER_WORD})(?:(?:和|及|、)(?:{PAYER_WORD})){{0,8}})财政"
                rf"(?:对(?P<tier>[^,;:。]{{1,24}}?)(?:的)?)?{SUBSIDY_VERB}"),
    _cue(SHARE, rf"(?P<payer>(?:{TIER})(?:(?:和|及|、)(?:{TIER})){{0,8}})(?:财政)?(?:补助|分别负担|负担)"),
    _cue("per-capita-fiscal-subsidy",
         r"(?:各级)?财政(?:人均)?补助(?:标准)?|人均(?:财政)?(?:补助)?标准|政府补助(?:标准)?"),
    _cue("contribution-assistance", r"个人缴费(?:补助|补贴)(?:标准)?|(?:参保|定额|差额)?资助(?:标准)?"),
    _cue("individual-contribution", r"个人缴费(?:标准)?|个人缴纳(?:标准)?|个人参保费用"),
    # 已按250元标准缴纳/征收: what was collected, not the standard; the note keeps it apart from the standard.
    _cue("individual-contribution", r"已按(?:照)?(?:每人每年|每人)?",
         note="已按此标准征收: the amount already collected, not the standard the notice sets"),
    _cue("contribution-top-up", r"差额"),
    _cue("critical-illness-premium", r"大病保险(?:人均)?筹资(?:标准)?|大病保险保费"),
    _cue("financing-standard", r"(?:人均)?筹资(?:标准|总额|水平)"),
    _cue("contribution-base", r"缴费基数"),
    _cue("critical-illness-reimbursement-rate", _RATE, requires="大病"),
    _cue("outpatient-reimbursement-rate", _RATE, requires="门诊", within="clause"),
    _cue("inpatient-reimbursement-rate", _RATE, requires="住院"),
    _cue("critical-illness-reimbursement-rate", _RATE, requires="大病", within="context"),
    _cue("critical-illness-deductible", _DEDUCTIBLE, requires="大病"),
    _cue("inpatient-deductible", _DEDUCTIBLE, requires="住院"),
    _cue("critical-illness-deductible", _DEDUCTIBLE, requires="大病", within="context"),
    _cue("critical-illness-annual-cap", _CAP, requires="大病"),
    _cue("annual-payment-cap", _CAP),
    _cue("coverage-target", r"参保率|参保覆盖率"),
    _cue("cost-sharing-ratio", r"(?:分担|筹集|负担|承担)比例"),
    _cue("contribution-period", r"集中缴费期|集中征缴期|缴费期"),
    _cue("benefit-period", r"待遇享受期|待遇期|享受[^,;。]{0,20}待遇(?:的)?期"),
    _cue("contribution-deadline", r"(?:缴费|征缴)截止(?:时间|日期)?"),
    # right behind the number
    _cue("contribution-assistance", r"的?(?:给予)?(?:定额|全额)?(?:资助|补助)(?!标准|资金)", "after"),
    _cue("coverage-target", r"(?:以上)?(?:参加|参保)(?:基本医疗保险|基本医保|城乡居民|居民医保)", "after"),
    _cue("cost-sharing-ratio", r"(?:的)?(?:比例)?(?:分担|负担|承担|筹集)", "after"),
    _cue("contribution-period", r"集中(?:缴费|征缴|征收)(?!工作)", "after"),
    _cue("late-contribution-period", r"期间缴(?:纳|费)", "after"),
    _cue("contribution-start", r"(?:前)?(?:启动|开始)", "after", requires="缴费|征收|征缴"),
    _cue("contribution-deadline", r"(?:之)?前完成[^,;。]{0,40}?(?:缴费|征缴)", "after"),
    _cue("subsidy-transfer-deadline", r"(?:之)?前(?:足额)?(?:预拨|拨付|上划|拨入|划拨|下达|到位)", "after",
         requires="补助|财政"),
    _cue("effective-date", r"起(?:执行|施行|实施)", "after"),
)

# Words right in front of a number (the end of its lead) that change what it is.
INCREASE = re.compile(r"(?:新增|增加|同步提高|提高|上调|增长)(?:了|的)?$")
# 同步提高个人缴费标准30元: the increase word stands before the cue, the number right after it.
_LEVEL_WORDS = re.compile(r"达到|为|至|到|是|[,;:]")
REDUCTION = re.compile(r"(?:降低|下调)(?:了)?$")
# A contribution (or its increase) said to be collected later (一并补征补缴) is a top-up.
TOP_UP = re.compile(r"[^。元]{0,60}?(?:补征|补缴)")
_TOPPED_UP = {"individual-contribution", "individual-contribution-increase"}
NOT_A_FIGURE = re.compile(r"(?:由(?:原来的)?|每(?:增加|提高)|以上至|\(含)$")
# Amounts that bound a band of expenses (2万元以上至10万元(含)以下部分) are not figures either.
BAND_AFTER = re.compile(r"(?:\(含\))?(?:以内|以下部分|以上部分|以上至|至\d)")


@dataclass(frozen=True)
class Classified:
    kind: str
    cue_start: int  # sentence indices of the cue (-1 when the kind comes from an after cue or nothing)
    cue_end: int
    note: str | None = None
    payers: tuple[str, ...] = ()  # share cues: the payer of each tier (one or several)
    tiers: tuple[str | None, ...] = ()  # share cues: the tier each payer pays for


def classify(sentence: str, start: int, end: int, value: str, contexts: dict[Within, str],
             masked: list[tuple[int, int]]) -> Classified | None:
    """The kind of the quantity at sentence[start:end] whose sort is `value`; None when it is not a figure.
    `contexts` holds the clause, the sentence and the wider context (headings, title) for `requires`."""
    lead = sentence[:start]
    if _ends_with(NOT_A_FIGURE, sentence, start) or (value == MONEY and BAND_AFTER.match(sentence, end)):
        return None
    for cue in CUES:
        if cue.where == "after" and cue.pattern.match(sentence, end) and _applies(cue, value, contexts):
            return Classified(cue.kind, -1, -1)
    modifier = ("increase" if _ends_with(INCREASE, sentence, start)
                else "reduction" if _ends_with(REDUCTION, sentence, start) else None)
    best: tuple[tuple[int, int, int], Classified | None] | None = None
    for order, cue in enumerate(CUES):
        if cue.where != "before" or not _holds(cue, contexts):
            continue
        # Nearest first: a cue's matches end ever later, so the first that fits is its best (linear time).
        for m in reversed(_cue_matches(order, sentence, start)):
            if any(a <= m.start() < b for a, b in masked):
                continue
            here = modifier or ("increase" if _ends_with(INCREASE, sentence, m.start())
                                and not _LEVEL_WORDS.search(lead[m.end():]) else None)
            found = _share(m, value, here) if cue.kind == SHARE else _plain(cue, m, value, here)
            if found is False:
                continue  # this cue's kind does not take such a value: look further
            rank = (start - m.end(), m.start() - m.end(), order)  # nearest, then longest, then table order
            if best is None or rank < best[0]:
                best = (rank, found)
            break
    if best is None:
        return Classified(OTHER, -1, -1) if value == MONEY else None
    found = best[1]
    if (isinstance(found, Classified) and found.kind in _TOPPED_UP and found.note is None
            and TOP_UP.match(sentence, end)):
        return Classified("contribution-top-up", found.cue_start, found.cue_end)
    return found


def _ends_with(pattern: re.Pattern[str], text: str, end: int) -> bool:
    """`pattern.search(text[:end])` for a pattern anchored at the end (…$): only its last few characters
    are read, so that a number at the end of a long sentence costs no more than one at its start."""
    width = _tail_width(pattern)
    return bool(pattern.search(text, max(0, end - width) if width else 0, end))


@cache
def _tail_width(pattern: re.Pattern[str]) -> int | None:
    """The longest match of a pattern that must end at the end and does not look behind; else None."""
    try:
        parsed = re._parser.parse(pattern.pattern)  # type: ignore[attr-defined]
        lo, hi = parsed.getwidth()
        anchored = len(parsed) and parsed[-1] == (re._constants.AT, re._constants.AT_END)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an engine without these internals reads the whole text
        return None
    return hi if anchored and hi < 1000 and "(?<" not in pattern.pattern else None


# A pattern that looks ahead (or at the end) may match differently in sentence[:start] than in the sentence.
_LOOKS_AHEAD = re.compile(r"\(\?[=!]|\$|\\[bBZ]")


def _cue_matches(order: int, sentence: str, start: int) -> list[re.Match[str]]:
    """The matches of before-cue `order` in sentence[:start], from one search of the whole sentence.

    Its matches that end by `start` are those of the prefix, up to the first one that runs past `start`;
    from there on (rare: a tier such as 对…的 reaching over the number) the prefix is searched again."""
    matches, ends = _sentence_matches(order, sentence)
    pattern = CUES[order].pattern
    if ends is None:
        return list(pattern.finditer(sentence, 0, start))
    j = bisect.bisect_right(ends, start)
    if j < len(matches) and matches[j].start() < start:
        return matches[:j] + list(pattern.finditer(sentence, matches[j].start(), start))
    return matches[:j]


@lru_cache(maxsize=256)
def _sentence_matches(order: int, sentence: str) -> tuple[list[re.Match[str]], list[int] | None]:
    pattern = CUES[order].pattern
    if _LOOKS_AHEAD.search(pattern.pattern):
        return [], None
    matches = list(pattern.finditer(sentence))
    return matches, [m.end() for m in matches]


def _plain(cue: Cue, m: re.Match[str], value: str, modifier: str | None) -> Classified | None | bool:
    """The kind a plain cue gives: None = a figure of no known kind (kept as other when it is money),
    False = the cue does not fit such a value."""
    kind = KINDS[cue.kind]
    if modifier:
        variant = kind.increase if modifier == "increase" else kind.reduction
        if variant is None:
            return Classified(OTHER, m.start(), m.end()) if value == MONEY else None
        kind = KINDS[variant]
    if value not in kind.values:
        return False
    return Classified(kind.slug, m.start(), m.end(), None if modifier else cue.note)


def _holds(cue: Cue, contexts: dict[Within, str]) -> bool:
    if cue.requires is None:
        return True
    if cue.within == "context":  # the same long text for every figure of a sentence: searched once
        return _occurs(cue.requires, contexts["context"])
    return bool(cue.requires.search(contexts[cue.within]))


@lru_cache(maxsize=64)
def _occurs(pattern: re.Pattern[str], text: str) -> bool:
    return bool(pattern.search(text))


def _applies(cue: Cue, value: str, contexts: dict[Within, str]) -> bool:
    return value in KINDS[cue.kind].values and _holds(cue, contexts)


def share_kind(payer: str, value: str) -> str:
    return "payer-share" if value == PERCENT else SHARE_BY_PAYER[payer]


def _share(m: re.Match[str], value: str, modifier: str | None) -> Classified | None | bool:
    """A share cue: one figure per payer (设区市和非贫困县财政分别负担) or per tier (自治区财政对设区市和
    非贫困县的补助均为): payers and tiers come back in parallel."""
    if value not in (MONEY, PERCENT):
        return False
    if modifier:
        return Classified(OTHER, m.start(), m.end()) if value == MONEY else None
    words = [m["payer"]] if payer_of(m["payer"]) else split_conjunction(m["payer"])
    tier_words = split_conjunction(m.groupdict().get("tier") or "")
    payers = [payer_of(w) or "local" for w in words]
    if tier_words:
        pairs = [(payers[0], t) for t in tier_words]
    else:
        pairs = [(p, w if re.fullmatch(TIER, w) else None) for p, w in zip(payers, words, strict=True)]
    kind = share_kind(pairs[0][0], value)
    return Classified(kind, m.start(), m.end(), payers=tuple(p for p, _ in pairs), tiers=tuple(t for _, t in pairs))


def split_conjunction(words: str) -> list[str]:
    """设区市和非贫困县 → [设区市, 非贫困县]; a 、 inside parentheses (县(市、区)) does not split."""
    if not words:
        return []
    parts, depth, current = [], 0, ""
    for c in words:
        depth += c == "("
        depth -= c == ")"
        if depth == 0 and c in "和及、":
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return [p for p in parts if p]
