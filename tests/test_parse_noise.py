"""Realistic noise does not change the records.

Noise that real copies of notices have: extra or missing line breaks inside a paragraph, blank lines, spaces
around digits, half-width brackets in a 文号, a page number or a scanner watermark dropped in mid-paragraph.
The records compared: 文号, title, issuers, dates, section paths and labels, citations' 文号 and relation
(spans may move, verbatim fields may show the noise).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.parse import parse_text
from graph.records import ParseResult

CORPUS = sorted((Path(__file__).resolve().parents[1] / "corpus").glob("*.txt"))
_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
_PAGE_NOISE = ["\n\n—7—\n\n", "\n— 12 —\n\n扫描全能王 创建\n", "\n-3-\n", "\n\n扫描全能王 创建\n\n", "\n\n\n"]


def _running_text_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of lines of running text: long, with sentence punctuation (a paragraph, not a header)."""
    found, pos = [], 0
    for line in text.split("\n"):
        if len(line.strip()) >= 20 and re.search("[，。]", line):
            found.append((pos, pos + len(line)))
        pos += len(line) + 1
    return found


def _inside_paragraph(text: str) -> list[int]:
    """Positions between two ideographs inside running text: where a PDF may break a line."""
    return [i for a, b in _running_text_lines(text) for i in range(a + 1, b)
            if _IDEOGRAPH.match(text[i - 1]) and _IDEOGRAPH.match(text[i])]


def _paragraph_breaks(text: str) -> list[tuple[int, int]]:
    """Existing line breaks in mid-sentence (ideograph, break, ideograph) after a line of running text."""
    ends = {b for _, b in _running_text_lines(text)}
    return [(m.start(), m.end()) for m in re.finditer(r"[ \t]*\n[\s]*", text)
            if m.start() in ends and m.start() > 0 and m.end() < len(text)
            and _IDEOGRAPH.match(text[m.start() - 1]) and _IDEOGRAPH.match(text[m.end()])]


def _digit_edges(text: str) -> list[int]:
    """Positions between a digit and an ideograph, either way round."""
    return [i for i in range(1, len(text)) if (text[i].isdigit() and _IDEOGRAPH.match(text[i - 1]))
            or (text[i - 1].isdigit() and _IDEOGRAPH.match(text[i]))]


@st.composite
def noisy(draw: st.DrawFn, text: str) -> str:
    edits: dict[int, tuple[int, str]] = {}  # start → (end, replacement)
    inside = _inside_paragraph(text)
    for _ in range(draw(st.integers(0, 6))):
        edits[draw(st.sampled_from(inside))] = (0, draw(st.sampled_from(["\n", "\n\n", "\n  \n"])))
    for _ in range(draw(st.integers(0, 2))):
        edits[draw(st.sampled_from(inside))] = (0, draw(st.sampled_from(_PAGE_NOISE)))
    breaks = _paragraph_breaks(text)
    if breaks:
        for start, end in draw(st.lists(st.sampled_from(breaks), max_size=4, unique=True)):
            edits[start] = (end - start, "")
    for i in draw(st.lists(st.sampled_from(_digit_edges(text)), max_size=8, unique=True)):
        edits.setdefault(i, (0, " "))
    for m in re.finditer(r"〔(\d{4})〕", text):
        if draw(st.booleans()):
            edits[m.start()] = (m.end() - m.start(), f"[{m.group(1)}]")
    out, pos = [], 0
    for start in sorted(edits):
        length, replacement = edits[start]
        if start < pos:  # overlapping edits: keep the first
            continue
        out += [text[pos:start], replacement]
        pos = start + length
    out.append(text[pos:])
    return "".join(out)


def _records(result: ParseResult) -> list[tuple[object, ...]]:
    return [
        (
            n.docno.key if n.docno else None,
            n.title,
            tuple((a.name, a.region_code) for a in n.issuers),
            n.signed,
            n.printed,
            n.attached_to,
            tuple((s.path, s.label) for s in n.sections),
            tuple((c.docno.key if c.docno else None, c.relation) for c in n.citations),
        )
        for n in result.notices
    ]


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_noise_does_not_change_the_records(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _records(parse_text(text, path.name))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(noisy(text))
    def check(noisy_text: str) -> None:
        result = parse_text(noisy_text, path.name)
        assert [p for p in result.problems if p.severity == "error"] == []
        assert _records(result) == expected

    check()


def test_the_noise_is_real() -> None:
    """The generator finds places for every kind of noise in the corpus (the property is not vacuous)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS)
    assert len(_inside_paragraph(text)) > 1000
    assert len(_paragraph_breaks(text)) >= 10
    assert len(_digit_edges(text)) > 100
    assert len(re.findall(r"〔\d{4}〕", text)) > 30
