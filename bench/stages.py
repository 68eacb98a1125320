"""The build, stage by stage, on a synthetic corpus: the real `graph.build.build` in this process, one JSON line
per stage on stdout as it ends.

    .venv/bin/python bench/stages.py DIR --store DIR2 [--workers 2] [--skip-validate]

parse (worker processes) → extraction scores against DIR/truth.json → convert+load (RDF conversion in the
workers, bulk load here) → validate and report. Each line carries the seconds of its stage, notices/s, and the
peak resident memory so far of this process (`main_peak_rss_bytes`, exact: getrusage) and of the largest worker
that has ended (`worker_peak_rss_bytes`). `bench/run.py` runs this in a child process with a time limit and
keeps the lines that arrived; a build stopped in validation leaves its new generation loaded but not current
(DIR2/gen-NNNNNN), which the bench can still serve, said as such. `--skip-validate` ends the process as
soon as the load is done (the generation is then never made current).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import graph.build as build_module  # noqa: E402
from bench.synth import load_truth  # noqa: E402
from graph.evaluate import Golden, GoldenFigure, evaluate, figures_by_notice  # noqa: E402
from graph.to_rdf import default_base  # noqa: E402

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


def peaks() -> dict[str, int]:
    """Peak RSS so far (Linux reports ru_maxrss in KiB)."""
    return {"main_peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "worker_peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}


class Stages:
    """The build's progress callback: a line when parsing ends and when loading ends."""

    def __init__(self, truth: dict, kept: list, skip_validate: bool) -> None:
        self.truth, self.kept, self.skip = truth, kept, skip_validate
        self.start = self.mark = time.perf_counter()
        self.stage = "parsing"
        self.notices = 0
        self.scoring_s = 0.0  # the bench's own extraction scoring, between parse and load: not the build's

    def _end(self, name: str, **extra: Any) -> None:
        now = time.perf_counter()
        seconds = now - self.mark
        emit(stage=name, seconds=round(seconds, 2), notices=self.notices,
             notices_per_s=round(self.notices / max(seconds, 1e-9), 2), **extra, **peaks())
        self.mark = now

    def __call__(self, stage: str, done: int, total: int, notices: int) -> None:
        self.notices = notices
        if stage == "loading" and self.stage == "parsing":
            self.stage = "loading"
            self._end("parse")
            scoring = time.perf_counter()
            scores = score_extraction(self.kept, self.truth)
            self.kept.clear()
            self.mark = time.perf_counter()  # the scoring is the bench's, not the build's
            self.scoring_s = self.mark - scoring
            emit(stage="extraction", scoring_s=round(self.scoring_s, 2), **scores)
        if stage == "loading" and done == total:
            self._end("convert_load")
            if self.skip:
                sys.stdout.flush()
                os._exit(0)  # the generation stays uncommitted, as after a kill (graph.generations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=build_module.BuildOptions(base="").workers)
    parser.add_argument("--skip-validate", action="store_true")
    args = parser.parse_args()
    truth = load_truth(args.corpus)
    kept: list = []
    first_readings = build_module._first_readings

    def observed(result: Any, *rest: Any) -> Any:  # keep what the scoring needs of each parsed file, no text
        out = first_readings(result, *rest)
        kept.append(SimpleNamespace(notices=[SimpleNamespace(docno=n.docno, figures=n.figures, citations=n.citations,
                                                             source_file=n.source_file) for n in out.notices]))
        return out

    build_module._first_readings = observed
    stages = Stages(truth, kept, args.skip_validate)
    summary = build_module.build([args.corpus], f"oxigraph:{args.store}",
                                 build_module.BuildOptions(base=default_base(), replace=True, workers=args.workers),
                                 stages)
    seconds = summary.seconds.get("validating", 0.0) + summary.seconds.get("reported", 0.0)
    emit(stage="validate", seconds=round(seconds, 2), notices=summary.notices,
         notices_per_s=round(summary.notices / max(seconds, 1e-9), 2), findings=summary.findings, **peaks())
    emit(stage="build", seconds=round(time.perf_counter() - stages.start - stages.scoring_s, 2), **summary.counts(),
         generation=summary.generation, **peaks())


if __name__ == "__main__":
    main()
