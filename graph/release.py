"""Dated releases of the dataset: every build records one, as PROV and VoID / DCAT, in `B graph/releases`.

    record_release(store, base, when=None) -> Release    called once by each build, after loading
    releases(store) -> list[Release]                      oldest first, with each notice's digests
    void_description(store, base, site) -> rdflib.Graph   the VoID / DCAT description (/.well-known/void)
    write_archive(store, base, directory) -> Path         a release as a dated, checksummed .tar.gz
    load_release(ref, store) -> Release                   an archive file, or a release id the store records
    diff(a, b) -> ReleaseDiff                             notices and figures added, changed, removed

A release: `B release/{id}` (id = UTC time + the first 8 hex of the digest of its notice states) `a
nkg:Release` (⊑ dcat:Dataset, void:Dataset, prov:Entity); dcterms:identifier, dcterms:issued, nkg:parserVersion,
void:triples, nkg:noticeCount, nkg:figureCount, prov:wasRevisionOf the previous release, and one
`nkg:NoticeState` per corpus notice (nkg:notice, nkg:sha256 of its source file, nkg:figureDigest).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Literal, Namespace, URIRef

from . import __version__
from .answers import AnswerChange, AnswerChanges, answer_changes
from .errors import InputError, NotFound
from .export import export
from .lookup import SPARQL_PREFIXES
from .store import Store, select_text
from .timeline import governing_table
from .to_rdf import dataset_graph_iri
from .vocab import DCTERMS, NKG, PROV, RDF, XSD

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FIGURE_FIELDS = ("docno", "kind", "year", "region", "scope", "value", "unit")
GOVERNING_FIELDS = ("key", "as_of", "figure", "docno", "value", "unit", "in_force_from")


@dataclass(frozen=True)
class Release:
    id: str
    iri: str
    issued: str  # ISO date-time, UTC
    parser_version: str
    triples: int
    notices: dict[str, tuple[str, str]]  # notice IRI → (source sha256, figure digest)
    figures: dict[str, str] | None = None  # figure key (docno|kind|year|region|scope) → "value unit"; archives
    docnos: dict[str, str] = field(default_factory=dict)  # notice IRI → 文号
    delta: dict[str, list[str]] = field(default_factory=dict)  # added / replaced / withdrawn → notice IRIs
    answers: tuple[AnswerChange, ...] = ()  # the governing answers it changed (graph/answers.py)
    governing: dict[str, str] | None = None  # key kind|year|region → "value unit (docno)" as of its date; archives

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "iri": self.iri, "issued": self.issued, "parser_version": self.parser_version,
                "triples": self.triples, "notices": len(self.notices),
                "figures": sum(1 for _ in self.figures) if self.figures is not None else None}


def releases_graph_iri(base: str) -> str:
    return dataset_graph_iri("releases", base)


def _states(store: Store) -> tuple[dict[str, tuple[str, str]], dict[str, str], int]:
    """Each corpus notice's source digest and figure digest, its 文号, and the number of figures."""
    rows = store.select(SPARQL_PREFIXES + """PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT DISTINCT ?n ?sha ?docno WHERE { ?n nkg:inCorpus true ; prov:wasDerivedFrom ?src .
      ?src nkg:sha256 ?sha . OPTIONAL { ?n nkg:docNo ?docno } }""")
    figures: dict[str, list[str]] = {}
    for line in figure_lines(store):
        figures.setdefault(line["notice"], []).append("|".join(line[k] for k in FIGURE_FIELDS))
    states, docnos = {}, {}
    for r in rows:
        n = str(r["n"])
        digest = hashlib.sha256("\n".join(sorted(figures.get(n, []))).encode()).hexdigest()
        states[n] = (str(r["sha"]), digest)
        if "docno" in r:
            docnos[n] = str(r["docno"])
    return states, docnos, sum(len(v) for v in figures.values())


