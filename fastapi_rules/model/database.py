"""Database-access facts (RULES-SPEC FAR203, FAR303-FAR305), collected by the builder.

A mixin of ``ModuleModelBuilder``, like ``ErrorFacts``. What it records is a finding
only with facts from other modules (is ``SessionLocal`` a sessionmaker? is
``User.posts`` a relationship? is this the route's current user?), so positions are
deferred through ``_FunctionDraft.defer`` like the builder's other ``CallSite``s.
"""
from __future__ import annotations

import libcst as cst

from fastapi_rules.model import CallSite
from fastapi_rules.model.blocking import LIBRARY_ROOTS
from fastapi_rules.model.names import dotted_name
from fastapi_rules.model.vocabulary import ASYNC_SESSIONS, SYNC_SESSIONS

SESSION_MAKERS = frozenset(
    {"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.scoped_session", "sqlalchemy.orm.session.sessionmaker"}
)
ASYNC_SESSION_MAKERS = frozenset(
    {
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlmodel.ext.asyncio.session.async_sessionmaker",
    }
)
SELECTS = frozenset({"sqlalchemy.select", "sqlmodel.select", "sqlalchemy.future.select", "sqlalchemy.sql.select"})
RELATIONSHIPS = frozenset({"sqlalchemy.orm.relationship", "sqlmodel.Relationship"})
# What loads a relationship with the query itself instead of one query per row.
EAGER_LOADERS = frozenset(
    {"options", "selectinload", "joinedload", "subqueryload", "contains_eager", "immediateload", "raiseload"}
)
EAGER_LAZY_VALUES = frozenset({"selectin", "joined", "subquery", "immediate", "raise", "raise_on_sql", "noload"})


