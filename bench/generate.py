"""A synthetic FastAPI project of any size, deterministic from a seed.

    python bench/generate.py DEST --files 600 [--seed 0]

The project looks like the ones the rules are written for: ``app/main.py`` builds the
``FastAPI`` app and includes every feature router (some with ``dependencies=``),
``app/deps.py`` holds the auth and session dependencies behind ``Annotated`` aliases,
and each feature has a routes module (an ``APIRouter`` with a varying number of
endpoints, so a few modules reach ~300 lines), Pydantic schemas, SQLAlchemy tables
and a CRUD module. A few deliberate flaws (a POST without ``status_code``, an
f-string in ``text()``, ``time.sleep`` in an ``async def``, a Pydantic v1 ``class
Config``) keep the rules busy, in about the proportion real code has them. On average
a file has 65-70 lines (the issue's 600 files / 40,500 lines).
"""
from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

KINDS = ("routes", "schemas", "tables", "crud")
FIELD_TYPES = (("str", "String(255)"), ("int", "Integer"), ("bool", "Boolean"), ("float", "Float"))
WORDS = (
    "item", "order", "invoice", "customer", "product", "shipment", "ticket", "project",
    "comment", "report", "payment", "account", "team", "event", "document", "task",
)

MAIN_HEAD = '''"""Application entry point: builds the app and mounts every feature router."""
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from app.deps import get_current_user
'''

DEPS = '''"""Shared dependencies: the database session and the current user."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@localhost/app")
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> dict:
    """Decode the bearer token; 401 when it is missing or invalid."""
    if not token:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return {"id": 1, "token": token}


async def require_admin(user: Annotated[dict, Depends(get_current_user)]) -> dict:
    if user.get("role") != "admin":
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Forbidden")
    return user


SessionDep = Annotated[AsyncSession, Depends(get_session)]
CurrentUser = Annotated[dict, Depends(get_current_user)]
AdminUser = Annotated[dict, Depends(require_admin)]
'''


def _names(index: int) -> tuple[str, str]:
    word = WORDS[index % len(WORDS)]
    snake = f"{word}{index}"
    return snake, f"{word.capitalize()}{index}"


def _fields(rng: random.Random) -> list[tuple[str, str, str]]:
    return [
        (f"field_{n}", *rng.choice(FIELD_TYPES)) for n in range(rng.randint(5, 14))
    ]


def schemas_module(index: int, rng: random.Random) -> str:
    snake, camel = _names(index)
    fields = _fields(rng)
    lines = [
        f'"""Request and response schemas of {snake}."""',
        "from __future__ import annotations",
        "",
        "from datetime import datetime",
        "",
        "from pydantic import BaseModel, ConfigDict, Field, field_validator",
        "",
        "",
        f"class {camel}Base(BaseModel):",
    ]
    lines += [f"    {name}: {py} | None = None" for name, py, _ in fields]
    lines += ["", "", f"class {camel}Create({camel}Base):", "    name: str = Field(min_length=1, max_length=200)"]
    lines += [
        "",
        '    @field_validator("name")',
        "    @classmethod",
        "    def strip_name(cls, value: str) -> str:",
        "        return value.strip()",
        "",
        "",
        f"class {camel}Update({camel}Base):",
        "    name: str | None = None",
        "",
        "",
        f"class {camel}Read({camel}Base):",
        "    id: int",
        "    name: str",
        "    created_at: datetime",
    ]
    if rng.random() < 0.15:  # Pydantic v1 configuration left behind (FAR601)
        lines += ["", "    class Config:", "        orm_mode = True"]
    else:
        lines += ["", "    model_config = ConfigDict(from_attributes=True)"]
    lines += [
        "",
        "",
        f"class {camel}Page(BaseModel):",
        f"    items: list[{camel}Read]",
        "    total: int",
        "    offset: int = 0",
        "    limit: int = 50",
    ]
    return "\n".join(lines) + "\n"


def tables_module(index: int, rng: random.Random) -> str:
    snake, camel = _names(index)
    fields = _fields(rng)
    lines = [
        f'"""Database tables of {snake}."""',
        "from datetime import datetime",
        "",
        "from sqlalchemy import DateTime, ForeignKey, Integer, String, Boolean, Float, func",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship",
        "",
        "",
        "class Base(DeclarativeBase):",
        "    pass",
        "",
        "",
        f"class {camel}(Base):",
        f'    __tablename__ = "{snake}s"',
        "",
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)",
        "    name: Mapped[str] = mapped_column(String(200), index=True)",
        '    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))',
    ]
    lines += [f"    {name}: Mapped[{py} | None] = mapped_column({sa}, nullable=True)" for name, py, sa in fields]
    lines += [
        "    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())",
        "",
        f'    owner = relationship("User", back_populates="{snake}s")',
        "",
        "    def __repr__(self) -> str:",
        f'        return f"<{camel} {{self.id}} {{self.name!r}}>"',
    ]
    return "\n".join(lines) + "\n"


