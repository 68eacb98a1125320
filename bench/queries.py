"""The canned queries of ontology/queries/ with their VALUES row bound to the synthetic corpus, the
`/api/governs` parameters that go with them, and the validation recall of the planted findings.

A canned query names its parameters in one VALUES line (`VALUES ?docNo { "…" }`, `VALUES (?kind ?regionCode
?year) { (…) }`); the row is replaced by values drawn from truth.json, written as RDF terms by rdflib (so a
文号 is an escaped literal, a kind a checked IRI). A query without such a line runs as it is. A query that
pages (validation-findings.rq) is read page by page where every row is needed (`every_page`).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from rdflib import Literal, URIRef

from bench.synth import expected_findings

KIND = "https://noticekg.org/def/kind/"
VALUES = re.compile(r"^(\s*VALUES\s+)(\?\w+|\((?:\s*\?\w+)+\s*\))(\s*\{)(.*)(\}\s*)$", re.M)


def _samples(truth: dict, rng: random.Random, k: int = 10) -> dict[str, list]:
    corpus = truth["corpus"]
    lower = [n for n in corpus if n["level"] in ("municipal", "county")] or corpus
    provincial = [n for n in corpus if n["level"] == "provincial"] or corpus
    contributions = [(f["kind"], f["region"], f["year"]) for n in lower for f in n["figures"]
                     if f["kind"] == "individual-contribution"] or \
        [(f["kind"], f["region"], f["year"]) for n in corpus for f in n["figures"]][:1]
    national = [n["docno"] for n in corpus if n["level"] == "national"] or [corpus[0]["docno"]]
    pick = lambda xs: [xs[i] for i in sorted(rng.sample(range(len(xs)), min(k, len(xs))))]  # noqa: E731
    return {"lookup": pick(sorted(set(contributions))), "chain": pick([n["docno"] for n in lower]),
            "notice": pick([n["docno"] for n in provincial]), "cited": pick(national)}


def _row(variables: list[str], sample: dict) -> str | None:
    kind, region, year = sample["lookup"]
    terms = {"?kind": URIRef(KIND + kind).n3(), "?regionCode": Literal(region).n3(), "?year": str(int(year)),
             "?startDocNo": Literal(sample["chain"]).n3(), "?docNo": Literal(sample["docno"]).n3()}
    if any(v not in terms for v in variables):
        return None
    values = " ".join(terms[v] for v in variables)
    return f" ({values}) " if len(variables) > 1 else f" {values} "


def bind(query: str, sample: dict) -> str:
    """The query with its parameter VALUES line (the first one whose variables we know) bound to `sample`."""
    for m in VALUES.finditer(query):
        variables = re.findall(r"\?\w+", m.group(2))
        row = _row(variables, sample)
        if row is not None:
            return query[:m.start(4)] + row + query[m.end(4):]
    return query


def canned_variants(directory: Path, truth: dict, rng: random.Random) -> dict[str, list[str]]:
    """{file name: [query bound to one sample, …]} for every canned query, and `_governs`: the matching
    /api/governs parameters."""
    s = _samples(truth, rng)
    out: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        docnos = s["cited"] if "cited-by" in path.name else s["notice"]
        variants = []
        for i in range(max(len(s["lookup"]), 1)):
            sample = {"lookup": s["lookup"][i % len(s["lookup"])], "chain": s["chain"][i % len(s["chain"])],
                      "docno": docnos[i % len(docnos)]}
            variants.append(bind(text, sample))
        out[path.name] = list(dict.fromkeys(variants))
    out["_governs"] = [{"kind": k, "region": r, "year": y} for k, r, y in s["lookup"]]  # type: ignore[misc]
    return out


PAGE = re.compile(r"\bLIMIT (\d+) OFFSET 0\b")


def every_page(select, query: str) -> list[dict]:  # noqa: ANN001 - a store's select
    """Every row of a canned query that pages (`LIMIT n OFFSET 0` in its page subquery), page after page,
    until a page holds fewer than n of the rows it pages (a result with its focus, severity and notice); a
    query that does not page runs once."""
    m = PAGE.search(query)
    if m is None:
        return select(query)
    size, offset, rows = int(m.group(1)), 0, []
    while True:
        page = select(query[:m.start()] + f"LIMIT {size} OFFSET {offset}" + query[m.end():])
        rows += page
        if len({tuple(str(r.get(k)) for k in ("result", "focus", "severity", "docNo")) for r in page}) < size:
            return rows
        offset += size


def planted_recall(store_dir: Path, truth: dict, queries: Path) -> dict:
    """How many planted findings the stored validation report names: a planted finding is found when a
    result of one of its accepted rules concerns its notice. Also counts the findings nobody planted nor
    implied (truth["consequences"]: a prefecture that disagrees with the share its province misstated)."""
    from graph.store import open_store

    store = open_store(f"oxigraph:{store_dir}?ro")
    try:
        rows = every_page(store.select, (queries / "validation-findings.rq").read_text(encoding="utf-8"))
    finally:
        store.close()
    found: dict[tuple[str, str], int] = {}
    by_rule: dict[str, int] = {}
    for row in rows:
        rule = str(row.get("rule") or "").rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        docno = str(row.get("docNo") or "")
        found[(rule, docno)] = found.get((rule, docno), 0) + 1
        by_rule[rule] = by_rule.get(rule, 0) + 1
    planted = truth["findings"]
    hit = [f for f in planted if any((r, f["docno"]) in found for r in f["accept"])]
    expected = expected_findings(truth)
    unplanned = sum(c for key, c in found.items() if key not in expected)
    by_kind: dict[str, dict[str, int]] = {}
    for f in planted:
        entry = by_kind.setdefault(f["rule"], {"planted": 0, "found": 0})
        entry["planted"] += 1
        entry["found"] += f in hit
    return {"planted": len(planted), "found": len(hit), "recall": round(len(hit) / len(planted), 4) if planted else 1.0,
            "by_rule": by_kind, "results": len(rows), "results_by_rule": by_rule, "unplanned_results": unplanned}
