"""What a figure applies to and how it is bounded, read from the words around its number: the qualifier
(不低于 → at-least), the per-person unit (每人每年 … 元 → 元/人·年), the scope (a tier such as 设区市, a group
such as 建档立卡贫困人口, a list of divisions), the divisions it names (GB/T 2260 via `graph.regions`), who
pays when the sentence says so after the number (全部由自治区财政负担), and an exception (邕宁区除外).

All functions take a width-folded sentence and indices into it.
"""

from __future__ import annotations

import re

from .. import regions
from ..records import Qualifier
from .figure_kinds import PAYER_WORD, TIER, payer_of

_AT_LEAST = re.compile(r"不低于|不少于|最低|至少")
_AT_MOST = re.compile(r"不超过|不高于|最高|至多|最多")
_ABOUT = re.compile(r"约|大约")
_AT_LEAST_AFTER = re.compile(r"(?:及)?以上")
_AT_MOST_AFTER = re.compile(r"(?:及)?以下|以内|(?:之)?前")
_ABOUT_AFTER = re.compile(r"左右")

# Groups of people a figure is set for; an optional "X和" joins two (农村建档立卡和城镇贫困人口).
_GROUP_HEAD = (
    r"建档立卡贫困人口|建档立卡|贫困人口|特困供养人员|特困人员|低保对象|保障对象|救助对象|孤儿|在校学生|"
    r"高校大学生|大学生|其他参保人员|贫困群体|困难群众|老年居民|未成年居民|非从业居民"
)
_GROUP = re.compile(
    rf"(?:(?:农村|城镇|城市|城乡)?[\u4e00-\u9fff]{{0,6}}?和)?(?:农村|城镇|城市|城乡)?(?:{_GROUP_HEAD})"
)
_TIER = re.compile(TIER)
# 对X参加… / 对X给予… / 对X的…: X is the group a figure is for.
_TO_GROUP = re.compile(r"对(?!象)(?P<g>[^,;:。]{2,60}?)(?:参加|参保|给予|的)")
# X参加…的 (a condition naming the group): 自治区直属高校大学生参加属地城乡居民医保的
_JOINING = re.compile(r"(?P<g>[^,;:。]{2,40}?)参加[^,;:。]{0,24}?的")
# A short condition of its own clause: 需转区外治疗的,
TO_GROUP, JOINING = _TO_GROUP, _JOINING
_REQUIRED = {_TO_GROUP: "对", _JOINING: "参加"}  # a word each must match
_CONDITION = re.compile(r"(?:需|凡)?(?P<g>[^,;:\d]{2,12})的")
# A band of expenses a rate applies to: 2万元以上至10万元(含)以下部分, 超过起付线标准5万元以内(含5万元).
# (The lookbehind: a run of digits is tried from its start only, in linear time; nothing else changes.)
_BAND = re.compile(
    r"(?<![\d.])[\d.]+万?元以上至[\d.]+万?元(?:\(含\))?以下部分|超过[^,;]{0,10}?[\d.]+万?元以内(?:\(含[\d.]+万?元\))?"
)
_FILLER_HEAD = re.compile(r"^(?:其中|即|分别为|分别是|分别|均为|为|是|按照|按|对)+")
# At most eight words: an unbounded run anchored at the end is tried from each of its words (quadratic).
_FILLER_TAIL = re.compile(r"(?:按照|按|不低于|不少于|最低|最高|不超过|达到|为|均为|分别为|的|标准|每人每年|每人){1,8}$")
_QUOTES = "“”\"'「」『』‘’"
_EXCEPT = re.compile(r"\((?P<x>[^()]{1,30}?)除外\)")
_PAID_BY = re.compile(rf"由(?P<p>{PAYER_WORD})(?:本级)?财政(?:全额|全部)?(?:负担|承担)")


