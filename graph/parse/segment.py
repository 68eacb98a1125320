"""Segmenting a file into notices.

A file is one published document, but a city notice that forwards (转发) or attaches a provincial one
carries it after its own text, as a new 版头: issuers (often ending with 文件), a 文号 line, a title. So each
文号 line that follows a body starts a new notice, whose header runs back over the header-like lines before
it (issuers, title) up to the container's last footer line. A line `附件` between the two belongs to neither.
A file without any 文号 line is one notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lines as L
from .budget import check as check_budget
from .text import Line, Reporter, View

# At most this many header lines (issuers, a title above the 文号) stand before a 文号 line.
_MAX_HEADER_LINES = 8


@dataclass(frozen=True)
class Block:
    """The lines of one notice: indices into the file's lines, `last` inclusive."""

    first: int
    last: int
    docno_line: int | None  # the 文号 line, if the notice has one (even a malformed one)


def _header_like(line: str) -> bool:
    return (
        len(line) <= 80
        and not L.ends_sentence(line)
        and line[-1] not in ",、"
        and L.date_line(line) is None
        and not L.footer_line(line)
        and not L.ATTACHMENT_MARK.match(line)
        and not L.ATTACHMENT_NOTE.match(line)
        and L.label_of(line) is None
    )


def _body_before(lines: list[Line], stop: int, start: int = 0) -> bool:
    """Whether a sentence (body text, not a web page's metadata field) stands in lines [start, stop)."""
    return any(L.ends_sentence(lines[k].text) and not L.METADATA.match(lines[k].text) for k in range(start, stop))


def _header_start(lines: list[Line], at: int, floor: int) -> int:
    """The first line of the header that ends with the 文号 line `at` (never before `floor`)."""
    start = at
    while start - 1 >= floor and at - (start - 1) <= _MAX_HEADER_LINES and _header_like(lines[start - 1].text):
        start -= 1
    return start


def segment(lines: list[Line], view: View, report: Reporter) -> list[Block]:
    """Blocks of `lines` (non-blank lines of a file), one per notice, in order. A malformed 文号 that heads
    a notice is reported (an error) and still starts that notice."""
    if not lines:
        return []
    marks = [(i, not L.docno_line(line.text)) for i, line in enumerate(lines)
             if L.docno_line(line.text) or L.broken_docno_line(line.text)]
    starts: list[tuple[int, int | None]] = []  # (header start, 文号 line)
    for i, broken in marks:
        check_budget()
        if not starts and not _body_before(lines, _header_start(lines, i, 0)):
            starts.append((0, i))
        else:
            if not starts:  # the first notice has no 文号 line of its own
                starts.append((0, None))
            prev = starts[-1][1] if starts[-1][1] is not None else -1
            head = _header_start(lines, i, prev + 1)
            # A new notice only when a body (a sentence, an addressee line) stands between the two 文号 lines
            # (else the second belongs to the same header: a metadata block's 文件编号, a repeated 文号), and
            # when the 文号 heads something: issuer lines above it or a title below it.
            has_body = _body_before(lines, head, prev + 1)
            titled = i + 1 < len(lines) and bool("关于" in lines[i + 1].text or L.TITLE_END.search(lines[i + 1].text))
            if not (has_body and (head < i or titled)):
                continue
            starts.append((head, i))
        if broken:
            report.at("error", view.source(lines[i].start), "malformed 文号 in a notice header")
    if not starts:
        return [Block(0, len(lines) - 1, None)]
    blocks = []
    for n, (head, docno_at) in enumerate(starts):
        last = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines) - 1
        # The 附件 mark that heads an attached notice belongs to neither notice.
        while last > head and L.ATTACHMENT_MARK.match(lines[last].text):
            last -= 1
        blocks.append(Block(head, last, docno_at))
    return blocks
