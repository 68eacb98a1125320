"""How much one governing-figure look-up costs: round trips to the store and milliseconds per call, on the
bundled corpus and on a synthetic corpus of a few hundred notices (bench/synth.py).

    .venv/bin/python -m bench.resolver [--notices 300] [--runs 30] [--label after] [--runner]

Round trips are counted by wrapping the store (every select / ask / construct is one). Times are medians of
`--runs` calls in this process on an in-memory Oxigraph store: trust the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.parse import parse_paths  # noqa: E402
from graph.resolve import governing_figure  # noqa: E402
from graph.store import Store, open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402

QUESTIONS = [  # (kind, region, year): governed on the corpus, and one that nothing governs
    ("individual-contribution", "南宁市", 2021),
    ("central-subsidy", "广西", 2023),
    ("per-capita-fiscal-subsidy", "兰州市", 2020),
    ("individual-contribution", "北京市", 2019),
]


class Counting:
    """A store that counts the queries sent to it."""

    def __init__(self, store: Store) -> None:
        self._store, self.calls = store, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name in ("select", "ask", "construct", "query_serialized"):
            def counted(*args: Any, **kwargs: Any) -> Any:
                self.calls += 1
                return attr(*args, **kwargs)
            return counted
        return attr


def store_of(paths: list[Path]) -> Store:
    store = open_store("memory:")
    store.load_dataset(to_dataset(parse_paths(paths)))
    return store


def measure(store: Store, runs: int, runner: Any = None) -> list[tuple[str, int, float]]:
    out = []
    extra = {"runner": runner} if runner is not None else {}
    for kind, region, year in QUESTIONS:
        counting = Counting(store)
        governing_figure(counting, kind, region, year)  # type: ignore[arg-type]
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            governing_figure(store, kind, region, year, **extra)
            times.append((time.perf_counter() - t) * 1000)
        out.append((f"{kind} · {region} · {year}", counting.calls, statistics.median(times)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--label", default="now")
    parser.add_argument("--runner", action="store_true",
                        help="run the look-up's queries through the /sparql runner (a worker process, 5 s limit)")
    args = parser.parse_args()
    from bench.synth import synth_corpus

    stores = {"corpus (8 notices)": store_of([ROOT / "corpus"])}
    with tempfile.TemporaryDirectory() as tmp:
        synth_corpus(args.notices, Path(tmp), ROOT / "corpus" / "002_26cb3cc93e1dcd9c.txt")
        stores[f"corpus + {args.notices} synthetic"] = store_of([ROOT / "corpus", Path(tmp)])
    print(f"| {args.label} | corpus | question | round trips | ms per call (median of {args.runs}) |")
    print("|---|---|---|---|---|")
    for name, store in stores.items():
        runner = None
        if args.runner:
            from graph.sparql import query_runner

            runner = query_runner(store, 5.0, 1)
            runner.start()
        try:
            for question, calls, ms in measure(store, args.runs, runner):
                print(f"| {args.label} | {name} | {question} | {calls} | {ms:.1f} |")
        finally:
            if runner is not None:
                runner.close()


if __name__ == "__main__":
    main()
