"""The `noticekg` command line through click's CliRunner: build into a scratch store, list notices, run
queries, export, and the exit-code table (2 input, 3 store, 4 query). The acceptance checks at the end are
the relations a reader finds in the corpus notices, asked of the graph that `build` makes from them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_to_rdf_fixture import results

from graph.cli import main, text_table
from graph.export import write_dataset
from graph.to_rdf import to_dataset

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NKG = "PREFIX nkg: <https://noticekg.org/def/>\n"


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """南医保发〔2020〕60号 and 桂医保发〔2020〕46号 from hand-built records, as a TriG file."""
    path = tmp_path_factory.mktemp("graph") / "nanning.trig"
    write_dataset(to_dataset(results()), path)
    return path


def run(*args: str, input: str | None = None):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


# -- reading a graph file -----------------------------------------------------------------------------------


def test_notices_as_json(graph_file: Path) -> None:
    result = run("notices", "--graph", str(graph_file), "--format", "json")
    assert result.exit_code == 0, result.output
    notices = {n["docno"]: n for n in json.loads(result.stdout)}
    assert set(notices) == {"南医保发〔2020〕60号", "桂医保发〔2020〕46号"}
    nanning = notices["南医保发〔2020〕60号"]
    assert nanning["printed"] == "2020-08-14" and nanning["signed"] == ""
    assert nanning["issuers"] == sorted(["南宁市医疗保障局", "南宁市财政局", "国家税务总局南宁市税务局"])
    assert nanning["relations"]["implements"] == ["桂医保发〔2020〕46号"]
    assert nanning["relations"]["hasAttachment"] == ["桂医保发〔2020〕46号"]
    assert notices["桂医保发〔2020〕46号"]["relations"]["implements"] == ["医保发〔2020〕24号", "桂政办发〔2019〕48号"]


def test_notices_as_a_table(graph_file: Path) -> None:
    result = run("notices", "--graph", str(graph_file))
    assert result.exit_code == 0
    header, rule, *rows = result.stdout.splitlines()
    assert header.startswith("文号") and set(rule) <= {"-", " "}
    assert [r.split()[0] for r in rows] == ["南医保发〔2020〕60号", "桂医保发〔2020〕46号"]


def test_text_table_aligns_double_width_text() -> None:
    lines = text_table(["文号", "n"], [["桂医保发〔2020〕46号", "1"], ["x", "22"]]).splitlines()
    # The second column starts at the same display column on every line: CJK characters and the
    # brackets 〔〕 are two columns wide, so the 文号 is 20 columns.
    assert lines == ["文号" + " " * 18 + "n", "-" * 20 + "  --", "桂医保发〔2020〕46号  1", "x" + " " * 21 + "22"]


def test_query_formats(graph_file: Path) -> None:
    query = NKG + "SELECT DISTINCT ?docno WHERE { ?n nkg:inCorpus true ; nkg:docNo ?docno } ORDER BY ?docno"
    as_csv = run("query", query, "--graph", str(graph_file), "--format", "csv")
    assert as_csv.exit_code == 0
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["docno"], ["南医保发〔2020〕60号"], ["桂医保发〔2020〕46号"]]
    as_json = json.loads(run("query", query, "--graph", str(graph_file), "--format", "json").stdout)
    assert [b["docno"]["value"] for b in as_json["results"]["bindings"]] == ["南医保发〔2020〕60号", "桂医保发〔2020〕46号"]
    kinds = run("query", NKG + "SELECT DISTINCT ?k WHERE { ?f nkg:kind ?k } ORDER BY ?k", "--graph", str(graph_file))
    assert "kind:individual-contribution" in kinds.stdout.splitlines()


def test_ask_and_construct(graph_file: Path) -> None:
    ask = run("query", NKG + "ASK { ?n nkg:hasAttachment ?m }", "--graph", str(graph_file))
    assert ask.stdout.strip() == "true"
    construct = run("query", NKG + "CONSTRUCT { ?n nkg:implements ?m } WHERE { ?n nkg:implements ?m }",
                    "--graph", str(graph_file))
    assert construct.exit_code == 0
    assert len(list(ox.parse(construct.stdout.encode(), ox.RdfFormat.TURTLE))) == 3  # 60→46, 46→24, 46→48


def test_query_from_a_file_and_from_stdin(graph_file: Path, tmp_path: Path) -> None:
    query = NKG + "ASK { ?n nkg:docNo \"医保发〔2020〕24号\" ; nkg:inCorpus false }"
    (tmp_path / "q.rq").write_text(query, encoding="utf-8")
    assert run("query", f"@{tmp_path / 'q.rq'}", "--graph", str(graph_file)).stdout.strip() == "true"
    assert run("query", "-", "--graph", str(graph_file), input=query).stdout.strip() == "true"


def test_export_formats(graph_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.nq"
    assert run("export", "--graph", str(graph_file), "--format", "nq", "-o", str(out)).exit_code == 0
    graphs = {q.graph_name.value for q in ox.parse(out.read_bytes(), ox.RdfFormat.N_QUADS)}
    assert any(g.endswith("/2020/60/graph") for g in graphs) and len(graphs) == 7  # 2 notices + vocabulary, regions, agencies, sources, stubs
    table = tmp_path / "figures.csv"  # format from the extension
    assert run("export", "--graph", str(graph_file), "-o", str(table)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert len(rows) == sum(len(n.figures) for r in results() for n in r.notices)
    assert run("export", "--graph", str(graph_file), "--format", "ttl").stdout_bytes.startswith(b"@prefix")


# -- exit codes -------------------------------------------------------------------------------------------


def test_bad_query_exits_4_with_the_position(graph_file: Path) -> None:
    result = run("query", "SELECT ?x WHERE { ?x ?y }", "--graph", str(graph_file))
    assert result.exit_code == 4
    assert result.stderr.startswith("noticekg: error: SPARQL syntax error at line 1, column")


def test_update_is_refused_with_4(graph_file: Path) -> None:
    result = run("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--graph", str(graph_file))
    assert result.exit_code == 4 and "read-only" in result.stderr


def test_missing_graph_file_exits_2(tmp_path: Path) -> None:
    result = run("notices", "--graph", str(tmp_path / "nothing.trig"))
    assert result.exit_code == 2 and result.stderr.startswith("noticekg: error: ")


def test_unreadable_graph_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.trig"
    broken.write_text("<urn:a> <urn:b> .", encoding="utf-8")
    assert run("notices", "--graph", str(broken)).exit_code == 2


def test_missing_store_exits_3(tmp_path: Path) -> None:
    result = run("notices", "--store", f"oxigraph:{tmp_path / 'none'}")
    assert result.exit_code == 3 and "noticekg build" in result.stderr


def test_build_of_a_missing_path_exits_2(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "no-such-dir"), "--store", "memory:")
    assert result.exit_code == 2 and "no such file" in result.stderr


# -- build and the acceptance checks on the corpus ----------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    """The corpus built into a scratch embedded store: (store URL, the -o TriG file, build's stdout)."""
    pytest.importorskip("graph.parse")
    where = tmp_path_factory.mktemp("built")
    url, trig = f"oxigraph:{where / 'store'}", where / "corpus.trig"
    result = run("build", str(CORPUS), "--store", url, "-o", str(trig), "--replace")
    # Exit 1: loaded, with the one real finding (南昌 collected 250 against 江西's 280) stored in the report.
    assert result.exit_code == 1, result.output
    return url, trig, result.stdout


def summary(stdout: str) -> dict[str, int]:
    return {k: int(v) for k, v in (line.split() for line in stdout.splitlines())}


def test_build_summarises_and_fills_the_store(built: tuple[str, Path, str]) -> None:
    url, trig, stdout = built
    counts = summary(stdout)
    assert counts["files"] == 5 and counts["notices"] == 8 and counts["findings"] == 1
    assert counts["triples"] > 0 and counts["store"] >= counts["triples"]
    assert len(list(ox.parse(trig.read_bytes(), ox.RdfFormat.TRIG))) == counts["triples"]


def test_eight_corpus_notices(built: tuple[str, Path, str]) -> None:
    url, trig, _ = built
    for source in (["--store", url], ["--graph", str(trig)]):
        notices = json.loads(run("notices", *source, "--format", "json").stdout)
        assert sorted(n["docno"] for n in notices) == sorted([
            "南医保发〔2020〕60号", "桂医保发〔2020〕46号", "洪医保发〔2020〕52号", "赣医保发〔2020〕15号",
            "桂医保发〔2023〕32号", "桂人社发〔2017〕33号", "兰医保〔2020〕142号", "甘医保发〔2020〕66号"])


# (notice, relation, notice) as a reader of the corpus states them (DOMAIN: "Relations between notices").
RELATIONS = [
    ("洪医保发〔2020〕52号", "forwards", "赣医保发〔2020〕15号"),
    ("兰医保〔2020〕142号", "forwards", "甘医保发〔2020〕66号"),
    ("南医保发〔2020〕60号", "implements", "桂医保发〔2020〕46号"),
    ("南医保发〔2020〕60号", "hasAttachment", "桂医保发〔2020〕46号"),
    ("桂医保发〔2020〕46号", "implements", "医保发〔2020〕24号"),
    ("赣医保发〔2020〕15号", "implements", "医保发〔2020〕24号"),
    ("甘医保发〔2020〕66号", "implements", "医保发〔2020〕24号"),
    ("桂医保发〔2023〕32号", "implements", "医保发〔2023〕24号"),
]


@pytest.mark.parametrize("subject,relation,target", RELATIONS)
def test_corpus_relation(built: tuple[str, Path, str], subject: str, relation: str, target: str) -> None:
    url, _, _ = built
    ask = NKG + (f'ASK {{ ?a nkg:docNo "{subject}" ; nkg:inCorpus true ; nkg:{relation} ?b . '
                 f'?b nkg:docNo "{target}" }}')
    result = run("query", ask, "--store", url)
    assert result.exit_code == 0 and result.stdout.strip() == "true"


def test_national_notices_are_known_by_citation_only(built: tuple[str, Path, str]) -> None:
    url, _, _ = built
    query = NKG + ('SELECT ?in WHERE { ?n nkg:docNo "医保发〔2020〕24号" ; nkg:inCorpus ?in }')
    rows = json.loads(run("query", query, "--store", url, "--format", "json").stdout)["results"]["bindings"]
    assert {b["in"]["value"] for b in rows} == {"false"}


def test_base_option_mints_under_another_base(tmp_path: Path) -> None:
    pytest.importorskip("graph.parse")
    trig = tmp_path / "one.trig"
    result = run("--base", "http://example.org/kg/", "build", str(CORPUS / "002_26cb3cc93e1dcd9c.txt"),
                 "--store", "memory:", "-o", str(trig))
    assert result.exit_code == 0, result.output
    graphs = {q.graph_name.value for q in ox.parse(trig.read_bytes(), ox.RdfFormat.TRIG)}
    assert graphs and all(g.startswith("http://example.org/kg/") for g in graphs)
