"""Architecture and dependency-injection facts (RULES-SPEC FAR801-FAR805), collected by
the model builder.

A mixin of ``ModuleModelBuilder``: its hooks and statement visitors run in the
builder's one traversal. Per-function facts are ``CallSite`` lists deferred on the
function draft, so they are placed only when a rule reports them (whether a function
is a route handler or a dependency is known only after every module is read).
"""
from __future__ import annotations

import libcst as cst

from fastapi_rules.model import CallSite, EventHandlerSite
from fastapi_rules.model.blocking import LIBRARY_ROOTS
from fastapi_rules.model.database import ASYNC_SESSION_MAKERS, SESSION_MAKERS
from fastapi_rules.model.names import dotted_name
from fastapi_rules.model.vocabulary import CALL_OF

ARCHITECTURE_SITE_FIELDS = ("session_syncs", "untyped_parameters", "depends_defaults", "global_uses")
DEPENDS_MARKERS = frozenset({"fastapi.Depends", "fastapi.Security"})
# The receivers FAR111 takes for a database session, and the writes it does not list.
SESSION_RECEIVERS = frozenset({"db", "session", "db_session", "conn", "connection", "tx"})
SESSION_SYNCS = frozenset({"flush", "refresh"})
EVENT_KEYWORD_OWNERS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
# ``sessionmaker(...)``: the factories themselves are DatabaseFacts' session_factories
SESSION_FACTORIES = SESSION_MAKERS | ASYNC_SESSION_MAKERS
# What a module-level name bound to one of these holds: per-request state or a
# connection that a handler should receive through ``Depends``. Engines, pools,
# settings, loggers and templates are meant to be shared and are not listed.
RESOURCE_CONSTRUCTORS = {
    **dict.fromkeys(
        (
            "sqlalchemy.orm.Session",
            "sqlalchemy.orm.session.Session",
            "sqlmodel.Session",
            "sqlalchemy.ext.asyncio.AsyncSession",
            "sqlmodel.ext.asyncio.session.AsyncSession",
        ),
        "database session",
    ),
    **dict.fromkeys(
        ("httpx.Client", "httpx.AsyncClient", "requests.Session", "requests.session", "aiohttp.ClientSession"),
        "HTTP client",
    ),
    **dict.fromkeys(
        (
            "redis.Redis", "redis.StrictRedis", "redis.from_url", "redis.Redis.from_url",
            "redis.asyncio.Redis", "redis.asyncio.from_url", "redis.asyncio.Redis.from_url",
            "aioredis.Redis", "aioredis.from_url", "aioredis.create_redis_pool",
        ),
        "Redis client",
    ),
    **dict.fromkeys(
        ("pymongo.MongoClient", "motor.motor_asyncio.AsyncIOMotorClient"), "MongoDB client"
    ),
    **dict.fromkeys(
        (
            "sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pymysql.connect",
            "MySQLdb.connect", "mysql.connector.connect",
        ),
        "database connection",
    ),
    **dict.fromkeys(("boto3.client", "boto3.resource"), "boto3 client"),
}


