"""What a write of the service costs (`graph.writes`): replacing one notice through a new generation of an
on-disk store (the build lock, a hard-linked checkpoint, the write, the rename, the index beside it) against
the same replacement in place in an in-memory store holding the same graph, side by side in one run.

    .venv/bin/python bench/writes.py [--rounds 8] [--out bench/results/writes.md]

Each round PUTs 桂医保发〔2023〕32号 with one of two texts in turn (so every write changes something), on both
stores, alternating which goes first. The store is the bundled corpus built by `graph.build` under /tmp.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import generations  # noqa: E402
from graph.build import BuildOptions, build  # noqa: E402
from graph.parse import parse_bytes  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.to_rdf import DEFAULT_BASE  # noqa: E402
from graph.writes import post  # noqa: E402

NOTICE = DEFAULT_BASE + "notice/gui4-yi1-bao3-fa1/2023/32"
TEXT = (ROOT / "corpus" / "002_26cb3cc93e1dcd9c.txt").read_text(encoding="utf-8")
TEXTS = (TEXT.replace("新增30元，达到每人每年640元", "新增40元，达到每人每年650元"), TEXT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "writes.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="noticekg-bench-writes-") as tmp:
        root = Path(tmp) / "store"
        build([ROOT / "corpus"], f"oxigraph:{root}", BuildOptions(base=DEFAULT_BASE, workers=1))
        memory = open_store("memory:")
        built = open_store(f"oxigraph:{root}?ro")
        memory.engine.load(built.engine.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        del built
        times: dict[str, list[float]] = {"generation": [], "in place (memory)": []}
        for n in range(args.rounds):
            result = parse_bytes(TEXTS[n % 2].encode("utf-8"), "guangxi-2023.txt")
            order = [("generation", lambda: open_store(f"oxigraph:{root}?ro")), ("in place (memory)", lambda: memory)]
            for name, store in order if n % 2 else order[::-1]:
                start = time.perf_counter()
                written = post(store(), result, replaces=NOTICE)
                times[name].append(time.perf_counter() - start)
                assert written.changed
        generation_count = len([p for p in root.glob("gen-*") if p.is_dir()])
        current = generations.current(root)
    medians = {k: statistics.median(v) for k, v in times.items()}
    ratio = medians["generation"] / medians["in place (memory)"]
    lines = ["# A write of the service: through a new generation vs in place", "",
             f"`.venv/bin/python bench/writes.py --rounds {args.rounds}`; the corpus (8 notices) built under /tmp;",
             "each round replaces 桂医保发〔2023〕32号 (PUT) on both stores, alternating which goes first.", "",
             "| store | median s | min s | max s |", "|---|---|---|---|"]
    for name, values in times.items():
        lines.append(f"| {name} | {medians[name]:.3f} | {min(values):.3f} | {max(values):.3f} |")
    lines += ["", f"Ratio generation / in place: **{ratio:.2f}×**. After the run the store is {current}, with "
              f"{generation_count} generation directories on disk.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
