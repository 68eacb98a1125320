"""Extracted figures against a golden list written by reading the notices: precision and recall per notice
and per kind, matching on kind + value + unit + year + region. Scope is not part of the match; where a
matched pair disagrees on scope it is reported apart (`scope_mismatches`).

    golden = load_golden("tests/data/figures")           # {DocNo.key: Golden}
    result = evaluate(figures_by_notice(results), golden)  # results: parse results of the corpus
    print(format_evaluation(result))

Golden files are JSON, one per notice: `{"docno", "source_file", "region", "figures": [{"kind", "value",
"unit", "qualifier", "year", "year_type", "region", "scope", "quote", …}]}`; values are strings ("280",
"6:4", "2020-12-20", "2020-09-01/2020-12-31"). See tests/data/figures/README.md.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .columns import pad, width
from .errors import InputError
from .records import DateInterval, Figure, ParseResult, Ratio, Value

Key = tuple[str, str, str, int | None, str]  # kind, value, unit, year, region


@dataclass(frozen=True)
class GoldenFigure:
    kind: str
    value: str
    unit: str
    qualifier: str
    year: int | None
    year_type: str
    region: str
    scope: str | None
    quote: str
    restates: str | None = None
    yields_to_national: bool | None = None

    @property
    def key(self) -> Key:
        return (self.kind, self.value, self.unit, self.year, self.region)


@dataclass(frozen=True)
class Golden:
    docno: str
    source_file: str
    region: str
    figures: tuple[GoldenFigure, ...]


@dataclass(frozen=True)
class Score:
    golden: int = 0
    found: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.golden if self.golden else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.golden + other.golden, self.found + other.found, self.matched + other.matched)


@dataclass(frozen=True)
class Miss:
    """A figure on one side only: `quote` is the golden quote (missed) or the extracted one (spurious)."""

    docno: str
    key: Key
    quote: str


@dataclass(frozen=True)
class ScopeMismatch:
    docno: str
    key: Key
    golden: str | None
    extracted: str | None
    quote: str


@dataclass(frozen=True)
class Evaluation:
    per_notice: dict[str, Score]
    per_kind: dict[str, Score]
    missed: tuple[Miss, ...] = ()
    spurious: tuple[Miss, ...] = ()
    scope_mismatches: tuple[ScopeMismatch, ...] = ()
    unlabelled: tuple[str, ...] = field(default=())  # extracted notices with no golden list

    @property
    def total(self) -> Score:
        return sum(self.per_notice.values(), Score())

    @property
    def scope_agreement(self) -> tuple[int, int]:
        """(matched figures whose scope agrees with the golden one, matched figures)."""
        return self.total.matched - len(self.scope_mismatches), self.total.matched


def value_text(value: Value) -> str:
    """The golden spelling of a value: 280, 82.5, 6:4, 2020-12-20, 2020-09-01/2020-12-31."""
    if isinstance(value, DateInterval):
        return f"{value.start.isoformat()}/{value.end.isoformat()}"
    if isinstance(value, Ratio):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value.isoformat()


def figure_key(f: Figure) -> Key:
    return (f.kind, value_text(f.value), f.unit, f.year, f.region_code)


def normalise_scope(scope: str | None) -> str | None:
    """Width, quotes and spaces do not count: 贫困县（区） = 贫困县(区), “两州一县” = 两州一县."""
    if scope is None:
        return None
    s = unicodedata.normalize("NFKC", scope)
    return "".join(c for c in s if not c.isspace() and c not in "“”\"'「」") or None


def load_golden(path: str | Path) -> dict[str, Golden]:
    """Golden lists from a directory of JSON files (or one file), keyed by DocNo.key."""
    p = Path(path)
    files = sorted(p.glob("*.json")) if p.is_dir() else [p] if p.is_file() else []
    if not files:
        raise InputError(f"no golden figure files at {p}")
    golden = {}
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            figures = tuple(GoldenFigure(**f) for f in data["figures"])
            # A notice without a 文号 (a partial copy) is known by its file.
            key = data["docno"] or data["source_file"]
            golden[key] = Golden(key, data["source_file"], data["region"], figures)
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{file}: cannot read the golden figure list: {e}") from e
        except (KeyError, TypeError, json.JSONDecodeError) as e:
            raise InputError(f"{file}: not a golden figure list: {e}") from e
    return golden


def figures_by_notice(results: Iterable[ParseResult]) -> dict[str, tuple[Figure, ...]]:
    """The figures of every notice of the parse results, keyed by DocNo.key; a notice without a 文号 by its
    file's name (`name#2` for the second such notice of a file)."""
    found: dict[str, tuple[Figure, ...]] = {}
    for r in results:
        unnumbered = 0
        for n in r.notices:
            if n.docno is not None:
                found[n.docno.key] = n.figures
                continue
            unnumbered += 1
            found[n.source_file if unnumbered == 1 else f"{n.source_file}#{unnumbered}"] = n.figures
    return found


