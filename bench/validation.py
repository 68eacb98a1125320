"""Validation cost by corpus size: does checking one new notice cost the same at many notices as at few, and
does checking the whole graph grow with the notices and no faster?

    .venv/bin/python bench/validation.py [--sizes 62,124,248,1000] [--whole 62,124,248,1000] [--repeat 3]
                                         [--seed 7] [--out bench/results/validation.md]

For each size N: the synthetic national corpus of N notices (`bench.synth.generate`: national, provincial,
prefecture and county notices in chains, with planted findings) is built into an in-memory store. Then two
of its notices are validated incrementally, as `noticekg build` does for a new file: the last provincial
notice (its floors bind the prefectures and counties below it) and the last prefecture notice. Each run
reports the cost per phase and per content rule (`ValidationResult.timings`) and end to end. With
`--whole`, the content rules run over the whole graph, and the planted findings' recall is measured from
those findings; the structure shapes (`graph.shapes_sparql`, one SELECT per constraint) are timed over the
whole graph on their own. Medians of `--repeat` runs (whole graph: one run). The machine is
shared and noisy: read the growth ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdflib import Literal  # noqa: E402

from bench.synth import expected_findings, generate  # noqa: E402
from graph.parse import parse_paths  # noqa: E402
from graph.shapes_run import find_violations  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402
from graph.validate import validate  # noqa: E402


def _notice_of(store, truth: dict, level: str) -> tuple[str, str]:  # noqa: ANN001
    """(label, notice IRI) of the last notice of `level` in the corpus."""
    docno = [n["docno"] for n in truth["corpus"] if n["level"] == level][-1]
    rows = store.select(f"SELECT ?n WHERE {{ ?n <https://noticekg.org/def/docNo> {Literal(docno).n3()} ; "
                        "<https://noticekg.org/def/inCorpus> true }")
    return level, str(rows[0]["n"])


def recall(findings, truth: dict) -> tuple[int, int, int]:  # noqa: ANN001
    """(planted, found, findings nobody planted): a planted finding is found when a finding of one of its
    accepted rules is stated in its notice."""
    found = {(f.rule_name, f.source.doc_no) for f in findings if f.source is not None}
    planted = truth["findings"]
    hit = sum(any((r, p["docno"]) in found for r in p["accept"]) for p in planted)
    return len(planted), hit, len(found - expected_findings(truth))


def measure(n: int, whole: bool, repeat: int, seed: int, work: Path) -> dict[str, float]:
    truth = generate(n, work / f"n{n}", seed)
    files = sorted((work / f"n{n}").glob("*.txt"))
    store = open_store("memory:")
    store.load_dataset(to_dataset(parse_paths(files)))
    times: dict[str, float] = {"triples in store": float(store.triple_count())}
    for level in ("provincial", "municipal"):
        label, notice = _notice_of(store, truth, level)
        runs: dict[str, list[float]] = defaultdict(list)
        for _ in range(repeat):
            start = time.perf_counter()
            result = validate(store, notices=[notice])
            runs["end to end"].append((time.perf_counter() - start) * 1000)
            for key, ms in result.timings.items():
                runs[key].append(ms)
        for key, values in runs.items():
            times[f"{label}: {key}"] = statistics.median(values)
    if whole:
        start = time.perf_counter()
        result = validate(store, structure=False)
        times["whole: content end to end"] = (time.perf_counter() - start) * 1000
        for key, ms in result.timings.items():
            times[f"whole: {key}"] = ms
        start = time.perf_counter()
        structure = list(find_violations(store))
        times["whole: structure end to end"] = (time.perf_counter() - start) * 1000
        times["whole: structure findings"] = len(structure)
        planted, hit, unplanned = recall(result.results, truth)
        times["whole: planted findings"], times["whole: planted found"] = planted, hit
        times["whole: findings not planted"] = unplanned
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="62,124,248,1000")
    parser.add_argument("--whole", default="62,124,248,1000", help="sizes at which the whole graph is validated too")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "validation.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    whole = {int(s) for s in args.whole.split(",") if s}
    table: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="noticekg-bench-validation-") as tmp:
        for n in sizes:
            table[n] = measure(n, n in whole, args.repeat, args.seed, Path(tmp))
            print(n, {k: round(v, 1) for k, v in table[n].items()}, flush=True)
    rows = sorted({k for t in table.values() for k in t})
    first, last = sizes[0], sizes[-1]
    lines = [
        "# Validation cost by corpus size",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}), "
        f"`{' '.join(['.venv/bin/python', 'bench/validation.py'] + sys.argv[1:])}`.",
        f"Synthetic national corpus (`bench.synth.generate`, seed {args.seed}); two of its notices validated "
        f"incrementally; milliseconds, median of {args.repeat} (whole graph: one run).",
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
