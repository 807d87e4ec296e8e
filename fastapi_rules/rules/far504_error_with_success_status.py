from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.vocabulary import ERROR_KEYS
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class ErrorWithSuccessStatus(Rule):
    """Error signalled with a success status.

    What it does:
    Flags a route handler returning a dict literal with an `error` or `errors`
    key (sent with the route's 2xx status), an `HTTPException` raised with a
    status below 400, and a `JSONResponse` with a status below 400 whose
    content has an `error`/`errors` key.

    Why is this bad?
    Clients, proxies, retries and monitoring read the status code, not the
    body: a failure reported as 200 is cached, counted as a success and never
    retried or alerted on.
    """

    code = "FAR504"
    name = "error-with-success-status"
    message = "error signalled with a success status: {detail}; raise an `HTTPException` with a 4xx/5xx status"
    seed = "000 §1 (proper HTTP status codes)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for site in summary.error_sites:
            if site.kind == "success_error" and (
                site.in_response or site.function in project.routing.route_handlers
            ):
                yield self.finding(summary, site.location, detail=site.detail)
        for body in summary.error_bodies:
            key = next((k for k in body.keys if k in ERROR_KEYS), None)
            if body.status == "success" and key is not None:
                yield self.finding(
                    summary, body.location, detail=f"a `JSONResponse` with a 2xx status and an `{key}` key"
                )
