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

# Why a candidate lost, and why nothing governs: graph.resolve says it in English; the pages say it in Chinese
# first. A reason not in this table is shown as it is.
_REASONS = [
    (r"restated by the governing notice", "被现行通知转述"),
    (r"also stated in the governing notice", "现行通知中也有此项"),
    (r"another statement in the governing notice", "现行通知中的另一处规定"),
    (r"less specific region", "地区范围更大"),
    (r"earlier notice", "通知较早"),
    (r"broader scope", "适用范围更宽"),
    (r"same region and date: ranked after a superseded figure", "地区与日期相同，排在一项已被取代的数值之后"),
    (r"same region and date: ranked after the governing figure", "地区与日期相同，排在现行数值之后"),
    (r"superseded by (.+): it yields to a later higher-level rule", r"已被 \1 取代：上级另有新规定的，从其规定"),
    (r"other year and region: (\d+), (.+)", r"其他年度与地区：\1 年，\2"),
    (r"no (\S+) figure for the whole of (.+) in (\d+); figures exist for narrower scopes \((.*)\): ask with a scope",
     r"\2 \3 年度没有适用全域的 \1 数值；较窄的范围（\4）有数值：请指定范围"),
    (r"no (\S+) figure for (\d+) with scope (.+) in (.+) or any region containing it",
     r"\4 及其上级地区没有范围为“\3”的 \2 年度 \1 数值"),
    (r"no (\S+) figure for (\d+) in (.+) or any region containing it", r"\3 及其上级地区没有 \2 年度的 \1 数值"),
]


def reason(text: str | None) -> Words:
    import re

    text = text or ""
    for pattern, chinese in _REASONS:
        if m := re.fullmatch(pattern, text):
            return Words(m.expand(chinese), text)
    return Words(text, text)
