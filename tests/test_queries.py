"""The canned provenance queries of ontology/queries/ on the corpus graph: each one's rows, checked against
what the notices say, and each one as docs/QUERIES.md tells a user to run it (GET /sparql, Accept: text/csv)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib

from bench.queries import every_page
from graph.parse import parse_paths
from graph.store import Store, open_store
from graph.to_rdf import dataset_graph_iri, to_dataset
from graph.validate import ValidationResult, validate
from tests.server_fixtures import app, client  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "ontology" / "queries"
DOCS = ROOT / "docs" / "QUERIES.md"
DATES = {"date", "interval"}  # units of the figures whose value is not a number


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    return to_dataset(parse_paths([ROOT / "corpus"]))


@pytest.fixture(scope="module")
def validation(dataset: rdflib.Dataset) -> ValidationResult:
    return validate(dataset)


@pytest.fixture(scope="module")
def store(dataset: rdflib.Dataset, validation: ValidationResult) -> Iterator[Store]:
    """The corpus graph as `noticekg build` makes it: the notice graphs, then the validation report."""
    built = open_store("memory:")
    built.load_dataset(dataset)
    built.replace_graph(dataset_graph_iri("validation"), validation.report)
    yield built
    built.close()


def run(store: Store, name: str, values: str | None = None) -> list[dict[str, str]]:
    """Run a canned query, with its VALUES line replaced when `values` is given (how a user parameterises it)."""
    text = (QUERIES / name).read_text(encoding="utf-8")
    if values is not None:
        text, count = re.subn(r"^(\s*VALUES .*)$", "  " + values, text, count=1, flags=re.M)
        assert count == 1
    return [{k: str(v) for k, v in row.items()} for row in store.select(text)]


def number(text: str) -> Decimal:
    return Decimal(text).normalize()


# -- which notice governs -------------------------------------------------------------------------------------


def test_governing_figure_for_nanning_2021(store: Store) -> None:
    rows = run(store, "governing-figure.rq")
    # 南医保发〔2020〕60号 一、: "根据桂医保发〔2020〕46 号文件规定：2021 年度城乡居民医保个人缴费，按照每人不低于 280 元"
    first = rows[0]
    assert first["docNo"] == "南医保发〔2020〕60号" and number(first["value"]) == 280
    assert first["regionName"] == "南宁市" and "不低于 280 元" in first["quote"]
    assert first["restatesDocNo"] == "桂医保发〔2020〕46号"
    # The provincial floor it restates is a candidate too, after the city's own figures.
    docnos = [r["docNo"] for r in rows]
    assert "桂医保发〔2020〕46号" in docnos and docnos.index("桂医保发〔2020〕46号") > 0


def test_governing_figure_parameterised(store: Store) -> None:
    rows = run(store, "governing-figure.rq",
               'VALUES (?kind ?regionCode ?year) { (kind:individual-contribution "360100" 2020) }')
    # 洪医保发〔2020〕52号 一、: "2020年城乡居民基本医疗保险个人缴费标准为280元"; 江西's 赣医保发〔2020〕15号 says 280 too.
    assert (rows[0]["docNo"], number(rows[0]["value"])) == ("洪医保发〔2020〕52号", 280)
    assert ("赣医保发〔2020〕15号", Decimal(280)) in {(r["docNo"], number(r["value"])) for r in rows[1:]}


# -- the chain of a notice --------------------------------------------------------------------------------------


def test_chain_of_a_forwarding_notice(store: Store) -> None:
    rows = run(store, "chain.rq")
    # 洪医保发〔2020〕52号 forwards 赣医保发〔2020〕15号, which implements 医保发〔2020〕24号 (known only by citation).
    assert [(r["fromDocNo"], r["relation"], r["toDocNo"], int(r["distance"])) for r in rows] == [
        ("洪医保发〔2020〕52号", "forwards", "赣医保发〔2020〕15号", 0),
        ("赣医保发〔2020〕15号", "implements", "医保发〔2020〕24号", 1)]
    assert rows[1]["toInCorpus"] == "false" and "2020" in rows[1]["toTitle"]


def test_chain_of_a_city_notice_reaches_the_national_one(store: Store) -> None:
    rows = run(store, "chain.rq", 'VALUES ?startDocNo { "南医保发〔2020〕60号" }')
    links = {(r["fromDocNo"], r["relation"], r["toDocNo"]) for r in rows}
    # 60号: "根据《…》（桂医保发〔2020〕46号）精神"; 46号: "根据《…》（医保发〔2020〕24号）和《…》（桂政办发〔2019〕48号）精神".
    assert links >= {("南医保发〔2020〕60号", "implements", "桂医保发〔2020〕46号"),
                     ("桂医保发〔2020〕46号", "implements", "医保发〔2020〕24号")}


# -- the figures of a notice ------------------------------------------------------------------------------------------


def test_figures_of_gansu_66_with_their_quotes(store: Store) -> None:
    rows = run(store, "notice-figures.rq")
    found = {(r["kind"], number(r["value"]), r.get("scope")) for r in rows if r.get("unit") not in DATES}
    # 一、(一) 新增30元 … 中央财政补贴440元; (二) 每人每年不低于280元, 大病保险筹资 … 每人每年90元;
    # 附表 第三档 兰州、金昌、嘉峪关: 550 = 440 + 96.4 + 13.6.
    assert found >= {("fiscal-subsidy-increase", Decimal(30), None), ("central-subsidy", Decimal(440), None),
                     ("individual-contribution", Decimal(280), None), ("critical-illness-premium", Decimal(90), None),
                     ("per-capita-fiscal-subsidy", Decimal(550), "第三档"), ("provincial-subsidy", Decimal("96.4"), "第三档")}
    assert all(r["quote"] for r in rows)
    starts = [int(r["start"]) for r in rows]
    assert starts == sorted(starts)  # in the order of the text
    text = (ROOT / "corpus" / "004_8668b270f018edd3.txt").read_text(encoding="utf-8")
    assert all(text[int(r["start"]):int(r["end"])] == r["quote"] for r in rows)


# -- who cites a notice -----------------------------------------------------------------------------------------------


def test_who_cites_the_national_2020_notice(store: Store) -> None:
    rows = run(store, "cited-by.rq")
    # 46号 "根据《…》（医保发〔2020〕24号）…精神", 15号 "为贯彻落实《…》（医保发〔2020〕24号）", 66号 "为落实…（医保发〔2020〕24号）精神".
    assert {(r["citingDocNo"], r["relation"]) for r in rows} == {
        ("桂医保发〔2020〕46号", "implements"), ("赣医保发〔2020〕15号", "implements"), ("甘医保发〔2020〕66号", "implements")}
    assert all(r["docNoAsCited"].replace(" ", "") == "医保发〔2020〕24号" for r in rows)


# -- a figure's history --------------------------------------------------------------------------------------------------


def test_individual_contribution_history_in_guangxi(store: Store) -> None:
    rows = run(store, "figure-history.rq")
    # 桂人社发〔2017〕33号: 2018年度 不低于180元; 桂医保发〔2020〕46号: 2021年度 不低于280元; 桂医保发〔2023〕32号: 2024年度 不低于380元.
    assert [(int(r["year"]), number(r["value"]), r["docNo"]) for r in rows] == [
        (2018, Decimal(180), "桂人社发〔2017〕33号"), (2021, Decimal(280), "桂医保发〔2020〕46号"),
        (2024, Decimal(380), "桂医保发〔2023〕32号")]


def test_fiscal_subsidy_history_in_guangxi(store: Store) -> None:
    rows = run(store, "figure-history.rq", 'VALUES (?kind ?regionCode) { (kind:per-capita-fiscal-subsidy "450000") }')
    # 2017: 平均每人每年达到450元; 2020: 平均每人每年达到550元; 2023: 达到每人每年640元.
    history = {(int(r["year"]), number(r["value"]), r["docNo"]) for r in rows if r.get("scope") is None}
    assert history >= {(2017, Decimal(450), "桂人社发〔2017〕33号"), (2020, Decimal(550), "桂医保发〔2020〕46号"),
                       (2023, Decimal(640), "桂医保发〔2023〕32号")}
    assert [int(r["year"]) for r in rows] == sorted(int(r["year"]) for r in rows)


# -- validation findings ---------------------------------------------------------------------------------------------------


def test_validation_findings_are_the_reports(store: Store, validation: ValidationResult) -> None:
    rows = run(store, "validation-findings.rq")
    assert len(rows) == len(validation.results) > 0  # one row per result of the report
    assert {(r["focus"], r["severity"], r["message"]) for r in rows} == {
        (f.focus, f.severity, f.message_zh) for f in validation.results}


PAGED_REPORT = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix nkg: <https://noticekg.org/def/> .
@prefix n: <https://example.org/id/notice/> . @prefix r: <https://example.org/id/validation/> .
n:one nkg:docNo "桂医保发〔2020〕1号" . n:two nkg:docNo "桂医保发〔2020〕2号" . n:two-f1 nkg:statedIn n:two .
r:a a sh:ValidationResult ; sh:focusNode n:one ; sh:resultSeverity sh:Warning ;
    sh:sourceShape nkg:rule-x ; sh:resultMessage "甲"@zh , "a"@en .
r:b a sh:ValidationResult ; sh:focusNode n:two-f1 ; sh:resultSeverity sh:Violation ;
    sh:sourceShape nkg:rule-x ; sh:resultMessage "乙"@zh , "b"@en .
r:c a sh:ValidationResult ; sh:focusNode n:one ; sh:resultSeverity sh:Violation ;
    sh:sourceShape nkg:rule-y ; sh:resultMessage "丙"@zh , "c"@en .
r:d a sh:ValidationResult ; sh:focusNode n:two-f1 ; sh:resultSeverity sh:Warning ;
    sh:sourceShape nkg:rule-y ; sh:resultMessage "丁"@zh , "d"@en .
r:e a sh:ValidationResult ; sh:focusNode n:two ; sh:resultSeverity sh:Violation ;
    sh:sourceShape nkg:rule-x ; sh:resultMessage "戊"@zh , "e"@en .
"""


