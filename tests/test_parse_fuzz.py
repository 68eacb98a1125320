"""A bounded, reproducible share of the parser's fuzzing (tests/fuzz_notices.py; `make fuzz` runs it long):
mutated real notices never make the parser raise anything but NoticeParseError, and what it returns points
into the text it read."""

from __future__ import annotations

from fuzz_notices import check, mutated_notices
from hypothesis import HealthCheck, given, settings


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(mutated_notices(max_chars=20_000))
def test_mutated_notices_parse_or_fail_cleanly(text: str) -> None:
    check(text)
