"""A synthetic national corpus of resident medical-insurance notices, with its ground truth.

    .venv/bin/python -m bench.synth --notices 1000 --out /tmp/synth1000 [--seed 7]

For each year: the national notice; the provinces implementing or forwarding it with their own figures
(central share by the province's tier, the local share split by the province's own tiers); prefectures
forwarding or implementing their province's notice with their own city/county split; a sample of counties
forwarding their prefecture's. The wording comes from the real notices (bench/synth/wording.py names each
source), with the noise of scans and web copies. A small share of notices carry a deliberate inconsistency
(a prefecture below its province's floor, shares that do not add up), recorded as expected findings.

Writes one text file per notice and `truth.json` beside them: every notice (文号, level, region, year, title,
issuers, relations with 文号) with its figures in the golden format of tests/data/figures/README.md, and every
planted finding. Deterministic for a given `--seed` and `--notices`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

from graph import regions

from . import notices as write
from .facts import DOCNO_PREFIX, MUNICIPALITIES, NATIONAL, PROVINCES, YEARS, docno_word
from .plan import children, draw_province, province_year

TRUTH = "truth.json"


def issuer_prefixes() -> dict[str, str]:
    """A 文号 prefix for every prefecture and county, unique in the country (南宁 → 南, 南昌 → 南昌)."""
    taken = {p: code for code, p in DOCNO_PREFIX.items()}
    out = {}
    for level in ("municipal", "county"):
        for code in regions.codes():
            r = regions.get(code)
            if r.level != level:
                continue
            parent_short = regions.get(r.parent).short_name if r.parent else ""
            short = r.short_name
            # Real prefixes are short: 南, 锡, 芜 for prefectures; 宾阳, 宾阳县 for counties.
            candidates = ([short[0]] if level == "municipal" else []) + \
                [short[:2], short[:3], short, parent_short[:2] + short[:2], parent_short[:2] + short, r.name,
                 parent_short[:2] + r.name]  # 临夏县 in 临夏州 beside 临夏市: its full name
            prefix = next(c for c in candidates if c not in taken)  # a 文号 never has the code's digits
            taken[prefix] = code
            out[code] = prefix
    return out


def expected_findings(truth: dict) -> set[tuple[str, str]]:
    """(rule, 文号) of every finding the truth expects: each planted one under any rule it accepts, and what a
    planted one implies elsewhere (`consequences`: a prefecture stating the true share its province misstated)."""
    expected = {(r, f["docno"]) for f in truth["findings"] for r in f["accept"]}
    return expected | {(c["rule"], c["docno"]) for c in truth.get("consequences", [])}


class Serials:
    """Serial numbers per issuer and year, rising through the year as a registry's would."""

    def __init__(self, rng: random.Random):
        self.rng, self.last = rng, {}

    def next(self, prefix: str, year: int) -> str:
        key = (prefix, year)
        self.last[key] = self.last.get(key, self.rng.randrange(5, 40)) + self.rng.randrange(1, 9)
        return f"{prefix}〔{year}〕{self.last[key]}号"


def _later(date: dt.date, rng: random.Random, lo: int, hi: int) -> dt.date:
    d = date + dt.timedelta(days=rng.randrange(lo, hi))
    return min(d, dt.date(date.year, 12, 28))


def _budgets(total: int, years: tuple[int, ...]) -> dict[int, int]:
    base, extra = divmod(total, len(years))
    return {y: base + (1 if i >= len(years) - extra else 0) for i, y in enumerate(years)}


