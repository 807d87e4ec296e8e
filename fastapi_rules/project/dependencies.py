"""What FastAPI resolves for a dependency: the dependencies of dependencies, the
parameters they fill, and every function FastAPI calls as one."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from fastapi_rules.model import DependencyRef, FunctionInfo
from fastapi_rules.project.classes import Classes
from fastapi_rules.project.names import Names
from fastapi_rules.project.routing import Endpoint


class Dependencies:
    def __init__(self, names: Names, classes: Classes) -> None:
        self.names = names
        self.classes = classes

    def nested_dependencies(self, target: str, called: bool) -> list[DependencyRef]:
        """What FastAPI resolves next for a dependency on ``target`` (already resolved)."""
        names = self.names
        nested: list[DependencyRef] = list(names.aliases.get(target, ()))
        function = names.functions.get(target)
        if function is not None:
            nested.extend(names.function_dependencies(function))
            if called:  # a factory: the dependency is the function it returns
                for inner in function.returns:
                    if inner in names.functions:
                        nested.extend(names.function_dependencies(names.functions[inner]))
        cls = names.classes.get(target) or names.classes.get(names.instance_class(target) or "")
        if cls is not None:
            nested.extend(cls.dependencies)
        return nested

    def parameter_names(self, endpoint: Endpoint, declared_only: bool = False) -> frozenset[str] | None:
        """Every parameter name (and alias) FastAPI fills for this endpoint: the handler's
        and its dependencies', transitively. None when any name may be read (``**kwargs``,
        a ``Request`` parameter, a dependency we cannot resolve).

        ``declared_only``: only the names declared as parameters count, so a ``Request``
        (``WebSocket``, ``HTTPConnection``) parameter is skipped rather than unknown: an
        auth dependency taking the request is no pagination source (FAR110). The other
        special types (``Response``, ``BackgroundTasks``, ``SecurityScopes``) never
        stop the walk; their names are not pagination names."""
        def reads_any(function: FunctionInfo) -> bool:
            return function.takes_kwargs if declared_only else function.reads_any_parameter

        known = self.names
        handler = endpoint.handler
        if handler is None or reads_any(handler):
            return None
        names = set(handler.parameters)
        names.update(self._query_model_fields(handler))
        refs = list(endpoint.dependencies)
        if any(ref.target is None for ref in refs):
            return None
        for target in self.dependency_closure(refs):
            function = known.functions.get(target)
            cls = known.classes.get(target) or known.classes.get(known.instance_class(target) or "")
            if function is not None:
                inner = [known.functions[name] for name in function.returns if name in known.functions]
                for found in (function, *inner):
                    if reads_any(found):
                        return None
                    names.update(found.parameters)
                    names.update(self._query_model_fields(found))
            elif cls is not None:
                names.update(cls.parameters)
            elif "." not in target or (
                target.rsplit(".", 1)[0] in known.modules
                and target not in known.objects
                and target not in known.aliases  # followed through ``nested_dependencies``
            ):
                return None  # a local or project name we cannot see into
        return frozenset(names)

    def _query_model_fields(self, function: FunctionInfo) -> set[str]:
        return {
            field
            for model in function.query_models
            if (resolved := self.names.resolve(model)) is not None
            for _owner, field, _annotation in self.classes.model_fields(resolved)
        }

    def dependency_closure(self, dependencies: Iterable[DependencyRef]) -> set[str]:
        """Every project function or class reached from ``dependencies``, transitively."""
        reached: set[str] = set()
        pending = list(dependencies)
        while pending:
            ref = pending.pop()
            target = self.names.resolve(ref.target)
            if target is None or target in reached:
                continue
            reached.add(target)
            pending.extend(self.nested_dependencies(target, ref.called))
        return reached

    @cached_property
    def dependency_functions(self) -> frozenset[str]:
        """Every project function FastAPI calls as a dependency, anywhere."""
        names = self.names
        refs: list[DependencyRef] = []
        for summary in names.summaries:
            for function in summary.functions:
                refs.extend(names.function_dependencies(function))
            for cls in summary.classes:
                refs.extend(cls.dependencies)
            for alias in summary.aliases:
                refs.extend(alias.dependencies)
            for site in summary.objects:
                refs.extend(site.dependencies)
            for route in summary.routes:
                refs.extend(route.dependencies)
            for include in summary.includes:
                refs.extend(include.dependencies)
        found: set[str] = set()
        for ref in refs:
            target = names.resolve(ref.target)
            if target is None:
                continue
            if target in names.functions:
                found.add(target)
                if ref.called:
                    found.update(names.functions[target].returns)
            cls = target if target in names.classes else names.instance_class(target)
            if cls is not None:
                found.add(f"{cls}.__call__")
        return frozenset(found)
