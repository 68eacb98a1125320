"""Records → RDF (graph/to_rdf.py) on hand-built records: IRIs exactly as docs/MODEL.md mints them, 文号
variants on one IRI, exact decimals, self-contained named graphs, stubs, attachments and restated figures."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
import rdflib
from rdflib import Literal, URIRef
from test_to_rdf_fixture import GUANGXI, NANNING, SOURCE, TEXT, guangxi_notice, nanning_notice, results

from bench.synth import issuer_prefixes
from graph.errors import InputError
from graph.records import DocNo, Notice, Span
from graph.to_rdf import (
    DEFAULT_BASE,
    SHARED_GRAPHS,
    dataset_graph_iri,
    notice_graph,
    notice_graphs,
    notice_iri,
    region_iri,
    section_iri,
    to_dataset,
)
from graph.to_rdf.iris import issuer_slug
from graph.vocab import DCTERMS, KIND, NKG, OA, PROV, RDF, RDFS, XSD

B = DEFAULT_BASE
N60 = B + "notice/nan2-yi1-bao3-fa1/2020/60"
N46 = B + "notice/gui4-yi1-bao3-fa1/2020/46"
N24 = B + "notice/yi1-bao3-fa1/2020/24"


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    return to_dataset(results())


def graph_of(dataset: rdflib.Dataset, notice: str) -> rdflib.Graph:
    return dataset.graph(URIRef(notice + "/graph"))


def union(dataset: rdflib.Dataset) -> rdflib.Graph:
    g = rdflib.Graph()
    for named in dataset.graphs():
        g += named
    return g


# -- IRIs ------------------------------------------------------------------------------------------------


def test_notice_iri_is_issuer_slug_year_serial() -> None:
    assert notice_iri(GUANGXI) == N46
    assert notice_iri(NANNING) == N60
    assert notice_iri(DocNo("兰医保", 2020, 142)) == B + "notice/lan2-yi1-bao3/2020/142"


def test_order_number_without_year() -> None:
    docno = DocNo("人力资源社会保障部国家医疗保障局令", None, 41)
    iri = notice_iri(docno)
    assert iri.endswith("-ling4/41") and iri.startswith(B + "notice/ren2-li4-zi1-yuan2-")
    assert notice_iri("人力资源社会保障部国家医疗保障局令第41号") == iri


@pytest.mark.parametrize("spelling", [
    "桂医保发〔2020〕46号", "桂医保发[2020]46号", "桂医保发（2020）46号", "桂医保发(2020)46号",
    "桂医保发〔2020〕46 号", "桂医保发〔２０２０〕４６号", "桂医保发 〔2020〕 46 號",
])
def test_every_spelling_of_a_docno_lands_on_one_iri(spelling: str) -> None:
    assert notice_iri(spelling) == N46


def test_homophone_provinces_do_not_share_an_iri() -> None:
    # 甘 and 赣 are both "gan" without tones; so are 吉/冀 "ji" and 津/晋 "jin".
    for a, b in (("甘医保发", "赣医保发"), ("吉医保发", "冀医保发"), ("津医保发", "晋医保发")):
        assert notice_iri(DocNo(a, 2020, 66)) != notice_iri(DocNo(b, 2020, 66))


def test_homophone_cities_with_the_same_tone_do_not_share_an_iri() -> None:
    """潮州's 潮医保发 and 朝阳's 朝医保发 are both chao2, 菏泽's 菏 and 河池's 河 he2: the character the syllable
    table does not write bare carries its code point. Nor do any two of the country's ~3,200 prefecture and
    county prefixes the synthetic corpus gives, or the codes the corpus publishes, change their slug."""
    assert notice_iri(DocNo("潮医保发", 2023, 34)) != notice_iri(DocNo("朝医保发", 2023, 34))
    assert issuer_slug("潮医保发") == "chao2_6f6e-yi1-bao3-fa1" and issuer_slug("朝医保发") == "chao2-yi1-bao3-fa1"
    prefixes = [p + "医保发" for p in issuer_prefixes().values()]
    assert len({issuer_slug(p) for p in prefixes}) == len(set(prefixes)) > 3000
    assert [issuer_slug(c) for c in ("桂医保发", "南医保发", "赣医保发", "洪医保发", "兰医保", "甘医保发", "桂人社发")] == [
        "gui4-yi1-bao3-fa1", "nan2-yi1-bao3-fa1", "gan4-yi1-bao3-fa1", "hong2-yi1-bao3-fa1", "lan2-yi1-bao3",
        "gan1-yi1-bao3-fa1", "gui4-ren2-she4-fa1"]


def test_not_a_docno_is_an_input_error() -> None:
    with pytest.raises(InputError):
        notice_iri("关于做好2020年城乡居民基本医疗保障有关工作的通知")


def test_base_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert notice_iri(GUANGXI, "http://example.org/x") == "http://example.org/x/notice/gui4-yi1-bao3-fa1/2020/46"
    monkeypatch.setenv("NOTICEKG_BASE", "http://example.org/env/")
    assert notice_iri(GUANGXI) == "http://example.org/env/notice/gui4-yi1-bao3-fa1/2020/46"
    graph_iri, graph = notice_graph(nanning_notice(), SOURCE)
    assert graph_iri == "http://example.org/env/notice/nan2-yi1-bao3-fa1/2020/60/graph"
    assert not any(str(s).startswith(B) for s in graph.subjects())


def test_unnumbered_notice_iri_hashes_source_and_offset() -> None:
    notice = Notice(SOURCE.name, Span(10, 200), None, "", "", (), (), (), (), None, None, (), (), None)
    graph_iri, graph = notice_graph(notice, SOURCE)
    digest = hashlib.sha256(f"{SOURCE.sha256}:10".encode()).hexdigest()[:12]
    assert graph_iri == f"{B}notice/unnumbered/{digest}/graph"
    assert (URIRef(f"{B}notice/unnumbered/{digest}"), RDF.type, NKG.Notice) in graph


def test_section_figure_citation_and_other_iris(dataset: rdflib.Dataset) -> None:
    g = graph_of(dataset, N60)
    assert section_iri(N60, (3, 1)) == N60 + "/s/3/1"
    assert (URIRef(N60 + "/s/3/1"), NKG.partOf, URIRef(N60 + "/s/3")) in g
    assert (URIRef(N60 + "/s/3"), NKG.hasPart, URIRef(N60 + "/s/3/1")) in g
    assert (URIRef(N60), NKG.hasPart, URIRef(N60 + "/s/3")) in g
    assert (URIRef(N60), NKG.hasPart, URIRef(N60 + "/s/3/1")) not in g  # top-level sections only
    assert (URIRef(N60 + "/s/3/1"), NKG.path, Literal("3.1")) in g
    # In (一) of 三、 the figures in text order: 550, then 440, then 82.5.
    assert g.value(URIRef(N60 + "/s/3/1/f/1"), NKG.amount) == Literal("550", datatype=XSD.decimal)
    assert g.value(URIRef(N60 + "/s/3/1/f/2"), NKG.amount) == Literal("440", datatype=XSD.decimal)
    assert g.value(URIRef(N60 + "/s/3/1/f/3"), NKG.amount) == Literal("82.5", datatype=XSD.decimal)
    # 三、 itself states no figure: its children's figures are not numbered under it.
    assert not list(g.triples((URIRef(N60 + "/s/3/f/1"), None, None)))
    # Citations are numbered by start offset over the whole notice: the preamble's comes first.
    assert g.value(URIRef(N60 + "/c/1"), NKG.docNoAsCited) == Literal("桂医保发〔2020〕46号")
    assert g.value(URIRef(N60 + "/c/1"), NKG.relation) == NKG.implements
    assert g.value(URIRef(N60 + "/c/3"), NKG.inSection) == URIRef(N60 + "/s/1")
    assert (URIRef(N60 + "/s/1/f/1"), OA.hasSelector, URIRef(N60 + "/s/1/f/1/quote")) in g
    assert (URIRef(N60), NKG.issuedBy, URIRef(B + "agency/450100/nan-ning-shi-yi-liao-bao-zhang-ju")) in g
    assert (URIRef(N60), NKG.jurisdiction, URIRef(region_iri("450100"))) in g
    assert (URIRef(N60), NKG.level, NKG.Municipal) in g
    source = URIRef(B + "source/" + SOURCE.sha256[:16])
    assert (URIRef(N60), PROV.wasDerivedFrom, source) in g
    activity = URIRef(N60 + "/graph/activity")
    assert (URIRef(N60 + "/graph"), PROV.wasGeneratedBy, activity) in g
    assert (activity, PROV.used, source) in g


def test_variant_spellings_in_citations_reach_the_notice_itself(dataset: rdflib.Dataset) -> None:
    g = graph_of(dataset, N60)
    cited = {g.value(c, NKG.citedNotice) for c in g.subjects(NKG.docNoAsCited, None)
             if "46" in str(g.value(c, NKG.docNoAsCited))}
    assert cited == {URIRef(N46)}  # 〔2020〕46号, 〔2020〕46 号 and a line break inside: one notice
    assert (URIRef(N60), NKG.hasAttachment, URIRef(N46)) in g
    assert (URIRef(N60), NKG.implements, URIRef(N46)) in g


# -- values ----------------------------------------------------------------------------------------------


def test_amounts_are_exact_decimals(dataset: rdflib.Dataset) -> None:
    g = graph_of(dataset, N60)
    amounts = {f: g.value(f, NKG.amount) for f in g.subjects(RDF.type, NKG.Figure) if g.value(f, NKG.amount)}
    assert all(a.datatype == XSD.decimal and isinstance(a.value, Decimal) for a in amounts.values())
    lexical = {str(a) for a in amounts.values()}
    assert {"82.5", "13.75", "280", "550", "440"} <= lexical
    ratio = next(g.subjects(NKG.ratio, None))
    assert g.value(ratio, NKG.ratio) == Literal("1:1")
    assert g.value(ratio, NKG.ratioFirst) == Literal("1", datatype=XSD.decimal)
    period = next(g.subjects(NKG.kind, KIND["contribution-period"]))
    assert g.value(period, NKG.startDate) == Literal("2020-09-01", datatype=XSD.date)
    assert g.value(period, NKG.endDate) == Literal("2020-12-31", datatype=XSD.date)
    assert g.value(URIRef(N60), NKG.datePrinted) == Literal("2020-08-14", datatype=XSD.date)


def test_figure_carries_every_model_property(dataset: rdflib.Dataset) -> None:
    g = graph_of(dataset, N60)
    f = URIRef(N60 + "/s/1/f/1")  # 2021年度 … 每人不低于 280 元; 国家、自治区 … 从其规定
    assert g.value(f, NKG.kind) == KIND["individual-contribution"]
    assert g.value(f, NKG.qualifier) == NKG.AtLeast
    assert g.value(f, NKG.year) == Literal(2021)
    assert g.value(f, NKG.yearType) == NKG.InsuranceYear
    assert g.value(f, NKG.yearInferred) == Literal(False)
    assert g.value(f, NKG.yieldsToLaterNationalRule) == Literal(True)
    assert g.value(f, NKG.region) == URIRef(region_iri("450100"))
    assert g.value(f, NKG.statedIn) == URIRef(N60)
    assert g.value(f, NKG.inSection) == URIRef(N60 + "/s/1")
    assert g.value(f, PROV.wasDerivedFrom) == URIRef(N60 + "/s/1")
    assert "280" in str(g.value(f, RDFS.label))
    quote = g.value(f, OA.hasSelector)
    assert {OA.TextQuoteSelector, OA.TextPositionSelector} <= set(g.objects(quote, RDF.type))
    assert g.value(quote, OA.exact) == Literal("每人不低于 280 元")
    scoped = URIRef(N60 + "/s/3/1/f/3")
    assert g.value(scoped, NKG.scope) == Literal("贫困县（区）")
    assert g.value(scoped, NKG.payer) == Literal("provincial")


def shared(dataset: rdflib.Dataset, name: str) -> rdflib.Graph:
    return dataset.graph(URIRef(dataset_graph_iri(name)))


def test_quotes_check_against_the_graph_alone(dataset: rdflib.Dataset) -> None:
    for notice in (N60, N46):
        g = graph_of(dataset, notice) + shared(dataset, "sources")  # the file both notices were read from
        for quote in g.subjects(RDF.type, OA.TextQuoteSelector):
            text = str(g.value(g.value(quote, NKG.sourceFile), NKG.text))
            start, end = int(g.value(quote, OA.start)), int(g.value(quote, OA.end))
            assert text[start:end] == str(g.value(quote, OA.exact))
        assert str(g.value(URIRef(notice), PROV.wasDerivedFrom / NKG.text)) == TEXT


# -- named graphs ----------------------------------------------------------------------------------------


def test_every_named_graph_holds_what_its_notice_states(dataset: rdflib.Dataset) -> None:
    """Every instance IRI a notice's graph points at is described (typed) in the dataset, and the notice's
    graph describes nothing shared: no region, agency, source file or stub of a cited notice."""
    everything = union(dataset)
    for notice in (N60, N46):
        g = graph_of(dataset, notice)
        pointed = {o for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(B)}
        untyped = {o for o in pointed if everything.value(o, RDF.type) is None}
        assert not untyped, untyped
        assert not any(isinstance(t, rdflib.BNode) for triple in g for t in triple)
        types = set(g.objects(None, RDF.type))
        assert not types & {NKG.Region, NKG.Agency, NKG.SourceFile}, types
        assert {str(s) for s in g.subjects(RDF.type, NKG.Notice)} == {notice}  # no stub of another notice


def test_region_chain_is_in_the_regions_graph(dataset: rdflib.Dataset) -> None:
    g = shared(dataset, "regions")
    yongning = URIRef(region_iri("450109"))
    assert g.value(yongning, NKG.within) == URIRef(region_iri("450100"))
    assert g.value(URIRef(region_iri("450100")), NKG.within) == URIRef(region_iri("450000"))
    assert g.value(URIRef(region_iri("450000")), NKG.within) == URIRef(region_iri("100000"))
    assert g.value(URIRef(region_iri("100000")), NKG.within) is None
    assert g.value(yongning, RDFS.label) == Literal("邕宁区", lang="zh")
    assert g.value(yongning, NKG.code) == Literal("450109")


def test_stub_of_a_notice_known_only_by_citation(dataset: rdflib.Dataset) -> None:
    assert (URIRef(N46), NKG.implements, URIRef(N24)) in graph_of(dataset, N46)
    assert not list(graph_of(dataset, N46).triples((URIRef(N24), None, None)))
    g = shared(dataset, "stubs")
    assert (URIRef(N24), NKG.inCorpus, Literal(False)) in g
    assert (URIRef(N24), NKG.docNo, Literal("医保发〔2020〕24号")) in g
    assert str(g.value(URIRef(N24), DCTERMS.title)).startswith("国家医保局")


def test_a_cited_notice_in_the_batch_is_not_contradicted(dataset: rdflib.Dataset) -> None:
    everything = union(dataset)
    assert set(everything.objects(URIRef(N46), NKG.inCorpus)) == {Literal(True)}
    assert len(set(everything.objects(URIRef(N46), DCTERMS.title))) == 1
    # Alone, the citing notice cannot know: the stub it brings says "known by citation" (the store drops it
    # once 46号's own graph is loaded: tests/test_layout.py).
    _, alone, brought = notice_graphs(nanning_notice(), SOURCE)
    assert (URIRef(N46), NKG.inCorpus, Literal(False)) in brought.stub_graph()
    assert not list(alone.triples((URIRef(N46), NKG.inCorpus, None)))


def test_attachment_both_ways(dataset: rdflib.Dataset) -> None:
    assert (URIRef(N46), NKG.attachmentOf, URIRef(N60)) in graph_of(dataset, N46)
    assert (URIRef(N60), NKG.hasAttachment, URIRef(N46)) in graph_of(dataset, N60)


def test_restates_links_the_same_figure_of_the_other_notice(dataset: rdflib.Dataset) -> None:
    g = graph_of(dataset, N60)
    # 280 for 2021 ← 46号 一、(二); 550 ← 46号 一、(一); 82.5 for 贫困县（区） has no figure of that scope in 46号.
    assert g.value(URIRef(N60 + "/s/1/f/1"), NKG.restates) == URIRef(N46 + "/s/1/2/f/1")
    assert g.value(URIRef(N60 + "/s/3/1/f/1"), NKG.restates) == URIRef(N46 + "/s/1/1/f/1")
    assert g.value(URIRef(N60 + "/s/3/1/f/3"), NKG.restates) == URIRef(N46)
    assert g.value(URIRef(N60 + "/s/1/f/2"), NKG.restates) is None
    _, alone = notice_graph(nanning_notice(), SOURCE)
    assert alone.value(URIRef(N60 + "/s/1/f/1"), NKG.restates) == URIRef(N46)


def test_dataset_graphs(dataset: rdflib.Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {N60 + "/graph", N46 + "/graph"} | {dataset_graph_iri(n) for n in SHARED_GRAPHS}
    vocabulary = dataset.graph(URIRef(dataset_graph_iri("vocabulary")))
    assert (NKG.Notice, RDF.type, rdflib.OWL.Class) in vocabulary
    regions = dataset.graph(URIRef(dataset_graph_iri("regions")))
    # A county no notice mentions is still there, inside its prefecture.
    assert regions.value(URIRef(region_iri("620102")), NKG.within) == URIRef(region_iri("620100"))


def test_a_docno_read_twice_keeps_the_first() -> None:
    first, = results()
    again = to_dataset([first, first])
    assert {str(g.identifier) for g in again.graphs() if "/notice/" in str(g.identifier)} == {
        N60 + "/graph", N46 + "/graph"}


def test_output_is_deterministic() -> None:
    one, two = to_dataset(results()), to_dataset(results())
    for notice in (N60, N46):  # (the vocabulary graph has blank nodes: OWL lists)
        assert set(graph_of(one, notice)) == set(graph_of(two, notice))
    g1, g2 = notice_graph(guangxi_notice(), SOURCE)[1], notice_graph(guangxi_notice(), SOURCE)[1]
    assert set(g1) == set(g2)


def test_terms_made_once_are_the_terms_rdflib_makes() -> None:
    from graph.to_rdf import terms

    assert terms.literal(1) == Literal(1) and terms.literal(True) == Literal(True)  # 1 cached, True still boolean
    assert terms.literal(True).datatype == rdflib.XSD.boolean and terms.literal(1).datatype == rdflib.XSD.integer
    one, two = terms.decimal(Decimal("1.0")), terms.decimal(Decimal("1.00"))  # equal Decimals, two literals
    assert (str(one), str(two)) == ("1.0", "1.00") and one.datatype == rdflib.XSD.decimal
    assert terms.NKG.amount == NKG.amount and terms.NKG.amount is terms.NKG.amount
    assert terms.KIND["individual-contribution"] == KIND["individual-contribution"]
    with pytest.raises(AttributeError):
        terms.NKG.amountt  # noqa: B018 - NKG is closed: a misspelt term raises, cached or not
