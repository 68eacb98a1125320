"""Lines wrapped where the parser used to see a heading, and 文号 longer or odder than running text allows, on
notices written for the test (other places and wording than the synthetic generator's).

- A chapter-label line with no full stop is a heading of its own, unless the next line goes on with it: the
  break falls inside a word, the line holds a clause break or an amount, or ends inside a number.
- A heading wrapped over two lines (a page number between) is still followed by its first child section.
- A 文号 alone on its header line, or alone in the brackets after a cited title, is all code up to the
  bracket: a banner's long abbreviation, or a county's that starts with 和 (a conjunction in running text)."""

from __future__ import annotations

from decimal import Decimal

from graph.parse import parse_text
from graph.parse.figures import extract_figures
from graph.records import Notice, Span


def figures(body: str) -> list[tuple[str, Decimal]]:
    notice = Notice("test.txt", Span(0, len(body)), None, "", "关于做好2025年城乡居民基本医疗保险工作的通知", (),
                    (), (), (), None, None, (), (), None, region_code="440000")
    found, _ = extract_figures(body, notice)
    return [(f.kind, f.value) for f in found]


def test_a_label_line_cut_inside_a_word_goes_on() -> None:
    body = "三、2025年度城乡居民医保个\n人缴费标准为每人每年400元。"
    assert figures(body) == [("individual-contribution", Decimal(400))]


def test_a_label_line_with_a_clause_break_or_an_amount_goes_on_past_a_blank_line() -> None:
    assert figures("二、2025年度居民医保个人缴费，按照\n\n每人每年400元的标准缴纳。") == [
        ("individual-contribution", Decimal(400))]
    assert figures("一、2025年城乡居民医保人均财政补助标准提高到每人每年700元，省级财\n政补助每人每年200元。") == [
        ("per-capita-fiscal-subsidy", Decimal(700)), ("provincial-subsidy", Decimal(200))]


def test_a_heading_of_its_own_stays_one() -> None:
    body = "一、参保范围\n本市户籍居民均应参加城乡居民基本医疗保险。\n二、缴费标准\n2025年度个人缴费标准为每人每年400元。"
    result = parse_text(_notice(body), "heading.txt")
    (notice,) = result.notices
    assert [s.heading for s in notice.sections] == ["参保范围", "缴费标准"]
    assert [(f.kind, f.value) for f in notice.figures] == [("individual-contribution", Decimal(400))]


def test_a_heading_wrapped_over_two_lines_is_followed_by_its_first_child() -> None:
    body = ("一、稳步提高居民医保筹\n资标准\n\n— 2 —\n\n（一）提高财政补助标准。2025年人均财政补助标准新增30元。\n"
            "（二）提高个人缴费标准。2025年个人缴费标准为每人每年400元。")
    result = parse_text(_notice(body), "wrapped-heading.txt")
    (notice,) = result.notices
    assert [s.path for s in notice.sections] == [(1,), (1, 1), (1, 2)]
    assert not [p for p in result.problems if "skips" in p.message]


def test_a_docno_alone_on_its_line_or_in_brackets_is_all_code() -> None:
    text = _notice("现将《关于转发城乡居民医保有关工作的通知》（鄂托克前旗医保发〔2024〕9号）转发给你们。",
                   docno="阿鲁科尔沁左旗医保发〔2025〕3号")
    (notice,) = parse_text(text, "banner.txt").notices
    assert notice.docno is not None and notice.docno.key == "阿鲁科尔沁左旗医保发〔2025〕3号"
    assert [c.docno.key for c in notice.citations if c.docno] == ["鄂托克前旗医保发〔2024〕9号"]
    (county,) = parse_text(_notice("请认真贯彻执行。", docno="和林医保发〔2025〕12号"), "county.txt").notices
    assert county.docno is not None and county.docno.key == "和林医保发〔2025〕12号"


def _notice(body: str, docno: str = "粤医保发〔2025〕8号") -> str:
    return (f"广东省医疗保障局文件\n\n{docno}\n\n关于做好2025年城乡居民基本医疗保险工作的通知\n\n"
            f"各地级以上市医疗保障局：\n\n{body}\n\n广东省医疗保障局\n2025年7月1日\n")
