"""The cross-module index: module summaries merged into apps, routers, mounts and
dependency closures (RULES-SPEC §FAR2xx), in rooms a rule asks by concept:

* ``names``: every definition by qualified name, and re-exports followed to it;
* ``classes``: Pydantic models, ORM classes, database sessions;
* ``routing``: apps, routers, where each is mounted, every endpoint;
* ``dependencies``: what FastAPI resolves for a dependency, and the parameters it fills;
* ``auth``: who may call an endpoint, and why;
* ``calls``: the functions on the event loop and the blocking calls they reach;
* ``errors``: the exception handlers of each app;
* ``locations``: where a fact is in its file.
"""
from __future__ import annotations

from collections.abc import Iterable

from fastapi_rules.model import ModuleSummary
from fastapi_rules.options import AuthOptions
from fastapi_rules.project.auth import SECURITY_SCHEMES, Access, Auth
from fastapi_rules.project.calls import Calls
from fastapi_rules.project.classes import Classes
from fastapi_rules.project.dependencies import Dependencies
from fastapi_rules.project.errors import Errors
from fastapi_rules.project.locations import Locations
from fastapi_rules.project.names import Names
from fastapi_rules.project.routing import ROUTER_CLASSES, Declared, Endpoint, Mount, Routing

__all__ = [
    "ROUTER_CLASSES", "SECURITY_SCHEMES", "Access", "Declared", "Endpoint", "Mount", "ProjectIndex",
]


class ProjectIndex:
    def __init__(
        self,
        summaries: Iterable[ModuleSummary],
        auth: AuthOptions,
        extra_blocking: frozenset[str] = frozenset(),
    ) -> None:
        self.names = Names(summaries)
        self.classes = Classes(self.names)
        self.routing = Routing(self.names)  # decides the app a ``setup(app)`` receives
        self.names.freeze()
        self.dependencies = Dependencies(self.names, self.classes)
        self.auth = Auth(self.names, self.routing, self.dependencies, auth)
        self.calls = Calls(self.names, self.routing, self.dependencies)
        self.errors = Errors(self.names, self.routing, self.dependencies)
        self.locations = Locations(extra_blocking)
