"""Builds a module's FastAPI model in one LibCST traversal."""
from __future__ import annotations

import dataclasses
import re
from http import HTTPStatus
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from fastapi_rules.model import (
    AliasInfo,
    BlockingCall,
    ClassInfo,
    DependencyRef,
    ErrorBodySite,
    FunctionInfo,
    IncludeSite,
    Location,
    CallSite,
    OPAQUE_RESPONSES,
    ModuleSummary,
    ObjectSite,
    Ownership,
    RegistrationSite,
    RouteSite,
    SqlSite,
    SuperInit,
    V1Site,
)
from fastapi_rules.model.blocking import (
    BLOCKING_CLIENTS,
    BLOCKING_FUNCTIONS,
    LIBRARY_ROOTS,
    blocking_method,
)
from fastapi_rules.model.architecture import (
    ARCHITECTURE_SITE_FIELDS,
    SESSION_RECEIVERS,
    ArchitectureFacts,
)
from fastapi_rules.model.credentials import CredentialFacts
from fastapi_rules.model.database import DatabaseFacts
from fastapi_rules.model.errors import ErrorFacts
from fastapi_rules.model.settings import SettingFacts
from fastapi_rules.model.names import ImportTable, dotted_name
from fastapi_rules.model.positions import node_starts
from fastapi_rules.model.traversal import walk
from fastapi_rules.model.vocabulary import APP_CLASSES, HTTP_EXCEPTIONS, PARAMETER_APP, REFERENCE, UNKNOWN_PART
from fastapi_rules.model.names import string_text as _literal
from fastapi_rules.model.names import call_argument as _argument
from fastapi_rules.model.pydantic import (
    FIELD_TRANSFORMERS,
    NON_BODY_MARKERS,
    V1_CONFIG_KEYS,
    V1_MODEL_METHODS,
    V1_VALIDATORS,
)
from fastapi_rules.model.sql import (
    SINK_FUNCTIONS,
    SINK_METHODS,
    looks_like_sql,
    starts_with_statement,
)

ROUTE_METHODS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "head": ("HEAD",),
    "options": ("OPTIONS",),
    "trace": ("TRACE",),
}
JSON_RESPONSE_CLASSES = frozenset(
    {
        "starlette.responses.JSONResponse",
        "fastapi.responses.ORJSONResponse",
        "fastapi.responses.UJSONResponse",
        "starlette.responses.Response",
    }
)
# ``request.path_params`` is there for a handler that takes the raw connection.
RAW_REQUEST_CLASSES = frozenset(
    {
        "fastapi.Request",
        "fastapi.requests.Request",
        "starlette.requests.Request",
        "starlette.requests.HTTPConnection",
        "fastapi.WebSocket",
        "fastapi.websockets.WebSocket",
        "starlette.websockets.WebSocket",
    }
)
QUERY_MARKERS = frozenset({"fastapi.Query", "fastapi.params.Query", "fastapi.param_functions.Query"})
# Database writes a GET route must not make (FAR111).
SESSION_WRITE_METHODS = frozenset({"add", "add_all", "delete", "commit", "merge", "bulk_save_objects"})
SQL_WRITE_STATEMENTS = frozenset(
    {
        "sqlalchemy.insert", "sqlalchemy.update", "sqlalchemy.delete",
        "sqlmodel.insert", "sqlmodel.update", "sqlmodel.delete",
        "sqlalchemy.dialects.postgresql.insert", "sqlalchemy.dialects.sqlite.insert",
    }
)  # stands for the project's app in ``def setup(app: FastAPI)``
_STATUS_CONSTANT = re.compile(r"HTTP_(\d{3})_")


# where a request carries a credential: ``request.headers``, ``.cookies``, ``.query_params``
CREDENTIAL_CARRIERS = frozenset({"headers", "cookies", "query_params"})


@dataclass
class _FunctionDraft:
    qualname: str
    node: cst.FunctionDef
    dependencies: list[DependencyRef]
    parameters: tuple[str, ...]
    reads_any_parameter: bool
    body_types: tuple[str, ...] = ()
    local_types: dict[str, str] = field(default_factory=dict)  # name -> class, for FAR603
    returns_kinds: list[str] = field(default_factory=list)
    returned_responses: list[str] = field(default_factory=list)
    returned_statuses: list[int] = field(default_factory=list)
    sets_status_code: bool = False
    sets_cookie: bool = False
    sends_raw: bool = False
    reads_credentials: bool = False
    raises: list[bool] = field(default_factory=list)  # each ``raise``: a message of its own?
    awaits: bool = False
    fixed_returns: list[bool] = field(default_factory=list)  # each ``return``: a fixed list?
    literal_keywords: dict[str, None] = field(default_factory=dict)  # ordered set
    query_models: tuple[str, ...] = ()
    blocking_calls: list[BlockingCall] = field(default_factory=list)
    nested: dict[str, str] = field(default_factory=dict)
    returns: list[str] = field(default_factory=list)
    client_types: dict[str, str] = field(default_factory=dict)
    call_results: dict[str, str] = field(default_factory=dict)  # ``app = make_app()``
    calls: dict[str, None] = field(default_factory=dict)  # ordered set
    scheduled: list[str] = field(default_factory=list)
    # CallSite lists by FunctionInfo field, and the nodes to place them if needed
    call_sites: dict[str, list[CallSite]] = field(default_factory=dict)
    call_nodes: dict[str, list[cst.CSTNode]] = field(default_factory=dict)
    dependency_parameters: list[tuple[str, DependencyRef]] = field(default_factory=list)
    default_references: tuple[DependencyRef, ...] = ()
    # what it compares and passes on (``Ownership``, FAR203)
    ownership_compared: set[str] = field(default_factory=set)
    ownership_keywords: set[str] = field(default_factory=set)
    ownership_passed: set[str] = field(default_factory=set)

    def defer(self, field_name: str, site: CallSite, node: cst.CSTNode) -> None:
        self.call_sites.setdefault(field_name, []).append(site)
        self.call_nodes.setdefault(field_name, []).append(node)
    # local name -> (static text, interpolated, the string nodes that built it)
    strings: dict[str, tuple[str, bool, list[cst.CSTNode]]] = field(default_factory=dict)


# untyped parameters of module-level functions that, by their name, receive the app
APP_PARAMETER_NAMES = frozenset({"app", "application", "fastapi_app"})


def _is_word(text: str) -> bool:
    """A string that may be a prefix or a path: short, with no space in it (the module
    strings kept in a summary; messages, SQL and templates are left out)."""
    return 0 < len(text) <= 200 and not any(character.isspace() for character in text)


@dataclass
class _ClassDraft:
    qualname: str
    bases: tuple[str, ...]
    dependencies: list[DependencyRef] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    is_view: bool = False  # ``@cbv(router)``: class attributes are dependencies of each route
    view_dependencies: list[DependencyRef] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    is_table: bool = False
    transformed_fields: list[str] = field(default_factory=list)
    lazy_relationships: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    super_init: SuperInit | None = None
    strings: list[tuple[str, str]] = field(default_factory=list)


