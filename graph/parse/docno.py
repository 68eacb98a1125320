"""文号 (发文字号): reading one, and finding them in running text.

Every spelling of a 文号 normalises to one `DocNo`: brackets 〔〕 [] （） () ﹝﹞ <> 【】 〈〉 around the year,
spaces anywhere (`46 号`), full- or half-width digits, 号 or 號; and 令-style numbers without a year
(`人力资源社会保障部国家医疗保障局令第41号` → year None).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .. import regions
from ..records import DocNo
from .text import fold_width

_OPEN = "〔[（(﹝<【〈［"
_CLOSE = "〕]）)﹞>】〉］"
_SPACES = " \t\u3000"
_S = rf"[{_SPACES}]*"
_CJK = r"\u4e00-\u9fff"
# Issuer code, bracketed year, serial: 桂医保发〔2020〕46号. In running text the code is at most 8 characters
# (人社部发, 国卫基层发, 赣府厅字); the finder trims words of the sentence that precede it. A 文号 alone (its
# header line) may have a longer one: a banner's or a county's abbreviated name (科尔沁左翼后医保发).
def _yeared(longest: int) -> str:
    return (rf"(?P<code>[{_CJK}]{{1,{longest}}}?){_S}[{re.escape(_OPEN)}]{_S}(?P<year>(?:19|20)\d\d){_S}"
            rf"[{re.escape(_CLOSE)}]{_S}第?{_S}(?P<serial>\d{{1,5}}){_S}[号號]")


_CODE_MAX, _ORDER_CODE_MAX = 8, 30
_YEARED = _yeared(_CODE_MAX)
# 令-style: …令第41号 (the code runs up to and including 令).
_ORDER = rf"(?P<lcode>[{_CJK}]{{1,{_ORDER_CODE_MAX}}}?令){_S}第{_S}(?P<lserial>\d{{1,5}}){_S}[号號]"
DOCNO = re.compile(rf"{_YEARED}|{_ORDER}")
# What follows the code in each: every 文号 holds one, starting at most this far after its own start.
_CORE = re.compile(rf"[{re.escape(_OPEN)}]{_S}(?:19|20)\d\d{_S}[{re.escape(_CLOSE)}]{_S}第?{_S}\d{{1,5}}{_S}[号號]"
                   rf"|令{_S}第{_S}\d{{1,5}}{_S}[号號]")
_REACH = max(_CODE_MAX, _ORDER_CODE_MAX)
_FULL = re.compile(rf"(?:{_yeared(12)}|{_ORDER})")

# Words of a sentence that run into a bare 文号 (根据桂医保发〔2020〕46号): trimmed from the front of the code.
_LEADING = (
    "关于", "贯彻", "根据", "按照", "依照", "依据",
    "参照", "执行", "落实", "贯彻", "印发", "转发", "下发", "详见", "原", "见", "按", "据", "依", "照",
    "及", "和", "与", "或", "同", "由", "在", "将", "对", "的", "是", "为", "以", "即", "并", "了", "文件",
)
# Codes of issuing bodies never end with these words of a sentence.
_NOT_CODE = re.compile(r"(?:的|和|及|与|或|年|月|日)$")
_WHITESPACE = re.compile(r"\s+")
_LABEL = re.compile(r"^(?:【(?:文件编号|发文字号|文号)】|(?:文件编号|发文字号|文号)[:])")


@dataclass(frozen=True)
class DocNoMatch:
    docno: DocNo
    start: int  # indices in the searched string
    end: int


def _docno(m: re.Match[str]) -> DocNo:
    if m.group("lcode"):
        return DocNo(m.group("lcode"), None, int(m.group("lserial")))
    return DocNo(m.group("code"), int(m.group("year")), int(m.group("serial")))


def parse_docno(text: str) -> DocNo | None:
    """The 文号 that `text` is, alone (outer brackets, spaces and a leading `文件编号:` allowed), or None."""
    s = _WHITESPACE.sub("", fold_width(text))
    s = _LABEL.sub("", s)
    k = 0  # outer brackets, counted first and cut once (a line of 10,000 brackets is not 5,000 copies)
    while len(s) - 2 * k > 2 and s[k] in "(（[【" and s[-1 - k] in ")）]】":
        k += 1
    s = s[k : len(s) - k]
    m = _FULL.fullmatch(s)
    if not m:
        return None
    docno = _docno(m)
    return None if _NOT_CODE.search(docno.issuer_code) else docno


def docno_matches(text: str) -> Iterator[re.Match[str]]:
    """`DOCNO.finditer(text)`, searched only from a little before each place where a 文号's bracketed year or
    令第 stands: the pattern's code is tried at every CJK character, and running text is mostly those.

    The leftmost 文号 from `pos` holds a core at or after the leftmost core `c` from `pos`, and starts at most
    `_REACH` characters (and the spaces before a bracket) before it; it cannot start before `c` (a core's 令
    inside another's code would need the digits after it to be CJK). So searching from there finds it."""
    pos = 0
    while (core := _CORE.search(text, pos)) is not None:
        lo = core.start()
        while lo > pos and text[lo - 1] in _SPACES:
            lo -= 1
        m = DOCNO.search(text, max(pos, lo - _REACH))
        if m is None:
            return
        yield m
        pos = m.end()


def find_docnos(text: str, boundaries: Sequence[int] = ()) -> list[DocNoMatch]:
    """Every 文号 in running text (best searched in a view without line breaks), the issuer code trimmed of
    the words before it: `根据桂医保发〔2020〕46号文件` → 桂医保发〔2020〕46号 at the span of `桂医保发…号`.
    `boundaries` (sorted indices) are paragraph starts a code never reaches back across."""
    found: list[DocNoMatch] = []
    if "号" not in text and "號" not in text:  # every 文号 ends with one: most sentences are searched for nothing
        return found
    for m in docno_matches(text):
        is_order = bool(m.group("lcode"))
        code_group = "lcode" if is_order else "code"
        start, code_end = m.start(code_group), m.end(code_group)
        b = bisect.bisect_right(boundaries, code_end - 1) - 1
        # A boundary that would leave less than two characters of code is a line broken inside the code.
        if b >= 0 and code_end - boundaries[b] >= 2:
            start = max(start, boundaries[b])
        start = _trim_leading(text, start, code_end, is_order)
        code = text[start:code_end]
        if len(code) < 2 or _NOT_CODE.search(code):
            continue
        docno = _docno(m)
        found.append(DocNoMatch(DocNo(code, docno.year, docno.serial), start, m.end()))
    return found


def _trim_leading(text: str, start: int, code_end: int, is_order: bool) -> int:
    """Cut the code after the last sentence word in it (…标准根据桂医保发 → 桂医保发). A 令's code is an
    agency's full name, which may hold 和 or 与: only words of two or more characters cut it."""
    code = text[start:code_end]
    cut = 0
    named: list[tuple[int, int]] | None = None  # place names in the code, read when a one-character word is met
    for word in _LEADING:
        if is_order and len(word) < 2:
            continue
        at = code.rfind(word)
        # Keep at least two characters of code (医保发, 人社部发; never a lone 发). A one-character word inside
        # a place name is the name's (永和人社发, 和平医保发), not a word of the sentence.
        while at >= 0 and (len(code) - (at + len(word)) < 2
                           or (len(word) == 1 and _in_name(at, named := _names(code) if named is None else named))):
            at = code.rfind(word, 0, at)
        if at >= 0:
            cut = max(cut, at + len(word))
    return start + cut


def _names(code: str) -> list[tuple[int, int]]:
    return [(n.start, n.end) for n in regions.find_names(code)]


def _in_name(at: int, names: list[tuple[int, int]]) -> bool:
    return any(a <= at < b for a, b in names)
