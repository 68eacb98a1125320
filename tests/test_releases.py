"""Dated releases (graph/release.py), the change feed (/feed, graph/changes.py) and the VoID description, on
the corpus and then with a made-up later notice (tests/data/time/guangxi-2021-supersedes-repeals.txt) that
sets another 2021 contribution for 广西: the second release, the diff and the feed must show it."""

from __future__ import annotations

import datetime as dt
import re
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from graph.cli import main
from graph.parse import parse_paths
from graph.records import ParseResult
from graph.release import diff, load_release, record_release, releases, write_archive
from graph.store import Store, open_store
from graph.to_rdf import DEFAULT_BASE, to_dataset
from graph.vocab import NKG
from server import create_app

TIME = Path(__file__).parent / "data" / "time"
LATER = TIME / "guangxi-2021-supersedes-repeals.txt"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def two_releases(corpus_results: list[ParseResult], tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[Store, Path, Path]:
    store, before = open_store("memory:"), open_store("memory:")
    store.load_dataset(to_dataset(corpus_results))
    before.load_dataset(to_dataset(corpus_results))  # the store as it was before the second release
    record_release(store, DEFAULT_BASE, dt.datetime(2021, 5, 1, tzinfo=dt.UTC))
    out = tmp_path_factory.mktemp("releases")
    first = write_archive(store, DEFAULT_BASE, out)
    store.load_dataset(to_dataset(corpus_results + parse_paths([LATER])))
    record_release(store, DEFAULT_BASE, dt.datetime(2021, 6, 1, tzinfo=dt.UTC), previous=before)
    second = write_archive(store, DEFAULT_BASE, out)
    return store, first, second


def test_each_build_records_a_release_with_the_notices_digests(two_releases: tuple[Store, Path, Path]) -> None:
    store, _, _ = two_releases
    first, second = releases(store)
    assert first.id.startswith("20210501T000000Z-") and second.id.startswith("20210601T000000Z-")
    assert len(first.notices) == 8 and len(second.notices) == 9
    later = next(n for n, d in second.docnos.items() if d == "桂医保发〔2021〕10号")
    assert len(second.notices[later][0]) == 64  # the source file's SHA-256
    assert store.ask(f"ASK {{ <{second.iri}> <http://www.w3.org/ns/prov#wasRevisionOf> <{first.iri}> }}")


def test_an_archive_is_dated_checksummed_and_complete(two_releases: tuple[Store, Path, Path]) -> None:
    _, first, _ = two_releases
    assert first.name.startswith("noticekg-20210501T000000Z-") and first.name.endswith(".tar.gz")
    with tarfile.open(first) as tar:
        names = {Path(m.name).name for m in tar.getmembers()}
    assert names == {"graph.nq", "figures.csv", "governing.csv", "release.json", "void.ttl", "SHA256SUMS"}
    assert load_release(str(first)).figures


def test_a_tampered_archive_is_refused(two_releases: tuple[Store, Path, Path], tmp_path: Path) -> None:
    _, first, _ = two_releases
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(first) as src, tarfile.open(bad, "w:gz") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read()  # type: ignore[union-attr]
            if m.name.endswith("figures.csv"):
                data = data.replace(b"280", b"290")
                m.size = len(data)
            import io
            dst.addfile(m, io.BytesIO(data))
    from graph.errors import InputError
    with pytest.raises(InputError, match="checksum"):
        load_release(str(bad))


def test_diff_names_the_added_notice_and_its_figures(two_releases: tuple[Store, Path, Path]) -> None:
    _, first, second = two_releases
    d = diff(load_release(str(first)), load_release(str(second)))
    assert d.notices == {"added": ["桂医保发〔2021〕10号"], "changed": [], "removed": []}
    assert "桂医保发〔2021〕10号|individual-contribution|2021|450000|: 350 元/人·年" in d.figures["added"]
    assert d.figures["removed"] == [] and d.figures["changed"] == []
    assert diff(load_release(str(second)), load_release(str(first))).notices["removed"] == ["桂医保发〔2021〕10号"]


def test_diff_on_the_command_line(two_releases: tuple[Store, Path, Path]) -> None:
    _, first, second = two_releases
    result = CliRunner().invoke(main, ["diff", str(first), str(second), "--store", "memory:"])
    assert result.exit_code == 1 and "notice added: 桂医保发〔2021〕10号" in result.output
    same = CliRunner().invoke(main, ["diff", str(first), str(first), "--store", "memory:"])
    assert same.exit_code == 0 and "no differences" in same.output


def _feed(store: Store, query: str = "") -> ET.Element:
    app = create_app({"TESTING": True, "STORE": store})
    response = app.test_client().get("/feed" + query)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_the_feed_shows_the_added_notice_and_the_figure_it_changed(two_releases: tuple[Store, Path, Path]) -> None:
    store, _, _ = two_releases
    entries = _feed(store).findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0].startswith(("桂医保发〔2021〕10号 added", "individual-contribution 2021"))
    assert "桂医保发〔2021〕10号 added" in titles and "南医保发〔2020〕60号 added" in titles
    # As of the release date the 2021 contribution in 广西 was 46号's 280 before, and is 10号's 350 after; 南宁's
    # own 280 yields to the later provincial rule (从其规定), so its answer changed too.
    changed = [e for e in entries if any(c.get("term") == "figure-changed" for c in e.findall(f"{ATOM}category"))]
    titles = {e.findtext(f"{ATOM}title", "").split(":")[0]: e for e in changed}
    assert sorted(titles) == ["effective-date 2021 广西壮族自治区", "individual-contribution 2021 南宁市",
                              "individual-contribution 2021 广西壮族自治区"]
    for where, was in (("南宁市", "南医保发〔2020〕60号"), ("广西壮族自治区", "桂医保发〔2020〕46号")):
        e = titles[f"individual-contribution 2021 {where}"]
        before, after = e.findtext(f"{ATOM}title", "").split(": ", 1)[1].split(" → ")
        assert "280" in before and was in before and after == "350 元/人·年（桂医保发〔2021〕10号）"
        assert "/gui4-yi1-bao3-fa1/2021/10/" in e.find(f"{ATOM}link").get("href", "")
        content = e.findtext(f"{ATOM}content", "")  # both figures linked: the one after, then the one before
        hrefs = re.findall(r'href="([^"]+)"', content)
        assert len(hrefs) == 2 and "/2021/10/" in hrefs[0] and "/2020/" in hrefs[1]
    assert all(e.find(f"{ATOM}link").get("href", "").startswith("http://localhost/id/") for e in entries)


