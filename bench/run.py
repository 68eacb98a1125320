"""`make bench`: the whole pipeline and the service on the synthetic national corpus, in one run, to files.

    .venv/bin/python bench/run.py [--sizes 1000,10000] [--requests 200] [--seconds 10] [--rounds 3]

For each size: generate the corpus (bench/synth) with its truth; build it (`graph.build`, what `noticekg build
--replace` runs) in a child process that reports each stage as it ends (parse, convert+load, validate;
bench/stages.py) and scores extraction against the truth, timing it end to end and reading the peak resident
memory of its process tree; the store's size on disk; the validation recall of the planted findings (a build
stopped by --build-timeout in validation is served as loaded, unvalidated, and said so); then, alternating
rounds, `/api/governs`, every canned query of ontology/queries/ through `/sparql`, and a notice page against
the production server (`noticekg serve`, waitress), and the same queries against the raw `oxigraph serve` on
a copy of the same data, at 1 and 8 clients; at the sizes up to --rdflib-max, rdflib in memory on the same
queries (bench/rdflib_baseline.py). Every loop is bounded in count and time; everything is on loopback.
Writes bench/results/<date>.json and the markdown table (--out, default bench/results/latest.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import Request, Server, free_port, median_of, run_load, tree_rss, wait_for  # noqa: E402
from bench.queries import canned_variants, planted_recall  # noqa: E402
from bench.report import markdown  # noqa: E402
from bench.synth import generate  # noqa: E402

BIN = Path(sys.executable).parent


def watch(argv: list[str], timeout: float, log: Path) -> dict:
    """Run a child in its own session until it ends or `timeout`; its wall time, peak tree RSS, exit code
    and the lines it printed (the JSON lines of bench/stages.py, the build's summary)."""
    start = time.perf_counter()
    peak = 0
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        timed_out = False
        try:
            while process.poll() is None:
                peak = max(peak, tree_rss(process.pid))
                if time.perf_counter() - start > timeout:
                    timed_out = True
                    break
                time.sleep(0.5)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    return {"seconds": round(time.perf_counter() - start, 2), "peak_rss_bytes": peak, "exit_code": process.returncode,
            "timed_out": timed_out, "output": text}


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def build_stages(corpus: Path, store: Path, timeout: float, tmp: Path) -> dict:
    """The build (`graph.build`, as `noticekg build --replace` runs it) in a child, stage by stage
    (bench/stages.py): each stage's seconds, notices/s and peak memory, the extraction scores, and the whole
    run's wall time and peak RSS of its process tree (workers included)."""
    run = watch([sys.executable, str(ROOT / "bench" / "stages.py"), str(corpus), "--store", str(store)],
                timeout, tmp / f"{corpus.name}-build.log")
    lines = [json.loads(line) for line in run["output"].splitlines() if line.startswith("{")]
    by_stage = {line.pop("stage"): line for line in lines}
    done = by_stage.pop("build", None)
    missing = [s for s in ("parse", "extraction", "convert_load", "validate") if s not in by_stage]
    if missing:
        by_stage["unfinished"] = {"stages": missing, "timed_out": run["timed_out"], "after_s": run["seconds"],
                                  "tail": run["output"][-800:] if not run["timed_out"] else ""}
    return {"stages": by_stage, "summary": done, "seconds": run["seconds"], "peak_rss_bytes": run["peak_rss_bytes"],
            "timed_out": run["timed_out"], "exit_code": run["exit_code"], "ok": done is not None,
            "notices_per_s": None}


def loaded_generation(store: Path) -> Path | None:
    """The store to serve: the current generation, or a build's new generation loaded but never made current
    (stopped in validation), or None."""
    from graph import generations

    if generations.current(store):
        return store
    staged = sorted(store.glob("gen-*/"))
    return staged[-1] if staged else None


def serve_and_load(store: Path, truth: dict, args: argparse.Namespace, tmp: Path, with_rdflib: bool) -> dict:
    rng = random.Random(args.seed)
    variants = canned_variants(ROOT / "ontology" / "queries", truth, rng)
    ours_port, raw_port = free_port(), free_port()
    ours = Server([str(BIN / "noticekg"), "serve", "--store", f"oxigraph:{store}?ro", "--port", str(ours_port)],
                  tmp / "ours.log")
    raw = None
    out: dict = {"targets": {}}
    try:
        base = f"http://127.0.0.1:{ours_port}"
        wait_for(base + "/sparql?query=ASK%7B%7D")
        nq = tmp / f"{store.name}.nq"
        copy = tmp / f"{store.name}-raw"
        dump = subprocess.run([sys.executable, "-c", "import sys; from graph.store import open_store; "
                               "s = open_store('oxigraph:' + sys.argv[1] + '?ro'); open(sys.argv[2], 'wb').write(s.dump('nq'))",
                               str(store), str(nq)], cwd=ROOT, capture_output=True, text=True)
        if dump.returncode:
            raise RuntimeError(dump.stderr[-500:])
        shutil.rmtree(copy, ignore_errors=True)
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(copy), "--file", str(nq)], check=True,
                       capture_output=True)
        raw = Server([str(BIN / "oxigraph"), "serve", "--location", str(copy), "--bind", f"127.0.0.1:{raw_port}",
                      "--union-default-graph"], tmp / "raw.log")
        raw_base = f"http://127.0.0.1:{raw_port}"
        wait_for(raw_base + "/query?query=ASK%7B%7D")
        targets: dict[str, dict[str, list[Request]]] = {}
        governs = [Request(f"{base}/api/governs?" + urllib.parse.urlencode(p), "application/json")
                   for p in variants.pop("_governs")]
        notices = [Request(base + p, "text/html") for p in _notice_paths(base, truth, rng)]
        targets["/api/governs"] = {"ours": governs,
                                   "raw": [Request(raw_base + "/query?" + urllib.parse.urlencode({"query": q}))
                                           for q in variants["governing-figure.rq"]]}
        for name, queries in variants.items():
            targets[f"/sparql {name}"] = {
                "ours": [Request(base + "/sparql?" + urllib.parse.urlencode({"query": q})) for q in queries],
                "raw": [Request(raw_base + "/query?" + urllib.parse.urlencode({"query": q})) for q in queries]}
        if notices:
            targets["notice page"] = {"ours": notices}
        for sides in targets.values():  # warm both
            for reqs in sides.values():
                run_load(reqs, 2, min(20, args.requests), args.seconds, args.request_timeout)
        for clients in (1, 8):
            rounds: dict[tuple[str, str], list[dict]] = {}
            for _ in range(args.rounds):  # alternate, so that both see the same machine weather
                for name, sides in targets.items():
                    for side, reqs in sides.items():
                        rounds.setdefault((name, side), []).append(
                            run_load(reqs, clients, args.requests, args.seconds, args.request_timeout))
            for (name, side), rs in rounds.items():
                out["targets"].setdefault(name, {}).setdefault(side, {})[f"c{clients}"] = median_of(rs)
        out["memory_bytes"] = {"noticekg serve": ours.rss_bytes(), "oxigraph serve": raw.rss_bytes()}
        if with_rdflib:
            run = watch([sys.executable, str(ROOT / "bench" / "rdflib_baseline.py"), str(nq),
                         "--queries", json.dumps({k: v[0] for k, v in variants.items()}, ensure_ascii=False),
                         "--query-timeout", str(args.rdflib_query_timeout)],
                        args.rdflib_timeout, tmp / "rdflib.log")
            lines = [json.loads(x) for x in run["output"].splitlines() if x.startswith("{")]
            out["rdflib"] = {"load_s": next((x["seconds"] for x in lines if x.get("what") == "load"), None),
                             "queries": {x["what"]: x for x in lines if x.get("what") != "load"},
                             "timed_out": run["timed_out"], "peak_rss_bytes": run["peak_rss_bytes"]}
    finally:
        ours.stop()
        if raw is not None:
            raw.stop()
    return out


