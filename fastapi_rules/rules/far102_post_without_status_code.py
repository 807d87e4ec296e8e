from __future__ import annotations

import re

from fastapi_rules.options import RouteOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule

WORDS = re.compile(r"[A-Za-z][a-z]*")


def path_words(path: str) -> list[str]:
    """Lower-case words of the literal segments: ``/batch-get/{id}`` → batch, get."""
    words = []
    for segment in path.split("/"):
        if segment and not segment.startswith("{"):
            words.extend(word.lower() for word in WORDS.findall(segment))
    return words


class PostWithoutStatusCode(EndpointRule):
    """POST route without `status_code=`.

    What it does:
    Flags a POST route that declares no `status_code=`, so FastAPI answers
    `200 OK`. Routes whose path names an action rather than a resource to
    create (`routes.non_creating_words`: `/login`, `/token`, `/search`,
    `/orders/{id}/cancel`, `/export`, `/update`, ...) and catch-all proxies
    (`/{path:path}`) are left alone.

    Why is this bad?
    Creating a resource answers `201 Created`; clients, generated SDKs and the
    OpenAPI docs rely on the declared status to tell a create from a query.
    """

    code = "FAR102"
    name = "post-without-status-code"
    message = "`POST {path}` declares no `status_code=` and answers 200; creating a resource answers `status_code=201`"
    seed = "000 §1 (proper HTTP status codes); 003 response standards; 004 API design"
    options_section = "routes"
    Options = RouteOptions

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        options: RouteOptions = self.options
        route = endpoint.route
        if "POST" not in route.methods or route.status_code_given or route.is_websocket:
            return None
        if set(path_words(endpoint.full_path)) & set(options.non_creating_words):
            return None
        if endpoint.full_path.endswith(":path}"):
            return None  # ``/{path:path}``: a proxy or catch-all, not a collection
        return {}
