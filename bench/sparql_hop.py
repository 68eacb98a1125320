"""What the killable query runner costs: the same queries run in-process (`execute`, no time limit) and through
`query_runner` (a worker process: send the request, the worker runs it, the result comes back by pipe), on an
in-memory store (workers forked) and an on-disk one (workers from the forkserver, store opened read-only).

    .venv/bin/python bench/sparql_hop.py [--repeat 300] [--out bench/results/sparql_hop.md]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.sparql import QueryRequest, choose_format, execute, query_runner  # noqa: E402
from graph.store import open_store  # noqa: E402

NKG = "https://noticekg.org/def/"
FIGURES = 5_000
JSON = choose_format("SELECT", "application/sparql-results+json")
QUERIES = {
    "ASK {} (pure overhead)": "ASK {}",
    "point look-up, 1 row": f"SELECT ?a WHERE {{ <https://noticekg.org/id/f/4242> <{NKG}amount> ?a }}",
    "1,000 rows": f"SELECT ?f ?a WHERE {{ ?f <{NKG}amount> ?a }} LIMIT 1000",
    "all 5,000 rows": f"SELECT ?f ?a WHERE {{ ?f <{NKG}amount> ?a }}",
}


def fill(store: ox.Store) -> None:
    graph = ox.NamedNode("https://noticekg.org/id/graph/bench")
    amount = ox.NamedNode(NKG + "amount")
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    store.extend(ox.Quad(ox.NamedNode(f"https://noticekg.org/id/f/{i}"), amount,
                         ox.Literal(f"{i}.5", datatype=decimal), graph) for i in range(FIGURES))


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 90th percentile in milliseconds, after a warm-up."""
    for _ in range(10):
        run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "sparql_hop.md")
    args = parser.parse_args()

    memory = open_store("memory:")
    fill(memory.engine)
    with tempfile.TemporaryDirectory() as tmp:
        disk = open_store(f"oxigraph:{tmp}/store")
        fill(disk.engine)
        disk.close()
        setups = {"memory, in-process": (memory, False), "memory, fork worker": (memory, True),
                  "on-disk, in-process": (disk, False), "on-disk, forkserver worker": (disk, True)}
        medians: dict[tuple[str, str], tuple[float, float]] = {}
        for label, (store, pooled) in setups.items():
            runner = query_runner(store, timeout=30, workers=1) if pooled else None
            if runner:
                runner.start()
            try:
                for name, query in QUERIES.items():
                    request = QueryRequest(query, JSON)
                    if runner:
                        medians[name, label] = timed(lambda r=request, w=runner: w.run(r), args.repeat)
                    else:
                        medians[name, label] = timed(lambda r=request, s=store: execute(s, r), args.repeat)
            finally:
                if runner:
                    runner.close()

    lines = [
        "# The cost of the process hop for user SPARQL queries",
        "",
        f"`bench/sparql_hop.py --repeat {args.repeat}`, {time.strftime('%Y-%m-%d')}, Python "
        f"{platform.python_version()}, pyoxigraph {ox.__version__}, {platform.machine()}, "
        f"{FIGURES:,} figures in the store. SPARQL JSON results; ms, median / p90; hop = worker − in-process "
        "(medians).",
        "",
        "| query | " + " | ".join(setups) + " | hop, memory | hop, on-disk |",
        "|---|" + "---|" * (len(setups) + 2),
    ]
    for name in QUERIES:
        cells = [f"{medians[name, label][0]:.3f} / {medians[name, label][1]:.3f}" for label in setups]
        hops = [medians[name, f"{kind}, {worker}"][0] - medians[name, f"{kind}, in-process"][0]
                for kind, worker in (("memory", "fork worker"), ("on-disk", "forkserver worker"))]
        lines.append(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(f"{h:+.3f}" for h in hops) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