class ModuleModelBuilder(
    ErrorFacts, SettingFacts, ArchitectureFacts, CredentialFacts, DatabaseFacts, cst.CSTVisitor
):
    """Collects the facts of ``ModuleSummary``; positions are resolved lazily, once."""

    def __init__(
        self,
        wrapper: MetadataWrapper,
        path: str,
        module: str,
        is_package: bool,
        extra_blocking: frozenset[str] = frozenset(),
        locate_everything: bool = False,
    ) -> None:
        self.wrapper = wrapper
        self.locate_everything = locate_everything
        self.path = path
        self.module = module
        self.names = ImportTable(module, is_package)
        self.blocking_functions = BLOCKING_FUNCTIONS | extra_blocking
        self._positions: dict[int, tuple[int, int]] | None = None  # by id(node)
        self._functions: list[_FunctionDraft] = []
        self._classes: list[_ClassDraft] = []
        self._lambda_depth = 0
        self._awaited: set[int] = set()
        self._sunk_strings: set[int] = set()
        self._structural_candidates: list[cst.CSTNode] = []
        self._open_candidates: list[int] = []  # a candidate's parts are not candidates
        self._module_strings: dict[str, tuple[str, bool, list[cst.CSTNode]]] = {}
        self._module_clients: dict[str, str] = {}
        self._module_dicts: dict[str, cst.Dict] = {}  # for ``exception_handlers=handlers``
        # ``ROUTERS = (a.router, b.router)``, for ``for r in ROUTERS: app.include_router(r)``
        self._module_sequences: dict[str, cst.List | cst.Tuple] = {}
        self._loop_items: dict[str, list[cst.BaseExpression]] = {}  # loop variable -> items
        self._module_variables: set[str] = set()  # ``logger = ...``: its methods are not ours
        self._module_coroutines: set[str] = set()  # top-level ``async def`` names
        # Positions cost more than the parse (LibCST's PositionProvider renders the
        # whole module): functions and objects get one only when the module needed
        # positions anyway, i.e. when it has something a rule reports.
        self._deferred_functions: list[
            tuple[cst.FunctionDef, dict[str, list[cst.Call]], FunctionInfo]
        ] = []
        self._deferred_objects: list[cst.Call] = []
        self.classes: list[ClassInfo] = []
        self.objects: list[ObjectSite] = []
        self.aliases: list[AliasInfo] = []
        self.routes: list[RouteSite] = []
        self.includes: list[IncludeSite] = []
        self.registrations: list[RegistrationSite] = []
        self.error_bodies: list[ErrorBodySite] = []
        self.sql: list[SqlSite] = []
        self.v1_sites: list[V1Site] = []
        self._init_error_facts()
        self._init_setting_facts()
        self._init_architecture_facts()
        self._init_credential_facts()
        self._init_database_facts()
        self.raises_http_exception = False

    # -- entry -----------------------------------------------------------------
    def build(self) -> ModuleSummary:
        self._define_top_level(self.wrapper.module.body)
        walk(self.wrapper.module, self)
        for node in self._structural_candidates:
            if id(node) not in self._sunk_strings:
                self.sql.append(SqlSite("interpolated", None, self._location(node)))
        functions = [info for _, _, info in self._deferred_functions]
        objects = list(self.objects)
        located = self._positions is not None or self.locate_everything
        if located:
            functions = [
                dataclasses.replace(
                    info,
                    location=self._location(node),
                    **{
                        field_name: tuple(
                            dataclasses.replace(site, location=self._location(call_node))
                            for site, call_node in zip(
                                getattr(info, field_name), nodes, strict=True
                            )
                        )
                        for field_name, nodes in call_nodes.items()
                    },
                )
                for node, call_nodes, info in self._deferred_functions
            ]
            objects = [
                dataclasses.replace(site, location=self._location(call))
                for site, call in zip(self.objects, self._deferred_objects, strict=True)
            ]
        return ModuleSummary(
            path=self.path,
            module=self.module,
            imports=dict(self.names.module_names),
            star_imports=tuple(self.names.star_imports),
            functions=tuple(functions),
            classes=tuple(self.classes),
            objects=tuple(objects),
            aliases=tuple(self.aliases),
            routes=tuple(self.routes),
            includes=tuple(self.includes),
            registrations=tuple(self.registrations),
            error_bodies=tuple(self.error_bodies),
            sql=tuple(self.sql),
            v1_sites=tuple(self.v1_sites),
            error_sites=tuple(self._located_error_sites()),
            raises_http_exception=self.raises_http_exception,
            setting_sites=tuple(self._located_setting_sites()),
            event_handlers=tuple(self.event_handlers),
            resources=tuple(self.resources),
            strings=tuple(
                (f"{self.module}.{name}", text)
                for name, (text, interpolated, _nodes) in self._module_strings.items()
                if not interpolated and _is_word(text)
            ),
            credential_sites=tuple(self.credential_sites),
            session_factories=tuple(self.session_factories),
            located=located,
        )

    def _location(self, node: cst.CSTNode) -> Location:
        if self._positions is None:
            # PositionProvider's starts, counted without its per-token bookkeeping
            self._positions = node_starts(self.wrapper.module)
        line, column = self._positions[id(node)]
        return Location(line, column + 1)

    def _define_top_level(self, body: object) -> None:
        """Bind module-level names before the walk, so use before definition resolves."""
        variables, coroutines = self.names.bind_module(body)
        self._module_variables.update(variables)
        self._module_coroutines.update(coroutines)

    # -- scopes ----------------------------------------------------------------
    @property
    def _function(self) -> _FunctionDraft | None:
        return self._functions[-1] if self._functions else None

    def _qualname_for(self, name: str) -> str:
        if self._function is not None:
            return f"{self._function.qualname}.<locals>.{name}"
        if self._classes:
            return f"{self._classes[-1].qualname}.{name}"
        return f"{self.module}.{name}"

    def visit_Import(self, node: cst.Import) -> None:
        if self._functions:
            self.names.add_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self._functions:
            self.names.add_import(node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._lambda_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._lambda_depth -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._credential_attribute(node)
        self._database_attribute(node)
        if node.attr.value in CREDENTIAL_CARRIERS and self._function is not None and self._lambda_depth == 0:
            self._function.reads_credentials = True

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))
        self._note_awaiting()

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._note_awaiting()

    def _note_awaiting(self) -> None:
        if self._function is not None and self._lambda_depth == 0:
            self._function.awaits = True

    def _note_call_arguments(self, node: cst.Call) -> None:
        """Keywords given an integer literal, and ``.limit(10)`` as ``limit`` (FAR110);
        ``request._send`` handed on (FAR102)."""
        draft = self._function
        if draft is None:
            return
        for arg in node.args:
            value = arg.value
            if arg.keyword is not None and isinstance(value, cst.Integer):
                draft.literal_keywords[arg.keyword.value] = None
            if (
                isinstance(value, cst.Attribute)
                and value.attr.value == "_send"
                and isinstance(value.value, cst.Name)
                and value.value.value in draft.parameters
            ):
                draft.sends_raw = True
        if (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "limit"
            and node.args
            and isinstance(node.args[0].value, cst.Integer)
        ):
            draft.literal_keywords["limit"] = None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = tuple(
            base for arg in node.bases if (base := self.names.resolve(arg.value)) is not None
        )
        is_view = any(
            isinstance(d.decorator, cst.Call)
            and (self.names.resolve(d.decorator.func) or "").rsplit(".", 1)[-1] == "cbv"
            for d in node.decorators
        )
        if node.name.value == "Config" and self._classes and self._function is None:
            owner = self._classes[-1].qualname  # ``class Config:`` inside a (model) class
            self.v1_sites.append(V1Site("config_class", owner, "Config", self._location(node)))
        is_table = any(
            keyword.keyword is not None
            and keyword.keyword.value == "table"
            and isinstance(keyword.value, cst.Name)
            and keyword.value.value == "True"
            for keyword in node.keywords
        )
        self._classes.append(
            _ClassDraft(
                self._qualname_for(node.name.value), bases, is_view=is_view, is_table=is_table
            )
        )

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        draft = self._classes.pop()
        self.classes.append(
            ClassInfo(
                draft.qualname,
                draft.bases,
                tuple(draft.dependencies),
                tuple(draft.parameters),
                tuple(draft.fields),
                draft.is_table,
                tuple(draft.transformed_fields),
                tuple(draft.lazy_relationships),
                tuple(draft.attributes),
                draft.super_init,
                tuple(draft.strings),
            )
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        qualname = self._qualname_for(name)
        parent = self._function
        if parent is not None:
            parent.nested[name] = qualname
            # ``Depends(get_user_or_404)`` in a router factory names its nested def
            self.names.local_scopes[-1][name] = qualname
        in_class_body = parent is None and bool(self._classes)
        dependency_parameters = self._parameter_dependencies(node.params)
        dependencies = [ref for _name, ref in dependency_parameters]
        parameters, reads_any, query_models = self._parameter_names(node.params)
        if in_class_body and name in ("__init__", "__call__"):
            self._classes[-1].dependencies.extend(dependencies)
            self._classes[-1].parameters.extend(parameters)
        if in_class_body and self._classes[-1].is_view:
            dependencies = dependencies + self._classes[-1].view_dependencies
        draft = _FunctionDraft(
            qualname, node, dependencies, parameters, reads_any, self._body_types(node.params),
            query_models=query_models, dependency_parameters=dependency_parameters,
            default_references=self._default_references(node.params),
        )
        scope: dict[str, str] = {}
        draft_types = draft.local_types
        for param in _all_params(node.params):
            scope[param.name.value] = ""
            if param.annotation is not None:
                annotation = self.names.resolve(param.annotation.annotation)
                if annotation is not None:
                    draft_types[param.name.value] = annotation
                if annotation in BLOCKING_CLIENTS:
                    draft.client_types[param.name.value] = BLOCKING_CLIENTS[annotation]
                elif annotation in APP_CLASSES:
                    # ``def register_routes(app: FastAPI)``: the project's app
                    scope[param.name.value] = PARAMETER_APP
            elif param.name.value in APP_PARAMETER_NAMES and parent is None and not in_class_body:
                scope[param.name.value] = PARAMETER_APP  # ``def configure_routes(app):``
        # Decorators are evaluated in the enclosing scope: ``@router.post`` on a
        # handler with a parameter named ``router`` still means the module's router.
        for decorator in node.decorators:
            self._decorator(decorator.decorator, qualname, node)
            expression = decorator.decorator
            validator = self.names.resolve(
                expression.func if isinstance(expression, cst.Call) else expression
            )
            if (
                in_class_body
                and isinstance(expression, cst.Call)
                and (validator or "").rsplit(".", 1)[-1] in FIELD_TRANSFORMERS
            ):
                self._classes[-1].transformed_fields.extend(
                    text
                    for argument in expression.args
                    if argument.keyword is None and isinstance(argument.value, cst.SimpleString)
                    and (text := _literal(argument.value))
                )
            if validator in V1_VALIDATORS:
                owner = self._classes[-1].qualname if in_class_body else None
                self.v1_sites.append(
                    V1Site("validator", owner, validator.rsplit(".", 1)[-1], self._location(decorator))
                )
        self._functions.append(draft)
        self._session_parameters(node.params)
        self.names.local_scopes.append(scope)
        self._enter_architecture(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._credential_function_end()
        draft = self._functions.pop()
        self._close_function_errors(original_node, draft.qualname)
        self.names.local_scopes.pop()
        node = draft.node
        returns = None
        if node.returns is not None:
            returns = self._annotation_text(node.returns.annotation)
        self._deferred_functions.append(
            (
                node,
                draft.call_nodes,
                FunctionInfo(
                    qualname=draft.qualname,
                    name=node.name.value,
                    is_async=node.asynchronous is not None,
                    location=None,
                    dependencies=tuple(draft.dependencies),
                    return_annotation=returns,
                    blocking_calls=tuple(draft.blocking_calls),
                    returns=tuple(draft.returns),
                    calls=tuple(draft.calls),
                    scheduled=tuple(draft.scheduled),
                    loop_calls=tuple(draft.call_sites.get("loop_calls", ())),
                    db_writes=tuple(draft.call_sites.get("db_writes", ())),
                    raised_statuses=tuple(draft.call_sites.get("raised_statuses", ())),
                    parameters=draft.parameters,
                    reads_any_parameter=draft.reads_any_parameter,
                    takes_kwargs=node.params.star_kwarg is not None,
                    body_types=draft.body_types,
                    has_docstring=node.get_docstring() is not None,
                    query_models=draft.query_models,
                    returns_kinds=tuple(dict.fromkeys(draft.returns_kinds)),
                    **self._leave_architecture(draft, node),  # type: ignore[arg-type]
                    dependency_parameters=tuple(draft.dependency_parameters),
                    default_references=draft.default_references,
                    ownership=Ownership(
                        frozenset(draft.ownership_compared),
                        frozenset(draft.ownership_keywords),
                        frozenset(draft.ownership_passed),
                    )
                    if "id_loads" in draft.call_sites or "helper_calls" in draft.call_sites
                    else None,
                    **{
                        name: tuple(draft.call_sites.get(name, ()))
                        for name in DATABASE_CALL_FIELDS
                    },
                    returned_responses=tuple(dict.fromkeys(draft.returned_responses)),
                    returned_statuses=tuple(dict.fromkeys(draft.returned_statuses)),
                    sets_status_code=draft.sets_status_code,
                    sets_cookie=draft.sets_cookie,
                    sends_raw=draft.sends_raw,
                    reads_credentials=draft.reads_credentials,
                    raises_messages=bool(draft.raises) and all(draft.raises),
                    awaits=draft.awaits,
                    returns_fixed_list=bool(draft.fixed_returns) and all(draft.fixed_returns),
                    literal_keywords=tuple(draft.literal_keywords),
                    decorators=tuple(
                        name
                        for decorator in node.decorators
                        if (name := self.names.resolve(
                            decorator.decorator.func if isinstance(decorator.decorator, cst.Call)
                            else decorator.decorator
                        ))
                    ),
                ),
            )
        )

    def visit_Return(self, node: cst.Return) -> None:
        self._returned_dict(node)
        self._note_except_return(node)
        draft = self._function
        if draft is not None and self._lambda_depth == 0:
            value = node.value
            draft.fixed_returns.append(
                isinstance(value, (cst.List, cst.Tuple))
                or (
                    isinstance(value, cst.Name)
                    and not self.names.is_local(value.value)
                    and value.value in self._module_sequences
                )
            )
            if value is None or _is_none(value):
                draft.returns_kinds.append("none")
            elif isinstance(value, cst.Call) and (
                response_class := self.names.resolve(value.func) or dotted_name(value.func) or ""
            ).endswith("Response"):
                draft.returns_kinds.append("response")
                draft.returned_responses.append(response_class)
                status = _argument(value, 1, "status_code")
                if status is not None:
                    code = self._status_code(status)
                    draft.returned_statuses.append(OPAQUE_RESPONSES if code is None else code)
            else:
                draft.returns_kinds.append("value")
        if draft is not None and isinstance(node.value, cst.Name):
            name = node.value.value
            # a nested def (dependency factory) or an object bound module-wide (router factory)
            returned = draft.nested.get(name) or self.names.local_scopes[-1].get(name)
            if returned:
                draft.returns.append(returned)

    # -- parameters ---------------------------------------------------------------
    def _annotated(
        self, param: cst.Param
    ) -> tuple[cst.BaseExpression | None, list[cst.BaseExpression]]:
        """A parameter's type and its FastAPI markers: the default and the metadata of
        ``Annotated[T, Query(), ...]`` (the type is then ``T``)."""
        annotation = param.annotation.annotation if param.annotation else None
        markers: list[cst.BaseExpression] = [param.default] if param.default else []
        if isinstance(annotation, cst.Subscript) and (
            self.names.resolve(annotation.value) == "typing.Annotated"
        ):
            markers.extend(
                e.slice.value for e in annotation.slice[1:] if isinstance(e.slice, cst.Index)
            )
            first = annotation.slice[0].slice
            annotation = first.value if isinstance(first, cst.Index) else None
        return annotation, markers

    def _body_types(self, params: cst.Parameters) -> tuple[str, ...]:
        """Annotations of the parameters FastAPI would read from the request body: typed,
        with no ``Depends``/``Query``/``Path``/... marker (``Body()`` is the body)."""
        found: list[str] = []
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            annotation, markers = self._annotated(param)
            if annotation is None:
                continue
            if any(
                isinstance(marker, cst.Call) and self.names.resolve(marker.func) in NON_BODY_MARKERS
                for marker in markers
            ):
                continue
            resolved = self.names.resolve(annotation)
            if resolved is not None and not resolved.startswith(("builtins.", "typing.")):
                found.append(resolved)
        return tuple(found)

    def _model_api(self, node: cst.Call, func: cst.Attribute) -> None:
        """``Model.parse_obj(...)`` or ``instance.dict()`` with a statically known type."""
        method = func.attr.value
        if method not in V1_MODEL_METHODS:
            return
        if method == "copy" and _keyword(node, "update") is None:
            return
        receiver = func.value
        owner: str | None = None
        draft = self._function
        if isinstance(receiver, cst.Name) and draft is not None and receiver.value in draft.local_types:
            owner = draft.local_types[receiver.value]
        elif isinstance(receiver, (cst.Name, cst.Attribute)) and method in (
            "parse_obj", "parse_raw", "from_orm"
        ):
            owner = self.names.resolve(receiver)
        if owner is None or owner.split(".", 1)[0] in LIBRARY_ROOTS:
            return  # only project classes can be models; ``response.json()`` is httpx's
        self.v1_sites.append(V1Site("model_api", owner, method, self._location(node)))

    def _parameter_names(
        self, params: cst.Parameters
    ) -> tuple[tuple[str, ...], bool, tuple[str, ...]]:
        """Names and ``alias=`` values; whether it can read any path parameter; and the
        classes of ``Annotated[Model, Query()]`` parameters, whose fields are parameters."""
        names: list[str] = []
        query_models: list[str] = []
        reads_any = params.star_kwarg is not None
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            names.append(param.name.value)
            annotation, markers = self._annotated(param)
            for marker in markers:
                alias = _keyword(marker, "alias") if isinstance(marker, cst.Call) else None
                if isinstance(alias, cst.SimpleString) and (text := _literal(alias)):
                    names.append(text)
            resolved = self.names.resolve(annotation) if annotation is not None else None
            if resolved in RAW_REQUEST_CLASSES:
                reads_any = True
            if resolved is not None and any(
                isinstance(marker, cst.Call) and self.names.resolve(marker.func) in QUERY_MARKERS
                for marker in markers
            ):
                query_models.append(resolved)
        return tuple(names), reads_any, tuple(query_models)

    # -- dependencies ------------------------------------------------------------
    def _parameter_dependencies(self, params: cst.Parameters) -> list[tuple[str, DependencyRef]]:
        """(parameter, dependency) for every dependency its parameters declare."""
        found: list[tuple[str, DependencyRef]] = []
        for param in _all_params(params):
            name = param.name.value
            annotation = param.annotation.annotation if param.annotation else None
            if isinstance(param.default, cst.Call):
                ref = self._dependency_call(param.default, annotation)
                if ref is not None:
                    found.append((name, ref))
            if annotation is not None:
                found.extend((name, ref) for ref in self._annotation_dependencies(annotation))
        return found

    def _default_references(self, params: cst.Parameters) -> tuple[DependencyRef, ...]:
        """Parameter defaults that name something (``token=CurrentToken``): a dependency
        when the name is a module-level ``Depends(...)`` object, which the project index
        decides (it may be defined in another module)."""
        found = []
        for param in _all_params(params):
            if isinstance(param.default, (cst.Name, cst.Attribute)):
                target = self.names.resolve(param.default)
                if target is not None and "." in target:
                    found.append(DependencyRef("reference", target))
        return tuple(found)

    def _annotation_dependencies(self, annotation: cst.BaseExpression) -> list[DependencyRef]:
        if isinstance(annotation, cst.SimpleString):
            # FastAPI evaluates string annotations (``user: "CurrentUser"``)
            parsed = _forward_reference(annotation)
            return self._annotation_dependencies(parsed) if parsed is not None else []
        if isinstance(annotation, cst.Subscript):
            if self.names.resolve(annotation.value) != "typing.Annotated":
                return []
            found = []
            for element in annotation.slice[1:]:
                if isinstance(element.slice, cst.Index):
                    value = element.slice.value
                    if isinstance(value, cst.Call):
                        ref = self._dependency_call(value, annotation.slice[0].slice)
                        if ref is not None:
                            found.append(ref)
                    elif (target := self.names.resolve(value)) is not None:
                        # ``Annotated[User, AuthDep]`` with ``AuthDep = Depends(...)``
                        found.append(DependencyRef("reference", target))
            return found
        target = self.names.resolve(annotation)
        if target is None or target.startswith(("builtins.", "typing.")):
            return []
        return [DependencyRef("reference", target)]

    def _dependency_call(
        self, call: cst.Call, annotation: cst.BaseSlice | cst.BaseExpression | None
    ) -> DependencyRef | None:
        callee = self.names.resolve(call.func)
        if callee == "fastapi.Depends":
            kind = "depends"
        elif callee == "fastapi.Security":
            kind = "security"
        else:
            return None
        argument = _argument(call, 0, "dependency")
        if argument is None:
            # ``x: Cls = Depends()``: FastAPI calls the annotation itself
            if isinstance(annotation, cst.Index):
                annotation = annotation.value
            target = (
                self.names.resolve(annotation)
                if isinstance(annotation, cst.BaseExpression)
                else None
            )
            return DependencyRef(kind, target, called=True)
        if isinstance(argument, cst.Call):
            return DependencyRef(
                kind, self._dependency_target(argument.func), called=True, optional=_auto_error_off(argument)
            )
        return DependencyRef(kind, self._dependency_target(argument))

    def _dependency_target(self, node: cst.BaseExpression) -> str | None:
        # A local variable (``get_current_active_user = authenticator.current_user()``
        # inside a router factory) does not resolve; its name still tells what it is.
        return self.names.resolve(node) or dotted_name(node)

    def _dependency_list(self, value: cst.BaseExpression | None) -> tuple[DependencyRef, ...]:
        if not isinstance(value, (cst.List, cst.Tuple)):
            return ()
        found: list[DependencyRef] = []
        for element in value.elements:
            item = element.value
            if isinstance(item, cst.Call):
                ref = self._dependency_call(item, None)
                if ref is not None:
                    found.append(ref)
            else:
                target = self._dependency_target(item)
                if target is not None:
                    found.append(DependencyRef("reference", target))
        return tuple(found)

    # -- registrations -------------------------------------------------------------
    def _decorator(self, decorator: cst.BaseExpression, handler: str, node: cst.FunctionDef) -> None:
        if not isinstance(decorator, cst.Call) or not isinstance(decorator.func, cst.Attribute):
            return
        receiver = self.names.resolve(decorator.func.value)
        if receiver is None:
            return
        method = decorator.func.attr.value
        if method in ROUTE_METHODS or method in ("api_route", "websocket"):
            self.routes.append(
                self._route(decorator, receiver, method, handler, self._location(node))
            )
        elif method == "exception_handler":
            exception = _argument(decorator, 0, "exc_class_or_status_code")
            self.registrations.append(
                RegistrationSite(
                    receiver,
                    "exception_handler",
                    handler,
                    self._handled(exception),
                )
            )
        elif method == "middleware":
            self.registrations.append(
                RegistrationSite(receiver, "middleware", handler, location=self._location(node))
            )
        elif method == "on_event":
            self.registrations.append(RegistrationSite(receiver, "startup", handler))

    def _route(
        self, call: cst.Call, receiver: str, method: str, handler: str | None, location: Location
    ) -> RouteSite:
        path_arg = _argument(call, 0, "path")
        if method in ROUTE_METHODS:
            methods = ROUTE_METHODS[method]
        elif method == "websocket":
            methods = ("WEBSOCKET",)
        else:
            methods = tuple(m.upper() for m in _string_list(_keyword(call, "methods"))) or ("GET",)
        response_model = _keyword(call, "response_model")
        status = _keyword(call, "status_code")
        response_class = _keyword(call, "response_class")
        return RouteSite(
            receiver=receiver,
            methods=methods,
            path=self._path_text(path_arg),
            handler=handler,
            location=location,
            dependencies=self._dependency_list(_keyword(call, "dependencies")),
            response_model=None
            if response_model is None
            else ("None" if _is_none(response_model) else self._annotation_text(response_model)),
            status_code=self._status_code(status),
            status_code_given=status is not None,
            response_class=self.names.resolve(response_class) if response_class else None,
            is_websocket=method == "websocket",
            tags=_string_list(_keyword(call, "tags")),
            responses=self._documented_statuses(call),
            described=_keyword(call, "summary") is not None
            or _keyword(call, "description") is not None,
            in_schema=_in_schema(call),
        )

    def _path_text(self, node: cst.BaseExpression | None) -> str:
        """A path or prefix as written: literals, module constants, ``+`` and f-strings of
        them; a name from another module or a settings object's attribute is kept as a
        reference the project index looks up; anything else is ``UNKNOWN_PART``."""
        if node is None:
            return ""
        if isinstance(node, cst.SimpleString):
            value = _literal(node)
            return value if value is not None else UNKNOWN_PART
        if isinstance(node, cst.ConcatenatedString):
            return self._path_text(node.left) + self._path_text(node.right)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._path_text(node.left) + self._path_text(node.right)
        if isinstance(node, cst.FormattedString):
            return "".join(
                part.value if isinstance(part, cst.FormattedStringText)
                else self._path_text(part.expression)
                if part.format_spec is None and part.conversion is None
                else UNKNOWN_PART
                for part in node.parts
            )
        if isinstance(node, cst.Name):
            draft = self._function
            if draft is not None and node.value in draft.strings:
                local = draft.strings[node.value]
                return local[0] if not local[1] else UNKNOWN_PART
            if self.names.is_local(node.value):
                return UNKNOWN_PART  # a parameter: whatever the caller passes
            constant = self._module_strings.get(node.value)
            if constant is not None:
                return constant[0] if not constant[1] else UNKNOWN_PART
        if isinstance(node, (cst.Name, cst.Attribute)):
            target = self.names.resolve(node)
            if target and not target.startswith("builtins."):
                return f"{REFERENCE}{target}{REFERENCE}"
        return UNKNOWN_PART

    def _documented_statuses(self, call: cst.Call) -> tuple[int, ...]:
        """The status codes that are keys of ``responses={...}`` (literal or constant)."""
        responses = _keyword(call, "responses")
        if responses is None:
            return ()
        if isinstance(responses, cst.Name):
            responses = self._module_dicts.get(responses.value, responses)
        if not isinstance(responses, cst.Dict):
            return (OPAQUE_RESPONSES,)
        found = []
        for element in responses.elements:
            if isinstance(element, cst.DictElement):
                key = element.key
                if isinstance(key, cst.SimpleString) and (text := _literal(key) or "").isdigit():
                    found.append(int(text))
                elif (status := self._status_code(key)) is not None:
                    found.append(status)
            elif isinstance(element, cst.StarredDictElement):
                found.append(OPAQUE_RESPONSES)  # ``{**COMMON_ERRORS, 404: ...}``
        return tuple(found)

    def _status_code(self, node: cst.BaseExpression | None) -> int | None:
        if isinstance(node, cst.Integer):
            try:
                return int(node.value)
            except ValueError:
                return None
        if isinstance(node, (cst.Attribute, cst.Name)):
            resolved = self.names.resolve(node) or ""
            if resolved.startswith("http.HTTPStatus."):  # the standard library's enum
                member = HTTPStatus.__members__.get(resolved.rsplit(".", 1)[-1])
                return int(member) if member is not None else None
            name = dotted_name(node) or ""
            match = _STATUS_CONSTANT.search(name.rsplit(".", 1)[-1] + "_")
            if match is not None:
                return int(match.group(1))
        return None

    def _annotation_text(self, node: cst.BaseExpression) -> str:
        if isinstance(node, cst.Subscript):
            base = self._annotation_text(node.value)
            inner = ", ".join(
                self._annotation_text(element.slice.value)
                if isinstance(element.slice, cst.Index)
                else "…"
                for element in node.slice
            )
            return f"{base}[{inner}]"
        if isinstance(node, cst.Name) and node.value == "None":
            return "None"
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return f"{self._annotation_text(node.left)} | {self._annotation_text(node.right)}"
        if isinstance(node, cst.SimpleString):  # a forward reference: ``"User"``
            parsed = _forward_reference(node)
            if parsed is not None:
                return self._annotation_text(parsed)
        resolved = self.names.resolve(node)
        if resolved is not None:
            return resolved
        return dotted_name(node) or type(node).__name__

    # -- calls -------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        callee = self.names.resolve(func)
        if isinstance(func, cst.Attribute):
            self._method_call(node, func)
            self._model_api(node, func)
            if func.attr.value == "__init__":
                self._super_init(node, func)
        elif isinstance(func, cst.Call) and isinstance(func.func, cst.Attribute):
            self._route_call_form(node, func, func.func)
        self._note_logging(node)
        self._note_try_call(node, callee)
        self._note_call_arguments(node)
        self._setting_call(node, callee)
        self._architecture_call(node, callee)
        self._credential_call(node, callee)
        if callee in HTTP_EXCEPTIONS:
            self.raises_http_exception = True
            self._error_response(
                node, _argument(node, 1, "detail"), _argument(node, 0, "status_code")
            )
        elif callee in JSON_RESPONSE_CLASSES:
            self._error_body(node)
            self._error_response(node, _argument(node, 0, "content"))
        if callee in SINK_FUNCTIONS or (
            isinstance(func, cst.Attribute) and func.attr.value in SINK_METHODS
        ):
            self._sql_sink(node, callee or func.attr.value)  # type: ignore[union-attr]
        if self._function is not None and self._lambda_depth == 0:
            if isinstance(func, cst.Attribute) and func.attr.value == "add_task" and node.args:
                # ``BackgroundTasks.add_task(fn)``: an async ``fn`` runs on the loop later
                task = self.names.resolve(node.args[0].value)
                if task is not None:
                    self._function.scheduled.append(task)
            elif not self._blocking(node, callee) and callee is not None:
                self._call_graph(node, callee)
            self._db_write(node, callee)
            self._database_call(node, callee)

    def _super_init(self, node: cst.Call, func: cst.Attribute) -> None:
        """``super().__init__(...)`` (or ``Base.__init__(self, ...)``) directly in a class's
        ``__init__``: what every instance is built with, whatever the caller passes."""
        draft = self._classes[-1] if self._classes else None
        if draft is None or self._function is None or self._function.qualname != f"{draft.qualname}.__init__":
            return
        receiver = func.value
        is_super = isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super"
        if not is_super and self.names.resolve(receiver) not in draft.bases:
            return
        dependencies = self._dependency_list(_keyword(node, "dependencies"))
        draft.super_init = SuperInit(
            prefix=self._prefix(_keyword(node, "prefix")),
            dependencies=dependencies,
            tags=_string_list(_keyword(node, "tags")),
            responses=self._documented_statuses(node),
            location=self._location(node) if dependencies else None,
        )

    def _route_call_form(self, node: cst.Call, decorator: cst.Call, verb: cst.Attribute) -> None:
        """``router.get("/items")(list_items)``: the decorator applied by hand."""
        method = verb.attr.value
        if method not in ROUTE_METHODS and method not in ("api_route", "websocket"):
            return
        receiver = self.names.resolve(verb.value)
        endpoint = _argument(node, 0, "func")
        if receiver is None or endpoint is None:
            return
        handler = self.names.resolve(endpoint)
        self.routes.append(self._route(decorator, receiver, method, handler, self._location(node)))

    def _method_call(self, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        if method not in (
            "include_router",
            "mount",
            "add_api_route",
            "add_api_websocket_route",
            "add_exception_handler",
            "add_middleware",
            "add_event_handler",
        ):
            return
        receiver = self.names.resolve(func.value)
        if receiver is None and method != "include_router":
            return
        if method == "mount":
            child = _argument(node, 1, "app")
            if receiver is not None and child is not None:
                self._include(node, receiver, child, self._location(node), is_mount=True)
            return
        location = self._location(node)
        if method == "include_router":
            # An include we cannot resolve is kept: it may serve any router (``unknown``).
            child = _argument(node, 0, "router")
            if isinstance(child, cst.Name) and child.value in self._loop_items:
                for item in self._loop_items[child.value]:
                    self._include(node, receiver, item, location)
                return
            self._include(node, receiver, child, location)
            return
        assert receiver is not None
        if method in ("add_api_route", "add_api_websocket_route"):
            endpoint = _argument(node, 1, "endpoint")
            handler = self.names.resolve(endpoint) if endpoint is not None else None
            kind = "websocket" if method == "add_api_websocket_route" else "api_route"
            self.routes.append(self._route(node, receiver, kind, handler, location))
        elif method == "add_exception_handler":
            exception = _argument(node, 0, "exc_class_or_status_code")
            handler_node = _argument(node, 1, "handler")
            self.registrations.append(
                RegistrationSite(
                    receiver,
                    "exception_handler",
                    self.names.resolve(handler_node) if handler_node is not None else None,
                    self._handled(exception),
                )
            )
        elif method == "add_middleware":
            middleware = _argument(node, 0, "middleware_class")
            if middleware is not None:
                self.registrations.append(
                    RegistrationSite(
                        receiver, "middleware", self.names.resolve(middleware), location=location
                    )
                )
        elif method == "add_event_handler":
            handler_node = _argument(node, 1, "func")
            if handler_node is not None:
                self.registrations.append(
                    RegistrationSite(receiver, "startup", self.names.resolve(handler_node))
                )

    def _include(
        self, node: cst.Call, receiver: str | None, child: cst.BaseExpression | None,
        location: Location, is_mount: bool = False,
    ) -> None:
        # An include we cannot resolve is kept: it may serve any router (``unknown``).
        child_called = isinstance(child, cst.Call)
        if isinstance(child, cst.Call):
            child = child.func  # ``include_router(make_router())``: a router factory
        child_name = self.names.resolve(child) if child is not None else None
        draft = self._function
        if isinstance(child, cst.Name) and draft is not None and child.value in draft.call_results:
            child_name, child_called = draft.call_results[child.value], True
        self.includes.append(
            IncludeSite(
                parent=receiver,
                child=child_name,
                prefix=self._prefix(_argument(node, 0, "path") if is_mount else _keyword(node, "prefix")),
                dependencies=self._dependency_list(_keyword(node, "dependencies")),
                location=location,
                child_called=child_called,
                is_mount=is_mount,
                tags=_string_list(_keyword(node, "tags")),
                responses=self._documented_statuses(node),
                in_schema=_in_schema(node),
            )
        )

    def _handled(self, exception: cst.BaseExpression | None) -> str | None:
        """What an exception handler is for: a qualified name, or a status code as text
        (``@app.exception_handler(500)`` is Starlette's server-error handler)."""
        if exception is None:
            return None
        status = self._status_code(exception)
        return str(status) if status is not None else self.names.resolve(exception)

    def _prefix(self, node: cst.BaseExpression | None) -> str | None:
        return None if node is None else self._path_text(node)

    def _error_body(self, node: cst.Call) -> None:
        content = _argument(node, 0, "content")
        if not isinstance(content, cst.Dict):
            return
        keys: list[str] = []
        for element in content.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(
                element.key, cst.SimpleString
            ):
                return  # ``**spread`` or computed keys: the shape is not known
            key = _literal(element.key)
            if key is None:
                return
            keys.append(key)
        status_node = _argument(node, 1, "status_code")
        status = self._status_code(status_node) if status_node is not None else 200
        kind = "unknown" if status is None else ("error" if status >= 400 else "success")
        function = self._function.qualname if self._function else None
        self.error_bodies.append(
            ErrorBodySite(function, kind, tuple(keys), self._location(node))
        )

    def visit_Raise(self, node: cst.Raise) -> None:
        self._note_raise()
        draft = self._function
        if draft is not None and self._lambda_depth == 0:
            draft.raises.append(self._raises_message(node))
        if (
            draft is not None
            and self._lambda_depth == 0
            and isinstance(node.exc, cst.Call)
            and self.names.resolve(node.exc.func) in HTTP_EXCEPTIONS
        ):
            status = self._status_code(_argument(node.exc, 0, "status_code"))
            if status is not None and self._http_exception_escapes():
                draft.defer("raised_statuses", CallSite(str(status)), node.exc)
        if node.exc is not None and not isinstance(node.exc, cst.Call):
            if self.names.resolve(node.exc) in HTTP_EXCEPTIONS:
                self.raises_http_exception = True

    def _db_write(self, node: cst.Call, callee: str | None) -> None:
        """``session.add/commit/...`` on a session-like receiver, ``insert()`` (FAR111)."""
        draft = self._function
        assert draft is not None
        func = node.func
        if callee in SQL_WRITE_STATEMENTS:
            draft.defer("db_writes", CallSite(f"{callee.rsplit('.', 1)[-1]}()"), node)
        elif isinstance(func, cst.Attribute) and func.attr.value in SESSION_WRITE_METHODS:
            receiver = (dotted_name(func.value) or "").rsplit(".", 1)[-1].lower()
            if receiver in SESSION_RECEIVERS and not self._is_http_client(func.value):
                draft.defer("db_writes", CallSite(f"{receiver}.{func.attr.value}()"), node)

    def _call_graph(self, node: cst.Call, callee: str) -> None:
        if callee.split(".", 1)[0] in LIBRARY_ROOTS:
            return  # only project functions extend the call graph
        local = callee.removeprefix(f"{self.module}.")
        if local != callee and "." in local and local.split(".", 1)[0] in self._module_variables:
            return  # ``logger.info()``, ``client.get()``: a method of a module-level object
        draft = self._function
        assert draft is not None
        draft.calls[callee] = None
        if (
            draft.node.asynchronous is not None
            and id(node) not in self._awaited
            and not callee.rsplit(".", 1)[-1][:1].isupper()  # a class: its instance, not a call
            and local not in self._module_coroutines  # ``create_task(refresh())``
        ):
            draft.defer("loop_calls", CallSite(callee), node)

    def _blocking(self, node: cst.Call, callee: str | None) -> bool:
        """Record a blocking call; True when it is one."""
        if id(node) in self._awaited:
            return False  # an awaited call is async whatever its name suggests
        draft = self._function
        assert draft is not None
        name: str | None = None
        if callee in self.blocking_functions:
            name = callee
        elif isinstance(node.func, cst.Attribute):
            client = self._client_type(node.func.value)
            if client is not None and blocking_method(client, node.func.attr.value):
                name = f"{client}.{node.func.attr.value}"
        if name is None:
            return False
        draft.blocking_calls.append(BlockingCall(name, self._location(node)))
        return True

    def _client_type(self, receiver: cst.BaseExpression) -> str | None:
        if isinstance(receiver, cst.Name):
            draft = self._function
            if draft is not None and receiver.value in draft.client_types:
                return draft.client_types[receiver.value]
            if self.names.is_local(receiver.value):
                return None
            return self._module_clients.get(receiver.value)
        if isinstance(receiver, cst.Call):
            return BLOCKING_CLIENTS.get(self.names.resolve(receiver.func) or "")
        return None

    # -- assignments -------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        self._note_except_assignment(node)
        draft = self._function
        for target in node.targets:
            self._credential_subscript_assign(target.target)
            if (
                draft is not None
                and isinstance(target.target, cst.Attribute)
                and target.target.attr.value == "status_code"
                and isinstance(target.target.value, cst.Name)
                and target.target.value.value in draft.parameters
            ):
                draft.sets_status_code = True  # ``response: Response`` picks the status
            if isinstance(target.target, cst.Name):
                self._bind(target.target.value, node.value)
                if self._classes and self._function is None:
                    self._class_attribute(target.target.value, node.value)

    def _class_attribute(self, name: str, value: cst.BaseExpression | None) -> None:
        """``__tablename__`` (an ORM table) and v1 keys in ``model_config``."""
        draft = self._classes[-1]
        draft.attributes.append(name)
        if value is not None and (string := self._string_value(value)) is not None:
            if not string[1] and _is_word(string[0]):
                draft.strings.append((name, string[0]))
        self._relationship(name, value)
        if name == "__tablename__":
            draft.is_table = True
        if name != "model_config" or value is None:
            return
        keys: list[tuple[str, cst.CSTNode]] = []
        if isinstance(value, cst.Call):
            keys = [(a.keyword.value, a) for a in value.args if a.keyword is not None]
        elif isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                    key = _literal(element.key)
                    if key is not None:
                        keys.append((key, element))
        for key, node in keys:
            if key in V1_CONFIG_KEYS:
                self.v1_sites.append(
                    V1Site("config_key", draft.qualname, key, self._location(node))
                )

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self._bind(node.target.value, node.value)
        if self._classes and self._function is None and isinstance(node.target, cst.Name):
            name = node.target.value
            self._classes[-1].fields.append((name, self._annotation_text(node.annotation.annotation)))
            self._class_attribute(name, node.value)
        if self._classes and self._function is None and self._classes[-1].is_view:
            view = self._classes[-1]
            if isinstance(node.value, cst.Call):
                ref = self._dependency_call(node.value, node.annotation.annotation)
                if ref is not None:
                    view.view_dependencies.append(ref)
            view.view_dependencies.extend(self._annotation_dependencies(node.annotation.annotation))

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        if self._function is None and not self._classes:
            self._bind(node.name.value, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        draft = self._function
        strings = draft.strings if draft is not None else self._module_strings
        if not isinstance(node.target, cst.Name) or node.target.value not in strings:
            return
        if not isinstance(node.operator, cst.AddAssign):
            return
        text, interpolated, nodes = strings[node.target.value]
        added = self._string_value(node.value)
        if added is None:
            strings[node.target.value] = (text + "?", True, nodes)
        else:
            strings[node.target.value] = (text + added[0], interpolated or added[1], nodes + added[2])

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self._note_with_item(node)
        draft = self._function
        if draft is None or node.asname is None or not isinstance(node.asname.name, cst.Name):
            return
        name = node.asname.name.value
        client = None
        if isinstance(node.item, cst.Call):
            client = BLOCKING_CLIENTS.get(self.names.resolve(node.item.func) or "")
        if client is not None:
            draft.client_types[name] = client
        else:
            draft.client_types.pop(name, None)
            self.names.bind_local(name)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self._note_awaiting()
        self._loop_start(node.target, node.iter)
        if not isinstance(node.target, cst.Name):
            return
        if self._functions:
            self.names.bind_local(node.target.value)
        sequence = node.iter
        if isinstance(sequence, cst.Name) and not self.names.is_local(sequence.value):
            sequence = self._module_sequences.get(sequence.value, sequence)
        if isinstance(sequence, (cst.List, cst.Tuple)):
            self._loop_items[node.target.value] = [e.value for e in sequence.elements]
        else:
            self._loop_items.pop(node.target.value, None)

    def _bind(self, name: str, value: cst.BaseExpression) -> None:
        self._setting_binding(name, value)
        self._resource_binding(name, value)
        draft = self._function
        at_module_level = draft is None and not self._classes
        if draft is not None:
            self.names.bind_local(name)  # ``open = ...``, ``requests = ...``
            draft.call_results.pop(name, None)
            draft.local_types.pop(name, None)
            self._credential_binding(name, value)
            self._query_binding(name, value)
        string = self._string_value(value)
        if string is not None:
            (draft.strings if draft is not None else self._module_strings)[name] = string
        if at_module_level and isinstance(value, cst.Dict):
            self._module_dicts[name] = value
        if at_module_level and isinstance(value, (cst.List, cst.Tuple)):
            self._module_sequences[name] = value
        if at_module_level:
            self._session_factory(f"{self.module}.{name}", value)
            alias_dependencies = self._alias_dependencies(value)
            if alias_dependencies:
                self.aliases.append(
                    AliasInfo(f"{self.module}.{name}", alias_dependencies, self._alias_type(value))
                )
        if not isinstance(value, cst.Call):
            return
        callee = self.names.resolve(value.func)
        if draft is not None and callee is not None:
            draft.call_results[name] = callee
        if draft is not None:
            instance_type = _constructed_type(callee)
            if instance_type is not None:
                draft.local_types[name] = instance_type
            else:
                draft.local_types.pop(name, None)
        if callee is None:
            return
        client = BLOCKING_CLIENTS.get(callee)
        if client is not None:
            if draft is not None:
                draft.client_types[name] = client
            elif at_module_level:
                self._module_clients[name] = client
        if self._classes and draft is None:
            return
        if not callee.rsplit(".", 1)[-1][:1].isupper():
            return  # apps, routers and security schemes are class instances
        qualname = f"{self.module}.{name}"
        if draft is not None:
            # ``app = FastAPI()`` inside ``create_app()``: bind it module-wide so the
            # decorators and include_router calls in that function resolve to it.
            known = self.names.module_names.get(name)
            if known is not None and known != qualname:
                return
            self.names.local_scopes[-1][name] = qualname
        self.objects.append(self._object_site(qualname, callee, value))

    def _object_site(self, qualname: str, callee: str, call: cst.Call) -> ObjectSite:
        refs: list[tuple[str, str]] = []
        for keyword in ("lifespan",):
            value = _keyword(call, keyword)
            if value is not None and (target := self.names.resolve(value)) is not None:
                refs.append((keyword, target))
        for keyword in ("on_startup", "on_shutdown"):
            value = _keyword(call, keyword)
            if isinstance(value, (cst.List, cst.Tuple)):
                for element in value.elements:
                    target = self.names.resolve(element.value)
                    if target is not None:
                        refs.append((keyword, target))
        handlers = _keyword(call, "exception_handlers")
        if isinstance(handlers, cst.Name):
            handlers = self._module_dicts.get(handlers.value)
        if isinstance(handlers, cst.Dict):
            for element in handlers.elements:
                if isinstance(element, cst.DictElement):
                    self.registrations.append(
                        RegistrationSite(
                            qualname,
                            "exception_handler",
                            self.names.resolve(element.value),
                            self._handled(element.key),
                        )
                    )
        for _keyword_name, target in refs:
            self.registrations.append(RegistrationSite(qualname, "startup", target))
        default_class = _keyword(call, "default_response_class")
        if default_class is not None and (target := self.names.resolve(default_class)):
            refs.append(("default_response_class", target))
        dependencies = self._dependency_list(_keyword(call, "dependencies"))
        tags = _string_list(_keyword(call, "tags"))
        if callee in APP_CLASSES or dependencies:
            # once-per-app findings (FAR501, FAR505) are reported here, and ``routes``
            # cites the line of a router's ``dependencies=``
            self._location(call)
        self._deferred_objects.append(call)
        return ObjectSite(
            qualname=qualname,
            callee=callee,
            location=None,
            prefix=self._prefix(_keyword(call, "prefix")),
            dependencies=dependencies,
            keyword_refs=tuple(refs),
            tags=tags,
            responses=self._documented_statuses(call),
            open_keywords=any(arg.star == "**" for arg in call.args),
            in_schema=_in_schema(call),
            optional=_auto_error_off(call),
        )

    def _alias_type(self, value: cst.BaseExpression) -> str | None:
        """The ``T`` of ``Annotated[T, Depends(...)]``, resolved."""
        if isinstance(value, cst.Subscript) and isinstance(value.slice[0].slice, cst.Index):
            return self.names.resolve(value.slice[0].slice.value)
        return None

    def _alias_dependencies(self, value: cst.BaseExpression) -> tuple[DependencyRef, ...]:
        if isinstance(value, cst.Subscript):
            return tuple(self._annotation_dependencies(value))
        if isinstance(value, cst.Call):
            ref = self._dependency_call(value, None)
            return (ref,) if ref is not None else ()
        return ()

    # -- SQL ---------------------------------------------------------------------------
    def _string_value(
        self, node: cst.BaseExpression
    ) -> tuple[str, bool, list[cst.CSTNode]] | None:
        """(static text, interpolated?, nodes) for an expression that builds a string."""
        if isinstance(node, cst.SimpleString):
            value = _literal(node)
            return (value, False, [node]) if value is not None else None
        if isinstance(node, cst.ConcatenatedString):
            left = self._string_value(node.left)
            right = self._string_value(node.right)
            if left is None or right is None:
                return None
            return left[0] + right[0], left[1] or right[1], [node, *left[2], *right[2]]
        if isinstance(node, cst.FormattedString):
            text = []
            interpolated = False
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    text.append(part.value)
                else:
                    text.append("?")
                    interpolated = interpolated or not self._is_constant(part.expression)
            return "".join(text), interpolated, [node]
        if isinstance(node, cst.BinaryOperation):
            left = self._string_value(node.left)
            if isinstance(node.operator, cst.Modulo) and left is not None:
                return left[0], left[1] or not self._is_constant(node.right), [node, *left[2]]
            if isinstance(node.operator, cst.Add):
                right = self._string_value(node.right)
                if left is None and right is None:
                    return None
                parts = [left, right]
                text = "".join(p[0] if p else "?" for p in parts)
                interpolated = any(p is None or p[1] for p in parts)
                nodes = [node, *(n for p in parts if p for n in p[2])]
                return text, interpolated, nodes
            return None
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "format"
        ):
            base = self._string_value(node.func.value)
            if base is None:
                return None
            constant = all(self._is_constant(arg.value) for arg in node.args)
            return base[0], base[1] or not constant, [node, *base[2]]
        if isinstance(node, cst.Name):
            draft = self._function
            if draft is not None and node.value in draft.strings:
                return draft.strings[node.value]
            if self.names.is_local(node.value):
                return None  # a parameter or local that shadows a module constant
            return self._module_strings.get(node.value)
        return None

    def _is_constant(self, node: cst.BaseExpression) -> bool:
        """A module-level string constant (``TABLE = "users"``), or a literal."""
        if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float)):
            return True
        if isinstance(node, cst.Name):
            value = self._module_strings.get(node.value)
            draft = self._function
            shadowed = (draft is not None and node.value in draft.strings) or self.names.is_local(
                node.value
            )
            return value is not None and not value[1] and not shadowed
        if isinstance(node, cst.Tuple):
            return all(self._is_constant(element.value) for element in node.elements)
        if isinstance(node, cst.Dict):
            return all(
                isinstance(element, cst.DictElement) and self._is_constant(element.value)
                for element in node.elements
            )
        return False

    def _sql_sink(self, node: cst.Call, sink: str) -> None:
        argument = _argument(node, 0, "statement")
        if argument is None:
            return
        if isinstance(argument, cst.Call) and (
            self.names.resolve(argument.func) in SINK_FUNCTIONS
        ):
            return  # ``execute(text("..."))``: the inner sink reports
        value = self._string_value(argument)
        if value is None:
            return
        text, interpolated, nodes = value
        for string_node in nodes:
            self._sunk_strings.add(id(string_node))
        if starts_with_statement(text, method_sink=sink not in SINK_FUNCTIONS):
            kind = "interpolated" if interpolated else "literal"
            self.sql.append(SqlSite(kind, sink.rsplit(".", 1)[-1], self._location(node)))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._structural_candidate(node)

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._close_candidate(original_node)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, (cst.Modulo, cst.Add)):
            self._structural_candidate(node)

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation) -> None:
        self._close_candidate(original_node)

    def _structural_candidate(self, node: cst.BaseExpression) -> None:
        if self._open_candidates:
            return
        value = self._string_value(node)
        if value is not None and value[1] and looks_like_sql(value[0]):
            self._structural_candidates.append(node)
            self._open_candidates.append(id(node))

    def _close_candidate(self, node: cst.CSTNode) -> None:
        if self._open_candidates and self._open_candidates[-1] == id(node):
            self._open_candidates.pop()


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        found.append(params.star_arg)
    if params.star_kwarg is not None:
        found.append(params.star_kwarg)
    return found


