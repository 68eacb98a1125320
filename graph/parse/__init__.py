"""Text → records: a file of notices becomes a `ParseResult` (the notices, their parts, and the problems).

    parse_file(path, name=None, source_url=None)    read one file: text in any encoding, HTML, PDF, DOCX
    parse_bytes(data, name, media_type, source)     the same for bytes in hand (an upload)
    parse_read(read, name)                          what `graph.ingest` read, with its problems first
    parse_text(text, name) -> ParseResult           text in hand
    parse_paths(paths) -> list[ParseResult]         files and directories (their notice files, sorted)

Every file goes through `graph.ingest` (bytes → text plus how); a PDF's page furniture comes with it as
ranges that `text.furniture` makes the cleaning drop, so offsets stay those of the stored text.

The steps, one module each: `text` (cleaned views with an offset map), `segment` (notices in a file),
`header` (版头), `footer` (附件说明, signature, dates, 版记), `sections` (the numbered body; also
`section_path_at`), `citations` (《title》（文号） and bare 文号 with their relation), then `figures`.
`docno` reads 文号 and `lines` tells what a line of a notice is; both are shared by the steps.
A notice that cannot be read becomes an error `Problem` (file, line, text); the rest still loads. Only a file
that cannot be read at all raises `InputError` (`NoticeParseError` when its text cannot be read, `ParseTimeout`
when reading it takes longer than its budget): parsing never raises anything else.

Each notice has a time budget (`budget.py`: `budget` seconds, default 10 or `NOTICEKG_PARSE_BUDGET`): a notice
that takes longer is an error `Problem` and is skipped (its figures, when they are what takes longer).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .. import regions
from ..errors import NoticeParseError, ParseTimeout
from ..ingest import Read, SourceInfo, is_notice_file, read_bytes, read_path
from ..records import Agency, DocNo, Extraction, Notice, ParseResult, SourceFile
from .budget import FILE_CHARS, Budget, BudgetExceeded, default_seconds
from .citations import DocNoMatch, file_docnos, find_citations, normal_title
from .docno import find_docnos, parse_docno
from .figures import extract_figures
from .footer import Footer, parse_footer
from .header import Header, agencies, parse_header, title_issuers
from .sections import parse_sections, section_path_at
from .segment import Block, segment
from .text import GARBAGE, Context, Reporter, clean, furniture, lines_of
from .validity import read_validity

__all__ = ["parse_bytes", "parse_file", "parse_read", "parse_text", "parse_paths", "parse_docno", "find_docnos",
           "section_path_at"]


# Lone surrogates (from a bad decoder upstream) cannot be encoded: each becomes U+FFFD, one for one.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def parse_file(path: str | os.PathLike[str], name: str | None = None, source_url: str | None = None,
               budget: float | None = None) -> ParseResult:
    """Parse one file of any format `graph.ingest` reads (text in any encoding, HTML, PDF, DOCX). Raises
    `InputError` only when the file is missing, unreadable, or needs something first (OCR, conversion), and
    `NoticeParseError` when its text cannot be read."""
    path = Path(path)
    return parse_read(read_path(path, name or path.name, source_url), name or path.name, budget)


def parse_bytes(data: bytes, name: str, media_type: str | None = None, source: SourceInfo | None = None,
                budget: float | None = None) -> ParseResult:
    """Parse a file's bytes (an upload): as `parse_file`, with the media type it came with."""
    return parse_read(read_bytes(data, name, media_type, source), name, budget)


def parse_read(read: Read, name: str, budget: float | None = None) -> ParseResult:
    """Parse what `graph.ingest` read; its problems (an undecodable byte, a bad sidecar) come first."""
    result = _parse(read.text, name, read.sha256, budget, read.extraction)
    return replace(result, problems=(*read.problems, *result.problems)) if read.problems else result


def parse_text(text: str, name: str, budget: float | None = None) -> ParseResult:
    """Parse text in hand; `budget` is the seconds a notice may take (default: `budget.default_seconds()`)."""
    return _parse(text, name, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), budget)


