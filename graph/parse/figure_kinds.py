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
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Literal

from rdflib import Graph

from ..records import YearType
from ..vocab import KIND, KINDS_FILE, NKG
from . import numbers as N
from .figure_payers import (
    PAYER_PHRASE,
    SHARE_BY_PAYER,
    SUBSIDY_VERB,
    TIER,
    division_level,
    payer_of,
    split_conjunction,
)
from .figure_text import CLAUSE_BREAK

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


def _load_kinds() -> dict[str, Kind]:
    """The kinds as `ontology/kinds.ttl` states them (the one source of truth): year counted in, value sorts,
    increase and reduction kinds, payer. Every concept that states a year and value sorts is a kind here."""
    scheme = Graph().parse(KINDS_FILE)
    year_types = {NKG.FiscalYear: "fiscal", NKG.InsuranceYear: "insurance", NKG.CalendarYear: "calendar"}

    def slug(node: object) -> str:
        return str(node).removeprefix(str(KIND))

    kinds = {}
    for concept, year in scheme.subject_objects(NKG.countedIn):
        values = frozenset(str(v) for v in scheme.objects(concept, NKG.takesValue))
        increase, reduction = scheme.value(concept, NKG.increaseKind), scheme.value(concept, NKG.reductionKind)
        payer = scheme.value(concept, NKG.paidBy)
        kinds[slug(concept)] = Kind(slug(concept), year_types[year], values,  # type: ignore[arg-type]
                                    slug(increase) if increase else None, slug(reduction) if reduction else None,
                                    str(payer) if payer else None)
    return dict(sorted(kinds.items()))


KINDS: dict[str, Kind] = _load_kinds()
_NOTES = {"contribution-top-up": "difference to the standard, collected later (补缴) together with a later contribution"}
KINDS.update({slug: replace(KINDS[slug], note=note) for slug, note in _NOTES.items()})
OTHER = "other"
SHARE = "share"  # a cue whose payer words decide the kind (see PAYERS)
# Benefit cues whose kind the nearest benefit noun decides (see BENEFITS)
RATE, DEDUCTIBLE, CAP = "benefit-rate", "benefit-deductible", "benefit-cap"

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
_CAP = r"封顶线|(?:年度)?(?:累计)?(?:最高)?(?:支付|报销|补偿|给付)限额|最高支付额"
_DEDUCTIBLE = r"起付线|起付标准"

