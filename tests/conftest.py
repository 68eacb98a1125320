"""Fixtures shared by the test modules: the bundled corpus and its parse, once per session; the browser tests'
server and Chromium (tests/browser_fixtures.py), registered here so that every browser test module shares one."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.parse import parse_paths
from graph.records import ParseResult
from tests.browser_fixtures import browser, browser_page, browser_server, browser_store  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The bundled corpus: five files, eight notices."""
    return ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_results(corpus_dir: Path) -> list[ParseResult]:
    """One `ParseResult` per corpus file, in file-name order."""
    return parse_paths([corpus_dir])