def test_validation_findings_come_a_page_at_a_time() -> None:
    """Five results in pages of two (OFFSET 0, 2, 4, 6): every row once, by severity, then notice and focus,
    as one page holding them all; each row with its notice, rule and both messages."""
    text = (QUERIES / "validation-findings.rq").read_text(encoding="utf-8")
    assert text.count("LIMIT 100 OFFSET 0") == 1
    report = open_store("memory:")
    report.replace_graph(dataset_graph_iri("validation"), rdflib.Graph().parse(data=PAGED_REPORT, format="turtle"))

    def rows(query: str) -> list[tuple[str, ...]]:
        return [tuple(str(row.get(k, "")).rsplit("/", 1)[-1] for k in ("severity", "docNo", "result", "rule",
                                                                         "message", "messageEn"))
                for row in report.select(query)]

    whole = rows(text)
    assert whole == [("Violation", "桂医保发〔2020〕1号", "c", "rule-y", "丙", "c"),
                     ("Violation", "桂医保发〔2020〕2号", "e", "rule-x", "戊", "e"),  # the notice before its figure
                     ("Violation", "桂医保发〔2020〕2号", "b", "rule-x", "乙", "b"),
                     ("Warning", "桂医保发〔2020〕1号", "a", "rule-x", "甲", "a"),
                     ("Warning", "桂医保发〔2020〕2号", "d", "rule-y", "丁", "d")]
    pages = [rows(text.replace("LIMIT 100 OFFSET 0", f"LIMIT 2 OFFSET {offset}")) for offset in (0, 2, 4, 6)]
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    assert [row for page in pages for row in page] == whole
    # The bench reads every page the same way (its validation recall needs every result).
    assert [r["result"] for r in every_page(report.select, text.replace("LIMIT 100 OFFSET 0", "LIMIT 2 OFFSET 0"))] \
        == [r["result"] for r in report.select(text)]
    report.close()


