"""Numbered parts of a notice's body as a tree of `Section`s, and which section an offset falls in.

Labels, by kind, in their usual nesting: `一、` (chapter), `（一）`/`(一)`, `1.`/`1、`, `(1)`. The depth of a
kind is found from the text (a notice that starts at `（一）` has `（一）` on top). A label counts only at a
line start, after a line that ends a sentence (or after a heading line), and only when its number follows
on from its siblings: a line break inside a sentence that leaves `二、三、四类…` at a line start, or a `1.5`,
is text, not a section.

Running numbers. Some notices number their second level continuously across chapters (一、 holds （一）…（三）,
二、 starts at （四）, … up to （二十三））. We keep the number as written: the path of （十二） inside 四、 is
(4, 12), i.e. (chapter, running number), so a path still reads back as the label printed in the notice and
stays unique inside the notice. The first child of a chapter may therefore be numbered n > 1 when n
continues the previous chapter's numbering.
"""

from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import dataclass, field

from ..records import Notice, Section
from . import lines as L
from .budget import check as check_budget
from .text import Context

# A skipped number (一、 … 三、) is accepted with a warning, up to this gap.
_MAX_GAP = 2


@dataclass
class _Open:
    """A section (or the root) that later labels may still nest in."""

    kind: int  # index into lines.LABELS; -1 for the root
    path: tuple[int, ...]
    last_child: dict[int, int] = field(default_factory=dict)  # kind → ordinal of its last child of that kind


def parse_sections(ctx: Context, first: int, stop: int) -> tuple[Section, ...]:
    """Sections of the body lines [first, stop) of the file's lines."""
    root = _Open(-1, ())
    stack = [root]
    running: dict[int, int] = {}  # kind → last ordinal of that kind anywhere, for running numbers
    starts: list[tuple[int, int, str, tuple[int, ...]]] = []  # (line, depth, label, path)
    for i in range(first, stop):
        check_budget()
        line = ctx.lines[i]
        found = L.label_of(line.text)
        if not found or not _may_start(ctx, i, first, starts):
            continue
        kind, label, n = found
        # A kind already open is a sibling; kinds nested deeper than this one are closed by it.
        kinds = [o.kind for o in stack]
        if kind in kinds:
            keep = kinds.index(kind)
        else:
            keep = len(stack)
            while keep > 1 and stack[keep - 1].kind > kind:
                keep -= 1
        parent = stack[keep - 1]
        previous = parent.last_child.get(kind, 0)
        expected = previous + 1
        if n == expected or (previous == 0 and n == running.get(kind, 0) + 1):
            pass
        elif expected < n <= expected + _MAX_GAP:
            ctx.report.at("warning", ctx.offset(i), f"section numbering skips from {previous} to {n}")
        else:
            ctx.report.at("warning", ctx.offset(i), f"label {label!r} does not follow its siblings: read as text")
            continue
        parent.last_child[kind] = n
        running[kind] = n
        path = parent.path + (n,)
        stack = stack[:keep] + [_Open(kind, path)]
        starts.append((i, len(path), line.raw[: len(label)], path))
    return tuple(_section(ctx, starts, j, stop) for j in range(len(starts)))


def _may_start(ctx: Context, i: int, first: int, starts: list[tuple[int, int, str, tuple[int, ...]]]) -> bool:
    """A label at line `i` starts a section only after a finished sentence or a heading line."""
    if i == first:
        return True
    prev = ctx.lines[i - 1].text
    return L.ends_sentence(prev) or _after_heading(ctx, i, starts)


_HEADING_LINES = 3  # a heading wrapped over this many lines at most (blank lines and page numbers aside)


def _after_heading(ctx: Context, i: int, starts: list[tuple[int, int, str, tuple[int, ...]]]) -> bool:
    """Whether line `i` follows a heading: the last section's label and a few words, no punctuation, on its
    line or wrapped over the next ones (`一、合理确定居民医保筹` / `资标准`, a page number between)."""
    if not starts or not 0 <= i - 1 - starts[-1][0] < _HEADING_LINES * 2:
        return False
    at, label = starts[-1][0], starts[-1][2]
    texts = [ctx.lines[k].text for k in range(at, i)]
    texts = [t for t in texts if t.strip()]  # page numbers are noise: their lines are blank here
    words = "".join(texts)[len(label) :]
    return len(texts) <= _HEADING_LINES and not re.search(r"[。,;:、]", words)


def _section(ctx: Context, starts: list[tuple[int, int, str, tuple[int, ...]]], j: int, stop: int) -> Section:
    line_at, depth, label, path = starts[j]
    # Ends before the next section that is not inside it (a sibling or a higher one), or the body's end.
    end_line = next((s[0] for s in starts[j + 1 :] if s[1] <= depth), stop)
    child_line = starts[j + 1][0] if j + 1 < len(starts) and starts[j + 1][1] > depth else end_line
    line = ctx.lines[line_at]
    span = ctx.view.span(line.start, ctx.lines[end_line - 1].end)
    return Section(path, label, _heading(ctx, line_at, len(label), child_line), span)


def _heading(ctx: Context, line_at: int, label_len: int, child_line: int) -> str:
    """The text after the label up to the first 。 (or the line's end for a heading line without any
    punctuation), never into a child section."""
    line = ctx.lines[line_at]
    rest = line.raw[label_len:]
    if "。" not in rest and not re.search(r"[，,；;：:]", rest):
        return rest.strip()
    stop = ctx.view.source(ctx.lines[child_line - 1].end)
    start = ctx.view.source(line.start + label_len)
    flat = ctx.flat.raw[ctx.flat.index(start) : ctx.flat.index(stop)]
    return flat.split("。", 1)[0].strip()


def section_path_at(notice: Notice, offset: int) -> tuple[int, ...]:
    """The path of the innermost section of `notice` whose span holds source `offset`; () outside them
    (of two as deep, the first). A bisection in an index of the notice's sections, made once."""
    points, paths = _index(notice.sections)
    k = bisect.bisect_right(points, offset) - 1
    return paths[k] if 0 <= k < len(paths) else ()


_INDEXES: dict[int, tuple[tuple[Section, ...], list[int], list[tuple[int, ...]]]] = {}


def _index(sections: tuple[Section, ...]) -> tuple[list[int], list[tuple[int, ...]]]:
    """Every start and end of a section, sorted, and the innermost path from each point to the next."""
    cached = _INDEXES.get(id(sections))
    if cached is not None and cached[0] is sections:
        return cached[1], cached[2]
    points = sorted({p for sec in sections for p in (sec.span.start, sec.span.end)})
    order = sorted(range(len(sections)), key=lambda i: sections[i].span.start)
    active: list[tuple[int, int]] = []  # heap of (-depth, index): the deepest, then the first, on top
    paths, n = [], 0
    for point in points:
        while n < len(order) and sections[order[n]].span.start <= point:
            i = order[n]
            if sections[i].span.end > sections[i].span.start:
                heapq.heappush(active, (-len(sections[i].path), i))
            n += 1
        while active and sections[active[0][1]].span.end <= point:
            heapq.heappop(active)
        paths.append(sections[active[0][1]].path if active else ())
    if len(_INDEXES) >= 16:  # the notices being read now, not every notice ever read
        _INDEXES.clear()
    _INDEXES[id(sections)] = (sections, points, paths)
    return points, paths
