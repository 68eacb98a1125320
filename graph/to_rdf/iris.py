"""Instance IRIs, exactly as docs/MODEL.md ("IRIs") mints them: the only place they are composed.

Every variant spelling of a 文号 goes through one `DocNo` first, so it lands on one IRI.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from ..errors import InputError
from ..records import Agency, Citation, DocNo, Figure, Notice, SourceFile

DEFAULT_BASE = "https://noticekg.org/id/"


def default_base() -> str:
    """The base of instance IRIs: `NOTICEKG_BASE` when set, else `DEFAULT_BASE`."""
    return os.environ.get("NOTICEKG_BASE") or DEFAULT_BASE


def base_of(base: str | None) -> str:
    """The base to mint under: `base`, else the default; always ending in `/` (or `#`)."""
    base = base or default_base()
    return base if base.endswith(("/", "#")) else base + "/"


def _slug(syllables: list[str]) -> str:
    words = (re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") for s in syllables)
    return "-".join(w for w in words if w) or "x"


@functools.lru_cache(maxsize=4096)  # a pure function of the code, and pypinyin is slow: a corpus has few codes
def issuer_slug(issuer_code: str) -> str:
    """桂医保发 → gui4-yi1-bao3-fa1, one toned syllable per character. Tone numbers are kept because issuer
    codes are short and one-character province abbreviations are toneless homophones (甘/赣 gan, 吉/冀 ji):
    without tones 甘医保发〔2020〕66号 and 赣医保发〔2020〕66号 would share an IRI. Tones are not enough
    either (潮州's 潮医保发 and 朝阳's 朝医保发 are both chao2, 菏泽's and 河池's he2): a syllable is written bare
    for one character only, the one `plain_syllables.json` names (桂 for gui4), and any other character read
    with it carries its code point (贵 → gui4_8d35). So the slug is injective: two codes, two IRIs."""
    plain, tokens = _plain_syllables(), []
    for c, s in readings(issuer_code):
        if not _HAN.fullmatch(c):  # a letter or digit: a run of them is one word of the slug, as before
            if tokens and tokens[-1][0] is None:
                tokens[-1] = (None, tokens[-1][1] + s)
                continue
            tokens.append((None, s))
        else:
            tokens.append((c, s if plain.get(s) == c else f"{s}_{ord(c):x}"))
    return "-".join(w for w in (_slug([t]) if c is None else t for c, t in tokens) if w != "x") or "x"


def readings(issuer_code: str) -> list[tuple[str, str]]:
    """(character, toned syllable) of each character of the normalised code, each read in the context of the
    whole code (长 reads as in 长沙 or 长春 alike); a character that is not Han is its own "syllable". What
    `issuer_slug` writes, and what tools/plain_syllables.py keys its table by."""
    code = unicodedata.normalize("NFKC", re.sub(r"\s+", "", issuer_code))
    return list(zip(code, lazy_pinyin(code, style=Style.TONE3, neutral_tone_with_five=True, errors=list),
                    strict=True))


_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


@functools.cache
def _plain_syllables() -> dict[str, str]:
    """Toned syllable → the one character written bare with it (data: tools/plain_syllables.py made it)."""
    return json.loads((Path(__file__).with_name("plain_syllables.json")).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4096)  # a pure function of the name; a corpus names few agencies, many times
def name_slug(name: str) -> str:
    """南宁市医疗保障局 → nan-ning-shi-yi-liao-bao-zhang-ju (agencies: the region code in front keeps
    homophones apart)."""
    return _slug(lazy_pinyin(unicodedata.normalize("NFKC", re.sub(r"\s+", "", name))))


_KEY = re.compile(r"^(?P<code>.+?)〔(?P<year>\d{4})〕(?P<serial>\d+)号$|^(?P<lcode>.+令)第(?P<lserial>\d+)号$")


def docno_of(text: str) -> DocNo:
    """The `DocNo` a 文号 names: its canonical key read directly, any other spelling through the parser's
    normaliser. `InputError` when the text is not a 文号."""
    m = _KEY.match(text.strip())
    if m and m.group("code"):
        return DocNo(m.group("code"), int(m.group("year")), int(m.group("serial")))
    if m:
        return DocNo(m.group("lcode"), None, int(m.group("lserial")))
    from ..parse.docno import parse_docno  # variant spellings: 〔〕 [] （）, spaces, full-width digits

    docno = parse_docno(text)
    if docno is None:
        raise InputError(f"not a document number (文号): {text!r}")
    return docno


def notice_iri(docno: DocNo | str, base: str | None = None) -> str:
    """`B notice/{issuer-slug}/{year}/{serial}`, or `B notice/{issuer-slug}/{serial}` for a 令 number.
    Every spelling of one 文号 gives one IRI: the parts are taken from the normalised `DocNo`."""
    if isinstance(docno, str):
        docno = docno_of(docno)
    year = f"/{docno.year}" if docno.year is not None else ""
    return f"{base_of(base)}notice/{issuer_slug(docno.issuer_code)}{year}/{docno.serial}"


def unnumbered_notice_iri(source_sha256: str, start: int, base: str | None = None) -> str:
    digest = hashlib.sha256(f"{source_sha256}:{start}".encode()).hexdigest()[:12]
    return f"{base_of(base)}notice/unnumbered/{digest}"


def iri_of_notice(notice: Notice, source: SourceFile, base: str | None = None) -> str:
    if notice.docno is not None:
        return notice_iri(notice.docno, base)
    return unnumbered_notice_iri(source_sha256(source), notice.span.start, base)


def section_iri(notice: str, path: tuple[int, ...]) -> str:
    return f"{notice}/s/{'/'.join(str(n) for n in path)}" if path else notice


def graph_iri(notice: str) -> str:
    return f"{notice}/graph"


def activity_iri(notice: str) -> str:
    """The parse activity that generated the notice's graph."""
    return f"{graph_iri(notice)}/activity"