def crud_module(index: int, rng: random.Random) -> str:
    snake, camel = _names(index)
    lines = [
        f'"""Queries of {snake}."""',
        "from __future__ import annotations",
        "",
        "from sqlalchemy import func, select, text",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "",
        f"from app.tables.{snake} import {camel}",
        f"from app.schemas.{snake} import {camel}Create, {camel}Update",
        "",
        "",
        f"async def list_{snake}(session: AsyncSession, owner_id: int, offset: int, limit: int) -> tuple[list[{camel}], int]:",
        f"    query = select({camel}).where({camel}.owner_id == owner_id)",
        "    total = await session.scalar(select(func.count()).select_from(query.subquery()))",
        "    rows = await session.scalars(query.offset(offset).limit(limit))",
        "    return list(rows), total or 0",
        "",
        "",
        f"async def get_{snake}(session: AsyncSession, {snake}_id: int, owner_id: int) -> {camel} | None:",
        f"    row = await session.get({camel}, {snake}_id)",
        "    if row is None or row.owner_id != owner_id:",
        "        return None",
        "    return row",
        "",
        "",
        f"async def create_{snake}(session: AsyncSession, data: {camel}Create, owner_id: int) -> {camel}:",
        f"    row = {camel}(**data.model_dump(), owner_id=owner_id)",
        "    session.add(row)",
        "    await session.commit()",
        "    await session.refresh(row)",
        "    return row",
        "",
        "",
        f"async def update_{snake}(session: AsyncSession, row: {camel}, data: {camel}Update) -> {camel}:",
        "    for key, value in data.model_dump(exclude_unset=True).items():",
        "        setattr(row, key, value)",
        "    await session.commit()",
        "    return row",
    ]
    if rng.random() < 0.2:  # SQL built by interpolation (FAR301)
        lines += [
            "",
            "",
            f"async def search_{snake}(session: AsyncSession, term: str) -> list:",
            f'    result = await session.execute(text(f"SELECT * FROM {snake}s WHERE name LIKE \'%{{term}}%\'"))',
            "    return list(result)",
        ]
    else:
        lines += [
            "",
            "",
            f"async def search_{snake}(session: AsyncSession, term: str) -> list:",
            f'    query = text("SELECT * FROM {snake}s WHERE name LIKE :term")',
            '    result = await session.execute(query, {"term": f"%{term}%"})',
            "    return list(result)",
        ]
    return "\n".join(lines) + "\n"


def routes_module(index: int, rng: random.Random) -> str:
    snake, camel = _names(index)
    lines = [
        f'"""HTTP endpoints of {snake}."""',
        "from __future__ import annotations",
        "",
        "import logging",
        "import time",
        "",
        "from fastapi import APIRouter, HTTPException, Query, status",
        "",
        f"from app.crud import {snake} as crud",
        "from app.deps import AdminUser, CurrentUser, SessionDep",
        f"from app.schemas.{snake} import {camel}Create, {camel}Page, {camel}Read, {camel}Update",
        "",
        "logger = logging.getLogger(__name__)",
        f'router = APIRouter(prefix="/{snake}s", tags=["{snake}"])',
    ]
    lines += _endpoint_list(snake, camel)
    lines += _endpoint_get(snake, camel)
    lines += _endpoint_create(snake, camel, flawed=rng.random() < 0.15)
    lines += _endpoint_update(snake, camel)
    lines += _endpoint_delete(snake, camel)
    # Larger modules: more actions on the same resource (a few reach ~300 lines).
    for extra in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6, 8, 12))):
        lines += _endpoint_action(snake, camel, extra, blocking=rng.random() < 0.05)
    return "\n".join(lines) + "\n"


def _endpoint_list(snake: str, camel: str) -> list[str]:
    return [
        "",
        "",
        f'@router.get("/", response_model={camel}Page)',
        f"async def list_{snake}s(",
        "    session: SessionDep,",
        "    user: CurrentUser,",
        "    offset: int = Query(0, ge=0),",
        "    limit: int = Query(50, ge=1, le=200),",
        f") -> {camel}Page:",
        f'    """List the current user\'s {snake}s, newest first."""',
        f'    rows, total = await crud.list_{snake}(session, user["id"], offset, limit)',
        f"    return {camel}Page(items=rows, total=total, offset=offset, limit=limit)",
    ]


def _load_or_404(snake: str, camel: str) -> list[str]:
    return [
        f'    row = await crud.get_{snake}(session, {snake}_id, user["id"])',
        "    if row is None:",
        f'        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="{camel} not found")',
    ]


def _endpoint_get(snake: str, camel: str) -> list[str]:
    return [
        "",
        "",
        f'@router.get("/{{{snake}_id}}", response_model={camel}Read, responses={{404: {{"description": "Not found"}}}})',
        f"async def read_{snake}({snake}_id: int, session: SessionDep, user: CurrentUser) -> {camel}Read:",
        f'    """One {snake} by id."""',
        *_load_or_404(snake, camel),
        "    return row",
    ]


