"""The parser of an older commit against this one: the same records on every file, and the CPU each spends.

    .venv/bin/python bench/parse_same.py --before COMMIT [--corpus DIR ...] [--time DIR] [--runs 2] [--out FILE.md]

A change meant to make parsing cheaper must not change a single record. The older code is checked out with
`git worktree add` into a temporary directory and imported from there in a child process (this tree's
interpreter, the other tree's `graph`); each child parses every notice file of each `--corpus` directory
(default: `corpus`, `tests/data/extra`) one by one, as `parse_paths` does, and writes the `repr` of each
`ParseResult` (notices, sections, figures with spans, citations, problems; an exception's `repr` when a file
raises). The two must be identical file for file; the script names the first files that differ and exits 1.

`--time DIR` (e.g. a 3,000-notice synthetic corpus, `python -m bench.synth --notices 3000 --out DIR`) is
compared the same way and timed: the CPU seconds of parsing all its files in one process, before and after
alternately `--runs` times, so both see the same machine. PYTHONHASHSEED is fixed so that a `repr` of a set
is the same in every child. Results go to `bench/results/parse-<date>.md` (or `--out`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(root: str, corpus: str, out: str) -> None:
    """Parse every notice file of `corpus` with the `graph` of `root`; write the reprs, print the CPU seconds."""
    import time

    sys.path.insert(0, root)
    import graph
    from graph.ingest import is_notice_file
    from graph.parse import parse_file

    assert Path(graph.__file__).resolve().is_relative_to(Path(root).resolve()), graph.__file__
    files = sorted(f for f in Path(corpus).iterdir() if is_notice_file(f))
    records = []
    start = time.process_time()
    for f in files:
        try:
            records.append(repr(parse_file(f)))
        except Exception as e:  # noqa: BLE001 - a file that raises must raise the same way on both sides
            records.append(f"raised {e!r}")
    cpu = time.process_time() - start
    Path(out).write_text(json.dumps({"files": [f.name for f in files], "records": records}), encoding="utf-8")
    print(json.dumps({"cpu": cpu, "files": len(files)}))


def run(root: Path, corpus: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, __file__, "--child", str(root), str(corpus), str(out)],
                          env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["cpu"]


def differences(before: Path, after: Path) -> list[str]:
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (before, after))
    if a["files"] != b["files"]:
        return [f"file lists differ: {len(a['files'])} before, {len(b['files'])} after"]
    return [f for f, x, y in zip(a["files"], a["records"], b["records"], strict=True) if x != y]


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        return child(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--corpus", type=Path, action="append", help="compared only (repeatable)")
    parser.add_argument("--time", type=Path, help="compared and timed")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    corpora = args.corpus or [ROOT / "corpus", ROOT / "tests/data/extra"]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", args.before], check=True, capture_output=True,
                            text=True).stdout.strip()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    failed = False
    with tempfile.TemporaryDirectory(prefix="parse-same-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), commit], check=True,
                       capture_output=True)
        try:
            rows, cpus = [], {"before": [], "after": []}
            for corpus in corpora + ([args.time] if args.time else []):
                runs = args.runs if corpus == args.time else 1
                for n in range(runs):
                    for side, root in (("before", old), ("after", ROOT)):
                        cpu = run(root, corpus, Path(tmp) / f"{side}.json")
                        if corpus == args.time:
                            cpus[side].append(cpu)
                    if n == 0:
                        diff = differences(Path(tmp) / "before.json", Path(tmp) / "after.json")
                        files = len(json.loads((Path(tmp) / "after.json").read_text(encoding="utf-8"))["files"])
                        rows.append((corpus, files, diff))
                        failed |= bool(diff)
                        print(f"{corpus}: {files} files, {'same' if not diff else f'{len(diff)} differ'}",
                              file=sys.stderr)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False,
                           capture_output=True)
    lines = [f"# Parsing before ({commit[:7]}) and after ({head}): same records, CPU seconds",
             "", f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
             f"`{' '.join(['bench/parse_same.py', *sys.argv[1:]])}`", "",
             "| corpus | files | records |", "|---|---|---|"]
    lines += [f"| {c} | {n} | {'identical' if not d else f'{len(d)} files differ: ' + ', '.join(d[:5])} |"
              for c, n, d in rows]
    if args.time:
        b, a = (statistics.median(cpus[s]) for s in ("before", "after"))
        lines += ["", f"CPU seconds parsing `{args.time}` in one process ({args.runs} alternating runs each, "
                  "median; the machine is shared, read the ratio):", "",
                  "| | runs (s) | median (s) |", "|---|---|---|",
                  f"| before | {', '.join(f'{x:.1f}' for x in cpus['before'])} | {b:.1f} |",
                  f"| after | {', '.join(f'{x:.1f}' for x in cpus['after'])} | {a:.1f} |",
                  "", f"after / before: {a / b:.2f} ({b / a:.2f}× less CPU)"]
    out = args.out or ROOT / "bench/results" / f"parse-{dt.date.today()}.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
