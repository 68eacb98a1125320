"""Cleaned views keep a map to the original offsets; noise goes, the source stays verbatim."""

from __future__ import annotations

from graph.parse.text import LineIndex, clean, fold_width, join_lines, lines_of
from graph.records import Span


def test_page_numbers_watermarks_and_bold_are_dropped() -> None:
    text = "**南宁市医疗保障局**\n—1—\n\n扫描全能王 创建\n发〔2020〕\n— 10 —\n-3-\n正文"
    view = clean(text)
    assert view.raw == "南宁市医疗保障局\n发〔2020〕\n正文"


def test_a_dash_range_inside_a_line_is_not_a_page_number() -> None:
    assert clean("（2018-2020年）").raw == "（2018-2020年）"


def test_spaces_between_cjk_and_around_digits_go_but_not_between_latin_words() -> None:
    assert clean("现就 2020 年度 46 号 国家医 疗").raw == "现就2020年度46号国家医疗"
    assert clean("POS 机 DRG 付费 Scanned text").raw == "POS机DRG付费Scanned text"


def test_newlines_keep_or_drop() -> None:
    text = "健全和完善城\n\n  乡居民医保\n"
    assert clean(text, newlines="keep").raw == "健全和完善城\n乡居民医保"
    assert clean(text, newlines="drop").raw == "健全和完善城乡居民医保"


def test_every_kept_character_maps_back_to_itself() -> None:
    text = "**根据桂医保发\n〔2020〕46 号**文件\n—2—\n规定：280 元"
    view = clean(text, newlines="drop")
    assert all(text[o] == c for c, o in zip(view.raw, view.offsets, strict=True))
    start = view.raw.index("桂医保发")
    end = view.raw.index("号") + 1
    span = view.span(start, end)
    assert span == Span(text.index("桂"), text.index("号") + 1)
    assert text[span.start : span.end] == "桂医保发\n〔2020〕46 号"


def test_width_folding_is_one_for_one() -> None:
    raw = "（一）１．费用：５５元"
    assert fold_width(raw) == "(一)1.费用:55元"
    assert len(fold_width(raw)) == len(raw)
    view = clean(raw)
    assert view.text == "(一)1.费用:55元" and view.raw == raw


def test_join_lines_keeps_spaces_but_not_line_breaks() -> None:
    assert join_lines("国家医保局 财政部关于做好\n\n2020年\n—3—\n的通知") == "国家医保局 财政部关于做好2020年的通知"


def test_lines_of_a_view() -> None:
    view = clean("一、标题\n\n（一）正文。\n")
    assert [(line.raw, line.text) for line in lines_of(view)] == [("一、标题", "一、标题"), ("（一）正文。", "(一)正文。")]


def test_line_index_is_one_based() -> None:
    index = LineIndex("a\nbb\n\nccc")
    assert [index.line(o) for o in (0, 2, 3, 5, 6)] == [1, 2, 2, 3, 4]
    assert index.text_at(7) == "ccc"


def test_garbage_characters_are_noise() -> None:
    assert clean("医疗\x00\x01\ufffd保障").raw == "医疗保障"
