"""The parser runs in linear time and within its budget.

Timing is measured as ratios (the time of 80 KB against 10 KB of the same kind of text) or against the
budget, never as a wall-clock limit. The speed-ups (one search per sentence instead of one per figure, an
automaton for place names, an index of sections) must not change what is read: each is checked here
against the plain computation it replaces, on every notice we have.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import graph.parse as parse_module
from graph import regions
from graph.errors import ParseTimeout
from graph.parse import figure_kinds as K
from graph.parse import figure_scope as S
from graph.parse import figures, numbers, parse_text
from graph.parse.figure_text import read_prose, table_rows
from graph.parse.sections import section_path_at

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
EXTRA = sorted((ROOT / "tests" / "data" / "extra").glob("*.txt"))
# Passed explicitly, so that the environment cannot change the tests. Generous: the machines that run the
# suite are shared (a parse can take five times as long as alone); the inputs below took 12-42 s each before
# the parser was made linear, and take about a second now.
BUDGET = 30.0


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in CORPUS] + [
        p.read_text(encoding="utf-8").partition("\n---\n")[2] for p in EXTRA]


NANNING = CORPUS[0].read_text(encoding="utf-8")
# A real paragraph of the corpus, with figures, years, a restated 文号 and a top-up (about 390 bytes).
PARAGRAPH = next(line for line in CORPUS[1].read_text(encoding="utf-8").split("\n")
                 if "差额" in line and "补缴" in line and len(line.encode()) < 450)
BODY = max((line for line in NANNING.split("\n") if "。" in line), key=len)  # a body paragraph, in a section


def _seconds(text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = parse_text(text, "timed.txt", budget=600)
        best = min(best, time.perf_counter() - started)
        assert not [p for p in result.problems if "budget" in p.message]
    return best


def _repeated(kb: int, joiner: str) -> str:
    return joiner.join([PARAGRAPH] * (kb * 1024 // (len(PARAGRAPH.encode()) + len(joiner.encode()))))


def _in_body(insert: str) -> str:
    """The Nanning notice with `insert` in the middle of a body paragraph (inside a numbered section)."""
    return NANNING.replace(BODY, BODY[:60] + insert + BODY[60:], 1)


@pytest.mark.parametrize("joiner", ["\n", ""], ids=["paragraphs", "one-paragraph"])
def test_parse_time_grows_linearly(joiner: str) -> None:
    parse_text(NANNING, "warm.txt")  # the first parse loads the division list and compiles the patterns
    times = {kb: _seconds(_repeated(kb, joiner), runs=2 if kb == 80 else 3) for kb in (10, 20, 40, 80)}
    assert times[80] / times[10] < 8 * 3, times  # linear would be 8; quadratic 64


def test_parse_time_in_a_section_grows_linearly() -> None:
    parse_text(NANNING, "warm.txt")
    small, large = (_seconds(_in_body("".join(["\n" + BODY] * n)), runs=2) for n in (10, 80))
    assert large / small < 8 * 3, (small, large)


PATHOLOGICAL = {
    "10,000 digits": _in_body("1" * 10_000),
    "10,000 digits and a unit": _in_body("1" * 10_000 + "元"),
    "一二三 × 4000": _in_body("一二三" * 4000),
    "一二三 × 4000 and a unit": _in_body("一二三" * 4000 + "个百分点"),
    "500 figures in one sentence": _in_body("，".join(f"中央财政补助{i}元" for i in range(500))),
    "a paragraph repeated 200 times": "".join([PARAGRAPH] * 200),
    "5,000 brackets": _in_body("《" * 5000),
    "a band of 10,000 digits": _in_body("超过" + "1" * 10_000 + "万元以内"),
    "a list of 5,000 payers": _in_body("市、" * 5000 + "财政补助1元" + "设区市和" * 3000 + "补助2元"),
    "5,000 filler words": _in_body("对“两州一县”、" + "的" * 5000 + "x" + "补助3元"),
    "a line of 20,000 brackets": _in_body("\n" + "（" * 10_000 + "）" * 10_000 + "\n"),
    "a section label of 12,000 numerals": _in_body("。\n" + "一二三" * 4000 + "、个人缴费280元。\n"),
    "a table repeated 300 times": CORPUS[4].read_text(encoding="utf-8").replace(
        "\n\n", "\n\n" + "\n".join(line for line in CORPUS[4].read_text(encoding="utf-8").split("\n")
                                     if line.count("\t") >= 2) * 300 + "\n\n", 1),
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_parses_within_its_budget(text: str) -> None:
    started = time.perf_counter()
    result = parse_text(text, "pathological.txt", budget=BUDGET)
    assert time.perf_counter() - started < BUDGET
    assert not [p for p in result.problems if "budget" in p.message]  # finished, not cut off
    assert result.notices


def test_a_notice_over_its_budget_is_an_error_naming_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "FILE_CHARS", 1)  # the whole-file steps get far more: only notices run out
    text = _in_body("，".join(f"中央财政补助{i}元" for i in range(300)))
    result = parse_text(text, "slow.txt", budget=0.001)
    over = [p for p in result.problems if "budget" in p.message]
    assert over and all(p.severity == "error" and p.file == "slow.txt" and p.line >= 1 and p.text for p in over)
    assert all(not n.figures for n in result.notices)  # kept without the figures that ran out of time


def test_a_file_over_its_budget_raises_parse_timeout() -> None:
    with pytest.raises(ParseTimeout) as raised:
        parse_text(NANNING, "slow.txt", budget=0)
    assert raised.value.file == "slow.txt" and "budget" in raised.value.message


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.parse import budget

    monkeypatch.setenv("NOTICEKG_PARSE_BUDGET", "12.5")
    assert budget.default_seconds() == 12.5
    monkeypatch.setenv("NOTICEKG_PARSE_BUDGET", "soon")
    assert budget.default_seconds() == budget.DEFAULT_SECONDS


def test_lone_surrogates_are_unreadable_characters_not_a_crash() -> None:
    text = NANNING.replace("南宁市医疗保障局", "南宁市医\ud800疗保障局", 1) + "\udfff"
    result = parse_text(text, "surrogate.txt")
    result.source.text.encode("utf-8")
    assert len(result.source.text) == len(text)  # offsets unchanged
    assert [p.line for p in result.problems if "unreadable" in p.message] == [
        text[: text.index("\ud800")].count("\n") + 1, text.count("\n") + 1]
    assert len(result.notices) == 2


# -- the speed-ups read what the plain computations read ----------------------------------------------


def _find_names_plainly(text: str, within: str | None) -> list[regions.NameMatch]:
    """The longest known name at each position, left to right (the definition `find_names` implements)."""
    names = regions._names()
    found, i = [], 0
    while i < len(text):
        for size in range(min(40, len(text) - i), 1, -1):
            if text[i : i + size] in names:
                found.append(regions.NameMatch(regions.lookup(text[i : i + size], within) or "", i, i + size,
                                               text[i : i + size]))
                i += size
                break
        else:
            i += 1
    return found


def test_find_names_is_the_longest_name_at_each_position() -> None:
    assert max(len(n) for n in regions._names()) < 40
    for text in _texts():
        for within in (None, "450000"):
            assert regions.find_names(text, within) == _find_names_plainly(text, within)


def _notices():
    for text in _texts():
        for notice in parse_text(text, "x.txt").notices:
            yield text, notice


def test_section_index_is_the_innermost_section() -> None:
    for _text, notice in _notices():
        for offset in range(notice.span.start, notice.span.end + 1, 7):
            holding = [s for s in notice.sections if s.span.start <= offset < s.span.end]
            deepest = max(holding, key=lambda s: len(s.path), default=None)  # the first of the deepest
            assert section_path_at(notice, offset) == (deepest.path if deepest else ())


def test_cue_matches_and_groups_are_those_of_the_text_before_the_number() -> None:
    checked = 0
    for text, notice in _notices():
        prose = read_prose(text, notice, table_rows(text, notice.span))
        for sentence in prose.sentences:
            s = sentence.text
            for q in numbers.scan(s):
                for order, cue in enumerate(K.CUES):
                    if cue.where == "before":
                        assert [m.span() for m in K._cue_matches(order, s, q.start)] == [
                            m.span() for m in cue.pattern.finditer(s[: q.start])]
                for pattern in (K.NOT_A_FIGURE, K.INCREASE, K.REDUCTION):
                    assert K._ends_with(pattern, s, q.start) == bool(pattern.search(s[: q.start]))
                checked += 1
        reader = figures._Reader(text, notice)
        for sentence in reader.prose.sentences:
            for a, _ in sentence.clauses():
                assert reader._group_before(sentence, a) == S.group_in(sentence.text[:a])
    assert checked > 150


def test_long_numerals_are_not_numbers() -> None:
    assert numbers.scan("1" * 10_000 + "元") == []
    assert numbers.scan("一二三" * 4000 + "元") == []
    (q,) = numbers.scan("二十五万元")
    assert (q.value, q.unit) == (25, "万元")
    (q,) = numbers.scan("共计49,785元")
    assert q.value == 49785
