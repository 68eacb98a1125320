"""`noticekg governs` and `noticekg figures` through click's CliRunner, on the hand-written graph and on the
graph built from the corpus: output formats, the JSON field names, and exit 5 when nothing governs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.export import write_dataset
from graph.records import ParseResult
from graph.to_rdf import to_dataset

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = str(ROOT / "tests" / "data" / "resolve_fixture.trig")
GOLDEN = ROOT / "tests" / "data" / "figures"


def run(*args: str):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory, corpus_results: list[ParseResult]) -> str:
    path = tmp_path_factory.mktemp("corpus") / "corpus.trig"
    write_dataset(to_dataset(corpus_results), path)
    return str(path)


# -- governs ------------------------------------------------------------------------------------------------------


def test_governs_as_text() -> None:
    result = run("governs", "--graph", FIXTURE, "--kind", "individual-contribution", "--region", "长沙",
                 "--year", "2023")
    assert result.exit_code == 0, result.output
    assert "governed by 长医保发〔2022〕15号 §一: 350 元/人·年" in result.stdout
    assert "长医保发〔2022〕15号 —restates→ 湘医保发〔2022〕8号 —implements→ 医保发〔2022〕20号" in result.stdout


def test_governs_json_field_names() -> None:
    result = run("governs", "--graph", FIXTURE, "--kind", "per-capita-fiscal-subsidy", "--region", "430100",
                 "--year", "2022", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"figure", "notice", "section", "quote", "chain", "candidates"} <= set(data)
    assert {"iri", "kind", "value", "unit", "qualifier", "year", "region", "scope"} <= set(data["figure"])
    assert {"iri", "docno", "title"} <= set(data["notice"])
    assert [step["relation"] for step in data["chain"]] == ["states", "forwards", "implements"]
    assert sorted((c["docno"], c["value"], c["reason"]) for c in data["candidates"]) == [
        ("湘医保发〔2022〕8号", 610, "less specific region"), ("长医保发〔2022〕3号", 580, "earlier notice")]


def test_governs_with_a_scope() -> None:
    result = run("governs", "--graph", FIXTURE, "--kind", "provincial-subsidy", "--region", "长沙市",
                 "--year", "2022", "--scope", "非脱贫县", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["figure"]["value"] == 61


def test_nothing_governs_exits_5_and_still_prints_the_nearest() -> None:
    result = run("governs", "--graph", FIXTURE, "--kind", "individual-contribution", "--region", "北京市",
                 "--year", "2023", "--format", "json")
    assert result.exit_code == 5
    data = json.loads(result.stdout)
    assert data["governed"] is False and data["figure"] is None and data["candidates"]
    text = run("governs", "--graph", FIXTURE, "--kind", "individual-contribution", "--region", "北京市",
               "--year", "2023")
    assert text.exit_code == 5 and "nearest candidates:" in text.stdout and "other year: 2024" in text.stdout


@pytest.mark.parametrize("kind, region, message", [
    ("individual-contributon", "长沙", "did you mean individual-contribution"),
    ("individual-contribution", "火星", "unknown region"),
])
def test_unknown_kind_or_region_exits_5(kind: str, region: str, message: str) -> None:
    result = run("governs", "--graph", FIXTURE, "--kind", kind, "--region", region, "--year", "2023")
    assert result.exit_code == 5 and message in result.stderr and result.stderr.startswith("noticekg: error:")


def test_governs_needs_kind_region_and_year() -> None:
    result = run("governs", "--graph", FIXTURE, "--kind", "individual-contribution")
    assert result.exit_code == 2


def test_governs_on_the_corpus(corpus_file: str) -> None:
    result = run("governs", "--graph", corpus_file, "--kind", "individual-contribution", "--region", "南宁市",
                 "--year", "2021", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["figure"]["value"] == 280 and data["notice"]["docno"] == "南医保发〔2020〕60号"
    assert [s["docno"] for s in data["chain"]] == ["南医保发〔2020〕60号", "桂医保发〔2020〕46号", "医保发〔2020〕24号"]
    lanzhou = run("governs", "--graph", corpus_file, "--kind", "per-capita-fiscal-subsidy", "--region", "兰州",
                  "--year", "2020")
    assert lanzhou.exit_code == 0 and "governed by 兰医保〔2020〕142号" in lanzhou.stdout
    beijing = run("governs", "--graph", corpus_file, "--kind", "individual-contribution", "--region", "北京市",
                  "--year", "2019")
    assert beijing.exit_code == 5 and "nearest candidates:" in beijing.stdout


# -- figures ------------------------------------------------------------------------------------------------------


def test_figures_json_of_a_notice_in_any_spelling() -> None:
    result = run("figures", "长医保发 [2022] 15 号", "--graph", FIXTURE, "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["kind"], r["value"]) for r in rows] == [
        ("individual-contribution", 350), ("per-capita-fiscal-subsidy", 610)]
    fields = {"iri", "kind", "value", "unit", "qualifier", "year", "region", "scope", "docno", "section", "quote"}
    assert all(fields <= set(r) for r in rows)


def test_figures_csv_by_kind_and_year() -> None:
    result = run("figures", "--graph", FIXTURE, "--kind", "individual-contribution", "--year", "2024",
                 "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted((r["docno"], r["value"], r["region_name"]) for r in rows) == [
        ("医保发〔2023〕9号", "380", "中华人民共和国"), ("湘医保发〔2023〕2号", "360", "湖南省")]


def test_figures_table_by_region() -> None:
    result = run("figures", "--graph", FIXTURE, "--region", "长沙")
    assert result.exit_code == 0
    header, rule, *rows = result.stdout.splitlines()
    assert header.split()[:3] == ["文号", "条款", "kind"] and len(rows) == 5
    assert any("第二档" in row for row in rows)  # the 附表 tier that names 长沙


def test_figures_of_an_unknown_notice_exits_5() -> None:
    result = run("figures", "长医保发〔2022〕16号", "--graph", FIXTURE)
    assert result.exit_code == 5 and "长医保发〔2022〕15号" in result.stderr


def test_figures_eval_scores_the_extractor_per_notice_and_kind() -> None:
    result = run("figures", "--eval", str(GOLDEN), "--corpus", str(ROOT / "corpus"))
    assert result.exit_code == 0, result.output
    assert "precision" in result.stdout and "recall" in result.stdout
    golden = [json.loads(p.read_text(encoding="utf-8"))["docno"] for p in GOLDEN.glob("*.json")]
    assert golden and all(docno in result.stdout for docno in golden)
    assert "individual-contribution" in result.stdout  # the per-kind table
