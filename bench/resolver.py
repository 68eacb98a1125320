"""How much one governing-figure look-up costs: round trips to the store and milliseconds per call, beside the
canned point query (`ontology/queries/governing-figure.rq`, bound to the same question) on the same store,
and optionally beside another resolver module, alternating call by call so both see the same machine.

    .venv/bin/python -m bench.resolver [--notices 300] [--store oxigraph:DIR --truth CORPUS_DIR]
                                       [--runs 30] [--compare graph.other_resolve] [--runner]

Without `--store`: the bundled corpus, and the corpus plus `--notices` synthetic notices (bench/synth, the
national corpus), each in an in-memory store. With `--store`: that store (e.g. one `bench/stages.py` loaded),
asked the questions drawn from `--truth`'s truth.json. Questions: the corpus's four (three governed, one that
nothing governs) and five synthetic ones (an individual contribution of a city or county, drawn with a fixed
seed). Round trips are counted by wrapping the store (every select / ask / construct is one). Times are
medians of `--runs` calls in this process: trust the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.queries import bind  # noqa: E402
from graph.parse import parse_paths  # noqa: E402
from graph.store import Store, open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402

CORPUS_QUESTIONS = [  # (kind, region, year): governed on the corpus, and one that nothing governs
    ("individual-contribution", "南宁市", 2021),
    ("central-subsidy", "广西", 2023),
    ("per-capita-fiscal-subsidy", "兰州市", 2020),
    ("individual-contribution", "北京市", 2019),
]
CANNED = (ROOT / "ontology" / "queries" / "governing-figure.rq").read_text(encoding="utf-8")


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


def synthetic_questions(truth: dict, k: int = 5, seed: int = 11) -> list[tuple[str, str, int]]:
    """Individual contributions of cities and counties from truth.json (region as its GB/T 2260 code)."""
    lower = sorted({("individual-contribution", f["region"], f["year"]) for n in truth["corpus"]
                    if n["level"] in ("municipal", "county") for f in n["figures"]
                    if f["kind"] == "individual-contribution" and not f["scope"]})
    return random.Random(seed).sample(lower, min(k, len(lower)))


def _timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    t = time.perf_counter()
    call(*args, **kwargs)
    return (time.perf_counter() - t) * 1000


def measure(store: Store, questions: list[tuple[str, str, int]], runs: int,
            resolvers: dict[str, Callable[..., Any]], runner: Any = None) -> list[dict]:
    """Per question: the round trips and median ms of each resolver and of the canned point query, their
    calls interleaved."""
    from graph.lookup import region_code

    out = []
    extra = {"runner": runner} if runner is not None else {}
    for kind, region, year in questions:
        row: dict[str, Any] = {"question": f"{kind} · {region} · {year}", "calls": {}, "ms": {}}
        code = region_code(region)
        point = bind(CANNED, {"lookup": (kind, code, year), "chain": "", "docno": ""})
        for name, resolve in resolvers.items():
            counting = Counting(store)
            resolve(counting, kind, region, year)
            row["calls"][name] = counting.calls
        times: dict[str, list[float]] = {name: [] for name in [*resolvers, "point query"]}
        for _ in range(runs):
            for name, resolve in resolvers.items():
                times[name].append(_timed(resolve, store, kind, region, year, **(extra if name == "now" else {})))
            times["point query"].append(_timed(store.select, point))
        row["ms"] = {name: statistics.median(ts) for name, ts in times.items()}
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=300)
    parser.add_argument("--store", help="an existing store (e.g. oxigraph:/tmp/s1000?ro) instead of building one")
    parser.add_argument("--truth", type=Path, help="the synthetic corpus directory whose truth.json --store holds")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--compare", help="another resolver module with governing_figure(store, kind, region, year)")
    parser.add_argument("--runner", action="store_true",
                        help="run the look-up's queries through the /sparql runner (a worker process, 5 s limit)")
    args = parser.parse_args()
    from bench.synth import generate, load_truth
    from graph.resolve import governing_figure

    resolvers: dict[str, Callable[..., Any]] = {"now": governing_figure}
    if args.compare:
        resolvers[args.compare] = importlib.import_module(args.compare).governing_figure
    stores: dict[str, tuple[Store, list]] = {}
    if args.store:
        truth = load_truth(args.truth) if args.truth else {"corpus": []}
        stores[args.store] = (open_store(args.store), CORPUS_QUESTIONS + synthetic_questions(truth))
    else:
        stores["corpus (8 notices)"] = (store_of([ROOT / "corpus"]), CORPUS_QUESTIONS)
        with tempfile.TemporaryDirectory() as tmp:
            truth = generate(args.notices, Path(tmp))
            stores[f"corpus + {args.notices} synthetic"] = (store_of([ROOT / "corpus", Path(tmp)]),
                                                           CORPUS_QUESTIONS + synthetic_questions(truth))
    names = [*resolvers, "point query"]
    print(f"| store | question | round trips ({' / '.join(resolvers)}) | "
          + " | ".join(f"{n} ms" for n in names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for label, (store, questions) in stores.items():
        runner = None
        if args.runner:
            from graph.sparql import query_runner

            runner = query_runner(store, 5.0, 1)
            runner.start()
        try:
            for row in measure(store, questions, args.runs, resolvers, runner):
                calls = " / ".join(str(row["calls"][n]) for n in resolvers)
                print(f"| {label} | {row['question']} | {calls} | "
                      + " | ".join(f"{row['ms'][n]:.1f}" for n in names) + " |", flush=True)
        finally:
            if runner is not None:
                runner.close()


if __name__ == "__main__":
    main()