def quote_iri(figure: str) -> str:
    return f"{figure}/quote"


def source_sha256(source: SourceFile) -> str:
    return source.sha256 or hashlib.sha256(source.text.encode("utf-8")).hexdigest()


def source_iri(source: SourceFile, base: str | None = None) -> str:
    return f"{base_of(base)}source/{source_sha256(source)[:16]}"


def agency_iri(agency: Agency, base: str | None = None) -> str:
    return f"{base_of(base)}agency/{agency.region_code or 'unknown'}/{name_slug(agency.name)}"


def region_iri(code: str, base: str | None = None) -> str:
    return f"{base_of(base)}region/{code}"


def dataset_graph_iri(name: str, base: str | None = None) -> str:
    """`B graph/vocabulary`, `B graph/regions`, `B graph/validation`."""
    return f"{base_of(base)}graph/{name}"


def _figure_order(figure: Figure) -> tuple:
    return (figure.span, figure.kind, str(figure.value), figure.scope or "", figure.payer or "",
            figure.region_code)


def figure_iris(notice: Notice, notice_iri_: str) -> list[tuple[Figure, str]]:
    """Each figure with its IRI: `{section}/f/{n}`, n counting the figures of that section (not of its
    children) by start offset; `{notice}/f/{n}` outside numbered sections."""
    paths = {s.path for s in notice.sections}
    by_owner: dict[tuple[int, ...], list[Figure]] = {}
    for figure in notice.figures:
        by_owner.setdefault(figure.section_path if figure.section_path in paths else (), []).append(figure)
    named = []
    for path in sorted(by_owner):
        owner = section_iri(notice_iri_, path)
        named += [(f, f"{owner}/f/{n}") for n, f in enumerate(sorted(by_owner[path], key=_figure_order), 1)]
    return named


def citation_iris(notice: Notice, notice_iri_: str) -> list[tuple[Citation, str]]:
    order = sorted(notice.citations, key=lambda c: (c.span, c.docno.key if c.docno else "", c.relation))
    return [(c, f"{notice_iri_}/c/{n}") for n, c in enumerate(order, 1)]
