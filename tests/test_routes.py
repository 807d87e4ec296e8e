"""`fastapi-rules routes`: the endpoint table, as a subprocess."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, run_on_terminal

ROUTE_PROJECTS = sorted(path.parent for path in (FIXTURES / "routes").glob("*/routes.json"))

PROJECT = {
    "app/__init__.py": "",
    "app/deps.py": """
        from typing import Annotated
        from fastapi import Depends
        from fastapi.security import OAuth2PasswordBearer

        scheme = OAuth2PasswordBearer(tokenUrl="token")

        def load_user(token: Annotated[str, Depends(scheme)]) -> str:
            return token

        CurrentUser = Annotated[str, Depends(load_user)]
    """,
    "app/items.py": """
        from fastapi import APIRouter
        from app.deps import CurrentUser

        router = APIRouter(prefix="/items")

        @router.get("", response_model=list[int])
        def list_items(user: CurrentUser) -> list[int]:
            return []

        @router.post("", status_code=201)
        def create_item() -> int:
            return 1
    """,
    "app/main.py": """
        from fastapi import FastAPI
        from app import items

        app = FastAPI()
        app.include_router(items.router, prefix="/v1")
        app.include_router(items.router, prefix="/v2")

        @app.get("/health")
        def health() -> str:
            return "ok"
    """,
}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    for name, source in PROJECT.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return tmp_path


def routes(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_rules", "routes", *args, "."],
        cwd=project, capture_output=True, text=True, timeout=120,
    )


def test_json_rows(project: Path) -> None:
    """One object per endpoint, with the verdict in fields a script filters on."""
    result = routes(project, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    by_auth = {
        "verdict": "authenticated",
        "reason": "CurrentUser → load_user → scheme (security scheme OAuth2PasswordBearer)",
        "via": "app/items.py:8", "dependencies": ["app.deps.CurrentUser"],
    }
    unauthenticated = {
        "verdict": "none", "reason": "no dependency on its chain authenticates it", "via": None,
        "dependencies": [],
    }

    def row(methods: str, path: str, line: int, handler: str, verdict: dict[str, object],
            model: str, status: int | None, file: str = "app/items.py") -> dict[str, object]:
        return {"methods": [methods], "path": path, "file": file, "line": line, "handler": handler,
                **verdict, "response_model": model, "status_code": status, "app": "app.main.app"}

    public = {"verdict": "public", "reason": "the full path matches auth.public_paths", "via": None,
              "dependencies": []}
    assert rows == [
        row("GET", "/health", 10, "app.main.health", public, "str", None, file="app/main.py"),
        row("GET", "/v1/items", 8, "app.items.list_items", by_auth, "list[int]", None),
        row("POST", "/v1/items", 12, "app.items.create_item", unauthenticated, "int", 201),
        row("GET", "/v2/items", 8, "app.items.list_items", by_auth, "list[int]", None),
        row("POST", "/v2/items", 12, "app.items.create_item", unauthenticated, "int", 201),
    ]
    assert result.stderr.strip() == (
        "5 endpoints: 2 authenticated, 0 by middleware or auth.global, 1 public paths,"
        " 0 unknown, 2 without authentication."
    )
    table = routes(project).stdout  # people keep the prose
    assert "yes: CurrentUser → load_user → scheme (security scheme OAuth2PasswordBearer) via a handler parameter" in table


def test_unauthenticated_filter_and_formats(project: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(routes(project, "--format", "csv", "--unauthenticated").stdout)))
    assert [(r["methods"], r["path"]) for r in rows] == [("POST", "/v1/items"), ("POST", "/v2/items")]
    markdown = routes(project, "--format", "markdown").stdout.splitlines()
    assert markdown[0].startswith("| methods | path |") and len(markdown) == 2 + 5
    table = routes(project).stdout
    assert "\x1b[" not in table  # not a terminal: no colour
    assert table.splitlines()[0].split() == [
        "methods", "path", "handler", "auth", "response_model", "status_code"
    ]


@pytest.mark.parametrize("case", ROUTE_PROJECTS, ids=lambda path: path.name)
def test_fixture_project_rows(case: Path) -> None:
    """Each project under fixtures/routes/ shows one mechanism of the whole-app view;
    its routes.json is the reviewed, exact table (findings are checked by test_fixtures)."""
    result = routes(case, "--format", "json")
    assert result.returncode == 0, result.stderr
    expected = json.loads((case / "routes.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == expected


def _on_terminal(project: Path, env: dict[str, str]) -> str:
    return run_on_terminal(["routes", "."], project, env)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_is_highlighted_on_a_terminal_unless_no_color(project: Path) -> None:
    import os

    plain_env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    coloured = _on_terminal(project, {"NO_COLOR": ""} if "NO_COLOR" in plain_env else {})
    no_rows = [line for line in coloured.splitlines() if "/v1/items" in line and "POST" in line]
    assert no_rows and "\x1b[1;31mNO" in no_rows[0]
    assert "\x1b[" not in _on_terminal(project, {"NO_COLOR": "1"})
