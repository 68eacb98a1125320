"""Cleaned views of a notice's text, with a map back to the original offsets.

A scanned or PDF-extracted notice carries noise that breaks matching: page numbers (`—1—`, `— 10 —`),
scanner watermarks (`扫描全能王 创建`), markdown bold `**`, line breaks in mid-sentence or mid-number, blank
lines inside a paragraph, spaces around digits and between CJK characters, and, in a damaged file, control
characters. A `View` drops that noise; every character it keeps remembers its index in the source, so a
match in the view becomes a `Span` of the ORIGINAL text and quotes stay verbatim.

Two spellings of each view are kept side by side, of equal length: `raw` (characters as written) and `text`
(full-width ASCII folded to half-width, one character for one, so `（一）` and `(一)` match alike).

Also here: `Line`s of a view, 1-based line numbers for `Problem`s (`Reporter`), and the `Context` bundle
(source, views, lines, reporter) that every step of the parser reads.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from ..records import Problem, Span
from .budget import check as check_budget

# A page number alone on its line: —1—, — 10 —, -3-, －3－, 第 3 页.
PAGE_NUMBER = re.compile(
    r"^[ \t\r\u3000]*(?:[—–\-－~]{1,2}[ \t\u3000]*\d{1,4}[ \t\u3000]*[—–\-－~]{1,2}|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*共[ \t]*\d{1,4}[ \t]*页)?)[ \t\r\u3000]*$",
    re.M,
)
# Watermarks scanner apps stamp on every page.
WATERMARK = re.compile(r"(?:CS[ \t\u3000]*)?扫描全能王[ \t\u3000]*创建|(?:CS[ \t\u3000]*)?扫描全能王|Scanned (?:with|by) CamScanner")
BOLD = re.compile(r"\*\*")
# Characters a text file of a notice never holds: C0/C1 controls (except tab and newline), the replacement
# character, private use and unpaired surrogates. They mark a damaged file.
GARBAGE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff]+")

# Each noise pattern with strings one of which its every match holds (none: always searched).
_NOISE = ((PAGE_NUMBER, ()), (WATERMARK, ("扫描全能王", "Scanned ")), (BOLD, ("**",)), (GARBAGE, ()))

_SPACE = " \t\r\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
_WHITESPACE_RUN = re.compile("[" + re.escape(_SPACE) + "\n]+")
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# str.translate looks each character up in a dict at some 400 ns (a miss raises inside); replacing each
# full-width character the text holds, one str.replace each, costs a tenth of that.
_HALF = {chr(c): chr(h) for c, h in _WIDTH.items()}
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")

Newlines = Literal["keep", "drop"]


def fold_width(s: str) -> str:
    """Full-width ASCII to half-width, one character for one: （一）：１ → (一):1."""
    for c in set(_FULL_WIDTH.findall(s)):  # each maps to ASCII, never to another full-width character
        s = s.replace(c, _HALF[c])
    return s


# Page furniture an extractor found (a PDF's running heads and footers): (the text it is in, its ranges).
_FURNITURE: ContextVar[tuple[str, tuple[tuple[int, int], ...]] | None] = ContextVar("furniture", default=None)


@contextmanager
def furniture(text: str, ranges: Sequence[tuple[int, int]]) -> Iterator[None]:
    """While parsing `text`, treat `ranges` of it as noise too: the cleaning drops them through the same
    offset map as page numbers, so offsets stay those of the whole text."""
    token = _FURNITURE.set((text, tuple(ranges)) if ranges else None)
    try:
        yield
    finally:
        _FURNITURE.reset(token)


def noise_ranges(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Source ranges that are noise in text[start:end]: page-number lines, watermarks, `**`, garbage, and
    the page furniture of the text being parsed (`furniture`)."""
    end = len(text) if end is None else end
    found = []
    marked = _FURNITURE.get()
    if marked is not None and marked[0] is text:
        found += [(max(a, start), min(b, end)) for a, b in marked[1] if a < end and b > start]
    for pattern, needles in _NOISE:
        if needles and all(text.find(needle, start, end) < 0 for needle in needles):
            continue  # no match can be there: a failed search of the whole text is what this costs
        found += [(m.start(), m.end()) for m in pattern.finditer(text, start, end) if m.end() > m.start()]
    return sorted(found)


@dataclass(frozen=True)
class View:
    """Kept characters of a source range. `offsets[i]` is the source index of `raw[i]`."""

    raw: str
    text: str
    offsets: tuple[int, ...]
    source_end: int  # where the viewed source range ends, for spans that run to the end

    def __len__(self) -> int:
        return len(self.raw)

    def source(self, i: int) -> int:
        """Source index of view index `i`; `len(view)` maps to the end of the viewed range."""
        return self.offsets[i] if i < len(self.offsets) else self.source_end

    def span(self, start: int, end: int) -> Span:
        """The source span of view range [start, end): from the first kept character to just past the last."""
        if end <= start:
            at = self.source(start)
            return Span(at, at)
        return Span(self.offsets[start], self.offsets[end - 1] + 1)

    def index(self, source_offset: int) -> int:
        """The first view index whose source offset is >= `source_offset`."""
        return bisect.bisect_left(self.offsets, source_offset)


