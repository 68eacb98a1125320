"""Text → records: a file of notices becomes a `ParseResult` (the notices, their parts, and the problems).

    parse_file(path, name=None) -> ParseResult      read one file (UTF-8)
    parse_text(text, name) -> ParseResult           the same for text in hand
    parse_paths(paths) -> list[ParseResult]         files and directories (their *.txt, sorted)

The steps, one module each: `text` (cleaned views with an offset map), `segment` (notices in a file),
`header` (版头), `footer` (附件说明, signature, dates, 版记), `sections` (the numbered body; also
`section_path_at`), `citations` (《title》（文号） and bare 文号 with their relation), then `figures`.
`docno` reads 文号 and `lines` tells what a line of a notice is; both are shared by the steps.
A notice that cannot be read becomes an error `Problem` (file, line, text); the rest still loads. Only a file
that cannot be read at all raises `InputError`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..records import DocNo, Notice, ParseResult, SourceFile
from .citations import DocNoMatch, file_docnos, find_citations, normal_title
from .docno import find_docnos, parse_docno
from .figures import extract_figures
from .footer import Footer, parse_footer
from .header import Header, agencies, parse_header, title_issuers
from .sections import parse_sections, section_path_at
from .segment import Block, segment
from .text import GARBAGE, Context, Reporter, clean, lines_of
from .validity import read_validity

__all__ = ["parse_file", "parse_text", "parse_paths", "parse_docno", "find_docnos", "section_path_at"]


def parse_file(path: str | os.PathLike[str], name: str | None = None) -> ParseResult:
    """Parse one file. Raises `InputError` only when the file is missing, unreadable or not UTF-8."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the file: {e.strerror or e}") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start} cannot be decoded)") from e
    return _parse(text, name or path.name, hashlib.sha256(data).hexdigest())


def parse_text(text: str, name: str) -> ParseResult:
    return _parse(text, name, hashlib.sha256(text.encode("utf-8")).hexdigest())


def parse_paths(paths: Iterable[str | os.PathLike[str]]) -> list[ParseResult]:
    """Parse files and directories (a directory stands for its *.txt files, sorted by name)."""
    results = []
    for p in map(Path, paths):
        files = sorted(p.glob("*.txt")) if p.is_dir() else [p]
        results += [parse_file(f) for f in files]
    return results


def _parse(text: str, name: str, sha256: str) -> ParseResult:
    report = Reporter(name, text)
    for m in GARBAGE.finditer(text):
        report.at("error", m.start(), "unreadable characters (binary garbage) skipped")
    view = clean(text, newlines="keep")
    ctx = Context(text, view, clean(text, newlines="drop"), lines_of(view), report)
    parts: list[tuple[Block, Header, Footer]] = []
    for block in segment(ctx.lines, view, report):
        try:
            header = parse_header(ctx, block)
            parts.append((block, header, parse_footer(ctx, block, header.body_first)))
        except Exception as e:  # noqa: BLE001 - a notice we cannot read is a Problem, never a crash
            report.at("error", ctx.offset(block.first), f"cannot read this notice ({type(e).__name__}: {e})")
    titles = [(normal_title(h.title), h.docno) for _, h, _ in parts if h.docno is not None and h.title]
    container = parts[0][1].docno if parts else None
    docnos = file_docnos(ctx)
    notices = []
    for n, (block, header, footer) in enumerate(parts):
        try:
            notice = _notice(ctx, name, block, header, footer, titles, docnos)
        except Exception as e:  # noqa: BLE001
            report.at("error", ctx.offset(block.first), f"cannot read this notice ({type(e).__name__}: {e})")
            continue
        if n > 0 and container is not None:
            notice = replace(notice, attached_to=container.key)
        notices.append(_with_validity(text, _with_figures(text, notice, ctx), ctx))
    problems = sorted(report.problems, key=lambda p: p.line)  # stable: each line's problems in finding order
    return ParseResult(SourceFile(name, sha256, text), tuple(notices), tuple(problems))


def _notice(ctx: Context, name: str, block: Block, h: Header, f: Footer,
            titles: list[tuple[str, DocNo]], docnos: list[DocNoMatch]) -> Notice:
    span = ctx.line_span(block.first, block.last)
    issuer_names = _issuer_names(ctx, block, h, f)
    issuers = agencies(issuer_names)
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
