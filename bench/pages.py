"""What a notice page costs: queries per page, and milliseconds per page rendered three ways side by side in
one run: with its look-ups on the store in this process (no time limit: how pages ran before), through the
look-up pool (`server/lookups.py`: every query under the `/sparql` time limit, in a worker process), and kept
(`server/page_cache.py`: the same request again while the store's generation stands).

    .venv/bin/python -m bench.pages [--runs 15] [--out bench/results/pages.md]

The corpus is built into an in-memory store; times are medians of `--runs` requests per notice through
Flask's test client, one at a time: trust the ratios, not the milliseconds (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.parse import parse_paths  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402
from server import create_app  # noqa: E402
from server.linked_data import render_resource  # noqa: E402
from server.store import close, get_lookup_runner, start_runners  # noqa: E402

NKG = "https://noticekg.org/def/"


def _median_ms(call, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "pages.md")
    args = parser.parse_args()
    store = open_store("memory:")
    store.load_dataset(to_dataset(parse_paths([ROOT / "corpus"])))
    notices = sorted((str(r["d"]), str(r["n"])) for r in store.select(
        f"SELECT ?n ?d WHERE {{ ?n <{NKG}inCorpus> true ; <{NKG}docNo> ?d }}"))
    cold = create_app({"STORE": store, "STORE_URL": "memory:", "PAGE_CACHE_SIZE": 0})
    kept = create_app({"STORE": store, "STORE_URL": "memory:"})
    rows = []
    try:
        for app in (cold, kept):
            with app.app_context():
                start_runners()
        with cold.app_context():
            runner = get_lookup_runner()
        asked: list[str] = []
        run = runner.run
        runner.run = lambda request: (asked.append(request.query), run(request))[1]  # type: ignore[method-assign]
        for docno, iri in notices:
            path = "/id/" + iri.split("/id/", 1)[1]
            headers = {"Accept": "text/html"}
            asked.clear()
            assert cold.test_client().get(path, headers=headers).status_code == 200
            queries = len(asked)
            with cold.test_request_context(path, headers=headers):
                direct = _median_ms(lambda: render_resource(store, iri), args.runs)  # noqa: B023
            pooled = _median_ms(lambda: cold.test_client().get(path, headers=headers), args.runs)  # noqa: B023
            kept.test_client().get(path, headers=headers)
            cached = _median_ms(lambda: kept.test_client().get(path, headers=headers), args.runs)  # noqa: B023
            rows.append((docno, queries, direct, pooled, cached))
    finally:
        close(cold)
        close(kept)
    load = os.getloadavg()[0]
    lines = [f"# A notice page: queries and milliseconds ({dt.date.today()})", "",
             f"`.venv/bin/python -m bench.pages --runs {args.runs}`, {os.cpu_count()} cores, load average "
             f"{load:.1f} when it finished. Medians per page; in process = the page's look-ups on the store in the "
             "server's process (no time limit); pool = through the look-up pool (time limit, worker processes); "
             "kept = served again from the page cache. In process times the view and its template only (the "
             "existence and provenance look-ups and Flask are left out), pool and kept whole requests, so the "
             "pool's cost is if anything overstated.", "",
             "| notice | queries | in process ms | pool ms | kept ms | pool / in process | kept / pool |",
             "|---|---|---|---|---|---|---|"]
    for docno, queries, direct, pooled, cached in rows:
        lines.append(f"| {docno} | {queries} | {direct:.1f} | {pooled:.1f} | {cached:.2f} | "
                     f"{pooled / direct:.2f} | {cached / pooled:.3f} |")
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
