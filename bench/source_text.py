"""What keeping a long text in parts (`graph.source_text`) buys a reader: one quote's excerpt and the whole
text of a source of N characters, read from a store holding it as one literal and from one holding it in
parts, side by side in one run.

    .venv/bin/python bench/source_text.py [--chars 1700000] [--rounds 20] [--out bench/results/source-text.md]

The text is a corpus notice repeated up to N characters (1.7 M is about a 5 MB file, the build's size limit).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import rdflib
from rdflib import URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import source_text  # noqa: E402
from graph.store import open_store  # noqa: E402

SOURCE = "https://noticekg.org/id/source/bench"


def store_of(text: str, part: int):  # noqa: ANN201
    source_text.PART = part
    graph = rdflib.Graph()
    for triple in source_text.triples(URIRef(SOURCE), text):
        graph.add(triple)
    store = open_store("memory:")
    store.replace_graph("https://noticekg.org/id/graph/sources", graph)
    return store


def timed(call, rounds: int) -> float:  # noqa: ANN001
    values = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        values.append(time.perf_counter() - start)
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_700_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "source-text.md")
    args = parser.parse_args()
    unit = (ROOT / "corpus" / "002_26cb3cc93e1dcd9c.txt").read_text(encoding="utf-8")
    text = (unit * (args.chars // len(unit) + 1))[:args.chars]
    default = source_text.PART
    stores = {"one literal": store_of(text, len(text)), f"parts of {default:,}": store_of(text, default)}
    start, end = args.chars // 2, args.chars // 2 + 40
    rows = []
    for name, store in stores.items():
        assert source_text.excerpt(store, SOURCE, start, end) == text[start:end]
        assert source_text.whole_text(store, SOURCE) == text
        rows.append((name, timed(lambda s=store: source_text.excerpt(s, SOURCE, start, end), args.rounds),
                     timed(lambda s=store: source_text.whole_text(s, SOURCE), max(3, args.rounds // 4))))
    one, parted = rows
    lines = ["# A long source text: one literal vs parts", "",
             f"`.venv/bin/python bench/source_text.py --chars {args.chars} --rounds {args.rounds}`: a text of "
             f"{args.chars:,} characters in an in-memory store; medians.", "",
             "| kept as | one quote's excerpt, ms | the whole text, ms |", "|---|---|---|"]
    lines += [f"| {name} | {e * 1000:.2f} | {w * 1000:.1f} |" for name, e, w in rows]
    lines += ["", f"Excerpt: parts / one literal = **{parted[1] / one[1]:.3f}×**; whole text: "
              f"**{parted[2] / one[2]:.2f}×**.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
