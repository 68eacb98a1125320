"""Hand-built records for the RDF tests: 南医保发〔2020〕60号 and the 桂医保发〔2020〕46号 it carries as its
attachment (corpus/000_…), written by reading the notice text, not by the parser. Only some sections,
citations and figures are here. Offsets are found by searching the source for the quote read from it, after
an anchor that makes the occurrence unambiguous; the test below checks every quote sits at its offsets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from graph.records import (
    Agency,
    Citation,
    DateInterval,
    DocNo,
    Figure,
    Notice,
    ParseResult,
    Ratio,
    Section,
    SourceFile,
    Span,
)

CORPUS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "000_fb74dc5b27144318.txt"
TEXT = CORPUS_FILE.read_text(encoding="utf-8")
SOURCE = SourceFile("000_fb74dc5b27144318.txt", hashlib.sha256(TEXT.encode("utf-8")).hexdigest(), TEXT)
ATTACHMENT_START = TEXT.index("附件\n\n广西壮族自治区医疗保障局")

NANNING = DocNo("南医保发", 2020, 60)
GUANGXI = DocNo("桂医保发", 2020, 46)
NATIONAL = DocNo("医保发", 2020, 24)


def at(quote: str, after: str = "", start: int = 0) -> Span:
    begin = TEXT.index(quote, TEXT.index(after, start) if after else start)
    return Span(begin, begin + len(quote))


def between(first: str, then: str, start: int = 0) -> Span:
    """From `first` up to (not including) the next `then`: a section's span."""
    begin = TEXT.index(first, start)
    return Span(begin, TEXT.index(then, begin + len(first)))


def figure(kind: str, value, unit: str, quote: str, after: str, path: tuple[int, ...], *, year: int = 2020,
           year_type: str = "fiscal", qualifier: str = "exact", region: str = "450100", scope: str | None = None,
           payer: str | None = None, restates: str | None = None, yields: bool = False, start: int = 0) -> Figure:
    return Figure(kind, value, unit, qualifier, year, year_type, False, region, scope, (), payer, path,  # type: ignore[arg-type]
                  quote, at(quote, after, start), restates, yields)


def nanning_notice() -> Notice:
    end = ATTACHMENT_START
    sections = (
        Section((1,), "一、", "2021 年度城乡居民基本医疗保险参保缴费标准", between("一、2021 年度", "二、2021")),
        Section((2,), "二、", "2021 年度城乡居民基本医疗保险参保集中缴费时间", between("二、2021 年度", "三、2020")),
        Section((3,), "三、", "2020 年城乡居民基本医疗保险财政补助标准与分担比例", between("三、2020 年", "四、工作要求")),
        Section((3, 1), "(一)", "", between("(一) 根据桂医保发", "(二) 2020年")),
        Section((3, 2), "(二)", "", between("(二) 2020年城乡", "(三) 2020年")),
        Section((3, 4), "(四)", "", between("(四) 2020年城乡", "(五) 市属")),
    )
    citations = (
        Citation(GUANGXI, "桂医保发〔2020〕46号",
                 "广西壮族自治区医疗保障局 广西壮族自治区财政厅 国家税务总局广西壮族自治区税务局关于做好2020年城乡居民基本医疗保障有关工作的通知",
                 "implements", (), between("《广西壮族自治区医疗保障局", "精神")),
        Citation(GUANGXI, "桂医保发〔2020〕46 号", "", "cites", (1,), at("桂医保发〔2020〕46 号", "一、2021 年度")),
        Citation(DocNo("桂人社规", 2018, 14), "桂人社规〔2018〕14 号", "", "applies", (1,), at("桂人社规〔2018〕14 号")),
        Citation(DocNo("桂人社发", 2017, 1), "桂人社发〔2017〕1 号",
                 "广西壮族自治区人力资源和社会保障厅关于印发广西城乡居民基本医疗保险暂行办法的通知", "applies", (2,),
                 between("《广西壮族自治区人力资源和社会保障厅", "的规定")),
        Citation(GUANGXI, "桂医保发\n〔2020〕46号", "", "attachment", (), between("附件:广西", "\n\n\n")),
    )
    s1 = "一、2021 年度"
    figures = (
        figure("individual-contribution", Decimal("280"), "元/人·年", "每人不低于 280 元", s1, (1,), year=2021,
               year_type="insurance", qualifier="at-least", restates=GUANGXI.key, yields=True),
        figure("individual-contribution", Decimal("280"), "元/人·年", "个人缴费标准为 280 元/人/年", s1, (1,),
               year=2021, year_type="insurance"),
        figure("contribution-period", DateInterval(dt.date(2020, 9, 1), dt.date(2020, 12, 31)), "interval",
               "2020 年 9 月 1 日至 12 月 31 日", "二、2021 年度", (2,), year=2021, year_type="insurance"),
        figure("per-capita-fiscal-subsidy", Decimal("550"), "元/人·年", "平均每人每年达到550元", "(一) 根据", (3, 1),
               restates=GUANGXI.key),
        figure("central-subsidy", Decimal("440"), "元/人", "中央财政补助440元/人", "(一) 根据", (3, 1),
               payer="central", restates=GUANGXI.key),
        figure("provincial-subsidy", Decimal("82.5"), "元/人·年", "自治区财政对贫困县（区）补助82.5元/人·年", "(一) 根据",
               (3, 1), scope="贫困县（区）", payer="provincial", restates=GUANGXI.key),
        figure("cost-sharing-ratio", Ratio((Decimal(1), Decimal(1))), "ratio", "按1:1分担", "(二) 2020年城乡", (3, 2),
               scope="设区市", payer="city-district"),
        figure("city-subsidy", Decimal("13.75"), "元/人·年", "市财政补助13.75元/人·年", "(四) 2020年", (3, 4),
               region="450109", payer="city"),
    )
    agencies = tuple(Agency(name, "450100", "municipal") for name in ("南宁市医疗保障局", "南宁市财政局", "国家税务总局南宁市税务局"))
    return Notice(
        source_file=SOURCE.name, span=Span(0, end), docno=NANNING, docno_text="南医保发〔2020〕60号",
        title="南宁市医疗保障局南宁市财政局国家税务总局南宁市税务局关于做好2020年度南宁市城乡居民基本医疗保障有关工作的通知",
        issuers=agencies, addressees=("各县（区）医疗保障局、财政局、税务局", "市社会保险事业局"), sections=sections,
        citations=citations, signed=None, printed=dt.date(2020, 8, 14),
        attachments=("广西壮族自治区医疗保障局 广西壮族自治区财政厅 国家税务总局广西壮族自治区税务局关于做好2020年城乡居民基本医疗保险有关工作的通知",),
        copied_to=("自治区医疗保障局、自治区财政厅、自治区税务局", "各县、区人民政府、开发区管委会", "市教育局、市人社局"),
        publicity="主动公开", printed_by="南宁市医疗保障局办公室", figures=figures, region_code="450100",
    )


