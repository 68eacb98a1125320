"""A notice's text as it is written, with the place of every figure kept while noise is added.

A `Doc` is appended to piece by piece; `fig()` appends a piece that states a figure and remembers its span.
The noise of real scans and web copies (line breaks in a sentence, page numbers, watermarks) is inserted
afterwards by `Doc.insert`, which moves every span after the insertion and widens a span it falls inside, so
a figure's quote is always `text[start:end]` of the file as written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Mark:
    start: int
    end: int
    truth: dict  # the golden figure without its quote: kind, value, unit, qualifier, year, year_type, region, scope


@dataclass
class Doc:
    parts: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    length: int = 0

    def add(self, text: str) -> Doc:
        self.parts.append(text)
        self.length += len(text)
        return self

    def fig(self, text: str, **truth: object) -> Doc:
        self.marks.append(Mark(self.length, self.length + len(text), dict(truth)))
        return self.add(text)

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def insert(self, pos: int, piece: str) -> None:
        text = self.text
        self.parts = [text[:pos] + piece + text[pos:]]
        self.length += len(piece)
        for m in self.marks:
            if m.start >= pos:
                m.start += len(piece)
                m.end += len(piece)
            elif m.end > pos:
                m.end += len(piece)

    def inside_mark(self, pos: int) -> bool:
        return any(m.start < pos < m.end for m in self.marks)

    def figures(self) -> list[dict]:
        text = self.text
        return [{**m.truth, "quote": text[m.start:m.end], "start": m.start, "end": m.end} for m in self.marks]


def _breakable(text: str, pos: int) -> bool:
    """Between two CJK characters: a scan's line break never splits a digit run here."""
    return 0 < pos < len(text) and "\u4e00" <= text[pos - 1] <= "\u9fff" and "\u4e00" <= text[pos] <= "\u9fff"


def add_noise(doc: Doc, rng: random.Random, body_start: int, *, breaks: float, pages: bool,
              watermark: bool) -> None:
    """Line breaks inside sentences (some inside a figure's quote, as in the real scans), and a page number
    (—3—) with a scanner's watermark about every 1,500 characters, never inside a quote."""
    text = doc.text
    inserts: list[tuple[int, str]] = []
    if breaks:
        for pos in range(body_start, len(text), 37):
            if rng.random() < breaks:
                p = pos + rng.randrange(30)
                if _breakable(text, p):
                    inserts.append((p, rng.choice(["\n", "\n\n", "\n"])))
    if pages:
        page, pos = 1, body_start + 1200
        while pos < len(text) - 200:
            p = next((q for q in range(pos, min(pos + 300, len(text))) if _breakable(text, q)
                      and not doc.inside_mark(q)), None)
            if p is not None:
                dash = rng.choice([f"—{page}—", f"— {page} —", f"-{page}-"])
                mark = "\n\n扫描全能王 创建\n\n" if watermark else ""
                inserts.append((p, f"\n\n{dash}\n\n{mark}"))
                page += 1
            pos += 1500
    for p, piece in sorted(inserts, reverse=True):
        doc.insert(p, piece)
