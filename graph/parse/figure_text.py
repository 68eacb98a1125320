"""The prose of one notice as the figure extractor reads it: a cleaned view without the noise (page numbers,
watermarks, spaces, soft line breaks), cut into sentences and clauses, with the 《titles》 it cites marked.

A line break is *hard* (it ends a sentence) after a line that ends a sentence, after a chapter heading
(`一、…` with no full stop, unless the next line goes on with it: a word, a number or a phrase cut), before
a numbered label and around a table; every other line break is a soft wrap of the PDF and vanishes, so
`新\\n\\n增30元` reads `新增30元`. Each kept character still knows its source offset (`graph.parse.text.View`),
so quotes come out verbatim.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ..chinese_words import word_across
from ..records import Notice, Span
from . import lines as L
from .text import View, clean

_ENDS = "。!?"
_CLOSERS = ")」”\"'】》"
# Clause boundaries inside a sentence; a colon between digits is a ratio (6:4), not a boundary.
CLAUSE_BREAK = re.compile(r"[,;]|(?<!\d):|:(?!\d)")
_SENTENCE_END = re.compile(f"[{_ENDS}]")
_TITLE_MARK = re.compile("[《》]")
_NEWLINE = re.compile("\n")
_MARK_LINE = re.compile(r"^(?:附件|附表)\d*[::]?$")


MAX_CLAUSE = 1000


def _cut(start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_CLAUSE:
        return [(start, end)]
    return [(a, min(a + MAX_CLAUSE, end)) for a in range(start, end, MAX_CLAUSE)]


@dataclass(frozen=True)
class Sentence:
    start: int  # view indices [start, end)
    end: int
    paragraph: int
    text: str  # width-folded, without the hard break

    def clauses(self) -> list[tuple[int, int]]:
        """Clause ranges, relative to the sentence."""
        return list(self._clauses)

    @cached_property
    def _clauses(self) -> tuple[tuple[int, int], ...]:
        # Read once per sentence (every figure asks): starts and ends both strictly increase. A run of
        # more than MAX_CLAUSE characters without a break is cut, so that what a figure reads back over
        # in its clause stays bounded (the longest clause of the real notices has about 300).
        bounds, at = [], 0
        for m in CLAUSE_BREAK.finditer(self.text):
            bounds += _cut(at, m.start())
            at = m.end()
        bounds += _cut(at, len(self.text))
        return tuple(bounds)

    @cached_property
    def _clause_starts(self) -> list[int]:
        return [a for a, _ in self._clauses]

    @cached_property
    def _clause_ends(self) -> list[int]:
        return [b for _, b in self._clauses]

    def clause_before(self, start: int) -> str:
        """The text of the clause that ends right before the clause starting at `start`."""
        j = bisect.bisect_left(self._clause_ends, start) - 1
        return self.text[self._clauses[j][0] : self._clauses[j][1]] if j >= 0 else ""

    def clause_at(self, i: int) -> tuple[int, int]:
        """The clause holding sentence index `i`."""
        j = bisect.bisect_right(self._clause_starts, i) - 1
        if j >= 0:
            a, b = self._clauses[j]
            if a <= i < b or (i == b and b == len(self.text)):
                return a, b
        return 0, len(self.text)


@dataclass(frozen=True)
class Prose:
    view: View
    sentences: tuple[Sentence, ...]
    titles: tuple[tuple[int, int], ...]  # view ranges of 《…》, brackets included

    def in_title(self, start: int, end: int) -> bool:
        # Titles are disjoint and sorted: only the last one opening at or before `start` can hold it.
        j = bisect.bisect_right(self._title_starts, start) - 1
        return j >= 0 and end <= self.titles[j][1]

    def titles_over(self, start: int, end: int) -> list[tuple[int, int]]:
        """The titles that overlap [start, end), in order."""
        j = bisect.bisect_right(self._title_ends, start)
        found = []
        while j < len(self.titles) and self.titles[j][0] < end:
            found.append(self.titles[j])
            j += 1
        return found

    def sentence_at(self, view_index: int) -> Sentence | None:
        j = bisect.bisect_right(self._sentence_starts, view_index) - 1
        if j >= 0 and view_index < self.sentences[j].end:
            return self.sentences[j]
        return None

    @cached_property
    def _title_starts(self) -> list[int]:
        return [a for a, _ in self.titles]

    @cached_property
    def _title_ends(self) -> list[int]:
        return [b for _, b in self.titles]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]


def table_rows(text: str, span: Span) -> list[Span]:
    """Source lines of `span` that are rows of a tab-separated table (two tabs or more)."""
    rows, at = [], span.start
    for line in text[span.start : span.end].split("\n"):
        if line.count("\t") >= 2:
            rows.append(Span(at, at + len(line)))
        at += len(line) + 1
    return rows


def read_prose(text: str, notice: Notice, skip: list[Span]) -> Prose:
    """The prose of `notice` in `text`, without the source ranges in `skip` (table rows)."""
    full = clean(text, notice.span.start, notice.span.end, newlines="keep")
    section_starts = {s.span.start for s in notice.sections}
    keep: list[tuple[int, int]] = []  # ranges of `full` kept, in order: lines, and the hard breaks between
    kept = 0  # their length so far
    hard: set[int] = set()  # positions in the kept text of hard breaks
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(full.text)]
    skip_starts = [s.start for s in skip]
    for n, start in enumerate(line_starts):
        end = line_starts[n + 1] - 1 if n + 1 < len(line_starts) else len(full.text)
        line = full.text[start:end]
        skipped = _skipped(full, start, end, skip, skip_starts)
        if not skipped and end > start:
            keep.append((start, end))
            kept += end - start
        if end < len(full.text):
            nxt_end = line_starts[n + 2] - 1 if n + 2 < len(line_starts) else len(full.text)
            nxt = full.text[end + 1 : nxt_end]
            around_table = skipped or _skipped(full, end + 1, nxt_end, skip, skip_starts)
            if around_table or _hard_break(line, nxt, full.source(end + 1) in section_starts,
                                           lambda n=n: _next_filled(full.text, line_starts, n + 1)):
                hard.add(kept)
                keep.append((end, end + 1))
                kept += 1
    raw = "".join(full.raw[a:b] for a, b in keep)
    folded = "".join(full.text[a:b] for a, b in keep)
    offsets: list[int] = []
    for a, b in keep:
        offsets += full.offsets[a:b]
    view = View(raw, folded, tuple(offsets), full.source_end)
    return Prose(view, tuple(_sentences(folded, hard)), tuple(_titles(folded)))


def _skipped(view: View, start: int, end: int, skip: list[Span], skip_starts: list[int]) -> bool:
    if start >= end:
        return False
    at = view.source(start)
    j = bisect.bisect_right(skip_starts, at) - 1  # the rows are sorted and disjoint: only this one can hold it
    return j >= 0 and at < skip[j].end


def _next_filled(text: str, line_starts: list[int], n: int) -> str:
    """The first line from line `n` on that is not blank (a wrapped paragraph may hold blank lines)."""
    for k in range(n, min(n + 4, len(line_starts))):
        end = line_starts[k + 1] - 1 if k + 1 < len(line_starts) else len(text)
        if text[line_starts[k] : end].strip():
            return text[line_starts[k] : end]
    return ""


def _hard_break(line: str, nxt: str, section_starts: bool, filled: Callable[[], str]) -> bool:
    """`filled()`: the next line that is not blank, looked for only after a chapter-label line."""
    if section_starts or L.label_of(nxt) or _MARK_LINE.match(line) or _MARK_LINE.match(nxt):
        return True
    stripped = line.rstrip(_CLOSERS) or line
    if stripped and stripped[-1] in _ENDS + ":":
        return True
    # A chapter heading (一、…) without a full stop is a line of its own, unless the next line goes on with it.
    label = L.label_of(line)
    return bool(label and label[0] == 0 and "。" not in line and not _goes_on(line, filled()))


_GOES_ON = ",;:、)%元"  # a line that starts with one of these never starts a paragraph
_RUNNING = re.compile(r"[,;:]|\d\s*(?:元|%)")  # a clause break or an amount: running text, not a heading


def _goes_on(line: str, nxt: str) -> bool:
    """Whether `nxt` (the next line that is not blank) continues the chapter-label line `line`: a paragraph
    whose first line has no full stop and was wrapped. It does when `nxt` starts with punctuation or a unit,
    when the line ends inside a number, holds a clause break or an amount (`二、2017年度居民医保个人缴费，按照`
    / `每人每年180元…`), or when the break falls inside a word (`…居民医保个` / `人缴费…`)."""
    head, line = nxt.lstrip(), line.rstrip()
    if not head:
        return False
    return (head[0] in _GOES_ON or line[-1:].isdigit() or bool(_RUNNING.search(line))
            or word_across(line, head))


def _sentences(text: str, hard: set[int]) -> list[Sentence]:
    found, start, paragraph = [], 0, 0
    # A hard break is a kept line break, never a sentence end: the two sets of cuts are disjoint.
    for i in sorted(hard.union(m.start() for m in _SENTENCE_END.finditer(text))):
        end = i if i in hard else i + 1
        if text[start:end].strip():
            found.append(Sentence(start, end, paragraph, text[start:end]))
        start = i + 1
        if i in hard:
            paragraph += 1
    if text[start:].strip():
        found.append(Sentence(start, len(text), paragraph, text[start:]))
    return found


def _titles(text: str) -> list[tuple[int, int]]:
    """Ranges of 《…》, outermost pairs (titles may nest <…> or 《…》 inside)."""
    found, depth, opened = [], 0, 0
    for m in _TITLE_MARK.finditer(text):
        i = m.start()
        if m.group() == "《":
            if depth == 0:
                opened = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append((opened, i + 1))
    return found


def heading_of(prose: Prose, notice: Notice, path: tuple[int, ...]) -> str:
    """The first sentence of the section at `path` (label and heading), "" when there is none."""
    for section in notice.sections:
        if section.path == path:
            sentence = prose.sentence_at(prose.view.index(section.span.start))
            return sentence.text if sentence else ""
    return ""