class DatabaseFacts:
    """Hooks and helpers; ``self`` is the ``ModuleModelBuilder``."""

    def _init_database_facts(self) -> None:
        self.session_factories: list[tuple[str, bool]] = []
        # local name -> (queried model, loads eagerly), per function draft
        self._query_results: dict[tuple[int, str], tuple[str, bool]] = {}
        self._loop_models: list[dict[str, str]] = []  # loop variable -> queried model

    # -- module level ------------------------------------------------------------------
    def _session_factory(self, qualname: str, value: cst.BaseExpression) -> None:
        """``SessionLocal = sessionmaker(...)`` / ``async_sessionmaker(...)``."""
        if not isinstance(value, cst.Call):
            return
        callee = self.names.resolve(value.func)  # type: ignore[attr-defined]
        if callee == "sqlalchemy.orm.scoped_session" and value.args:
            inner = value.args[0].value
            if isinstance(inner, cst.Call):
                value, callee = inner, self.names.resolve(inner.func)  # type: ignore[attr-defined]
        if callee in ASYNC_SESSION_MAKERS:
            self.session_factories.append((qualname, True))
        elif callee in SESSION_MAKERS:
            made = next(
                (a.value for a in value.args if a.keyword is not None and a.keyword.value == "class_"), None
            )
            is_async = made is not None and self.names.resolve(made) in ASYNC_SESSIONS  # type: ignore[attr-defined]
            self.session_factories.append((qualname, is_async))

    def _relationship(self, name: str, value: cst.BaseExpression | None) -> None:
        """A lazily loading ``relationship(...)``/``Relationship(...)`` class attribute."""
        if not isinstance(value, cst.Call) or self.names.resolve(value.func) not in RELATIONSHIPS:  # type: ignore[attr-defined]
            return
        for arg in value.args:
            if arg.keyword is None:
                continue
            lazy: cst.BaseExpression | None = None
            if arg.keyword.value == "lazy":
                lazy = arg.value
            elif arg.keyword.value == "sa_relationship_kwargs" and isinstance(arg.value, cst.Dict):
                lazy = next(
                    (
                        e.value for e in arg.value.elements
                        if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
                        and e.key.evaluated_value == "lazy"
                    ),
                    None,
                )
            elif arg.keyword.value == "sa_relationship_kwargs":
                return  # kwargs we cannot read may set ``lazy``
            if lazy is not None and not (
                isinstance(lazy, cst.SimpleString) and lazy.evaluated_value not in EAGER_LAZY_VALUES
            ):
                return  # eager, or not known to be lazy
        self._classes[-1].lazy_relationships.append(name)  # type: ignore[attr-defined]

    # -- functions -----------------------------------------------------------------------
    def _session_parameters(self, params: cst.Parameters) -> None:
        """Parameters typed as a session, directly or by an alias (``SessionDep``)."""
        draft = self._function  # type: ignore[attr-defined]
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            annotation, _markers = self._annotated(param)  # type: ignore[attr-defined]
            resolved = self.names.resolve(annotation) if annotation is not None else None  # type: ignore[attr-defined]
            if resolved is None or resolved.startswith(("builtins.", "typing.")):
                continue
            short = resolved.rsplit(".", 1)[-1].lower()
            # Only names that may be a session: confirmed against the project later.
            if resolved in SYNC_SESSIONS or "session" in short or "db" in short:
                draft.defer("session_parameters", CallSite(resolved), param)

    def _database_call(self, node: cst.Call, callee: str | None) -> None:
        """Inside a function: session creations, loads by a parameter, helper calls."""
        draft = self._function  # type: ignore[attr-defined]
        func = node.func
        for arg in node.args:
            if arg.keyword is not None:
                draft.ownership_keywords.add(arg.keyword.value)
            root = _root_name(arg.value)
            if root is not None:
                draft.ownership_passed.add(root)
        if callee is not None and (
            callee in SYNC_SESSIONS or callee in ASYNC_SESSIONS
            or "session" in callee.rsplit(".", 1)[-1].lower()
        ):
            draft.defer("session_creations", CallSite(callee), node)
        parameters = set(draft.parameters)
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "get" and len(node.args) >= 2:
                # ``session.get(Item, item_id)``
                model = self._project_class(node.args[0].value)
                argument = node.args[1].value
                if model and isinstance(argument, cst.Name) and argument.value in parameters:
                    draft.defer("id_loads", CallSite(model, detail=argument.value), node)
            elif method == "get" and len(node.args) == 1:
                # ``db.query(Item).get(item_id)``
                model = self._queried_model(func.value)
                argument = node.args[0].value
                if model and isinstance(argument, cst.Name) and argument.value in parameters:
                    draft.defer("id_loads", CallSite(model, detail=argument.value), node)
            elif method == "filter_by":
                model = self._queried_model(func.value)
                for arg in node.args:
                    if (
                        model and arg.keyword is not None and isinstance(arg.value, cst.Name)
                        and arg.value.value in parameters
                    ):
                        draft.defer("id_loads", CallSite(model, detail=arg.value.value), node)
        if callee is not None and callee.split(".", 1)[0] not in LIBRARY_ROOTS:
            positional: list[str | None] = []
            keywords: list[tuple[str, str]] = []
            for arg in node.args:
                name = arg.value.value if isinstance(arg.value, cst.Name) and arg.value.value in parameters else None
                if arg.keyword is None:
                    positional.append(name)
                elif name is not None:
                    keywords.append((arg.keyword.value, name))
            if any(positional) or keywords:
                draft.defer(
                    "helper_calls", CallSite(callee, arguments=tuple(positional), keywords=tuple(keywords)), node
                )

    def visit_Comparison(self, node: cst.Comparison) -> None:
        draft = self._function  # type: ignore[attr-defined]
        if draft is None:
            return
        sides = [node.left, *(target.comparator for target in node.comparisons)]
        for side in sides:
            for part in _name_parts(side):
                draft.ownership_compared.add(part)
        if len(sides) != 2 or not isinstance(node.comparisons[0].operator, cst.Equal):
            return
        # ``Item.id == item_id`` in ``select(Item).where(...)`` / ``.filter(...)``
        for column, value in (sides, sides[::-1]):
            if (
                isinstance(column, cst.Attribute)
                and isinstance(value, cst.Name)
                and value.value in draft.parameters
                and (model := self._project_class(column.value)) is not None
            ):
                draft.defer("id_loads", CallSite(model, detail=value.value), node)
                return

    def _project_class(self, node: cst.BaseExpression) -> str | None:
        """A project class by its name (``Item``, ``models.Item``), else None."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        resolved = self.names.resolve(node)  # type: ignore[attr-defined]
        if (
            resolved is None
            or resolved.split(".", 1)[0] in LIBRARY_ROOTS
            or resolved.startswith("builtins.")
            or not resolved.rsplit(".", 1)[-1][:1].isupper()
        ):
            return None
        return resolved

    def _queried_model(self, node: cst.BaseExpression) -> str | None:
        """The model of ``db.query(Item)...`` or ``select(Item)...`` in a call chain."""
        while True:
            if isinstance(node, cst.Call):
                func = node.func
                is_query = isinstance(func, cst.Attribute) and func.attr.value == "query"
                if (is_query or self.names.resolve(func) in SELECTS) and node.args:  # type: ignore[attr-defined]
                    return self._project_class(node.args[0].value)
                node = func
            elif isinstance(node, cst.Attribute):
                node = node.value
            elif isinstance(node, cst.Await):
                node = node.expression
            else:
                return None

    def _query_of(self, node: cst.BaseExpression) -> tuple[str, bool] | None:
        """(model, loads eagerly) of an expression that builds or runs a query: a
        ``select(Item)``/``query(Item)`` chain, or a local bound to one."""
        draft = self._function  # type: ignore[attr-defined]
        key = id(draft)
        found: tuple[str, bool] | None = None
        eager = False
        current: cst.BaseExpression | None = node
        while current is not None:
            if isinstance(current, cst.Call):
                func = current.func
                name = func.attr.value if isinstance(func, cst.Attribute) else (dotted_name(func) or "").rsplit(".", 1)[-1]
                if name in EAGER_LOADERS:
                    eager = True
                for arg in current.args:
                    if isinstance(arg.value, cst.Name) and (key, arg.value.value) in self._query_results:
                        found = found or self._query_results[(key, arg.value.value)]
                    elif isinstance(arg.value, cst.Call):
                        inner = self._query_of(arg.value)
                        found = found or inner
                model = self._queried_model(current) if found is None else None
                if model is not None:
                    found = (model, False)
                current = func
            elif isinstance(current, cst.Attribute):
                current = current.value
            elif isinstance(current, cst.Await):
                current = current.expression
            elif isinstance(current, cst.Name):
                found = found or self._query_results.get((key, current.value))
                current = None
            else:
                current = None
        if found is None:
            return None
        return found[0], found[1] or eager

    def _query_binding(self, name: str, value: cst.BaseExpression) -> None:
        """``users = session.scalars(select(User)).all()``, ``stmt = select(User)``."""
        key = (id(self._function), name)  # type: ignore[attr-defined]
        query = self._query_of(value)
        if query is None:
            self._query_results.pop(key, None)
        else:
            self._query_results[key] = query

    def _loop_start(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        models: dict[str, str] = {}
        if self._function is not None and isinstance(target, cst.Name):  # type: ignore[attr-defined]
            query = self._query_of(iterable)
            if query is not None and not query[1]:
                models[target.value] = query[0]
        self._loop_models.append(models)

    def _loop_end(self) -> None:
        self._loop_models.pop()

    def leave_For(self, original_node: cst.For) -> None:
        self._loop_end()

    def _comprehension_start(self, node: cst.BaseComp) -> None:
        self._loop_start(node.for_in.target, node.for_in.iter)

    def _comprehension_end(self, original_node: cst.BaseComp) -> None:
        self._loop_end()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension_start
    leave_ListComp = leave_SetComp = leave_GeneratorExp = leave_DictComp = _comprehension_end

    def _database_attribute(self, node: cst.Attribute) -> None:
        if not isinstance(node.value, cst.Name) or not self._loop_models:
            return
        for models in reversed(self._loop_models):
            model = models.get(node.value.value)
            if model is not None:
                self._function.defer(  # type: ignore[attr-defined]
                    "lazy_loads", CallSite(model, detail=node.attr.value), node
                )
                return


def _root_name(node: cst.BaseExpression) -> str | None:
    """``user`` of ``user``, ``user.id``, ``user.org.id``."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _name_parts(node: cst.BaseExpression) -> list[str]:
    """The root name and attribute names of a ``Name``/``Attribute`` chain, else none."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Call):  # ``str(item.owner_id)``
        for arg in node.args:
            parts.extend(_name_parts(arg.value))
        return parts
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return parts
    return []
