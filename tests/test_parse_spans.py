"""Every span refers to the ORIGINAL source: verbatim fields are the source text at their span."""

from __future__ import annotations

from graph.parse.text import clean, join_lines
from graph.records import ParseResult


def test_notices_partition_their_file_in_order(corpus_results: list[ParseResult]) -> None:
    for result in corpus_results:
        text = result.source.text
        previous_end = 0
        for notice in result.notices:
            assert previous_end <= notice.span.start < notice.span.end <= len(text)
            assert not text[notice.span.start].isspace() and not text[notice.span.end - 1].isspace()
            previous_end = notice.span.end


def test_notice_fields_occur_in_the_notice_text(corpus_results: list[ParseResult]) -> None:
    for result in corpus_results:
        text = result.source.text
        for notice in result.notices:
            own = text[notice.span.start : notice.span.end]
            flat = clean(own, newlines="drop").raw
            assert notice.title in flat
            assert notice.docno_text in join_lines(own)
            for name in [a.name for a in notice.issuers] + list(notice.addressees) + list(notice.copied_to):
                assert name in flat, name
            for entry in notice.attachments:
                assert entry in join_lines(own)


def test_section_spans_start_at_their_label_and_nest(corpus_results: list[ParseResult]) -> None:
    for result in corpus_results:
        text = result.source.text
        for notice in result.notices:
            by_path = {s.path: s for s in notice.sections}
            for section in notice.sections:
                assert notice.span.start <= section.span.start < section.span.end <= notice.span.end
                assert text.startswith(section.label, section.span.start)
                parent = by_path.get(section.path[:-1])
                if parent is not None:
                    assert parent.span.start < section.span.start and section.span.end <= parent.span.end
            tops = sorted(s.span for s in notice.sections if len(s.path) == 1)
            assert all(a.end <= b.start for a, b in zip(tops, tops[1:], strict=False))


def test_citation_spans_hold_their_verbatim_title_and_docno(corpus_results: list[ParseResult]) -> None:
    for result in corpus_results:
        text = result.source.text
        for notice in result.notices:
            for citation in notice.citations:
                assert notice.span.start <= citation.span.start < citation.span.end <= notice.span.end
                quoted = join_lines(text[citation.span.start : citation.span.end])
                assert citation.docno_text in quoted
                if text[citation.span.start] == "《":
                    assert quoted.startswith("《" + citation.title)


def test_figure_quotes_are_the_source_at_their_span(corpus_results: list[ParseResult]) -> None:
    for result in corpus_results:
        text = result.source.text
        for notice in result.notices:
            for figure in notice.figures:
                assert text[figure.span.start : figure.span.end] == figure.quote
                assert notice.span.start <= figure.span.start < figure.span.end <= notice.span.end
