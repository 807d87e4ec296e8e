from __future__ import annotations

from fastapi_rules.options import RouteOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule, segment_words

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
        words = {word for segment in segment_words(endpoint.full_path) for word in segment}
        if words & set(options.non_creating_words):
            return None
        if endpoint.full_path.endswith(":path}"):
            return None  # ``/{path:path}``: a proxy or catch-all, not a collection
        return {}
