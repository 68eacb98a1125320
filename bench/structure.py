"""The structure checks (graph/shapes_sparql.py) over a whole built store, each check timed, in two ways side
by side: with each check's `Open` form where it has one (no focus node bound: a scan of the path's triples,
met with the target's focus nodes in Python), and with every check asked with its target bound, as before
(the focus nodes named in VALUES, or the target in place). Both must give the same rows; the script stops
with an error otherwise.

    .venv/bin/python bench/structure.py STORE_DIR [--rounds 2] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.shapes_run import whole_rows  # noqa: E402
from graph.shapes_sparql import structure_checks  # noqa: E402
from graph.store import open_store  # noqa: E402


def timed(store, checks) -> tuple[dict[str, float], dict[str, set]]:  # noqa: ANN001
    """Each check's seconds and rows, the checks run in order with one cache of focus nodes (as a worker does)."""
    seconds: dict[str, float] = {}
    rows: dict[str, set] = {}
    focus_of: dict = {}
    for i, check in enumerate(checks):
        start = time.perf_counter()
        found = whole_rows(store, check, focus_of)
        key = f"{i:02d} {check.name}"
        seconds[key] = time.perf_counter() - start
        rows[key] = {(str(r["focus"]), str(r.get("value"))) for r in found}
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the fastest of each is kept")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    store = open_store(f"oxigraph:{args.store}?ro")
    opened = list(dict.fromkeys(structure_checks()))
    closed = [dataclasses.replace(c, open=None) for c in opened]
    new, old = {}, {}
    new_rows, old_rows = {}, {}
    for _ in range(args.rounds):  # alternate, so that the machine's load falls on both alike
        for seconds, rows, checks in ((old, old_rows, closed), (new, new_rows, opened)):
            took, found = timed(store, checks)
            for key, value in took.items():
                seconds[key] = min(seconds.get(key, float("inf")), value)
            rows.update(found)
    if new_rows != old_rows:
        differing = sorted(k for k in new_rows if new_rows[k] != old_rows.get(k))
        sys.exit(f"the two ways disagree on {differing}")
    count = store.triple_count()
    lines = [f"# Structure checks over the whole store, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", "",
             f"{platform.platform()}, store `{args.store}` ({count:,} triples), {args.rounds} alternating rounds, "
             "fastest of each kept. Command: `.venv/bin/python " + " ".join(sys.argv) + "`.", "",
             f"Same rows both ways ({sum(len(r) for r in new_rows.values())} violations over {len(new_rows)} checks).",
             "", "| | target bound | open form | ratio |", "|---|---|---|---|",
             f"| all {len(opened)} checks | {sum(old.values()):.1f} s | {sum(new.values()):.1f} s | "
             f"{sum(old.values()) / sum(new.values()):.1f}x |"]
    for key in sorted(old, key=lambda k: -max(old[k], new[k]))[:15]:
        lines.append(f"| {key} | {old[key]:.2f} s | {new[key]:.2f} s | {old[key] / max(new[key], 1e-6):.1f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
