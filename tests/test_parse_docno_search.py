"""`docno_matches` finds what `DOCNO.finditer` finds, searching only near each bracketed year or 令第: the same
matches (spans and groups) on random running text built from pieces of 文号, words, spaces and digits."""

from __future__ import annotations

import random

from graph.parse.docno import DOCNO, docno_matches

_PIECES = ["桂医保发", "医保发", "人社部发", "令", "第", "号", "號", "〔", "〕", "（", "）", "[", "]", "【", "】",
           "2020", "1999", "2100", "46", "7", "123456", " ", "\u3000", "\t", "根据", "和", "的", "。", "，",
           "科尔沁左翼后旗医疗保障局", "人力资源社会保障部国家医疗保障局", "a", "\n"]


def _spans(matches):  # noqa: ANN001, ANN202
    return [(m.span(), m.groupdict()) for m in matches]


def test_docno_matches_is_docno_finditer():
    rng = random.Random(20261201)
    for _ in range(4000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))
        assert _spans(docno_matches(text)) == _spans(DOCNO.finditer(text)), text


def test_docno_matches_reads_a_long_code_and_spaces_before_the_bracket():
    text = "依据人力资源社会保障部国家医疗保障局令第41号和桂医保发   〔2020〕46号、" + " " * 50 + "〔2021〕3号"
    found = [m.group(0) for m in docno_matches(text)]
    # As the pattern reads them (find_docnos trims 依据, 和 off the codes); the last has no code, so no 文号.
    assert found == ["依据人力资源社会保障部国家医疗保障局令第41号", "和桂医保发   〔2020〕46号"]
