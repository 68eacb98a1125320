"""Dated releases (graph/release.py), the change feed (/feed, graph/changes.py) and the VoID description, on
the corpus and then with a made-up later notice (tests/data/time/guangxi-2021-supersedes-repeals.txt) that
sets another 2021 contribution for 广西: the second release, the diff and the feed must show it."""

from __future__ import annotations

import datetime as dt
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
from server import create_app

TIME = Path(__file__).parent / "data" / "time"
LATER = TIME / "guangxi-2021-supersedes-repeals.txt"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def two_releases(corpus_results: list[ParseResult], tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[Store, Path, Path]:
    store = open_store("memory:")
    store.load_dataset(to_dataset(corpus_results))
    record_release(store, DEFAULT_BASE, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    out = tmp_path_factory.mktemp("releases")
    first = write_archive(store, DEFAULT_BASE, out)
    store.load_dataset(to_dataset(corpus_results + parse_paths([LATER])))
    record_release(store, DEFAULT_BASE, dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    second = write_archive(store, DEFAULT_BASE, out)
    return store, first, second


def test_each_build_records_a_release_with_the_notices_digests(two_releases: tuple[Store, Path, Path]) -> None:
    store, _, _ = two_releases
    first, second = releases(store)
    assert first.id.startswith("20260101T000000Z-") and second.id.startswith("20260201T000000Z-")
    assert len(first.notices) == 8 and len(second.notices) == 9
    later = next(n for n, d in second.docnos.items() if d == "桂医保发〔2021〕10号")
    assert len(second.notices[later][0]) == 64  # the source file's SHA-256
    assert store.ask(f"ASK {{ <{second.iri}> <http://www.w3.org/ns/prov#wasRevisionOf> <{first.iri}> }}")


def test_an_archive_is_dated_checksummed_and_complete(two_releases: tuple[Store, Path, Path]) -> None:
    _, first, _ = two_releases
    assert first.name.startswith("noticekg-20260101T000000Z-") and first.name.endswith(".tar.gz")
    with tarfile.open(first) as tar:
        names = {Path(m.name).name for m in tar.getmembers()}
    assert names == {"graph.nq", "figures.csv", "release.json", "void.ttl", "SHA256SUMS"}
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
    assert any(t.startswith("individual-contribution 2021 广西壮族自治区: 350") for t in titles)
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