def figure_lines(store: Store) -> list[dict[str, str]]:
    """Every figure as a flat line: notice, docno, kind, year, region code, scope, value, unit."""
    rows = select_text(store, SPARQL_PREFIXES + """SELECT DISTINCT ?f ?n ?docno ?kind ?year ?code ?scope ?v ?unit WHERE {
      ?f a nkg:Figure ; nkg:kind ?kind ; nkg:statedIn ?n .
      OPTIONAL { ?n nkg:docNo ?docno } OPTIONAL { ?f nkg:year ?year } OPTIONAL { ?f nkg:scope ?scope }
      OPTIONAL { ?f nkg:unit ?unit } OPTIONAL { ?f nkg:region ?r . ?r nkg:code ?code }
      OPTIONAL { { ?f nkg:amount ?v } UNION { ?f nkg:ratio ?v } UNION { ?f nkg:date ?v }
                 UNION { ?f nkg:startDate ?s ; nkg:endDate ?e BIND(CONCAT(STR(?s), "/", STR(?e)) AS ?v) } } }""")
    kind_ns = "https://noticekg.org/def/kind/"
    return [{"figure": r["f"], "notice": r["n"], "docno": r["docno"], "kind": r["kind"].removeprefix(kind_ns),
             "year": r["year"], "region": r["code"], "scope": r["scope"], "value": r["v"], "unit": r["unit"]}
            for r in rows]


