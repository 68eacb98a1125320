"""One language policy: every page and message says things in Chinese with the English beside it, and names
the graph's terms (kinds, relations, levels, qualifiers, rules) in the words of `ontology/`'s own labels.

    label(iri) -> Words        the ontology's rdfs:label / skos:prefLabel of a term, Chinese and English
    relation(name) -> Words    forwards, implements, applies, hasAttachment, cites (and their inverses)
    level(name) -> Words       national, provincial, municipal, county
    PHRASES                    the pages' own fixed words (headings, facet names, severities)
    reason(text) -> Words      a reason or message of the resolver (REASONS, keyed by its English wording)
    error(status, msg) -> Words an error message (ERRORS), else what its status means (STATUS)

The labels are read from the ontology files once, not from the store: a store without the vocabulary graph
still shows the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import RDFS, SKOS

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
NKG = "https://noticekg.org/def/"
SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Words:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} {self.en}" if self.en and self.en != self.zh else self.zh

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@lru_cache(maxsize=1)
def _labels() -> dict[str, Words]:
    graph = rdflib.Graph()
    for path in sorted([*ONTOLOGY.glob("*.ttl"), *ONTOLOGY.glob("shapes/*.ttl")]):
        graph.parse(path, format="turtle")
    found: dict[str, dict[str, str]] = {}
    for prop in (RDFS.label, SKOS.prefLabel):  # prefLabel wins where both are given
        for subject, _, value in graph.triples((None, prop, None)):
            if isinstance(value, rdflib.Literal) and value.language in ("zh", "en"):
                found.setdefault(str(subject), {})[value.language] = str(value)
    return {iri: Words(v.get("zh") or v.get("en", ""), v.get("en") or v.get("zh", "")) for iri, v in found.items()}


def label(iri: str, fallback: str | None = None) -> Words:
    """The ontology's words for a term; the local name (or `fallback`) in both languages when it has none."""
    found = _labels().get(iri)
    if found:
        return found
    name = fallback or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return Words(name, name)


# Inverse relations have no term of their own in the ontology: the pages say them in these words.
_INVERSE = {
    "forwards": Words("被转发于", "forwarded by"),
    "implements": Words("被贯彻落实于", "implemented by"),
    "applies": Words("被参照执行于", "applied by"),
    "hasAttachment": Words("作为附件载于", "attached to"),
    "attachmentOf": Words("附件", "has attachment"),
    "cites": Words("被引用于", "cited by"),
}


def relation(name: str, inverse: bool = False) -> Words:
    """A relation between notices by its local name (`forwards`), or its inverse (`被转发于 forwarded by`)."""
    if inverse:
        return _INVERSE.get(name, Words(name, name))
    if name == "attachmentOf":
        return _INVERSE["hasAttachment"]
    return label(NKG + name)


LEVEL_TERMS = {"national": "National", "provincial": "Provincial", "municipal": "Municipal", "county": "County"}


def level(name: str | None) -> Words:
    if not name:
        return PHRASES["unknown"]
    return label(NKG + LEVEL_TERMS.get(name, name))


def kind(slug: str) -> Words:
    return label(NKG + "kind/" + slug)


SEVERITIES = {
    SH + "Violation": Words("违规", "violation"),
    SH + "Warning": Words("警告", "warning"),
    SH + "Info": Words("提示", "info"),
}

PHRASES = {
    "unknown": Words("未知", "unknown"),
    "region": Words("地区", "region"),
    "year": Words("年度", "year"),
    "level": Words("发文层级", "issuing level"),
    "relation": Words("关系", "relation"),
    "search": Words("全文检索", "full-text search"),
    "chain": Words("依据链", "chain of notices"),
    "implementation": Words("贯彻落实情况表", "implementation table"),
    "findings": Words("校验发现", "validation findings"),
    "rule": Words("规则", "rule"),
    "severity": Words("严重程度", "severity"),
    "not_found": Words("未找到", "not found"),
    "by_citation": Words("仅见于引用", "known only by citation"),
    "current": Words("当前通知", "this notice"),
    "below_floor": Words("低于上级下限", "below the higher floor"),
    "differs": Words("与上级不同", "differs from the parent"),
    "same": Words("与上级一致", "same as the parent"),
}

