"""What a line of a notice is: a 文号 line, a date line, a section label, a footer mark, an agency name.

The predicates read one line of a cleaned view (`text.Line.text`: spaces removed, full-width folded to
half-width) and know the genre (GB/T 9704 公文), never a particular notice.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

import cn2an

from .docno import parse_docno

# Characters that end a sentence or a clause introducing what follows (after width folding).
SENTENCE_END = "。:;!?"
CLOSERS = ")」”\"'】》"

_CN_DIGIT = "〇零一二三四五六七八九十"
DATE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
CN_DATE = re.compile(rf"(?P<y>[{_CN_DIGIT}]{{4}})年(?P<m>[{_CN_DIGIT}]{{1,3}})月(?P<d>[{_CN_DIGIT}]{{1,3}})日")
ANY_DATE = re.compile(rf"{DATE.pattern}|{CN_DATE.pattern.replace('?P<', '?P<c')}")

# Endings of the name of an issuing body (局, 厅, 办公室, 领导小组办公室, 人民政府 …).
AGENCY_SUFFIX = re.compile(
    r"(?:局|厅|部|委|委员会|办公室|办|政府|中心|院|署|会|小组|处|室|所|司|行|监管局|管委会|总队|支队|大学|学校)$"
)
# Words a title ends with (…的通知, …的意见, …办法).
TITLE_END = re.compile(
    r"(?:通知|意见|办法|决定|通报|方案|规定|细则|公告|批复|函|报告|规划|纲要|标准|清单|指引|指南|规则|目录|复函)[》>〉]*$"
)
# Footer marks (版记 and 附注) and 附件说明 at a line start.
ATTACHMENT_NOTE = re.compile(r"^(?:附件|附表)\d*[:]")
ATTACHMENT_MARK = re.compile(r"^(?:附件|附表)\d*$")
PUBLICITY = re.compile(r"公开方式[:](?P<a>[^()\s:]+)|\(此件(?P<b>[^()]+)\)|公开属性[:](?P<c>[^()\s]+)")
COPIED_TO = re.compile(r"^抄送[:]")
PRINTED = re.compile(rf"^(?P<by>.*?)(?P<date>{ANY_DATE.pattern})印发$")
COPIES = re.compile(r"^\(?共印\d+份\)?$")
# A web page's metadata field: `信息名称:…` or a bracketed label `【成文日期】 2021-07-28`.
METADATA = re.compile(
    r"^(?:【[^】]{1,10}】|(?:信息名称|索引号|法定主动公开分类|主动公开分类|主题分类|文件编号|发文字号|发布机构|发文机关|"
    r"发文机构|生成日期|成文日期|发文日期|执行日期|公开日期|发布日期|发布时间|本站发布时间|废止日期|内容概述|摘要|"
    r"有效性|是否有效|公开方式|公开范围|省市地区|来源)[:])"
)

# Section labels at a line start, by kind; the order of the kinds is the usual nesting.
LABELS = (
    re.compile(r"^(?P<n>[一二三四五六七八九十百零〇]+)、"),
    re.compile(r"^\((?P<n>[一二三四五六七八九十百零〇]+)\)"),
    re.compile(r"^(?P<n>\d{1,2})(?:\.(?!\d)|、)"),
    re.compile(r"^\((?P<n>\d{1,2})\)"),
)


# The predicates of a line are asked about the same line by each step (segmenting, header, footer, paragraph
# starts, sections, prose): each answer is kept for the lines of the files being read (pure functions of it).


def agency_end(name: str) -> bool:
    """Whether `name` ends like the name of an issuing body (AGENCY_SUFFIX, read on its last characters:
    a name that grows one token at a time is not read again from its start)."""
    return bool(AGENCY_SUFFIX.search(name, max(0, len(name) - 8)))


@cache
def cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 二〇二〇 → 2020; Arabic digits pass through."""
    if len(s) > 12:  # no section or date is numbered so (and cn2an is quadratic in the length)
        raise ValueError(f"not a number: {s[:12]}…")
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(c in "〇零一二三四五六七八九" for c in s):
        return int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in s))
    return int(cn2an.cn2an(s, "normal"))


def to_date(m: re.Match[str]) -> dt.date | None:
    """The date of a DATE/CN_DATE/ANY_DATE match, None when it is not a real date."""
    groups = m.groupdict()
    y = groups.get("y") or groups.get("cy")
    mo = groups.get("m") or groups.get("cm")
    d = groups.get("d") or groups.get("cd")
    try:
        return dt.date(cn_number(y), cn_number(mo), cn_number(d))  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None


_DATE_AT_END = re.compile(rf"(?:{ANY_DATE.pattern})$")
_SIGNER = re.compile(r"签发人[:].*$")


@lru_cache(maxsize=4096)
def date_line(line: str) -> tuple[str, dt.date] | None:
    """(prefix, date) when a line is a date alone or after an agency name (成文日期): `2020年8月11日`,
    `二〇二〇年八月十一日`, `广西…办公室 2017年6月21日`. Not a 印发 line, not a date inside a sentence."""
    m = _DATE_AT_END.search(line)
    if not m:
        return None
    prefix = line[: m.start()]
    if prefix and not AGENCY_SUFFIX.search(prefix):
        return None
    date = to_date(m)
    return (prefix, date) if date else None


@lru_cache(maxsize=4096)
def label_of(line: str) -> tuple[int, str, int] | None:
    """(kind, label as matched, ordinal) for a line that starts with a section label."""
    for kind, pattern in enumerate(LABELS):
        m = pattern.match(line)
        if m:
            try:
                return kind, m.group(0), cn_number(m.group("n"))
            except (ValueError, KeyError):
                return None
    return None


@lru_cache(maxsize=4096)
def docno_line(line: str) -> bool:
    """A line that is a 文号 alone, perhaps followed by 签发人 (the 版头's 发文字号); never in brackets, as a
    cited 文号 broken onto its own line is."""
    return not line.startswith(("(", "（", "[")) and parse_docno(_SIGNER.sub("", line)) is not None


@lru_cache(maxsize=4096)
def broken_docno_line(line: str) -> bool:
    """A short line shaped like a 文号 that does not read as one (`桂医保发〔2020〕号`, `桂医保发〔20x0〕46号`)."""
    if len(line) > 25 or docno_line(line) or any(c in line for c in "。,;:"):
        return False
    return bool(re.search(r"[〔\[(﹝【<][^〕\])﹞】>]{0,8}[〕\])﹞】>]", line)) and bool(re.search(r"[号號]$", line))


@lru_cache(maxsize=4096)
def footer_line(line: str) -> bool:
    """A line of the 版记 or 附注: publicity, copied-to, printing, number of copies."""
    return bool(
        PUBLICITY.search(line) or COPIED_TO.match(line) or PRINTED.match(line) or COPIES.match(line)
    )


def ends_sentence(line: str) -> bool:
    """A line that ends with 。：；！？, perhaps inside a closing bracket or quote (…。）)."""
    if not line:
        return False
    return line[-1] in SENTENCE_END or (line[-1] in CLOSERS and len(line) > 1 and line[-2] in SENTENCE_END)


def agency_like(name: str) -> bool:
    return 2 < len(name) <= 40 and bool(AGENCY_SUFFIX.search(name)) and not re.search(r"[。,;:]", name)
