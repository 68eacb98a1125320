"""What the pages' timelines and the archives' governing table cost against asking `/api/governs` year by year
and key by key (the way they could have been built), side by side in one run, on the bundled corpus plus the
made-up later notices of tests/data/time/; and what recording a release with its answer changes costs.

    .venv/bin/python -m bench.timeline [--runs 5] [--out bench/results/timeline.md]

Round trips are counted by wrapping the store; times are medians of `--runs` in this process on an in-memory
Oxigraph store: trust the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.resolver import Counting  # noqa: E402
from graph.answers import answer_changes  # noqa: E402
from graph.parse import parse_paths  # noqa: E402
from graph.resolve import governing_figure  # noqa: E402
from graph.store import Store, open_store  # noqa: E402
from graph.timeline import governing_table, kind_timeline  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402

DAY = dt.date(2026, 1, 1)
PAIRS = [("individual-contribution", "南宁市"), ("per-capita-fiscal-subsidy", "广西"), ("central-subsidy", "兰州市")]


def _median(fn: Any, runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), out


def _store(paths: list[Path]) -> Store:
    store = open_store("memory:")
    store.load_dataset(to_dataset(parse_paths(paths)))
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "timeline.md")
    args = ap.parse_args()
    corpus = sorted((ROOT / "corpus").glob("*.txt"))
    later = sorted((ROOT / "tests" / "data" / "time").glob("*.txt"))
    store = _store(corpus + later)
    rows = []
    for kind, region in PAIRS:
        counting = Counting(store)
        ms, timeline = _median(lambda: kind_timeline(counting, kind, region, as_of=DAY), args.runs)  # noqa: B023
        trips = counting.calls // args.runs
        years = sorted({s.year for s in timeline.steps})
        counting = Counting(store)
        per_year, _ = _median(lambda: [governing_figure(counting, kind, region, y, as_of=DAY)  # noqa: B023
                                       for y in years], args.runs)  # noqa: B023
        rows.append((f"timeline {kind} · {region} ({len(years)} year{'s' if len(years) != 1 else ''})", trips, ms,
                     counting.calls // args.runs, per_year))
    counting = Counting(store)
    ms, table = _median(lambda: governing_table(counting, DAY), args.runs)
    trips = counting.calls // args.runs
    keys = [r["key"] for r in table]
    counting = Counting(store)
    per_key, _ = _median(lambda: [governing_figure(counting, k.split("|")[0], k.split("|")[2], int(k.split("|")[1]),
                                                   as_of=DAY) for k in keys], args.runs)
    rows.append((f"governing table ({len(keys)} governed keys)", trips, ms, counting.calls // args.runs, per_key))
    before = _store(corpus)
    new = [n for n in store.select("SELECT DISTINCT ?n WHERE { ?n <https://noticekg.org/def/inCorpus> true }")]
    added = [str(r["n"]) for r in new if not before.ask(f"ASK {{ <{r['n']}> <https://noticekg.org/def/inCorpus> true }}")]
    ms_answers, changes = _median(lambda: answer_changes(before, store, added, DAY), args.runs)
    load = os.getloadavg()
    lines = [
        "# Timelines, the governing table and a release's answer changes (issue 15)", "",
        f"Measured on {dt.date.today().isoformat()} with `.venv/bin/python -m bench.timeline --runs {args.runs}`, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on this shared 2-core machine: trust the "
        "ratios. Corpus (8 notices) + the 4 made-up notices of tests/data/time/, in memory, as of "
        f"{DAY.isoformat()}; median of {args.runs}.", "",
        "| what | round trips | ms | asked of /api/governs instead: round trips | ms | ratio |",
        "|---|---|---|---|---|---|",
        *[f"| {name} | {t1} | {m1:.1f} | {t2} | {m2:.1f} | {m2 / m1:.1f}× |" for name, t1, m1, t2, m2 in rows], "",
        f"A release adding the {len(added)} made-up notices to the corpus: `answer_changes` asked "
        f"{changes.asked} keys of both stores and found {len(changes.changes)} changed answers in "
        f"{ms_answers:.0f} ms (two governs calls per key and store).", "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