def _notice_paths(base: str, truth: dict, rng: random.Random) -> list[str]:
    """The pages of a few notices: their IRIs asked of the server by 文号 (a bound literal, not text)."""
    from rdflib import Literal
    docnos = rng.sample([n["docno"] for n in truth["corpus"]], min(10, len(truth["corpus"])))
    query = ("PREFIX nkg: <https://noticekg.org/def/> SELECT ?n WHERE { VALUES ?d { "
             + " ".join(Literal(d).n3() for d in docnos) + " } ?n nkg:docNo ?d }")
    import urllib.request
    with urllib.request.urlopen(urllib.request.Request(base + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                                       headers={"Accept": "application/sparql-results+json"})) as r:
        rows = json.load(r)["results"]["bindings"]
    return sorted({urllib.parse.urlsplit(row["n"]["value"]).path for row in rows})


def bench_size(n: int, args: argparse.Namespace, tmp: Path) -> dict:
    corpus, store = tmp / f"corpus{n}", tmp / f"store{n}"
    t = time.perf_counter()
    truth = generate(n, corpus, args.seed)
    result: dict = {"notices": n, "generate_s": round(time.perf_counter() - t, 2), "years": truth["years"],
                    "figures": sum(len(x["figures"]) for x in truth["corpus"]), "planted": len(truth["findings"]),
                    "corpus_bytes": du(corpus)}
    print(f"[{n}] generated in {result['generate_s']} s", flush=True)
    result["build"] = b = build_stages(corpus, store, args.build_timeout, tmp)
    result["stages"] = b.pop("stages")
    result["extraction"] = result["stages"].pop("extraction", None)
    # The child's wall time less the bench's own extraction scoring, which it runs between parse and load.
    b["scoring_s"] = (result["extraction"] or {}).get("scoring_s", 0.0)
    b["build_s"] = round(b["seconds"] - b["scoring_s"], 2)
    b["notices_per_s"] = round(n / b["build_s"], 2) if b["ok"] else None
    print(f"[{n}] build: {b['seconds']} s, ok={b['ok']}, peak {b['peak_rss_bytes'] / 2**20:.0f} MiB; stages: "
          + ", ".join(f"{k} {v.get('seconds', 0):.1f} s" for k, v in result["stages"].items() if "seconds" in v),
          flush=True)
    loaded = loaded_generation(store) if "convert_load" in result["stages"] else None
    served = store if b["ok"] else loaded
    result["served_store"] = "build" if b["ok"] else "loaded, not validated (the build stopped in validation)" \
        if served else None
    result["store_bytes"] = du(served) if served else None
    result["validation"] = planted_recall(store, truth, ROOT / "ontology" / "queries") if b["ok"] else None
    if served:
        result["http"] = serve_and_load(served, truth, args, tmp, n <= args.rdflib_max)
    shutil.rmtree(corpus, ignore_errors=True)
    return result


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the servers and children started here are stopped on the way out


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200, help="requests per round, per target and client count")
    parser.add_argument("--seconds", type=float, default=10, help="time limit of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--request-timeout", type=float, default=30, help="one request's client-side limit")
    parser.add_argument("--build-timeout", type=float, default=3600)
    parser.add_argument("--rdflib-max", type=int, default=1000, help="largest size rdflib in memory is run at")
    parser.add_argument("--rdflib-timeout", type=float, default=1200, help="for the whole rdflib run")
    parser.add_argument("--rdflib-query-timeout", type=float, default=120, help="for one query on rdflib")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.md")
    parser.add_argument("--json", type=Path, default=None, help="default: bench/results/<date>.json beside --out")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    report: dict = {"date": now.strftime("%Y-%m-%d %H:%M UTC"),
                    "machine": {"platform": platform.platform(), "cores": os.cpu_count(),
                                "python": platform.python_version()},
                    "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]), "sizes": []}
    with tempfile.TemporaryDirectory(prefix="noticekg-bench-") as tmp:
        for n in sorted({int(s) for s in args.sizes.split(",")}):
            report["sizes"].append(bench_size(n, args, Path(tmp)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    json_path = args.json or args.out.parent / f"{now:%Y-%m-%d}.json"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.write_text(markdown(report), encoding="utf-8")
    print(f"written to {json_path} and {args.out}")


if __name__ == "__main__":
    main()
