"""The end of a notice: 附件说明 (attachments), 发文机关署名 (signature), 成文日期 (signing date), 附注
(publicity), and the 版记: 抄送 (copied-to), 印发机关 and 印发日期 (printing agency and date).

Where the footer starts is where the body (and its last section) ends.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..records import Span
from . import lines as L
from .header import merge_agency_tokens, split_entries
from .segment import Block
from .text import Context, join_lines

_NUMBERED = re.compile(r"^\d{1,2}[.、]")
_ENTRY_END = re.compile(r"(?:[)》>]|表)$")


@dataclass
class Footer:
    first: int  # first line of the footer; the body ends before it (block.last + 1 when there is none)
    signed: dt.date | None = None
    signature: tuple[str, ...] = ()
    printed: dt.date | None = None
    printed_by: str | None = None
    copied_to: tuple[str, ...] = ()
    publicity: str | None = None
    attachments: tuple[str, ...] = ()
    attachment_spans: tuple[Span, ...] = ()


def parse_footer(ctx: Context, block: Block, body_first: int) -> Footer:
    lines = ctx.lines
    f = Footer(block.last + 1)
    for k in range(body_first, block.last + 1):
        t = lines[k].text
        if L.ATTACHMENT_NOTE.match(t) or L.footer_line(t):
            f.first = k
            # The 印发机关 stands on the line above its date (…办公室 / 2020年8月26日印发).
            m = L.PRINTED.match(t)
            if m and not m.group("by") and k - 1 >= body_first and L.agency_like(lines[k - 1].text):
                f.first = k - 1
            break
        if L.date_line(t):
            f.first = _signature_start(ctx, k, body_first)
            break
    k = f.first
    while k <= block.last:
        t = lines[k].text
        if k < block.last and not L.PRINTED.match(t) and L.PRINTED.match(t + lines[k + 1].text):
            t += lines[k + 1].text  # a line broken inside the word: 2022年8月23日印 / 发
        if L.ATTACHMENT_NOTE.match(t) and not f.attachments:
            k = _attachments(ctx, k, block.last, f) + 1
            continue
        if (dated := L.date_line(t)) and f.signed is None and not L.PRINTED.match(t):
            f.signed = dated[1]
            start = _signature_start(ctx, k, f.first)
            tokens = [tok for i in range(start, k) for tok in join_lines(ctx.source_of(i, i)).split()]
            if dated[0]:
                tokens.append(dated[0])
            f.signature = tuple(merge_agency_tokens(tokens))
        elif m := L.PRINTED.match(t):
            f.printed = L.to_date(m)
            by = lines[k].raw[: len(m.group("by"))].strip()
            if not by and k - 1 >= f.first and L.agency_like(lines[k - 1].text) and not L.date_line(lines[k - 1].text):
                by = lines[k - 1].raw
            f.printed_by = by or None
        elif L.COPIED_TO.match(t) and not f.copied_to:
            k = _copied_to(ctx, k, block.last, f)
        if f.publicity is None and (m := L.PUBLICITY.search(t)):
            group = next(g for g in ("a", "b", "c") if m.group(g))
            f.publicity = lines[k].raw[m.start(group) : m.end(group)].strip().rstrip("。.") or None
        k += 1
    return f


def _signature_start(ctx: Context, date_at: int, floor: int) -> int:
    """The first line of the 发文机关署名 above a date line (the date line itself when there is none)."""
    start = date_at
    while start - 1 >= floor and date_at - start < 8:
        t = ctx.lines[start - 1].text
        if (len(t) > 40 or L.ends_sentence(t) or re.search(r"[。,;:]", t) or L.label_of(t)
                or L.footer_line(t) or L.date_line(t) or L.ATTACHMENT_NOTE.match(t) or _ENTRY_END.search(t)):
            break
        start -= 1
    tokens = [tok for i in range(start, date_at) for tok in join_lines(ctx.source_of(i, i)).split()]
    return start if merge_agency_tokens(tokens) else date_at


def _attachments(ctx: Context, k: int, last: int, f: Footer) -> int:
    """附件说明 from line `k` on: one entry per number (附件：1.… 2.…) or a single one, each running on over
    the lines it is broken across until it is complete; returns the last line used."""
    lines = ctx.lines
    head = L.ATTACHMENT_NOTE.match(lines[k].text)
    assert head is not None
    entries: list[list[int]] = []  # [first view index, last line] per entry
    acc = ""

    def start_entry(i: int, offset: int) -> None:
        nonlocal acc
        text = lines[i].text[offset:]
        if m := _NUMBERED.match(text):
            offset, text = offset + m.end(), text[m.end() :]
        entries.append([lines[i].start + offset, i])
        acc = text

    if head.end() < len(lines[k].text):
        start_entry(k, head.end())
    end = k
    for i in range(k + 1, min(last + 1, k + 12)):
        t = lines[i].text
        if L.footer_line(t) or L.date_line(t) or L.ATTACHMENT_MARK.match(t):
            break
        if _NUMBERED.match(t) or (not entries and i == k + 1):  # 附件： alone, its entry below
            start_entry(i, 0)
        elif not entries or _complete(acc):
            break
        else:
            acc += t
            entries[-1][1] = i
        end = i
    spans = tuple(ctx.view.span(first, lines[last_line].end) for first, last_line in entries)
    f.attachment_spans = spans
    f.attachments = tuple(join_lines(ctx.text[s.start : s.end]).rstrip("；;。") for s in spans)
    return end


def _complete(entry: str) -> bool:
    """An attachment entry is complete when its brackets close and it ends like a title (…通知, …表, 》, ）)."""
    balanced = sum(c in "《<〈(" for c in entry) <= sum(c in "》>〉)" for c in entry)
    return balanced and bool(L.TITLE_END.search(entry) or _ENTRY_END.search(entry))


def _copied_to(ctx: Context, k: int, last: int, f: Footer) -> int:
    """抄送 from line `k` on, up to its 。 or the next footer line; returns the last line used."""
    end = k
    while end + 1 <= last:
        line, nxt = ctx.lines[end].text, ctx.lines[end + 1].text
        if L.footer_line(nxt) or L.date_line(nxt) or line[-1] == "。":
            break
        # An entry list goes on after ；，、, or after a line broken in mid-name (not before the 印发机关).
        if line[-1] not in ";,、" and (L.agency_like(nxt) or L.ends_sentence(line)):
            break
        end += 1
    text = ctx.flat_raw(ctx.line_span(k, end))
    text = re.sub(r"^抄送[:：]", "", text)
    f.copied_to = tuple(split_entries(text, "、，,；;"))
    return end
