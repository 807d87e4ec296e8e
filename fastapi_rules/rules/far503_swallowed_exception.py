from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class SwallowedException(Rule):
    """Broad `except` in a route handler that neither logs nor re-raises.

    What it does:
    Flags `except Exception:`, `except BaseException:` and bare `except:` in a
    route handler when the clause contains no logging call (`logger.*`,
    `logging.*`, `log.*`, `sentry_sdk.capture_exception`,
    `traceback.print_exc`) and does not hand the failure on. Handing it on is:
    a `raise` (re-raising, or raising an `HTTPException` from it), returning an
    error response (`return JSONResponse(..., status_code=500)`) or setting
    an error status for the answer (`code = 500`); a `raise` right after the
    `try`, or an `if` on a name the clause set that raises (`ready = False`
    then `if not ready: raise ...`); falling through, without a `return`, to
    the `raise` that ends the handler. Also left alone: parse fallbacks (`try:
    data = r.json()` with a clause that only assigns `data` another value),
    clauses nested in an `except` that logs or raises (they guard the
    building of its error detail), narrow `except` clauses, helper functions
    and WebSocket routes.

    Why is this bad?
    The failure disappears: the client gets a success or a vague error, and
    nobody can find out what went wrong or that it happened at all.
    """

    code = "FAR503"
    name = "swallowed-exception"
    message = "{detail} in route handler `{function}` neither logs nor re-raises; log the exception or let it propagate"
    seed = "000 §5 (log errors); 002 (error handling)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for site in summary.error_sites:
            if site.kind == "swallowed" and site.function in project.routing.route_handlers:
                yield self.finding(
                    summary,
                    project.locations.locate(summary, site),
                    detail=site.detail,
                    function=(site.function or "").rsplit(".", 1)[-1],
                )