def evaluate(extracted: Mapping[str, Sequence[Figure]], golden: Mapping[str, Golden]) -> Evaluation:
    per_notice: dict[str, Score] = {}
    per_kind: dict[str, Score] = defaultdict(Score)
    missed, spurious, scopes = [], [], []
    for docno, gold in golden.items():
        figures = list(extracted.get(docno, ()))
        by_key: dict[Key, list[GoldenFigure]] = defaultdict(list)
        for g in gold.figures:
            by_key[g.key].append(g)
        found_by_key: dict[Key, list[Figure]] = defaultdict(list)
        for f in figures:
            found_by_key[figure_key(f)].append(f)
        matched = 0
        for key in by_key.keys() | found_by_key.keys():
            gs, fs = by_key.get(key, []), found_by_key.get(key, [])
            pairs, g_left, f_left = _pair_by_scope(gs, fs)
            matched += len(pairs)
            per_kind[key[0]] += Score(len(gs), len(fs), len(pairs))
            for g, f in pairs:
                if normalise_scope(g.scope) != normalise_scope(f.scope):
                    scopes.append(ScopeMismatch(docno, key, g.scope, f.scope, f.quote))
            missed += [Miss(docno, key, g.quote) for g in g_left]
            spurious += [Miss(docno, key, f.quote) for f in f_left]
        per_notice[docno] = Score(len(gold.figures), len(figures), matched)
    unlabelled = tuple(sorted(set(extracted) - set(golden)))
    return Evaluation(per_notice, dict(per_kind), tuple(missed), tuple(spurious), tuple(scopes), unlabelled)


def _pair_by_scope(gs: list[GoldenFigure], fs: list[Figure]
                   ) -> tuple[list[tuple[GoldenFigure, Figure]], list[GoldenFigure], list[Figure]]:
    """Pairs of one key: equal scopes first, then the rest in order."""
    g_left, f_left, pairs = list(gs), list(fs), []
    for g in list(g_left):
        same = [f for f in f_left if normalise_scope(f.scope) == normalise_scope(g.scope)]
        if same:
            pairs.append((g, same[0]))
            g_left.remove(g)
            f_left.remove(same[0])
    while g_left and f_left:
        pairs.append((g_left.pop(0), f_left.pop(0)))
    return pairs, g_left, f_left


def _table(title: str, rows: Mapping[str, Score], total: Score) -> list[str]:
    names = [*rows, "all"]
    w = max(width(n) for n in [*names, title]) + 2
    lines = [f"{pad(title, w)}{'golden':>7}{'found':>7}{'match':>7}{'precision':>11}{'recall':>9}"]
    for name, score in [*sorted(rows.items()), ("all", total)]:
        lines.append(f"{pad(name, w)}{score.golden:>7}{score.found:>7}{score.matched:>7}"
                     f"{score.precision:>11.1%}{score.recall:>9.1%}")
    return lines


def _key_text(key: Key) -> str:
    kind, value, unit, year, region = key
    return f"{kind} {value} {unit} {year} {region}"


def format_evaluation(result: Evaluation) -> str:
    """A printable report: per-notice and per-kind tables, then what was missed, what was spurious, and
    the scope mismatches of matched figures (reported, not counted)."""
    lines = _table("notice", result.per_notice, result.total)
    lines += ["", *_table("kind", result.per_kind, result.total)]
    for title, misses in (("missed (in the golden list, not extracted)", result.missed),
                          ("spurious (extracted, not in the golden list)", result.spurious)):
        if misses:
            lines += ["", f"{title}: {len(misses)}"]
            lines += [f"  {m.docno}  {_key_text(m.key)}  «{' '.join(m.quote.split())}»" for m in misses]
    if result.scope_mismatches:
        lines += ["", f"scope mismatches (not counted): {len(result.scope_mismatches)}"]
        lines += [f"  {m.docno}  {_key_text(m.key)}: golden {m.golden!r}, extracted {m.extracted!r}"
                  for m in result.scope_mismatches]
    if result.unlabelled:
        lines += ["", "not evaluated (no golden list): " + ", ".join(result.unlabelled)]
    counts = Counter(k for m in result.missed for k in [m.key[0]])
    if counts:
        lines += ["", "missed by kind: " + ", ".join(f"{k} {n}" for k, n in counts.most_common())]
    return "\n".join(lines)


def format_sets(sets: Sequence[tuple[str, Evaluation]]) -> str:
    """Each set's report, then one line a set (and all together): precision and recall on kind + value + unit
    + year + region, and how many of the matched figures agree on scope."""
    lines: list[str] = []
    for name, result in sets:
        lines += [f"== {name}", format_evaluation(result), ""]
    w = max([width(n) for n, _ in sets] + [5]) + 2
    lines.append(f"{pad('set', w)}{'notices':>8}{'golden':>7}{'found':>7}{'match':>7}{'precision':>11}{'recall':>9}"
                 f"{'scope':>14}")
    rows = [(n, r.total, r.scope_agreement, len(r.per_notice)) for n, r in sets]
    if len(sets) > 1:
        rows.append(("all", sum((r.total for _, r in sets), Score()),
                     tuple(map(sum, zip(*(r.scope_agreement for _, r in sets), strict=True))),
                     sum(len(r.per_notice) for _, r in sets)))
    for name, score, (agree, matched), notices in rows:
        lines.append(f"{pad(name, w)}{notices:>8}{score.golden:>7}{score.found:>7}{score.matched:>7}"
                     f"{score.precision:>11.1%}{score.recall:>9.1%}{f'{agree}/{matched}':>14}")
    return "\n".join(lines)


def evaluation_json(sets: Sequence[tuple[str, Evaluation]]) -> dict[str, object]:
    def score(s: Score) -> dict[str, object]:
        return {"golden": s.golden, "found": s.found, "matched": s.matched,
                "precision": round(s.precision, 4), "recall": round(s.recall, 4)}

    return {name: {"total": score(r.total), "scope_agreement": list(r.scope_agreement),
                   "notices": {k: score(v) for k, v in r.per_notice.items()},
                   "missed": [_miss(m) for m in r.missed], "spurious": [_miss(m) for m in r.spurious],
                   "scope_mismatches": [{"notice": m.docno, "key": list(m.key), "golden": m.golden,
                                         "extracted": m.extracted} for m in r.scope_mismatches]}
            for name, r in sets}


def _miss(m: Miss) -> dict[str, object]:
    return {"notice": m.docno, "key": list(m.key), "quote": m.quote}