def _keyword(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _in_schema(call: cst.Call) -> bool:
    """False for ``include_in_schema=False`` (a literal): FastAPI leaves the route, or
    every route of the router or include, out of the OpenAPI schema."""
    value = _keyword(call, "include_in_schema")
    return not (isinstance(value, cst.Name) and value.value == "False")


def _auto_error_off(call: cst.Call) -> bool:
    """``auto_error=False`` (a literal): a security scheme that lets a request without a
    credential through instead of answering 401/403."""
    value = _keyword(call, "auto_error")
    return isinstance(value, cst.Name) and value.value == "False"


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _string_list(node: cst.BaseExpression | None) -> tuple[str, ...]:
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return ()
    found = []
    for element in node.elements:
        if isinstance(element.value, cst.SimpleString):
            value = _literal(element.value)
            if value is not None:
                found.append(value)
    return tuple(found)


DATABASE_CALL_FIELDS = (
    "id_loads", "helper_calls", "session_parameters", "session_creations", "lazy_loads"
)
DEFERRED_CALL_FIELDS = (
    "loop_calls", "db_writes", "raised_statuses", *ARCHITECTURE_SITE_FIELDS, *DATABASE_CALL_FIELDS
)


def located_summary(
    summary: ModuleSummary, extra_blocking: frozenset[str]
) -> ModuleSummary | None:
    """The module built again with every position resolved, or None if it changed.

    The one place a file is parsed a second time: a ``CallSite`` becomes a finding only
    in cases known after every module is read (a callee in another module that blocks,
    FAR403), which is rare; resolving positions for every such call up front cost more
    than the parse.
    """
    try:
        module = cst.parse_module(Path(summary.path).read_bytes())
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        is_package = Path(summary.path).name == "__init__.py"
        builder = ModuleModelBuilder(
            wrapper, summary.path, summary.module, is_package, extra_blocking, locate_everything=True
        )
        located = builder.build()
    except (OSError, cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
        return None
    def shape(functions: tuple[FunctionInfo, ...]) -> list[tuple[str, ...]]:
        return [
            tuple(site.name for name in DEFERRED_CALL_FIELDS for site in getattr(f, name))
            for f in functions
        ]

    same_shape = shape(located.functions) == shape(summary.functions) and [
        (e.kind, e.function) for e in located.error_sites
    ] == [(e.kind, e.function) for e in summary.error_sites]
    return located if same_shape else None


def _constructed_type(callee: str | None) -> str | None:
    """The class an assignment's call returns an instance of: ``User(...)``,
    ``User.model_validate(...)``, ``User.parse_obj(...)``; by naming convention only."""
    if callee is None:
        return None
    owner, _, method = callee.rpartition(".")
    if method[:1].isupper():
        return callee
    if method in ("model_validate", "model_validate_json", "parse_obj", "parse_raw", "from_orm"):
        return owner if owner.rsplit(".", 1)[-1][:1].isupper() else None
    return None


def _forward_reference(node: cst.SimpleString) -> cst.BaseExpression | None:
    """The expression inside a string annotation (``"User"``), parsed on its own."""
    text = _literal(node)
    try:
        parsed = cst.parse_expression(text) if text else None
    except (cst.ParserSyntaxError, RecursionError):
        return None
    return None if isinstance(parsed, cst.SimpleString) else parsed