def test_nanchang_collected_250_against_280(store: Store) -> None:
    rows = run(store, "validation-findings.rq")
    # 洪医保发〔2020〕52号 一、: "我市已按每人每年250元标准开展了2020年度…缴费征收工作，个人缴费标准提高的30元…一并补征补缴",
    # against the 280 元 of 赣医保发〔2020〕15号 it forwards: the report shows both and the difference.
    nanchang = [r for r in rows if r.get("docNo") in {"洪医保发〔2020〕52号", "赣医保发〔2020〕15号"}
                and "250" in r["message"] and "280" in r["message"]]
    assert nanchang, "the 250 collected against the 280 standard is reported"


# -- as the docs tell a user to run them -------------------------------------------------------------------------------------


def test_every_query_is_documented_with_a_curl_example() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    names = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert len(names) == 6
    for name in names:
        assert (f"curl -G http://127.0.0.1:5000/sparql --data-urlencode query@ontology/queries/{name} "
                f"-H 'Accept: text/csv'") in docs, name
    assert set(re.findall(r"ontology/queries/([\w-]+\.rq)", docs)) == set(names)


@pytest.mark.parametrize("name", sorted(p.name for p in QUERIES.glob("*.rq")))
def test_query_runs_on_the_sparql_endpoint_as_csv(client, store: Store, name: str) -> None:  # noqa: F811
    text = (QUERIES / name).read_text(encoding="utf-8")
    response = client.get("/sparql", query_string={"query": text}, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(table) - 1 == len(store.select(text)) > 0, name
