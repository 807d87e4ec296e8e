"""The event loop's view of the project: the functions FastAPI runs (handlers,
dependencies, middleware), the async functions they reach, the sync chains that end in
a blocking call; and module-level resources shared across requests."""
from __future__ import annotations

from collections import deque
from functools import cached_property

from fastapi_rules.model import BlockingCall
from fastapi_rules.model.vocabulary import CALL_OF
from fastapi_rules.project.dependencies import Dependencies
from fastapi_rules.project.names import Names
from fastapi_rules.project.routing import Routing


class Calls:
    def __init__(self, names: Names, routing: Routing, dependencies: Dependencies) -> None:
        self.names = names
        self.routing = routing
        self.dependencies = dependencies
        self._blocking_chains: dict[tuple[str, int], tuple[tuple[str, ...], BlockingCall] | None] = {}

    @cached_property
    def entry_points(self) -> frozenset[str]:
        found = set(self.dependencies.dependency_functions)
        for endpoint in self.routing.endpoints:
            if endpoint.handler is not None:
                found.add(endpoint.handler.qualname)
        for summary in self.names.summaries:
            for registration in summary.registrations:
                target = self.names.resolve(registration.target)
                if target is None:
                    continue
                found.add(target)
                found.update((f"{target}.dispatch", f"{target}.__call__"))
        return frozenset(found)

    @cached_property
    def loop_functions(self) -> dict[str, tuple[str, ...]]:
        """Project ``async def`` functions run on the event loop, each with its chain of
        callers from an async entry point (RULES-SPEC §FAR4xx "on the loop")."""
        chains: dict[str, tuple[str, ...]] = {}
        pending: deque[str] = deque()
        for name in sorted(self.entry_points):
            function = self.names.functions.get(name)
            if function is not None and function.is_async and not self.names.function_modules[name].is_test:
                chains[name] = (name,)
                pending.append(name)
        while pending:  # breadth first: the shortest chain is the one shown
            caller = pending.popleft()
            function = self.names.functions[caller]
            for target in (*function.calls, *function.scheduled):
                callee = self.names.resolve(target)
                found = self.names.functions.get(callee) if callee else None
                if found is not None and found.is_async and found.qualname not in chains:
                    chains[found.qualname] = chains[caller] + (found.qualname,)
                    pending.append(found.qualname)
        return chains

    def blocking_chain(
        self, target: str, max_depth: int
    ) -> tuple[tuple[str, ...], BlockingCall] | None:
        """The shortest chain of sync project functions from ``target`` (depth 1) to one
        that makes a blocking call, within ``max_depth`` functions; None if there is none."""
        key = (target, max_depth)
        if key not in self._blocking_chains:
            self._blocking_chains[key] = self._find_blocking_chain(target, max_depth)
        return self._blocking_chains[key]

    def _find_blocking_chain(
        self, target: str, max_depth: int
    ) -> tuple[tuple[str, ...], BlockingCall] | None:
        start = self.names.functions.get(target)
        if start is None or start.is_async:
            return None
        seen = {target}
        level: list[tuple[str, ...]] = [(target,)]
        for _depth in range(max_depth):
            following: list[tuple[str, ...]] = []
            for chain in level:
                function = self.names.functions[chain[-1]]
                if function.blocking_calls:
                    return chain, function.blocking_calls[0]
                for name in function.calls:
                    callee = self.names.resolve(name)
                    found = self.names.functions.get(callee) if callee else None
                    if found is not None and not found.is_async and found.qualname not in seen:
                        seen.add(found.qualname)
                        following.append(chain + (found.qualname,))
            level = following
        return None

    @cached_property
    def module_resources(self) -> dict[str, str]:
        """Module-level names holding a per-request resource (session, client,
        connection), by qualified name, with what they hold (FAR802)."""
        declared = {name: kind for summary in self.names.summaries for name, kind in summary.resources}
        found: dict[str, str] = {}
        for name, kind in declared.items():
            if kind.startswith(CALL_OF):  # ``db = SessionLocal()``, ``SessionLocal`` imported
                factory = self.names.resolve(kind[len(CALL_OF):])
                if factory in self.names.session_factories:
                    found[name] = "database session"
            else:
                found[name] = kind
        return found
