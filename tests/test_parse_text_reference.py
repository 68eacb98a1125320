"""`clean` and `fold_width` against their definitions written out character by character (as `clean` itself
was written before it worked by slices and regexes): the same views, offsets and folds on thousands of
random strings of noise, whitespace, letters and CJK, in every mode and over random source ranges."""

from __future__ import annotations

import random

from graph.parse.text import (
    _SPACE,
    _WIDTH,
    BOLD,
    GARBAGE,
    PAGE_NUMBER,
    WATERMARK,
    clean,
    fold_width,
    furniture,
)


def reference_fold(s: str) -> str:
    return "".join(chr(_WIDTH.get(ord(c), ord(c))) for c in s)


def reference_clean(text, start=0, end=None, newlines="keep", keep_spaces=False, marked=()):  # noqa: ANN001, ANN201
    """(raw, text, offsets): drop every noise character, then decide each whitespace run on its own."""
    end = len(text) if end is None else end
    noise = [(max(a, start), min(b, end)) for a, b in marked if a < end and b > start]
    for pattern in (PAGE_NUMBER, WATERMARK, BOLD, GARBAGE):
        noise += [m.span() for m in pattern.finditer(text, start, end) if m.end() > m.start()]
    chars = [(text[i], i) for i in range(start, end) if not any(a <= i < b for a, b in noise)]
    raw, offsets, j = [], [], 0
    white = set(_SPACE) | {"\n"}
    while j < len(chars):
        c, at = chars[j]
        if c not in white:
            raw.append(c)
            offsets.append(at)
            j += 1
            continue
        run_start = j
        while j < len(chars) and chars[j][0] in white:
            j += 1
        run = [c for c, _ in chars[run_start:j]]
        if not raw or j == len(chars):
            continue
        before, after = raw[-1], chars[j][0]
        if "\n" in run:
            if newlines == "keep":
                raw.append("\n")
                offsets.append(chars[run_start + run.index("\n")][1])
        elif keep_spaces or all(x.isascii() and x.isalpha() for x in (before, after)):
            raw.append(" ")
            offsets.append(chars[run_start][1])
    joined = "".join(raw)
    return joined, reference_fold(joined), tuple(offsets)


_PIECES = [*" \t\r\u3000\u00a0\u200b\ufeff", "\n", "\n", "\n\n", "a", "b", "Z", "1", "2", "—", "-", "~", "医",
           "保", "缴", "费", "（", "）", "，", "：", "１", "Ａ", "*", "**", "\x00", "\x07", "\ufffd", "\ue000",
           "扫描全能王", "CS 扫描全能王 创建", "Scanned with CamScanner", "\n—1—\n", "\n— 12 —\n", "\n第 3 页\n",
           "\n-4-", "POS 机", "46 号", "《", "》"]


def test_clean_is_its_character_by_character_definition():
    rng = random.Random(20261201)
    modes = [{}, {"newlines": "drop"}, {"keep_spaces": True}, {"newlines": "drop", "keep_spaces": True}]
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        marked = []
        if text and rng.random() < 0.3:  # page furniture an extractor found
            a = rng.randrange(len(text))
            marked = [(a, rng.randint(a, len(text)))]
        for mode in modes:
            with furniture(text, marked):
                view = clean(text, start, end, **mode)
            assert (view.raw, view.text, view.offsets) == reference_clean(text, start, end, marked=marked, **mode), (
                text, start, end, mode, marked)
            assert view.source_end == end


def test_fold_width_is_one_character_for_one_over_the_whole_plane():
    plane = "".join(chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000) + "\U0001F600"
    assert fold_width(plane) == reference_fold(plane)
    rng = random.Random(7)
    sample = "（）：，；１２Ａｚ\u3000\uff5e\uff5f医保a1"
    for _ in range(2000):
        s = "".join(rng.choice(sample) for _ in range(rng.randint(0, 12)))
        assert fold_width(s) == reference_fold(s)
