"""The FastAPI model of one module: small, picklable facts built in one traversal.

Everything here is pure data. Qualified names are strings such as
``app.deps.get_current_user`` (project code) or ``fastapi.APIRouter`` (library
code), resolved through the module's imports; nothing is imported or executed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import PurePath

# Migrations are where raw SQL and DDL built from table names belong.
MIGRATION_DIRECTORIES = frozenset({"alembic", "migrations", "versions"})


# In a ``responses`` tuple: ``responses=`` is not a dict literal (a helper call, an
# imported name), so which statuses it documents is unknown (FAR108 stays silent).
OPAQUE_RESPONSES = -1


@functools.lru_cache(maxsize=None)  # asked per site and per rule: once per file is enough
def is_test_path(path_text: str) -> bool:
    """Under ``tests/``/``test/``, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    path = PurePath(path_text)
    return (
        any(part in ("tests", "test") for part in path.parts[:-1])
        or path.name.startswith("test_")
        or path.name.endswith("_test.py")
        or path.name == "conftest.py"
    )


@functools.lru_cache(maxsize=None)
def is_migration_path(path_text: str) -> bool:
    """Under a migrations directory, or a ``migrations.py`` module (lnbits' layout)."""
    path = PurePath(path_text)
    return path.stem == "migrations" or bool(MIGRATION_DIRECTORIES.intersection(path.parts[:-1]))


@dataclass(frozen=True)
class Location:
    line: int
    column: int  # 1-based, as printed by flake8 and ruff


@dataclass(frozen=True)
class DependencyRef:
    """One dependency declaration: ``Depends(x)``, ``Security(x)``, or a bare name.

    ``kind`` is ``depends``, ``security``, or ``reference`` (a name that may be a
    module-level alias such as ``CurrentUser`` or ``JwtAuth = Depends(...)``).
    ``called`` is true when the target was called inside the declaration
    (``Depends(HTTPBearer())``, ``Depends(require_role("admin"))``).
    """

    kind: str
    target: str | None
    called: bool = False
    # ``Depends(HTTPBearer(auto_error=False))``: a scheme that lets a request without a
    # credential through (the dependency after it decides)
    optional: bool = False


@dataclass(frozen=True)
class BlockingCall:
    name: str  # display name of the call, e.g. ``requests.Session.get``
    location: Location


