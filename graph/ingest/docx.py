"""A Word (.docx) notice → its text with python-docx: paragraphs and tables in document order, one paragraph
a line, a table row a line of tab-separated cells (what the parser's 附表 reader takes). Headers and footers
of the document (page numbers, running heads) are not part of the body and are left out.

A legacy binary Word file (.doc, an OLE container) or a WPS file is an `InputError` that says to convert it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from importlib.metadata import version

from ..errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file container of .doc, .wps, .xls
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class DocxText:
    text: str
    library: str


def legacy_message(name: str) -> str:
    return (f"{name}: a legacy binary Word/WPS file (.doc/.wps): it needs converting to .docx first, e.g. "
            "`libreoffice --headless --convert-to docx FILE`")


def docx_text(data: bytes, name: str) -> DocxText:
    import docx

    if data.startswith(OLE_MAGIC):
        raise InputError(legacy_message(name))
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{name}: not a readable .docx file ({exc})") from exc
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(docx.text.paragraph.Paragraph(child, document).text.rstrip())
        elif child.tag == f"{_W}tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                cells = _unique_cells(row)
                lines.append("\t".join(c.text.strip().replace("\n", " ") for c in cells))
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise InputError(f"{name}: the Word file holds no text")
    return DocxText(text + "\n", f"python-docx {version('python-docx')}")


def _unique_cells(row):  # noqa: ANN001, ANN202 - python-docx types
    """A merged cell appears once per grid column it spans in python-docx; keep it once."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells
