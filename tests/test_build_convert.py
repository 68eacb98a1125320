"""RDF conversion in the build's worker processes (graph.convert): a build converted part by part in two
workers writes exactly the quads of a build converted in one process, blank-node labels aside."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synth import generate  # noqa: E402
from graph.build import BuildOptions, build  # noqa: E402
from graph.convert import converted  # noqa: E402
from graph.to_rdf import Batch, default_base  # noqa: E402

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
