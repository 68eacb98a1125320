"""版头 and 版记 of notices written the way the genre writes them (not taken from the corpus)."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.parse import parse_text
from graph.parse.header import Header
from graph.parse.segment import Block
from graph.parse.text import Context

CITY_NOTICE = """柳州市人民政府办公室文件

柳政办发〔2021〕5号          签发人：张三

柳州市人民政府办公室关于印发柳州市城乡居民
基本医疗保险实施办法的通知

各县、区人民政府，市直各委、办、局：

为贯彻落实《广西壮族自治区医疗保障局关于做好2021年城乡居民基本医疗保障有关工作的通知》（桂医保发〔2021〕12号）精神，经市人民政府同意，现将有关事项通知如下：

一、个人缴费标准

2022年度个人缴费标准为每人每年320元。参照桂医保规〔2019〕3号执行。

二、其他

原《关于做好城乡居民医保工作的通知》（柳政办〔2019〕88号）同时废止。

附件：1．柳州市城乡居民基本医疗保险实施办法
      2．2022年度缴费标准表

柳州市人民政府办公室
二〇二一年三月一日

（此件公开发布）

抄送：自治区医疗保障局，市委办，市人大办，
      市政协办。

柳州市人民政府办公室                2021年3月2日印发
"""


def test_header_and_footer_of_a_city_notice() -> None:
    result = parse_text(CITY_NOTICE, "city.txt")
    assert [p for p in result.problems if p.severity == "error"] == []
    (n,) = result.notices
    assert n.docno is not None and n.docno.key == "柳政办发〔2021〕5号"
    assert n.title == "柳州市人民政府办公室关于印发柳州市城乡居民基本医疗保险实施办法的通知"
    assert [(a.name, a.region_code, a.level) for a in n.issuers] == [("柳州市人民政府办公室", "450200", "municipal")]
    assert n.region_code == "450200"
    assert n.addressees == ("各县", "区人民政府", "市直各委", "办", "局")
    assert n.signed == dt.date(2021, 3, 1)  # written in Chinese numerals
    assert (n.printed, n.printed_by) == (dt.date(2021, 3, 2), "柳州市人民政府办公室")
    assert n.publicity == "公开发布"
    assert n.copied_to == ("自治区医疗保障局", "市委办", "市人大办", "市政协办")
    assert n.attachments == ("柳州市城乡居民基本医疗保险实施办法", "2022年度缴费标准表")
    assert [(s.path, s.heading) for s in n.sections] == [((1,), "个人缴费标准"), ((2,), "其他")]
    assert [(c.relation, str(c.docno), c.section_path) for c in n.citations] == [
        ("implements", "桂医保发〔2021〕12号", ()),
        ("applies", "桂医保规〔2019〕3号", (1,)),
        ("cites", "柳政办〔2019〕88号", (2,)),
    ]
    # The last section ends before the 附件说明.
    assert "附件" not in CITY_NOTICE[n.sections[-1].span.start : n.sections[-1].span.end]


FORWARDING = """湖北省医疗保障局
湖北省财政厅文件
国家税务总局湖北省税务局

鄂医保发〔2021〕40号

关于转发《国家医保局 财政部 国家税务总局关于做好2021年城乡居民基本医疗保障工作的通知》的通知

各市、州、直管市、林区医疗保障局，财政局：

现将《国家医保局 财政部 国家税务总局关于做好2021年城乡居民基本医疗保障工作的通知》（医保发〔2021〕32号）转发给你们，请一并贯彻执行。

一、2021年城乡居民基本医疗保险人均财政补助标准新增30元，达到每人每年不低于580元。

二、各地要做好宣传。

附件：国家医保局 财政部 国家税务总局关于做好2021年城乡居民基本医疗保障工作的通知

湖北省医疗保障局      湖北省财政厅

国家税务总局湖北省税务局

2021年7月20日

附件

国家医保局 财政部 国家税务总局关于做好2021年城乡居民基本医疗保障工作的通知

医保发〔2021〕32号

各省、自治区、直辖市及新疆生产建设兵团医疗保障局、财政厅（局），国家税务总局各省、自治区、直辖市和计划单列市税务局：

一、提高筹资标准。2021年城乡居民基本医疗保险人均财政补助标准新增30元。

（一）个人缴费标准提高40元。

国家医保局    财政部

国家税务总局

