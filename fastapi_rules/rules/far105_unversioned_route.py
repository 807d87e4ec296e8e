from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import Location, ModuleSummary
from fastapi_rules.model.vocabulary import UNKNOWN_PART
from fastapi_rules.options import VersioningOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UnversionedRoute(Rule):
    """Route served outside the versioned API prefix.

    What it does:
    Checks every route's full path, with all router and `include_router`
    prefixes, against `versioning.pattern` (`/api/v{N}` by default). Docs,
    health, root and static paths (`versioning.exempt_paths`) are left alone,
    as are paths whose prefix is not a literal (`prefix=settings.API_V1_STR`)
    or whose include chain could not be resolved. Enable it with
    `select = ["FAR105"]` (or `extend` your selection) when your API is
    versioned by URL.

    Why is this bad?
    An endpoint outside the version prefix cannot evolve without breaking its
    clients, and it usually means a router was included without the prefix
    the rest of the API has.
    """

    code = "FAR105"
    name = "unversioned-route"
    message = "`{method} {path}` is not under the versioned API prefix (`versioning.pattern`: `{pattern}`)"
    seed = "000 §1 (URL-based versioning `/api/v1/`); 003 backend-api-routes (versioning)"
    default_enabled = False
    options_section = "versioning"
    Options = VersioningOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        options: VersioningOptions = self.options
        pattern = re.compile(options.pattern)
        unversioned: dict[Location, tuple[str, str]] = {}
        for endpoint in project.routing.declared_in(summary, "http_endpoints"):
            path = endpoint.full_path or "/"
            if (
                endpoint.unknown
                or UNKNOWN_PART in path
                or pattern.match(path)
                or any(fnmatch.fnmatchcase(path, exempt) for exempt in options.exempt_paths)
            ):
                continue
            found = unversioned.get(endpoint.location)
            if found is None or path < found[1]:
                unversioned[endpoint.location] = ("/".join(endpoint.route.methods), path)
        for location, (method, path) in unversioned.items():
            yield self.finding(summary, location, method=method, path=path, pattern=options.pattern)
