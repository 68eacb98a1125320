"""The time a notice may take to parse, so that a pathological input becomes an error instead of a hang.

The parser runs in linear time, but an input of the genre's shape can still be huge or strange. Each
notice gets a `Budget` (seconds, default `DEFAULT_SECONDS`, or `NOTICEKG_PARSE_BUDGET` in the environment);
the parser's loops call `check()`, which raises `BudgetExceeded` once the notice's deadline has passed.
The deadline lives in a context variable: no signals, so it works in any thread, and each thread (or
asyncio task) has its own. Outside `Budget.running()` `check()` does nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_SECONDS = 10.0  # a real notice parses in a tenth of a second; 80 KB of real prose in about two
# The steps that read a whole file (cleaning, segmenting) get the budget once per this many characters.
FILE_CHARS = 100_000

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("noticekg_parse_deadline", default=None)


class BudgetExceeded(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"parsing took longer than its budget of {seconds:g} s")


def default_seconds() -> float:
    """`NOTICEKG_PARSE_BUDGET` when it is a positive number of seconds, else `DEFAULT_SECONDS`."""
    try:
        seconds = float(os.environ.get("NOTICEKG_PARSE_BUDGET", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return seconds if seconds > 0 else DEFAULT_SECONDS


class Budget:
    """Seconds to spend on one notice, over one or several stretches of `running()`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        start = time.perf_counter()
        token = _deadline.set((start + self.seconds - self.spent, self.seconds))
        try:
            yield
        finally:
            self.spent += time.perf_counter() - start
            _deadline.reset(token)


def check() -> None:
    """Raise `BudgetExceeded` when the running notice's deadline has passed."""
    running = _deadline.get()
    if running is not None and time.perf_counter() >= running[0]:
        raise BudgetExceeded(running[1])
