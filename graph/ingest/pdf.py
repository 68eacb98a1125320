"""A PDF with a text layer → its text, page by page, with the page furniture marked rather than cut.

PyMuPDF reads the text layer (it maps the CJK fonts of 公文 systems that pdfplumber shows as `(cid:x)`).
Each page's lines are written in reading order, a paragraph a line: a line that runs to the right edge of
the text column was wrapped by the typesetter, so the next one is joined to it. Page numbers,
running heads and footers stay in the text, so it is what the PDF holds, and their ranges are returned as
`furniture`: the parser's cleaning drops them through its offset map, so quotes keep their offsets. A block
is furniture when it sits in the top or bottom margin and either is a page number or recurs (digits aside)
on other pages.

Fonts often map a glyph back to a compatibility code point (不 as U+F967, 日 as the Kangxi radical ⽇
U+2F47): those are read as the ideograph they stand for, one character for one, so offsets do not move.

A PDF without a text layer (a scan), or one whose fonts carry no Unicode map, is an `InputError` that says
it needs OCR.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version

from ..errors import InputError
from ..records import Span

MARGIN = 0.09  # share of the page height at the top and at the bottom where heads and footers sit
_LOOKALIKE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")  # radicals, compatibility ideographs
_PAGE_NO = re.compile(r"^[\s\-—–－~]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[\s\-—–－~]*$")


@dataclass(frozen=True)
class PdfText:
    text: str
    furniture: tuple[Span, ...]
    pages: int
    library: str


def pdf_text(data: bytes, name: str) -> PdfText:
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises its own error types for a damaged file
        raise InputError(f"{name}: not a readable PDF ({exc})") from exc
    with doc:
        if doc.needs_pass:
            raise InputError(f"{name}: the PDF is encrypted; it needs its password removed before it can be read")
        pages = [_lines(page) for page in doc]
        images = sum(len(page.get_images()) for page in doc)
    body = "".join(ln.text for lines in pages for ln in lines)
    if not body.strip():
        what = "a scanned PDF (page images, no text layer)" if images else "a PDF without any text"
        raise InputError(f"{name}: {what}: it needs OCR (e.g. `ocrmypdf --language chi_sim`) before it can be read")
    unmapped = body.count("\ufffd") + len(re.findall(r"\(cid:\d+\)", body))
    if unmapped > 0.05 * len(body.strip()):
        raise InputError(f"{name}: the PDF's fonts have no Unicode map ({unmapped} unreadable glyphs): "
                         "it needs OCR before it can be read")
    repeated = _repeated(pages)
    parts: list[str] = []
    furniture: list[Span] = []
    at = 0
    for text, is_furniture in _paragraphs(pages, repeated):
        if is_furniture:
            furniture.append(Span(at, at + len(text)))
        parts.append(text + "\n")
        at += len(text) + 1
    return PdfText("".join(parts), tuple(furniture), len(pages), f"PyMuPDF {version('pymupdf')}")


@dataclass(frozen=True)
class _Line:
    margin: bool  # in the top or bottom margin, where heads, footers and page numbers sit
    text: str
    x0: float
    x1: float
    size: float  # font size


def _lines(page) -> list[_Line]:  # noqa: ANN001 - a pymupdf.Page
    """The page's text lines in reading order. Pieces on one baseline with a gap wider than a character
    between them are a table row: one line, the cells joined by tabs."""
    height = page.rect.height or 1.0
    pieces = []  # (baseline, x0, x1, text, size, top, bottom)
    for block in page.get_text("dict", sort=True)["blocks"]:
        for line in block.get("lines", ()):
            for span in line.get("spans", ()):
                text = _LOOKALIKE.sub(_ideograph, span["text"])
                if text.strip():
                    x0, y0, x1, y1 = span["bbox"]
                    pieces.append((round(span["origin"][1], 1), x0, x1, text, span["size"], y0, y1))
    pieces.sort(key=lambda p: (p[0], p[1]))
    rows: list[list[tuple]] = []
    for piece in pieces:
        if rows and abs(rows[-1][-1][0] - piece[0]) <= 0.3 * piece[4]:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    found = []
    for row in rows:
        text, size = row[0][3], max(p[4] for p in row)
        for before, piece in zip(row, row[1:], strict=False):
            text += ("\t" if piece[1] - before[2] > size else "") + piece[3]
        top, bottom = min(p[5] for p in row), max(p[6] for p in row)
        margin = bottom <= height * MARGIN or top >= height * (1 - MARGIN)
        found.append(_Line(margin, text.strip(), row[0][1], row[-1][2], size))
    return found


def _ideograph(m: re.Match[str]) -> str:
    """The unified ideograph a radical or compatibility code point stands for, when it is one character."""
    folded = unicodedata.normalize("NFKC", m.group())
    return folded if len(folded) == 1 else m.group()


def _paragraphs(pages: list[list[_Line]], repeated: set[str]) -> list[tuple[str, bool]]:
    """(text, whether it is furniture), a paragraph a line. A line that reaches the right edge of the text
    column was wrapped by the typesetter: the next line goes on with it, unless it is indented (a new
    paragraph) or a table row. A paragraph that goes on over a page break is joined too, and the page's
    furniture is written after it."""
    out: list[tuple[str, bool]] = []
    held: list[tuple[str, bool]] = []  # furniture met inside a paragraph that goes on
    joining = False
    # The text column is the same on every page: a page with a few short lines must not shrink it.
    body = [ln for lines in pages for ln in lines if not _is_furniture(ln, repeated) and "\t" not in ln.text]
    left = min((ln.x0 for ln in body), default=0.0)
    right = max((ln.x1 for ln in body), default=0.0)
    for lines in pages:
        for ln in lines:
            if _is_furniture(ln, repeated):
                (held if joining else out).append((ln.text, True))
                continue
            starts = ln.x0 > left + 0.8 * ln.size or "\t" in ln.text
            if joining and not starts:
                out[-1] = (out[-1][0] + ln.text, False)
            else:
                out += held
                held = []
                out.append((ln.text, False))
            joining = ln.x1 >= right - 1.5 * ln.size and "\t" not in ln.text
    return out + held


def _is_furniture(ln: _Line, repeated: set[str]) -> bool:
    return ln.margin and (bool(_PAGE_NO.match(ln.text)) or _shape(ln.text) in repeated)


def _shape(text: str) -> str:
    """A margin line with its digits ignored: `— 3 —` and `— 4 —`, 第3页 and 第4页 look alike."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _repeated(pages: list[list[_Line]]) -> set[str]:
    """Margin lines that recur on at least two pages (a running head, a footer)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(ln.text) for ln in lines if ln.margin})
    return {shape for shape, n in counts.items() if n >= 2}
