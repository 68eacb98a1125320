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
from .figure_payers import PAYER_WORD, TIER, payer_of

_AT_LEAST = re.compile(r"不低于|不少于|最低|至少")
_AT_MOST = re.compile(r"不超过|不高于|最高|至多|最多")
_ABOUT = re.compile(r"约|大约")
_AT_LEAST_AFTER = re.compile(r"(?:及)?以上")
_AT_MOST_AFTER = re.compile(r"(?:及)?以下|以内|(?:之)?前")
_ABOUT_AFTER = re.compile(r"左右")

# Groups of people a figure is set for, by how the genre builds their names: modifiers before a head noun
# (特困供养人员, 低保对象, 返贫致贫人口, 在校学生, 学生儿童, 一般居民, 其他参保人员, 困难群众, 贫困群体, 孤儿); 建档立卡
# (registered poor households) stands alone. The modifiers run back to a stop: a scheme's name, a year, 我市/全省,
# a preposition, 的, punctuation or a digit.
# 居民 is a head unless it names the scheme or a statistic (居民医保, 居民大病保险, 居民人均可支配收入).
_HEAD = (r"人员|人口|对象|居民(?!医|基本|大病|人均|可支配)|学生|大学生|儿童|群体|群众|孤儿|老人|老年人|成年人|新生儿|"
         r"家庭|人群|农民|残疾人|建档立卡")
