"""Files as people have them → text plus a record of how: the one reader every build and upload goes through.

    read_bytes(data, name, media_type=None, source=None) -> Read     any supported format, from memory
    read_path(path, name=None, source_url=None) -> Read              a file, with its NAME.meta.json sidecar
    is_notice_file(path) -> bool                                     whether a folder's file is one we read
    SUFFIXES                                                         suffix → media type

| format | how | module |
|---|---|---|
| `.txt` | UTF-8 ± BOM, UTF-16, else detected (GB18030/GBK …) with charset-normalizer | `decode` |
| `.html`, `.htm` | decoded here (meta charset / detection), main content by trafilatura, 索引号 panel dropped | `html` |
| `.pdf` | the text layer by PyMuPDF; page numbers, heads and footers marked as furniture | `pdf` |
| `.docx` | paragraphs and tables by python-docx | `docx` |
| `.doc`, `.wps`, a scanned PDF | `InputError` saying what the file needs (conversion, OCR) | |

The `Read` carries the text the parser reads (every offset indexes into it), the SHA-256 of the bytes, an
`Extraction` (media type, encoding and confidence, method, library and version, source URL and retrieval date,
furniture ranges) and the problems met on the way (an undecodable byte: its line and the bytes around it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

from ..errors import InputError
from ..records import Extraction, Problem
from .decode import decode
from .docx import OLE_MAGIC, docx_text, legacy_message
from .html import page_text
from .pdf import pdf_text

__all__ = ["SUFFIXES", "Read", "SourceInfo", "is_notice_file", "media_type_of", "read_bytes", "read_path"]

TEXT, HTML, PDF = "text/plain", "text/html", "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LEGACY = "application/msword"
SUFFIXES = {".txt": TEXT, ".text": TEXT, ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".pdf": PDF,
            ".docx": DOCX, ".doc": LEGACY, ".wps": "application/vnd.ms-works"}
_MEDIA_ALIASES = {"application/xhtml+xml": HTML, "application/x-pdf": PDF, "application/vnd.ms-works": LEGACY,
                  "application/kswps": LEGACY, "application/wps-office.wps": LEGACY,
                  "application/vnd.ms-word": LEGACY}
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class SourceInfo:
    """Where a file came from, when someone knows: given on the command line, in a sidecar, by the uploader."""

    url: str | None = None
    retrieved: str | None = None  # ISO date


@dataclass(frozen=True)
class Read:
    text: str
    sha256: str  # of the bytes read
    extraction: Extraction
    problems: tuple[Problem, ...] = ()


def is_notice_file(path: Path) -> bool:
    """Whether a file in a folder is one the build reads (sidecars and stray files are not)."""
    return path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith(".")


def media_type_of(name: str, data: bytes, given: str | None = None) -> str:
    """The media type of a file: its bytes when they say (a PDF, a zip of Word XML, an OLE container, markup),
    else the type it was given with, else its suffix, else plain text."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf-"):
        return PDF
    if data.startswith(OLE_MAGIC):
        return LEGACY
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]:
        return DOCX
    if given:
        media = given.split(";")[0].strip().lower()
        media = _MEDIA_ALIASES.get(media, media)
        if media in SUFFIXES.values():
            return media
    by_suffix = SUFFIXES.get(Path(name).suffix.lower())
    if by_suffix:
        return by_suffix
    if head.startswith((b"<!doctype html", b"<html")):
        return HTML
    return TEXT


def read_bytes(data: bytes, name: str, media_type: str | None = None, source: SourceInfo | None = None) -> Read:
    """Read one file's bytes. `InputError` (naming the file and what it needs) when it cannot be read at all."""
    media = media_type_of(name, data, media_type)
    sha = hashlib.sha256(data).hexdigest()
    problems: list[Problem] = []
    source = checked_source(source or SourceInfo(), name, problems)
    if media == LEGACY:
        raise InputError(legacy_message(name))
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if media == HTML:
        page = page_text(data, name)
        d = page.decoded
        url = source.url or checked_source(SourceInfo(page.url), name, problems).url
        extraction = Extraction(media, "html-main-content", page.library, d.encoding, d.confidence,
                                url, source.retrieved)
        text = page.text
        problems += d.problems
    elif media == PDF:
        pdf = pdf_text(data, name)
        extraction = Extraction(media, "pdf-text-layer", pdf.library, None, None, source.url, source.retrieved,
                                pdf.furniture)
        text = pdf.text
    elif media == DOCX:
        doc = docx_text(data, name)
        extraction = Extraction(media, "docx-body", doc.library, None, None, source.url, source.retrieved)
        text = doc.text
    else:
        d = decode(data, name)
        library = "python codecs" if d.method in ("bom", "utf-8") else f"charset-normalizer {version('charset-normalizer')}"
        extraction = Extraction(TEXT, f"decode-{d.method}", library, d.encoding, d.confidence, source.url,
                                source.retrieved)
        text = d.text
        problems += d.problems
    return Read(text, sha, extraction, tuple(problems))


def read_path(path: str | os.PathLike[str], name: str | None = None, source_url: str | None = None) -> Read:
    """Read a file; its sidecar `NAME.meta.json` (or `STEM.meta.json`) gives `source_url` and `retrieved`."""
    path = Path(path)
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the file: {e.strerror or e}") from e
    problems: list[Problem] = []
    info = _sidecar(path, name, problems)
    if source_url:
        info = replace(info, url=source_url)
    read = read_bytes(data, name, None, info)
    return replace(read, problems=(*problems, *read.problems)) if problems else read


def _sidecar(path: Path, name: str, problems: list[Problem]) -> SourceInfo:
    for candidate in (path.with_name(path.name + ".meta.json"), path.with_name(path.stem + ".meta.json")):
        if not candidate.is_file():
            continue
        try:
            meta = json.loads(candidate.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            problems.append(Problem("warning", name, 0, candidate.name, f"sidecar not read: {exc}"))
            return SourceInfo()
        url = meta.get("source_url") or meta.get("url")
        retrieved = meta.get("retrieved") or meta.get("retrieved_at")
        return SourceInfo(str(url) if url else None, str(retrieved) if retrieved else None)
    return SourceInfo()


def checked_source(info: SourceInfo, name: str, problems: list[Problem]) -> SourceInfo:
    """Keep a source URL only when it is an http(s) IRI, a retrieval date only when it is a date."""
    url, retrieved = info.url, info.retrieved
    if url is not None and (not re.match(r"^https?://[^/\s]+", url) or _UNSAFE_IRI.search(url)):
        problems.append(Problem("warning", name, 0, url, "source URL ignored: not an http(s) URL"))
        url = None
    if retrieved is not None:
        try:
            retrieved = dt.date.fromisoformat(retrieved[:10]).isoformat()
        except ValueError:
            problems.append(Problem("warning", name, 0, retrieved, "retrieval date ignored: not YYYY-MM-DD"))
            retrieved = None
    return SourceInfo(url, retrieved)