# A timeline step's standing (graph/timeline.py), as the figure and notice pages say it.
TIMELINE = {
    "governs": Words("该年度适用", "governs its year"),
    "superseded": Words("已被后文取代", "superseded by a later notice"),
    "yields": Words("从其规定，让位于上级新规定", "yields to a later higher-level rule"),
    "not-yet-in-force": Words("尚未施行", "not yet in force"),
    "no-longer-in-force": Words("已失效", "no longer in force"),
    "today": Words("现行", "in force as of this date"),
    "heading": Words("历年沿革", "timeline"),
    "as_of": Words("截至", "as of"),
    "in_force_from": Words("施行", "in force from"),
    "until": Words("至", "until"),
    "this": Words("本数值", "this figure"),
}

# Why a candidate lost, why nothing governs, and the rules of time: graph.resolve and graph.validity say them in
# English; the pages say them in Chinese first. Each key is the resolver's own wording with `{}` for what it
# fills in (tests/test_words_reasons.py reads every such wording out of the resolver's source and fails when
# one has no entry here); the Chinese takes the filled-in values by position, a kind's slug in its label.
REASONS = {
    # a candidate that lost (graph/resolve.py: _sift, _reason, _superseded)
    "different scope": "适用范围不同",
    "narrower scope: {}": "适用范围更窄：{0}",
    "restated by the governing notice": "被现行通知转述",
    "also stated in the governing notice": "现行通知中也有此项",
    "another statement in the governing notice": "现行通知中的另一处规定",
    "less specific region": "地区范围更大",
    "earlier notice": "通知较早",
    "broader scope": "适用范围更宽",
    "same region and date: ranked after a superseded figure": "地区与日期相同，排在一项已被取代的数值之后",
    "same region and date: ranked after the governing figure": "地区与日期相同，排在现行数值之后",
    "superseded by {}: it yields to a later higher-level rule": "已被 {0} 取代：上级另有新规定的，从其规定",
    # not in force on the day asked about (_not_in_force), or taking over from the governing figure later (_later:
    # "it" is the governing figure)
    "not yet in force on {}: in force from {}": "{0} 尚未施行：自 {1} 起施行",
    "no longer in force on {}: in force until {}": "{0} 已失效：有效至 {1}",
    "no longer in force on {}: in force until {} (repealed by {})": "{0} 已失效：有效至 {1}（已被 {2} 废止）",
    "from {}: it yields to this later higher-level rule (yields-to-later-higher-rule)":
        "自 {0} 起：现行数值让位于这项较新的上级规定（从其规定）",
    "from later: it yields to this later higher-level rule (yields-to-later-higher-rule)":
        "日后：现行数值让位于这项较新的上级规定（从其规定）",
    "from {}: a later notice supersedes it (later-notice-supersedes)": "自 {0} 起：这份较新的通知取代现行数值",
    "from later: a later notice supersedes it (later-notice-supersedes)": "日后：这份较新的通知取代现行数值",
    "later-notice-supersedes": "被较新的通知取代",
    # the nearest figures when nothing governs (_nearest)
    "other year: {}": "其他年度：{0} 年",
    "other region: {}": "其他地区：{0}",
    "other year and region: {}, {}": "其他年度与地区：{0} 年，{1}",
    # the answer as a whole (governing_figure, _nothing_message)
    "{}{} governs {} in {} for {} as of {}": "截至 {5}，{3} {4} 年度的{2}由 {0}{1} 规定",
    "no {} figure for {} in {} was in force on {}; later notices set one (see the candidates)":
        "{3} 时 {2} 没有施行中的 {1} 年度{0}；较新的通知有规定（见候选）",
    "no {} figure for the whole of {} in {}; figures exist for narrower scopes ({}): ask with a scope":
        "{1} {2} 年度没有适用全域的{0}；较窄的范围（{3}）有数值：请指定范围",
    "no {} figure for {} in {} or any region containing it": "{2} 及其上级地区没有 {1} 年度的{0}",
    "no {} figure for {} with scope {} in {} or any region containing it":
        "{3} 及其上级地区没有范围为“{2}”的 {1} 年度{0}",
    # the rules of time (graph/validity.py RULES), as the in-force statements name them
    "no date of entry into force is stated: in force from its printing (else signing) date":
        "未写明施行日期：自印发（否则成文）之日起施行",
    "有效期N年 is counted from entry into force": "有效期N年自施行之日起计算",
    "repealed by a later notice: no longer in force from the day that notice enters into force":
        "被较新的通知废止：自该通知施行之日起失效",
    "a later notice of the same kind, year, region and scope supersedes an earlier one":
        "同一种类、年度、地区与范围的较新通知取代较早的通知",
    "the figure says 从其规定: it gives way to a later higher-level rule": "数值写明“从其规定”：让位于较新的上级规定",
    "a yearly figure applies to its year": "年度数值适用于其年度",
}


