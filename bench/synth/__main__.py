"""`python -m bench.synth --notices N --out DIR [--seed S]`: write a synthetic corpus and its truth.json."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.synth import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic national corpus with its ground truth.")
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    start = time.perf_counter()
    truth = generate(args.notices, args.out, args.seed)
    print(f"wrote {truth['notices']} notices ({len(truth['years'])} years, "
          f"{sum(len(n['figures']) for n in truth['corpus'])} figures, {len(truth['findings'])} planted findings) "
          f"to {args.out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
