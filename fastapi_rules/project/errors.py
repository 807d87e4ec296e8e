"""How an application answers errors: the exception handlers each app registers, the
apps that only mount others, and the modules whose code runs in an app."""
from __future__ import annotations

from functools import cached_property

from fastapi_rules.model.vocabulary import CATCH_ALL_HANDLED, HTTP_EXCEPTIONS
from fastapi_rules.project.dependencies import Dependencies
from fastapi_rules.project.names import Names
from fastapi_rules.project.routing import Routing


class Errors:
    def __init__(self, names: Names, routing: Routing, dependencies: Dependencies) -> None:
        self.names = names
        self.routing = routing
        self.dependencies = dependencies

    def handles_exception(self, app: str, exceptions: frozenset[str]) -> bool:
        """Whether ``app`` registers a handler for one of ``exceptions`` (by name)."""
        return not exceptions.isdisjoint(self._handled_by_app.get(app, ()))

    @cached_property
    def _exception_registrations(self) -> tuple[tuple[str | None, str | None, str | None], ...]:
        """Every exception handler registration, resolved: (app, handler function,
        exception), read once for the questions below."""
        return tuple(
            (self.names.resolve(r.receiver), self.names.resolve(r.target), self.names.resolve(r.exception))
            for summary in self.names.summaries
            for r in summary.registrations
            if r.kind == "exception_handler"
        )

    @cached_property
    def _handled_by_app(self) -> dict[str | None, set[str | None]]:
        """What each app registers exception handlers for: by app, where asking each app
        in turn read every module again (a project of many small apps, such as FastAPI's
        documentation examples, asked hundreds of times)."""
        handled: dict[str | None, set[str | None]] = {}
        for app, _, exception in self._exception_registrations:
            handled.setdefault(app, set()).add(exception)
        return handled

    @cached_property
    def _exception_handlers(self) -> dict[str, set[str | None]]:
        """Exception handler functions, each with what it is registered for."""
        handlers: dict[str, set[str | None]] = {}
        for _, target, exception in self._exception_registrations:
            if target is not None:
                handlers.setdefault(target, set()).add(exception)
        return handlers

    @cached_property
    def exception_handler_functions(self) -> frozenset[str]:
        return frozenset(self._exception_handlers)

    @cached_property
    def catch_all_handler_functions(self) -> frozenset[str]:
        """Exception handlers registered for ``Exception``/``BaseException``/500."""
        return frozenset(
            name for name, handled in self._exception_handlers.items() if handled & CATCH_ALL_HANDLED
        )

    def only_mounts_apps(self, app: str) -> bool:
        """``app`` serves no route of its own and mounts project apps: a composition shell
        (each mounted app answers its own errors, through its own exception handlers)."""
        mounting, including, serving = self._app_roles
        return app in mounting and app not in including and app not in serving

    @cached_property
    def _app_roles(self) -> tuple[set[str], set[str | None], set[str | None]]:
        """The apps that mount a sub-application, those that include a router (one we
        cannot resolve may still serve routes of its own), and those that serve an
        endpoint."""
        including = {
            self.names.resolve(include.parent)
            for summary in self.names.summaries
            for include in summary.includes
            if not include.is_mount
        }
        return set(self.routing.mounted_in.values()), including, {e.app for e in self.routing.endpoints}

    def handles_http_exception(self, app: str) -> bool:
        return self.handles_exception(app, HTTP_EXCEPTIONS)

    def app_modules(self, app: str) -> set[str]:
        """Modules whose code runs in this app: its own, its routes', their dependencies'."""
        return {self.names.object_modules[app].module} | self._endpoint_modules.get(app, set())

    @cached_property
    def _endpoint_modules(self) -> dict[str | None, set[str]]:
        """Each app's modules that its endpoints run: their own, their handlers', their
        dependencies'; in one pass over the endpoints, not one per app."""
        modules: dict[str | None, set[str]] = {}
        for endpoint in self.routing.endpoints:
            found = modules.setdefault(endpoint.app, set())
            found.add(endpoint.summary.module)
            if endpoint.handler is not None:
                found.add(self.names.function_modules[endpoint.handler.qualname].module)
            for target in self.dependencies.dependency_closure(endpoint.dependencies):
                if target in self.names.function_modules:
                    found.add(self.names.function_modules[target].module)
        return modules

    @cached_property
    def modules_raising_http_exception(self) -> frozenset[str]:
        """Modules that raise ``HTTPException`` (or build one) anywhere."""
        return frozenset(s.module for s in self.names.summaries if s.raises_http_exception)