2021年6月8日
"""


def test_a_forwarded_national_notice_with_its_title_above_its_docno() -> None:
    result = parse_text(FORWARDING, "forward.txt")
    assert [p for p in result.problems if p.severity == "error"] == []
    container, carried = result.notices
    assert str(container.docno) == "鄂医保发〔2021〕40号" and str(carried.docno) == "医保发〔2021〕32号"
    assert container.signed == dt.date(2021, 7, 20) and carried.signed == dt.date(2021, 6, 8)
    assert carried.attached_to == "鄂医保发〔2021〕40号"
    assert carried.title == "国家医保局财政部国家税务总局关于做好2021年城乡居民基本医疗保障工作的通知"
    assert [(a.name, a.level) for a in carried.issuers] == [
        ("国家医保局", "national"), ("财政部", "national"), ("国家税务总局", "national")]
    assert carried.region_code == "100000"
    # The title, 现将…转发给你们, and the 附件 entry naming the carried notice by its title alone.
    assert [(c.relation, str(c.docno), c.docno_text) for c in container.citations] == [
        ("forwards", "医保发〔2021〕32号", ""),
        ("forwards", "医保发〔2021〕32号", "医保发〔2021〕32号"),
        ("attachment", "医保发〔2021〕32号", ""),
    ]
    # Each notice's span covers its own text only; the 附件 mark between them belongs to neither.
    text = result.source.text
    assert text[container.span.start : container.span.end].endswith("2021年7月20日")
    assert text[carried.span.start : carried.span.end].startswith("国家医保局 财政部")
    assert [s.path for s in carried.sections] == [(1,), (1, 1)]


def test_a_docno_in_brackets_on_its_own_line_does_not_start_a_notice() -> None:
    text = FORWARDING.split("附件：")[0].replace(
        "（医保发〔2021〕32号）转发给你们", "\n（医保发〔2021〕32号）\n转发给你们")
    result = parse_text(text, "wrapped.txt")
    assert len(result.notices) == 1
    # (the title's bare 《…》 is no citation here: the forwarded notice is not in this file)
    assert [(c.relation, str(c.docno)) for c in result.notices[0].citations] == [("forwards", "医保发〔2021〕32号")]


def test_a_notice_that_cannot_be_read_is_a_problem_and_the_others_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.parse as parse

    real = parse.parse_header

    def failing(ctx: Context, block: Block) -> Header:
        """Stands in for a bug met on one notice (the second)."""
        if block.first > 0:
            raise ValueError("cannot happen")
        return real(ctx, block)

    monkeypatch.setattr(parse, "parse_header", failing)
    result = parse_text(FORWARDING, "forward.txt")
    assert [str(n.docno) for n in result.notices] == ["鄂医保发〔2021〕40号"]
    (error,) = [p for p in result.problems if p.severity == "error"]
    assert error.text == "国家医保局 财政部 国家税务总局关于做好2021年城乡居民基本医疗保障工作的通知"
    assert error.line == FORWARDING.splitlines().index(error.text) + 1
    assert "ValueError" in error.message


def test_a_container_without_docno_still_carries_its_attached_notice() -> None:
    text = FORWARDING.replace("鄂医保发〔2021〕40号\n", "")
    result = parse_text(text, "no-docno.txt")
    container, carried = result.notices
    assert container.docno is None and [a.name for a in container.issuers][0] == "湖北省医疗保障局"
    assert str(carried.docno) == "医保发〔2021〕32号" and carried.attached_to is None
    assert [(c.relation, str(c.docno)) for c in container.citations] == [
        ("forwards", "医保发〔2021〕32号"), ("forwards", "医保发〔2021〕32号"), ("attachment", "医保发〔2021〕32号")]


def test_a_printing_date_broken_inside_its_word_is_still_read() -> None:
    text = ("株洲市医疗保障局\n关于做好2023年城乡居民医保工作的通知\n株医保发〔2023〕9号\n\n各县市区医疗保障局：\n\n"
            "一、2023年个人缴费标准为每人每年380元。\n\n公开方式：主动公开\n\n株洲市医疗保障局办公室\n\n"
            "2023年7月4日印\n发\n")
    (n,) = parse_text(text, "made-up.txt").notices
    assert (n.printed, n.printed_by) == (dt.date(2023, 7, 4), "株洲市医疗保障局办公室")


@pytest.mark.parametrize(("docno", "cited", "code"), [
    ("牡丹西安人社发〔2019〕3号", "牡人社发〔2019〕1号", "231005"),  # 牡丹江市's 西安区
    ("辽西安医保发〔2019〕3号", "辽源医保发〔2019〕1号", "220403"),  # 辽源市's
])
def test_an_issuer_that_divisions_share_a_name_is_the_one_its_docnos_point_to(docno: str, cited: str,
                                                                           code: str) -> None:
    text = (f"西安区医疗保障局 西安区财政局\n关于转发《关于做好2019年居民医保工作的通知》的通知\n{docno}\n\n各街道办事处：\n\n"
            f"现将《关于做好2019年居民医保工作的通知》（{cited}）转发给你们，请认真贯彻执行。\n\n西安区医疗保障局\n2019年5月6日\n")
    (n,) = parse_text(text, "made-up.txt").notices
    assert n.region_code == code
    assert {a.region_code for a in n.issuers} == {code}