def parse_paths(paths: Iterable[str | os.PathLike[str]], budget: float | None = None) -> list[ParseResult]:
    """Parse files and directories (a directory stands for the notice files in it, sorted by name)."""
    results = []
    for p in map(Path, paths):
        files = sorted(f for f in p.iterdir() if is_notice_file(f)) if p.is_dir() else [p]
        results += [parse_file(f, budget=budget) for f in files]
    return results


# A collector's header before the notice: `key: value` lines (source:, docno:, note:) closed by a line `---`.
_FRONT_KEY = re.compile(r"[A-Za-z][A-Za-z_ -]{0,24}:")
_FRONT_END = re.compile(r"^---[ \t]*$", re.M)


def front_matter(text: str) -> int:
    """The length of a collector's header at the top of `text` (0 when there is none). The notice is read
    after it; offsets stay those of the file."""
    if not _FRONT_KEY.match(text):
        return 0
    end = _FRONT_END.search(text, 0, 20_000)
    if end is None:
        return 0
    return end.end()


def _parse(text: str, name: str, sha256: str, seconds: float | None,
           extraction: Extraction | None = None) -> ParseResult:
    text = original = _LONE_SURROGATE.sub("\ufffd", text)
    skip = front_matter(text)
    if skip:  # blanked, not cut: every offset still points into the file as it is
        text = re.sub(r"[^\n]", " ", text[:skip]) + text[skip:]
    seconds = default_seconds() if seconds is None else seconds
    marked = [(s.start, s.end) for s in extraction.furniture] if extraction else []
    try:
        with furniture(text, marked):
            return _read(text, name, sha256, seconds, original, extraction)
    except BudgetExceeded as e:
        raise ParseTimeout(name, 1, _first_line(text), f"{e} for the whole file; raise it with NOTICEKG_PARSE_BUDGET") from e
    except NoticeParseError:
        raise
    except Exception as e:  # a step that reads the whole file failed: the file is one error, never a crash
        raise NoticeParseError(name, 1, _first_line(text), f"cannot read this file ({type(e).__name__}: {e})") from e


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.split("\n", 50)[:50] if line.strip()), "")[:200]


def _read(text: str, name: str, sha256: str, seconds: float, original: str,
          extraction: Extraction | None) -> ParseResult:


    report = Reporter(name, text)
    whole = Budget(seconds * max(1.0, len(text) / FILE_CHARS))  # the steps that read the whole file
    with whole.running():
        for m in GARBAGE.finditer(text):
            report.at("error", m.start(), "unreadable characters (binary garbage) skipped")
        view = clean(text, newlines="keep")
        ctx = Context(text, view, clean(text, newlines="drop"), lines_of(view), report)
        blocks = segment(ctx.lines, view, report)
    parts: list[tuple[Block, Header, Footer, Budget]] = []
    for block in blocks:
        budget = Budget(seconds)
        try:
            with budget.running():
                header = parse_header(ctx, block)
                parts.append((block, header, parse_footer(ctx, block, header.body_first), budget))
        except BudgetExceeded as e:
            report.at("error", ctx.offset(block.first), f"notice skipped: {e}")
        except Exception as e:  # noqa: BLE001 - a notice we cannot read is a Problem, never a crash
            report.at("error", ctx.offset(block.first), f"cannot read this notice ({type(e).__name__}: {e})")
    titles = [(normal_title(h.title), h.docno) for _, h, _, _ in parts if h.docno is not None and h.title]
    container = parts[0][1].docno if parts else None
    with whole.running():
        docnos = file_docnos(ctx)
    notices = []
    for n, (block, header, footer, budget) in enumerate(parts):
        try:
            with budget.running():
                notice = _notice(ctx, name, block, header, footer, titles, docnos)
        except BudgetExceeded as e:
            report.at("error", ctx.offset(block.first), f"notice skipped: {e}")
            continue
        except Exception as e:  # noqa: BLE001
            report.at("error", ctx.offset(block.first), f"cannot read this notice ({type(e).__name__}: {e})")
            continue
        if n > 0 and container is not None:
            notice = replace(notice, attached_to=container.key)
        with budget.running():
            notices.append(_with_validity(text, _with_figures(text, notice, ctx), ctx))
    problems = sorted(report.problems, key=lambda p: p.line)  # stable: each line's problems in finding order
    return ParseResult(SourceFile(name, sha256, original, extraction), tuple(notices), tuple(problems))