@dataclass(frozen=True)
class CallSite:
    """A call that becomes a finding only in some cases known after every module is
    read (a callee that blocks, a GET route that writes). Its position is taken only if
    the module resolved positions anyway; else ``project.locations.locate`` finds it.
    """

    name: str  # the callee's qualified name, the method, or the raised status
    location: Location | None = None
    detail: str = ""  # what else the rule needs: the attribute read, the id's parameter
    # for a call to a project function: the caller's parameters it passes on, by
    # position (None: not a parameter) and by keyword (FAR203 follows an id into helpers)
    arguments: tuple[str | None, ...] = ()
    keywords: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Ownership:
    """What a function compares and passes on, to tell whether it checks that a row
    belongs to the current user (FAR203): names and attribute names in comparisons, the
    keywords of its calls, and the names it passes to calls."""

    compared: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()
    passed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FunctionInfo:
    qualname: str
    name: str
    is_async: bool
    location: Location | None  # the ``def`` keyword; None when the module reports nothing
    dependencies: tuple[DependencyRef, ...]  # from its parameters
    return_annotation: str | None  # qualified name or source text, None when absent
    blocking_calls: tuple[BlockingCall, ...]
    returns: tuple[str, ...]  # nested defs and objects it returns, by qualname (factories)
    # The call graph, for blocking calls reached indirectly (FAR403): every name it
    # calls (not in nested defs or lambdas), the callables it hands to
    # ``BackgroundTasks.add_task``, and, for an ``async def``, its calls on the loop.
    calls: tuple[str, ...] = ()
    scheduled: tuple[str, ...] = ()
    loop_calls: tuple[CallSite, ...] = ()  # made on the loop, in an ``async def``
    db_writes: tuple[CallSite, ...] = ()  # ``session.add/commit/...``, ``insert()`` (FAR111)
    raised_statuses: tuple[CallSite, ...] = ()  # ``raise HTTPException(404)`` (FAR108)
    # Parameter names and ``alias=`` values; ``**kwargs`` or a ``Request``/``WebSocket``
    # parameter can read any path parameter (FAR109).
    parameters: tuple[str, ...] = ()
    reads_any_parameter: bool = False
    # ``**kwargs`` only: a ``Request`` parameter reads raw values, but a name FastAPI
    # fills (a pagination parameter, FAR110) must still be a parameter of its own
    takes_kwargs: bool = False
    body_types: tuple[str, ...] = ()  # annotations of parameters FastAPI reads from the body
    has_docstring: bool = False
    query_models: tuple[str, ...] = ()  # ``Annotated[Filters, Query()]``: fields are parameters
    # what its ``return`` statements give: ``none`` (bare or ``None``), ``response``
    # (a ``...Response(...)`` object) or ``value`` (anything else) (FAR103)
    returns_kinds: tuple[str, ...] = ()
    # Database access (FAR203, FAR303-FAR305), see ``model/database.py``.
    dependency_parameters: tuple[tuple[str, DependencyRef], ...] = ()  # (parameter, its dependency)
    # parameter defaults that name something (``token=CurrentToken``): dependencies when
    # the name is a module-level ``Depends(...)`` object (``Names.function_dependencies``)
    default_references: tuple[DependencyRef, ...] = ()
    id_loads: tuple[CallSite, ...] = ()  # a row loaded by a parameter's value: name=model, detail=parameter
    helper_calls: tuple[CallSite, ...] = ()  # project calls given one of its parameters
    ownership: Ownership | None = None  # set when it has ``id_loads`` or ``helper_calls``
    session_parameters: tuple[CallSite, ...] = ()  # ``db: Session``: name=the annotation
    session_creations: tuple[CallSite, ...] = ()  # ``SessionLocal()``: name=the callee
    lazy_loads: tuple[CallSite, ...] = ()  # ``user.posts`` in a loop over a query: name=model, detail=attribute
    # Architecture facts (FAR801-FAR805), see ``model/architecture.py``.
    statements: int = 0  # in the body, recursively, the docstring excluded
    session_syncs: tuple[CallSite, ...] = ()  # ``session.flush()/refresh()`` (FAR801)
    untyped_parameters: tuple[CallSite, ...] = ()  # by name, ``self``/``cls``/``*args`` skipped
    depends_defaults: tuple[CallSite, ...] = ()  # ``x: T = Depends(f)``, by parameter name
    global_uses: tuple[CallSite, ...] = ()  # module-level project names it calls methods on or passes
    # the ``...Response(...)`` classes its ``return`` statements build (resolved, else as
    # written), and the ``status_code`` of those that give one (``OPAQUE_RESPONSES`` when
    # it is not a literal): the handler picks its own status (FAR102, FAR103)
    returned_responses: tuple[str, ...] = ()
    returned_statuses: tuple[int, ...] = ()
    sets_status_code: bool = False  # ``response.status_code = ...`` on a parameter
    sets_cookie: bool = False  # calls ``set_cookie``: its answer is a browser session (FAR102)
    # passes a parameter's ASGI channel on (``sse.handle_post_message(request.scope,
    # request.receive, request._send)``): a transport sends the answer, status and all
    sends_raw: bool = False
    # reads ``.headers``, ``.cookies`` or ``.query_params`` of something: where credentials are
    reads_credentials: bool = False
    # it raises, and every ``raise`` is ``ValueError``/``TypeError`` with a message of its
    # own (no caught exception in it): a validator telling its caller what is wrong (FAR502)
    raises_messages: bool = False
    # Where a listed result comes from (FAR110): it awaits (``await``, ``async for``,
    # ``async with``) anything; every ``return`` is a list or tuple written in the code
    # (or a module-level one); the keywords its calls are given an integer literal
    # (``fetch_recent_blocks(count=10)``; ``.limit(10)`` gives ``limit``).
    awaits: bool = False
    returns_fixed_list: bool = False
    literal_keywords: tuple[str, ...] = ()
    # its decorators, resolved (the callee of a decorator call): ``starlette.authentication.requires``
    decorators: tuple[str, ...] = ()


@dataclass(frozen=True)
class SuperInit:
    """What a class's ``__init__`` passes to its base's: ``super().__init__(prefix=...,
    dependencies=[...], tags=[...], responses={...}, **kwargs)`` in a router subclass
    gives every instance those values."""

    prefix: str | None
    dependencies: tuple[DependencyRef, ...]
    tags: tuple[str, ...]
    responses: tuple[int, ...]
    location: Location | None  # the call, when it passes dependencies


