"""The canned queries of ontology/queries/ as another revision wrote them (`--before`, default main) against
the working tree's, on the engine itself, side by side in one run: is a rewrite faster, and does it answer
the same rows on the synthetic corpus?

    .venv/bin/python bench/canned_plans.py --store DIR --truth truth.json [--store DIR --truth …]
        [--before main] [--runs 5] [--rdflib-max 1000] [--http] [--out bench/results/queries-<date>.md]

For each store (opened read-only, its current generation; the union default graph, as the service queries
it) and each query, the bench's own bindings (bench/queries.py: ten VALUES rows drawn from the store's
truth.json with the bench's seed) are run in alternation, before and after, `--runs` times each after a
warm-up; p50 is over all runs of all bindings, each run reading every row. The rows of the two texts are
compared binding by binding, as multisets (chain.rq's SAMPLE(?title) aside, which may pick any of a stub's
titles). Up to `--rdflib-max` notices, rdflib in memory runs both texts on a dump of the same store
(bench/rdflib_baseline.py, a forked child per query under a time limit), for the ratio the issue asks for.
With --http, the same bindings also go through the service's /sparql (`noticekg serve` on the store, one
client, rounds alternating before and after), which is where bench/run.py measures them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import Request, Server, free_port, median_of, run_load, wait_for  # noqa: E402
from bench.queries import canned_variants, every_page  # noqa: E402
from graph import generations  # noqa: E402

QUERIES = ROOT / "ontology" / "queries"
BIN = Path(sys.executable).parent
UNPINNED = {"chain.rq": {"toTitle"}}  # SAMPLE() of several equal candidates: any of them is right


def open_read_only(root: Path) -> ox.Store:
    generation = generations.current(root)
    return ox.Store.read_only(str(root / generation) if generation else str(root))


def before_queries(rev: str, into: Path) -> Path:
    """The canned queries as revision `rev` has them, written to `into`."""
    names = subprocess.run(["git", "ls-tree", "--name-only", rev, "ontology/queries/"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for name in names:
        text = subprocess.run(["git", "show", f"{rev}:{name}"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout
        (into / Path(name).name).write_text(text, encoding="utf-8")
    return into


def rows_of(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: str(row[n]) for n in names if row[n] is not None} for row in result]


def timed(store: ox.Store, query: str) -> float:
    t = time.perf_counter()
    for _ in store.query(query, use_default_graph_as_union=True):
        pass
    return (time.perf_counter() - t) * 1000


def comparable(name: str, rows: list[dict[str, str]]) -> Counter:
    drop = UNPINNED.get(name, set())
    return Counter(tuple(sorted((k, v) for k, v in r.items() if k not in drop)) for r in rows)


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


def measure(store: ox.Store, name: str, before: list[str], after: list[str], runs: int) -> dict:
    out: dict = {"bindings": len(after), "same_rows": True, "differences": []}
    times: dict[str, list[float]] = {"before": [], "after": []}
    rows = []
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        # also the warm-up; a query that pages is compared by all its pages, and timed by its first
        old, new = every_page(lambda q: rows_of(store, q), b), every_page(lambda q: rows_of(store, q), a)
        rows.append(len(rows_of(store, a)))  # the rows a user gets: one page of a query that pages
        if comparable(name, old) != comparable(name, new):
            out["same_rows"] = False
            out["differences"].append({"before_rows": len(old), "after_rows": len(new),
                                       "binding": next((ln for ln in a.splitlines() if "VALUES" in ln), "")})
        for _ in range(runs):  # alternate, so that both see the same machine weather
            times["before"].append(timed(store, b))
            times["after"].append(timed(store, a))
        if i == 0:  # the binding rdflib runs
            out["first_binding_after_ms"] = p(times["after"], 0.5)
    out["rows_median"] = statistics.median(rows)
    out["rows_max"] = max(rows)
    for side, ts in times.items():
        out[side] = {"p50_ms": p(ts, 0.5), "p90_ms": p(ts, 0.9), "runs": len(ts)}
    out["speedup"] = round(out["before"]["p50_ms"] / out["after"]["p50_ms"], 2) if out["after"]["p50_ms"] else None
    return out


def rdflib_run(store: ox.Store, queries: dict[str, str], tmp: Path, runs: int, limit: float) -> dict:
    """rdflib in memory on a dump of the store, as bench/run.py runs it."""
    nq = tmp / "store.nq"
    store.dump(str(nq), ox.RdfFormat.N_QUADS)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "rdflib_baseline.py"), str(nq), "--queries",
                           json.dumps(queries, ensure_ascii=False), "--runs", str(runs), "--query-timeout", str(limit)],
                          capture_output=True, text=True, timeout=limit * len(queries) + 600)
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    nq.unlink()
    return {x.pop("what"): x for x in lines}


def through_sparql(root: Path, before: dict, after: dict, names: list[str], runs: int, tmp: Path) -> dict:
    """p50 of every binding through the service's /sparql, one client, before and after in alternate rounds."""
    port = free_port()
    server = Server([str(BIN / "noticekg"), "serve", "--store", f"oxigraph:{root}?ro", "--port", str(port)],
                    tmp / "serve.log")
    out: dict = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/sparql?query=ASK%7B%7D", 120)
        for name in names:
            reqs = {side: [Request(base + "/sparql?" + urllib.parse.urlencode({"query": q})) for q in qs[name]]
                    for side, qs in (("before", before), ("after", after))}
            for r in reqs.values():  # warm
                run_load(r, 1, len(r), 60)
            rounds: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(runs):
                for side, r in reqs.items():
                    rounds[side].append(run_load(r, 1, len(r), 120))
            out[name] = {side: median_of(rs) for side, rs in rounds.items()}
            print(f"  /sparql {name}: {out[name]['before']['p50_ms']} -> {out[name]['after']['p50_ms']} ms", flush=True)
    finally:
        server.stop()
    return out


