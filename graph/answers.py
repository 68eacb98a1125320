"""Which governing answers a release changed: `answer_changes(before, after, notices, day)` asks
`graph.resolve.governing_figure` the same question of the store before the release and after it, as of the
release date, for every key (kind, year, region) the release can have changed, and keeps the keys whose
answer differs. The feed's "figures that changed a governing answer" are these, exactly, not a guess from
figures with another value.

The keys asked about: each key (`nkg:figureKey`) of a figure stated in a notice the release added, replaced or
withdrew, in either store; and, since a figure of a higher level can take over below it (从其规定), every key of
the same kind and year for a region inside that key's region. At most MAX_KEYS are asked (a national notice
over a national corpus); `AnswerChanges.truncated` says when more were left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pyoxigraph as ox

from . import regions
from .errors import NotFound
from .lookup import SPARQL_PREFIXES
from .resolve import governing_figure
from .store import Store
from .vocab import KIND

MAX_KEYS = 500  # governing answers asked per store and release: two queries each


@dataclass(frozen=True)
class AnswerChange:
    key: str  # kind|year|region code
    before: str | None  # the governing figure's IRI before the release (None: nothing governed)
    after: str | None
    before_text: str | None  # "不低于280 元/人·年（南医保发〔2020〕60号）"
    after_text: str | None


@dataclass(frozen=True)
class AnswerChanges:
    changes: tuple[AnswerChange, ...]
    asked: int
    truncated: bool


def answer_changes(before: Store | None, after: Store, notices: list[str], day: dt.date) -> AnswerChanges:
    """The governing answers that differ between `before` (None: an empty dataset) and `after` as of `day`,
    for the keys the `notices` (IRIs: added, replaced or withdrawn) can have changed."""
    keys: set[str] = set()
    for store in (s for s in (before, after) if s is not None):
        keys |= _touched_keys(store, notices)
    if not keys:
        return AnswerChanges((), 0, False)
    for store in (s for s in (before, after) if s is not None):
        keys |= _keys_below(store, keys)
    asked = sorted(keys, key=lambda k: (_depth(k), k))
    truncated = len(asked) > MAX_KEYS
    out = []
    for key in asked[:MAX_KEYS]:
        kind, year, code = key.split("|")
        old = _answer(before, kind, code, int(year), day)
        new = _answer(after, kind, code, int(year), day)
        if old != new:
            out.append(AnswerChange(key, old[0] if old else None, new[0] if new else None,
                                    old[1] if old else None, new[1] if new else None))
    return AnswerChanges(tuple(out), min(len(asked), MAX_KEYS), truncated)


def _depth(key: str) -> int:
    code = key.rsplit("|", 1)[-1]
    return len(regions.ancestors(code)) if regions.exists(code) else 99


def _answer(store: Store | None, kind: str, code: str, year: int, day: dt.date) -> tuple[str, str] | None:
    if store is None:
        return None
    try:
        r = governing_figure(store, kind, code, year, as_of=day)
    except NotFound:  # a kind or region that store does not know: nothing governs there
        return None
    if r.figure is None:
        return None
    return r.figure.iri, f"{r.figure.value_text()}（{r.figure.notice.docno or r.figure.notice.iri}）"


def _touched_keys(store: Store, notices: list[str]) -> set[str]:
    iris = [n for n in notices if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", n)]
    if not iris:
        return set()
    values = " ".join(f"{ox.NamedNode(n)}" for n in iris)  # checked IRIs
    rows = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?key WHERE {{ VALUES ?n {{ {values} }}
      ?f nkg:statedIn ?n ; nkg:figureKey ?key }}""")
    return {str(r["key"]) for r in rows if _KEY.fullmatch(str(r["key"]))}


_KEY = re.compile(r"[a-z0-9][a-z0-9-]*\|\d{4}\|\d{6}")


def _keys_below(store: Store, keys: set[str]) -> set[str]:
    """Keys of the same kind and year for regions inside each key's region, from the figures of that kind and
    year (an indexed pattern: kind and year bound)."""
    pairs = sorted({tuple(k.split("|")[:2]) for k in keys})
    values = " ".join(f'({ox.NamedNode(KIND[kind])} {int(year)})' for kind, year in pairs)
    rows = store.select(SPARQL_PREFIXES + f"""SELECT DISTINCT ?key WHERE {{ VALUES (?kind ?year) {{ {values} }}
      ?f nkg:kind ?kind ; nkg:year ?year ; nkg:figureKey ?key }}""")
    found = {str(r["key"]) for r in rows if _KEY.fullmatch(str(r["key"]))}
    out = set()
    for key in found:
        kind, year, code = key.split("|")
        if not regions.exists(code):
            continue
        above = set(regions.ancestors(code))
        if any(k.startswith(f"{kind}|{year}|") and k.rsplit("|", 1)[-1] in above for k in keys):
            out.add(key)
    return out

