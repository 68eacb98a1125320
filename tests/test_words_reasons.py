"""Every reason and message the resolver can give has its Chinese (server/words.py REASONS).

The wordings are read out of the resolver's source, not copied here: in graph/resolve.py, graph/resolution.py
and graph/timed.py, every string that reaches a `Candidate`'s reason or a `Resolution`'s message, and every
string returned by a module-level function annotated `-> str`; in graph/validity.py, the values of `RULES`.
Each string is followed through the names and local functions it is built from (an f-string's part that is a
local name takes that name's possible values; a call of a function of the module takes what it returns); what
is left open becomes `{}`; a wording with no Latin letter outside its holes needs no entry. A new reason written in any of these ways fails here until it has its Chinese."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

from server import words

GRAPH = Path(__file__).resolve().parents[1] / "graph"
RESOLVER = ("resolve.py", "resolution.py", "timed.py")
HOLE = "{}"


class _Wordings:
    """The string templates an expression can evaluate to, inside one module."""

    def __init__(self, tree: ast.Module) -> None:
        self.functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}

    def of(self, node: ast.expr, scope: ast.FunctionDef | None, depth: int = 0) -> set[str]:
        if depth > 8:
            return {HOLE}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.JoinedStr):
            parts = [self.of(v, scope, depth + 1) if isinstance(v, ast.FormattedValue) else
                     {v.value} if isinstance(v, ast.Constant) else {HOLE} for v in node.values]
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(node, ast.FormattedValue):
            found = self.of(node.value, scope, depth + 1)
            return found if found != {HOLE} and all(isinstance(x, str) for x in found) else {HOLE}
        if isinstance(node, ast.IfExp):
            return self.of(node.body, scope, depth + 1) | self.of(node.orelse, scope, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return {a + b for a in self.of(node.left, scope, depth + 1) for b in self.of(node.right, scope, depth + 1)}
        if isinstance(node, ast.Name) and scope is not None:
            values = [a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)]
            found = set().union(*(self.of(v, scope, depth + 1) for v in values)) if values else {HOLE}
            return found or {HOLE}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions:
            return self.returns(self.functions[node.func.id], depth + 1)
        return {HOLE}

    def returns(self, function: ast.FunctionDef, depth: int = 0) -> set[str]:
        found: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and node.value is not None:
                found |= self.of(node.value, function, depth)
        return found


def _enclosing(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef]:
    owner: dict[ast.AST, ast.FunctionDef] = {}
    for function in (f for f in tree.body if isinstance(f, ast.FunctionDef)):
        for node in ast.walk(function):
            owner[node] = function
    return owner


def resolver_wordings() -> dict[str, str]:
    """Every template the resolver can say → where it was found."""
    found: dict[str, str] = {}
    for name in RESOLVER:
        tree = ast.parse((GRAPH / name).read_text(encoding="utf-8"))
        wordings, owner = _Wordings(tree), _enclosing(tree)
        seeds: list[tuple[ast.expr, ast.FunctionDef | None]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == "Candidate":
                    arg = node.args[1] if len(node.args) > 1 else next(
                        (k.value for k in node.keywords if k.arg == "reason"), None)
                elif node.func.id == "Resolution":
                    arg = node.args[5] if len(node.args) > 5 else next(
                        (k.value for k in node.keywords if k.arg == "message"), None)
                else:
                    continue
                if arg is not None:
                    seeds.append((arg, owner.get(node)))
        for template in set().union(*(wordings.of(e, scope) for e, scope in seeds)):
            found.setdefault(template, f"graph/{name}")
        for function in wordings.functions.values():
            if isinstance(function.returns, ast.Name) and function.returns.id == "str":
                for template in wordings.returns(function):
                    found.setdefault(template, f"graph/{name}:{function.name}")
    validity = ast.parse((GRAPH / "validity.py").read_text(encoding="utf-8"))
    for node in validity.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RULES" for t in node.targets):
            assert isinstance(node.value, ast.Dict)
            for value in node.value.values:
                for template in _Wordings(validity).of(value, None):
                    found.setdefault(template, "graph/validity.py:RULES")
    # A wording with no Latin letter outside its holes (" §{}", a section mark) has nothing to translate.
    return {t: where for t, where in found.items() if re.search("[A-Za-z]", t.replace(HOLE, ""))}


WORDINGS = resolver_wordings()


def test_the_source_reading_finds_the_reasons_it_should() -> None:
    # A check of the reader itself, on wordings of three different shapes: a constant, an f-string with a
    # local name's two values (" (repealed by {})" or ""), and a message built in another function.
    assert "different scope" in WORDINGS
    assert "no longer in force on {}: in force until {} (repealed by {})" in WORDINGS
    assert "no longer in force on {}: in force until {}" in WORDINGS
    assert "no {} figure for {} in {} or any region containing it" in WORDINGS
    assert len(WORDINGS) >= 20


@pytest.mark.parametrize("template", sorted(WORDINGS))
def test_every_reason_of_the_resolver_has_its_chinese(template: str) -> None:
    samples = [f"值{i}" for i in range(template.count(HOLE))]
    text = template.replace(HOLE, "{}").format(*samples)
    assert words.reason_key(text), f"{WORDINGS[template]}: no Chinese for {template!r} in REASONS"
    said = words.reason(text)
    assert said.en == text
    for sample in samples:  # nothing the resolver filled in is lost in the Chinese
        assert sample in said.zh
    leftover = said.zh
    for sample in samples:
        leftover = leftover.replace(sample, "")
    english = [w for w in leftover.replace("-", " ").split() if w.isascii() and w.isalpha() and len(w) > 1]
    assert english == [], f"{template!r} → {said.zh!r}"


def test_no_entry_is_left_that_the_resolver_never_says() -> None:
    assert sorted(set(words.REASONS) - set(WORDINGS)) == []


def test_kinds_are_said_by_their_labels() -> None:
    said = words.reason("no individual-contribution figure for 2021 in 北京市 or any region containing it")
    assert said.zh == "北京市 及其上级地区没有 2021 年度的个人缴费标准"
    assert said.en == "no individual-contribution figure for 2021 in 北京市 or any region containing it"
