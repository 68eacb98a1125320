"""A later notice that supersedes a figure, added by a second real build (`noticekg build` into an on-disk
store, twice): the governing answer as of dates before and after its entry into force, the feed's entries and
`noticekg diff` between the two releases all change. Made up: tests/data/time/guangxi-2024-supersedes-2023.txt,
桂医保发〔2024〕5号, in force from 2024-03-01, sets 广西's 2024 contribution at 400 where the corpus's
桂医保发〔2023〕32号 (in force from 2023-08-24) set 不低于380."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.release import releases
from graph.resolve import governing_figure
from graph.store import open_store
from server import create_app

DATA = Path(__file__).parent / "data"
LATER = DATA / "time" / "guangxi-2024-supersedes-2023.txt"
GUANGXI_2023 = Path(__file__).parents[1] / "corpus" / "002_26cb3cc93e1dcd9c.txt"  # 桂医保发〔2023〕32号
ATOM = "{http://www.w3.org/2005/Atom}"
ASK = ["--kind", "individual-contribution", "--region", "广西", "--year", "2024", "--format", "json"]


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("later")
    notices, archives, store = root / "notices", root / "archives", f"oxigraph:{root / 'store'}"
    notices.mkdir()
    shutil.copy(GUANGXI_2023, notices / GUANGXI_2023.name)
    code, out = _cli("build", str(notices), "--store", store)
    assert code in (0, 1), out  # 1: validation findings in the report
    before = {day: json.loads(_cli("governs", *ASK, "--as-of", day, "--store", store)[1])
              for day in ("2024-02-01", "2024-06-01")}
    code, out = _cli("export", "--release", "-o", str(archives / "a"), "--store", store)
    assert code == 0, out
    shutil.copy(LATER, notices / LATER.name)
    code, out = _cli("build", str(notices), "--store", store)
    assert code in (0, 1) and "new: guangxi-2024-supersedes-2023.txt" in out, out
    code, out = _cli("export", "--release", "-o", str(archives / "b"), "--store", store)
    assert code == 0, out
    [a] = (archives / "a").glob("*.tar.gz")
    [b] = (archives / "b").glob("*.tar.gz")
    return {"store": store, "before": before, "a": a, "b": b}


def test_before_the_later_notice_the_2023_figure_governs_on_every_date(builds: dict) -> None:
    for day in ("2024-02-01", "2024-06-01"):
        answer = builds["before"][day]
        assert (answer["notice"]["docno"], answer["figure"]["value"]) == ("桂医保发〔2023〕32号", 380)
        assert answer["superseded_by"] == []


def test_after_it_the_answer_depends_on_the_date_asked_about(builds: dict) -> None:
    store = open_store(builds["store"] + "?ro")
    early = governing_figure(store, "individual-contribution", "广西", 2024, as_of=dt.date(2024, 2, 1))
    assert early.notice is not None and early.figure is not None
    assert (early.notice.docno, early.figure.value) == ("桂医保发〔2023〕32号", 380)
    assert [(c.figure.notice.docno, c.figure.value) for c in early.superseded_by] == [("桂医保发〔2024〕5号", 400)]
    late = governing_figure(store, "individual-contribution", "广西", 2024, as_of=dt.date(2024, 6, 1))
    assert late.notice is not None and late.figure is not None
    assert (late.notice.docno, late.figure.value) == ("桂医保发〔2024〕5号", 400)
    assert [c.figure.notice.docno for c in late.supersedes] == ["桂医保发〔2023〕32号"]
    assert late.in_force is not None and late.in_force.entry is not None
    assert (late.in_force.entry.date, late.in_force.entry.basis) == (dt.date(2024, 3, 1), "stated")
    code, out = _cli("governs", *ASK, "--as-of", "2024-06-01", "--store", builds["store"])
    assert code == 0 and json.loads(out)["notice"]["docno"] == "桂医保发〔2024〕5号"


def test_the_second_release_records_the_notice_and_the_answer_it_changed(builds: dict) -> None:
    first, second = releases(open_store(builds["store"] + "?ro"))
    assert first.answers == () and len(first.delta["added"]) == 1
    assert [second.docnos[n] for n in second.delta["added"]] == ["桂医保发〔2024〕5号"]
    assert second.delta["replaced"] == [] and second.delta["withdrawn"] == []
    [change] = [a for a in second.answers if a.key == "individual-contribution|2024|450000"]
    assert change.before and "/2023/32/" in change.before and change.after and "/2024/5/" in change.after
    assert change.before_text and "380" in change.before_text and "桂医保发〔2023〕32号" in change.before_text
    assert change.after_text and "400" in change.after_text and "桂医保发〔2024〕5号" in change.after_text


def test_the_feed_shows_the_added_notice_and_the_changed_answer(builds: dict) -> None:
    app = create_app({"TESTING": True, "STORE_URL": builds["store"] + "?ro"})
    feed = ET.fromstring(app.test_client().get("/feed?region=广西").data)
    entries = {e.findtext(f"{ATOM}title"): e for e in feed.findall(f"{ATOM}entry")}
    assert "桂医保发〔2024〕5号 added" in entries and "桂医保发〔2023〕32号 added" in entries
    [title] = [t for t in entries if t.startswith("individual-contribution 2024 广西壮族自治区: ")]
    assert re.search(r"380.*桂医保发〔2023〕32号.* → 400.*桂医保发〔2024〕5号", title)
    hrefs = re.findall(r'href="([^"]+)"', entries[title].findtext(f"{ATOM}content", ""))
    assert [("/2024/5/" in h, "/2023/32/" in h) for h in hrefs] == [(True, False), (False, True)]
    narrowed = ET.fromstring(app.test_client().get("/feed?kind=central-subsidy").data)
    assert all("2024 广西" not in (e.findtext(f"{ATOM}title") or "") for e in narrowed.findall(f"{ATOM}entry"))


def test_diff_between_the_two_releases(builds: dict) -> None:
    code, out = _cli("diff", str(builds["a"]), str(builds["b"]), "--store", "memory:")
    assert code == 1 and "notice added: 桂医保发〔2024〕5号" in out
    assert "figure added: 桂医保发〔2024〕5号|individual-contribution|2024|450000|: 400 元/人·年" in out
    assert "figure removed" not in out and "notice removed" not in out
    # governing.csv: what /api/governs answered for each key as of each release's date
    assert re.search(r"answer changed: individual-contribution\|2024\|450000: 380 元/人·年 \(桂医保发〔2023〕32号\)"
                     r" → 400 元/人·年 \(桂医保发〔2024〕5号\)", out), out
    first, second = releases(open_store(builds["store"] + "?ro"))
    code, out = _cli("diff", first.id, second.id, "--store", builds["store"])
    assert code == 1 and "notice added: 桂医保发〔2024〕5号" in out


def test_a_release_says_whether_its_answer_changes_are_complete(builds: dict) -> None:
    from graph.vocab import NKG

    store = open_store(builds["store"] + "?ro")
    first, second = releases(store)
    assert not store.ask(f"ASK {{ <{first.iri}> <{NKG.answersComplete}> ?c }}")  # nothing compared: first
    assert store.ask(f"ASK {{ <{second.iri}> <{NKG.answersComplete}> true }}")
