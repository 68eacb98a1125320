"""Citations: every `《title》（文号）` and every bare 文号 a notice makes, with the relation its wording gives.

Relations (DOMAIN.md §3), decided on the clause around the citation, in this order:
- `attachment`: the citation stands in the notice's 附件说明 (附件：《…》（文号）, 附件：…的通知（文号）);
- `forwards`: 现将《…》转发给你们, …现转发你们, 关于转发《…》 (the notice's own title);
- `implements`: …精神, or 根据 / 依据 / 为(深入)贯彻(落实) / 为落实 before it (根据…要求);
- `applies`: …规定 / …执行 after it, or 参照 / 按照 / 依照 / 按 / 执行 / 落实 before it;
- otherwise `cites`.
A list of citations joined by 、 和 及 以及 与 shares the words around the whole list
(根据《A》（…）和《B》（…）精神 → both implement).

A title without a 文号 is a citation only when it names another notice of the same file (关于转发《…》的通知
over the forwarded notice, 附件：…的通知 over the attached one): its `docno` is that notice's, its
`docno_text` is "". Other bare titles (《全国医疗保障经办政务服务事项清单》) are not recorded. The notice's
own 文号 in its own header is not a citation. Titles and 文号 are verbatim (line breaks and noise removed,
spaces and nested `<…>`/`《…》` kept); an attachment entry without 《》 gives its text before the 文号.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..records import Citation, DocNo, Relation, Span
from . import lines as L
from .budget import check as check_budget
from .docno import DocNoMatch, find_docnos, parse_docno
from .text import Context, join_lines

_OPENERS, _CLOSERS = "《<〈", "》>〉"
_BRACKET = re.compile(f"[{_OPENERS}{_CLOSERS}]")
_CLAUSE_END = "。;:,!?"
_JOINER = re.compile(r"^(?:、|,|和|及|以及|与|或|等)*$")
PathAt = Callable[[int], tuple[int, ...]]  # the section path at a source offset
_FORWARD_AFTER = re.compile(r"^(?:\([^)]*\))?[^。]{0,20}?(?:转发给|现转发|转发你们|予以转发|转发至|转发各)")


@dataclass
class _Found:
    start: int  # flat-view indices of the whole citation
    end: int
    docno: DocNo | None
    docno_range: tuple[int, int] | None  # flat-view range of the 文号
    title_range: tuple[int, int] | None  # flat-view range inside 《》


def find_citations(
    ctx: Context,
    notice_span: Span,
    body_start: int,
    own: DocNo | None,
    own_span: Span | None,
    attachment_spans: tuple[Span, ...],
    titles_in_file: list[tuple[str, DocNo]],
    path_at: PathAt,
    docnos: list[DocNoMatch],
) -> tuple[Citation, ...]:
    """Citations inside `notice_span` (source offsets). `body_start` ends the header (own 文号, at
    `own_span`, ignored there); `titles_in_file` pairs the normalised titles of the file's other notices
    with their 文号; `path_at` gives the section path at a source offset; `docnos` are the file's
    (`file_docnos`)."""
    flat = ctx.flat.text
    lo, hi = ctx.flat.index(notice_span.start), ctx.flat.index(notice_span.end)
    header_end = ctx.flat.index(body_start)
    found = _titled(flat, lo, hi)
    taken = [(f.start, f.end) for f in found]
    for m in docnos:
        check_budget()
        if not lo <= m.start < hi or any(a <= m.start < b for a, b in taken):
            continue
        if own is not None and m.docno == own and m.start < header_end:
            continue
        at = ctx.flat.span(m.start, m.end)
        if own_span is not None and at.start < own_span.end and own_span.start < at.end:
            continue  # the notice's own 文号 line, whatever its neighbours make of the code
        found.append(_Found(m.start, m.end, m.docno, (m.start, m.end), None))
    kept = []
    for f in found:
        if f.docno is None and f.title_range is not None:
            f.docno = _same_file(normal_title(flat[f.title_range[0] : f.title_range[1]]), titles_in_file)
            if f.docno is None or f.docno == own:
                continue
        kept.append(f)
    # An attachment entry without 《》 or 文号 that names a notice carried in the same file (附件：…的通知).
    for span in attachment_spans:
        a, b = ctx.flat.index(span.start), ctx.flat.index(span.end)
        if not any(a <= f.start < b for f in kept):
            docno = _same_file(normal_title(flat[a:b]), titles_in_file)
            if docno is not None and docno != own:
                kept.append(_Found(a, b, docno, None, (a, b)))
    kept.sort(key=lambda f: f.start)
    relations = _relations(ctx, kept, attachment_spans)
    return tuple(_citation(ctx, f, rel, attachment_spans, path_at) for f, rel in zip(kept, relations, strict=True))


def file_docnos(ctx: Context) -> list[DocNoMatch]:
    """Every 文号 of the file in the flat view, issuer codes kept inside their paragraph."""
    return find_docnos(ctx.flat.text, paragraph_starts(ctx))


def paragraph_starts(ctx: Context) -> list[int]:
    """Flat-view indices where a paragraph starts: at a label or a 文号 line, after a finished sentence or a
    header or signature line (an agency name, a title, …文件, a 文号, a date). A 文号's issuer code never
    reaches back across one (南宁市税务局 / 南医保发〔2020〕60号 is not one code)."""
    starts = []
    for i, line in enumerate(ctx.lines):
        check_budget()
        prev = ctx.lines[i - 1].text if i else ""
        if (not prev or L.ends_sentence(prev) or L.label_of(line.text) or L.docno_line(line.text)
                or L.AGENCY_SUFFIX.search(prev) or L.TITLE_END.search(prev)
                or prev.endswith("文件") or L.docno_line(prev) or L.date_line(prev)):
            starts.append(ctx.flat.index(ctx.view.source(line.start)))
    return starts


def normal_title(title: str) -> str:
    """A title for comparison: no spaces, no brackets of either kind."""
    return re.sub(r"[\s《》<>〈〉\"“”]", "", title)


def _same_file(cited: str, titles: list[tuple[str, DocNo]]) -> DocNo | None:
    """The notice of the file a title names: equal, or one ends the other (issuers written before 关于)."""
    for title, docno in titles:
        if len(cited) >= 8 and len(title) >= 8 and (cited.endswith(title) or title.endswith(cited)):
            return docno
    return None


def _titled(flat: str, lo: int, hi: int) -> list[_Found]:
    """Every 《…》 in flat[lo:hi] (nesting counted over 《<〈 / 》>〉), with the 文号 in brackets right after it."""
    found = []
    i = flat.find("《", lo, hi)
    closing = _closing(flat, lo, hi) if i >= 0 else None
    while i >= 0:
        check_budget()
        assert closing is not None
        j = closing(i, min(hi, i + 300))
        if j is None:
            i = flat.find("《", i + 1, hi)
            continue
        end, docno, docno_range = j + 1, None, None
        if j + 1 < hi and flat[j + 1] == "(":
            close = flat.find(")", j + 2, min(hi, j + 40))
            # The bracket holds the 文号 alone: all of it is the code (a long 科尔沁左翼后医保发 too).
            whole = parse_docno(flat[j + 2 : close]) if close > 0 else None
            if whole is not None:
                docno, docno_range, end = whole, (j + 2, close), close + 1
        found.append(_Found(i, end, docno, docno_range, (i + 1, j)))
        i = flat.find("《", end, hi)
    return found


def _closing(flat: str, lo: int, hi: int) -> Callable[[int, int], int | None]:
    """`closing(i, stop)`: the first j < stop where the brackets opened from i on are all closed again
    (None if there is none). From the running depth of flat[lo:hi], indexed once by depth, so that a run
    of 5,000 《 costs a bisection each, not a scan of the 300 characters after each."""
    # Only the brackets change the depth: it is kept at each of them (the depth just after it).
    marks = [(m.start(), 1 if m.group() in _OPENERS else -1) for m in _BRACKET.finditer(flat, lo, hi)]
    positions = [p for p, _ in marks]
    after = list(itertools.accumulate(d for _, d in marks))
    at_depth: dict[int, list[int]] = {}
    for p, d in zip(positions, after, strict=True):
        at_depth.setdefault(d, []).append(p)

    def closing(i: int, stop: int) -> int | None:
        # i opens a bracket: the depth is above the one before i until the bracket that closes it.
        k = bisect.bisect_left(positions, i)
        level = after[k - 1] if k else 0
        ps = at_depth.get(level, [])
        k = bisect.bisect_right(ps, i)  # the first bracket after i back at the depth before i
        if k < len(ps) and ps[k] < stop:
            return ps[k]
        return None

    return closing


def _relations(ctx: Context, found: list[_Found], attachment_spans: tuple[Span, ...]) -> list[Relation]:
    flat = ctx.flat.text
    relations: list[Relation] = []
    g = 0
    while g < len(found):
        h = g  # the group found[g..h] of citations joined by 、 和 及 …
        while h + 1 < len(found) and _JOINER.match(flat[found[h].end : found[h + 1].start]):
            h += 1
        before = _clause_before(flat, found[g].start)
        after = flat[found[h].end : found[h].end + 60]
        clause_after = re.split(rf"[{_CLAUSE_END}]", after, maxsplit=1)[0]
        for f in found[g : h + 1]:
            at = ctx.flat.source(f.start)
            if any(s.start <= at < s.end for s in attachment_spans):
                relations.append("attachment")
            else:
                relations.append(_relation(before, after, clause_after))
        g = h + 1
    return relations


def _clause_before(flat: str, start: int) -> str:
    p = start
    while p > 0 and flat[p - 1] not in _CLAUSE_END and start - p < 60:
        p -= 1
    return flat[p:start]


def _relation(before: str, after: str, clause_after: str) -> Relation:
    if "转发" in before or _FORWARD_AFTER.match(after):
        return "forwards"
    if "精神" in clause_after:
        return "implements"
    if re.search(r"规定|执行", clause_after) or "参照" in before:
        return "applies"
    if re.search(r"根据|依据|贯彻|为落实", before):
        return "implements"
    if re.search(r"按照|依照|按|执行|落实|遵照", before):
        return "applies"
    return "cites"


def _citation(ctx: Context, f: _Found, relation: Relation, attachment_spans: tuple[Span, ...],
              path_at: PathAt) -> Citation:
    span = ctx.flat.span(f.start, f.end)
    docno_text = title = ""
    if f.docno_range is not None:
        ds = ctx.flat.span(*f.docno_range)
        docno_text = join_lines(ctx.text[ds.start : ds.end])
    if f.title_range is not None:
        ts = ctx.flat.span(*f.title_range)
        title = join_lines(ctx.text[ts.start : ts.end])
    elif relation == "attachment":
        # 附件：…的通知（文号） without 《》: the entry's text before the 文号 is the title.
        entry = next(s for s in attachment_spans if s.start <= span.start < s.end)
        title = join_lines(ctx.text[entry.start : span.start]).rstrip("(（ ")
    return Citation(f.docno, docno_text, title, relation, path_at(span.start), span)
