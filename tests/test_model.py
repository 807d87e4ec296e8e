"""The FastAPI model and the project index, on small sources."""
from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from fastapi_rules.config import Config
from fastapi_rules.discovery import module_name
from fastapi_rules.source import analyse_file
from fastapi_rules.options import AuthOptions
from fastapi_rules.project import ProjectIndex


def project(tmp_path: Path, files: dict[str, str]) -> ProjectIndex:
    summaries = []
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    for name in files:
        module = module_name(tmp_path / name, (), tmp_path)
        summary = analyse_file(tmp_path / name, name, Config(), module).summary
        assert summary is not None
        summaries.append(summary)
    return ProjectIndex(summaries, AuthOptions())


def test_receivers_resolve_through_import_aliases(tmp_path: Path) -> None:
    index = project(tmp_path, {"main.py": """
        import fastapi as f
        from fastapi import APIRouter as R

        app = f.FastAPI()
        router = R(prefix="/r")

        @app.get("/a")
        def a() -> int: ...

        @router.api_route("/b", methods=["post", "PUT"])
        def b() -> int: ...

        def c() -> int: ...

        router.add_api_route("/c", c, methods=["DELETE"])
    """})
    found = sorted((e.full_path, e.route.methods) for e in index.routing.endpoints)
    assert found == [("/a", ("GET",)), ("/r/b", ("POST", "PUT")), ("/r/c", ("DELETE",))]


def test_flask_app_and_test_client_are_not_routes(tmp_path: Path) -> None:
    index = project(tmp_path, {"main.py": """
        from flask import Flask
        from fastapi.testclient import TestClient

        app = Flask(__name__)
        client = TestClient(app)

        @app.get("/x")
        def x(): ...

        def test_x():
            client.get("/x")
    """})
    assert index.routing.endpoints == ()


def test_auth_closure_across_modules(tmp_path: Path) -> None:
    index = project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/deps.py": """
            from typing import Annotated
            from fastapi import Depends
            from fastapi.security import OAuth2PasswordBearer

            scheme = OAuth2PasswordBearer(tokenUrl="token")

            def load_user(token: Annotated[str, Depends(scheme)]): ...

            Me = Annotated[dict, Depends(load_user)]
        """,
        "pkg/items.py": """
            from fastapi import APIRouter
            from pkg.deps import Me

            router = APIRouter()

            @router.get("/mine")
            def mine(user: Me) -> list[int]: ...

            @router.get("/open")
            def open_items() -> list[int]: ...
        """,
        "pkg/main.py": """
            from fastapi import FastAPI
            from pkg import items

            app = FastAPI()
            app.include_router(items.router, prefix="/items")
        """,
    })
    verdicts = {e.full_path: index.auth.access(e) for e in index.routing.endpoints}
    assert verdicts["/items/open"].kind == "open"
    assert verdicts["/items/mine"].kind == "authenticated"
    assert "scheme" in (verdicts["/items/mine"].reason or "")


def test_request_models_from_fastapi_security_are_not_auth(tmp_path: Path) -> None:
    index = project(tmp_path, {"main.py": """
        from typing import Annotated
        from fastapi import APIRouter, Depends
        from fastapi.security import OAuth2PasswordRequestForm

        router = APIRouter()

        @router.post("/items")
        def items(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> int: ...
    """})
    (endpoint,) = index.routing.endpoints
    assert index.auth.access(endpoint).kind == "open"


def test_tags_and_responses_are_inherited_from_every_level(tmp_path: Path) -> None:
    index = project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/items.py": """
            from fastapi import APIRouter, status

            ERRORS = {404: {"description": "Not found"}}
            router = APIRouter(prefix="/items", tags=["items"], responses=ERRORS)

            @router.get("/{item_id}", tags=["read"], responses={status.HTTP_410_GONE: {}})
            def read_item(item_id: int) -> int: ...
        """,
        "pkg/main.py": """
            from fastapi import FastAPI
            from pkg import items

            app = FastAPI(responses={"500": {"description": "Oops"}})
            app.include_router(items.router, prefix="/v1", tags=["v1"], responses={401: {}})
        """,
    })
    (endpoint,) = index.routing.endpoints
    assert endpoint.full_path == "/v1/items/{item_id}"
    assert endpoint.tags == ("v1", "items", "read")
    assert endpoint.responses == {500, 401, 404, 410}


@pytest.mark.parametrize(
    "literal",
    ['"a"', "'a'", '"""a\nb"""', '"""a\r\nb"""', "'''x'''", 'r"\\d"', 'R"x"', 'u"x"', 'b"x"',
     'rb"x"', 'Br"x"', '"a\\nb"', '"\\N{BAD}"', '""', '""""""', '"\'"', 'r"a\\"b"', "'''a''b'''"],
)
def test_string_text_is_what_python_reads(literal: str) -> None:
    """The quick path for literals without escapes gives LibCST's ``evaluated_value``."""
    from fastapi_rules.model.names import string_text

    node = cst.parse_module(f"x = {literal}\n").body[0].body[0].value
    try:
        value = node.evaluated_value
        expected = value if isinstance(value, str) else None
    except (SyntaxError, ValueError, UnicodeError):
        expected = None
    assert string_text(node) == expected
