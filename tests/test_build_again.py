"""A second `noticekg build DIR` into the same store speaks of that run only: a new clean file exits 0 though
the stored report keeps an earlier finding; a changed file is named, its old figures and findings are
replaced by the new ones; a run that brings the finding back exits 1 again. Through the CLI, as an operator
reads it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from graph.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
NANCHANG, CLEAN = CORPUS[1], CORPUS[2]  # 南昌's 250 against 江西's 280: one finding; 桂医保发〔2023〕32号: none
HONG = "https://noticekg.org/id/notice/hong2-yi1-bao3-fa1/2020/52"
LEVEL = "我市已按每人每年250元标准"


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def counts(stdout: str) -> dict[str, int]:
    return {k: int(v) for k, v in (ln.split() for ln in stdout.splitlines() if len(ln.split()) == 2
                                   and ln.split()[1].isdigit())}


def amounts(store: str) -> set[str]:
    rows = json.loads(run("query", "--store", store, "--format", "json", f"""SELECT ?a WHERE {{
        ?f <https://noticekg.org/def/statedIn> <{HONG}> ; <https://noticekg.org/def/amount> ?a }}""").stdout)
    return {r["a"]["value"] for r in rows["results"]["bindings"]}


def test_a_second_build_reports_its_own_files_and_findings(tmp_path: Path) -> None:
    folder, store = tmp_path / "in", f"oxigraph:{tmp_path / 'store'}"
    folder.mkdir()
    nanchang = folder / NANCHANG.name
    shutil.copy(NANCHANG, nanchang)
    first = run("build", str(folder), "--store", store, "--workers", "1")
    assert first.exit_code == 1 and counts(first.stdout)["findings"] == 1

    # A clean file added: this run's summary has it as new, and no finding, though the stored report has one.
    shutil.copy(CLEAN, folder)
    second = run("build", str(folder), "--store", store, "--workers", "1")
    assert second.exit_code == 0, second.stdout
    assert counts(second.stdout).items() >= {"new": 1, "changed": 0, "unchanged": 1, "findings": 0}.items()
    assert f"noticekg: new: {CLEAN.name}" in second.stderr
    assert f"unchanged, skipped: {NANCHANG.name}" in second.stderr and "(1 findings in its report)" in second.stderr

    # 南昌 corrected to 280: named as changed, the 250 replaced, and the finding gone from the stored report.
    text = NANCHANG.read_text(encoding="utf-8")
    assert text.count(LEVEL) == 1 and "250" in amounts(store)
    nanchang.write_text(text.replace(LEVEL, LEVEL.replace("250", "280")), encoding="utf-8")
    third = run("build", str(folder), "--store", store, "--workers", "1")
    assert third.exit_code == 0, third.stdout
    assert counts(third.stdout).items() >= {"new": 0, "changed": 1, "unchanged": 1, "findings": 0}.items()
    assert f"noticekg: changed: {NANCHANG.name}" in third.stderr
    assert "250" not in amounts(store) and "280" in amounts(store)
    assert run("validate", "--store", store).exit_code == 0

    # Back to 250: this run has the finding again, and says so by its exit code.
    shutil.copy(NANCHANG, nanchang)
    fourth = run("build", str(folder), "--store", store, "--workers", "1")
    assert fourth.exit_code == 1 and counts(fourth.stdout)["findings"] == 1
    assert f"noticekg: changed: {NANCHANG.name}" in fourth.stderr and "250" in amounts(store)
