"""No query is built by formatting a value into SPARQL text: every IRI goes in through a checked term
(`graph.sparql.iri_ref` in the server, `pyoxigraph.NamedNode` in the core, both refusing anything that is not one
IRI) and every literal through the library's escaping (`pyoxigraph.Literal`, rdflib's `n3()`).

Read from the source, so that a query written later is checked too: an f-string that puts a value between
`<` and `>`, or between quotes, is a query built from text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Not SPARQL: an HTTP Link header, a text report, the CLI's display of a term, the check itself.
NOT_QUERIES = {"server/linked_data.py", "graph/report.py", "graph/cli/reads.py", "graph/sparql/guard.py"}
SOURCES = sorted(p for p in [*ROOT.glob("server/**/*.py"), *ROOT.glob("graph/**/*.py")]
                 if "parse" not in p.relative_to(ROOT).parts[:2])


def formatted_terms(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every value an f-string writes as `<{value}>` or `"{value}"` / `'{value}'`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for i, part in enumerate(parts):
            if not isinstance(part, ast.FormattedValue):
                continue
            before = parts[i - 1].value if i and isinstance(parts[i - 1], ast.Constant) else ""
            after = parts[i + 1].value if i + 1 < len(parts) and isinstance(parts[i + 1], ast.Constant) else ""
            opened, closed = str(before)[-1:], str(after)[:1]
            if (opened, closed) in (("<", ">"), ('"', '"'), ("'", "'")):
                found.append((node.lineno, f"{opened}{{{ast.unparse(part.value)}}}{closed}"))
    return found


def test_the_scan_finds_a_formatted_iri_and_a_quoted_value() -> None:
    code = 'q = f"SELECT * WHERE {{ <{iri}> ?p \\"{text}\\" }}"\nok = f"SELECT * WHERE {{ {iri_ref(iri)} ?p ?o }}"'
    assert [text for _, text in formatted_terms(ast.parse(code))] == ["<{iri}>", '"{text}"']


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_query_formats_a_value_into_its_text(path: Path) -> None:
    name = str(path.relative_to(ROOT))
    if name in NOT_QUERIES:
        pytest.skip("not a query")
    found = [(line, text) for line, text in formatted_terms(ast.parse(path.read_text(encoding="utf-8")))
             if not text.startswith(("'{", '"{')) or _looks_like_sparql_literal(path, line)]
    assert found == [], f"{name}: bind these as checked terms (iri_ref / ox.NamedNode / ox.Literal): {found}"


def _looks_like_sparql_literal(path: Path, line: int) -> bool:
    """A quoted value in a line that is part of a query (an HTML attribute or a message is not)."""
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    return any(word in text for word in ("nkg:", "SELECT", "VALUES", "WHERE", "ASK", "?"))
