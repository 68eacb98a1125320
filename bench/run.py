"""`make bench`: what the pipeline and the service cost, side by side in one run, written to a file.

    .venv/bin/python bench/run.py [--sizes 8,100,1000] [--requests 300] [--out bench/results/latest.md]

1. build: parse, to_rdf, load, per notice, at each size of a synthetic corpus (bench/synth.py);
2. the governing-figure look-up (graph.resolve) at each size: it must stay flat as the corpus grows;
3. validation: one notice's graph (incremental) against the whole graph;
4. HTTP: the same point look-up through our /sparql (waitress, time-limited workers) and through
   `oxigraph serve` on the same data, alternating in one run, bounded request loops on loopback.

The machines are shared and noisy: read the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import synth_corpus  # noqa: E402
from graph.parse import parse_paths  # noqa: E402
from graph.resolve import governing_figure  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402
from graph.validate import validate  # noqa: E402

POINT_QUERY = """PREFIX nkg: <https://noticekg.org/def/>
SELECT ?f ?amount WHERE {
  ?f nkg:kind <https://noticekg.org/def/kind/central-subsidy> ; nkg:year 2023 ;
     nkg:region <https://noticekg.org/id/region/450000> ; nkg:amount ?amount .
}"""


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def load(requests: int, url: str, workers: int = 4) -> dict[str, float]:
    """`requests` GETs of the point query at `url` from `workers` threads; req/s and latency percentiles."""
    full = url + "?" + urllib.parse.urlencode({"query": POINT_QUERY})

    def one(_: int) -> float:
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(
                full, headers={"Accept": "application/sparql-results+json"}), timeout=30) as response:
            response.read()
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        latencies = sorted(pool.map(one, range(requests)))
    wall = time.perf_counter() - start
    return {"rps": requests / wall, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def bench_sizes(sizes: list[int], validate_at: int, tmp: Path, lines: list[str]) -> Path:
    lines += ["## Build and look-up by corpus size", "",
              "| notices | triples | parse ms/notice | to_rdf ms/notice | load ms/notice | governs ms (median of 30) | point SPARQL ms (median of 30) |",
              "|---|---|---|---|---|---|---|"]
    biggest = None
    for n in sizes:
        src = tmp / f"synth{n}"
        paths = [ROOT / "corpus"] if n <= 8 else [ROOT / "corpus", *synth_corpus(n - 8, src, ROOT / "corpus" / "002_26cb3cc93e1dcd9c.txt")]
        t0 = time.perf_counter()
        results = parse_paths(paths)
        t1 = time.perf_counter()
        dataset = to_dataset(results)
        t2 = time.perf_counter()
        store_dir = tmp / f"store{n}"
        store = open_store(f"oxigraph:{store_dir}")
        store.load_dataset(dataset)
        t3 = time.perf_counter()
        count = sum(len(r.notices) for r in results)
        governs = median_ms(lambda s=store: governing_figure(s, "central-subsidy", "南宁市", 2023), 30)
        point = median_ms(lambda s=store: s.select(POINT_QUERY), 30)
        lines.append(f"| {count} | {store.triple_count():,} | {(t1 - t0) * 1000 / count:.1f} | "
                     f"{(t2 - t1) * 1000 / count:.1f} | {(t3 - t2) * 1000 / count:.1f} | {governs:.1f} | {point:.2f} |")
        print(lines[-1], flush=True)
        if n == max(sizes):
            biggest = store_dir
        if n == validate_at:
            whole = median_ms(lambda d=dataset: validate(d), 1)
            one_graph = next(str(g.identifier) for g in dataset.graphs() if str(g.identifier).endswith("/graph"))
            single = median_ms(lambda d=dataset, g=one_graph: validate(d, notices=[g]), 3)
        store.close()
        del store
    lines += ["", "## Validation", "", "| what | ms |", "|---|---|",
              f"| whole graph ({validate_at} notices), core shapes per notice graph + content rules | {whole:.0f} |",
              f"| one notice (incremental: its graph + the cross-notice rules it takes part in) | {single:.0f} |", ""]
    assert biggest is not None
    return biggest


def bench_http(store_dir: Path, requests: int, lines: list[str]) -> None:
    bin_dir = Path(sys.executable).parent
    ours_port, ox_port = free_port(), free_port()
    ours = subprocess.Popen([str(bin_dir / "noticekg"), "serve", "--store", f"oxigraph:{store_dir}?ro",
                             "--port", str(ours_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    raw = None
    try:
        wait_for(f"http://127.0.0.1:{ours_port}/sparql?query=ASK%7B%7D")
        ours_url = f"http://127.0.0.1:{ours_port}/sparql"
        # oxigraph serve takes the store directory exclusively: give it a copy of the same data.
        copy = store_dir.with_name(store_dir.name + "-raw")
        subprocess.run([str(bin_dir / "oxigraph"), "load", "--location", str(copy), "--file",
                        str(_dump(store_dir))], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        raw = subprocess.Popen([str(bin_dir / "oxigraph"), "serve", "--location", str(copy), "--bind",
                                f"127.0.0.1:{ox_port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        raw_url = f"http://127.0.0.1:{ox_port}/query"
        wait_for(raw_url + "?query=ASK%7B%7D")
        load(50, ours_url), load(50, raw_url)  # warm both
        rounds = {"ours": [], "raw": []}
        for _ in range(3):  # alternate so both see the same machine weather
            rounds["ours"].append(load(requests, ours_url))
            rounds["raw"].append(load(requests, raw_url))
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("rps", "p50", "p99")} for k, v in rounds.items()}
        lines += ["## HTTP: point look-up, 4 client threads, same machine", "",
                  f"{requests} requests per round, 3 alternating rounds, medians.", "",
                  "| endpoint | req/s | p50 ms | p99 ms | req/s vs oxigraph serve |", "|---|---|---|---|---|",
                  f"| oxigraph serve (raw engine) | {med['raw']['rps']:.0f} | {med['raw']['p50']:.1f} | {med['raw']['p99']:.1f} | 1.00 |",
                  f"| noticekg serve (Flask + waitress + time-limited workers) | {med['ours']['rps']:.0f} | "
                  f"{med['ours']['p50']:.1f} | {med['ours']['p99']:.1f} | {med['ours']['rps'] / med['raw']['rps']:.2f} |", ""]
        print("\n".join(lines[-6:]), flush=True)
    finally:
        for process in (ours, raw):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


def _dump(store_dir: Path) -> Path:
    store = open_store(f"oxigraph:{store_dir}?ro")
    target = store_dir.with_name(store_dir.name + ".nq")
    target.write_bytes(store.dump("nq"))
    store.close()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,100,1000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--validate-at", type=int, default=100, help="the corpus size at which to time validation")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.md")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")} | {args.validate_at})
    lines = [f"# noticekg benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", "",
             f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"command: `{' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}`", ""]
    with tempfile.TemporaryDirectory() as tmp:
        biggest = bench_sizes(sizes, args.validate_at, Path(tmp), lines)
        bench_http(biggest, args.requests, lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