# The service's own error messages (server/api.py, server/linked_data.py, server/errors.py, graph/lookup.py),
# by the same kind of key; an error without an entry says in Chinese what its status means.
ERRORS = {
    "{} is required: /api/governs?kind=individual-contribution&region=南宁市&year=2021":
        "缺少参数 {0}：例如 /api/governs?kind=individual-contribution&region=南宁市&year=2021",
    "year is required, e.g. year=2021": "缺少年度 year：例如 year=2021",
    "year must be a whole number such as 2021, not {}": "年度 year 须为整数（如 2021），而不是 {0}",
    "as_of must be a date such as 2021-03-01, not {}": "日期 as_of 须形如 2021-03-01，而不是 {0}",
    "unknown region code {}: not in GB/T 2260 (revision {})": "未知的地区代码 {0}：不在 GB/T 2260（{1} 版）中",
    "unknown region {}: give a GB/T 2260 name (南宁市, 南宁, 广西) or a code (450100)":
        "未知的地区 {0}：请给出 GB/T 2260 名称（南宁市、南宁、广西）或代码（450100）",
    "unknown figure kind {}": "未知的数值种类 {0}",
    "unknown figure kind {}; did you mean {}?": "未知的数值种类 {0}；您是否要找 {1}？",
    "no notice {} in the graph": "图中没有通知 {0}",
    "no notice {} in the graph; did you mean {}?": "图中没有通知 {0}；您是否要找 {1}？",
    "no notice with the 文号 {} in the graph": "图中没有文号为 {0} 的通知",
    "nothing in the graph is named {}": "图中没有名为 {0} 的资源",
    "no resource is named {}": "图中没有名为 {0} 的资源",
}

STATUS = {
    400: Words("请求有误", "bad request"), 403: Words("禁止", "forbidden"), 404: Words("未找到", "not found"),
    405: Words("不允许的方法", "method not allowed"), 406: Words("无法提供所需格式", "not acceptable"),
    413: Words("请求过大", "request too large"), 414: Words("网址过长", "URI too long"),
    431: Words("请求头过大", "request headers too large"), 500: Words("服务器内部错误", "internal error"),
    503: Words("服务繁忙或查询超时", "busy or timed out"),
}


@lru_cache(maxsize=2)
def _patterns(table: str) -> list[tuple[re.Pattern[str], str, str]]:
    # The most literal text first: "no {} figure for {} with scope {} in {}…" before "no {} figure for {} in {}…".
    entries = REASONS if table == "reasons" else ERRORS
    keys = sorted(entries, key=lambda k: (-len(k.replace("{}", "")), k))
    return [(re.compile("(.*?)".join(re.escape(part) for part in k.split("{}")), re.S), k, entries[k])
            for k in keys]


def _say(table: str, text: str) -> Words | None:
    for pattern, _, chinese in _patterns(table):
        if m := pattern.fullmatch(text):
            return Words(chinese.format(*(_value_words(v) for v in m.groups())), text)
    return None


def reason_key(text: str) -> str | None:
    """The entry of REASONS that says `text`, or None."""
    return next((key for pattern, key, _ in _patterns("reasons") if pattern.fullmatch(text)), None)


def reason(text: str | None) -> Words:
    """A reason or message of the resolver, Chinese (with kinds by their labels) and the English as it is; a
    wording with no entry in REASONS is shown as it is."""
    return _say("reasons", text or "") or Words(text or "", text or "")


def error(status: int, message: str) -> Words:
    """An error message in Chinese and English: its entry in ERRORS, else what the status means."""
    found = _say("errors", message)
    if found:
        return found
    generic = STATUS.get(status, STATUS[500] if status >= 500 else STATUS[400])
    return Words(generic.zh, message)


def _value_words(value: str) -> str:
    found = _labels().get(NKG + "kind/" + value) if re.fullmatch(r"[a-z0-9-]+", value) else None
    return found.zh if found else value