def at_store(root: Path, truth_path: Path, before_dir: Path, args: argparse.Namespace, tmp: Path) -> dict:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    before = canned_variants(before_dir, truth, random.Random(args.seed))
    after = canned_variants(QUERIES, truth, random.Random(args.seed))
    store = open_read_only(root)
    result: dict = {"store": str(root), "notices": len(truth["corpus"]), "queries": {}}
    for name in sorted(n for n in after if not n.startswith("_")):
        result["queries"][name] = measure(store, name, before[name], after[name], args.runs)
        q = result["queries"][name]
        print(f"[{result['notices']}] {name}: {q['before']['p50_ms']} -> {q['after']['p50_ms']} ms "
              f"({q['speedup']}x), rows {q['rows_median']}, same rows {q['same_rows']}", flush=True)
    if args.http:
        result["sparql"] = through_sparql(root, before, after, list(result["queries"]), args.runs, tmp)
    if result["notices"] <= args.rdflib_max:
        texts = {f"{side} {n}": qs[n][0] for side, qs in (("before", before), ("after", after))
                 for n in result["queries"]}
        result["rdflib"] = rdflib_run(store, texts, tmp, args.rdflib_runs, args.rdflib_timeout)
        print(f"[{result['notices']}] rdflib: {json.dumps(result['rdflib'], ensure_ascii=False)}", flush=True)
    del store
    return result


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f} ms"


def _rdf(r: dict) -> str:
    return "stopped" if r.get("timed_out") else _ms(r.get("median_ms"))


