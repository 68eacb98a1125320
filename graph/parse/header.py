"""The 版头 of a notice (GB/T 9704): 发文机关标志 (issuers), 发文字号 (文号), 标题 (title), 主送机关 (addressees).

Also the web-page metadata block some copies carry before the title (信息名称, 文件编号, 发布机构 …), used
when the 版头 itself is missing. Where the body starts is decided here too: after the addressees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import regions
from ..records import Agency, DocNo, Span
from . import lines as L
from .docno import find_docnos, parse_docno
from .segment import Block
from .text import Context, Line, clean, fold_width, join_lines

_NATIONAL_TAX = "国家税务总局"  # its local bureaus are named 国家税务总局…税务局, often broken after 总局
# An office never issues alone: 办公室 on its own line ends the name above it (…领导小组 / 办公室).
_OFFICE_ONLY = {"办公室", "办公厅", "秘书处", "办公室秘书处"}
_ADDRESSEE_NOT = re.compile(r"如下|《|根据|为了|现将|现就|通知|。")


@dataclass
class Header:
    docno: DocNo | None = None
    docno_text: str = ""
    docno_span: Span | None = None
    title: str = ""
    title_span: Span | None = None
    issuers: list[str] = field(default_factory=list)
    addressees: tuple[str, ...] = ()
    body_first: int = 0  # index (into the file's lines) of the first line of the body
    metadata: dict[str, str] = field(default_factory=dict)


def parse_header(ctx: Context, block: Block) -> Header:
    h = Header(body_first=block.first)
    lines = ctx.lines
    meta_lines = _metadata(ctx, block, h)
    docno_at = block.docno_line if block.docno_line is not None else block.first
    head = [i for i in range(block.first, docno_at) if i not in meta_lines]
    after = block.docno_line + 1 if block.docno_line is not None else block.first
    while after in meta_lines:
        after += 1
    if block.docno_line is not None:
        _docno_from_line(ctx, block.docno_line, h)
    title = _title_at(ctx, after, block.last)
    if title is None:
        # A title above the 文号 (issuers / title / 文号) starts at its 关于, below the issuer lines.
        title = next((t for i in head if "关于" in lines[i].text
                      and (t := _title_at(ctx, i, docno_at))), None)
    if title is not None:
        first, last = title
        h.title_span = ctx.line_span(first, last)
        h.title = ctx.flat_raw(h.title_span)
        head = [i for i in head if i < first]
        after = max(after, last + 1)
    else:
        ctx.report.at("warning", ctx.offset(block.first), "no title (…关于…的通知) found")
    h.issuers = _issuers(ctx, head)
    addressee_end = _addressees(ctx, after, block.last, h)
    h.body_first = addressee_end + 1 if addressee_end is not None else after
    if h.docno is None and block.docno_line is None:
        ctx.report.at("warning", ctx.offset(block.first), "no 文号 in this notice")
    return h


def _metadata(ctx: Context, block: Block, h: Header) -> set[int]:
    """Web-page metadata lines at the top (信息名称:…, 文件编号:…): fields into `h.metadata`."""
    found = set()
    for i in range(block.first, min(block.last + 1, block.first + 12)):
        if not L.METADATA.match(ctx.lines[i].text):
            continue
        found.add(i)
        for token in re.split(r"\s+", ctx.source_of(i, i)):
            key, sep, value = fold_width(token).partition(":")
            if sep and value:
                h.metadata[re.sub(r"\s", "", key)] = value.strip()
        if h.docno is None and (m := find_docnos(ctx.lines[i].text)):
            _docno_from_match(ctx, ctx.lines[i], m[0].start, m[0].end, h)
    return found


def _docno_from_line(ctx: Context, i: int, h: Header) -> None:
    line = ctx.lines[i]
    m = find_docnos(line.text)
    if not m or parse_docno(line.text[m[0].start : m[0].end]) is None:
        h.docno, h.docno_text, h.docno_span = None, "", None
        return
    # The line is the 文号 alone: all of it before the bracket is the code, even what reads as a word of a
    # sentence in running text (和布人社发: 和 is a place's, not a conjunction) or runs past 8 characters.
    lead = len(line.text) - len(line.text.lstrip())
    start = lead if parse_docno(line.text[lead : m[0].end]) is not None else m[0].start
    _docno_from_match(ctx, line, start, m[0].end, h)


def _docno_from_match(ctx: Context, line: Line, start: int, end: int, h: Header) -> None:
    h.docno = parse_docno(line.text[start:end])
    h.docno_span = ctx.view.span(line.start + start, line.start + end)
    h.docno_text = join_lines(ctx.text[h.docno_span.start : h.docno_span.end])


def _balanced(s: str) -> bool:
    depth = 0
    for c in s:
        depth += c in "《<〈("
        depth -= c in "》>〉)"
    return depth <= 0


def _title_at(ctx: Context, first: int, stop: int) -> tuple[int, int] | None:
    """(first, last) lines of a title (…关于…的通知) starting at line `first`, if one starts there."""
    acc = ""
    for k in range(first, min(stop + 1, first + 6, len(ctx.lines))):
        t = ctx.lines[k].text
        if "。" in t or L.ends_sentence(t) or L.label_of(t) or L.docno_line(t) or L.METADATA.match(t):
            return None
        acc += t
        nxt = ctx.lines[k + 1].text if k + 1 <= stop else ""
        if L.TITLE_END.search(acc) and _balanced(acc) and not nxt.startswith(("的", "》", ">")):
            return (first, k) if len(acc) >= 6 else None
    return None


def _issuers(ctx: Context, head: list[int]) -> list[str]:
    """The 发文机关标志 lines: one name per token, `文件` dropped, a name broken over lines joined."""
    tokens: list[str] = []
    for i in head:
        for tok in join_lines(ctx.source_of(i, i)).split():
            tok = re.sub(r"文件$", "", tok)
            if tok:
                tokens.append(tok)
    return merge_agency_tokens(tokens)


def merge_agency_tokens(tokens: list[str]) -> list[str]:
    """Join pieces of one agency name: a token that does not end like an agency continues in the next one
    (广西壮族自治区深化 / 医药卫生体制改革 / 工作领导小组办公室), a lone 办公室 closes the name before it, and
    国家税务总局 + …税务局 is one body."""
    merged: list[str] = []
    for tok in tokens:
        if merged and (not L.agency_end(merged[-1]) or tok in _OFFICE_ONLY
                       or (merged[-1] == _NATIONAL_TAX and tok.endswith("税务局"))):
            merged[-1] += tok
        else:
            merged.append(tok)
    return [m for m in merged if L.agency_like(m)]


def agencies(names: list[str]) -> tuple[Agency, ...]:
    """Agencies with their jurisdiction: later names are read inside the first one's region."""
    found: list[Agency] = []
    within = None
    for name in names:
        code = regions.region_of_agency(name, within)
        if code is not None and within is None:
            within = code
        found.append(Agency(name, code, regions.level_of(code) if code else None))
    return tuple(found)


