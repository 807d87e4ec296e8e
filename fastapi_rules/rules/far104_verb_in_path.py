from __future__ import annotations

from fastapi_rules.options import RouteOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import WORDS, EndpointRule
# Non-creating words that name what a CRUD verb acts on (``update-status``,
# ``get-config``), not an action of their own.
THINGS = frozenset(
    {
        "status", "state", "settings", "config", "configs", "access", "format", "logs",
        "valves", "speech", "embeddings", "completions", "transcriptions", "responses",
        "health", "default", "auth", "chat", "batch", "bulk", "webhook", "webhooks",
        "callback", "graphql", "rpc", "token", "mfa", "otp", "totp",
    }
)


class VerbInPath(EndpointRule):
    """Path segment named after an action instead of a resource.

    What it does:
    Flags a route whose full path has a literal segment starting with a CRUD
    verb (`routes.action_verbs`): `/create-task`, `/getUsers`,
    `/deleteItem/{id}`, `/items/update_profile`. Well-known action endpoints
    (`routes.allowed_segments`: `/login`, `/logout`, `/token`, `/refresh`,
    `/search`, `/health`, ...) and other verbs (`/orders/{id}/cancel`) are
    left alone, and so is a compound segment whose last word is a non-CRUD
    action (`routes.non_creating_words`: `/retrieve-test` tests retrieval;
    `/update-status` is still flagged). Routes left out of the OpenAPI schema
    (`include_in_schema=False` on the route, its router or the include) are
    not part of the published API and are not checked.

    Why is this bad?
    In REST the HTTP method is the verb and the path names the resource:
    `POST /tasks`, `GET /users`, `DELETE /items/{id}`. Verbs in paths multiply
    endpoints, hide the resource model and break the conventions clients and
    generated SDKs expect.
    """

    code = "FAR104"
    name = "verb-in-path"
    message = "`{method} {path}` names an action in `{segment}`; name the resource and let the method say what happens"
    seed = "004 API design (resource-oriented URLs)"
    options_section = "routes"
    Options = RouteOptions

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        options: RouteOptions = self.options
        if not endpoint.in_schema:
            # ``include_in_schema=False``: the app's own plumbing (langflow's
            # ``POST /custom_component/update`` re-renders a posted form), not a resource
            # of the published API that clients and generated SDKs are built against
            return None
        allowed = {segment.lower() for segment in options.allowed_segments}
        for segment in endpoint.full_path.split("/"):
            if not segment or segment.startswith("{") or segment.lower() in allowed:
                continue
            words = [word.lower() for word in WORDS.findall(segment)]
            if words and words[0] in options.action_verbs:
                last = words[-1]
                if len(words) > 1 and last in options.non_creating_words and last not in THINGS:
                    continue  # ``retrieve-test``: the action is the last word, not CRUD
                return {"segment": segment}
        return None
