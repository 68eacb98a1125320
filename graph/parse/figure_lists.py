"""Parallel lists: `A和B分别…X和Y` pairs the n-th number of each run after 分别 with the n-th item before it (a kind
cue, or one payer of a share cue that names several). The cues and how a cue types a value are
`figure_kinds`'; this module only pairs them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import numbers as N
from .figure_kinds import BENEFITS, CUES, MONEY, SHARE, Classified, Cue, Within, _holds, _plain, _share
from .figure_text import CLAUSE_BREAK

_CONJ = r"(?:和|、|及|与|以及)"
_LIST_GAP = re.compile(rf"(?:标准|水平|部分)?{_CONJ}")
_RUN_INCREASE = re.compile(r"(?:新增|增加|同步提高|提高|上调|增长|增)(?:了|的)?$")


def parallel_lists(sentence: str, quantities: list[N.Quantity], contexts: dict[Within, str],
                   masked: list[tuple[int, int]]) -> dict[int, Classified]:
    """A和B分别…X和Y: the n-th number of each run after 分别 is the n-th item's (财政补助和个人缴费标准分别较上年增加
    30元和20元达到…670元和400元: 30 and 670 are the subsidy's, 20 and 400 the contribution's; a run after an
    increase word is the items' increases). One share cue naming several payers pairs the same way
    (中央和省级财政分别负担60%和40%). Keyed by the quantity's start."""
    found: dict[int, Classified] = {}
    for at in re.finditer("分别", sentence):
        p = at.start()
        clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, p)), default=0)
        items, after = _list_items(sentence, clause_start, p, contexts, masked)
        if not items:
            continue
        runs = _runs(sentence, [q for q in quantities if q.start >= after])
        previous = after
        for run in runs:
            if len(run) == len(items):
                words = sentence[previous : run[0].start]
                modifier = "increase" if _RUN_INCREASE.search(words) else None
                for q, (cue, m, payer) in zip(run, items, strict=True):
                    c = (_share(m, q.kind, modifier) if cue.kind == SHARE
                         else _plain(cue, m, q.kind, modifier))
                    if isinstance(c, Classified):
                        if payer is not None:
                            c = replace(c, payers=(payer[0],), tiers=(payer[1],))
                        found[q.start] = replace(c, basis="list", cue=m.group(0))
            previous = run[-1].end
    return found


Item = tuple[Cue, re.Match[str], tuple[str, str | None] | None]


def _list_items(sentence: str, start: int, end: int, contexts: dict[Within, str], masked: list[tuple[int, int]]
                ) -> tuple[list[Item], int]:
    """The items of a list that ends at `end` (before 分别) and where the numbers may begin: cues joined by
    conjunctions, or one share cue naming several payers (its verb may hold the 分别: 中央和省级财政分别负担);
    each with its payer and tier when it is one payer of such a cue."""
    matches = []
    for order, cue in enumerate(CUES):
        if cue.where != "before" or cue.kind in BENEFITS or not _holds(cue, contexts):
            continue
        for m in cue.pattern.finditer(sentence, start):
            if m.start() >= end:
                break
            if cue.kind == SHARE and m.end() > end:
                c = _share(m, MONEY, None)
                if isinstance(c, Classified) and len(c.payers) >= 2:
                    return [(cue, m, (p, t)) for p, t in zip(c.payers, c.tiers, strict=True)], m.end()
            if m.end() <= end and not any(a <= m.start() < b for a, b in masked):
                matches.append((m.start(), -m.end(), order, cue, m))
    chosen: list[tuple[Cue, re.Match[str]]] = []
    for _, _, _, cue, m in sorted(matches, key=lambda x: (x[0], x[1], x[2])):
        if not chosen or m.start() >= chosen[-1][1].end():
            chosen.append((cue, m))
    after = end + len("分别")
    if not chosen or not re.fullmatch(r"(?:标准|水平|的|部分)?", sentence[chosen[-1][1].end() : end]):
        return [], after
    chain = [chosen[-1]]
    for cue, m in reversed(chosen[:-1]):
        if not _LIST_GAP.fullmatch(sentence[m.end() : chain[0][1].start()]):
            break
        chain.insert(0, (cue, m))
    if len(chain) >= 2:
        return [(cue, m, None) for cue, m in chain], after
    cue, m = chain[0]
    if cue.kind == SHARE:
        c = _share(m, MONEY, None)
        if isinstance(c, Classified) and len(c.payers) >= 2:
            return [(cue, m, (p, t)) for p, t in zip(c.payers, c.tiers, strict=True)], after
    return [], after


def _runs(sentence: str, quantities: list[N.Quantity]) -> list[list[N.Quantity]]:
    """Quantities joined only by conjunctions, up to the end of the statement (a ; or 。)."""
    runs: list[list[N.Quantity]] = []
    for q in quantities:
        if runs and re.fullmatch(_CONJ, sentence[runs[-1][-1].end : q.start]):
            runs[-1].append(q)
            continue
        if runs and re.search(r"[;。]", sentence[runs[-1][-1].end : q.start]):
            break
        runs.append([q])
    return runs
