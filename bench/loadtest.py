"""`make loadtest`: the production server (waitress) under a mixed load, with and without a hostile client,
side by side, written to bench/results/loadtest-<date>.md and .json. Loopback only, fixed durations.

    .venv/bin/python bench/loadtest.py [--clients 8,32] [--seconds 30] [--out-dir bench/results] [--trace]

Each client loops, for the run's duration, over the four requests a real user makes: which notice governs a
figure (/api/governs), a point query through /sparql, a canned provenance query (ontology/queries/, by
default figure-history.rq: a figure's history), and a notice page (HTML). In the hostile runs one more client sends a query that would run for minutes, again
and again; it is meant to get 503s (its time limit, or a full queue), and nobody else should notice it.

Clients run in two processes (threads in each, one keep-alive connection per client) so that the client side's
GIL does not become the bottleneck; client and server share the machine's cores. Trust ratios, not
milliseconds: the machines are shared and noisy.

`--trace` has the query pool log every query (`NOTICEKG_QUERY_TRACE`, graph/sparql/pool.py) and adds, per run,
which lane the queries ran in, their wait in the fast lane's queue, their run time and their worker's CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a script (`make loadtest`): the project root is where bench/ lives
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.served import rss_kb, serve  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORTS = range(5150, 5160)  # this project's loopback ports for hand-started servers
NKG = "https://noticekg.org/def/"
POINT_QUERY = f"""PREFIX nkg: <{NKG}>
SELECT ?f ?amount WHERE {{
  ?f nkg:kind <{NKG}kind/central-subsidy> ; nkg:year 2023 ;
     nkg:region <https://noticekg.org/id/region/450000> ; nkg:amount ?amount .
}}"""
# Four cross-joined VALUES of 200 rows: 1.6 billion solutions, minutes of engine time.
_ROWS = " ".join(str(i) for i in range(200))
HOSTILE_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?{v} {{ {_ROWS} }}" for v in "abcd") + "}"
KINDS = ("governs", "point", "provenance", "page")


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 5150-5159")


def requests_for(notice_path: str, canned: str) -> dict[str, tuple[str, dict[str, str]]]:
    chain = (ROOT / "ontology" / "queries" / f"{canned}.rq").read_text(encoding="utf-8")
    return {
        "governs": ("/api/governs?" + urllib.parse.urlencode(
            {"kind": "individual-contribution", "region": "南宁市", "year": "2021"}), {"Accept": "application/json"}),
        "point": ("/sparql?" + urllib.parse.urlencode({"query": POINT_QUERY}),
                  {"Accept": "application/sparql-results+json"}),
        "provenance": ("/sparql?" + urllib.parse.urlencode({"query": chain}),
                       {"Accept": "application/sparql-results+json"}),
        "page": (notice_path, {"Accept": "text/html"}),
        "hostile": ("/sparql?" + urllib.parse.urlencode({"query": HOSTILE_QUERY}),
                    {"Accept": "application/sparql-results+json"}),
    }


def _error_type(body: bytes) -> str:
    """The error's type and the first words of its message (QueryBusy says which limit: workers, queue, slots)."""
    try:
        error = json.loads(body)["error"]
        return f"{error['type']} ({' '.join(str(error['message']).split()[:4])} …)"
    except (ValueError, KeyError, TypeError):
        return "?"


errors_seen: dict[str, dict[str, int]] = {}  # per client process: kind → "status type" → count


