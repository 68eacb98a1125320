"""A partial notice with no header or signature still gets the region of the rules it carries out: from the
titles it cites, else from the province abbreviation of a cited 文号 (made-up texts, not the corpus)."""

from __future__ import annotations

from graph.parse import parse_text


def _regions(text: str) -> set[str]:
    [notice] = parse_text(text, "partial.txt").notices
    assert notice.figures, "the figure is read"
    return {f.region_code for f in notice.figures}


def test_region_from_a_cited_title() -> None:
    text = ("根据《重庆市城乡居民大病保险办法》（渝府办发〔2015〕7号），现就有关问题通知如下：\n"
            "一、城乡居民大病保险筹资标准为每人40元。\n")
    assert _regions(text) == {"500000"}


def test_region_from_a_cited_docno_abbreviation() -> None:
    text = ("根据省医疗保障局《关于做好2019年城乡居民基本医疗保障工作的通知》（鄂医保发〔2019〕30号）精神，"
            "结合我市实际，通知如下：\n一、城乡居民大病保险筹资标准由原来的55元/年提高至70元/年。\n")
    assert _regions(text) == {"420000"}
