"""The records the parser produces: plain frozen dataclasses, no RDF, no I/O.

Offsets (`Span`) are always character offsets into the *original* source file text (Python `str`
indices), never into a cleaned copy: a quote's `text[start:end]` is the verbatim source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Relation = Literal["forwards", "implements", "applies", "attachment", "cites"]
Qualifier = Literal["exact", "at-least", "about", "at-most"]
YearType = Literal["fiscal", "insurance", "calendar"]
Level = Literal["national", "provincial", "municipal", "county"]


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range [start, end) in the source file text."""

    start: int
    end: int


@dataclass(frozen=True, order=True)
class DocNo:
    """A 文号: issuer code + year + serial. `key` is the one canonical spelling."""

    issuer_code: str  # 桂医保发, 兰医保, 医保发, 人力资源社会保障部国家医疗保障局令 …
    year: int | None  # None for 令-style numbers that carry no year (…令第41号)
    serial: int

    @property
    def key(self) -> str:
        if self.year is None:
            return f"{self.issuer_code}第{self.serial}号"
        return f"{self.issuer_code}〔{self.year}〕{self.serial}号"

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Agency:
    name: str  # full name as written, whitespace removed: 南宁市医疗保障局
    region_code: str | None  # GB/T 2260 code of its jurisdiction: 450100; national = 100000
    level: Level | None


@dataclass(frozen=True)
class Section:
    """One numbered part of the body. `path` is the ordinal path: 三、(二) → (3, 2)."""

    path: tuple[int, ...]
    label: str  # the numbering as written: "三、", "(二)", "（十二）", "1."
    heading: str  # the heading text (first sentence / line after the label), may be ""
    span: Span  # from the label to the end of the section (before the next sibling or higher)


@dataclass(frozen=True)
class Citation:
    docno: DocNo | None  # None when the cited text carries no 文号 (a title alone)
    docno_text: str  # the 文号 verbatim, "" when absent
    title: str  # the title verbatim between 《》, "" when absent; line breaks removed
    relation: Relation
    section_path: tuple[int, ...]  # () = preamble / outside numbered sections
    span: Span


@dataclass(frozen=True)
class Ratio:
    parts: tuple[Decimal, ...]  # 6:4 → (6, 4)

    def __str__(self) -> str:
        return ":".join(format(p, "f") for p in self.parts)


@dataclass(frozen=True)
class DateInterval:
    start: dt.date
    end: dt.date


Value = Decimal | Ratio | dt.date | DateInterval


@dataclass(frozen=True)
class Figure:
    kind: str  # a slug of the SKOS scheme: individual-contribution, central-subsidy, … or "other"
    value: Value
    unit: str  # 元/人·年, 元, %, 万元, ratio, date, interval, 人 …
    qualifier: Qualifier
    year: int | None
    year_type: YearType
    year_inferred: bool
    region_code: str  # GB/T 2260 code the figure applies to
    scope: str | None  # tier or group inside the region: 设区市, 贫困县, 第三档, 建档立卡贫困人口 …
    scope_regions: tuple[str, ...]  # GB/T 2260 codes a tier names (第三档: 兰州、金昌、嘉峪关), else ()
    payer: str | None  # for shares: central, provincial, city, county, district …
    section_path: tuple[int, ...]
    quote: str  # verbatim source text, == source[span.start:span.end]
    span: Span
    restates: str | None = None  # DocNo.key of the notice the figure is said to be taken from
    yields_to_national: bool = False  # "国家…有新规定的，从其规定"
    note: str | None = None  # free text, e.g. "250 collected; 30 top-up with 2021 contribution"
    cue: str | None = None  # the words that gave the figure its kind, as they stand in the text
    # How the kind was decided (graph.parse.figure_kinds.Basis): clause, after, continued, list (a cue of the
    # figure's own statement) or sentence, context, fallback (a cue outside it, or none: flagged for review).
    basis: str = "clause"

    @property
    def needs_review(self) -> bool:
        return self.basis in ("sentence", "context", "fallback")


ValidityAspect = Literal["entry-into-force", "applicability", "end", "repeals", "prevails"]


@dataclass(frozen=True)
class Validity:
    """One statement of a notice about when it (or another notice) is in force, as the text words it.

    entry-into-force  本通知自…起施行 (`date`, or `relative`="printed" for 自印发之日起施行)
    applicability     从…起执行 / 自…起执行: from when its rules are applied (`date`)
    end               有效期至… (`date`) or 有效期N年 (`years`, counted from entry into force)
    repeals           原《…》（文号）同时废止: `repealed` is the DocNo.key of the notice it ends
    prevails          此前规定与本通知不一致的，以本通知为准: it prevails over earlier rules
    """

    aspect: ValidityAspect
    quote: str  # verbatim source text, == source[span.start:span.end]
    span: Span
    date: dt.date | None = None
    relative: Literal["printed", "signed"] | None = None
    years: int | None = None
    repealed: str | None = None


@dataclass(frozen=True)
class Notice:
    source_file: str  # file name as given (relative to the corpus dir)
    span: Span  # range of this notice inside the file
    docno: DocNo | None
    docno_text: str  # verbatim
    title: str  # joined across line breaks, whitespace between CJK characters removed
    issuers: tuple[Agency, ...]
    addressees: tuple[str, ...]
    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]
    signed: dt.date | None  # 成文日期
    printed: dt.date | None  # 印发日期
    attachments: tuple[str, ...]  # 附件说明 entries, verbatim titles
    copied_to: tuple[str, ...]  # 抄送
    publicity: str | None  # 主动公开 …
    printed_by: str | None = None  # 印发机关
    attached_to: str | None = None  # DocNo.key of the notice this one is carried inside
    figures: tuple[Figure, ...] = ()
    region_code: str | None = None  # the jurisdiction of the (first) issuer
    validity: tuple[Validity, ...] = ()  # what the text says about when it is in force (graph.parse.validity)


@dataclass(frozen=True)
class Extraction:
    """How a source file became text (`graph.ingest`): what was read and with what, and where it came from."""

    media_type: str  # text/plain, text/html, application/pdf, …wordprocessingml.document
    method: str  # decode, html-main-content, pdf-text-layer, docx-body
    library: str  # the library and version that did it: "charset-normalizer 3.4.0", "PyMuPDF 1.25.1" …
    encoding: str | None = None  # the codec the bytes were read with (text and HTML)
    confidence: float | None = None  # 1.0 when the bytes say it (BOM, valid UTF-8, a meta charset that reads)
    source_url: str | None = None  # where it was published: --source-url, NAME.meta.json, canonical / og:url
    retrieved: str | None = None  # ISO date it was fetched, when known
    furniture: tuple[Span, ...] = ()  # page numbers, running heads and footers the cleaning drops


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str  # of the bytes that were read (the file), or of the text's UTF-8 when given text
    text: str  # the text the parser read; every offset indexes into it
    extraction: Extraction | None = None


@dataclass(frozen=True)
class Problem:
    """A warning or error with a place: file, 1-based line, and the text there."""

    severity: Literal["warning", "error"]
    file: str
    line: int
    text: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}: {self.text!r}"


@dataclass(frozen=True)
class ParseResult:
    source: SourceFile
    notices: tuple[Notice, ...]
    problems: tuple[Problem, ...] = field(default=())
