"""Validation cost by corpus size: does checking one new notice cost the same at many notices as at few?

    .venv/bin/python bench/validation.py [--sizes 62,124,248,1000] [--whole 62,124,248] [--repeat 3]
                                         [--out bench/results/validation.md]

For each size N: a synthetic corpus of N notices (bench/synth.py's generator: a provincial notice re-issued
for every province and year) is built into an in-memory store, then notice N+1 is loaded and validated
incrementally, as `noticekg build` does for a new file: per content rule (its queries bound to the new
notice, on either side of a comparison), the structure shapes on the notice's graph with its neighbourhood,
and `validate(notices=…)` end to end (the evidence of the findings included). With `--whole`, each rule is also timed over the whole graph (what a full
build runs). Medians of `--repeat` runs. The machine is shared and noisy: read the growth ratios, not the
milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import synth_corpus  # noqa: E402
from graph.parse import parse_paths  # noqa: E402
from graph.rules import content_rules  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402
from graph.validate import _check_structure, _graphs_to_check, validate  # noqa: E402

TEMPLATE = ROOT / "corpus" / "002_26cb3cc93e1dcd9c.txt"


def median_ms(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(n: int, whole: bool, repeat: int, work: Path) -> dict[str, float]:
    files = synth_corpus(n + 1, work / f"n{n}", TEMPLATE)
    results = parse_paths(files[:n])
    store = open_store("memory:")
    store.load_dataset(to_dataset(results))
    new = parse_paths(files[n:])
    dataset = to_dataset(new)
    store.load_dataset(dataset)
    notice = [str(g.identifier).removesuffix("/graph") for g in dataset.graphs()
              if str(g.identifier).endswith("/graph") and "/notice/" in str(g.identifier)]
    times: dict[str, float] = {}
    # As validate(notices=…) runs them: a rule within one notice on the notice's neighbourhood in a small
    # engine, a rule across notices on the whole store with the notice bound.
    small = open_store("memory:")
    start = time.perf_counter()
    for graph in _graphs_to_check(store, store, tuple(notice)):
        small.merge_graph("urn:bench:neighbourhood", graph)
    times["neighbourhood (look-ups, small engine)"] = (time.perf_counter() - start) * 1000
    for rule in content_rules():
        def incremental(rule=rule) -> None:  # noqa: ANN001
            if "otherNotice" not in rule.variables:
                small.select(rule.query(notice, "thisNotice"))
                return
            store.select(rule.query(notice, "thisNotice"))
            store.select(rule.query(notice, "otherNotice"))
        where = "across notices, store" if "otherNotice" in rule.variables else "within notice, neighbourhood"
        times[f"rule {rule.name} ({where})"] = median_ms(incremental, repeat)
        if whole:
            times[f"whole {rule.name}"] = median_ms(lambda rule=rule: store.select(rule.query()), 1)

    def structure() -> None:
        for graph in _graphs_to_check(store, store, tuple(notice)):
            _check_structure(graph, rdflib.Graph(), set())
    times["structure (pyshacl, notice + neighbourhood)"] = median_ms(structure, repeat)
    times["incremental validate() end to end"] = median_ms(lambda: validate(store, notices=notice), repeat)
    times["triples in store"] = float(store.triple_count())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="62,124,248,1000")
    parser.add_argument("--whole", default="62,124,248", help="sizes at which each rule also runs on the whole graph")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "validation.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    whole = {int(s) for s in args.whole.split(",") if s}
    table: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="noticekg-bench-validation-") as tmp:
        for n in sizes:
            table[n] = measure(n, n in whole, args.repeat, Path(tmp))
            print(n, {k: round(v, 1) for k, v in table[n].items()}, flush=True)
    rows = sorted({k for t in table.values() for k in t}, key=lambda k: (k.startswith("whole"), k))
    first, last = sizes[0], sizes[-1]
    lines = [
        "# Validation cost by corpus size",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}), "
        f"`{' '.join(['.venv/bin/python', 'bench/validation.py'] + sys.argv[1:])}`.",
        f"Synthetic corpus from bench/synth.py (template {TEMPLATE.name}); one new notice validated "
        f"incrementally against N notices; milliseconds, median of {args.repeat} (whole-graph rules: one run).",
        "",
        "| what | " + " | ".join(f"N={n}" for n in sizes) + f" | growth {first}→{last} |",
        "|---|" + "---|" * (len(sizes) + 1),
    ]
    for key in rows:
        cells = [f"{table[n][key]:.1f}" if key in table[n] else "" for n in sizes]
        have = [n for n in sizes if key in table[n]]
        growth = (f"{table[have[-1]][key] / table[have[0]][key]:.2f}× ({have[0]}→{have[-1]})"
                  if len(have) > 1 and table[have[0]][key] > 0 else "")
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {growth} |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