@dataclass(frozen=True)
class ClassInfo:
    qualname: str
    bases: tuple[str, ...]
    dependencies: tuple[DependencyRef, ...]  # from ``__init__`` / ``__call__`` params
    parameters: tuple[str, ...] = ()  # ``__init__`` / ``__call__`` parameter names and aliases
    fields: tuple[tuple[str, str], ...] = ()  # annotated class attributes: (name, annotation)
    is_table: bool = False  # ``SQLModel, table=True`` or ``__tablename__``: an ORM table
    # fields named in ``@field_validator``/``@field_serializer``/``@validator``: a
    # secret-named field passed through one is taken to be masked (FAR604)
    transformed_fields: tuple[str, ...] = ()
    # ORM relationships that load lazily, one query per access (FAR305)
    lazy_relationships: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()  # every class-level assignment: fields, columns, relationships
    super_init: SuperInit | None = None  # ``super().__init__(...)`` in its ``__init__``
    # class attributes and field defaults given a plain string, one word long
    # (``API_V1_STR: str = "/api/v1"`` in a settings class): prefixes read them
    strings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class V1Site:
    """A Pydantic v1 idiom (FAR601-603); the rule checks ``owner`` is a model.

    ``kind`` is ``config_class`` (``class Config:`` in ``owner``), ``config_key`` (a v1
    key in ``model_config``), ``validator`` (``@validator``/``@root_validator``) or
    ``model_api`` (``owner.parse_obj()``, ``instance.dict()`` with ``owner`` its type).
    """

    kind: str
    owner: str | None  # the class it concerns, by qualified name
    name: str  # ``Config``, the key, the decorator or the method
    location: Location


@dataclass(frozen=True)
class ObjectSite:
    """``name = Callee(...)``: a candidate app, router or security scheme."""

    qualname: str
    callee: str
    location: Location | None  # None when the module reports nothing (see the builder)
    prefix: str | None = None  # None: absent; "{…}" marks a non-literal part
    dependencies: tuple[DependencyRef, ...] = ()
    keyword_refs: tuple[tuple[str, str], ...] = ()  # (keyword, qualname): lifespan, ...
    tags: tuple[str, ...] = ()
    responses: tuple[int, ...] = ()  # status codes documented in ``responses=``
    open_keywords: bool = False  # ``FastAPI(**settings)``: any keyword may be given
    in_schema: bool = True  # ``APIRouter(include_in_schema=False)``: no route of it is in OpenAPI
    optional: bool = False  # ``HTTPBearer(auto_error=False)``: lets a request without a credential through

    def keyword_ref(self, keyword: str) -> str | None:
        return next((target for key, target in self.keyword_refs if key == keyword), None)


@dataclass(frozen=True)
class AliasInfo:
    """A module-level dependency alias (``CurrentUser = Annotated[...]``, ``X = Depends(f)``)."""

    qualname: str
    dependencies: tuple[DependencyRef, ...]
    annotation: str | None = None  # the ``T`` of ``Annotated[T, ...]``


@dataclass(frozen=True)
class CredentialSite:
    """A JWT or password-hashing call that weakens authentication (FAR204-FAR206).

    ``kind`` is ``decode_without_algorithms``, ``decode_unverified`` (signature),
    ``decode_expiry_unverified``, ``fast_password_hash`` or ``encode_without_exp``; ``detail`` names what was found.
    """

    kind: str
    detail: str
    location: Location


@dataclass(frozen=True)
class RouteSite:
    receiver: str  # qualname of the app/router the route is registered on
    methods: tuple[str, ...]
    path: str
    handler: str | None  # qualname of the endpoint function
    location: Location  # the handler's def, or the registering call
    dependencies: tuple[DependencyRef, ...]  # decorator ``dependencies=[...]``
    response_model: str | None  # None: absent; "None": explicit None; else resolved text
    status_code: int | None
    status_code_given: bool
    response_class: str | None
    is_websocket: bool = False
    tags: tuple[str, ...] = ()
    responses: tuple[int, ...] = ()  # status codes documented in ``responses=``
    described: bool = False  # ``summary=`` or ``description=`` given (FAR106)
    in_schema: bool = True  # ``include_in_schema=False``: not an OpenAPI operation


@dataclass(frozen=True)
class IncludeSite:
    """``parent.include_router(child, ...)`` or ``parent.mount(path, child)``; either end is None when it is not a name
    we can resolve (a loop variable, an untyped parameter, a subscript)."""

    parent: str | None
    child: str | None
    prefix: str | None
    dependencies: tuple[DependencyRef, ...]
    location: Location
    child_called: bool = False  # ``include_router(make_router())``: the factory's result
    is_mount: bool = False  # ``app.mount("/api", sub_app)``: a sub-application
    tags: tuple[str, ...] = ()
    responses: tuple[int, ...] = ()  # status codes documented in ``responses=``
    in_schema: bool = True  # ``include_router(..., include_in_schema=False)``


