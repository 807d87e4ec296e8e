"""Fuzzing: the engine never raises and every finding lies inside its file.

Random syntactically valid modules come from hypothesmith; FastAPI-shaped projects
(routers, includes, dependencies, SQL, blocking calls) from our own strategy. The
default example counts keep the suite fast; FASTAPI_RULES_FUZZ_EXAMPLES=5000 runs
a long campaign.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fastapi_rules.config import Config
from fastapi_rules.engine import lint
from fastapi_rules.source import INTERNAL_ERROR
from fastapi_rules.rules import ALL_RULES

EXAMPLES = int(os.environ.get("FASTAPI_RULES_FUZZ_EXAMPLES", "0"))
EVERY_RULE = Config(select=tuple(rule.code for rule in ALL_RULES))


def fuzz_settings(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def assert_sound(files: dict[str, str], root: Path) -> list:
    """Lint ``files`` under ``root`` with every rule: no exception, no FAR000, and each
    finding at a line of its file and a column within that line (or just past it)."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    result = lint([root], EVERY_RULE)
    assert not [f for f in result.findings if f.code == INTERNAL_ERROR], result.tracebacks
    for finding in result.findings:
        lines = Path(finding.path).read_text(encoding="utf-8").splitlines() or [""]
        assert 1 <= finding.line <= len(lines), finding
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, finding
    return result.findings


@fuzz_settings(default=60)
@given(source=hypothesmith.from_grammar())
# found by a long run: CPython reads ``not.0``, LibCST's node refuses it (FAR002, not a crash)
@example(source="importA;A,not.0#")
def test_random_modules(source: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        assert_sound({"module.py": source}, Path(directory))


# -- FastAPI-shaped projects ------------------------------------------------------------
IDENTIFIERS = st.sampled_from(["item", "user", "items", "user_id", "db", "token", "q", "x"])
PATHS = st.lists(
    st.sampled_from(["items", "{item_id}", "users", "{user_id}", "create", "v1", "", "a b", "{"]),
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))
DEPENDENCIES = st.sampled_from(
    ["get_current_user", "get_db", "require_admin", "verify_token", "lambda: 1", "Depends", "None", ""]
)
ANNOTATIONS = st.sampled_from(
    ["int", "str", "Item", "dict", "Annotated[User, Depends(get_current_user)]",
     "Annotated[str, Query()]", "CurrentUser", "Session", "list[Item]", "'Item'", "Item | None"]
)
DECORATOR_VERBS = st.sampled_from(["get", "post", "put", "patch", "delete", "head", "api_route", "websocket"])
KEYWORDS = st.sampled_from(
    ["response_model=Item", "status_code=201", "status_code=204", "response_model=None",
     "dependencies=[Depends(get_current_user)]", "tags=['items']", "summary='s'",
     "responses={404: {}}", "status_code=status.HTTP_200_OK", "**options"]
)
BODIES = st.sampled_from(
    [
        "return {'ok': True}",
        "raise HTTPException(status_code=404, detail='missing')",
        "raise HTTPException(404, detail={'detail': 'x', 'error_code': 'E'})",
        'db.execute(f"SELECT * FROM items WHERE id = {item_id}")',
        "db.execute(text('SELECT 1'))",
        "cursor.execute('DELETE FROM t WHERE id = %s' % x)",
        "time.sleep(1)",
        "requests.get('http://x')",
        "await asyncio.sleep(0)",
        "db.add(item); db.commit()",
        "try:\n        pass\n    except Exception:\n        pass",
        "return JSONResponse({'error': 'x'}, status_code=200)",
        "jwt.decode(token, key, options={'verify_signature': False})",
        "return hashlib.md5(password.encode()).hexdigest()",
        "for row in db.query(Item).all():\n        row.owner.name",
        "helper()",
        "pass",
    ]
)
HEADER = """\
import asyncio, hashlib, time
from typing import Annotated
import jwt, requests
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import text
from pydantic import BaseModel, validator
"""


