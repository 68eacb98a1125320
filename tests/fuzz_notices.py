"""Fuzzing the parser: real notice text (corpus/ and tests/data/extra/) mutated the ways damaged copies are,
and worse: deletions, duplications, shuffled lines, byte flips (which can leave lone surrogates), inserted
digits and Chinese numerals, very long lines, repeated brackets.

The property (`check`): `parse_text` returns a `ParseResult` whose records point into the text they came
from, or raises `NoticeParseError`; nothing else, and no notice takes longer than its budget.

`tests/test_parse_fuzz.py` runs a bounded, derandomized share of this in the suite. The long run, not
collected by pytest (`make fuzz`, or `python tests/fuzz_notices.py --minutes 10`), reports the cases run, the
crashes (each written to var/fuzz/), and the slowest case per KB.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.errors import NoticeParseError  # noqa: E402
from graph.parse import parse_text  # noqa: E402
from graph.records import ParseResult  # noqa: E402


def _seed_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    for p in sorted((ROOT / "tests" / "data" / "extra").glob("*.txt")):
        texts.append(p.read_text(encoding="utf-8").partition("\n---\n")[2])
    return texts


SEEDS = _seed_texts()
_CN_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
_BRACKETS = ["《", "》", "（", "）", "(", ")", "〔", "〕", "[", "]", "“", "”", "<", ">", "《》", "（一）", "〔2020〕"]
_UNITS = ["", "元", "万元", "%", "个百分点", "年", "年度", "月", "日", ":", "号", "元/人·年"]


@st.composite
def _deletion(draw: st.DrawFn, text: str) -> str:
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + draw(st.sampled_from([1, 10, 200, 5000])))))
    return text[:a] + text[b:]


@st.composite
def _duplication(draw: st.DrawFn, text: str) -> str:
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + 2000)))
    return text[:b] + text[a:b] * draw(st.integers(1, 30)) + text[b:]


@st.composite
def _shuffled_lines(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    a = draw(st.integers(0, len(lines) - 1))
    b = draw(st.integers(a, min(len(lines), a + 40)))
    window = lines[a:b]
    random.Random(draw(st.integers(0, 2**32 - 1))).shuffle(window)
    return "\n".join(lines[:a] + window + lines[b:])


@st.composite
def _byte_flips(draw: st.DrawFn, text: str) -> str:
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    if not data:
        return text
    for _ in range(draw(st.integers(1, 20))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] ^= 1 << draw(st.integers(0, 7))
    # surrogateescape turns each undecodable byte into a lone surrogate: what a careless decoder hands on
    return data.decode("utf-8", errors=draw(st.sampled_from(["surrogateescape", "replace", "ignore"])))


@st.composite
def _inserted_numbers(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    size = draw(st.sampled_from([1, 3, 12, 500, 10_000]))
    if draw(st.booleans()):
        run = "".join(draw(st.sampled_from("0123456789.,")) for _ in range(min(size, 12))) * max(1, size // 12)
    else:
        run = "".join(draw(st.sampled_from(_CN_NUMERALS)) for _ in range(min(size, 12))) * max(1, size // 12)
    return text[:at] + run + draw(st.sampled_from(_UNITS)) + text[at:]


@st.composite
def _long_line(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    lines[i] = (lines[i] or "一、") * draw(st.integers(10, 300))
    if draw(st.booleans()):  # the whole text run together on one line
        return "".join(lines)
    return "\n".join(lines)


@st.composite
def _repeated_brackets(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(_BRACKETS)) * draw(st.integers(2, 5000)) + text[at:]


@st.composite
def _many_figures(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    sep = draw(st.sampled_from(["，", "、", "；", ""]))
    cue = draw(st.sampled_from(["中央财政补助", "个人缴费标准", "2021年", "报销比例", "对建档立卡贫困人口给予"]))
    unit = draw(st.sampled_from(["元", "%", "月1日", "元/人·年"]))
    return text[:at] + sep.join(f"{cue}{i}{unit}" for i in range(draw(st.integers(10, 800)))) + "。" + text[at:]


MAX_CHARS = 200_000  # a case stays a notice-sized file (about 600 KB at most), not a corpus
MUTATIONS = [_deletion, _duplication, _shuffled_lines, _byte_flips, _inserted_numbers, _long_line,
             _repeated_brackets, _many_figures]


@st.composite
def mutated_notices(draw: st.DrawFn, max_chars: int = MAX_CHARS) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(draw(st.sampled_from(MUTATIONS))(text))[:max_chars]
    return text


def check(text: str, name: str = "fuzz.txt", budget: float | None = None) -> ParseResult | None:
    """Parse `text`; raise AssertionError when the result does not hold together. None for a
    `NoticeParseError` (the one error parsing may raise)."""
    try:
        result = parse_text(text, name, budget=budget)
    except NoticeParseError as e:
        assert e.file == name and e.message
        return None
    source = result.source.text
    assert len(source) == len(text)
    source.encode("utf-8")  # what the store receives is encodable
    for notice in result.notices:
        assert 0 <= notice.span.start <= notice.span.end <= len(source)
        for figure in notice.figures:
            assert source[figure.span.start : figure.span.end] == figure.quote
        for citation in notice.citations:
            assert 0 <= citation.span.start <= citation.span.end <= len(source)
    for problem in result.problems:
        assert problem.file == name and problem.line >= 1 and problem.message
    return result


@dataclass
class Run:
    cases: int = 0
    bytes: int = 0
    crashes: list[tuple[str, str]] = field(default_factory=list)  # (error, path of the saved input)
    slowest: tuple[float, int, float] = (0.0, 0, 0.0)  # (seconds per KB, size in bytes, seconds)
    longest: tuple[float, int] = (0.0, 0)  # (seconds, size in bytes)
    timeouts: int = 0  # files with a notice cut off by its budget (an error Problem, not a crash)
    refused: int = 0  # files that raised NoticeParseError (ParseTimeout among them)


def long_run(minutes: float, out: Path, budget: float) -> Run:
    """Fuzz for `minutes`, in batches of fresh random cases; every crash is kept, never stops the run."""
    run, stop = Run(), time.monotonic() + minutes * 60
    out.mkdir(parents=True, exist_ok=True)

    @settings(max_examples=200, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(mutated_notices())
    def one(text: str) -> None:
        if time.monotonic() > stop:
            return
        size = len(text.encode("utf-8", "surrogatepass"))
        started = time.perf_counter()
        try:
            result = check(text, budget=budget)
        except Exception as e:  # noqa: BLE001 - a crash is recorded and the run goes on
            path = out / f"crash-{len(run.crashes):03d}.txt"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            run.crashes.append((f"{type(e).__name__}: {e}"[:300], str(path)))
            result = None
        elapsed = time.perf_counter() - started
        run.cases += 1
        run.bytes += size
        if result is None:
            run.refused += 1
        elif any("budget" in p.message for p in result.problems):
            run.timeouts += 1
        per_kb = elapsed / max(size / 1024, 1)
        if per_kb > run.slowest[0]:
            run.slowest = (per_kb, size, elapsed)
            (out / "slowest.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        if elapsed > run.longest[0]:
            run.longest = (elapsed, size)

    while time.monotonic() < stop:
        one()
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--budget", type=float, default=10.0, help="seconds a notice may take (the parse budget)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "fuzz", help="where crashing inputs go")
    args = parser.parse_args(argv)
    started = time.monotonic()
    run = long_run(args.minutes, args.out, args.budget)
    seconds = time.monotonic() - started
    per_kb, size, elapsed = run.slowest
    print(f"cases run       {run.cases} in {seconds:.0f} s ({run.bytes / 1e6:.1f} MB of text)")
    print(f"crashes         {len(run.crashes)}")
    for error, path in run.crashes:
        print(f"  {path}: {error}")
    print(f"cut by budget   {run.timeouts} files with a notice over its budget (an error Problem, not a crash)")
    print(f"refused         {run.refused} files that raised NoticeParseError / ParseTimeout")
    print(f"slowest per KB  {per_kb * 1000:.1f} ms/KB ({elapsed:.2f} s for {size / 1024:.1f} KB: {args.out}/slowest.txt)")
    print(f"longest case    {run.longest[0]:.2f} s ({run.longest[1] / 1024:.1f} KB); budget {args.budget:g} s a notice")
    return 1 if run.crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