def record_release(store: Store, base: str, when: dt.datetime | None = None,
                   previous: Store | None = None) -> Release:
    """Describe what the store holds now as a new release, appended to `B graph/releases`: its summary and
    checksum, the notices it added, replaced or withdrew against the last release, and, given the store as it
    was before (`previous`, the build's previous generation), the governing answers that changed
    (`graph.answers`). The first release holds every notice as added and no answer change."""
    when = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    states, docnos, figure_count = _states(store)
    digest = hashlib.sha256("\n".join(f"{n} {s} {f}" for n, (s, f) in sorted(states.items())).encode())
    rid = f"{when.strftime('%Y%m%dT%H%M%SZ')}-{digest.hexdigest()[:8]}"
    iri = f"{base}release/{rid}"
    history = releases(store, base)
    last = history[-1] if history else None
    old = last.notices if last else {}
    delta = {"added": sorted(states.keys() - old.keys()), "withdrawn": sorted(old.keys() - states.keys()),
             "replaced": sorted(n for n in states.keys() & old.keys() if states[n] != old[n])}
    touched = [n for change in delta.values() for n in change]
    answers = answer_changes(previous, store, touched, when.date()) \
        if last is not None and previous is not None and touched else AnswerChanges((), 0, False)
    graph = rdflib.Graph()
    node = URIRef(iri)
    for t in (NKG.Release, DCAT.Dataset, VOID.Dataset, PROV.Entity):
        graph.add((node, RDF.type, t))
    stamp = Literal(when.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    graph.add((node, DCTERMS.identifier, Literal(rid)))
    graph.add((node, DCTERMS.issued, stamp))
    graph.add((node, NKG.parserVersion, Literal(__version__)))
    triples = store.triple_count()
    graph.add((node, VOID.triples, Literal(triples)))
    graph.add((node, NKG.noticeCount, Literal(len(states))))
    graph.add((node, NKG.figureCount, Literal(figure_count)))
    graph.add((node, NKG.statesDigest, Literal(digest.hexdigest())))
    activity = URIRef(f"{iri}/activity")
    graph.add((node, PROV.wasGeneratedBy, activity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, PROV.endedAtTime, stamp))
    if last is not None:
        graph.add((node, PROV.wasRevisionOf, URIRef(last.iri)))
    names = (last.docnos if last else {}) | docnos
    i = 0
    for change, notices in delta.items():
        for n in notices:
            i += 1
            state = URIRef(f"{iri}/n/{i}")
            graph.add((node, NKG.noticeState, state))
            graph.add((state, RDF.type, NKG.NoticeState))
            graph.add((state, NKG.notice, URIRef(n)))
            graph.add((state, NKG.stateChange, Literal(change)))
            if n in names:
                graph.add((state, DCTERMS.identifier, Literal(names[n])))
            if change != "withdrawn":
                graph.add((state, NKG.sha256, Literal(states[n][0])))
                graph.add((state, NKG.figureDigest, Literal(states[n][1])))
    if answers.asked:
        graph.add((node, NKG.answersComplete, Literal(not answers.truncated)))
    for j, a in enumerate(answers.changes, 1):
        change_node = URIRef(f"{iri}/a/{j}")
        graph.add((node, NKG.answerChange, change_node))
        graph.add((change_node, RDF.type, NKG.AnswerChange))
        graph.add((change_node, NKG.answerKey, Literal(a.key)))
        for prop, value in ((NKG.governedBefore, a.before), (NKG.governedAfter, a.after)):
            if value:
                graph.add((change_node, prop, URIRef(value)))
        for prop, value in ((NKG.answerBefore, a.before_text), (NKG.answerAfter, a.after_text)):
            if value:
                graph.add((change_node, prop, Literal(value)))
    # Appended, never rewritten: the graph grows by each release's summary and changes, not by the corpus.
    store.merge_graph(releases_graph_iri(base), graph)
    return Release(rid, iri, when.isoformat(), __version__, triples, states, None, docnos, delta, answers.changes)


def releases(store: Store, base: str | None = None) -> list[Release]:
    """Every release the store records, oldest first, each with its notice states replayed from the changes
    of the releases up to it (a release recorded before changes were, holds a full snapshot)."""
    rows = store.select(SPARQL_PREFIXES + """PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX void: <http://rdfs.org/ns/void#>
    SELECT ?r ?id ?issued ?version ?triples ?s ?n ?sha ?fig ?change ?docno WHERE {
      ?r a nkg:Release ; dcterms:identifier ?id ; dcterms:issued ?issued ; nkg:parserVersion ?version ;
         void:triples ?triples .
      OPTIONAL { ?r nkg:noticeState ?s . ?s nkg:notice ?n
                 OPTIONAL { ?s nkg:sha256 ?sha } OPTIONAL { ?s nkg:figureDigest ?fig }
                 OPTIONAL { ?s nkg:stateChange ?change }
                 OPTIONAL { { ?s dcterms:identifier ?docno } UNION { ?n nkg:docNo ?docno } } } }""")
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = found.setdefault(str(r["r"]), {"id": str(r["id"]), "issued": str(r["issued"]),
                                               "version": str(r["version"]), "triples": int(r["triples"]),
                                               "states": {}})
        if "s" in r:
            state = entry["states"].setdefault(str(r["s"]), {"n": str(r["n"])})
            for name in ("sha", "fig", "change", "docno"):
                if name in r:
                    state.setdefault(name, str(r[name]))
    answers = _answers(store)
    out: list[Release] = []
    notices: dict[str, tuple[str, str]] = {}
    docnos: dict[str, str] = {}
    for iri, e in sorted(found.items(), key=lambda item: (item[1]["issued"], item[1]["id"])):
        states = list(e["states"].values())
        delta: dict[str, list[str]] = {"added": [], "replaced": [], "withdrawn": []}
        if states and not any("change" in s for s in states):  # a full snapshot
            notices = {}
        for s in states:
            docnos.update({s["n"]: s["docno"]} if "docno" in s else {})
            change = s.get("change") or ("replaced" if s["n"] in notices else "added")
            if change == "withdrawn":
                notices.pop(s["n"], None)
            else:
                notices[s["n"]] = (s.get("sha", ""), s.get("fig", ""))
            delta.setdefault(change, []).append(s["n"])
        named = {n: docnos[n] for n in [*notices, *delta["withdrawn"]] if n in docnos}
        out.append(Release(e["id"], iri, e["issued"], e["version"], e["triples"], dict(notices), None, named,
                           {k: sorted(v) for k, v in delta.items()}, answers.get(iri, ())))
    return out


def latest_release(store: Store) -> dict[str, Any] | None:
    """The latest release's summary (id, iri, issued, triples, notices: a count), in one small query: the
    home page's line, without replaying the history."""
    rows = store.select(SPARQL_PREFIXES + """PREFIX void: <http://rdfs.org/ns/void#>
    SELECT ?r ?id ?issued ?triples ?count WHERE { ?r a nkg:Release ; dcterms:identifier ?id ;
      dcterms:issued ?issued ; void:triples ?triples OPTIONAL { ?r nkg:noticeCount ?count } }
    ORDER BY DESC(?issued) DESC(?id) LIMIT 1""")
    if not rows:
        return None
    r = rows[0]
    return {"id": str(r["id"]), "iri": str(r["r"]), "issued": str(r["issued"]), "triples": int(r["triples"]),
            "notices": int(r["count"]) if "count" in r else None}


def _answers(store: Store) -> dict[str, tuple[AnswerChange, ...]]:
    rows = store.select(SPARQL_PREFIXES + """SELECT ?r ?a ?key ?before ?after ?bt ?at WHERE {
      ?r a nkg:Release ; nkg:answerChange ?a . ?a nkg:answerKey ?key .
      OPTIONAL { ?a nkg:governedBefore ?before } OPTIONAL { ?a nkg:governedAfter ?after }
      OPTIONAL { ?a nkg:answerBefore ?bt } OPTIONAL { ?a nkg:answerAfter ?at } } ORDER BY ?r ?key""")
    out: dict[str, list[AnswerChange]] = {}
    for r in rows:
        before, after, bt, at = (str(r[k]) if k in r else None for k in ("before", "after", "bt", "at"))
        out.setdefault(str(r["r"]), []).append(AnswerChange(str(r["key"]), before, after, bt, at))
    return {k: tuple(v) for k, v in out.items()}


# -- the VoID / DCAT description ------------------------------------------------------------------------------


def void_description(store: Store, base: str, site: str) -> rdflib.Graph:
    """The dataset (`{site}/.well-known/void#dataset`), its SPARQL endpoint, dumps and vocabularies, and
    every release as a dated version of it, the latest first."""
    g = rdflib.Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("prov", PROV), ("nkg", NKG)):
        g.bind(prefix, ns)
    site = site.rstrip("/")
    dataset = URIRef(f"{site}/.well-known/void#dataset")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("城乡居民医保政策通知知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal("noticekg: resident medical-insurance notices", lang="en")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{site}/sparql")))
    g.add((dataset, VOID.uriSpace, Literal(base)))
    g.add((dataset, VOID.vocabulary, URIRef(str(NKG))))
    for name, media in (("graph.nq", "application/n-quads"), ("graph.trig", "application/trig"),
                        ("figures.csv", "text/csv")):
        dump = URIRef(f"{site}/export/{name}")
        g.add((dataset, VOID.dataDump, dump))
        dist = URIRef(f"{site}/.well-known/void#{name}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dump))
        g.add((dist, DCAT.mediaType, Literal(media)))
    history = releases(store, base)
    if history:
        latest = history[-1]
        g.add((dataset, VOID.triples, Literal(latest.triples)))
        g.add((dataset, DCTERMS.modified, Literal(latest.issued, datatype=XSD.dateTime)))
    for release in history:
        node = URIRef(release.iri)
        g.add((dataset, DCAT.hasVersion, node))
        g.add((node, RDF.type, NKG.Release))
        g.add((node, DCTERMS.identifier, Literal(release.id)))
        g.add((node, DCTERMS.issued, Literal(release.issued, datatype=XSD.dateTime)))
        g.add((node, NKG.parserVersion, Literal(release.parser_version)))
        g.add((node, VOID.triples, Literal(release.triples)))
        g.add((node, NKG.noticeCount, Literal(len(release.notices))))
    return g


# -- archives and differences ---------------------------------------------------------------------------------


def write_archive(store: Store, base: str, directory: Path, site: str = "http://127.0.0.1:5000") -> Path:
    """The latest release as `noticekg-{id}.tar.gz`: graph.nq, figures.csv, release.json, void.ttl and
    SHA256SUMS (sha256sum's format) over them. NotFound when the store records no release."""
    history = releases(store, base)
    if not history:
        raise NotFound("the store records no release: build it first (`noticekg build`)")
    release = history[-1]
    figures = io.StringIO()
    writer = csv.DictWriter(figures, fieldnames=["notice", *FIGURE_FIELDS], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(sorted(figure_lines(store), key=lambda r: (r["notice"], r["kind"], r["year"], r["figure"])))
    governing = io.StringIO()  # what /api/governs answers for each key as of the release date
    writer = csv.DictWriter(governing, fieldnames=GOVERNING_FIELDS)
    writer.writeheader()
    writer.writerows(governing_table(store, dt.date.fromisoformat(release.issued[:10])))
    meta = release.to_json() | {"notices": [{"iri": n, "docno": release.docnos.get(n), "sha256": s,
                                             "figure_digest": f} for n, (s, f) in sorted(release.notices.items())]}
    files = {"graph.nq": export(store, "nq"), "figures.csv": figures.getvalue().encode("utf-8"),
             "governing.csv": governing.getvalue().encode("utf-8"),
             "release.json": json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"),
             "void.ttl": void_description(store, base, site).serialize(format="turtle", encoding="utf-8")}
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items())
    files["SHA256SUMS"] = sums.encode()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"noticekg-{release.id}.tar.gz"
    mtime = dt.datetime.fromisoformat(release.issued.replace("Z", "+00:00")).timestamp()
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"noticekg-{release.id}/{name}")
            info.size, info.mtime = len(data), int(mtime)
            tar.addfile(info, io.BytesIO(data))
    return path