@st.composite
def routes(draw: st.DrawFn, router: str) -> str:
    verb = draw(DECORATOR_VERBS)
    path = draw(PATHS)
    keywords = draw(st.lists(KEYWORDS, max_size=3, unique=True))
    parameters = []
    for name in draw(st.lists(IDENTIFIERS, max_size=3, unique=True)):
        annotation = draw(ANNOTATIONS)
        default = draw(st.sampled_from(["", f" = Depends({draw(DEPENDENCIES)})", " = None", " = Query(10)"]))
        parameters.append(f"{name}: {annotation}{default}")
    parameters.sort(key=lambda parameter: "=" in parameter)  # defaults last, as Python wants
    asynchronous = draw(st.sampled_from(["async def", "def"]))
    docstring = draw(st.sampled_from(["", '    """Docs."""\n']))
    body = draw(BODIES)
    if "await" in body and asynchronous == "def":
        body = "pass"
    arguments = ", ".join([repr(path), *keywords])
    decorator = f"@{router}.{verb}({arguments})" if draw(st.booleans()) else f"@{router}.{verb}"
    name = draw(st.sampled_from(["read_item", "create_item", "delete_user", "list_items", "login"]))
    return f"{decorator}\n{asynchronous} {name}({', '.join(parameters)}):\n{docstring}    {body}\n"


@st.composite
def router_modules(draw: st.DrawFn, name: str) -> str:
    prefix = draw(PATHS)
    keywords = draw(st.lists(KEYWORDS.filter(lambda k: "status" not in k), max_size=2, unique=True))
    router = f"router = APIRouter({', '.join([f'prefix={prefix!r}', *keywords])})\n"
    extras = draw(st.lists(st.sampled_from([
        "def get_db():\n    yield Session()\n",
        "async def get_current_user(token: str = Depends(oauth2)):\n    return jwt.decode(token, 'k', algorithms=['HS256'])\n",
        "CurrentUser = Annotated[dict, Depends(get_current_user)]\n",
        "class Item(BaseModel):\n    password: str\n    class Config:\n        orm_mode = True\n",
        "def helper():\n    time.sleep(1)\n",
        "def helper():\n    return jwt.encode({'sub': 'x'}, 'k')\n",
    ]), max_size=3))
    body = "\n".join(draw(st.lists(routes(router="router"), min_size=1, max_size=4)))
    return HEADER + "".join(extras) + router + "\n" + body


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    names = draw(st.lists(st.sampled_from(["items", "users", "auth", "admin"]), min_size=1, max_size=3, unique=True))
    files = {f"app/routers/{name}.py": draw(router_modules(name=name)) for name in names}
    files["app/__init__.py"] = ""
    files["app/routers/__init__.py"] = ""
    includes = []
    for name in names:
        keywords = draw(st.lists(st.sampled_from(
            ["prefix='/api'", "dependencies=[Depends(get_current_user)]", "tags=['x']"]
        ), max_size=2, unique=True))
        includes.append(f"app.include_router({', '.join([f'{name}.router', *keywords])})")
    handler = draw(st.sampled_from(["", "@app.exception_handler(Exception)\nasync def on_error(request, exc):\n    return JSONResponse({'detail': 'x'}, 500)\n"]))
    files["app/main.py"] = (
        HEADER
        + f"from app.routers import {', '.join(names)}\n"
        + "async def get_current_user():\n    return 1\n"
        + "app = FastAPI()\n"
        + "\n".join(includes) + "\n" + handler
        + draw(routes(router="app"))
    )
    return files


@fuzz_settings(default=60)
@given(files=projects())
def test_fastapi_shaped_projects(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        assert_sound(files, Path(directory))


@settings(max_examples=EXAMPLES // 100 or 3, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(files=projects())
def test_flake8_agrees_with_the_engine(files: dict[str, str]) -> None:
    """The real flake8, as a subprocess, reports the same (file, line, code) set."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "setup.cfg").write_text("[metadata]\nname = fuzzed\n")
        findings = assert_sound(files, root)
        expected = {(str(Path(f.path).resolve()), f.line, f.code) for f in findings
                    if f.code != "FAR001"}
        codes = ",".join(rule.code for rule in ALL_RULES)
        # flake8 reads the config: select every rule there too, as EVERY_RULE does
        (root / ".fastapi-rules.yaml").write_text(f"select: [{codes}]\n")
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--select", "FAR", "."],
            cwd=root, capture_output=True, text=True, timeout=120,
        )
        assert "Traceback" not in result.stderr, result.stderr
        reported = set()
        for line in result.stdout.splitlines():
            path, number, _column, rest = line.split(":", 3)
            reported.add((str((root / path).resolve()), int(number), rest.split()[0]))
        assert reported == expected