class ArchitectureFacts:
    """Hooks and statement visitors; ``self`` is the ``ModuleModelBuilder``."""

    def _init_architecture_facts(self) -> None:
        self.event_handlers: list[EventHandlerSite] = []
        self.resources: list[tuple[str, str]] = []
        self._statement_counts: list[int] = []
        self._http_clients: list[set[str]] = []  # per open function: ``async with aiohttp.ClientSession() as session``

    # -- functions --------------------------------------------------------------------
    def _enter_architecture(self, node: cst.FunctionDef) -> None:
        """After the builder opened the function's draft and scope."""
        draft = self._function  # type: ignore[attr-defined]
        self._statement_counts.append(0)
        self._http_clients.append(set())
        for decorator in node.decorators:
            expression = decorator.decorator
            if (
                isinstance(expression, cst.Call)
                and isinstance(expression.func, cst.Attribute)
                and expression.func.attr.value == "on_event"
                and len(self.names.local_scopes) >= 1  # type: ignore[attr-defined]
            ):
                # decorators are evaluated in the enclosing scope
                scope = self.names.local_scopes.pop()  # type: ignore[attr-defined]
                receiver = self.names.resolve(expression.func.value)  # type: ignore[attr-defined]
                self.names.local_scopes.append(scope)  # type: ignore[attr-defined]
                if receiver is not None:
                    self.event_handlers.append(
                        EventHandlerSite(receiver, "@on_event", self._location(decorator))  # type: ignore[attr-defined]
                    )
        params = node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            name = param.name.value
            if param.annotation is None and name not in ("self", "cls"):
                draft.defer("untyped_parameters", CallSite(name), param)
            if isinstance(param.default, cst.Call) and (
                self.names.resolve(param.default.func) in DEPENDS_MARKERS  # type: ignore[attr-defined]
            ):
                draft.defer("depends_defaults", CallSite(name), param)

    def _leave_architecture(self, draft: object, node: cst.FunctionDef) -> dict[str, object]:
        """The function's architecture fields of ``FunctionInfo``."""
        self._http_clients.pop()
        count = self._statement_counts.pop() - 1  # its own body block
        if node.get_docstring() is not None:
            count -= 1
        if self._statement_counts:
            self._statement_counts[-1] += count + 1  # a nested def is part of its parent
        sites = draft.call_sites  # type: ignore[attr-defined]
        return {
            "statements": max(count, 0),
            **{field_name: tuple(sites.get(field_name, ())) for field_name in ARCHITECTURE_SITE_FIELDS},
        }

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if self._statement_counts:
            self._statement_counts[-1] += len(node.body)

    def _count_suite(self, node: cst.SimpleStatementSuite) -> None:
        if self._statement_counts:  # ``if x: return y`` on one line: the block and its body
            self._statement_counts[-1] += 1 + len(node.body)

    def _count_block(self, node: cst.IndentedBlock) -> None:
        if self._statement_counts:  # a compound statement, or one of its clauses
            self._statement_counts[-1] += 1

    def _note_with_item(self, node: cst.WithItem) -> None:
        if (
            self._http_clients
            and node.asname is not None
            and isinstance(node.asname.name, cst.Name)
            and isinstance(node.item, cst.Call)
        ):
            name = node.asname.name.value
            if RESOURCE_CONSTRUCTORS.get(self.names.resolve(node.item.func) or "") == "HTTP client":  # type: ignore[attr-defined]
                self._http_clients[-1].add(name)
            else:
                self._http_clients[-1].discard(name)

    def _is_http_client(self, receiver: cst.BaseExpression) -> bool:
        """``session.delete(url)`` on an aiohttp/requests/httpx session is an HTTP call,
        not a database write (FAR111, FAR801)."""
        if not isinstance(receiver, cst.Name) or not self._http_clients:
            return False
        draft = self._function  # type: ignore[attr-defined]
        local_type = draft.local_types.get(receiver.value) if draft is not None else None
        return receiver.value in self._http_clients[-1] or (
            RESOURCE_CONSTRUCTORS.get(local_type or "") == "HTTP client"
        )

    # -- calls and bindings -----------------------------------------------------------
    def _architecture_call(self, node: cst.Call, callee: str | None) -> None:
        func = node.func
        if callee in EVENT_KEYWORD_OWNERS:
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value in ("on_startup", "on_shutdown"):
                    self.event_handlers.append(
                        EventHandlerSite(callee, f"{arg.keyword.value}=", self._location(arg))  # type: ignore[attr-defined]
                    )
        if isinstance(func, cst.Attribute) and func.attr.value == "add_event_handler":
            receiver = self.names.resolve(func.value)  # type: ignore[attr-defined]
            if receiver is not None:
                self.event_handlers.append(
                    EventHandlerSite(receiver, "add_event_handler()", self._location(node))  # type: ignore[attr-defined]
                )
        draft = self._function  # type: ignore[attr-defined]
        if draft is None or self._lambda_depth:  # type: ignore[attr-defined]
            return
        if isinstance(func, cst.Attribute):
            receiver_name = (dotted_name(func.value) or "").rsplit(".", 1)[-1].lower()
            if (
                func.attr.value in SESSION_SYNCS
                and receiver_name in SESSION_RECEIVERS
                and not self._is_http_client(func.value)
            ):
                draft.defer("session_syncs", CallSite(f"{receiver_name}.{func.attr.value}()"), node)
            base = func.value
            while isinstance(base, cst.Attribute):  # ``mongo.stats.views.insert_one(...)``
                base = base.value
            if isinstance(base, cst.Name):
                self._global_use(draft, base, node)
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                self._global_use(draft, arg.value, node)

    def _global_use(self, draft: object, name: cst.Name, node: cst.Call) -> None:
        """A project name from outside the function, used as a receiver or an argument;
        the index decides whether it is a module-level resource (FAR802)."""
        qualname = self.names.resolve(name)  # type: ignore[attr-defined]
        if qualname is None or qualname.split(".", 1)[0] in LIBRARY_ROOTS or qualname.startswith("builtins."):
            return
        uses = draft.call_sites.get("global_uses", ())  # type: ignore[attr-defined]
        if all(site.name != qualname for site in uses):
            draft.defer("global_uses", CallSite(qualname), name)  # type: ignore[attr-defined]

    def _resource_binding(self, name: str, value: cst.BaseExpression) -> None:
        """``client = httpx.AsyncClient()``, ``SessionLocal = sessionmaker(...)``,
        ``db = SessionLocal()`` at module level."""
        if self._function is not None or self._classes or not isinstance(value, cst.Call):  # type: ignore[attr-defined]
            return
        func = value.func
        if isinstance(func, cst.Call) and self.names.resolve(func.func) in SESSION_FACTORIES:  # type: ignore[attr-defined]
            kind: str | None = "database session"  # ``sessionmaker(bind=engine)()``
        else:
            callee = self.names.resolve(func)  # type: ignore[attr-defined]
            if callee is None:
                return
            if callee in SESSION_FACTORIES:
                kind = None  # ``SessionLocal = sessionmaker(...)``: a session factory
            elif callee in RESOURCE_CONSTRUCTORS:
                kind = RESOURCE_CONSTRUCTORS[callee]
            elif callee.split(".", 1)[0] not in LIBRARY_ROOTS and not callee.startswith("builtins."):
                kind = CALL_OF + callee
            else:
                kind = None
        if kind is not None:
            self.resources.append((f"{self.module}.{name}", kind))  # type: ignore[attr-defined]
