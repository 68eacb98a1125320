"""Every canned query of ontology/queries/ run with every parameter the corpus offers, as sets of rows.

`python tests/canned_rows.py OUT.json` writes them: the file `tests/data/layout/canned-rows.json` was written
this way by main's code at 72c7c4d, before shared resources moved out of the notice graphs, and
`tests/test_layout.py` checks that the new layout answers the same rows (DISTINCT aside: rows are compared as
sets). The parameters are recorded with the rows, so the check runs exactly what was captured.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "ontology" / "queries"
NKG = "https://noticekg.org/def/"


def run(store, name: str, values: str | None = None) -> list[dict[str, str]]:  # noqa: ANN001
    """The query's rows, its VALUES line replaced by `values`; each term in N-Triples form."""
    text = (QUERIES / name).read_text(encoding="utf-8")
    if values is not None:
        text, count = re.subn(r"^(\s*VALUES .*)$", "  " + values, text, count=1, flags=re.M)
        assert count == 1, name
    return [{k: v.n3() for k, v in row.items()} for row in store.select(text)]


def row_set(rows: list[dict[str, str]]) -> list[list[list[str]]]:
    """Rows as a sorted list of sorted (variable, term) pairs: a set, in a form JSON keeps."""
    return sorted({tuple(sorted(r.items())) for r in rows})  # type: ignore[return-value]


def _literal(value: str) -> str:
    return rdflib.Literal(value).n3()


def parameters(store) -> dict[str, list[str]]:  # noqa: ANN001
    """VALUES lines for each query, from what the corpus graph holds."""
    docnos = sorted(str(r["d"]) for r in store.select(
        f"SELECT DISTINCT ?d WHERE {{ ?n <{NKG}docNo> ?d }}"))
    corpus_docnos = sorted(str(r["d"]) for r in store.select(
        f"SELECT DISTINCT ?d WHERE {{ ?n <{NKG}docNo> ?d ; <{NKG}inCorpus> true }}"))
    keys = store.select(f"""SELECT DISTINCT ?kind ?code ?year WHERE {{
        ?f <{NKG}kind> ?kind ; <{NKG}year> ?year ; <{NKG}region> ?r . ?r <{NKG}code> ?code }}""")
    triples = sorted({(str(k["kind"]).rsplit("/", 1)[1], str(k["code"]), int(k["year"])) for k in keys})
    pairs = sorted({(k, c) for k, c, _ in triples})
    return {
        "governing-figure.rq": [f'VALUES (?kind ?regionCode ?year) {{ (kind:{k} {_literal(c)} {y}) }}'
                                for k, c, y in triples],
        "chain.rq": [f"VALUES ?startDocNo {{ {_literal(d)} }}" for d in corpus_docnos],
        "notice-figures.rq": [f"VALUES ?docNo {{ {_literal(d)} }}" for d in corpus_docnos],
        "cited-by.rq": [f"VALUES ?docNo {{ {_literal(d)} }}" for d in docnos],
        "figure-history.rq": [f'VALUES (?kind ?regionCode) {{ (kind:{k} {_literal(c)}) }}' for k, c in pairs],
        "validation-findings.rq": [""],  # no VALUES line: run as it is
    }


def capture(store) -> dict[str, dict[str, list]]:  # noqa: ANN001
    """{query: {VALUES line: row set}}; "" stands for the query as written."""
    return {name: {v: row_set(run(store, name, v or None)) for v in values}
            for name, values in parameters(store).items()}


def corpus_store():  # noqa: ANN201
    """The corpus graph as `noticekg build` makes it: the notice graphs, then the validation report."""
    from graph.parse import parse_paths
    from graph.store import open_store
    from graph.to_rdf import dataset_graph_iri, report_graph, to_dataset
    from graph.validate import validate

    dataset = to_dataset(parse_paths([ROOT / "corpus"]))
    store = open_store("memory:")
    store.load_dataset(dataset)
    # With its stable result IRIs, as `noticekg build` stores it (a blank node would differ run to run).
    store.replace_graph(dataset_graph_iri("validation"), report_graph(validate(dataset).report))
    return store


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    captured = capture(corpus_store())
    Path(sys.argv[1]).write_text(json.dumps(captured, ensure_ascii=False, indent=1), encoding="utf-8")
    print({name: (len(v), sum(len(r) for r in v.values())) for name, v in captured.items()})