def clean(text: str, start: int = 0, end: int | None = None, *, newlines: Newlines = "keep",
          keep_spaces: bool = False) -> View:
    """A view of text[start:end] without noise.

    Spaces are dropped unless they separate two ASCII letters (`POS 机` → `POS机`, `46 号` → `46号`), or all
    kept with `keep_spaces` (collapsed to one). With newlines="keep" each run of line breaks and blank lines
    becomes one `\\n` (structure: a label at a line start); with "drop" they vanish (matching across a
    line break in mid-sentence or mid-number).
    """
    end = len(text) if end is None else end
    check_budget()
    # The kept characters (`kept`, source index of each in `at`), then one decision per whitespace run.
    pieces: list[str] = []
    at: list[int] = []
    i = start
    for a, b in noise_ranges(text, start, end):
        if a > i:
            pieces.append(text[i:a])
            at.extend(range(i, a))
        i = max(i, b)
    if i < end:
        pieces.append(text[i:end])
        at.extend(range(i, end))
    kept = "".join(pieces)
    n = len(kept)
    out_raw: list[str] = []
    out_off: list[int] = []
    done = 0  # kept[:done] is decided
    for runs, m in enumerate(_WHITESPACE_RUN.finditer(kept)):
        if not runs & 0xFFF:
            check_budget()
        p, q = m.span()
        out_raw.append(kept[done:p])
        out_off.extend(at[done:p])
        done = q
        if p == 0 or q == n:  # nothing stands for whitespace at either end
            continue
        run = m.group()
        if "\n" in run:
            if newlines == "keep":
                out_raw.append("\n")
                out_off.append(at[p + run.index("\n")])
        elif keep_spaces or (_ascii_letter(kept[p - 1]) and _ascii_letter(kept[q])):
            out_raw.append(" ")
            out_off.append(at[p])
    out_raw.append(kept[done:])
    out_off.extend(at[done:])
    raw = "".join(out_raw)
    return View(raw, fold_width(raw), tuple(out_off), end)


def _ascii_letter(c: str) -> bool:
    return len(c) == 1 and c.isascii() and c.isalpha()


def join_lines(text: str) -> str:
    """A verbatim fragment with its line breaks, blank lines and noise removed but its spaces kept
    (collapsed): what a citation title or an attachment entry shows."""
    return clean(text, newlines="drop", keep_spaces=True).raw.strip()


@dataclass(frozen=True)
class Line:
    """One non-blank line of a `keep`-newlines view: view indices [start, end)."""

    start: int
    end: int
    text: str  # width-folded
    raw: str  # as written (noise and spaces removed)


def lines_of(view: View) -> list[Line]:
    found = []
    pos = 0
    for part in view.text.split("\n"):
        if part:
            found.append(Line(pos, pos + len(part), part, view.raw[pos : pos + len(part)]))
        pos += len(part) + 1
    return found


class LineIndex:
    """1-based line numbers of source offsets, for problems that point somewhere."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def text_at(self, offset: int) -> str:
        n = self.line(offset)
        start = self._starts[n - 1]
        stop = self._text.find("\n", start)
        return self._text[start : stop if stop >= 0 else len(self._text)]


class Reporter:
    """Collects the `Problem`s of one file, each pointing at a line: number and text."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = LineIndex(text)
        self.problems: list[Problem] = []

    def at(self, severity: Literal["warning", "error"], offset: int, message: str) -> None:
        line = self.lines.line(offset)
        self.problems.append(Problem(severity, self.file, line, self.lines.text_at(offset).strip(), message))


@dataclass(frozen=True)
class Context:
    """What every part of the parser reads: the source, its cleaned views and its lines."""

    text: str
    view: View  # newlines kept: structure
    flat: View  # newlines dropped: matching across line breaks
    lines: list[Line]
    report: Reporter

    def line_span(self, first: int, last: int) -> Span:
        return self.view.span(self.lines[first].start, self.lines[last].end)

    def source_of(self, first: int, last: int) -> str:
        span = self.line_span(first, last)
        return self.text[span.start : span.end]

    def flat_raw(self, span: Span) -> str:
        """The text of a source span with noise, line breaks and spaces between CJK removed, as written."""
        return self.flat.raw[self.flat.index(span.start) : self.flat.index(span.end)]

    def offset(self, i: int) -> int:
        return self.view.source(self.lines[i].start)
