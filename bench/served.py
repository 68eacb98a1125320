"""`noticekg serve` in a process of its own, as the load test (`bench/loadtest.py`) and the live-serve test
(`tests/test_live_serve.py`) both run it: started over a store on a loopback port, its URL read from the line it
announces once its query workers are up, the processes it started found under /proc, and stopped.

    serve(store_url, port=0, *options, env=None) -> Served     .process, .url ("http://127.0.0.1:PORT"), .stop()
    descendants(pid) -> set[int]                      every live process below pid (the query workers)
    rss_kb(pid) -> int                                resident memory of pid and its descendants, KiB
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

NOTICEKG = Path(sys.executable).with_name("noticekg")


@dataclass
class Served:
    process: subprocess.Popen
    url: str  # the base URL: http://127.0.0.1:PORT

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (the server stops its query workers), SIGKILL if it does not end within `timeout`."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


def serve(store_url: str, port: int = 0, *options: str, wait: float = 60.0,
          env: dict[str, str] | None = None) -> Served:
    """Start `noticekg serve --store STORE_URL --host 127.0.0.1 --port PORT OPTIONS…` (0: a free port), with
    `env` over this process' environment, and wait, at most `wait` seconds, for the line saying where it
    serves."""
    process = subprocess.Popen(
        [str(NOTICEKG), "serve", "--store", store_url, "--host", "127.0.0.1", "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"})
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(wait)
    announced = line[0] if line else ""
    if "serving http://" not in announced:
        Served(process, "").stop(timeout=5)
        raise RuntimeError(f"noticekg serve did not start within {wait:g} s (exit {process.poll()}): {announced!r}")
    # Whatever else it prints is read and dropped, so that a full pipe never blocks the server.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    return Served(process, announced.split("serving ", 1)[1].split()[0].removesuffix("/sparql"))


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, their children …), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def rss_kb(pid: int) -> int:
    """Resident memory of `pid` and every process below it (the query workers), in KiB."""
    total = 0
    for member in {pid, *descendants(pid)}:
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total
