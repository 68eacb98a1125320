"""`graph.validate.validate` as its callers use it: the frozen result and its report graph, the evidence of a
cross-notice finding (both 文号, sections, quotes, the difference and the sentence that explains it), the
incremental run on named notices, a store as input, and the text and JSON formats."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from graph.rules import RULE, content_rules
from graph.store import open_store
from graph.validate import Finding, ValidationResult, format_json, format_text, validate
from tests.test_validate_examples import EXAMPLES, load, quads

NKG = rdflib.Namespace("https://noticekg.org/def/")
ID = "https://noticekg.org/id/"
NANCHANG = ID + "notice/hong-yi-bao-fa/2020/52"  # 洪医保发〔2020〕52号 (the example's IRIs, not the corpus's)
JIANGXI = ID + "notice/gan-yi-bao-fa/2020/15"
GUANGXI = ID + "notice/gui-yi-bao-fa/2020/46"
NANNING = ID + "notice/nan-yi-bao-fa/2020/60"
LANZHOU = ID + "notice/lan-yi-bao/2020/142"
GUANGXI_2023 = ID + "notice/gui-yi-bao-fa/2023/32"


@pytest.fixture(scope="module")
def nanchang() -> ValidationResult:
    """南昌 collected 250 for 2020 against 江西's 280 (the example cut from the real notices)."""
    return validate(load(EXAMPLES / "invalid" / "agrees-with-followed--collected-below-standard.trig"))


@pytest.fixture(scope="module")
def mixed() -> rdflib.Dataset:
    """Several notices in one dataset: 南宁 below 广西's floor, 甘肃 and 兰州 consistent, and the 2023 notice
    with a malformed 文号 (a plain Turtle example, put in its notice's graph)."""
    dataset = rdflib.Dataset()
    for name in ("invalid/below-floor--city-contribution.trig", "valid/gansu-lanzhou-2020.trig"):
        for graph, triple in quads(EXAMPLES / name):
            dataset.graph(URIRef(graph)).add(triple)
    for _, triple in quads(EXAMPLES / "invalid" / "docno-pattern.ttl"):
        dataset.graph(URIRef(GUANGXI_2023 + "/graph")).add(triple)
    return dataset


def rules_and_notices(result: ValidationResult) -> set[tuple[str, str | None]]:
    return {(f.rule_name, f.source.notice if f.source else None) for f in result.results}


def test_result_is_frozen(nanchang: ValidationResult) -> None:
    assert isinstance(nanchang.results, tuple) and all(isinstance(f, Finding) for f in nanchang.results)
    with pytest.raises(dataclasses.FrozenInstanceError):
        nanchang.conforms = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        nanchang.results[0].rule = "x"  # type: ignore[misc]


def test_cross_notice_finding_names_both_notices(nanchang: ValidationResult) -> None:
    (finding,) = nanchang.results
    assert (finding.rule, finding.severity) == (str(RULE["agrees-with-followed"]), "Warning")
    # 洪医保发〔2020〕52号 一、: "我市已按每人每年250元标准开展了2020年度…缴费征收工作"
    assert (finding.source.doc_no, finding.source.section) == ("洪医保发〔2020〕52号", "一、")
    assert finding.source.quote == "按每人每年250元标准" and finding.value == "250"
    # 赣医保发〔2020〕15号 一、（一）: "个人缴费标准在2019年基础上新增30元，达到每人每年280元"
    assert (finding.other.doc_no, finding.other.section) == ("赣医保发〔2020〕15号", "一、（一）")
    assert finding.other.quote == "达到每人每年280元"
    assert finding.difference == Decimal("-30")
    # The sentence that explains it: the 30 元 is collected with 2021's contribution.
    assert "个人缴费标准提高的30元" in finding.explanation and finding.explanation.endswith("一并补征补缴。")
    assert "洪医保发〔2020〕52号" in finding.message_zh and "赣医保发〔2020〕15号" in finding.message_en


def test_report_graph_carries_the_same_evidence(nanchang: ValidationResult) -> None:
    report = nanchang.report
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == rdflib.Literal(False)
    (result,) = report.objects(node, SH.result)
    assert report.value(result, SH.sourceShape) == RULE["agrees-with-followed"]
    assert report.value(result, SH.resultSeverity) == SH.Warning
    assert report.value(result, NKG.otherFocus) == URIRef(JIANGXI + "/s/1/1/f/5")
    assert (report.value(result, NKG.focusNotice), report.value(result, NKG.otherNotice)) == (
        URIRef(NANCHANG), URIRef(JIANGXI))
    assert report.value(result, NKG.difference).toPython() == Decimal("-30")
    assert str(report.value(result, NKG.otherDocNo)) == "赣医保发〔2020〕15号"
    assert str(report.value(result, NKG.focusQuote)) == "按每人每年250元标准"
    assert {m.language for m in report.objects(result, SH.resultMessage)} == {"zh", "en"}
    # Queryable as it stands: which rule fired on which focus node.
    rows = report.query("PREFIX sh: <http://www.w3.org/ns/shacl#> "
                        "SELECT ?rule ?focus WHERE { ?r a sh:ValidationResult ; sh:sourceShape ?rule ; sh:focusNode ?focus }")
    assert [(str(r.rule), str(r.focus)) for r in rows] == [(str(RULE["agrees-with-followed"]), NANCHANG + "/s/1/f/2")]


