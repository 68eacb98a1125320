"""Notices as people have them: a GB18030 copy, a government web page, a typeset PDF and a Word file, each
made inside the test from a corpus text (tests/ingest_samples.py), must give the records, figures and
quotes the plain text gives, with a record of how the file became text; the files nothing can read (a
scan, a legacy .doc) say what they need and cost only themselves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from ingest_samples import PAGE_URL, docx_file, html_page, pdf_file, scanned_pdf, table_layout_page

from graph.cli import main
from graph.errors import InputError
from graph.ingest import read_bytes
from graph.parse import parse_bytes, parse_file
from graph.records import Figure, Notice, ParseResult
from graph.store import open_store
from graph.to_rdf import notice_graphs
from graph.vocab import NKG, PROV

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# 南宁 (a notice carrying its attachment), 南昌 (a forward), 兰州 (a forward with a 附表 table)
FILES = ["000_fb74dc5b27144318.txt", "001_c06b19ca11661c1b.txt", "004_8668b270f018edd3.txt"]
FORMATS = {
    "gb18030": (lambda text: text.encode("gb18030"), ".txt"),
    "html": (lambda text: html_page(text, title=_first_title(text)), ".html"),
    "pdf": (pdf_file, ".pdf"),
    "docx": (docx_file, ".docx"),
}


def _first_title(text: str) -> str:
    return parse_bytes(text.encode("utf-8"), "t.txt").notices[0].title


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def figure_key(f: Figure) -> tuple:
    return (f.kind, str(f.value), f.unit, f.qualifier, f.year, f.year_type, f.year_inferred, f.region_code,
            f.scope or "", f.scope_regions, f.payer or "", f.section_path, f.restates or "", f.note or "")


def notice_record(n: Notice) -> tuple:
    """What a notice says, without where in the text it says it (a PDF's line breaks move the offsets)."""
    return (n.docno, _squash(n.title), tuple(a.name for a in n.issuers), n.signed, n.printed, n.addressees,
            n.copied_to, n.publicity, n.attached_to, n.region_code, tuple((s.path, s.label) for s in n.sections),
            tuple((c.docno, c.relation, c.section_path, _squash(c.title)) for c in n.citations),
            tuple(_squash(a) for a in n.attachments))


@pytest.fixture(scope="module")
def plain() -> dict[str, ParseResult]:
    return {name: parse_file(CORPUS / name) for name in FILES}


@pytest.fixture(scope="module")
def converted(plain: dict[str, ParseResult]) -> dict[tuple[str, str], ParseResult]:
    out = {}
    for name in FILES:
        text = (CORPUS / name).read_text(encoding="utf-8")
        for fmt, (make, suffix) in FORMATS.items():
            out[name, fmt] = parse_bytes(make(text), Path(name).stem + suffix)
    return out


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", FILES)
def test_every_format_gives_the_records_of_the_plain_text(name: str, fmt: str, plain, converted) -> None:
    expected, got = plain[name], converted[name, fmt]
    assert [notice_record(n) for n in got.notices] == [notice_record(n) for n in expected.notices]
    for want, have in zip(expected.notices, got.notices, strict=True):
        assert sorted(map(figure_key, have.figures), key=repr) == sorted(map(figure_key, want.figures), key=repr)
        # The same figures say the same words, whatever line breaks the format put in them.
        quotes = {figure_key(f): _squash(f.quote) for f in want.figures}
        assert {figure_key(f): _squash(f.quote) for f in have.figures} == quotes
    assert not [p for p in got.problems if p.severity == "error"]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_quotes_are_verbatim_at_their_offsets_in_the_stored_text(fmt: str, converted) -> None:
    for name in FILES:
        result = converted[name, fmt]
        text = result.source.text
        figures = [f for n in result.notices for f in n.figures]
        assert figures
        for f in figures:
            assert text[f.span.start : f.span.end] == f.quote
        for n in result.notices:
            assert text[n.span.start : n.span.end].strip()


def test_the_record_says_how_each_file_became_text(converted) -> None:
    name = FILES[0]
    gb = converted[name, "gb18030"].source.extraction
    assert (gb.media_type, gb.encoding, gb.method) == ("text/plain", "gb18030", "decode-detected")
    assert 0 < gb.confidence <= 1 and gb.library.startswith("charset-normalizer ")
    page = converted[name, "html"].source.extraction
    assert (page.media_type, page.encoding, page.method) == ("text/html", "gb18030", "html-main-content")
    assert page.confidence == 1.0  # the page's meta charset (gb2312, read as its superset) reads it
    assert page.source_url == PAGE_URL  # the canonical link before og:url
    assert page.library.startswith("trafilatura ")
    pdf = converted[name, "pdf"].source.extraction
    assert (pdf.media_type, pdf.method, pdf.encoding) == ("application/pdf", "pdf-text-layer", None)
    assert pdf.library.startswith("PyMuPDF ")
    doc = converted[name, "docx"].source.extraction
    assert doc.media_type.endswith("wordprocessingml.document") and doc.library.startswith("python-docx ")
    plain_text = parse_file(CORPUS / name).source.extraction
    assert (plain_text.encoding, plain_text.confidence, plain_text.method) == ("utf-8", 1.0, "decode-utf-8")


def test_the_sha256_is_of_the_bytes_read() -> None:
    import hashlib

    data = docx_file((CORPUS / FILES[2]).read_text(encoding="utf-8"))
    assert parse_bytes(data, "x.docx").source.sha256 == hashlib.sha256(data).hexdigest()


def test_a_web_page_keeps_the_notice_and_drops_the_page(converted) -> None:
    text = converted[FILES[0], "html"].source.text
    for chrome in ("索引号", "网站首页", "当前位置", "分享到", "微博", "打印本页", "关闭窗口", "网站标识码", "ICP备",
                   "相关链接", "浏览次数", "字体", "_hmt", "float"):
        assert chrome not in text, chrome
    for kept in ("南医保发〔2020〕60号", "南宁市医疗保障局办公室", "桂医保发〔2020〕46号"):
        assert kept in text


def test_a_page_laid_out_in_tables_with_line_breaks(plain) -> None:
    name = FILES[1]
    result = parse_bytes(table_layout_page((CORPUS / name).read_text(encoding="utf-8")), "old-site.html")
    assert [notice_record(n) for n in result.notices] == [notice_record(n) for n in plain[name].notices]
    for want, have in zip(plain[name].notices, result.notices, strict=True):
        assert sorted(map(figure_key, have.figures), key=repr) == sorted(map(figure_key, want.figures), key=repr)
    for chrome in ("首页", "版权所有", "索引号"):
        assert chrome not in result.source.text


def test_a_bare_web_page_gets_its_docno_and_issuer_from_the_panel() -> None:
    """A page whose body starts at the addressees: the <h1> title and the 索引号 panel's 文号 and 发布机构
    stand in for the missing 版头."""
    body = "\n".join(["各市医疗保障局：", "现将有关事项通知如下：", "一、2021年个人缴费标准每人每年不低于320元。",
                      "某省医疗保障局", "2021年6月1日"])
    page = html_page(body, title="关于做好2021年居民医保工作的通知")
    page = page.replace("某医保发〔2020〕1号".encode("gb18030"), "桂医保发〔2021〕9号".encode("gb18030"))
    result = parse_bytes(page, "bare.html")
    [notice] = result.notices
    assert notice.docno is not None and notice.docno.key == "桂医保发〔2021〕9号"
    assert notice.title == "关于做好2021年居民医保工作的通知"
    assert "索引号" not in result.source.text


def test_a_pdf_keeps_its_page_furniture_in_the_text_but_out_of_the_notice(converted) -> None:
    result = converted[FILES[2], "pdf"]
    text = result.source.text
    marked = [text[s.start : s.end] for s in result.source.extraction.furniture]
    assert marked.count("城乡居民基本医疗保障工作文件") >= 2 and "— 1 —" in marked
    assert all(_squash(m) in {"城乡居民基本医疗保障工作文件"} or re.fullmatch(r"—\d+—", _squash(m)) for m in marked)
    for n in result.notices:
        assert "城乡居民基本医疗保障工作文件" not in n.title
        assert all("城乡居民基本医疗保障工作文件" not in f.quote for f in n.figures)


def test_files_nothing_can_read_say_what_they_need() -> None:
    with pytest.raises(InputError, match=r"scan\.pdf: a scanned PDF .*OCR"):
        read_bytes(scanned_pdf(), "scan.pdf")
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    for name in ("old.doc", "old.wps", "disguised.docx"):
        with pytest.raises(InputError, match=rf"{re.escape(name)}: a legacy binary Word/WPS file.*convert"):
            read_bytes(legacy, name)
    with pytest.raises(InputError, match="empty"):
        read_bytes(b"  \n", "blank.txt")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_unicode_text_in_any_form_reads_alike(codec: str, plain) -> None:
    text = (CORPUS / FILES[1]).read_text(encoding="utf-8")
    result = parse_bytes(text.encode(codec), "x.txt")
    assert [notice_record(n) for n in result.notices] == [notice_record(n) for n in plain[FILES[1]].notices]
    assert result.source.text == text


def test_an_undecodable_byte_costs_one_character_and_says_where() -> None:
    text = (CORPUS / FILES[1]).read_text(encoding="utf-8")
    data = bytearray(text.encode("gb18030"))
    line = 12
    at = [m.start() for m in re.finditer(b"\n", data)][line - 2] + 1  # the first byte of line 12
    data[at:at] = b"\xff"
    result = parse_bytes(bytes(data), "damaged.txt")
    assert len(result.notices) == 2  # decoded as far as possible: nothing else lost
    [fault] = [p for p in result.problems if "cannot be decoded" in p.message]
    assert (fault.file, fault.line) == ("damaged.txt", line)
    assert "ff" in fault.message and "gb18030" in fault.message and "bytes around" in fault.message
    assert result.source.extraction.method == "decode-lossy"


def read_trig(path: Path) -> rdflib.Graph:
    """The union of a TriG file's graphs."""
    store = open_store("memory:")
    store.load_file(str(path))
    return store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _write_samples(folder: Path) -> None:
    text = (CORPUS / FILES[0]).read_text(encoding="utf-8")
    (folder / "nanning.pdf").write_bytes(pdf_file(text))
    (folder / "nanning.pdf.meta.json").write_text(json.dumps(
        {"source_url": "http://ybj.nanning.gov.cn/notice/60.pdf", "retrieved": "2024-03-05"}), encoding="utf-8")
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_build_reads_a_folder_of_mixed_files_and_records_where_they_came_from(tmp_path: Path) -> None:
    _write_samples(tmp_path)
    out = tmp_path / "built.trig"
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--store", "memory:", "-o", str(out)])
    assert "scan.pdf" in result.stderr and "OCR" in result.stderr
    assert "old.doc" in result.stderr and "convert" in result.stderr
    assert re.search(r"^notices\s+2$", result.stdout, re.M)  # the good file loaded: 60号 and its attachment
    data = read_trig(out)
    sources = set(data.subjects(NKG.fileName, rdflib.Literal("nanning.pdf")))
    [source] = sources
    assert data.value(source, NKG.mediaType) == rdflib.Literal("application/pdf")
    assert data.value(source, NKG.sourceUrl) == rdflib.URIRef("http://ybj.nanning.gov.cn/notice/60.pdf")
    assert str(data.value(source, NKG.retrieved)) == "2024-03-05"
    activities = set(data.subjects(PROV.used, source))
    assert len(activities) == 2  # one parse activity per notice graph, both reading the one PDF
    for activity in activities:
        assert data.value(activity, NKG.extractionMethod) == rdflib.Literal("pdf-text-layer")
        assert str(data.value(activity, NKG.extractedWith)).startswith("PyMuPDF ")


def test_source_url_given_for_one_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(html_page((CORPUS / FILES[2]).read_text(encoding="utf-8")))
    given = parse_file(page, source_url="https://example.gov.cn/a.html").source.extraction
    assert given.source_url == "https://example.gov.cn/a.html"  # before the page's own canonical link
    assert parse_file(page).source.extraction.source_url == PAGE_URL
    bad = parse_file(page, source_url="javascript:alert(1)")
    assert bad.source.extraction.source_url == PAGE_URL
    assert any("source URL ignored" in p.message for p in bad.problems)
    (tmp_path / "other.txt").write_text("x", encoding="utf-8")
    two = CliRunner().invoke(main, ["build", str(tmp_path), "--store", "memory:", "--source-url", "https://a.cn/"])
    assert two.exit_code == 2 and "one file" in two.stderr


def test_the_graph_states_the_extraction(converted) -> None:
    result = converted[FILES[0], "html"]
    _, _, shared = notice_graphs(result.notices[0], result.source)  # a file's description is shared
    graph = shared.sources
    [source] = set(graph.subjects(NKG.mediaType, rdflib.Literal("text/html")))
    assert graph.value(source, NKG.encoding) == rdflib.Literal("gb18030")
    assert graph.value(source, NKG.sourceUrl) == rdflib.URIRef(PAGE_URL)
    assert float(graph.value(source, NKG.encodingConfidence)) == 1.0
    assert graph.value(source, NKG.text) == rdflib.Literal(result.source.text)