def load_release(ref: str, store: Store | None = None) -> Release:
    """A release from an archive file (checksums verified; figures included) or by id from the store."""
    path = Path(ref)
    if path.is_file():
        return _read_archive(path)
    for release in releases(store) if store is not None else []:
        if release.id == ref or release.iri == ref:
            return release
    raise NotFound(f"no release {ref!r}: give an archive (noticekg export --release) or an id the store records")


def _read_archive(path: Path) -> Release:
    try:
        with tarfile.open(path, "r:gz") as tar:
            files = {Path(m.name).name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"{path}: not a release archive: {exc}") from exc
    for line in files.get("SHA256SUMS", b"").decode().splitlines():
        digest, name = line.split("  ", 1)
        if hashlib.sha256(files.get(name, b"")).hexdigest() != digest:
            raise InputError(f"{path}: {name} does not match its checksum")
    meta = json.loads(files["release.json"])
    figures: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(files["figures.csv"].decode("utf-8"))):
        key = "|".join(row[k] for k in ("docno", "kind", "year", "region", "scope"))
        figures.setdefault(key, f"{row['value']} {row['unit']}".strip())
    governing = {row["key"]: f"{row['value']} {row['unit']} ({row['docno'] or row['figure']})".replace("  ", " ")
                 for row in csv.DictReader(io.StringIO(files.get("governing.csv", b"").decode("utf-8")))}
    notices = {n["iri"]: (n["sha256"], n["figure_digest"]) for n in meta["notices"]}
    docnos = {n["iri"]: n["docno"] for n in meta["notices"] if n.get("docno")}
    return Release(meta["id"], meta["iri"], meta["issued"], meta["parser_version"], meta["triples"], notices,
                   figures, docnos, governing=governing if "governing.csv" in files else None)


