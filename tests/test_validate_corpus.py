"""The validation of the real corpus graph (parser → to_rdf → validate): the one real finding, read and
confirmed against the notices, and nothing else; and the share rules really at work on the corpus's figures,
shown by changing one stated amount at a time and seeing the rule that must catch it do so."""

from __future__ import annotations

from decimal import Decimal

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.records import ParseResult
from graph.to_rdf import to_dataset
from graph.validate import ValidationResult, validate

NKG = rdflib.Namespace("https://noticekg.org/def/")
KIND = rdflib.Namespace("https://noticekg.org/def/kind/")


@pytest.fixture(scope="module")
def dataset(corpus_results: list[ParseResult]) -> rdflib.Dataset:
    return to_dataset(corpus_results)


@pytest.fixture(scope="module")
def result(dataset: rdflib.Dataset) -> ValidationResult:
    return validate(dataset)


def test_the_one_real_finding_is_nanchang_250_against_jiangxi_280(result: ValidationResult) -> None:
    (finding,) = result.results
    assert (finding.rule_name, finding.severity) == ("agrees-with-followed", "Warning")
    # 洪医保发〔2020〕52号 一、: "我市已按每人每年250元标准开展了2020年度城乡居民基本医疗保险缴费征收工作"
    assert finding.source.doc_no == "洪医保发〔2020〕52号" and finding.source.section == "一、"
    assert "250元" in finding.source.quote and Decimal(finding.value) == 250
    # 赣医保发〔2020〕15号 一、（一）: "个人缴费标准在 2019 年基础上新增 30 元，达到每人每年 280 元"
    assert finding.other.doc_no == "赣医保发〔2020〕15号" and finding.other.section == "一、（一）"
    assert "280 元" in finding.other.quote
    assert finding.difference == Decimal("-30")
    # The sentence that explains it: "个人缴费标准提高的30元，由市、县（区）医疗保险经办机构在征收2021年度
    # 城乡居民基本医疗保险费时一并补征补缴。"
    assert "个人缴费标准提高的30元" in finding.explanation and "征收2021年度" in finding.explanation


def test_incremental_run_on_either_notice_finds_it(dataset: rdflib.Dataset, result: ValidationResult) -> None:
    (finding,) = result.results
    for notice in (finding.source.notice, finding.other.notice):
        assert [f.focus for f in validate(dataset, notices=[notice]).results] == [finding.focus]


def changed(dataset: rdflib.Dataset, doc_no: str, kind: str, amount: str, new: str,
            scope: str | None = None) -> rdflib.Dataset:
    """A copy of the dataset in which the figures of one notice (by 文号) of this kind, amount and scope (None:
    the whole region) say `new` instead."""
    copy = rdflib.Dataset()
    hits = 0
    for graph in dataset.graphs():
        target = copy.graph(graph.identifier)
        notices = set(graph.subjects(NKG.docNo, Literal(doc_no)))
        for s, p, o in graph:
            if (p == NKG.amount and o.toPython() == Decimal(amount) and graph.value(s, NKG.kind) == KIND[kind]
                    and graph.value(s, NKG.statedIn) in notices
                    and graph.value(s, NKG.scope) == (Literal(scope) if scope else None)):
                o = Literal(new, datatype=XSD.decimal)
                hits += 1
            target.add((s, p, o))
    assert hits, (doc_no, kind, amount, scope)
    return copy


def figure_notice(dataset: rdflib.Dataset, focus: str) -> str:
    return next(str(d) for g in dataset.graphs() for n in g.objects(URIRef(focus), NKG.statedIn)
                for d in g.objects(n, NKG.docNo))


@pytest.mark.parametrize(("doc_no", "kind", "amount", "new", "scope", "rule"), [
    # 桂医保发〔2020〕46号 一、（一）: "中央财政补助440元/人·年，我区财政补助110元/人·年"
    ("桂医保发〔2020〕46号", "central-subsidy", "440", "430", None, "shares-add-up"),
    # 桂医保发〔2023〕32号 一、（二）: "自治区财政对脱贫县（市、区）补助96元/人·年，脱贫县（市、区）财政负担32元/人·年"
    ("桂医保发〔2023〕32号", "county-subsidy", "32", "31", "脱贫县(市、区)", "tier-shares-add-up"),
    # 桂人社发〔2017〕33号 一、: "自治区财政对设区市补助85元/人，设区市财政负担41元/人"
    ("桂人社发〔2017〕33号", "provincial-subsidy", "85", "86", "设区市", "tier-shares-add-up"),
    # 甘医保发〔2020〕66号 附表, 第二档: "550	440	97.6	12.4"
    ("甘医保发〔2020〕66号", "city-subsidy", "12.4", "12.5", "第二档", "row-adds-up"),
    # 兰医保〔2020〕142号 一、: "中央财政补贴440元，省级财政补贴96.4元，市县（区）财政补贴13.6元"
    ("兰医保〔2020〕142号", "city-subsidy", "13.6", "14.6", None, "row-adds-up"),
    # 南医保发〔2020〕60号 三、(四): "邕宁区由市财政和城区财政按1:1分担，即市财政补助13.75元/人·年，城区财政补助13.75元"
    ("南医保发〔2020〕60号", "district-subsidy", "13.75", "14.75", None, "ratio-matches-amounts"),
])
def test_share_rules_catch_a_changed_amount_in_the_corpus(
        dataset: rdflib.Dataset, doc_no: str, kind: str, amount: str, new: str, scope: str | None, rule: str) -> None:
    broken = changed(dataset, doc_no, kind, amount, new, scope)
    notice = next(n for g in broken.graphs() for n in g.subjects(NKG.docNo, Literal(doc_no))
                  if (n, NKG.inCorpus, Literal(True)) in g)
    found = {(f.rule_name, figure_notice(broken, f.focus)) for f in validate(broken, notices=[notice]).results}
    assert (rule, doc_no) in found