_HEAD_RE = re.compile(rf"(?:{_HEAD})")
_STOP = re.compile(
    r"城乡居民(?:基本)?医(?:疗)?保(?:险)?|城镇居民(?:基本)?医(?:疗)?保(?:险)?|居民(?:基本)?医(?:疗)?保(?:险)?|"
    r"基本医(?:疗)?保(?:险)?|医保|医疗保险|大病保险|\d{4}年度?|[我全本各](?:市|省|区|州|县|盟|旗|地)|"
    r"其中|即|对|将|为|按照|按|由|从|给予|缴纳|缴费|标准|的|和|及|与|或|内|期间|"
    # a verb before its object: 降低建档立卡贫困人口…的起付线
    r"降低|提高|调整|落实|实施|实行|执行|继续|取消|做好|确保|支持|鼓励|推进|将|把"
)
_MAX_GROUP = 14
# Tiers of divisions: 享受西部政策的县, 一般县, 民族地区, 第一档(地区), and the tiers the genre's central-subsidy
# scheme names (西部/中部/东部, 贫困/脱贫/非贫困 counties).
_TIER_PHRASE = re.compile(
    r"(?:享受|执行|实行|比照|参照)[^,;:。的]{1,10}?政策的(?:县|市|区|地区|旗)(?:\([^)]{1,6}\))?"
    r"|(?:一般|其他|非贫困|贫困|脱贫|深度贫困|民族|边境|革命老区|西部|中部|东部|中西部)(?:县|地区|市|旗)(?:\([^)]{1,6}\))?"
    r"|第[一二三四五六七八九十]+档(?:地区)?"
    # hospital levels: 一级医院, 二级及以上定点医疗机构, 基层医疗卫生机构, 乡镇卫生院
    r"|[一二三]级(?:及以上|以下)?(?:定点)?(?:医院|医疗机构)|基层(?:定点)?医疗(?:卫生)?机构|乡镇卫生院|社区卫生服务(?:中心|站)"
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
    """`g` ends in a group of people or a tier (a condition before it may run on: 未享受…的建档立卡贫困人口)."""
    found = group_word(g)
    return bool(_TIER.search(g)) or (found is not None and g.endswith(found))


# 第一档为昆明市, 第二档包括曲靖、玉溪…, or the tier with its divisions in brackets as the whole clause:
# 第一档(开封市、安阳市、鹤壁市), the clauses after it giving that tier's figures.
_TIER_IS = re.compile(rf"^(?P<t>{_TIER_PHRASE.pattern})(?:为|包括|是|含|\([^()]{{1,120}}\)$)")


def tier_subject(clause: str) -> str | None:
    """A clause that says what a tier is (第一档为昆明市, 第一档(开封市、安阳市…)): the tier."""
    m = _TIER_IS.match(clause)
    return m["t"] if m else None


def tier_regions(clause: str, within: str | None) -> tuple[str, ...]:
    """The divisions a clause that says what a tier is names (第一档(开封市、安阳市…) → their codes), else ()."""
    if not tier_subject(clause):
        return ()
    return tuple(n.code for n in named_regions(clause, within))


def group_clause(clause: str) -> str | None:
    """A clause that is a group or a tier and nothing else (其中学生儿童, 享受西部政策的县): the group."""
    found = group_word(clause)
    if not found or not clause.endswith(found):
        return None
    condition = clause[: len(clause) - len(found)]
    return found if not clean_scope(condition) or condition.endswith("的") else None


# The scheme's whole population is no scope inside it.
_EVERYONE = frozenset({"城乡居民", "居民", "参保人员", "参保居民", "参保群众", "城乡参保居民", "参保人", "农民", "参合农民"})


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
    """The last group of people `text` names, with its modifiers (农村建档立卡和城镇贫困人口 joins two), or the last
    tier of divisions (享受西部政策的县)."""
    heads = list(_HEAD_RE.finditer(text))
    tiers = list(_TIER_PHRASE.finditer(text))
    if tiers and (not heads or tiers[-1].end() >= heads[-1].end()):
        return tiers[-1].group(0)
    if not heads:
        return None
    end = heads[-1].end()
    start = _group_start(text, heads[-1].start())
    # X和Y人口, X、Y: groups joined to the one before them (农村建档立卡和城镇贫困人口, 特困人员、孤儿)
    while start >= 1 and text[start - 1] in "和、及" and (before := list(_HEAD_RE.finditer(text, 0, start - 1))) \
            and before[-1].end() == start - 1:
        start = _group_start(text, before[-1].start())
    return text[start:end] if text[start:end] not in _EVERYONE else None


def _group_start(text: str, head: int) -> int:
    """Where the modifiers before a head noun at `head` begin."""
    start = head
    while start > 0 and head - start < _MAX_GROUP:
        c = text[start - 1]
        if c == "、" and start >= 2 and text[start - 2] in "一二三四" and text[start] in "二三四":
            start -= 1  # 一、二级残疾人: grades listed
            continue
        if not ("\u4e00" <= c <= "\u9fff") or any(m.end() == start for m in _STOP.finditer(text, max(0, start - 12), start)):
            break
        start -= 1
    return start


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


def region_list(clause: str, within: str | None) -> str | None:
    """A clause that only lists divisions (锡林浩特市、苏尼特左旗、苏尼特右旗): the list, the subject of the
    clauses after it."""
    names = named_regions(clause, within)
    rest = clause
    for n in names:
        rest = rest.replace(n.text, "")
    return clean_scope(clause) if len(names) >= 2 and not rest.strip("、和及与等") else None


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


# The scheme a figure belongs to: the nearest scheme noun before it in its sentence. The resident scheme's
# names (and its 大病保险) keep it; another scheme's (长期护理保险, 职工医保, 生育保险 …) leave it out.
_SCHEME = re.compile(
    r"(?P<other>长期护理保险|长护险|护理保险|职工基本医疗保险|职工医保|职工医疗保险|职工大额|生育保险|工伤保险|失业保险|养老保险)"
    r"|(?P<resident>城乡居民|城镇居民|居民医保|居民基本医疗|居民医疗保险|大病保险|新农合|新型农村合作医疗|基本医疗保险)"
)


def other_scheme(sentence: str, start: int, masked: list[tuple[int, int]]) -> str | None:
    """The other scheme (长期护理保险 …) whose noun stands nearest before sentence[start], else None."""
    found = [m for m in _SCHEME.finditer(sentence, 0, start) if not any(a <= m.start() < b for a, b in masked)]
    return found[-1]["other"] if found and found[-1]["other"] else None