@dataclass(frozen=True)
class ReleaseDiff:
    a: str
    b: str
    notices: dict[str, list[str]]  # added / changed / removed → 文号 (or IRI)
    figures: dict[str, list[str]]  # added / changed / removed → "docno|kind|year|region|scope: a → b"
    answers: dict[str, list[str]] = field(default_factory=dict)  # the same for governing answers (archives)

    def to_json(self) -> dict[str, Any]:
        return {"from": self.a, "to": self.b, "notices": self.notices, "figures": self.figures,
                "answers": self.answers}

    def to_text(self) -> str:
        lines = [f"{self.a} → {self.b}"]
        for what, table in (("notices", self.notices), ("figures", self.figures), ("answers", self.answers)):
            for change in ("added", "changed", "removed"):
                for item in table.get(change, []):
                    lines.append(f"{what[:-1]} {change}: {item}")
        if len(lines) == 1:
            lines.append("no differences")
        return "\n".join(lines)


def diff(a: Release, b: Release) -> ReleaseDiff:
    """Notices by source digest; figures by key when both are archives, else the notices whose figures changed."""
    name = lambda r, n: r.docnos.get(n) or n  # noqa: E731
    notices = {"added": sorted(name(b, n) for n in b.notices.keys() - a.notices.keys()),
               "removed": sorted(name(a, n) for n in a.notices.keys() - b.notices.keys()),
               "changed": sorted(name(b, n) for n in a.notices.keys() & b.notices.keys()
                                 if a.notices[n][0] != b.notices[n][0])}
    if a.figures is not None and b.figures is not None:
        figures = {"added": sorted(f"{k}: {b.figures[k]}" for k in b.figures.keys() - a.figures.keys()),
                   "removed": sorted(f"{k}: {a.figures[k]}" for k in a.figures.keys() - b.figures.keys()),
                   "changed": sorted(f"{k}: {a.figures[k]} → {b.figures[k]}" for k in a.figures.keys() & b.figures.keys()
                                     if a.figures[k] != b.figures[k])}
    else:
        changed = sorted(name(b, n) for n in a.notices.keys() & b.notices.keys() if a.notices[n][1] != b.notices[n][1])
        figures = {"added": [], "removed": [], "changed": [f"figures of {d}" for d in changed]}
    answers: dict[str, list[str]] = {}
    if a.governing is not None and b.governing is not None:  # as of each release's own date
        answers = _compare(a.governing, b.governing)
    return ReleaseDiff(a.id, b.id, notices, figures, answers)


def _compare(a: dict[str, str], b: dict[str, str]) -> dict[str, list[str]]:
    return {"added": sorted(f"{k}: {b[k]}" for k in b.keys() - a.keys()),
            "removed": sorted(f"{k}: {a[k]}" for k in a.keys() - b.keys()),
            "changed": sorted(f"{k}: {a[k]} → {b[k]}" for k in a.keys() & b.keys() if a[k] != b[k])}
