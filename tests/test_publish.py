"""`graph.publish`: a notice file goes into a store (and out of it) in one transaction, with its findings;
the same text twice changes nothing; a notice's attachments go with it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from graph.errors import Conflict, NotFound
from graph.parse import parse_bytes, parse_file
from graph.publish import is_stored, publish, withdraw
from graph.store import open_store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NANCHANG = CORPUS / "001_c06b19ca11661c1b.txt"  # 洪医保发〔2020〕52号 forwarding 赣医保发〔2020〕15号
HONG = "https://noticekg.org/id/notice/hong2-yi1-bao3-fa1/2020/52"
GAN = "https://noticekg.org/id/notice/gan4-yi1-bao3-fa1/2020/15"
STATE = f"""PREFIX nkg: <https://noticekg.org/def/> PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT (COUNT(DISTINCT ?n) AS ?notices) (COUNT(DISTINCT ?f) AS ?figures) (COUNT(DISTINCT ?r) AS ?findings) WHERE {{
  {{ GRAPH ?g {{ ?n nkg:inCorpus true }} }} UNION {{ ?f nkg:statedIn ?m }}
  UNION {{ ?r a sh:ValidationResult ; nkg:focusNotice|nkg:otherNotice ?k FILTER(?k IN (<{HONG}>, <{GAN}>)) }}
}}"""


def state(store) -> tuple[int, int, int]:  # noqa: ANN001
    row = store.select(STATE)[0]
    return int(row["notices"]), int(row["figures"]), int(row["findings"])


def test_a_reader_sees_the_notice_with_its_figures_and_findings_or_nothing() -> None:
    store = open_store("memory:")
    result = parse_file(NANCHANG)
    seen: list[tuple[int, int, int]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(state(store))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        published = publish(store, result)
    finally:
        done.set()
        reader.join()
    final = state(store)
    assert published.notices == (HONG, GAN) and published.changed
    assert final[0] == 2 and final[1] > 10 and final[2] > 0  # 南昌's 250 against 江西's 280 is a finding
    assert published.validation.results
    assert set(seen) <= {(0, 0, 0), final}, set(seen)


def test_the_same_text_twice_changes_nothing_and_other_text_conflicts() -> None:
    store = open_store("memory:")
    first = publish(store, parse_file(NANCHANG))
    count = store.triple_count()
    again = publish(store, parse_bytes(NANCHANG.read_text(encoding="utf-8").encode("gb18030"), "nanchang.txt"))
    assert (again.notices, again.changed, store.triple_count()) == (first.notices, False, count)
    other = NANCHANG.read_text(encoding="utf-8") + "\n（此件公开发布）\n"
    with pytest.raises(Conflict, match="PUT"):
        publish(store, parse_bytes(other.encode("utf-8"), "nanchang.txt"))
    with pytest.raises(Conflict, match="by itself"):
        publish(store, parse_bytes(other.encode("utf-8"), "nanchang.txt"),
                replaces="https://noticekg.org/id/notice/gui4-yi1-bao3-fa1/2023/32")
    replaced = publish(store, parse_bytes(other.encode("utf-8"), "nanchang.txt"), replaces=HONG)
    assert replaced.changed and "此件公开发布" in store.select(
        f"SELECT ?t WHERE {{ <{HONG}> <http://www.w3.org/ns/prov#wasDerivedFrom>/<https://noticekg.org/def/text> ?t }}"
    )[0]["t"]


def test_withdrawing_a_notice_takes_its_attachment_figures_and_findings() -> None:
    store = open_store("memory:")
    publish(store, parse_file(NANCHANG))
    publish(store, parse_file(CORPUS / "002_26cb3cc93e1dcd9c.txt"))
    assert withdraw(store, HONG) == (HONG, GAN)
    assert not is_stored(store, HONG) and not is_stored(store, GAN)
    assert state(store) == (1, state(store)[1], 0)  # 桂医保发〔2023〕32号 stays, with its figures
    assert state(store)[1] > 0
    with pytest.raises(NotFound):
        withdraw(store, HONG)


def test_a_withdrawn_notice_that_others_cite_stays_as_a_stub_in_the_same_write() -> None:
    from test_writes import N46, N60, split_nanning

    store = open_store("memory:")
    sixty, forty_six = split_nanning()
    publish(store, parse_bytes(forty_six.encode("utf-8"), "46.txt"))
    publish(store, parse_bytes(sixty.encode("utf-8"), "60.txt"))
    stub = f"ASK {{ <{N46}> a <https://noticekg.org/def/Notice> ; <https://noticekg.org/def/inCorpus> false }}"
    assert is_stored(store, N46) and not store.ask(stub)
    assert withdraw(store, N46) == (N46,)
    assert not is_stored(store, N46) and store.ask(stub) and is_stored(store, N60)
    # 60号 is cited by nobody: withdrawn, it leaves no stub.
    withdraw(store, N60)
    assert not store.ask(f"ASK {{ <{N60}> ?p ?o }}")
