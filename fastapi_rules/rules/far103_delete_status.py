from __future__ import annotations

from fastapi_rules.options import RouteOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import STREAMED_RESPONSES, EndpointRule

NO_CONTENT = 204
ACCEPTED = 202


class DeleteStatus(EndpointRule):
    """DELETE that does not answer 204, or a 204 route with a body.

    What it does:
    Flags a DELETE route whose `status_code=` is missing or not 204, and any
    route declaring `status_code=204` that also declares a `response_model=`
    or returns a value (returning `None`, nothing, or a `Response(...)` object
    is fine). With `routes.allow_delete_with_body = true`, a DELETE answering
    200 with an explicit `response_model=` is accepted. Also accepted: a
    DELETE answering `202 Accepted` (the delete finishes in the background), a
    handler that returns `Response(status_code=204)` itself on the delete
    path, and one that streams its answer (`StreamingResponse`: not a delete
    whose status is the issue).

    Why is this bad?
    A successful delete has nothing to return: `204 No Content` says so. A 204
    response must not carry a body; servers drop it or break the connection,
    and clients never see what the handler returned.
    """

    code = "FAR103"
    name = "delete-status"
    message = "`{method} {path}` {problem}"
    seed = "003 response standards (204 for DELETE); 004 API design"
    options_section = "routes"
    Options = RouteOptions

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        options: RouteOptions = self.options
        route = endpoint.route
        handler = endpoint.handler
        if route.status_code == NO_CONTENT:
            has_model = route.response_model not in (None, "None")
            returns_value = handler is not None and "value" in handler.returns_kinds
            if has_model or returns_value:
                what = "declares `response_model=`" if has_model else "returns a value"
                return {"problem": f"answers 204 No Content but {what}; a 204 response has no body"}
            return None
        if route.methods != ("DELETE",):
            return None
        if route.status_code == ACCEPTED:
            return None  # the delete finishes later (RFC 9110 §15.3.3)
        if options.allow_delete_with_body and route.response_model not in (None, "None"):
            return None
        if handler is not None and (
            NO_CONTENT in handler.returned_statuses
            or any(name.rsplit(".", 1)[-1] in STREAMED_RESPONSES for name in handler.returned_responses)
        ):
            return None  # ``return Response(status_code=204)`` on the delete path; a stream
        status = route.status_code if route.status_code_given else 200
        shown = status if status is not None else "a computed status"
        return {"problem": f"answers {shown}; a successful delete answers `status_code=204` with no body"}