# Order matters only between cues that match the same words: the first whose `requires` holds wins.
CUES: tuple[Cue, ...] = (
    # who pays a share of the subsidy: 中央财政补助, 中央补助 (no 财政), 自治区财政对贫困县(区)补助, 盟本级财政补助,
    # 省级和市县两级财政各负担, 设区市和非贫困县财政分别负担, 省级分担
    _cue(SHARE, rf"(?P<payer>{PAYER_PHRASE})(?:财政)?(?:对(?P<tier>[^,;:。]{{1,24}}?)(?:的)?)?{SUBSIDY_VERB}"),
    _cue(SHARE, rf"(?P<payer>(?:{TIER})(?:(?:和|及|、)(?:{TIER})){{0,8}})(?:财政)?(?:补助|分别负担|负担)"),
    _cue("per-capita-fiscal-subsidy",
         r"(?:各级)?财政(?:人均)?补助(?:标准)?|人均(?:财政)?(?:补助)?标准|政府补助(?:标准)?"),
    _cue("contribution-assistance", r"个人缴费(?:补助|补贴)(?:标准)?|(?:参保|定额|差额)?资助(?:标准)?"),
    _cue("individual-contribution", r"个人缴费(?:标准)?|个人缴纳(?:标准)?|个人参保费用|人均(?:个人)?缴费(?:标准)?"),
    # 已按250元标准缴纳/征收: what was collected, not the standard; the note keeps it apart from the standard.
    _cue("individual-contribution", r"已按(?:照)?(?:每人每年|每人)?",
         note="已按此标准征收: the amount already collected, not the standard the notice sets"),
    _cue("contribution-top-up", r"差额"),
    _cue("critical-illness-premium", r"大病保险(?:人均)?筹资(?:标准)?|大病保险保费"),
    _cue("financing-standard", r"(?:人均)?筹资(?:标准|总额|水平)"),
    _cue("contribution-base", r"缴费基数"),
    # benefits: the kind follows the nearest benefit noun (大病, 住院, 门诊) before the cue (`BENEFITS`)
    _cue(RATE, _RATE),
    _cue(DEDUCTIBLE, _DEDUCTIBLE),
    # 超过2万元…纳入大病保险给付范围: the amount above which the scheme pays is its deductible
    _cue("critical-illness-deductible", r"超过", requires=r"纳入[^。]{0,30}?大病[^。]{0,12}?范围"),
    _cue(CAP, _CAP),
    _cue("coverage-target", r"参保率|参保覆盖率"),
    _cue("cost-sharing-ratio", r"(?:分担|筹集|负担|承担)比例"),
    _cue("contribution-period", r"集中缴费期|集中征缴期|缴费期"),
    _cue("benefit-period", r"待遇享受期|待遇期|享受[^,;。]{0,20}待遇(?:的)?期"),
    _cue("contribution-deadline", r"(?:缴费|征缴)截止(?:时间|日期)?"),
    # right behind the number
    _cue("contribution-assistance", r"的?(?:给予)?(?:定额|全额)?(?:资助|补助)(?!标准|资金)", "after"),
    # 分别按照100%、100%、50%的标准给予资助: the assistance stated after a run of numbers
    _cue("contribution-assistance", r"(?:(?:、|和)\d+(?:\.\d+)?(?:%|元))*的(?:标准|比例)(?:给予|予以)(?:定额|全额)?资助",
         "after"),
    _cue("coverage-target", r"(?:以上)?(?:参加|参保)(?:基本医疗保险|基本医保|城乡居民|居民医保)", "after"),
    _cue("cost-sharing-ratio", r"(?:的)?(?:比例)?(?:分担|负担|承担|筹集)", "after"),
    _cue("contribution-period", r"集中(?:缴费|征缴|征收)(?!工作)", "after"),
    _cue("late-contribution-period", r"期间缴(?:纳|费)", "after"),
    _cue("contribution-start", r"(?:前|起)?,?(?:启动|开始)", "after", requires="缴费|征收|征缴"),
    _cue("contribution-deadline", r"(?:之)?前完成[^,;。]{0,40}?(?:缴费|征缴)", "after"),
    _cue("subsidy-transfer-deadline", r"(?:之)?前[^,;。\d]{0,6}?(?:预拨|拨付|上划|拨入|划拨|下达|到位)", "after",
         requires="补助|财政"),
    # 自2014年7月1日起执行 / 从2018年1月1日起, … / 2023年1月1日起, …: the date a rule takes effect
    _cue("effective-date", r"起(?:正式)?(?:执行|施行|实施|生效)", "after"),
    _cue("effective-date", r"起[,;]", "after", requires=r"起[,;][^。]*?(?:\d|标准|待遇)"),
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
# A change statement names last year's level and this year's: 由(每人每年)550元提高到580元, 从X提高至Y,
# 由原来的55元/年提高至70元/年; and a base: 在550元的基础上新增30元. The old level and the base are not figures
# of this year.
_FROM = re.compile(r"(?:由|从)(?:原来的|原|上年的?|去年的?)?[^,;:。\d由从]{0,8}$")
_CHANGE_AFTER = re.compile(r"(?:的(?:标准|水平))?(?:(?:逐步|分别)?(?:提高|增加|增长|上调|调增|提升|降低|下调|减少|调整)"
                           r"(?:到|至|为)|(?:增|降|升)至)")
_BASE = (re.compile(r"在(?:\d{4}年度?)?[^,;:。\d]{0,8}$"), re.compile(r"的?基础上"))


def old_level(sentence: str, start: int, end: int) -> bool:
    """The quantity at sentence[start:end] is the old level of a change statement or the base of an
    increase, not a figure of the year the sentence is about."""
    lead = sentence[max(0, start - 20) : start]
    if _FROM.search(lead) and _CHANGE_AFTER.match(sentence, end):
        return True
    return bool(_BASE[0].search(lead) and _BASE[1].match(sentence, end))


# How a figure's kind was decided (`Classified.basis`): a cue in the number's own clause, or right behind the
# number; a cue in an earlier clause that the number's clause only continues (…新增30元,达到580元; …补助80%,即
# 488元); an item of a parallel list (A和B分别…X和Y); a cue in an earlier clause that the number's clause does
# not continue; the notice's context (headings, title); nothing (a fallback to `other`). The last three are
# flagged for review.
Basis = Literal["clause", "after", "continued", "list", "sentence", "context", "fallback"]
REVIEW: frozenset[str] = frozenset({"sentence", "context", "fallback"})
# A clause that only continues the one before it: its words are a level word, qualifiers and the number.
_CONTINUING = re.compile(
    r"(?:其中|即|并|且|分别|均|同步|相应|逐步)?"
    r"(?:达到|提高到|提高至|增加到|增加至|增至|调整为|上调至|上调到|为|是|按|新增|增加|提高|上调)?"
    r"(?:每人每年|每年每人|每人|人均|年人均)?(?:不低于|不少于|不高于|不超过|最低|最高|约|达)?$"
)


@dataclass(frozen=True)
class Classified:
    kind: str
    cue_start: int  # sentence indices of the cue (-1 when the kind comes from an after cue or nothing)
    cue_end: int
    note: str | None = None
    payers: tuple[str, ...] = ()  # share cues: the payer of each tier (one or several)
    tiers: tuple[str | None, ...] = ()  # share cues: the tier each payer pays for
    basis: Basis = "clause"
    cue: str = ""  # the words that typed it, as they stand in the sentence ("" for a fallback)


# The benefit a rate, deductible or cap belongs to: the nearest benefit noun before its cue in the sentence,
# else the last one in the sentences before it in its section, its headings, the notice's title.
BENEFIT_NOUN = re.compile(r"大病|住院|门诊")
BENEFITS: dict[str, dict[str | None, str]] = {
    RATE: {"大病": "critical-illness-reimbursement-rate", "住院": "inpatient-reimbursement-rate",
           "门诊": "outpatient-reimbursement-rate"},
    DEDUCTIBLE: {"大病": "critical-illness-deductible", "住院": "inpatient-deductible"},
    CAP: {"大病": "critical-illness-annual-cap", "住院": "annual-payment-cap", "门诊": "annual-payment-cap",
          None: "annual-payment-cap"},
}


def benefit_noun(lead: str, contexts: dict[Within, str], masked: list[tuple[int, int]]) -> str | None:
    found = [m for m in BENEFIT_NOUN.finditer(lead) if not any(a <= m.start() < b for a, b in masked)]
    if found:
        return found[-1].group(0)
    for where in ("before", "around", "context"):
        found = list(BENEFIT_NOUN.finditer(contexts.get(where, "")))  # type: ignore[call-overload]
        if found:
            return found[-1].group(0) if where != "context" else found[0].group(0)
    return None


def classify(sentence: str, start: int, end: int, value: str, contexts: dict[Within, str],
             masked: list[tuple[int, int]], clause_start: int = 0) -> Classified | None:
    """The kind of the quantity at sentence[start:end] whose sort is `value`; None when it is not a figure.
    `contexts` holds the clause, the sentence and the wider context (headings, title) for `requires`;
    `clause_start` is where the number's clause begins (to tell a cue of its own clause from an earlier one)."""
    lead = sentence[:start]
    if _ends_with(NOT_A_FIGURE, sentence, start) or (value == MONEY and BAND_AFTER.match(sentence, end)):
        return None
    if old_level(sentence, start, end):
        return None
    paid = _paid_after(sentence, start, end, value, masked, clause_start)
    if paid is not None:
        return paid
    for cue in CUES:
        if cue.where == "after" and (m := cue.pattern.match(sentence, end)) and _applies(cue, value, contexts):
            return Classified(cue.kind, -1, -1, basis="after", cue=m.group(0))
    modifier = ("increase" if _ends_with(INCREASE, sentence, start)
                else "reduction" if _ends_with(REDUCTION, sentence, start) else None)
    best: tuple[tuple[int, int, int], Classified | None, re.Match[str]] | None = None
    for order, cue in enumerate(CUES):
        if cue.where != "before" or not _holds(cue, contexts):
            continue
        # Nearest first: a cue's matches end ever later, so the first that fits is its best (linear time).
        for m in reversed(_cue_matches(order, sentence, start)):
            if any(a <= m.start() < b for a, b in masked):
                continue
            here = modifier or ("increase" if _ends_with(INCREASE, sentence, m.start())
                                and not _LEVEL_WORDS.search(lead[m.end():]) else None)
            kind = cue.kind
            if kind in BENEFITS:
                benefit = BENEFITS[kind].get(benefit_noun(lead[: m.start()], contexts, masked))
                if benefit is None:
                    continue
                kind = benefit
            found = (_share(m, value, here) if kind == SHARE
                     else _plain(Cue(kind, cue.pattern, note=cue.note), m, value, here))
            if found is False:
                continue  # this cue's kind does not take such a value: look further
            rank = (start - m.end(), m.start() - m.end(), order)  # nearest, then longest, then table order
            if best is None or rank < best[0]:
                best = (rank, found, m)
            break
    if best is None:
        return Classified(OTHER, -1, -1, basis="fallback") if value == MONEY else None
    _, found, m = best
    if found is None:
        return None
    basis: Basis = "clause" if m.start() >= clause_start else _basis(sentence, m.end(), clause_start, start)
    found = _replace(found, basis=basis, cue=m.group(0))
    if found.kind == OTHER:
        found = _replace(found, basis="fallback")
    if found.kind in _TOPPED_UP and found.note is None and TOP_UP.match(sentence, end):
        return _replace(found, kind="contribution-top-up")
    return found


# 省级财政按照每人每年120元的标准给予补助 / 中央财政按80%的比例给予补助: the payer stands before the number in its
# clause and the verb after it.
# 林口县级财政按每人每年26.88元安排城乡居民基本医疗保险财政补助资金: 安排 a fund named after the number.
_PAID_AFTER = re.compile(r"(?:的)?(?:标准|比例)?(?:给予|予以)?(?:补助|补贴|分担|负担|承担)"
                         r"|(?:的标准)?安排[^,;:。\d]{0,24}?(?:补助|补贴)(?:资金)?")
_PAYER_LEAD = re.compile(rf"(?P<payer>{PAYER_PHRASE})财政")


_RUN_TAIL = re.compile(r"(?:(?:和|、|及|与)\d+(?:\.\d+)?(?:%|元(?:/人(?:[·/]年)?)?))*")


def _paid_after(sentence: str, start: int, end: int, value: str, masked: list[tuple[int, int]],
                clause_start: int) -> Classified | None:
    after = _PAID_AFTER.match(sentence, _RUN_TAIL.match(sentence, end).end())
    if value not in (MONEY, PERCENT) or after is None:
        return None
    basis: Basis = "clause"
    payers = [m for m in _PAYER_LEAD.finditer(sentence, clause_start, start)
              if not any(a <= m.start() < b for a, b in masked)]
    if not payers and sentence.startswith("对", clause_start):  # …给予补助,对享受西部政策的县按照90%的比例给予补助
        payers = [m for m in _PAYER_LEAD.finditer(sentence, 0, clause_start)
                  if not any(a <= m.start() < b for a, b in masked)]
        basis = "continued"
    if not payers:
        return None
    found = _share(payers[-1], value, None)
    if not isinstance(found, Classified):
        return None
    if own := division_level(sentence, payers[-1]):  # 常熟市级财政: a county-level city's own level
        found = replace(found, kind=share_kind(own, value), payers=(own,))
    return replace(found, basis=basis, cue=f"{payers[-1].group(0)}…{after.group(0)}")


def _replace(c: Classified, **changes: object) -> Classified:
    return replace(c, **changes)  # type: ignore[arg-type]


def _basis(sentence: str, cue_end: int, clause_start: int, start: int) -> Basis:
    """A cue in an earlier clause: `continued` when every clause from the cue's to the number's only
    continues it (达到580元, 即488元/人), else `sentence`."""
    between = sentence[cue_end:start]
    pieces = CLAUSE_BREAK.split(between)
    tail = pieces[1:]  # the words after the cue in its own clause may say anything (新增30元)
    for piece in tail:
        words = piece
        for q in reversed(N.scan(piece)):
            words = words[: q.start] + words[q.end :]
        words = re.sub(r"(?:\d{4}年度?|左右|以上|以下|、|和)", "", words)
        words = re.sub(r"^(?:其中|对)[\u4e00-\u9fff()]{1,16}?(?=每人|人均|为|是|按|达到|不低于|不少于|$)", "", words)
        if not _CONTINUING.fullmatch(words):
            return "sentence"
    return "continued"


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
    if payer_of(m["payer"]) == "all":  # 各级财政(人均)补助: the whole subsidy, with its increase
        return _plain(Cue("per-capita-fiscal-subsidy", m.re), m, value, modifier)
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
