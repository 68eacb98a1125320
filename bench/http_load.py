"""Bounded HTTP load on loopback: N requests (or S seconds, whichever comes first) from C client threads,
latency percentiles and req/s; and the servers under test, started and stopped by their process ids."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {seconds:.0f} s")


@dataclass(frozen=True)
class Request:
    url: str
    accept: str = "application/sparql-results+json"


def run_load(requests: Sequence[Request], clients: int, count: int, seconds: float, timeout: float = 30) -> dict:
    """`count` requests (cycling through `requests`) from `clients` threads, stopping early after `seconds`;
    a request unanswered after `timeout` seconds counts as an error."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    next_index = [0]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while True:
            with lock:
                i = next_index[0]
                if i >= count or time.monotonic() > deadline:
                    return
                next_index[0] += 1
            req = requests[i % len(requests)]
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(req.url, headers={"Accept": req.accept}),
                                            timeout=timeout) as response:
                    response.read()
                ok = True
            except urllib.error.HTTPError as e:
                e.read()
                ok, key = False, str(e.code)
            except OSError as e:
                ok, key = False, type(e).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[key] = errors.get(key, 0) + 1
    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    done = len(latencies)
    return {"requests": done + sum(errors.values()), "ok": done, "errors": errors,
            "rps": round(done / wall, 2) if wall else 0.0,
            "p50_ms": round(latencies[done // 2] * 1000, 2) if done else None,
            "p99_ms": round(latencies[min(done - 1, int(done * 0.99))] * 1000, 2) if done else None}


def median_of(rounds: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p99_ms")
    out = {k: round(statistics.median(r[k] for r in rounds if r[k] is not None), 2)
           if any(r[k] is not None for r in rounds) else None for k in keys}
    out["rounds"] = len(rounds)
    out["requests"] = sum(r["requests"] for r in rounds)
    out["errors"] = sum(sum(r["errors"].values()) for r in rounds)
    return out


class Server:
    """A server process in its own session, so that stopping it stops its workers too."""

    def __init__(self, argv: list[str], log: Path):
        self.log = log.open("wb")
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def rss_bytes(self) -> int:
        return tree_rss(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (bytes)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, parent in parents.items() if parent == p and c not in tree]
    total = 0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