@dataclass(frozen=True)
class RegistrationSite:
    """A callable handed to an app: exception handler, middleware, startup handler."""

    receiver: str
    kind: str  # ``exception_handler`` | ``middleware`` | ``startup``
    target: str | None  # the registered callable
    exception: str | None = None  # for exception handlers
    location: Location | None = None  # middleware only: where it is added


@dataclass(frozen=True)
class ErrorBodySite:
    """A JSON response built with a dict literal body, for the error-body standard."""

    function: str | None  # enclosing function qualname
    status: str  # ``error`` (4xx/5xx), ``success``, or ``unknown``
    keys: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class ErrorSite:
    """An error-handling fact (FAR502-504).

    ``kind`` is ``swallowed`` (a broad ``except`` that neither logs nor raises),
    ``leak`` (internals of a broadly caught exception put in a response),
    ``handler_leak`` (the same of a function's second parameter: a leak when the
    function is a catch-all exception handler) or ``success_error`` (an error
    signalled with a success status). ``in_response`` is true for what is built into
    ``HTTPException``/``JSONResponse`` (a response wherever it is written), false for
    a returned dict (a response only from a route or exception handler).
    """

    kind: str
    function: str | None
    detail: str  # what was found, for the message: ``str(e)``, ``status_code=200``
    location: Location | None  # ``swallowed``: None unless the module has positions
    in_response: bool = True
    # ``leak``: what the ``try`` body of the clause calls (qualified names, else as
    # written), where the caught exception comes from
    guarded_calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingSite:
    """A configuration or security fact (FAR701-FAR706), see ``model/settings.py``.

    ``kind`` is ``secret`` (a string literal bound to ``name``: a module or class
    attribute, a keyword argument), ``jwt_key`` (a literal key of ``jwt.encode/decode``),
    ``cors`` (``allow_origins=["*"]``; ``value`` is ``credentials`` with
    ``allow_credentials=True``), ``logged`` (a log or print call; ``names`` are the
    names it interpolates), ``cookie`` (``set_cookie`` missing ``value``), ``naive_utc``
    (``name`` is the call) or ``debug`` (``name`` is the keyword, ``value`` the callee).
    ``location`` is None in test files, where most of these are not reported (placed
    on demand by ``project.locations.locate``).
    """

    kind: str
    name: str
    location: Location | None
    value: str = ""
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventHandlerSite:
    """``@app.on_event(...)``, ``app.add_event_handler(...)`` or ``FastAPI(on_startup=...)``
    (FAR803); ``receiver`` is the app or router, ``how`` the form used."""

    receiver: str
    how: str
    location: Location


@dataclass(frozen=True)
class SqlSite:
    kind: str  # ``interpolated`` | ``literal``
    sink: str | None  # the sink call's name, None for a structural match with no sink
    location: Location


@dataclass(frozen=True)
class ModuleSummary:
    path: str
    module: str
    imports: dict[str, str] = field(default_factory=dict)
    star_imports: tuple[str, ...] = ()
    functions: tuple[FunctionInfo, ...] = ()
    classes: tuple[ClassInfo, ...] = ()
    objects: tuple[ObjectSite, ...] = ()
    aliases: tuple[AliasInfo, ...] = ()
    routes: tuple[RouteSite, ...] = ()
    includes: tuple[IncludeSite, ...] = ()
    registrations: tuple[RegistrationSite, ...] = ()
    error_bodies: tuple[ErrorBodySite, ...] = ()
    sql: tuple[SqlSite, ...] = ()
    v1_sites: tuple[V1Site, ...] = ()
    error_sites: tuple[ErrorSite, ...] = ()
    raises_http_exception: bool = False
    credential_sites: tuple[CredentialSite, ...] = ()
    session_factories: tuple[tuple[str, bool], ...] = ()  # (qualname, makes async sessions)
    setting_sites: tuple[SettingSite, ...] = ()
    event_handlers: tuple[EventHandlerSite, ...] = ()
    resources: tuple[tuple[str, str], ...] = ()  # module-level (qualname, kind) (FAR802)
    # module-level names bound to a plain string, one word long: (qualname, value), for
    # prefixes and paths that other modules import (``prefix=API_PREFIX``)
    strings: tuple[tuple[str, str], ...] = ()
    # every site carries its position (the module needed positions anyway); else the
    # ones without are placed by a second parse of the file if a finding needs them
    located: bool = False

    @property
    def is_test(self) -> bool:
        """Under ``tests/``/``test/``, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
        return is_test_path(self.path)

    @property
    def is_migration(self) -> bool:
        """Under a migrations directory, or a ``migrations.py`` module (lnbits' layout)."""
        return is_migration_path(self.path)
