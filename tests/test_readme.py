"""Docs that cannot drift: the README's command lines and the curl examples of docs/QUERIES.md are run as
written, against a store built from the bundled corpus."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from graph.store import open_store
from tests.server_fixtures import *  # noqa: F403

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUERIES_DOC = (ROOT / "docs" / "QUERIES.md").read_text(encoding="utf-8")

# What each command must exit with on the corpus: build and validate report the real 南昌 discrepancy.
EXPECTED_EXIT = {"build": 1, "validate": 1}


def _code_lines(text: str, prefix: str) -> list[str]:
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command.startswith(prefix):
                lines.append(command)
    return lines


CLI_LINES = [line for line in _code_lines(README, ".venv/bin/noticekg") if " serve" not in line]


def test_the_readme_shows_the_two_commands_and_the_cli() -> None:
    assert "make run" in README and "make test" in README
    assert len(CLI_LINES) >= 7


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh directory with the corpus, where the README's relative paths (corpus, var/store) resolve."""
    work = tmp_path_factory.mktemp("readme")
    (work / "corpus").symlink_to(ROOT / "corpus")
    (work / "tests").symlink_to(ROOT / "tests")  # the golden figure lists and the development set
    return work


@pytest.mark.parametrize("line", CLI_LINES, ids=[line.split()[1] for line in CLI_LINES])
def test_readme_command_runs(line: str, workdir: Path) -> None:
    argv = shlex.split(line)
    argv[0] = str(BIN / "noticekg")
    env = {**os.environ, "NOTICEKG_STORE": f"oxigraph:{workdir / 'var' / 'store'}"}
    if argv[1] != "build" and not (workdir / "var" / "store").exists():
        subprocess.run([argv[0], "build", "corpus"], cwd=workdir, env=env, capture_output=True)
    done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == EXPECTED_EXIT.get(argv[1], 0), done.stderr
    assert done.stdout.strip() or (workdir / "graph.trig").exists(), "each command prints or writes something"
    if argv[1] == "governs":
        assert "280" in done.stdout and "南医保发〔2020〕60号" in done.stdout
    if argv[1] == "figures" and "--eval" in argv:  # the scores the README states
        assert done.stdout.splitlines()[-1].split()[1:7] == ["21", "228", "228", "228", "100.0%", "100.0%"]
    elif argv[1] == "figures":
        rows = json.loads(done.stdout)
        assert {r["docno"] for r in rows} == {"南医保发〔2020〕60号"} and all(r["quote"] for r in rows)


CURLS = [line.strip() for line in QUERIES_DOC.splitlines() if line.strip().startswith("curl ")]


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory):
    """The store `noticekg build` makes of the corpus, validation report included."""
    where = tmp_path_factory.mktemp("served") / "store"
    subprocess.run([str(BIN / "noticekg"), "build", str(ROOT / "corpus"), "--store", f"oxigraph:{where}"],
                   capture_output=True, timeout=300)
    opened = open_store(f"oxigraph:{where}?ro")
    yield opened
    opened.close()


@pytest.fixture
def store(built_store):  # noqa: F811 - the live server serves it
    return built_store


@pytest.mark.parametrize("line", CURLS, ids=[c.split("queries/")[1].split()[0] for c in CURLS])
def test_queries_doc_curl_example_runs(line: str, live_server: str) -> None:  # noqa: F811
    argv = shlex.split(line.replace("http://127.0.0.1:5000", live_server))
    done = subprocess.run([*argv, "--fail-with-body", "-sS"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = done.stdout.strip().splitlines()
    assert len(rows) >= 2, f"a header and at least one row: {done.stdout!r}"