def _client(port: int, plan: list[str], requests: dict, deadline: float, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = 0
    while time.monotonic() < deadline:  # bounded by the deadline; every request has a timeout
        kind = plan[i % len(plan)]
        i += 1
        path, headers = requests[kind]
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            status = response.status
            if status >= 400:  # which error, by its type in the JSON shape: 503 QueryBusy / QueryTimeout …
                errors = errors_seen.setdefault(kind, {})
                name = f"{status} {_error_type(body)}"
                errors[name] = errors.get(name, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((kind, status, (time.perf_counter() - start) * 1000))
    conn.close()


def _client_process(port: int, plans: list[list[str]], requests: dict, deadline: float) -> list:
    samples: list = []
    threads = [threading.Thread(target=_client, args=(port, plan, requests, deadline, samples)) for plan in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [*samples, ("errors", errors_seen, 0.0)]


def run_load(port: int, clients: int, hostile: bool, seconds: float, requests: dict) -> dict:
    # Each client starts at a different place in the mix, so that the four kinds are sent evenly at any time.
    plans = [list(KINDS[i % 4:] + KINDS[:i % 4]) for i in range(clients)]
    if hostile:
        plans.append(["hostile"])
    deadline = time.monotonic() + seconds
    halves = [plans[0::2], plans[1::2]]
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(_client_process, port, half, requests, deadline) for half in halves if half]
        samples = [s for f in futures for s in f.result()]
    errors: dict[str, dict[str, int]] = {}
    for _, seen, _ in (s for s in samples if s[0] == "errors"):
        for kind, counts in seen.items():
            for name, count in counts.items():
                errors.setdefault(kind, {})[name] = errors.setdefault(kind, {}).get(name, 0) + count
    samples = [s for s in samples if s[0] != "errors"]
    by_kind: dict[str, dict] = {}
    for kind in (*KINDS, "hostile"):
        mine = [s for s in samples if s[0] == kind]
        if not mine:
            continue
        times = sorted(ms for _, _, ms in mine)
        statuses: dict[str, int] = {}
        for _, status, _ in mine:
            if not 200 <= status < 300:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        by_kind[kind] = {"requests": len(mine), "p50_ms": round(statistics.median(times), 1),
                         "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
                         "non_2xx": statuses, "errors": errors.get(kind, {})}
    served = [s for s in samples if s[0] != "hostile"]
    return {"clients": clients, "hostile": hostile, "seconds": seconds,
            "req_per_s": round(len(served) / seconds, 1), "by_kind": by_kind,
            "load_average": round(os.getloadavg()[0], 1),  # the machine's, other users included, at the end
            "unintended_5xx": sum(1 for k, st, _ in samples if k != "hostile" and (st >= 500 or st == 0))}


def lanes(trace: Path, since: float, until: float) -> dict[str, dict]:
    """The pool's log of one run: per lane and outcome, the count and p50 / p99 of queue wait, run and CPU."""
    rows = []
    if trace.exists():
        for line in trace.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if since <= record["t"] <= until:
                rows.append(record)
    out: dict[str, list[dict]] = {}
    for record in rows:
        out.setdefault(f"{record['lane']}: {record['outcome']}", []).append(record)

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0

    summary = {}
    for name, records in sorted(out.items()):
        row: dict = {"queries": len(records)}
        for field in ("fast_wait_ms", "fast_run_ms", "fast_cpu_ms", "slow_run_ms"):
            values = [r[field] for r in records if field in r]
            if values:
                row[field] = (round(pct(values, 0.5), 1), round(pct(values, 0.99), 1))
        summary[name] = row
    return summary


def build_store(tmp: Path) -> Path:
    store = tmp / "store"
    result = subprocess.run([str(BIN / "noticekg"), "build", str(ROOT / "corpus"), "--store", f"oxigraph:{store}",
                             "--replace"], capture_output=True, text=True)
    if result.returncode not in (0, 1):  # 1: loaded, with validation findings
        raise SystemExit(f"build failed: {result.stderr}")
    return store


def notice_page(port: int) -> str:
    query = f"SELECT ?n WHERE {{ ?n <{NKG}inCorpus> true ; <{NKG}docNo> ?d }} ORDER BY ?d LIMIT 1"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                 headers={"Accept": "application/sparql-results+json"})
    iri = json.loads(conn.getresponse().read())["results"]["bindings"][0]["n"]["value"]
    return "/id/" + iri.split("/id/", 1)[1]


def report(runs: list[dict], memory: list[dict], meta: dict) -> str:
    lines = [f"# Load test {meta['date']}", "",
             f"`{meta['command']}` on {meta['machine']}: the production server (waitress, {meta['threads']} threads, "
             f"query workers = cores + slow slots) over the bundled corpus in an on-disk store, clients in two processes on the "
             "same cores. Each client loops over governs / point SPARQL / canned provenance query / "
             f"notice page; the hostile runs add one client sending a minutes-long query again and again. Canned query: "
             f"ontology/queries/{meta['canned']}.rq.", "",
             "The load average is the machine's (1 minute, other users included) at the end of each run.", "",
             "| clients | hostile | load avg | req/s | kind | requests | p50 ms | p99 ms | non-2xx |",
             "|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        for kind, row in run["by_kind"].items():
            lines.append(f"| {run['clients']} | {'yes' if run['hostile'] else 'no'} | {run.get('load_average', '')} | "
                         f"{run['req_per_s']} | {kind} | "
                         f"{row['requests']} | {row['p50_ms']} | {row['p99_ms']} | "
                         f"{', '.join(f'{k}: {v}' for k, v in (row.get('errors') or row['non_2xx']).items()) or '0'} |")
    if any(run.get("lanes") for run in runs):
        lines += ["", "The query pool's log (`--trace`): per lane and outcome, p50 / p99 in ms of the wait in the fast "
                  "lane's queue, the run, and the worker's CPU (/proc, 10 ms ticks):", "",
                  "| clients | hostile | lane: outcome | queries | fast wait | fast run | fast CPU | slow run |",
                  "|---|---|---|---|---|---|---|---|"]
        for run in runs:
            for name, row in (run.get("lanes") or {}).items():
                cells = [" / ".join(str(v) for v in row[f]) if f in row else "" for f in
                         ("fast_wait_ms", "fast_run_ms", "fast_cpu_ms", "slow_run_ms")]
                lines.append(f"| {run['clients']} | {'yes' if run['hostile'] else 'no'} | {name} | {row['queries']} | "
                             + " | ".join(cells) + " |")
    lines += ["", "Server memory (main process and query workers, RSS):", "",
              "| moment | RSS MiB |", "|---|---|"]
    lines += [f"| {m['moment']} | {m['rss_kb'] / 1024:.0f} |" for m in memory]
    lines += ["", "Against the targets of issue 11:", ""]
    lines += [f"- {t}" for t in targets(runs, memory)]
    return "\n".join(lines) + "\n"


def targets(runs: list[dict], memory: list[dict]) -> list[str]:
    out = []
    bad = sum(r["unintended_5xx"] for r in runs)
    out.append(f"5xx (or dropped connections) outside the hostile client: {bad} (target 0)")
    for clients in sorted({r["clients"] for r in runs}):
        calm = next((r for r in runs if r["clients"] == clients and not r["hostile"]), None)
        hostile = next((r for r in runs if r["clients"] == clients and r["hostile"]), None)
        if calm and hostile and "point" in calm["by_kind"] and "point" in hostile["by_kind"]:
            ratio = hostile["by_kind"]["point"]["p99_ms"] / max(calm["by_kind"]["point"]["p99_ms"], 0.1)
            out.append(f"{clients} clients: point-query p99 with the hostile client / without: {ratio:.2f} (target ≤ 2)")
        for run in (calm, hostile):
            if run and "governs" in run["by_kind"] and "point" in run["by_kind"]:
                ratio = run["by_kind"]["governs"]["p50_ms"] / max(run["by_kind"]["point"]["p50_ms"], 0.1)
                out.append(f"{clients} clients{' + hostile' if run['hostile'] else ''}: governs p50 / point p50: "
                           f"{ratio:.2f} (target ≤ 2)")
            if run and clients == 8 and "page" in run["by_kind"]:
                out.append(f"8 clients{' + hostile' if run['hostile'] else ''}: notice page p50 "
                           f"{run['by_kind']['page']['p50_ms']} ms (target ≤ 50 ms)")
    if memory:
        out.append(f"memory: {memory[0]['rss_kb'] / 1024:.0f} MiB after warm-up → {memory[-1]['rss_kb'] / 1024:.0f} MiB "
                   "at the end (target: flat)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=48, help="waitress threads (the serve default)")
    parser.add_argument("--canned", default="figure-history", help="the canned query of ontology/queries/")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--trace", action="store_true", help="log the query pool's lanes, waits and CPU per query")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="noticekg-loadtest-") as tmp:
        store = build_store(Path(tmp))
        port = free_port()
        trace = Path(tmp) / "trace.jsonl"
        env = {"NOTICEKG_QUERY_TRACE": str(trace)} if args.trace else None
        server = serve(f"oxigraph:{store}", port, "--threads", str(args.threads), env=env)
        try:
            requests = requests_for(notice_page(port), args.canned)
            run_load(port, 4, False, min(5.0, args.seconds), requests)  # warm-up: caches, workers, templates
            memory = [{"moment": "after warm-up", "rss_kb": rss_kb(server.process.pid)}]
            runs = []
            for n in clients:
                for hostile in (False, True):
                    since = time.time()
                    runs.append(run_load(port, n, hostile, args.seconds, requests))
                    if args.trace:
                        runs[-1]["lanes"] = lanes(trace, since, time.time())
                    memory.append({"moment": f"after {n} clients{' + hostile' if hostile else ''}",
                                   "rss_kb": rss_kb(server.process.pid)})
                    print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
        finally:
            server.stop()
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    meta = {"date": date, "command": "make loadtest" + (" (bench/loadtest.py --trace)" if args.trace else ""), "threads": args.threads, "canned": args.canned,
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"loadtest-{date}.json").write_text(
        json.dumps({"meta": meta, "runs": runs, "memory": memory}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (args.out_dir / f"loadtest-{date}.md").write_text(report(runs, memory, meta), encoding="utf-8")
    print(report(runs, memory, meta))


if __name__ == "__main__":
    main()