def test_the_feed_narrows_by_region_and_kind(two_releases: tuple[Store, Path, Path]) -> None:
    store, _, _ = two_releases
    lanzhou = [e.findtext(f"{ATOM}title") for e in _feed(store, "?region=兰州市").findall(f"{ATOM}entry")]
    assert lanzhou == ["兰医保〔2020〕142号 added"]
    kind = [e.findtext(f"{ATOM}title") for e in _feed(store, "?region=广西&kind=individual-contribution")
            .findall(f"{ATOM}entry")]
    assert "桂医保发〔2021〕10号 added" in kind and all("兰医保" not in t for t in kind)


def test_void_describes_the_dataset_and_its_releases(two_releases: tuple[Store, Path, Path]) -> None:
    store, _, _ = two_releases
    app = create_app({"TESTING": True, "STORE": store})
    response = app.test_client().get("/.well-known/void")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=response.data, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("http://localhost/.well-known/void#dataset")
    assert g.value(dataset, void.sparqlEndpoint) == rdflib.URIRef("http://localhost/sparql")
    assert len(list(g.objects(dataset, rdflib.URIRef("http://www.w3.org/ns/dcat#hasVersion")))) == 2


def test_the_releases_graph_grows_by_what_changed_not_by_the_corpus(corpus_results: list[ParseResult]) -> None:
    """Each release keeps its summary, its checksum and its changes; the notice states are replayed from them
    (and must match the checksum); a build that changed nothing adds a summary only."""
    import hashlib

    from graph.release import releases_graph_iri

    store = open_store("memory:")
    store.load_dataset(to_dataset(corpus_results))
    graph = releases_graph_iri(DEFAULT_BASE)

    def size() -> int:
        return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])

    record_release(store, DEFAULT_BASE, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    first = size()
    for day in (2, 3):
        record_release(store, DEFAULT_BASE, dt.datetime(2026, 1, day, tzinfo=dt.UTC))
    growth = size() - first
    states = store.select(f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?r <{NKG.noticeState}> ?s }} }}")
    assert int(states[0]["n"]) == 8  # the corpus once, as the first release's additions
    history = releases(store)
    assert [len(r.notices) for r in history] == [8, 8, 8] and [r.delta["added"] for r in history][1:] == [[], []]
    summaries = store.select(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}
        VALUES ?r {{ <{history[1].iri}> <{history[2].iri}> }} FILTER(?s = ?r || ?s = IRI(CONCAT(STR(?r), "/activity"))) }}""")
    assert growth == int(summaries[0]["n"])  # only the two releases' own summaries and activities
    for r in history:
        digest = hashlib.sha256("\n".join(f"{n} {s} {f}" for n, (s, f) in sorted(r.notices.items())).encode())
        recorded = store.select(f"SELECT ?d WHERE {{ <{r.iri}> <{NKG.statesDigest}> ?d }}")
        assert str(recorded[0]["d"]) == digest.hexdigest()


def test_the_home_page_names_the_latest_release_and_the_feed(two_releases: tuple[Store, Path, Path]) -> None:
    store, _, _ = two_releases
    html = create_app({"TESTING": True, "STORE": store}).test_client().get("/").get_data(as_text=True)
    latest = releases(store)[-1]
    assert f'<a href="/.well-known/void">{latest.id}</a>' in html and "9 件通知" in html
    assert '<a href="/feed">' in html


def test_answer_changes_ask_the_keys_below_and_say_when_capped(corpus_results: list[ParseResult],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from graph import answers

    before, after = open_store("memory:"), open_store("memory:")
    before.load_dataset(to_dataset(corpus_results))
    after.load_dataset(to_dataset(corpus_results + parse_paths([LATER])))
    later = DEFAULT_BASE + "notice/gui4-yi1-bao3-fa1/2021/10"
    full = answers.answer_changes(before, after, [later], dt.date(2021, 6, 1))
    assert not full.truncated
    # 南宁 has no figure in the later notice: its key is asked because it lies below 广西's
    assert {"individual-contribution|2021|450000", "individual-contribution|2021|450100"} <= {c.key for c in full.changes}
    monkeypatch.setattr(answers, "MAX_KEYS", 1)
    capped = answers.answer_changes(before, after, [later], dt.date(2021, 6, 1))
    assert capped.truncated and capped.asked == 1 and len(capped.changes) <= 1
