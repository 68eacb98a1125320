"""文号: every spelling normalises to one DocNo; bare 文号 are found in running text."""

from __future__ import annotations

import pytest

from graph.parse.docno import find_docnos, parse_docno
from graph.records import DocNo

GUI_46 = DocNo("桂医保发", 2020, 46)


@pytest.mark.parametrize(
    "text",
    ["桂医保发〔2020〕46号", "桂医保发[2020]46号", "桂医保发（2020）46号", "桂医保发(2020)46号", "桂医保发﹝2020﹞46号",
     "桂医保发<2020>46号", "桂医保发【2020】46号", "桂医保发〔2020〕46 号", " 桂医保发 〔 2020 〕 46 號 ",
     "桂医保发〔２０２０〕４６号", "（桂医保发〔2020〕46号）", "文件编号:桂医保发〔2020〕46号", "桂医保发〔2020〕第46号"],
)
def test_variants_normalise_to_one_docno(text: str) -> None:
    assert parse_docno(text) == GUI_46
    assert parse_docno(text).key == "桂医保发〔2020〕46号"  # type: ignore[union-attr]


def test_order_style_number_has_no_year() -> None:
    docno = parse_docno("人力资源社会保障部国家医疗保障局令第 41 号")
    assert docno == DocNo("人力资源社会保障部国家医疗保障局令", None, 41)
    assert docno.key == "人力资源社会保障部国家医疗保障局令第41号"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "桂医保发〔2020〕号", "桂医保发〔20x0〕46号", "关于做好2020年工作的通知",
                                  "根据桂医保发〔2020〕46号文件", "2020年8月11日"])
def test_not_a_docno(text: str) -> None:
    assert parse_docno(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据桂医保发〔2020〕46号文件规定", "桂医保发〔2020〕46号"),
        ("按照桂人社规〔2018〕14 号文件规定执行", "桂人社规〔2018〕14号"),
        ("参保缴费标准根据桂医保发〔2020〕46 号", "桂医保发〔2020〕46号"),
        ("（人社部发〔2017〕36号）和《…》（国卫基层发〔2017〕20号）", "人社部发〔2017〕36号 国卫基层发〔2017〕20号"),
        ("严格执行《…》（赣医保发[2020]15 号）", "赣医保发〔2020〕15号"),
        ("（人力资源和社会保障部令第 41 号）", "人力资源和社会保障部令第41号"),
        ("根据国家医疗保障局令第2号", "国家医疗保障局令第2号"),
        ("辽医保﹝2019﹞18号", "辽医保〔2019〕18号"),
    ],
)
def test_find_docnos_in_running_text(text: str, expected: str) -> None:
    assert " ".join(m.docno.key for m in find_docnos(text)) == expected


def test_find_docnos_spans_cover_the_code_to_the_number() -> None:
    text = "根据桂医保发〔2020〕46 号文件"
    (m,) = find_docnos(text)
    assert text[m.start : m.end] == "桂医保发〔2020〕46 号"


def test_a_paragraph_boundary_stops_the_issuer_code() -> None:
    text = "国家税务总局南宁市税务局南医保发〔2020〕60号"
    boundary = text.index("南医保发")
    assert [m.docno.key for m in find_docnos(text, [boundary])] == ["南医保发〔2020〕60号"]
    # A boundary inside the code itself (a line broken after 人社部) leaves the code whole.
    text = "根据人社部发〔2017〕36号"
    assert [m.docno.key for m in find_docnos(text, [text.index("发")])] == ["人社部发〔2017〕36号"]


@pytest.mark.parametrize(("text", "expected"), [
    ("永和人社发[2016]23 号", "永和人社发〔2016〕23号"),  # 和 in a place name is no conjunction of the sentence
    ("按照和平医保发〔2021〕5号执行", "和平医保发〔2021〕5号"),
    ("《通知》和湘医保发〔2021〕5号", "湘医保发〔2021〕5号"),  # a conjunction still cuts
])
def test_a_one_character_word_inside_a_place_name_does_not_cut_the_code(text: str, expected: str) -> None:
    assert " ".join(m.docno.key for m in find_docnos(text)) == expected
