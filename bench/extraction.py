"""Extraction against a synthetic corpus's truth, without building a store: parse the texts (all, or a sample
of `--sample` files drawn by `--seed`) and score figures, 文号 and relations as `make bench` does
(`bench.stages.score_extraction`). For checking a parser change on thousands of notices in a minute or two.

    .venv/bin/python bench/extraction.py /tmp/synth30k --sample 3000 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stages import score_extraction  # noqa: E402
from bench.synth import load_truth  # noqa: E402
from graph.parse import parse_paths  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sample", type=int, default=0, help="this many files (0: all)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    truth = load_truth(args.corpus)
    files = sorted({n["file"] for n in truth["corpus"]})
    if args.sample:
        random.Random(args.seed).shuffle(files)
        files = sorted(files[: args.sample])
    chosen = set(files)
    truth = {**truth, "corpus": [n for n in truth["corpus"] if n["file"] in chosen]}
    scores = score_extraction(parse_paths([args.corpus / f for f in files]), truth)
    print(json.dumps({"files": len(files), **scores}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