def guangxi_notice() -> Notice:
    a = ATTACHMENT_START
    sections = (
        Section((1,), "一、", "提高城乡居民基本医疗保险筹资标准", between("一、提高", "二、巩固", a)),
        Section((1, 1), "（一）", "继续提高财政补助标准", between("（一）继续", "（二）稳步", a)),
        Section((1, 2), "（二）", "稳步提高个人缴费标准", between("（二）稳步", "二、巩固", a)),
    )
    citations = (
        Citation(NATIONAL, "医保发〔2020〕24号", "国家医保局 财政部 国家税务总局关于做好2020年城乡居民基本医疗保险工作的通知",
                 "implements", (), between("《国家医保局", "和《", a)),
        Citation(DocNo("桂政办发", 2019, 48), "桂政办发〔2019〕48号",
                 "广西壮族自治区人民政府办公厅关于印发广西医疗卫生领域财政事权和支出责任划分改革实施方案的通知",
                 "implements", (), between("《广西壮族自治区人民政府办公厅", "精神", a)),
    )
    g = "（一）继续"
    figures = (
        figure("per-capita-fiscal-subsidy", Decimal("550"), "元/人·年", "平均每人每年达到550元", g, (1, 1), region="450000",
               start=a),
        figure("central-subsidy", Decimal("440"), "元/人·年", "中央财政补助440元/人·年", g, (1, 1), region="450000",
               payer="central", start=a),
        figure("provincial-subsidy", Decimal("82.5"), "元/人·年", "自治区财政对贫困县（市）补助82.5元/人·年", g, (1, 1),
               region="450000", scope="贫困县（市）", payer="provincial", start=a),
        figure("individual-contribution", Decimal("280"), "元/人·年", "每人不低于280元", "（二）稳步", (1, 2), year=2021,
               year_type="insurance", qualifier="at-least", region="450000", yields=True, start=a),
    )
    agencies = (Agency("广西壮族自治区医疗保障局", "450000", "provincial"), Agency("广西壮族自治区财政厅", "450000", "provincial"),
                Agency("国家税务总局广西壮族自治区税务局", "450000", "provincial"))
    return Notice(
        source_file=SOURCE.name, span=Span(a, len(TEXT)), docno=GUANGXI, docno_text="桂医保发〔2020〕46号",
        title="广西壮族自治区医疗保障局广西壮族自治区财政厅国家税务总局广西壮族自治区税务局关于做好2020年城乡居民基本医疗保障有关工作的通知",
        issuers=agencies, addressees=("各市、县（市、区）医疗保障局、财政局、税务局",), sections=sections,
        citations=citations, signed=dt.date(2020, 7, 9), printed=dt.date(2020, 7, 9), attachments=(),
        copied_to=("财政部广西监管局",), publicity="主动公开", printed_by="广西壮族自治区医疗保障局办公室",
        attached_to=NANNING.key, figures=figures, region_code="450000",
    )


def results() -> list[ParseResult]:
    return [ParseResult(SOURCE, (nanning_notice(), guangxi_notice()))]


def test_every_golden_quote_sits_at_its_offsets() -> None:
    for notice in (nanning_notice(), guangxi_notice()):
        assert notice.span.start < notice.span.end <= len(TEXT)
        for f in notice.figures:
            assert TEXT[f.span.start : f.span.end] == f.quote
            assert notice.span.start <= f.span.start and f.span.end <= notice.span.end
        for c in notice.citations:
            assert c.docno_text.replace("\n", "") in TEXT[c.span.start : c.span.end].replace("\n", "")
        for s in notice.sections:
            assert TEXT[s.span.start : s.span.end].startswith(s.label)
