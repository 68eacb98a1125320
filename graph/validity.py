"""When a notice is in force, read back from the graph: `InForce` (entry into force, last day in force, and
whether each was stated or derived) and the rules that derive what the text leaves unsaid. The timeline of a
kind in a region, for the pages, is `graph.timeline`.

The rules (individuals of `nkg:DerivationRule`, ontology/noticekg.ttl):

    entry-on-issue               no stated date: in force from the printing (else signing) date
    years-from-entry             有效期N年 runs from entry into force to the day before its N-th anniversary
    repeal-ends-notice           a notice another repeals (原…同时废止) ends the day before the repeal enters into force
    later-notice-supersedes      same kind, year, region and scope: the notice in force later supersedes the earlier
    yields-to-later-higher-rule  a figure that says 从其规定 gives way to a later higher-level figure of its kind and year
    yearly-figure                a yearly figure applies to its year (1 January to 31 December)

The first three are written by the RDF writer or read here; the last three are applied by the resolver.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

RULES = {
    "entry-on-issue": "no date of entry into force is stated: in force from its printing (else signing) date",
    "years-from-entry": "有效期N年 is counted from entry into force",
    "repeal-ends-notice": "repealed by a later notice: no longer in force from the day that notice enters into force",
    "later-notice-supersedes": "a later notice of the same kind, year, region and scope supersedes an earlier one",
    "yields-to-later-higher-rule": "the figure says 从其规定: it gives way to a later higher-level rule",
    "yearly-figure": "a yearly figure applies to its year",
}


@dataclass(frozen=True)
class Dated:
    """One validity date with where it comes from: the text (`quote`) or a rule (`rule`)."""

    date: dt.date
    basis: str  # "stated" | "derived"
    quote: str | None = None
    rule: str | None = None
    by: str | None = None  # the 文号 of the notice whose statement gives it (a repeal), when not this one

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "basis": self.basis, "quote": self.quote, "rule": self.rule,
                "by": self.by}


@dataclass(frozen=True)
class InForce:
    """A notice's period in force: from `entry` (first day) to `end` (last day; None while open)."""

    entry: Dated | None = None
    end: Dated | None = None
    applicability: Dated | None = None

    def on(self, day: dt.date) -> bool:
        """In force on `day`; a notice whose entry is unknown counts as in force (the text gives no limit)."""
        return (self.entry is None or self.entry.date <= day) and (self.end is None or day <= self.end.date)

    def status(self, day: dt.date) -> str:
        """eli:in_force as of `day`: "in-force", "not-yet-in-force" or "no-longer-in-force"."""
        if self.entry is not None and day < self.entry.date:
            return "not-yet-in-force"
        if self.end is not None and day > self.end.date:
            return "no-longer-in-force"
        return "in-force"

    def to_json(self) -> dict[str, Any]:
        return {"entry_into_force": self.entry.to_json() if self.entry else None,
                "applicability": self.applicability.to_json() if self.applicability else None,
                "no_longer_in_force": self.end.to_json() if self.end else None}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


ELI_NS = "http://data.europa.eu/eli/ontology#"
NKG_NS = "https://noticekg.org/def/"


def in_force(statements: list[dict[str, str]], repeals: list[dict[str, str]]) -> InForce:
    """A notice's `InForce` from its validity statements (dicts with property, basis, rule, date, quote) and
    the repeals that name it (dicts with by, entry: the repealing notice's 文号 and entry date)."""
    def earliest(prop: str) -> Dated | None:
        found = []
        for s in statements:
            if s.get("property") == ELI_NS + prop and (day := _date(s.get("date"))) is not None:
                basis = s.get("basis", "").removeprefix(NKG_NS).lower() or "stated"
                rule = _rule_slug(s.get("rule"))
                found.append(Dated(day, basis, s.get("quote"), rule))
        # Stated before derived, then the earliest date.
        return min(found, key=lambda d: (d.basis != "stated", d.date), default=None)

    entry, end = earliest("first_date_entry_in_force"), earliest("date_no_longer_in_force")
    for r in repeals:
        if (day := _date(r.get("entry"))) is not None:
            last = Dated(day - dt.timedelta(days=1), "derived", None, "repeal-ends-notice", r.get("by"))
            if end is None or last.date < end.date:
                end = last
    return InForce(entry, end, earliest("date_applicability"))


def _rule_slug(iri: str | None) -> str | None:
    if not iri:
        return None
    name = iri.removeprefix(NKG_NS)
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def today() -> dt.date:
    return dt.date.today()


def parse_day(text: str | None) -> dt.date:
    """An as-of date from user text (YYYY-MM-DD); today when empty. ValueError otherwise."""
    if text is None or not str(text).strip():
        return today()
    return dt.date.fromisoformat(str(text).strip())
