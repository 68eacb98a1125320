"""Bad input is data: unseen notices (tests/data/extra), malformed notices and damaged files never crash the
parser; a notice it cannot read becomes a Problem naming file, line and text, and the rest still loads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.parse import parse_file, parse_paths, parse_text
from graph.records import ParseResult

EXTRA = sorted((Path(__file__).parent / "data" / "extra").glob("*.txt"))


def _strip_metadata(path: Path) -> str:
    """The extra files begin with a header (source, docno, note) ending at a line `---`."""
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    assert sep, f"{path.name} has no metadata header"
    return body


@pytest.fixture(scope="module")
def extra() -> dict[str, ParseResult]:
    return {p.name[:2]: parse_text(_strip_metadata(p), p.name) for p in EXTRA}


@pytest.mark.parametrize("path", EXTRA, ids=[p.stem for p in EXTRA])
def test_extra_notices_parse_without_errors(path: Path) -> None:
    result = parse_text(_strip_metadata(path), path.name)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert len(result.notices) == 1
    (notice,) = result.notices
    assert notice.span.start >= 0 and notice.span.end <= len(result.source.text)
    for citation in notice.citations:
        assert citation.docno is not None


def test_web_metadata_gives_the_docno_and_issuer(extra: dict[str, ParseResult]) -> None:
    (notice,) = extra["06"].notices
    assert notice.docno is not None and notice.docno.key == "常政办发〔2019〕103号"
    assert notice.title == "市政府办公室关于公布2020年度市本级和武进区城乡居民基本医疗保险筹资标准的通知"
    assert [a.name for a in notice.issuers] == ["常州市人民政府办公室"]
    assert notice.region_code == "320400"
    assert notice.signed == dt.date(2019, 9, 6)
    assert notice.publicity == "公开发布"


def test_title_above_the_docno(extra: dict[str, ParseResult]) -> None:
    (notice,) = extra["08"].notices
    assert notice.docno is not None and notice.docno.key == "冀医保函〔2024〕89号"
    assert notice.title == "关于做好2024年城乡居民基本医疗保障有关工作的通知"
    assert [a.name for a in notice.issuers] == ["河北省医疗保障局", "河北省财政厅", "国家税务总局河北省税务局"]
    assert {a.region_code for a in notice.issuers} == {"130000"}
    assert [(c.relation, str(c.docno)) for c in notice.citations] == [("implements", "医保发〔2024〕19号")]


def test_partial_notice_without_header(extra: dict[str, ParseResult]) -> None:
    (notice,) = extra["03"].notices
    assert notice.docno is None and notice.issuers == ()
    assert [(c.relation, str(c.docno)) for c in notice.citations] == [
        ("forwards", "医保发〔2021〕32号"), ("applies", "医保发〔2021〕10号"), ("attachment", "医保发〔2021〕32号")]
    assert [s.label for s in notice.sections] == ["一、", "二、", "三、", "四、"]
    assert any(p.severity == "warning" and "文号" in p.message for p in extra["03"].problems)


def test_odd_brackets_and_issuers_in_the_title(extra: dict[str, ParseResult]) -> None:
    (liaoning,) = extra["13"].notices
    assert [(c.relation, str(c.docno), c.docno_text) for c in liaoning.citations] == [
        ("implements", "辽医保〔2019〕18号", "辽医保﹝2019﹞18号")]
    (guangzhou,) = extra["12"].notices
    assert [a.name for a in guangzhou.issuers] == ["广州市医疗保障局", "广州市财政局"]
    assert guangzhou.region_code == "440100" and guangzhou.signed == dt.date(2021, 10, 14)
    (tianjin,) = extra["10"].notices
    assert [s.path for s in tianjin.sections] == [(1,), (2,), (3,), (3, 1), (3, 2), (3, 3), (4,)]


TWO_NOTICES = """南宁市医疗保障局文件

南医保发〔2021〕9号

关于转发《关于做好2021年工作的通知》的通知

各县（区）医疗保障局：

现将《关于做好2021年工作的通知》（桂医保发〔2021〕3号）转发给你们，请遵照执行。

南宁市医疗保障局办公室 2021年3月2日印发

附件

广西壮族自治区医疗保障局文件

桂医保发〔2021〕号

关于做好2021年工作的通知

各市医疗保障局：

一、提高筹资标准。个人缴费每人320元。
"""


def test_a_broken_docno_is_an_error_and_the_other_notice_loads() -> None:
    result = parse_text(TWO_NOTICES, "broken.txt")
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    (error,) = errors
    assert error.file == "broken.txt"
    assert error.line == TWO_NOTICES.splitlines().index("桂医保发〔2021〕号") + 1
    assert error.text == "桂医保发〔2021〕号"
    assert "文号" in error.message
    first, second = result.notices
    assert first.docno is not None and first.docno.key == "南医保发〔2021〕9号"
    assert [(c.relation, str(c.docno)) for c in first.citations] == [("forwards", "桂医保发〔2021〕3号")]
    assert second.docno is None and second.title == "关于做好2021年工作的通知"
    assert second.attached_to == "南医保发〔2021〕9号"
    assert [s.label for s in second.sections] == ["一、"]


def test_binary_garbage_in_the_middle_is_an_error_and_the_notices_load(corpus_dir: Path) -> None:
    text = (corpus_dir / "004_8668b270f018edd3.txt").read_text(encoding="utf-8")
    at = text.index("二、进一步提高困难群众")
    damaged = text[:at] + "\x00\x13\x88\ufffd\x01\n" + text[at:]
    result = parse_text(damaged, "damaged.txt")
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].line == damaged[:at].count("\n") + 1
    assert "garbage" in errors[0].message
    clean = parse_text(text, "clean.txt")
    assert [(n.docno, n.title, [s.path for s in n.sections]) for n in result.notices] == [
        (n.docno, n.title, [s.path for s in n.sections]) for n in clean.notices]


def test_unreadable_files_raise_input_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.txt"):
        parse_file(tmp_path / "missing.txt")
    # GBK is no longer an input error: it is detected and read (graph.ingest, tests/test_ingest.py).
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("关于做好城乡居民医保工作的通知\n各市医疗保障局：\n现将有关事项通知如下。".encode("gbk"))
    result = parse_file(gbk)
    assert result.source.extraction.encoding == "gb18030"
    assert result.source.text.startswith("关于做好城乡居民医保工作的通知")
    with pytest.raises(InputError, match="empty.txt: the file is empty"):
        (tmp_path / "empty.txt").write_bytes(b"")
        parse_file(tmp_path / "empty.txt")


def test_parse_paths_expands_directories_sorted(tmp_path: Path, corpus_dir: Path) -> None:
    for name in ("b.txt", "a.txt"):
        (tmp_path / name).write_text(TWO_NOTICES, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a notice", encoding="utf-8")
    results = parse_paths([tmp_path, corpus_dir / "003_44596d361824ae10.txt"])
    assert [r.source.name for r in results] == ["a.txt", "b.txt", "003_44596d361824ae10.txt"]
    assert len(results[0].source.sha256) == 64


def test_an_empty_file_has_no_notices() -> None:
    assert parse_text("", "empty.txt").notices == ()
    assert parse_text("\n\n  \n", "blank.txt").notices == ()
