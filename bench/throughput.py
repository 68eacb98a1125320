"""Whole-graph validation of one built store, in one process and in several, side by side: the build's
validation stage alone (`validate(store, workers=N)`, as `graph.build` runs it on a first build).

    .venv/bin/python bench/throughput.py STORE_DIR [--workers 1,2] [--corpus SYNTH_DIR] [--out FILE.md]

STORE_DIR is a store `bench/stages.py` (or `noticekg build`) made, opened read-only. For each number of
workers, in the order given: the wall time, the CPU time of all its processes, the time per phase and per
rule (summed over the processes), and the findings. The findings of every run must be the same (rule, focus,
value, other side, difference, and the evidence); the script stops with an error otherwise. With `--corpus` (the synthetic corpus the store was
built from), the planted findings' recall too. The machine is shared: read the ratios of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import load_truth  # noqa: E402
from bench.validation import recall  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.validate import validate  # noqa: E402


def digest(findings) -> tuple[int, str]:  # noqa: ANN001
    """How many findings, and a hash of all of them with their evidence, for comparing runs."""
    lines = sorted(repr(f) for f in findings)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its children that have ended (the workers)."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def measure(store_dir: Path, workers: int, truth: dict | None) -> dict:
    store = open_store(f"oxigraph:{store_dir}?ro")
    cpu = cpu_seconds()
    start = time.perf_counter()
    result = validate(store, workers=workers) if workers != 1 else validate(store)  # 1: as the code before
    wall = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    count, sha = digest(result.results)
    out = {"workers": workers, "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "findings": count, "digest": sha,
           "timings_s": {k: round(v / 1000, 1) for k, v in sorted(result.timings.items(), key=lambda kv: -kv[1])}}
    if truth is not None:
        planted, hit, other = recall(result.results, truth)
        out["planted"], out["planted_found"], out["unplanned"] = planted, hit, other
    return out


def markdown(runs: list[dict], args: argparse.Namespace, notices: int) -> str:
    lines = [f"# Whole-graph validation, 1 process against {max(r['workers'] for r in runs)}",
             "", f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, store `{args.store}` "
             f"({notices:,} notices). Command: `.venv/bin/python bench/throughput.py {' '.join(sys.argv[1:])}`.",
             "The machine is shared (2 cores, other agents): read the ratios of this one run.", "",
             "| workers | wall | CPU (all processes) | findings | digest | planted found |", "|---|---|---|---|---|---|"]
    for r in runs:
        planted = f"{r['planted_found']} / {r['planted']}" if "planted" in r else "—"
        lines.append(f"| {r['workers']} | {r['seconds']} s | {r.get('cpu_seconds', '—')} s | {r['findings']} | "
                     f"`{r['digest']}` | {planted} |")
    keys = list(runs[0]["timings_s"])
    lines += ["", "Time per phase and rule, in seconds (summed over the processes):", "",
              "| phase or rule | " + " | ".join(f"{r['workers']} worker(s)" for r in runs) + " |",
              "|---|" + "---|" * len(runs)]
    for key in keys + sorted({k for r in runs for k in r["timings_s"]} - set(keys)):
        lines.append(f"| {key} | " + " | ".join(str(r["timings_s"].get(key, "—")) for r in runs) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    truth = load_truth(args.corpus) if args.corpus else None
    runs = []
    for workers in (int(w) for w in args.workers.split(",")):
        runs.append(measure(args.store, workers, truth))
        print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    if len({r["digest"] for r in runs}) != 1:
        sys.exit("the runs found different findings")
    rows = open_store(f"oxigraph:{args.store}?ro").select(
        "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n <https://noticekg.org/def/inCorpus> true }")
    if args.out:
        args.out.write_text(markdown(runs, args, int(rows[0]["c"])))


if __name__ == "__main__":
    main()