def markdown(report: dict) -> str:
    lines = [f"# Canned queries before and after, {report['date']}", "",
             f"Command: `{report['command']}` (before: the queries at `{report['before']}`, after: the working tree "
             f"at {report['after']}). Engine: pyoxigraph {ox.__version__} on the read-only store, union default "
             "graph, p50 / p90 over every run of the bench's ten bindings (bench/queries.py), every row read. "
             "`same rows`: both texts give the same rows on every binding (a query that pages: all its pages "
             "together; its time is its first page's). The machine is shared: read ratios, not milliseconds.", ""]
    for s in report["stores"]:
        rdf, web = s.get("rdflib", {}), s.get("sparql", {})
        head = "| query | rows (median / max) | engine before | engine after | speed-up | same rows |"
        if web:
            head += " /sparql before | /sparql after |"
        if rdf:
            head += " rdflib before | rdflib after | rdflib after / engine after |"
        lines += [f"## {s['notices']:,} notices (`{s['store']}`)", "", head, "|" + "---|" * head.count(" |")]
        for name, q in s["queries"].items():
            line = (f"| {name} | {q['rows_median']:g} / {q['rows_max']} | {_ms(q['before']['p50_ms'])} / "
                    f"{_ms(q['before']['p90_ms'])} | {_ms(q['after']['p50_ms'])} / {_ms(q['after']['p90_ms'])} | "
                    f"{q['speedup']}× | {'yes' if q['same_rows'] else 'NO'} |")
            if web:
                w = web.get(name, {})
                line += f" {_ms(w.get('before', {}).get('p50_ms'))} | {_ms(w.get('after', {}).get('p50_ms'))} |"
            if rdf:
                rb, ra = rdf.get(f"before {name}", {}), rdf.get(f"after {name}", {})
                ours = q.get("first_binding_after_ms")
                ratio = ra.get("median_ms") and ours and ra["median_ms"] / ours
                line += f" {_rdf(rb)} | {_rdf(ra)} | {'—' if not ratio else f'{ratio:,.0f}×'} |"
            lines.append(line)
        if web:
            lines += ["", "`/sparql`: `noticekg serve` on the same store, one client, p50 of the median round (rounds "
                      "alternating before and after, every binding once a round), JSON results.", ""]
        if rdf.get("load"):
            lines += ["", f"rdflib in memory loaded the store's dump in {rdf['load']['seconds']} s "
                      f"({rdf['load']['quads']:,} quads). Its columns are the median of its runs on the first binding; "
                      "the ratio divides it by the engine's p50 on that same binding."]
        for name, q in s["queries"].items():
            for d in q["differences"]:
                lines.append(f"\n{name}: different rows ({d['before_rows']} before, {d['after_rows']} after) "
                             f"for `{d['binding'].strip()}`")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument("--truth", type=Path, action="append", required=True, help="one per --store")
    parser.add_argument("--before", default="main", help="git revision of the queries to compare with")
    parser.add_argument("--seed", type=int, default=7, help="the bench's seed (bench/run.py)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--http", action="store_true", help="also through /sparql (noticekg serve)")
    parser.add_argument("--rdflib-max", type=int, default=1000)
    parser.add_argument("--rdflib-runs", type=int, default=3)
    parser.add_argument("--rdflib-timeout", type=float, default=90, help="for one query on rdflib")
    parser.add_argument("--out", type=Path, default=None, help="default: bench/results/queries-<date>.md")
    args = parser.parse_args()
    if len(args.store) != len(args.truth):
        parser.error("give one --truth per --store")
    now = dt.datetime.now(dt.UTC)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "ontology/queries"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    report: dict = {"date": now.strftime("%Y-%m-%d %H:%M UTC"), "before": args.before,
                    "after": head.strip() + (" (uncommitted changes)" if dirty else ""),
                    "command": " ".join([f"bench/{Path(sys.argv[0]).name}", *sys.argv[1:]]), "stores": []}
    with tempfile.TemporaryDirectory(prefix="noticekg-plans-") as tmp:
        (Path(tmp) / "before").mkdir()
        before_dir = before_queries(args.before, Path(tmp) / "before")
        for root, truth in zip(args.store, args.truth, strict=True):
            report["stores"].append(at_store(root, truth, before_dir, args, Path(tmp)))
    out = args.out or ROOT / "bench" / "results" / f"queries-{now:%Y-%m-%d}.md"
    out.write_text(markdown(report), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written to {out} and {out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