def qualifier(sentence: str, window_start: int, start: int, end: int, unit: str) -> Qualifier:
    """At least / at most / about from the words between `window_start` and the number, and right after it."""
    before = sentence[max(0, window_start):start]
    after = sentence[end : end + 3]
    if _ABOUT_AFTER.match(after) or _ABOUT.search(before[-3:]):
        return "about"
    if _AT_LEAST.search(before) or _AT_LEAST_AFTER.match(after):
        return "at-least"
    if _AT_MOST.search(before):
        return "at-most"
    if _AT_MOST_AFTER.match(after) and (unit in ("date",) or not after.startswith("前")):
        return "at-most"
    return "exact"


def per_person_unit(unit: str, window: str) -> str:
    """元 written after 每人每年 / 每人 is per person (and year): the unit a reader understands."""
    if unit not in ("元", "万元"):
        return unit
    if "每人每年" in window or "每年每人" in window:
        return unit + "/人·年"
    if "每人" in window:
        return unit + "/人"
    return unit


def clean_scope(text: str) -> str | None:
    s = "".join(c for c in text if c not in _QUOTES)
    s = _FILLER_TAIL.sub("", _FILLER_HEAD.sub("", s)).strip("、,")
    return s or None


def _last_part(g: str) -> str:
    """The group itself, without the condition before it: 未享受…政策的建档立卡贫困人口 → 建档立卡贫困人口."""
    return g.rsplit("的", 1)[-1]


def _names_group(g: str) -> bool:
    return bool(_GROUP.search(g) or _TIER.search(g))


def group_in(text: str) -> str | None:
    """The group a stretch of text names: 对X参加/给予/的 or X参加…的 (X naming a group of people)."""
    for pattern in (TO_GROUP, JOINING):
        named, group = last_group(text, pattern)
        if named:
            return group
    return None


def last_group(text: str, pattern: re.Pattern[str]) -> tuple[bool, str | None]:
    """(whether `pattern` finds a group in `text`, the last one it finds, cleaned)."""
    if _REQUIRED[pattern] not in text:  # the word each needs: most texts are passed over at C speed
        return False, None
    found = [m for m in pattern.finditer(text) if _names_group(m["g"])]
    return (True, clean_scope(_last_part(found[-1]["g"]))) if found else (False, None)


def group_word(text: str) -> str | None:
    """The last known group word in `text`: 农村建档立卡和城镇贫困人口, 在校学生 …"""
    found = list(_GROUP.finditer(text))
    return found[-1].group(0) if found else None


def band(text: str) -> str | None:
    found = list(_BAND.finditer(text))
    return found[-1].group(0) if found else None


def condition_scope(clause: str) -> str | None:
    """需转区外治疗的 → 转区外治疗 (a whole clause that is a short condition)."""
    m = _CONDITION.fullmatch(clause)
    return clean_scope(m["g"]) if m else None


def enumeration_scope(window: str, names: list[regions.NameMatch]) -> str | None:
    """The words between a figure's cue and its number when they list a tier, a group, quoted categories
    or several divisions: “两州一县”、18个深度贫困县 / 榆中县、永登县、皋兰县、兰州新区."""
    if not window:
        return None
    listed = len(names) >= 2 or any(c in window for c in _QUOTES) or ("、" in window and _names_group(window))
    return clean_scope(window) if listed else None


def named_regions(text: str, within: str | None) -> list[regions.NameMatch]:
    """Divisions named in `text` that lie inside `within` (not `within` itself), leaving out exceptions
    in parentheses (邕宁区除外). Names outside the notice's region are not read as scope."""
    blanked = _EXCEPT.sub(lambda m: "\u3000" * len(m.group(0)), text)
    found = []
    for name in regions.find_names(blanked, within):
        if within and name.code != within and regions.contains(within, name.code):
            found.append(name)
    return found


def national(text: str) -> bool:
    return "全国" in text


def paid_by(sentence: str, end: int) -> str | None:
    """全部由自治区财政负担 in the clauses right after a figure names who pays it."""
    m = _PAID_BY.search(sentence, end, min(len(sentence), end + 30))
    return payer_of(m["p"]) if m else None


def exception_note(sentence: str, end: int) -> str | None:
    m = _EXCEPT.match(sentence, end)
    return f"{m['x']}除外" if m else None
