"""RDF conversion in the build's worker processes (graph.convert): a build converted part by part in two
workers writes exactly the quads of a build converted in one process, blank-node labels aside; and the
N-Quads `convert` writes from the writer's tuples are the lines rdflib writes for `to_dataset`'s graphs."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synth import generate  # noqa: E402
from graph.build import BuildOptions, build  # noqa: E402
from graph.convert import as_quads, convert, converted  # noqa: E402
from graph.records import ParseResult  # noqa: E402
from graph.to_rdf import Batch, default_base, to_dataset  # noqa: E402
from graph.vocab import NKG  # noqa: E402

_BNODE = re.compile(rb"_:\S+")


def _quads(path: Path) -> Counter[bytes]:
    return Counter(_BNODE.sub(b"_:b", line) for line in path.read_bytes().splitlines())


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("synth")
    generate(10, corpus)
    return corpus


def test_parts_converted_in_workers_write_what_one_process_writes(synthetic: Path, tmp_path: Path) -> None:
    outputs = {}
    for workers, part_files in ((1, 100), (2, 3)):  # one part in this process; four parts in two workers
        out = tmp_path / f"w{workers}.nq"
        summary = build([synthetic], "memory:", BuildOptions(base=default_base(), workers=workers,
                                                             part_files=part_files, output=out))
        assert summary.notices == 10
        outputs[workers] = _quads(out)
    assert sum(outputs[1].values()) > 1000
    assert outputs[1] == outputs[2]


def test_the_converter_yields_parts_in_order_and_removes_their_spill_files(tmp_path: Path) -> None:
    import pickle

    from graph.parse import parse_text

    texts = [f"关于做好{2020 + i}年城乡居民基本医疗保险工作的通知\n桂医保发〔{2020 + i}〕{i + 1}号\n个人缴费标准为每人每年{300 + i}元。\n"
             for i in range(3)]
    parts = []
    for i, text in enumerate(texts):
        parts.append(tmp_path / f"part-{i}.pickle")
        parts[-1].write_bytes(pickle.dumps([parse_text(text, f"n{i}.txt")]))
    out = list(converted(parts, Batch(), default_base(), workers=2))
    assert [p.notice_graphs[0].endswith(f"/{2020 + i}/{i + 1}/graph") for i, p in enumerate(out)] == [True] * 3
    assert all(len(p.notice_graphs) == 1 and p.triples == p.data.count(b"\n") > 0 for p in out)
    assert not any(p.exists() for p in parts)


def test_convert_writes_the_quads_of_to_dataset_on_the_corpus(corpus_results: list[ParseResult]) -> None:
    base = default_base()
    batch = Batch.of((n for r in corpus_results for n in r.notices), base)
    for part in ([r] for r in corpus_results):  # a part a file, each against the whole corpus's index
        got = convert(part, batch, base)
        lines = got.data.decode("utf-8").splitlines()
        dataset = to_dataset(part, base, batch=batch, constant_graphs=False)
        expected = {line for g in dataset.graphs() if len(g)  # rdflib's serialiser, graph by graph
                    for line in as_quads(g.serialize(format="nt", encoding="utf-8"), str(g.identifier)).decode().splitlines()}
        assert len(lines) == len(set(lines)) == got.triples == len(dataset) > 100
        assert set(lines) == expected  # the same triples, terms written alike, in the same graphs
        assert set(got.notice_graphs) == {str(g.identifier) for g in dataset.graphs() if str(g.identifier).endswith("/graph")}
        assert got.in_corpus == {str(n) for g in dataset.graphs() for n in g.subjects(NKG.inCorpus, Literal(True))}
