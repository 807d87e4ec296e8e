"""Every module's definitions by qualified name, and a name followed through re-exports
to its definition."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi_rules.model import ClassInfo, DependencyRef, FunctionInfo, ModuleSummary, ObjectSite
from fastapi_rules.model.vocabulary import PARAMETER_APP

MAX_DEPTH = 12  # re-exports, base classes and dependencies followed at most this deep


class Names:
    def __init__(self, summaries: Iterable[ModuleSummary]) -> None:
        self.summaries = tuple(summaries)
        self._resolved: dict[str, str | None] | None = None  # set once the tables are built
        self.modules: dict[str, ModuleSummary] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.function_modules: dict[str, ModuleSummary] = {}
        # a name ``def``-ed more than once in its module: every definition, in order (a
        # decorator registers each one before the name is rebound)
        self.redefined: dict[str, tuple[FunctionInfo, ...]] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.objects: dict[str, ObjectSite] = {}
        self.object_modules: dict[str, ModuleSummary] = {}
        self.aliases: dict[str, tuple[DependencyRef, ...]] = {}
        self.alias_types: dict[str, str] = {}  # ``SessionDep`` -> ``sqlmodel.Session``
        self.session_factories: dict[str, bool] = {}  # ``SessionLocal`` -> makes async sessions
        for summary in self.summaries:
            self.modules.setdefault(summary.module, summary)
            for function in summary.functions:
                if function.qualname in self.functions and self.function_modules[function.qualname] is summary:
                    earlier = self.redefined.get(function.qualname, (self.functions[function.qualname],))
                    self.redefined[function.qualname] = earlier + (function,)
                self.functions.setdefault(function.qualname, function)
                self.function_modules.setdefault(function.qualname, summary)
            for cls in summary.classes:
                self.classes.setdefault(cls.qualname, cls)
            for site in summary.objects:
                self.objects.setdefault(site.qualname, site)
                self.object_modules.setdefault(site.qualname, summary)
            for alias in summary.aliases:
                self.aliases.setdefault(alias.qualname, alias.dependencies)
                if alias.annotation is not None:
                    self.alias_types.setdefault(alias.qualname, alias.annotation)
            for factory, is_async in summary.session_factories:
                self.session_factories.setdefault(factory, is_async)
        # the app a ``def register_routes(app: FastAPI)`` receives: routing decides it
        self.parameter_app = PARAMETER_APP

    def freeze(self) -> None:
        """The tables are complete: a name resolves the same way from now on, so each
        resolution is kept (the rules ask about the same names again and again,
        700,000 times at 5,000 files)."""
        self._resolved = {}

    def resolve(self, qualname: str | None, depth: int = 0) -> str | None:
        """Follow re-exports (``from .deps import get_user`` in a package) to the definition."""
        if qualname is None or depth > MAX_DEPTH:
            return qualname
        if depth == 0 and self._resolved is not None:
            if qualname not in self._resolved:
                self._resolved[qualname] = self._resolve(qualname, 0)
            return self._resolved[qualname]
        return self._resolve(qualname, depth)

    def _resolve(self, qualname: str, depth: int) -> str | None:
        if qualname == PARAMETER_APP:
            return self.parameter_app
        if self._defines(qualname):
            return qualname
        module, _, name = qualname.rpartition(".")
        summary = self.modules.get(module)
        if summary is not None and name in summary.imports:
            target = summary.imports[name]
            if target != qualname:
                return self.resolve(target, depth + 1)
        if summary is not None:
            for source in summary.star_imports:  # ``from .items import *`` re-exports
                found = self.resolve(f"{source}.{name}", depth + 1)
                if found != f"{source}.{name}" or self._defines(found):
                    return found
        return qualname

    def _defines(self, qualname: str) -> bool:
        return (
            qualname in self.functions
            or qualname in self.classes
            or qualname in self.objects
            or qualname in self.aliases
        )

    def is_subclass(self, qualname: str | None, bases: frozenset[str], depth: int = 0) -> bool:
        qualname = self.resolve(qualname)
        if qualname is None or depth > MAX_DEPTH:
            return False
        if qualname in bases:
            return True
        cls = self.classes.get(qualname)
        return cls is not None and any(self.is_subclass(b, bases, depth + 1) for b in cls.bases)

    def class_lineage(self, name: str) -> Iterator[ClassInfo]:
        """A project class and its project bases, each once."""
        pending, seen = [name], set()
        while pending:
            name = pending.pop()
            cls = self.classes.get(name)
            if cls is None or name in seen:
                continue
            seen.add(name)
            yield cls
            pending.extend(r for base in cls.bases if (r := self.resolve(base)) in self.classes)

    def function_dependencies(self, function: FunctionInfo) -> tuple[DependencyRef, ...]:
        """What FastAPI resolves for ``function``'s parameters: its ``Depends``/``Security``
        declarations, and defaults naming a module-level dependency object
        (``token=CurrentToken`` with ``CurrentToken = Depends(require_auth)``)."""
        aliased = tuple(
            ref for ref in function.default_references if self.resolve(ref.target) in self.aliases
        )
        return function.dependencies + aliased if aliased else function.dependencies

    def instance_class(self, target: str) -> str | None:
        """The project class of a module-level instance (``checker = RoleChecker(...)``)."""
        site = self.objects.get(target)
        if site is None:
            return None
        callee = self.resolve(site.callee)
        return callee if callee in self.classes else None
