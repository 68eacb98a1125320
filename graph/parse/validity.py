"""When a notice is in force, as its own text says it: `read_validity(text, notice) -> tuple[Validity, ...]`.

The wordings of the genre (each gives one `Validity` with its verbatim quote and span):

    本通知自2021年1月1日起施行 / 自印发之日起施行 / …起实施 / …起生效     entry into force
    从2021年1月1日起执行 / 本标准自…起执行                                 applicability (rules applied from)
    有效期至2025年12月31日                                                 end (a date)
    有效期5年 / 有效期为五年                                              end (years from entry into force)
    原《…》（桂医保发〔2019〕12号）同时废止 / …不再执行                     repeals (one per 文号 named)
    此前规定与本通知不一致的，以本通知为准                                  prevails over earlier rules

Matching runs on the notice's cleaned, width-folded text without line breaks (`graph.parse.text.clean`), so
a date broken over a line or written `2021 年` still reads; spans map back to the source. What the genre
implies without saying it (a yearly figure applies to its year, a later notice supersedes) is derived later,
from the graph (`graph.validity`), not here.
"""

from __future__ import annotations

import datetime as dt
import re

import cn2an

from ..records import Notice, Validity
from .docno import find_docnos
from .text import clean

_CN_DIGITS = "〇零一二两三四五六七八九十"
_DATE = (rf"(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年(?P<m>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})月"
         rf"(?P<d>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})日")
_SELF = r"(?:本(?:通知|办法|意见|方案|规定|细则|文件|标准|政策|实施意见|实施方案)|上述政策|以上政策|上述规定|以上规定)"
_RELATIVE = r"(?P<rel>印发|发布|公布|下发|发文|签发|成文)之日"
_ENTRY = re.compile(rf"{_SELF}?(?:自|从)(?:{_DATE}|{_RELATIVE})(?:起|开始)?(?:正式)?(?P<verb>施行|实施|生效|执行)")
_END_DATE = re.compile(rf"有效期(?:为|至|截至|到)(?:{_DATE})(?:止)?")
_END_YEARS = re.compile(rf"有效期(?:为)?(?P<n>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})年")
_PREVAILS = re.compile(
    r"(?:此前|以前|以往|原|过去)(?:有关|相关|出台的|印发的|制定的)?(?:规定|文件|政策|办法)[^。；;]{0,30}?"
    r"与本(?:通知|办法|文件|意见|方案)(?:规定)?不一致的?[，,]?(?:均|一律)?以本(?:通知|办法|文件|意见|方案)(?:规定)?为准")
_REPEAL = re.compile(r"(?:同时|即行|自行|相应)?(?:废止|停止执行|不再执行)")
_SENTENCE_END = "。；;"
_RELATIVE_DATES = {"印发": "printed", "发布": "printed", "公布": "printed", "下发": "printed", "发文": "printed",
                   "签发": "signed", "成文": "signed"}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in "〇零一二三四五六七八九" for c in text):  # 二〇二一: digit by digit
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in text))
    return int(cn2an.cn2an(text.replace("两", "二"), "smart"))


def _date(m: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(_number(m.group("y")), _number(m.group("m")), _number(m.group("d")))
    except (ValueError, TypeError):  # 2月30日: a slip of the text, not a date
        return None


def read_validity(text: str, notice: Notice) -> tuple[Validity, ...]:
    """Every validity statement inside the notice's span, in text order."""
    view = clean(text, notice.span.start, notice.span.end, newlines="drop")
    s = view.text
    found: list[tuple[int, Validity]] = []

    def add(start: int, end: int, **fields: object) -> None:
        span = view.span(start, end)
        found.append((start, Validity(quote=text[span.start:span.end], span=span, **fields)))  # type: ignore[arg-type]

    for m in _ENTRY.finditer(s):
        aspect = "applicability" if m.group("verb") == "执行" else "entry-into-force"
        if m.group("rel"):
            add(m.start(), m.end(), aspect=aspect, relative=_RELATIVE_DATES[m.group("rel")])
        elif (date := _date(m)) is not None:
            add(m.start(), m.end(), aspect=aspect, date=date)
    for m in _END_DATE.finditer(s):
        if (date := _date(m)) is not None:
            add(m.start(), m.end(), aspect="end", date=date)
    for m in _END_YEARS.finditer(s):
        years = _number(m.group("n"))
        if 0 < years < 100:
            add(m.start(), m.end(), aspect="end", years=years)
    for m in _PREVAILS.finditer(s):
        add(m.start(), m.end(), aspect="prevails")
    own = notice.docno.key if notice.docno else None
    for m in _REPEAL.finditer(s):
        start = max(s.rfind(c, 0, m.start()) for c in _SENTENCE_END) + 1
        sentence = s[start:m.start()]
        if "不一致" in sentence:  # 与本通知不一致的…不再执行 ends rules, not named notices: that is `prevails`
            continue
        for d in find_docnos(sentence):
            if d.docno.key != own:
                add(start, m.end(), aspect="repeals", repealed=d.docno.key)
    found.sort(key=lambda f: (f[0], f[1].aspect, f[1].repealed or ""))
    return tuple(v for _, v in found)
