"""Segmenting a file into notices.

A file is one published document, but a city notice that forwards (转发) or attaches a provincial one
carries it after its own text, as a new 版头: issuers (often ending with 文件), a 文号 line, a title. So each
文号 line that follows a body starts a new notice, whose header runs back over the header-like lines before
it (issuers, title) up to the container's last footer line. A line `附件` between the two belongs to neither.
A file without any 文号 line is one notice.

A 文号 line can be mangled past recognition (or lost), and the notice it headed would then run into its
neighbour. So each block is checked against the shape of a new notice inside it: after a body and a closing
(the signature's date or a 版记 line), header-like lines with a title (…关于…的通知) followed by an addressee
line (各…：) or led by issuers (…文件). Such a header starts a notice of its own, reported as an error.
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
        return _split_hidden([Block(0, len(lines) - 1, None)], lines, view, report)
    blocks = []
    for n, (head, docno_at) in enumerate(starts):
        last = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines) - 1
        # The 附件 mark that heads an attached notice belongs to neither notice.
        while last > head and L.ATTACHMENT_MARK.match(lines[last].text):
            last -= 1
        blocks.append(Block(head, last, docno_at))
    return _split_hidden(blocks, lines, view, report)


# -- the segment check: a notice whose 文号 line could not be read ---------------------------------------------


def _closing(line: str) -> bool:
    return L.date_line(line) is not None or L.footer_line(line)


def _addressee(line: str) -> bool:
    return len(line) <= 120 and line.endswith(":") and not L.METADATA.match(line) and L.label_of(line) is None


def _hidden_header(lines: list[Line], j: int, last: int) -> int | None:
    """The title line of a notice header that starts at line `j` (none above it), or None."""
    for t in range(j, min(j + _MAX_HEADER_LINES, last) + 1):
        text = lines[t].text
        if not (_header_like(text) or L.broken_docno_line(text)):
            return None
        if "关于" in text and L.TITLE_END.search(text):
            led = any("文件" in lines[k].text for k in range(j, t))
            if led or (t + 1 <= last and _addressee(lines[t + 1].text)):
                return t
    return None


def _split_hidden(blocks: list[Block], lines: list[Line], view: View, report: Reporter) -> list[Block]:
    """Each block, cut where a notice header without a readable 文号 starts inside it (module docstring)."""
    out = []
    for block in blocks:
        first = block.first
        k = first
        body = False
        while k <= block.last:
            text = lines[k].text
            body = body or (L.ends_sentence(text) and not L.METADATA.match(text) and not _addressee(text))
            if not (body and _closing(text)):
                k += 1
                continue
            j = k + 1
            while j <= block.last and (_closing(lines[j].text) or L.ATTACHMENT_MARK.match(lines[j].text)):
                j += 1
            title = _hidden_header(lines, j, block.last) if j <= block.last else None
            if title is None:
                k = j
                continue
            last = j - 1
            while last > first and L.ATTACHMENT_MARK.match(lines[last].text):
                last -= 1
            out.append(Block(first, last, block.docno_line if block.docno_line is None or
                             block.docno_line <= last else None))
            report.at("error", view.source(lines[j].start),
                      f"a notice header with no readable 文号 (title {lines[title].raw[:40]!r}): "
                      "kept as a notice of its own, not merged into the one before it")
            first, k, body = j, title + 1, False
        out.append(Block(first, block.last, block.docno_line if block.docno_line is not None
                         and block.docno_line >= first else None))
    return out