def generate(total: int, out: Path, seed: int = 7) -> dict:
    """Write `total` notices and truth.json into `out`; returns the truth."""
    if total < 1:
        raise ValueError("--notices must be at least 1")
    rng = random.Random(seed)
    n_years = max(1, min(len(YEARS), total // 100))
    years = YEARS[-n_years:]
    provinces = {c: draw_province(c, rng) for c in PROVINCES}
    order = {c: rng.random() for c in regions.codes()}  # the same regions publish every year
    prefixes = issuer_prefixes()
    shiquan = {c: f"{DOCNO_PREFIX[c]}政办发〔2019〕{rng.randrange(20, 120)}号" for c in PROVINCES}
    serials = Serials(rng)
    out.mkdir(parents=True, exist_ok=True)
    written: list[write.Written] = []
    for year, budget in _budgets(total, years).items():
        written += list(_year(year, budget, rng, provinces, order, prefixes, shiquan, serials))
    for i, w in enumerate(written):
        w.file = f"{i:05d}_{w.year}_{w.level}_{w.region}.txt"
        (out / w.file).write_text(w.text, encoding="utf-8")
    truth = {
        "seed": seed, "notices": len(written), "years": list(years),
        "corpus": [{"docno": w.docno, "file": w.file, "level": w.level, "region": w.region, "year": w.year,
                    "title": w.title, "issuers": list(w.issuers), "date": w.date.isoformat(),
                    "relations": w.relations, "figures": w.figures} for w in written],
        "findings": [f for w in written for f in w.findings],
        "consequences": [f for w in written for f in w.consequences],
    }
    (out / TRUTH).write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _year(year: int, budget: int, rng: random.Random, provinces: dict, order: dict, prefixes: dict,
          shiquan: dict, serials: Serials) -> Iterator[write.Written]:
    nat = write.national(year, rng)
    yield nat
    left = budget - 1
    chosen = sorted(PROVINCES, key=order.__getitem__)[:max(0, left)]
    left -= len(chosen)
    plans, prov_notices = {}, {}
    for code in sorted(chosen):
        py = province_year(provinces[code], year)
        plant = None
        roll = rng.random()
        if roll < 0.04:
            plant = "shares-add-up" if py.province.style != "B" else None
        elif roll < 0.08 and py.province.style in ("C", "D"):
            plant = "tier-shares-add-up"
        docno = serials.next(DOCNO_PREFIX[code] + docno_word(year), year)
        w = write.provincial(py, docno, _later(nat.date, rng, 15, 60), rng, shiquan[code], plant)
        plans[code], prov_notices[code] = py, w
        yield w
    # Prefectures of the chosen provinces, then counties under a notice already written, in a fixed order.
    cities = sorted((c for p in chosen if p not in MUNICIPALITIES for c in children(p, "municipal")),
                    key=order.__getitem__)
    # Two prefectures in five of what is left, the rest counties (as many as there are), then extras.
    cities = sorted(cities[:max(0, min(left, max(1, left * 2 // 5)))])
    left -= len(cities)
    followed: dict[str, tuple[write.Written, dict]] = {}
    for p in chosen:
        followed[p] = (prov_notices[p], {"contribution": (plans[p].contribution_year, plans[p].contribution)})
    for city in cities:
        p = regions.get(city).parent
        py = plans[p]
        roll = rng.random()
        plant = "below-floor" if roll < 0.04 else "row-adds-up" if roll < 0.06 else \
            "ratio-matches-amounts" if roll < 0.08 else None
        docno = serials.next(prefixes[city] + docno_word(year), year)
        w, follow = write.prefecture(city, py, prov_notices[p], docno, _later(prov_notices[p].date, rng, 7, 40),
                                     rng, children(city, "county"), plant)
        followed[city] = (w, follow)
        yield w
    counties = sorted((c for c in regions.codes() if regions.get(c).level == "county"
                       and regions.get(c).parent in followed), key=order.__getitem__)
    for c in sorted(counties[:max(0, left)]):
        parent, follow = followed[regions.get(c).parent]
        docno = serials.next(prefixes[c] + docno_word(year), year)
        yield write.county(c, parent, follow, year, docno, _later(parent.date, rng, 5, 30), rng)
    left -= min(left, len(counties))
    # More notices than divisions (the top size): prefectures publish a second, contribution-only notice.
    extra = sorted(cities, key=order.__getitem__)
    for i in range(left):
        city = extra[i % len(extra)] if extra else sorted(chosen)[i % len(chosen)]
        follow = followed[city][1]
        parent = prov_notices[regions.get(city).parent] if city in followed and city not in prov_notices \
            else prov_notices[city]
        docno = serials.next(prefixes.get(city, DOCNO_PREFIX.get(city, "")) + docno_word(year), year)
        yield write.contribution_notice(city, parent, follow, year, docno, _later(parent.date, rng, 3, 40), rng)


def load_truth(directory: Path) -> dict:
    return json.loads((Path(directory) / TRUTH).read_text(encoding="utf-8"))


__all__ = ["generate", "load_truth", "NATIONAL", "TRUTH"]
