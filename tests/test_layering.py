"""The core never leans on the web layer: `graph` imports neither `flask` nor `server`, and click only in
`graph/cli.py`. Checked twice: statically (an AST walk over every module, so an import hidden in a function
counts) and dynamically (importing every module in a fresh interpreter and looking at `sys.modules`).

One sanctioned meeting point: `noticekg serve` in `graph/cli.py` imports `server` inside the command's body,
so the CLI can start the service while importing `graph` (the CLI module included) never loads it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "graph"
WEB = ("flask", "flask_cors", "werkzeug", "waitress", "server")


def imported_modules(path: Path, *, nested: bool = True) -> set[str]:
    """Top-level names of every module `path` imports, anywhere in it (relative imports excluded); with
    `nested=False` only the imports run when the module itself is imported (not those in functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree) if nested else _module_level(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def _module_level(tree: ast.Module):  # noqa: ANN202
    """The statements run at import time: the module body, into if/try blocks but not into functions."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending += [child for child in ast.iter_child_nodes(node)]


def graph_modules() -> list[Path]:
    return sorted(GRAPH.rglob("*.py"))


def test_the_walk_sees_imports(tmp_path: Path) -> None:
    # The checker itself must find imports hidden in a function, or the next test proves nothing.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import flask.json\n    from server import create_app\n"
                      "    importlib.import_module('werkzeug.routing')\n    from . import records\n")
    assert imported_modules(sample) == {"flask", "server", "werkzeug"}
    assert imported_modules(sample, nested=False) == set()


def test_no_graph_module_imports_the_web_layer() -> None:
    modules = graph_modules()
    assert len(modules) > 5
    offenders = {}
    for path in modules:
        name = path.relative_to(ROOT).as_posix()
        web = imported_modules(path) & set(WEB)
        if name == "graph/cli.py":  # `serve` may reach `server` from inside its body, never flask itself
            web = (web - {"server"}) | (imported_modules(path, nested=False) & set(WEB))
        if web:
            offenders[name] = sorted(web)
    assert not offenders


def test_click_lives_only_in_the_cli() -> None:
    users = {p.relative_to(ROOT).as_posix() for p in graph_modules() if "click" in imported_modules(p)}
    assert users and all(u.startswith("graph/cli/") for u in users), users


def test_importing_all_of_graph_loads_no_web_module() -> None:
    names = ["graph." + ".".join(p.relative_to(GRAPH).with_suffix("").parts) for p in graph_modules()]
    names = [n.removesuffix(".__init__") for n in names]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
