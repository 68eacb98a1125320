"""What reading a notice costs in each format, and what one write through `graph.publish` costs, written to a file.

    .venv/bin/python bench/ingest.py [--repeat 3] [--out bench/results/ingest.md]

1. extraction: `graph.ingest.read_bytes` on the corpus notices as UTF-8, GB18030, a web page, a PDF and a Word
   file (made with tests/ingest_samples.py), median per file, and the parse that follows, for comparison;
2. writes: publish, re-publish (idempotent) and withdraw one notice in an on-disk store that holds the rest of
   the corpus (each write validates in a checkpoint and commits in one SPARQL update).

The machines are shared and noisy: read the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from ingest_samples import docx_file, html_page, pdf_file  # noqa: E402

from graph.ingest import read_bytes  # noqa: E402
from graph.parse import parse_bytes, parse_file  # noqa: E402
from graph.publish import publish, withdraw  # noqa: E402
from graph.store import open_store  # noqa: E402

FORMATS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "txt (UTF-8)": (lambda t: t.encode("utf-8"), ".txt"),
    "txt (GB18030)": (lambda t: t.encode("gb18030"), ".txt"),
    "html": (html_page, ".html"),
    "pdf": (pdf_file, ".pdf"),
    "docx": (docx_file, ".docx"),
}


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def extraction(repeat: int) -> list[str]:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    rows = ["| format | bytes (all 5) | read_bytes ms / file | read + parse ms / file | reading's share |",
            "|---|---|---|---|---|"]
    for fmt, (make, suffix) in FORMATS.items():
        blobs = [make(t) for t in texts]
        name = "x" + suffix
        read = statistics.mean(median_ms(lambda b=b, n=name: read_bytes(b, n), repeat) for b in blobs)
        parse = statistics.mean(median_ms(lambda b=b, n=name: parse_bytes(b, n), repeat) for b in blobs)
        rows.append(f"| {fmt} | {sum(map(len, blobs)):,} | {read:.1f} | {parse:.1f} | {read / parse:.0%} |")
    return rows


def timed_writes(path: str, repeat: int) -> tuple[dict[str, list[float]], int]:
    """The writes, timed, in a store at `path` (the handle goes when this returns, and RocksDB with it)."""
    files = sorted((ROOT / "corpus").glob("*.txt"))
    store = open_store(f"oxigraph:{path}")
    for f in files[1:]:
        publish(store, parse_file(f))
    result = parse_file(files[0])
    nanning = "https://noticekg.org/id/notice/nan2-yi1-bao3-fa1/2020/60"
    actions = {"publish": lambda: publish(store, result), "publish again (unchanged)": lambda: publish(store, result),
               "withdraw": lambda: withdraw(store, nanning)}
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - start) * 1000)
    triples = store.triple_count()
    store.close()
    return times, triples


def writes(repeat: int) -> list[str]:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        times, triples = timed_writes(f"{scratch}/store", repeat)
    rows = [f"One file (南医保发〔2020〕60号 with its attachment) into an on-disk store of the other 4 files "
            f"({triples:,} triples after withdrawing it):", "", "| write | median ms |", "|---|---|"]
    rows += [f"| {name} | {statistics.median(ms):.0f} |" for name, ms in times.items()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.md")
    args = parser.parse_args()
    lines = [f"# Ingest and write costs ({dt.date.today().isoformat()}, {platform.machine()}, "
             f"Python {platform.python_version()}, median of {args.repeat})", "",
             "Command: `.venv/bin/python bench/ingest.py` — shared, noisy machine: read the ratios.", "",
             "## Reading a notice file", "", *extraction(args.repeat), "", "## One write", "",
             *writes(args.repeat), ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
