"""Made-up graphs for the page tests: a national notice known only by citation, implemented by 31 provinces,
one of which a city forwards; each province sets a per-capita subsidy for 2020, the nation a floor, one
province below it. Written with rdflib from the vocabulary, not by the code under test."""

from __future__ import annotations

import rdflib
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

from graph.vocab import KIND, NKG

B = "https://noticekg.org/id/"
PROVINCES = ["110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
             "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
             "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
             "650000"]
NATIONAL = URIRef(B + "notice/test-guo/2030/1")
CITY = URIRef(B + "notice/test-city/2030/7")


def province_notice(i: int) -> URIRef:
    return URIRef(f"{B}notice/test-sheng-{i}/2030/{i + 1}")


def thirty_one_provinces() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    g = ds.graph(URIRef(B + "graph/test"))
    nation = URIRef(B + "region/100000")
    g.add((nation, RDF.type, NKG.Region))
    g.add((nation, RDFS.label, Literal("中华人民共和国", lang="zh")))
    g.add((nation, NKG.code, Literal("100000")))
    g.add((NATIONAL, RDF.type, NKG.Notice))
    g.add((NATIONAL, NKG.docNo, Literal("测试发〔2030〕1号")))
    g.add((NATIONAL, NKG.inCorpus, Literal(False)))
    g.add((NATIONAL, DCTERMS.title, Literal("关于测试全国筹资标准的通知", lang="zh")))
    floor = URIRef(str(NATIONAL) + "/f/1")
    _figure(g, floor, NATIONAL, nation, 600, at_least=True)
    for i, code in enumerate(PROVINCES):
        n, region = province_notice(i), URIRef(B + "region/" + code)
        g.add((region, RDF.type, NKG.Region))
        g.add((region, RDFS.label, Literal(f"测试省{i + 1:02d}", lang="zh")))
        g.add((region, NKG.code, Literal(code)))
        g.add((region, NKG.within, nation))
        g.add((n, RDF.type, NKG.Notice))
        g.add((n, NKG.docNo, Literal(f"测{i + 1:02d}医保发〔2030〕{i + 1}号")))
        g.add((n, NKG.inCorpus, Literal(True)))
        g.add((n, NKG.level, NKG.Provincial))
        g.add((n, NKG.jurisdiction, region))
        g.add((n, DCTERMS.title, Literal(f"测试省{i + 1:02d}关于贯彻全国筹资标准的通知", lang="zh")))
        g.add((n, NKG.datePrinted, Literal(f"2030-02-{i % 28 + 1:02d}", datatype=XSD.date)))
        g.add((n, NKG.implements, NATIONAL))
        _figure(g, URIRef(str(n) + "/f/1"), n, region, 590 if i == 0 else 600 if i == 5 else 600 + i)
    city_region = URIRef(B + "region/110100")
    g.add((city_region, RDF.type, NKG.Region))
    g.add((city_region, RDFS.label, Literal("测试市", lang="zh")))
    g.add((city_region, NKG.code, Literal("110100")))
    g.add((city_region, NKG.within, URIRef(B + "region/110000")))
    g.add((CITY, RDF.type, NKG.Notice))
    g.add((CITY, NKG.docNo, Literal("测市医保发〔2030〕7号")))
    g.add((CITY, NKG.inCorpus, Literal(True)))
    g.add((CITY, NKG.level, NKG.Municipal))
    g.add((CITY, NKG.jurisdiction, city_region))
    g.add((CITY, NKG.datePrinted, Literal("2030-03-01", datatype=XSD.date)))
    g.add((CITY, NKG.forwards, province_notice(0)))
    g.add((CITY, NKG.hasAttachment, province_notice(0)))
    return ds


def _figure(g: rdflib.Graph, f: URIRef, notice: URIRef, region: URIRef, amount: int, at_least: bool = False) -> None:
    g.add((f, RDF.type, NKG.Figure))
    g.add((f, NKG.kind, KIND["per-capita-fiscal-subsidy"]))
    g.add((f, NKG.amount, Literal(str(amount), datatype=XSD.decimal)))
    g.add((f, NKG.unit, Literal("元/人·年")))
    g.add((f, NKG.year, Literal(2030)))
    g.add((f, NKG.region, region))
    g.add((f, NKG.statedIn, notice))
    g.add((f, NKG.qualifier, NKG.AtLeast if at_least else NKG.Exact))
    g.add((f, RDFS.label, Literal(f"人均财政补助标准 {amount} 元/人·年 (2030)")))


SKIP_NATIONAL = URIRef(B + "notice/test-skip-guo/2031/1")
SKIP_PROVINCE_OLD = URIRef(B + "notice/test-skip-gui4-zheng4/2030/48")
SKIP_PROVINCE = URIRef(B + "notice/test-skip-gui4-yi1/2031/46")
SKIP_CITY = URIRef(B + "notice/test-skip-nan2/2031/60")


def skipping_chain() -> rdflib.Dataset:
    """The shape of 南医保发〔2020〕60号's chain: a provincial notice that implements both an older provincial
    one (known by citation, so drawn in a column of its own) and the national one, whose edge must pass that
    column without running through its box."""
    ds = rdflib.Dataset()
    g = ds.graph(URIRef(B + "graph/test-skip"))
    for n, docno, in_corpus, level in ((SKIP_NATIONAL, "测医保发〔2031〕1号", False, None),
                                       (SKIP_PROVINCE_OLD, "桂政办发〔2030〕48号", False, None),
                                       (SKIP_PROVINCE, "桂医保发〔2031〕46号", True, NKG.Provincial),
                                       (SKIP_CITY, "南医保发〔2031〕60号", True, NKG.Municipal)):
        g.add((n, RDF.type, NKG.Notice))
        g.add((n, NKG.docNo, Literal(docno)))
        g.add((n, NKG.inCorpus, Literal(in_corpus)))
        if level is not None:
            g.add((n, NKG.level, level))
    g.add((SKIP_PROVINCE, NKG.implements, SKIP_PROVINCE_OLD))
    g.add((SKIP_PROVINCE, NKG.implements, SKIP_NATIONAL))
    g.add((SKIP_CITY, NKG.implements, SKIP_PROVINCE))
    return ds
