"""The clause around a number in a figure statement: where the words that bound it begin and end, whether
it continues the measure before it, which 文号 a sentence says it takes its rule from, which category of a
分别 list it belongs to, and where its quote starts and ends. `figures._Reader` reads a sentence with these;
they look only at the sentence text and its sorted, disjoint quantities.
"""

from __future__ import annotations

import bisect
import re

from . import figure_scope as S
from . import numbers
from .docno import docno_matches, find_docnos
from .figure_kinds import Classified, old_level
from .figure_text import Sentence
from .lines import label_of

_RESTATING_LEAD = re.compile(r"(?:根据|按照|依据|依照)(?:《[^》]*》)?\(?$")
_RESTATING_TAIL = re.compile(r"\)?(?:文件)?(?:的)?规定(?P<colon>:)?")
_RESPECTIVELY = re.compile(r"(?P<list>(?:“[^”]{1,12}”、)+“[^”]{1,12}”)")
_LEAD_WORDS = re.compile(r"^(?:其中|即|对|和|、)")
_BOUND_WORDS = re.compile(r"(?:为|是|按照|按|达到|平均|每人每年|每年每人|每人|人均|不低于|不少于|不超过|不高于|最高|最低|约)+$")
_TAIL_WORDS = re.compile(r"(?:的标准)?(?:缴纳|执行|确定|征收|筹集|左右|以上|以下)*")
_QUOTED = re.compile(r"(?:“[^”]{1,12}”[、和]?)+")


def continues(s: str, clause: tuple[int, int], q: numbers.Quantity, quantities: list[numbers.Quantity],
               region: str) -> bool:
    """The number's clause says nothing but who or what it is for and how it is bounded: it continues the
    measure of the clause before (…报销比例90%，二级医院80%; 其中学生儿童每人每年360元; 七里河区、红古区5:5;
    按照每人不低于280元的标准缴纳)."""
    ca, cb = clause
    start = last_end(quantities, ca, q.start)
    j = bisect.bisect_left(quantities, q.end, key=lambda p: p.start)
    end = quantities[j].start if j < len(quantities) and quantities[j].start < cb else cb
    if not _TAIL_WORDS.fullmatch(s[q.end : end].rstrip("。;")):
        return False
    words = _BOUND_WORDS.sub("", _LEAD_WORDS.sub("", s[start : q.start]))
    label = label_of(words)
    words = words[len(label[1]) :] if label else words
    return (not words or S.group_clause(words) == words or S.region_list(words, region) is not None
            or bool(_QUOTED.fullmatch(words)) or S.group_word(words) == words)


def window_start(s: str, q: numbers.Quantity, quantities: list[numbers.Quantity], clause_start: int) -> int:
    """Where the words that bound a number (its qualifier, 每人每年) begin: after the number before it in its
    clause; for the later items of a run joined by conjunctions (不低于730元和420元) and for the new level of a
    change (由每人每年550元提高到580元), where the first item's words begin."""
    i = bisect.bisect_left(quantities, q.start, key=lambda p: p.start)  # sorted and disjoint: ends sorted too
    while i > 0 and quantities[i - 1].end >= clause_start and (
            re.fullmatch(r"和|、|及|与", s[quantities[i - 1].end : quantities[i].start])
            or old_level(s, quantities[i - 1].start, quantities[i - 1].end)):
        i -= 1
    return last_end(quantities, clause_start, quantities[i].start)


def dates_from(s: str) -> list[numbers.YearMention]:
    """A dated start (2023年1月1日起, 从2018年1月1日起) is a year phrase: it governs the figures that follow it."""
    return [numbers.YearMention(q.start, q.end, q.value.year, False) for q in numbers.scan(s)
            if isinstance(q.value, numbers.DateMention) and q.value.year and s.startswith("起", q.end)]


def restating(s: str) -> list[tuple[str, bool]]:
    """(DocNo.key, followed by a colon) of each 文号 that `s` says it takes a rule from."""
    return [(key, colon) for _, key, colon in restating_at(s)[0]]


def restating_at(s: str) -> tuple[list[tuple[int, str, bool]], list[tuple[int, int]]]:
    """(where its 规定 ends, DocNo.key, colon) of each 文号 that `s` says it takes a rule from; and the
    extent of every 文号 match and 规定, for a figure inside one (whose text before it reads otherwise)."""
    if "号" not in s and "號" not in s:  # every 文号 ends with one
        return [], []
    found, spans = [], [(m.start(), m.end()) for m in docno_matches(s)]
    for m in find_docnos(s):
        tail = _RESTATING_TAIL.match(s, m.end)
        if tail:
            spans.append((m.end, tail.end()))
        if tail and _RESTATING_LEAD.search(s[max(0, m.start - 80) : m.start]):
            found.append((tail.end(), m.docno.key, bool(tail["colon"])))
    return found, spans


def respectively(s: str, quantities: list[numbers.Quantity]) -> dict[int, str]:
    """分别为 after a list of categories: the n-th number of the run after it belongs to the n-th category, the
    categories quoted (“老年居民”、“非从业居民”…个人缴费标准分别为650元/人、800元/人) or a list of groups (对建档立卡
    贫困人口、特困人员、低保对象…分别按照100%、100%、50%的标准给予资助)."""
    found: dict[int, str] = {}
    for m in re.finditer("分别", s):
        lists = [x for x in _RESPECTIVELY.finditer(s[: m.start()])]
        if lists:
            items = [i.strip("“”") for i in lists[-1]["list"].split("、")]
        else:
            group = S.group_word(s[: m.start()])
            items = re.split(r"、|和|及", group) if group else []
        if len(items) < 2:
            continue
        run = [q for q in quantities if q.start >= m.end()]
        chain = []
        for q in run:
            if chain and s[chain[-1].end : q.start] not in ("、", "和", ""):
                break
            chain.append(q)
        if len(chain) == len(items):
            found.update({q.start: item for q, item in zip(chain, items, strict=True)})
    return found


def quote_bounds(sentence: Sentence, q: numbers.Quantity, c: Classified,
                  quantities: list[numbers.Quantity]) -> tuple[int, int]:
    """The clause of the number, from the clause of its cue when no other number stands between them, to
    the end of its clause when no other number follows in it; without a leading section label."""
    s = sentence.text
    ca, cb = sentence.clause_at(q.start)
    start = ca
    if 0 <= c.cue_start < ca and not starts_in(quantities, c.cue_end, ca):
        start = sentence.clause_at(c.cue_start)[0]
    end = cb if not starts_in(quantities, q.end, cb) else q.end
    while end > q.end and s[end - 1] in "。;,:!?":
        end -= 1
    label = label_of(s[start:])
    if label:
        start += len(label[1])
    return start, end


def starts_in(quantities: list[numbers.Quantity], lo: int, hi: int) -> bool:
    """Whether a quantity starts in [lo, hi) (quantities are sorted and disjoint: a bisection)."""
    j = bisect.bisect_left(quantities, lo, key=lambda p: p.start)
    return j < len(quantities) and quantities[j].start < hi


def last_end(quantities: list[numbers.Quantity], lo: int, hi: int) -> int:
    """The latest end of a quantity in [lo, hi], else `lo` (ends are sorted too)."""
    j = bisect.bisect_right(quantities, hi, key=lambda p: p.end) - 1
    return quantities[j].end if j >= 0 and quantities[j].end >= lo else lo
