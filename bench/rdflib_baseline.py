"""rdflib in memory on the same data and queries as the servers: load an N-Quads dump into a Dataset with
the union default graph, then run each query in a forked child (which shares the loaded graph) under a time
limit, a few times; one JSON line per query (median ms, or `timed_out`)."""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import statistics
import time

from rdflib import Dataset


def _in_child(ds: Dataset, query: str, runs: int, limit: float) -> dict:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report through the pipe, leave without cleanup
        os.close(read)
        times, rows = [], 0
        for _ in range(runs):
            t = time.perf_counter()
            rows = len(list(ds.query(query)))
            times.append(time.perf_counter() - t)
        os.write(write, json.dumps({"median_ms": round(statistics.median(times) * 1000, 2), "rows": rows,
                                    "runs": runs}).encode())
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], limit)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
        return {"timed_out": True, "limit_s": limit, "median_ms": None}
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": "child failed", "median_ms": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nquads")
    parser.add_argument("--queries", required=True, help="JSON object: name → query")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-timeout", type=float, default=120)
    args = parser.parse_args()
    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(args.nquads, format="nquads")
    print(json.dumps({"what": "load", "seconds": round(time.perf_counter() - t, 2), "quads": len(ds)}), flush=True)
    for name, query in json.loads(args.queries).items():
        result = _in_child(ds, query, args.runs, args.query_timeout)
        print(json.dumps({"what": name, **result}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