def title_issuers(title_source: str) -> list[str]:
    """Issuers named before 关于 in a title (广州市医疗保障局 广州市财政局关于…), from its source text."""
    prefix, sep, _ = clean(title_source, keep_spaces=True).raw.partition("关于")
    if not sep:
        return []
    return merge_agency_tokens([t for t in re.split(r"[\s、,，]+", prefix) if t])


def _addressees(ctx: Context, first: int, stop: int, h: Header) -> int | None:
    """The 主送机关 paragraph starting at line `first`: its last line, entries into `h.addressees`."""
    acc = ""
    for k in range(first, min(stop + 1, first + 4)):
        t = ctx.lines[k].text
        if L.label_of(t) or _ADDRESSEE_NOT.search(t):
            return None
        acc += t
        if acc.endswith(":"):
            span = ctx.line_span(first, k)
            h.addressees = tuple(split_entries(ctx.flat_raw(span).rstrip(":："), "、，,；;"))
            return k
    return None


def split_entries(s: str, separators: str) -> list[str]:
    """Split a list of names on `separators` outside brackets: 各市、县（市、区）医疗保障局 → 各市 | 县（市、区）医疗保障局."""
    entries, depth, cur = [], 0, ""
    for c in s:
        depth += c in "(（《<〈["
        depth -= c in ")）》>〉]"
        if c in separators and depth <= 0:
            entries.append(cur)
            cur = ""
        else:
            cur += c
    entries.append(cur)
    return [e.strip().rstrip("。.") for e in entries if e.strip().rstrip("。.")]
