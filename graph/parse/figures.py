"""Figures: every amount, rate, ratio, date and target a notice states about the resident scheme, as typed
data with quote-level provenance (`graph.records.Figure`).

How a notice is read: its prose (`figure_text`) is cut into sentences; every quantity in a sentence
(`numbers`) that the genre's wording gives a kind (`figure_kinds`; who pays a share: `figure_payers`)
becomes a figure, scoped by the words around it (`figure_scope`); tables are read cell by cell
(`figure_tables`). The year of a figure is the one its sentence states, else the nearest one its section,
headings or the notice's title state (then `year_inferred`). The inclusion rules (what is and is not a figure) are in `tests/data/figures/README.md`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .. import regions
from ..records import Figure, Notice, Problem, Ratio, Value
from . import figure_clause as C
from . import figure_scope as S
from . import numbers
from .budget import check as check_budget
from .figure_kinds import KINDS, OTHER, Classified, Within, classify, share_kind
from .figure_lists import parallel_lists
from .figure_payers import PAYER_WORD, local_shares, payer_of
from .figure_tables import table_figures
from .figure_text import Prose, Sentence, heading_of, read_prose, table_rows
from .lines import label_of
from .sections import section_path_at
from .text import Reporter

_YIELDS = re.compile(r"国家[^。]{0,12}?有新规定的,?从其规定")
_CONTRIBUTION = {"individual-contribution", "individual-contribution-increase"}
_RATIO_PAYERS = re.compile(
    rf"(?P<a>{PAYER_WORD})(?:财政)?(?:(?:和|、|与)(?P<b>{PAYER_WORD})(?:财政)?)?(?:按|筹集比例|分担比例|负担比例)"
)


def extract_figures(text: str, notice: Notice) -> tuple[tuple[Figure, ...], tuple[Problem, ...]]:
    """All figures of `notice`, whose span, sections and region are already parsed, in `text` (the whole
    source file, original offsets)."""
    reader = _Reader(text, notice)
    figures: list[Figure] = []
    for sentence in reader.prose.sentences:
        check_budget()
        figures += reader.sentence_figures(sentence)
    figures += table_figures(text, notice, reader.rows, reader.region, reader.year_for_table)
    figures = local_shares(figures)
    for f in figures:
        if f.kind == OTHER:
            reader.report.at("warning", f.span.start, f"figure of unknown kind kept as 'other': {f.quote}")
        if f.year is None:
            reader.report.at("warning", f.span.start, f"figure with no year stated or inferable: {f.quote}")
    return tuple(sorted(figures, key=lambda f: (f.span.start, f.span.end))), tuple(reader.report.problems)


@dataclass
class _Carried:
    """What a figure hands on to the next ones of its sentence."""

    scope: str | None = None
    region: str | None = None
    tier: tuple[str, tuple[str, ...]] | None = None  # a tier its clause before named, with its divisions
    at: int = 0  # where the figure that handed them on ends: a ; after it ends its statement


class _Reader:
    def __init__(self, text: str, notice: Notice) -> None:
        self.text, self.notice = text, notice
        self.report = Reporter(notice.source_file, text)
        self.rows = table_rows(text, notice.span)
        self.prose: Prose = read_prose(text, notice, self.rows)
        self.region = notice.region_code or self._region_from_title()
        self.title_years = [y.year for y in numbers.years(notice.title)]
        self._paths: dict[int, tuple[int, ...]] = {}  # sentence start → section path
        # Linear time: what every figure of a sentence (or of a section) asks is worked out once.
        self._index = {t.start: i for i, t in enumerate(self.prose.sentences)}
        self._before: dict[tuple[int, ...], tuple[int, str]] = {}  # path → (sentence index, _section_before)
        self._context: tuple[tuple[int, tuple[int, ...]], str] | None = None  # the last figure's "context"
        self._heading_text: dict[tuple[int, ...], str] = {}
        self._years: dict[int, list[numbers.YearMention]] = {}  # sentence start → years outside titles
        self._year_back: dict[tuple[int, tuple[int, ...]], int | None] = {}  # see _inferred_year
        self._restating: dict[int, tuple[list[tuple[int, str, bool]], list[tuple[int, int]]]] = {}
        self._colon_back: dict[int, str | None] = {}  # sentence index → _colon_before
        self._groups: dict[int, tuple[list[int], dict[re.Pattern[str], list[tuple[bool, str | None]]]]] = {}
        self._notice_year_value: tuple[int | None] | None = None

    def _region_from_title(self) -> str:
        """A notice whose issuers name no region: the first division its title, its addressees or its
        text names (outside cited titles), else the nation; with a warning either way."""
        prose = self.prose.view.text
        pieces, at = [], 0
        for a, b in self.prose.titles:  # blanked, one character for one
            pieces += [prose[at:a], "\u3000" * (b - a)]
            at = b
        outside = "".join(pieces) + prose[at:]
        # A partial notice (no header, no signature) still says whose rules it carries out: the titles it
        # cites (《天津市…办法》) and the province abbreviation of a cited 文号 (辽医保﹝2019﹞18号).
        cited_titles = "、".join(c.title for c in self.notice.citations)
        cited_codes = "、".join(regions.get(code).name for c in self.notice.citations if c.docno
                               and (code := regions.PROVINCE_ABBREVIATIONS.get(c.docno.issuer_code[:1])))
        for where, text in (("title", self.notice.title), ("addressees", "、".join(self.notice.addressees)),
                            ("text", outside), ("cited titles", cited_titles), ("cited 文号", cited_codes)):
            names = regions.find_names(text)
            if names:
                self.report.at("warning", self.notice.span.start,
                               f"notice has no region; figures are given the one its {where} names: {names[0].text}")
                return names[0].code
        self.report.at("warning", self.notice.span.start, "notice has no region; figures are given the nation's")
        return regions.NATION

    # -- one sentence ------------------------------------------------------------------------------

    def sentence_figures(self, sentence: Sentence) -> list[Figure]:
        s = sentence.text
        masked = [(a - sentence.start, b - sentence.start) for a, b in self.prose.titles_over(sentence.start, sentence.end)]
        quantities = [q for q in numbers.scan(s) if not any(a <= q.start < b for a, b in masked)]
        respectively = C.respectively(s, quantities)
        path = section_path_at(self.notice, self.prose.view.source(sentence.start))
        before, around = self._section_before(sentence, path), self._headings(path) + self.notice.title
        sentence_contexts: dict[Within, str] = {"sentence": s, "context": s + before + around,
                                                "before": before, "around": around}  # type: ignore[dict-item]
        listed = parallel_lists(s, quantities, sentence_contexts, masked)
        carried, found = _Carried(), []
        for q in quantities:
            check_budget()
            ca, cb = sentence.clause_at(q.start)
            path = section_path_at(self.notice, self.prose.view.source(sentence.start + q.start))
            contexts = {**sentence_contexts, "clause": s[ca:cb]}
            c = listed.get(q.start) or classify(s, q.start, q.end, q.kind, contexts, masked, clause_start=ca)
            if c is None:
                continue
            if c.basis == "sentence" and C.continues(s, (ca, cb), q, quantities, self.region):
                c = replace(c, basis="continued")
            scheme = S.other_scheme(s, q.start, masked)
            if scheme:
                self.report.at("warning", self.prose.view.source(sentence.start + q.start),
                               f"figure of another scheme ({scheme}) left out: {s[ca:cb]}")
                continue
            found += self._figures(sentence, q, c, quantities, path, carried, respectively.get(q.start), masked)
        return found

    def _figures(self, sentence: Sentence, q: numbers.Quantity, c: Classified, quantities: list[numbers.Quantity],
                 path: tuple[int, ...], carried: _Carried, listed: str | None,
                 masked: list[tuple[int, int]]) -> list[Figure]:
        """The figure(s) of one classified quantity: one per tier when a share names several."""
        s = sentence.text
        ca, _ = sentence.clause_at(q.start)
        previous = C.window_start(s, q, quantities, ca)
        year, inferred = self._year(sentence, q, path, masked)
        if c.kind == "effective-date" and isinstance(q.value, numbers.DateMention) and q.value.year:
            year, inferred = q.value.year, False  # the date a rule takes effect is its own year phrase
        if c.kind == "benefit-period" and inferred and isinstance(q.value, tuple) and q.value[0].year:
            year, inferred = q.value[0].year, False  # a benefit period is the insurance year it opens
        value = self._value(q, year, s, masked)
        if value is None:
            self.report.at("warning", self.prose.view.source(sentence.start + q.start),
                           f"date without a year in the notice, skipped: {s[q.start:q.end]}")
            return []
        region, scope_regions, names = self._where(s, ca, q, carried)
        scope, from_previous = self._scope(sentence, q, c, previous, names, listed, region, carried)
        if scope and not scope_regions:  # 第一档(开封市、安阳市…), 省级…元, 市县…元: the tier's divisions
            if from_previous and (codes := S.tier_regions(sentence.clause_before(ca), self.region)):
                carried.tier = (scope, codes)
            scope_regions = carried.tier[1] if carried.tier and carried.tier[0] == scope else ()
        qa, qb = C.quote_bounds(sentence, q, c, quantities)
        if from_previous and len(previous_clause := sentence.clause_before(ca)) <= 40:
            qa = min(qa, ca - len(previous_clause) - 1)  # the condition that scopes it belongs in the quote
            qa += len(lead[1]) if (lead := label_of(s[qa:])) else 0
        span = self.prose.view.span(sentence.start + qa, sentence.start + qb)
        yields = bool((m := _YIELDS.search(s)) and q.end <= m.start()
                      and (c.kind in _CONTRIBUTION or "个人缴费" not in m.group(0)))
        notes = "; ".join(n for n in (S.exception_note(s, q.end), c.note, KINDS[c.kind].note) if n) or None
        base = Figure(
            kind=c.kind, value=value, unit=S.per_person_unit(q.unit, s[previous : q.start]),
            qualifier=S.qualifier(s, previous, q.start, q.end, q.unit), year=year,
            year_type=KINDS[c.kind].year_type, year_inferred=inferred, region_code=region, scope=scope,
            scope_regions=scope_regions, payer=None, section_path=path, quote=self.text[span.start : span.end],
            span=span, restates=self._restates(sentence, q), yields_to_national=yields, note=notes,
            cue=c.cue or None, basis=c.basis,
        )
        figures = []
        for i, tier in enumerate(c.tiers or (None,)):
            payer = c.payers[i] if c.payers else None
            slug = share_kind(payer, q.kind) if payer else c.kind
            if slug == "cost-sharing-ratio":
                payer = self._ratio_payer(s[: q.start])
            payer = S.paid_by(s, q.end) or payer or KINDS[slug].payer
            figures.append(replace(base, kind=slug, year_type=KINDS[slug].year_type, scope=scope or tier,
                                   payer=payer))
        return figures

    def _where(self, s: str, ca: int, q: numbers.Quantity, carried: _Carried
               ) -> tuple[str, tuple[str, ...], list[regions.NameMatch]]:
        """(region, scope_regions, names): one division named before the number in its clause is the
        figure's region (and the next figures' of the sentence); several are the scope's; 全国 is the nation."""
        names = S.named_regions(s[ca : q.start], self.region)
        if S.national(s[ca : q.start]):
            return regions.NATION, (), names
        if len(names) == 1:
            carried.region = names[0].code
            return names[0].code, (), names
        if len(names) >= 2:
            return self.region, tuple(n.code for n in names), names
        return carried.region or self.region, (), names

    def _scope(self, sentence: Sentence, q: numbers.Quantity, c: Classified, previous: int,
               names: list[regions.NameMatch], listed: str | None, region: str, carried: _Carried
               ) -> tuple[str | None, str | None]:
        """(scope, the scope if it was read from the clause before). In order: a category paired by 分别为;
        the group, list or band of the number's own clause; the tiers of a share cue (kept per figure); a
        condition or group in the clause before; a group named earlier in the sentence; the scope of the
        previous figure of the sentence (not across a named division)."""
        s = sentence.text
        ca, _ = sentence.clause_at(q.start)
        if ";" in s[carried.at : q.start]:
            carried.scope = None  # a statement ends at ;: its scope does not run into the next one
        carried.at = q.end
        cue_in_clause = ca <= c.cue_start < q.start
        window = s[max(previous, c.cue_end if cue_in_clause else ca) : q.start]
        label = label_of(s[ca:])
        before_cue = s[ca + (len(label[1]) if label else 0) : c.cue_start if cue_in_clause else q.start]
        scope = (listed or S.group_in(before_cue) or S.enumeration_scope(window, names)
                 or S.group_word(before_cue) or S.band(s[ca : q.start]) or S.group_word(window))
        from_previous = None
        if not scope and not any(c.tiers):
            previous_clause = sentence.clause_before(ca)
            from_previous = (S.tier_subject(previous_clause) or S.region_list(previous_clause, self.region)
                             or S.condition_scope(previous_clause)
                             or S.group_in(previous_clause)
                             or S.group_clause(previous_clause) or S.band(previous_clause))
            scope = (from_previous or self._group_before(sentence, ca)
                     or (carried.scope if region == self.region or not names else None))
        # A band of expenses (2万元以上至10万元) bounds its own rate only; other scopes run on in the sentence.
        tiers = c.tiers or (None,)
        carried.scope = (None if scope and S.band(scope) == scope
                         else scope or (tiers[0] if len(tiers) == 1 else carried.scope))
        return scope, from_previous

    def _value(self, q: numbers.Quantity, year: int | None, s: str, masked: list[tuple[int, int]]) -> Value | None:
        """The quantity's value; a date without a year takes the last year its sentence names before it
        (次年 counts from the figure's year), else the figure's or the notice's year."""
        if q.kind not in ("date", "interval"):
            assert isinstance(q.value, (Decimal, Ratio))
            return q.value
        mention = q.value[0] if isinstance(q.value, tuple) else q.value
        if mention.relative is not None and year is not None:
            return numbers.resolve_dates(q, year)
        named = [(y.start, y.year) for y in numbers.years(s[: q.start])
                 if not any(a <= y.start < b for a, b in masked)]
        named += [(d.start, d.value.year) for d in numbers.scan(s[: q.start])
                  if isinstance(d.value, numbers.DateMention) and d.value.year]
        context = max(named)[1] if named else year or self._notice_year()
        return numbers.resolve_dates(q, context) if context else None

    def _ratio_payer(self, lead: str) -> str | None:
        """The parties of a split ratio, in its order, as `first:second` (市财政和各城区财政按1:1 →
        city:district; 市、县(区)筹集比例 → city:county)."""
        found = list(_RATIO_PAYERS.finditer(lead))
        if not found:
            return None
        levels = [payer_of(found[-1][g]) for g in ("a", "b") if found[-1][g]]
        parties = [p for lv in levels if lv for p in lv.split("-")]  # city-county: two parties
        return ":".join(parties) if len(parties) >= 2 else None

    # -- year ----------------------------------------------------------------------------------------

    def _year(self, sentence: Sentence, q: numbers.Quantity, path: tuple[int, ...],
              masked: list[tuple[int, int]]) -> tuple[int | None, bool]:
        """(year, inferred): the clause, then the clauses before it (stated); then the sentences before it
        in its section, the headings of its sections, the notice's title (inferred)."""
        s = sentence.text
        if sentence.start not in self._years:
            self._years[sentence.start] = sorted(
                (y for y in numbers.years(s) + C.dates_from(s) if not any(a <= y.start < b for a, b in masked)),
                key=lambda y: y.start)
        ys = self._years[sentence.start]
        ca, cb = sentence.clause_at(q.start)
        # In order: the last year of the clause before the number, the first after it, the last before the
        # clause (years are sorted by start: bisections, not a pass over the sentence's years per figure).
        before = bisect.bisect_left(ys, q.start, key=lambda y: y.start) - 1
        if before >= 0 and ys[before].start >= ca:
            return ys[before].year, False
        after = bisect.bisect_left(ys, q.end, key=lambda y: y.start)
        if after < len(ys) and ys[after].start < cb:
            return ys[after].year, False
        earlier = bisect.bisect_left(ys, ca, key=lambda y: y.start) - 1
        if earlier >= 0:
            return ys[earlier].year, False
        return self._inferred_year(sentence, path)

    def _inferred_year(self, sentence: Sentence | None, path: tuple[int, ...]) -> tuple[int | None, bool]:
        if sentence is not None:
            year = self._year_before(self._index[sentence.start], path)
            if year is not None:
                return year, True
        for depth in range(len(path), 0, -1):
            ys = numbers.years(heading_of(self.prose, self.notice, path[:depth]))
            if ys:
                return ys[0].year, True
        year = self._notice_year()
        return year, True

    def _year_before(self, i: int, path: tuple[int, ...]) -> int | None:
        """The last year stated in the sentences right before sentence `i` that lie in section `path`
        (walking back until a sentence of another section), outside cited titles; each answer kept."""
        chain, k = [], i
        while (k, path) not in self._year_back:
            j = k - 1
            if j < 0 or self._path_of(self.prose.sentences[j]) != path:
                self._year_back[(k, path)] = None
                break
            before = self.prose.sentences[j]
            ys = [y for y in numbers.years(before.text) if not self.prose.in_title(
                before.start + y.start, before.start + y.end)]
            if ys:
                self._year_back[(k, path)] = ys[-1].year
                break
            chain.append(k)  # its answer is that of the sentence before
            k = j
        for c in chain:
            self._year_back[(c, path)] = self._year_back[(k, path)]
        return self._year_back[(i, path)]

    def _notice_year(self) -> int | None:
        if self._notice_year_value is None:
            self._notice_year_value = (self._read_notice_year(),)
        return self._notice_year_value[0]

    def _read_notice_year(self) -> int | None:
        """The title's year, else the signing or printing year, else the latest year the text mentions
        (in a year or a date) outside cited titles."""
        if self.title_years:
            return self.title_years[0]
        for date in (self.notice.signed, self.notice.printed):
            if date:
                return date.year
        mentioned = [y.year for s in self.prose.sentences for y in numbers.years(s.text)
                     if not self.prose.in_title(s.start + y.start, s.start + y.end)]
        mentioned += [q.value.year for s in self.prose.sentences for q in numbers.scan(s.text)
                      if isinstance(q.value, numbers.DateMention) and q.value.year]
        return max(mentioned, default=None)

    def year_for_table(self, source_offset: int, title: str) -> tuple[int | None, bool]:
        ys = numbers.years(title)
        if ys:
            return ys[0].year, False
        return self._inferred_year(None, section_path_at(self.notice, source_offset))

    def _section_before(self, sentence: Sentence, path: tuple[int, ...]) -> str:
        """The sentences of the figure's section before its own (what the passage is about)."""
        if not path:
            return ""
        i = self._index[sentence.start]
        k, text = self._before.get(path, (0, ""))  # carried on from the last sentence asked (sentences come in order)
        if k > i:
            k, text = 0, ""
        for t in self.prose.sentences[k:i]:
            if self._path_of(t)[: len(path)] == path:
                text += t.text
        self._before[path] = (i, text)
        return text

    def _group_before(self, sentence: Sentence, ca: int) -> str | None:
        """`S.group_in(sentence.text[:ca])` for the start `ca` of a clause, reading each clause once: a
        group's words never hold a , ; : or 。, so the groups of a text are those of its clauses."""
        if sentence.start not in self._groups:
            last: dict[re.Pattern[str], list[tuple[bool, str | None]]] = {}  # [k]: the last in clauses[:k]
            for pattern in (S.TO_GROUP, S.JOINING):
                last[pattern] = [(False, None)]
                for a, b in sentence.clauses():
                    here = S.last_group(sentence.text[a:b], pattern)
                    last[pattern].append(here if here[0] else last[pattern][-1])
            self._groups[sentence.start] = ([a for a, _ in sentence.clauses()], last)
        starts, last = self._groups[sentence.start]
        k = bisect.bisect_left(starts, ca)  # the clauses before the one at `ca`
        if k >= len(starts) or starts[k] != ca:
            return S.group_in(sentence.text[:ca])
        for pattern in (S.TO_GROUP, S.JOINING):
            named, group = last[pattern][k]
            if named:
                return group
        return None

    def _path_of(self, sentence: Sentence) -> tuple[int, ...]:
        if sentence.start not in self._paths:
            self._paths[sentence.start] = section_path_at(self.notice, self.prose.view.source(sentence.start))
        return self._paths[sentence.start]

    def _headings(self, path: tuple[int, ...]) -> str:
        if path not in self._heading_text:
            self._heading_text[path] = "".join(heading_of(self.prose, self.notice, path[:d])
                                               for d in range(1, len(path) + 1))
        return self._heading_text[path]

    # -- restates ------------------------------------------------------------------------------------

    def _restates(self, sentence: Sentence, q: numbers.Quantity) -> str | None:
        """根据X文件规定(:) before the figure in its sentence, or 根据X文件规定: opening its paragraph."""
        entries, spans = self._restating_in(sentence)
        if any(a <= q.start < b for a, b in spans):  # a 文号 over the number: read the text before it
            found = C.restating(sentence.text[: q.start])
        else:  # the sentence's, up to the number (read once per sentence)
            found = [(key, colon) for end, key, colon in entries if end <= q.start]
        if found:
            return found[-1][0]
        return self._colon_before(self._index[sentence.start])

    def _restating_in(self, sentence: Sentence) -> tuple[list[tuple[int, str, bool]], list[tuple[int, int]]]:
        if sentence.start not in self._restating:
            self._restating[sentence.start] = C.restating_at(sentence.text)
        return self._restating[sentence.start]

    def _colon_before(self, i: int) -> str | None:
        """The last 根据X文件规定: of the sentences of sentence `i`'s paragraph before it; each answer kept."""
        chain, k = [], i
        while k not in self._colon_back:
            j = k - 1
            if j < 0 or self.prose.sentences[j].paragraph != self.prose.sentences[i].paragraph:
                self._colon_back[k] = None
                break
            colon = [key for _, key, has_colon in self._restating_in(self.prose.sentences[j])[0] if has_colon]
            if colon:
                self._colon_back[k] = colon[-1]
                break
            chain.append(k)  # its answer is that of the sentence before
            k = j
        for c in chain:
            self._colon_back[c] = self._colon_back[k]
        return self._colon_back[i]
