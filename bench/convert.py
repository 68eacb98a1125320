"""The build's conversion stage alone (`graph.convert.convert`: parsed parts → N-Quads), the code before and
after a change side by side, on the same parsed parts, with proof that they write the same lines.

    .venv/bin/python bench/convert.py CORPUS_DIR --before OLD_TREE [--part-files 200] [--rounds 2] [--out FILE.md]

OLD_TREE is a checkout of the code to compare with (`git worktree add --detach /tmp/base main`). The corpus is
parsed once, here, and cut into parts as `graph.build` cuts it (files in `source_files` order, a 文号 read
twice keeps its first reading, `part_files` files a part, every part against the index of all); each part is
pickled. Then, alternating for `--rounds` rounds, a fresh process of each tree (this one and OLD_TREE) converts
every part in one process and reports the wall and CPU time of the conversion alone. The set of N-Quads lines
of every part must be the same from both trees, and the script stops with an error otherwise. The machine is
shared: read the ratio of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(corpus: Path, part_files: int, out: Path) -> dict:
    """Parse the corpus and pickle its parts and the batch index, as `graph.build` would hand them over."""
    sys.path.insert(0, str(ROOT))
    from graph.build import _first_readings
    from graph.parse import parse_paths
    from graph.sources import source_files
    from graph.to_rdf import Batch, default_base

    base = default_base()
    start = time.perf_counter()
    results = parse_paths([path for path, _ in source_files([corpus])])
    parsed = time.perf_counter() - start
    batch, seen, kept, problems = Batch(), set(), [], []
    for result in results:
        result = _first_readings(result, base, seen, problems)
        for notice in result.notices:
            batch.add(notice, base)
        if result.notices:
            kept.append(result)
    parts = [kept[i:i + part_files] for i in range(0, len(kept), part_files)]
    for n, part in enumerate(parts):
        (out / f"part-{n:04d}.pickle").write_bytes(pickle.dumps(part))
    (out / "batch.pickle").write_bytes(pickle.dumps((batch, base)))
    return {"files": len(results), "notices": sum(len(r.notices) for r in kept), "parts": len(parts),
            "parse_seconds": round(parsed, 1)}


def worker(tree: Path, parts_dir: Path, lines_dir: Path) -> None:
    """In a fresh process: convert every part with `tree`'s code; print the times as JSON, write the lines."""
    sys.path.insert(0, str(tree))
    from graph.convert import convert

    batch, base = pickle.loads((parts_dir / "batch.pickle").read_bytes())  # noqa: S301 - our own pickles
    wall = cpu = 0.0
    triples = 0
    for path in sorted(parts_dir.glob("part-*.pickle")):
        results = pickle.loads(path.read_bytes())  # noqa: S301
        start, start_cpu = time.perf_counter(), time.process_time()
        converted = convert(results, batch, base)
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        triples += converted.triples
        lines = sorted(set(converted.data.splitlines()))
        (lines_dir / f"{path.stem}.nq").write_bytes(b"\n".join(lines) + b"\n")
    print(json.dumps({"wall": wall, "cpu": cpu, "triples": triples}))


def run(tree: Path, parts_dir: Path, lines_dir: Path) -> dict:
    lines_dir.mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, __file__, "--worker", str(tree), str(parts_dir), str(lines_dir)],
                          cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def digest(lines_dir: Path) -> tuple[int, str]:
    """Lines in all and a hash of every part's set of lines."""
    sha, count = hashlib.sha256(), 0
    for path in sorted(lines_dir.glob("*.nq")):
        data = path.read_bytes()
        count += data.count(b"\n")
        sha.update(path.name.encode() + b"\0" + data)
    return count, sha.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the code to compare with")
    parser.add_argument("--part-files", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / f"convert-{dt.date.today()}.md")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        work = Path(tmp)
        (work / "parts").mkdir()
        corpus = prepare(args.corpus, args.part_files, work / "parts")
        times: dict[str, list[dict]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                times[name].append(run(tree, work / "parts", work / name))
        digests = {name: digest(work / name) for name in trees}
        if digests["before"] != digests["after"]:
            differ = [p.name for p in sorted((work / "before").glob("*.nq"))
                      if p.read_bytes() != (work / "after" / p.name).read_bytes()]
            sys.exit(f"the lines differ in {len(differ)} parts, e.g. {differ[:3]}")
    best = {name: min(t["wall"] for t in runs) for name, runs in times.items()}
    ratio = best["before"] / best["after"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.before, capture_output=True,
                            text=True).stdout.strip()
    def seconds(runs: list[dict], what: str) -> str:
        return ", ".join(f"{t[what]:.1f}" for t in runs)

    rows = "\n".join(f"| {name} | {seconds(runs, 'wall')} | {seconds(runs, 'cpu')} | {runs[0]['triples']:,} |"
                     for name, runs in times.items())
    text = f"""# The build's conversion stage, before and after ({dt.date.today()})

`{' '.join(['.venv/bin/python', 'bench/convert.py', *sys.argv[1:]])}` on {platform.node()}
(before: {args.before} at {commit}). Corpus `{args.corpus}`: {corpus['files']} files, {corpus['notices']} notices,
{corpus['parts']} parts of {args.part_files} files, each converted against the index of all (as `graph.build`
hands a part to a worker). Seconds of `convert` alone, every part in one process, per round (alternating
before/after, a fresh process each):

| code | wall s per round | CPU s per round | quads written |
|---|---|---|---|
{rows}

Best wall: before {best['before']:.1f} s, after {best['after']:.1f} s: **{ratio:.1f}× faster**.
Same output: the set of N-Quads lines of every part is identical ({digests['after'][0]:,} lines,
sha256 prefix {digests['after'][1]} over every part's sorted lines).
"""
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