def _notice(ctx: Context, name: str, block: Block, h: Header, f: Footer,
            titles: list[tuple[str, DocNo]], docnos: list[DocNoMatch]) -> Notice:
    span = ctx.line_span(block.first, block.last)
    issuer_names = _issuer_names(ctx, block, h, f)
    issuers = _disambiguated(agencies(issuer_names), h, docnos)
    if not issuers:
        ctx.report.at("warning", span.start, "no issuing agency found")
    body_start = ctx.offset(h.body_first) if h.body_first <= block.last else span.end
    sections = parse_sections(ctx, h.body_first, f.first)
    notice = Notice(
        source_file=name, span=span, docno=h.docno, docno_text=h.docno_text, title=h.title,
        issuers=issuers, addressees=h.addressees, sections=sections, citations=(),
        signed=f.signed, printed=f.printed, attachments=f.attachments, copied_to=f.copied_to,
        publicity=f.publicity or _metadata_publicity(h), printed_by=f.printed_by,
        # The first issuer's jurisdiction (the next one's when the first names no place: 市政府办公室).
        region_code=next((a.region_code for a in issuers if a.region_code), None),
    )
    others = [(t, d) for t, d in titles if d != h.docno]
    citations = find_citations(ctx, span, body_start, h.docno, h.docno_span, f.attachment_spans, others,
                               lambda offset: section_path_at(notice, offset), docnos)
    return replace(notice, citations=citations)


def _disambiguated(issuers: tuple[Agency, ...], h: Header, docnos: list[DocNoMatch]) -> tuple[Agency, ...]:
    """An issuer whose place name divisions of its level share (西安区 of 辽源市 and of 牡丹江市) is read as the
    one the notice's 文号 and those it cites point to (`regions.by_issuer_codes`: 牡丹西安人社发, 牡人社发)."""
    codes = [h.docno.issuer_code if h.docno else ""] + [m.docno.issuer_code for m in docnos]
    out = []
    for a in issuers:
        names = regions.find_names(re.sub(r"\s+", "", a.name)) if a.region_code else []
        if a.region_code and names and names[0].start == 0:
            level = regions.level_of(a.region_code)
            candidates = [c for c in regions.homonyms(names[0].text) if regions.level_of(c) == level]
            best = regions.by_issuer_codes(candidates, codes) if len(candidates) > 1 else None
            if best and best != a.region_code:
                a = replace(a, region_code=best)
        out.append(a)
    return tuple(out)


def _issuer_names(ctx: Context, block: Block, h: Header, f: Footer) -> list[str]:
    """The 版头's issuers; else the signature's; else the metadata's 发布机构; else those named in the title."""
    if h.issuers:
        for name in f.signature:
            if name not in h.issuers:
                ctx.report.at("warning", ctx.offset(f.first), f"signature names {name}, not among the issuers")
        return h.issuers
    if f.signature:
        return list(f.signature)
    if h.metadata.get("发布机构"):
        return [h.metadata["发布机构"]]
    if h.title_span is not None:
        return title_issuers(ctx.text[h.title_span.start : h.title_span.end])
    return []


def _metadata_publicity(h: Header) -> str | None:
    value = h.metadata.get("公开方式")
    return value or None


def _with_figures(text: str, notice: Notice, ctx: Context) -> Notice:
    try:
        figures, problems = extract_figures(text, notice)
    except BudgetExceeded as e:  # the notice is kept, without the figures that took too long
        ctx.report.at("error", notice.span.start, f"figures not read: {e}")
        return notice
    except Exception as e:  # noqa: BLE001 - the figure extractor's failure must not lose the notice
        ctx.report.at("error", notice.span.start, f"figures not read ({type(e).__name__}: {e})")
        return notice
    ctx.report.problems.extend(problems)
    return replace(notice, figures=tuple(figures))


def _with_validity(text: str, notice: Notice, ctx: Context) -> Notice:
    try:
        return replace(notice, validity=read_validity(text, notice))
    except Exception as e:  # noqa: BLE001 - an unread validity clause must not lose the notice
        ctx.report.at("error", notice.span.start, f"validity not read ({type(e).__name__}: {e})")
        return notice
