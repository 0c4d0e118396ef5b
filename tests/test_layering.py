"""The layers import downwards only: `scoring/` is pure, `ratings/` never reaches up into Flask, `api` or the CLI.

Two walks: every import statement of every module (anywhere in it, also inside functions), named with its
file and line; and the modules really loaded when every module of the layer is imported in a fresh
interpreter, which also catches a dependency that drags Flask in.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "ratings": {"api", "ratings_cli", "flask", "flask_smorest", "flask_caching", "flask_limiter", "flask_compress",
                "flask_cors", "werkzeug"},
    "scoring": {"api", "ratings_cli", "ratings", "flask", "flask_smorest", "flask_caching", "flask_limiter",
                "flask_compress", "flask_cors", "werkzeug", "sqlalchemy", "sqlmodel", "alembic", "psycopg"},
}


def imported_names(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            yield node.lineno, str(node.args[0].value)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_module_of_the_layer_imports_a_layer_above_it(layer):
    offences = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for line, name in imported_names(path)
        if name.split(".")[0] in FORBIDDEN[layer]
    ]
    assert offences == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_importing_every_module_of_the_layer_loads_nothing_from_above(layer):
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((ROOT / layer).rglob("*.py"))
        if "migrations" not in path.parts  # alembic scripts run inside alembic, not on import; the AST walk covers them
    ]
    assert len(modules) > 3
    program = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True,
                                       check=True).stdout)
    assert sorted({name for name in loaded if name.split(".")[0] in FORBIDDEN[layer]}) == []
