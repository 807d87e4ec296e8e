"""How many of a project's route registrations ``fastapi-rules routes`` finds.

    python bench/endpoints.py DIR [DIR ...]      # a table: registrations, found, missed
    python bench/endpoints.py --missed DIR       # also every registration not found

An independent count, with Python's own ``ast`` and no knowledge of our model: every
decorator ``@X.get/post/put/patch/delete/head/options/trace/api_route/websocket(...)``,
every call form ``X.get("/path")(handler)`` and every ``X.add_api_route(...)`` or
``X.add_api_websocket_route(...)`` outside test files, whatever ``X`` is. ``routes`` is
run on the same directory (``--format json``) and a registration counts as found when
an endpoint row points at it: the handler's ``def`` line for a decorator, the call's
line for the other forms, or the handler's ``def`` when it is in the same file (rows
name the handler's ``def`` when it is in the route's module). What the syntax alone counts can be more than FastAPI serves (a
router no app includes is still listed by ``routes``, at its own prefix; a Flask or
Starlette app using the same verbs is not), so read the missed list before judging.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"})
ADDERS = frozenset({"add_api_route", "add_api_websocket_route"})
SKIPPED = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"})


def _is_test(path: Path) -> bool:
    return path.name.startswith("test_") or path.name == "conftest.py" or "tests" in path.parts


def registrations(root: Path) -> dict[tuple[str, int], str]:
    """(file relative to ``root``, line) -> the registration's source form."""
    found: dict[tuple[str, int], str] = {}
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in SKIPPED)
        for name in sorted(files):
            path = Path(directory, name)
            if not name.endswith(".py") or _is_test(path.relative_to(root)):
                continue
            try:
                tree = ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                continue
            shown = path.relative_to(root).as_posix()
            defs = {}
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    defs.setdefault(node.name, node.lineno)
                    for decorator in node.decorator_list:
                        if (
                            isinstance(decorator, ast.Call)
                            and isinstance(decorator.func, ast.Attribute)
                            and decorator.func.attr in VERBS
                        ):
                            found[(shown, node.lineno)] = f"@…{decorator.func.attr}"
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Call)):
                    continue
                if isinstance(node.func, ast.Attribute) and node.func.attr in ADDERS:
                    endpoint = node.args[1] if len(node.args) > 1 else next(
                        (k.value for k in node.keywords if k.arg == "endpoint"), None)
                    line = defs.get(endpoint.id, node.lineno) if isinstance(endpoint, ast.Name) else node.lineno
                    found[(shown, line)] = node.func.attr
                inner = node.func
                if (  # ``router.get("/x")(handler)``
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr in VERBS
                    and node.args
                ):
                    handler = node.args[0]
                    line = defs.get(handler.id, node.lineno) if isinstance(handler, ast.Name) else node.lineno
                    found[(shown, line)] = f"…{inner.func.attr}(…)(handler)"
    return found


def served(root: Path) -> set[tuple[str, int]]:
    # the project's own folders (a ``logging/`` package) must not shadow the standard library
    environment = {**os.environ, "PYTHONSAFEPATH": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_rules", "routes", "--no-cache", "--format", "json", "."],
        cwd=root, capture_output=True, text=True, check=False, env=environment,
    )
    if result.returncode != 0:
        sys.exit(f"routes failed in {root}: {result.stderr.strip().splitlines()[-1:]}")
    rows = json.loads(result.stdout or "[]")
    return {(row["file"], row["line"]) for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", type=Path)
    parser.add_argument("--missed", action="store_true", help="list every registration not found")
    args = parser.parse_args()
    print(f"{'project':40} {'registrations':>13} {'found':>7} {'share':>7}")
    for directory in args.directories:
        expected = registrations(directory)
        found = served(directory)
        hit = [key for key in expected if key in found]
        share = len(hit) / len(expected) if expected else 1.0
        print(f"{str(directory)[-40:]:40} {len(expected):13} {len(hit):7} {share:7.1%}", flush=True)
        if args.missed:
            for key in sorted(set(expected) - found):
                print(f"    missed {key[0]}:{key[1]}  {expected[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
