"""A bad file costs only itself, a bad notice only itself: every file that yields nothing says so (file, line,
text), a mangled 文号 does not merge a notice into its neighbour, a file over the size limit is refused before
it is read, and the exit code follows the README on every path (2 for input errors even when others loaded)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
GUANGXI_2017, GUANGXI_2023, NANCHANG = CORPUS[3], CORPUS[2], CORPUS[1]
CLEAN = GUANGXI_2023  # builds with no problem and no finding


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def three_notices(docno_line: str | None) -> str:
    """Three notices of three files in one, the middle one's 文号 line replaced by `docno_line`."""
    middle = GUANGXI_2023.read_text(encoding="utf-8")
    if docno_line is not None:
        middle = middle.replace("桂医保发〔2023〕32号", docno_line, 1)
    return "\n\n".join([GUANGXI_2017.read_text(encoding="utf-8"), middle, NANCHANG.read_text(encoding="utf-8")])


@pytest.mark.parametrize("mangled", ["桂医保发2023 32", "桂医保发〔2023〕", ""])
def test_a_mangled_docno_keeps_the_notice_apart_from_its_neighbour(mangled: str) -> None:
    whole = parse_text(three_notices(None), "three.txt")
    broken = parse_text(three_notices(mangled), "three.txt")
    assert len(broken.notices) == len(whole.notices) == 4
    first, second = whole.notices[0], broken.notices[0]
    assert (second.docno_text, second.signed, len(second.figures)) == (first.docno_text, first.signed,
                                                                        len(first.figures))
    lost = broken.notices[1]
    assert lost.docno is None and len(lost.figures) == len(whole.notices[1].figures)
    assert "2023" in lost.title
    errors = [p for p in broken.problems if p.severity == "error"]
    assert len(errors) == 1 and "no readable 文号" in errors[0].message and errors[0].line > 1


def test_every_corpus_file_segments_as_before(corpus_results) -> None:  # noqa: ANN001
    assert [len(r.notices) for r in corpus_results] == [2, 2, 1, 1, 2]
    assert not any("no readable" in p.message for r in corpus_results for p in r.problems)


def test_bad_files_are_named_and_the_good_ones_load(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CLEAN, folder / "good.txt")
    (folder / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (folder / "bytes.txt").write_bytes("第一行\n第二行\n第三".encode() + b"\xff" + "行".encode())
    (folder / "big.txt").write_text(CLEAN.read_text(encoding="utf-8") * 40, encoding="utf-8")
    result = run("build", str(folder), "--store", "memory:", "--max-file-size", "0.5")
    assert result.exit_code == 2, result.output  # input errors, though a notice loaded
    counts = {k: int(v) for k, v in (line.split() for line in result.stdout.splitlines())}
    # The undecodable file is decoded as far as possible (graph.ingest): its fault is an error with the line and
    # the bytes around it, and what could be read still loads (here three lines, a notice of no 文号 or title).
    assert counts["files"] == 4 and counts["notices"] == 2 and counts["errors"] == 4
    lines = result.stderr.splitlines()
    assert any(ln.startswith("empty.txt:1: error: empty file") for ln in lines)
    assert any(ln.startswith("bytes.txt:3: error: bytes ff") and "bytes around" in ln for ln in lines)
    assert any(ln.startswith("big.txt:0: error:") and "over the limit of 0.5 MB" in ln for ln in lines)


def test_exit_codes_follow_the_readme(tmp_path: Path) -> None:
    assert run("build", str(CLEAN), "--store", "memory:").exit_code == 0
    assert run("build", str(NANCHANG), "--store", "memory:").exit_code == 1  # 南昌's 250 against 江西's 280
    mangled = tmp_path / "three.txt"
    mangled.write_text(three_notices(""), encoding="utf-8")
    result = run("build", str(mangled), "--store", "memory:")
    assert result.exit_code == 2 and "no readable 文号" in result.stderr


def test_the_summary_is_about_this_run(tmp_path: Path) -> None:
    """A second build that reads nothing new reports no findings of its own, though the stored report has one."""
    folder, store = tmp_path / "in", f"oxigraph:{tmp_path / 'store'}"
    folder.mkdir()
    shutil.copy(NANCHANG, folder)
    assert run("build", str(folder), "--store", store).exit_code == 1
    again = run("build", str(folder), "--store", store)
    assert again.exit_code == 0 and "unchanged, skipped: " + NANCHANG.name in again.stderr
    report = json.loads(run("validate", "--store", store, "--format", "json").stdout)
    assert report["conforms"] is False