def test_whole_dataset(mixed: rdflib.Dataset) -> None:
    assert rules_and_notices(validate(mixed)) == {("below-floor", NANNING), ("docno-pattern", GUANGXI_2023)}


@pytest.mark.parametrize(("notices", "expected"), [
    ([NANNING], {("below-floor", NANNING)}),  # the lower notice
    ([GUANGXI], {("below-floor", NANNING)}),  # the notice whose floor it breaks: the other side
    ([NANNING + "/graph"], {("below-floor", NANNING)}),  # a notice's graph IRI stands for the notice
    ([LANZHOU], set()),
    ([GUANGXI_2023], {("docno-pattern", GUANGXI_2023)}),  # its own graph's structure only
    ([LANZHOU, GUANGXI_2023], {("docno-pattern", GUANGXI_2023)}),
    ([], set()),
])
def test_incremental_run_reports_what_the_notices_take_part_in(
        mixed: rdflib.Dataset, notices: list[str], expected: set[tuple[str, str]]) -> None:
    result = validate(mixed, notices=notices)
    assert rules_and_notices(result) == expected
    assert result.conforms == (not expected)


def test_many_notices_at_once_find_what_each_finds_alone(mixed: rdflib.Dataset) -> None:
    """Much of the store at once runs the whole graph's queries and keeps the rows on those notices; a notice
    alone starts from its own nodes and neighbourhood. Both find the same."""
    notices = sorted({str(s) for s, _, _, _ in mixed.quads((None, NKG.inCorpus, rdflib.Literal(True), None))})
    assert len(notices) >= 4
    key = lambda result: {(f.rule, f.focus, f.value) for f in result.results}  # noqa: E731
    alone = set().union(*(key(validate(mixed, notices=[n])) for n in notices))
    assert key(validate(mixed, notices=notices)) == alone == key(validate(mixed)) and alone


def test_store_and_plain_graph_inputs_agree_with_the_dataset(mixed: rdflib.Dataset) -> None:
    store = open_store("memory:")
    store.load_dataset(mixed)
    expected = {(f.rule, f.focus, f.value) for f in validate(mixed).results}
    assert {(f.rule, f.focus, f.value) for f in validate(store).results} == expected
    assert rules_and_notices(validate(store, notices=[GUANGXI])) == {("below-floor", NANNING)}
    # One plain graph of the content: the content rules see the same (structure runs on the whole graph).
    union = rdflib.Graph()
    for _, triple in quads(EXAMPLES / "invalid" / "below-floor--city-contribution.trig"):
        union.add(triple)
    assert rules_and_notices(validate(union)) == {("below-floor", NANNING)}


def test_content_query_binds_the_notices_up_front() -> None:
    rule = next(r for r in content_rules() if r.name == "below-floor")
    text = rule.query([NANNING], "otherNotice")
    assert f"VALUES ?otherNotice {{ <{NANNING}> }}" in text and "$this" not in text
    quote_rule = next(r for r in content_rules() if r.name == "quote-offsets")
    with pytest.raises(ValueError):
        quote_rule.query([NANNING], "otherNotice")  # a rule on one notice has no other side


def test_text_format_is_a_table_in_chinese_and_english(nanchang: ValidationResult) -> None:
    text = format_text(nanchang)
    assert text.startswith("不符合 / does not conform: 1 finding(s)")
    for part in ("[警告 Warning] agrees-with-followed", "洪医保发〔2020〕52号", "赣医保发〔2020〕15号", "一、（一）",
                 "按每人每年250元标准", "达到每人每年280元", "差额 difference: -30", "说明 explanation: ",
                 "文号 doc no", "原文 quote"):
        assert part in text, part
    conforming = validate(load(EXAMPLES / "valid" / "guangxi-2023.ttl"))
    assert format_text(conforming) == "符合 / conforms: no findings\n"


def test_json_format(nanchang: ValidationResult) -> None:
    doc = json.loads(format_json(nanchang))
    assert doc["conforms"] is False and doc["counts"] == {"Warning": 1}
    (result,) = doc["results"]
    assert result["rule_name"] == "agrees-with-followed" and result["difference"] == "-30"
    assert (result["source"]["doc_no"], result["other"]["doc_no"]) == ("洪医保发〔2020〕52号", "赣医保发〔2020〕15号")
    assert set(result["message"]) == {"zh", "en"}



def test_a_defect_shared_by_notice_graphs_is_reported_once() -> None:
    # A region's malformed code, written into two notice graphs (each graph carries the regions it mentions).
    dataset = rdflib.Dataset()
    for name in ("one", "two"):
        for _, triple in quads(EXAMPLES / "invalid" / "region-code.ttl"):
            dataset.graph(URIRef(f"{ID}notice/{name}/graph")).add(triple)
    result = validate(dataset)
    assert [f.rule_name for f in result.results] == ["region-code"]
    assert len(list(result.report.subjects(RDF.type, SH.ValidationResult))) == 1
