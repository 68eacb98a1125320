"""One ingest stage after another on a synthetic corpus, in-process, one JSON line per stage on stdout.

    .venv/bin/python bench/stages.py DIR --store DIR2 [--skip-validate]

parse → extraction scores against DIR/truth.json → to_rdf → load (into the on-disk store DIR2) → validate.
`bench/run.py` runs this in a child process with a time limit and keeps the lines that arrived, so a stage
that does not finish is reported as such, and the store loaded before it can still be served.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synth import load_truth  # noqa: E402
from graph.evaluate import Golden, GoldenFigure, evaluate, figures_by_notice  # noqa: E402
from graph.parse import parse_paths  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402
from graph.validate import validate  # noqa: E402

GOLDEN_FIELDS = ("kind", "value", "unit", "qualifier", "year", "year_type", "region", "scope", "quote",
                 "restates", "yields_to_national")


def golden_from_truth(truth: dict) -> dict[str, Golden]:
    """truth.json's figures as graph.evaluate's golden lists, so the project's own matching scores them."""
    return {n["docno"]: Golden(n["docno"], n["file"], n["region"],
                               tuple(GoldenFigure(**{k: f[k] for k in GOLDEN_FIELDS}) for f in n["figures"]))
            for n in truth["corpus"]}


def score_extraction(results: list, truth: dict) -> dict:
    ev = evaluate(figures_by_notice(results), golden_from_truth(truth))
    total = ev.total
    missed = Counter(m.key[0] for m in ev.missed)
    spurious = Counter(m.key[0] for m in ev.spurious)
    found_docnos = {n.docno.key for r in results for n in r.notices if n.docno is not None}
    got = {(n.docno.key, c.relation, c.docno.key) for r in results for n in r.notices if n.docno is not None
           for c in n.citations if c.docno is not None}
    want = {(n["docno"], x["relation"], x["docno"]) for n in truth["corpus"] for x in n["relations"]}
    ours = {g for g in got if g[0] in {n["docno"] for n in truth["corpus"]}}
    return {
        "figures": {"golden": total.golden, "found": total.found, "matched": total.matched,
                    "precision": round(total.precision, 4), "recall": round(total.recall, 4),
                    "scope_mismatches": len(ev.scope_mismatches),
                    "per_kind": {k: {"golden": s.golden, "found": s.found, "matched": s.matched,
                                     "precision": round(s.precision, 4), "recall": round(s.recall, 4)}
                                 for k, s in sorted(ev.per_kind.items())},
                    "missed_by_kind": dict(missed.most_common()), "spurious_by_kind": dict(spurious.most_common())},
        "docnos": {"golden": len(truth["corpus"]),
                   "found": len(found_docnos & {n["docno"] for n in truth["corpus"]})},
        "relations": {"golden": len(want), "found": len(ours), "matched": len(want & ours),
                      "precision": round(len(want & ours) / len(ours), 4) if ours else 1.0,
                      "recall": round(len(want & ours) / len(want), 4) if want else 1.0},
    }


def emit(**record: object) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--skip-validate", action="store_true")
    args = parser.parse_args()
    truth = load_truth(args.corpus)
    t = time.perf_counter()
    results = parse_paths([args.corpus])
    notices = sum(len(r.notices) for r in results)
    emit(stage="parse", seconds=time.perf_counter() - t, notices=notices,
         problems=sum(len(r.problems) for r in results))
    emit(stage="extraction", **score_extraction(results, truth))
    t = time.perf_counter()
    dataset = to_dataset(results)
    emit(stage="to_rdf", seconds=time.perf_counter() - t, quads=len(dataset))
    t = time.perf_counter()
    store = open_store(f"oxigraph:{args.store}")
    store.load_dataset(dataset)
    emit(stage="load", seconds=time.perf_counter() - t, triples=store.triple_count())
    store.close()
    if not args.skip_validate:
        t = time.perf_counter()
        result = validate(dataset)
        emit(stage="validate", seconds=time.perf_counter() - t, conforms=bool(getattr(result, "conforms", False)))


if __name__ == "__main__":
    main()
