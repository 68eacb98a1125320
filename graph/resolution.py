"""The answer of the governing-figure look-up (`graph.resolve`): `Resolution` with its `Candidate`s, the
figures that `Yield` to a later higher-level rule, and the notice's `InForce`; `to_json()` is the interface
shape of `/api/governs`, `to_text()` what `noticekg governs` prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import regions
from .chain import Step
from .lookup import FigureView, NoticeRef, SectionRef, figure_json
from .validity import RULES, InForce


@dataclass(frozen=True)
class Candidate:
    figure: FigureView
    reason: str

    def to_json(self) -> dict[str, Any]:
        f = self.figure
        return {"docno": f.notice.docno, "value": f.value_json(), "reason": self.reason, "iri": f.iri,
                "unit": f.unit, "qualifier": f.qualifier, "year": f.year, "region": f.region,
                "region_name": f.region_name, "scope": f.scope, "notice": f.notice.iri,
                "section": {"path": f.section.path, "label": f.section.label} if f.section else None,
                "quote": f.quote}


@dataclass(frozen=True)
class Yield:
    """A figure that says 从其规定, and the later higher-level figure it gives way to."""

    figure: FigureView
    to: FigureView

    def to_json(self) -> dict[str, Any]:
        return {"figure": figure_json(self.figure), "yields_to": figure_json(self.to),
                "rule": "yields-to-later-higher-rule", "why": RULES["yields-to-later-higher-rule"]}


@dataclass(frozen=True)
class Resolution:
    kind: str
    region: str  # GB/T 2260 code asked about
    year: int
    scope: str | None
    governed: bool
    message: str
    figure: FigureView | None
    chain: tuple[Step, ...]
    candidates: tuple[Candidate, ...]
    as_of: dt.date | None = None
    in_force: InForce | None = None  # of the governing notice
    supersedes: tuple[Candidate, ...] = ()  # earlier figures of the same region and scope it replaced
    superseded_by: tuple[Candidate, ...] = ()  # figures in force only after `as_of` that took over from it
    yields: tuple[Yield, ...] = ()

    @property
    def region_name(self) -> str:
        return regions.get(self.region).name

    @property
    def notice(self) -> NoticeRef | None:
        return self.figure.notice if self.figure else None

    @property
    def section(self) -> SectionRef | None:
        return self.figure.section if self.figure else None

    @property
    def quote(self) -> str | None:
        return self.figure.quote if self.figure else None

    def to_json(self) -> dict[str, Any]:
        """The interface shape: figure, notice, section, quote, chain, candidates (plus governed, message,
        question, in_force, supersedes, superseded_by, yields); `figure`, `notice` and `section` are null
        when nothing governs."""
        figure, notice, section = self.figure, self.notice, self.section
        return {
            "governed": self.governed,
            "message": self.message,
            "question": {"kind": self.kind, "region": self.region, "region_name": self.region_name,
                         "year": self.year, "scope": self.scope,
                         "as_of": self.as_of.isoformat() if self.as_of else None},
            "figure": figure.to_json() if figure else None,
            "notice": {"iri": notice.iri, "docno": notice.docno, "title": notice.title, "date": notice.date}
            if notice else None,
            "section": {"iri": section.iri, "path": section.path, "label": section.label} if section else None,
            "quote": self.quote,
            "in_force": self.in_force.to_json() if self.in_force else None,
            "chain": [step.to_json() for step in self.chain],
            "supersedes": [c.to_json() for c in self.supersedes],
            "superseded_by": [c.to_json() for c in self.superseded_by],
            "yields": [y.to_json() for y in self.yields],
            "candidates": [c.to_json() for c in self.candidates],
        }

    def to_text(self) -> str:
        scope = f" · {self.scope}" if self.scope else ""
        as_of = f" · as of {self.as_of.isoformat()}" if self.as_of else ""
        lines = [f"{self.kind} · {self.region_name} ({self.region}) · {self.year}{scope}{as_of}"]
        if self.figure and self.notice:
            f, at = self.figure, where(self.figure)
            tier = f" [{f.scope}]" if f.scope else ""
            lines += [f"governed by {self.notice.docno}{at}: {f.value_text()}{tier}"
                      f" ({f.region_name}, {f.year})",
                      f"  notice: {self.notice.title or self.notice.iri}",
                      f"  quote:  「{self.quote or ''}」"]
            if self.in_force and self.in_force.entry:
                e = self.in_force.entry
                lines.append(f"  in force from {e.date.isoformat()} ({e.basis}: {e.quote or e.rule})")
            lines.append("chain:  " + " ".join(
                (f"—{s.relation}→ " if i else "") + (s.docno or s.iri) for i, s in enumerate(self.chain)))
            for y in self.yields:
                lines.append(f"yields: {y.figure.notice.docno} {y.figure.value_text()} gives way to "
                             f"{y.to.notice.docno} {y.to.value_text()} (从其规定)")
            for c in self.supersedes:
                lines.append(f"supersedes: {c.figure.notice.docno} {c.figure.value_text()}")
            for c in self.superseded_by:
                lines.append(f"later superseded by: {c.figure.notice.docno} {c.figure.value_text()} — {c.reason}")
        else:
            lines.append(f"nothing governs: {self.message}")
        if self.candidates:
            lines.append("other candidates:" if self.governed else "nearest candidates:")
            for c in self.candidates:
                f = c.figure
                at = where(f)
                tier = f" [{f.scope}]" if f.scope else ""
                lines.append(f"  {f.notice.docno}{at}  {f.value_text()}{tier}  ({f.region_name}, {f.year})"
                             f"  — {c.reason}")
        return "\n".join(lines)


def where(view: FigureView) -> str:
    """ §一 / §（二） for a figure in a section, "" outside sections."""
    if view.section is None:
        return ""
    return f" §{(view.section.label or '').strip('、.． ') or view.section.path}"