def _endpoint_create(snake: str, camel: str, flawed: bool) -> list[str]:
    status_code = "" if flawed else ", status_code=status.HTTP_201_CREATED"
    return [
        "",
        "",
        f'@router.post("/", response_model={camel}Read{status_code})',
        f"async def create_{snake}(data: {camel}Create, session: SessionDep, user: CurrentUser) -> {camel}Read:",
        f'    """Create a {snake} owned by the current user."""',
        f'    logger.info("creating {snake} for %s", user["id"])',
        f'    return await crud.create_{snake}(session, data, user["id"])',
    ]


def _endpoint_update(snake: str, camel: str) -> list[str]:
    return [
        "",
        "",
        f'@router.patch("/{{{snake}_id}}", response_model={camel}Read, responses={{404: {{"description": "Not found"}}}})',
        f"async def update_{snake}(",
        f"    {snake}_id: int, data: {camel}Update, session: SessionDep, user: CurrentUser",
        f") -> {camel}Read:",
        f'    """Change some fields of a {snake}."""',
        *_load_or_404(snake, camel),
        f"    return await crud.update_{snake}(session, row, data)",
    ]


def _endpoint_delete(snake: str, camel: str) -> list[str]:
    return [
        "",
        "",
        f'@router.delete("/{{{snake}_id}}", status_code=status.HTTP_204_NO_CONTENT, responses={{404: {{"description": "Not found"}}}})',
        f"async def delete_{snake}({snake}_id: int, session: SessionDep, user: AdminUser) -> None:",
        f'    """Delete a {snake}; administrators only."""',
        *_load_or_404(snake, camel),
        "    await session.delete(row)",
        "    await session.commit()",
    ]


def _endpoint_action(snake: str, camel: str, extra: int, blocking: bool) -> list[str]:
    wait = "    time.sleep(0.1)" if blocking else "    # the archive is written by a background worker"
    return [
        "",
        "",
        f'@router.post("/{{{snake}_id}}/archives{extra}", response_model={camel}Read, status_code=status.HTTP_201_CREATED)',
        f"async def archive{extra}_{snake}(",
        f"    {snake}_id: int,",
        "    session: SessionDep,",
        "    user: CurrentUser,",
        "    reason: str = Query(..., max_length=200),",
        f") -> {camel}Read:",
        f'    """Record archive #{extra} of a {snake}, with the reason given."""',
        *_load_or_404(snake, camel),
        "    if not reason.strip():",
        '        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail="A reason is required")',
        wait,
        f'    logger.info("archived {snake} %s: %s", {snake}_id, reason)',
        "    row.name = f\"{row.name} (archived)\"",
        "    await session.commit()",
        "    return row",
    ]


def main_module(features: list[int], rng: random.Random) -> str:
    lines = MAIN_HEAD.splitlines()
    lines += [f"from app.routes import {_names(i)[0]}" for i in features]
    lines += [
        "",
        'app = FastAPI(title="Synthetic API", version="1.0.0")',
        "",
        "",
        "@app.exception_handler(Exception)",
        "async def unhandled(request: Request, error: Exception) -> JSONResponse:",
        '    return JSONResponse(status_code=500, content={"detail": "Internal error", "error_code": "internal"})',
        "",
        "",
    ]
    for i in features:
        snake = _names(i)[0]
        if rng.random() < 0.5:
            lines.append(
                f'app.include_router({snake}.router, prefix="/api/v1", dependencies=[Depends(get_current_user)])'
            )
        else:
            lines.append(f'app.include_router({snake}.router, prefix="/api/v1")')
    return "\n".join(lines) + "\n"


def generate(dest: Path, files: int, seed: int = 0) -> list[Path]:
    """Write a project of ``files`` Python files under ``dest`` (replaced); returns them."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    fixed = {"app/__init__.py": "", "app/deps.py": DEPS}
    for kind in KINDS:
        fixed[f"app/{kind}/__init__.py"] = ""
    budget = max(files - len(fixed) - 1, 0)  # main.py comes last
    written: dict[str, str] = dict(fixed)
    features: list[int] = []
    index = 0
    while budget > 0:
        features.append(index)
        snake = _names(index)[0]
        for kind in KINDS[: min(budget, len(KINDS))]:
            build = {"routes": routes_module, "schemas": schemas_module, "tables": tables_module, "crud": crud_module}[kind]
            written[f"app/{kind}/{snake}.py"] = build(index, rng)
            budget -= 1
        index += 1
    if files >= 1:
        written["app/main.py"] = main_module(features, rng)
    paths = []
    for relative, text in sorted(written.items())[: max(files, 0)]:
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    (dest / "pyproject.toml").write_text('[project]\nname = "synthetic-api"\nversion = "0"\n', encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.dest, args.files, args.seed)
    lines = sum(p.read_text(encoding="utf-8").count("\n") for p in paths)
    print(f"{len(paths)} files, {lines} lines in {args.dest}")


if __name__ == "__main__":
    main()
