"""Sections: the numbered tree, running numbers, false starts, spans, and `section_path_at`."""

from __future__ import annotations

from graph.parse import parse_text
from graph.parse.sections import section_path_at
from graph.records import Notice

HEAD = """柳州市医疗保障局文件

柳医保发〔2021〕7号

关于做好2021年城乡居民基本医疗保险工作的通知

各县（区）医疗保障局：

为做好工作，现就有关事项通知如下：

"""
FOOT = """

附件：2021年补助标准表

柳州市医疗保障局

2021年3月1日

柳州市医疗保障局办公室 2021年3月2日印发
"""


def _notice(body: str) -> tuple[str, Notice]:
    text = HEAD + body + FOOT
    result = parse_text(text, "synthetic.txt")
    assert not [p for p in result.problems if p.severity == "error"]
    (notice,) = result.notices
    return text, notice


def _paths(notice: Notice) -> list[tuple[tuple[int, ...], str]]:
    return [(s.path, s.label) for s in notice.sections]


def test_three_levels() -> None:
    _, notice = _notice("一、筹资标准\n\n（一）财政补助。每人550元。\n\n1. 中央补助440元。\n\n2. 地方补助110元。\n\n"
                        "(二) 个人缴费。每人280元。\n\n二、工作要求\n\n各地要抓好落实。")
    assert _paths(notice) == [((1,), "一、"), ((1, 1), "（一）"), ((1, 1, 1), "1."), ((1, 1, 2), "2."),
                              ((1, 2), "(二)"), ((2,), "二、")]
    assert [s.heading for s in notice.sections] == ["筹资标准", "财政补助", "中央补助440元", "地方补助110元",
                                                   "个人缴费", "工作要求"]


def test_running_numbers_keep_the_number_as_written() -> None:
    _, notice = _notice("一、筹资\n\n（一）甲。\n\n（二）乙。\n\n二、待遇\n\n（三）丙。\n\n（四）丁。\n\n三、经办\n\n（五）戊。")
    assert [s.path for s in notice.sections] == [(1,), (1, 1), (1, 2), (2,), (2, 3), (2, 4), (3,), (3, 5)]


def test_second_level_on_top_when_there_is_no_first() -> None:
    _, notice = _notice("（一）甲事项。\n\n（二）乙事项。\n\n1. 细则。")
    assert [s.path for s in notice.sections] == [(1,), (2,), (2, 1)]


def test_a_line_break_inside_a_sentence_does_not_start_a_section() -> None:
    _, notice = _notice("一、资助标准\n\n二、资助对象。对农村低保一类对象给予全额资助，对农村低保二、\n"
                        "三、四类保障对象给予定额资助。\n\n三、工作要求\n\n抓好落实。")
    assert _paths(notice) == [((1,), "一、"), ((2,), "二、"), ((3,), "三、")]
    third = notice.sections[2]
    assert third.heading == "工作要求"


def test_a_decimal_is_not_a_section() -> None:
    _, notice = _notice("一、标准\n\n起付线为：\n1.5万元以上部分，报销60%。\n\n二、其他\n\n按规定执行。")
    assert _paths(notice) == [((1,), "一、"), ((2,), "二、")]


def test_a_label_out_of_sequence_is_text_and_warned() -> None:
    text = HEAD + "一、标准\n\n甲。\n\n五、其他\n\n乙。" + FOOT
    result = parse_text(text, "synthetic.txt")
    assert [s.path for s in result.notices[0].sections] == [(1,)]
    assert any("does not follow" in p.message and p.text == "五、其他" for p in result.problems)


def test_spans_run_from_label_to_the_next_sibling_and_stop_before_the_footer() -> None:
    text, notice = _notice("一、筹资\n\n（一）甲。\n\n（二）乙。\n\n二、待遇\n\n丙。")
    one, one_one, one_two, two = notice.sections
    assert text[one.span.start : one.span.end] == "一、筹资\n\n（一）甲。\n\n（二）乙。"
    assert text[one_one.span.start : one_one.span.end] == "（一）甲。"
    assert text[two.span.start : two.span.end] == "二、待遇\n\n丙。"
    assert one.span.start < one_one.span.start < one_one.span.end < one_two.span.start <= one.span.end


def test_section_path_at() -> None:
    text, notice = _notice("一、筹资\n\n（一）甲。\n\n（二）乙。\n\n二、待遇\n\n丙。")
    assert section_path_at(notice, text.index("甲")) == (1, 1)
    assert section_path_at(notice, text.index("乙")) == (1, 2)
    assert section_path_at(notice, text.index("筹资")) == (1,)
    assert section_path_at(notice, text.index("丙")) == (2,)
    assert section_path_at(notice, text.index("现就")) == ()
    assert section_path_at(notice, text.index("附件")) == ()
