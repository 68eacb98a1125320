"""One language policy: every page and message says things in Chinese with the English beside it, and names
the graph's terms (kinds, relations, levels, qualifiers, rules) in the words of `ontology/`'s own labels.

    label(iri) -> Words        the ontology's rdfs:label / skos:prefLabel of a term, Chinese and English
    relation(name) -> Words    forwards, implements, applies, hasAttachment, cites (and their inverses)
    level(name) -> Words       national, provincial, municipal, county
    PHRASES                    the pages' own fixed words (headings, facet names, severities)

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
    # not in force on the day asked about, or taking over later (_not_in_force, _later)
    "not yet in force on {}: in force from {}": "{0} 尚未施行：自 {1} 起施行",
    "no longer in force on {}: in force until {}": "{0} 已失效：有效至 {1}",
    "no longer in force on {}: in force until {} (repealed by {})": "{0} 已失效：有效至 {1}（已被 {2} 废止）",
    "from {}: it yields to this later higher-level rule (yields-to-later-higher-rule)":
        "自 {0} 起：让位于这项较新的上级规定（从其规定）",
    "from later: it yields to this later higher-level rule (yields-to-later-higher-rule)":
        "日后：让位于这项较新的上级规定（从其规定）",
    "from {}: a later notice supersedes it (later-notice-supersedes)": "自 {0} 起：被较新的通知取代",
    "from later: a later notice supersedes it (later-notice-supersedes)": "日后：被较新的通知取代",
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


@lru_cache(maxsize=1)
def _reason_patterns() -> list[tuple[re.Pattern[str], str, str]]:
    # The most literal text first: "no {} figure for {} with scope {} in {}…" before "no {} figure for {} in {}…".
    keys = sorted(REASONS, key=lambda k: (-len(k.replace("{}", "")), k))
    return [(re.compile("(.*?)".join(re.escape(part) for part in k.split("{}")), re.S), k, REASONS[k])
            for k in keys]


def reason_key(text: str) -> str | None:
    """The entry of REASONS that says `text`, or None."""
    return next((key for pattern, key, _ in _reason_patterns() if pattern.fullmatch(text)), None)


def reason(text: str | None) -> Words:
    """A reason or message of the resolver, Chinese (with kinds by their labels) and the English as it is; a
    wording with no entry in REASONS is shown as it is."""
    text = text or ""
    for pattern, _, chinese in _reason_patterns():
        if m := pattern.fullmatch(text):
            values = [_value_words(v) for v in m.groups()]
            return Words(chinese.format(*values), text)
    return Words(text, text)


def _value_words(value: str) -> str:
    found = _labels().get(NKG + "kind/" + value) if re.fullmatch(r"[a-z0-9-]+", value) else None
    return found.zh if found else value
