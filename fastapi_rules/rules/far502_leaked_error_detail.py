from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ErrorSite, ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class LeakedErrorDetail(Rule):
    """Exception internals sent to the client.

    What it does:
    Flags `str(e)`, `repr(e)`, `f"...{e}"` and `e.args` of an exception caught
    broadly (`except Exception as e`, `except BaseException`), and
    `traceback.format_exc()` / `format_exception()`, when they are put in a
    response: the `detail` of an `HTTPException`, the `content` of a
    `JSONResponse`, or a dict returned by a route or exception handler. The
    same values in a log call are fine, and so is the message of an exception
    caught by its own type (`except ValueError as e`), which is usually meant
    for the caller, or under `if isinstance(e, ConflictError):` (or
    `type(e) is ...`, `if "known message" in str(e):`) in a broad clause,
    which narrows it the same way. The exception only tested in a condition
    (`"a" if e.args == ... else "b"`, a comparison) is not sent. One finding
    per response: the first leak in it. In an exception handler registered
    for `Exception` (or 500), the exception it receives counts as broadly
    caught; a handler for the project's own error class may show its message.
    Nor is the message of a `try` that only calls project validators (functions
    whose every `raise` is a `ValueError`/`TypeError` with a message of their
    own, such as lnbits' `to_valid_user_id`) and builds responses: what it can
    catch was written for the caller, as pydantic's validator messages are.

    Why is this bad?
    An unexpected exception's text carries SQL, file paths, hostnames, library
    versions or other users' data; a traceback maps the code for an attacker.
    Log it, and send a generic message with an error code.
    """

    code = "FAR502"
    name = "leaked-error-detail"
    message = "{detail} of a broadly caught exception reaches the response; log it and return a generic message"
    seed = "000 §5 (never expose internal error details); 003 Inviolable Rules (ALWAYS sanitize error messages)"
    severity = "error"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for site in summary.error_sites:
            if (
                site.kind == "leak"
                and (
                    site.in_response
                    or site.function in project.routing.route_handlers
                    or site.function in project.errors.exception_handler_functions
                )
                and not self._validator_message(site, project)
            ) or (
                site.kind == "handler_leak" and site.function in project.errors.catch_all_handler_functions
            ):
                yield self.finding(summary, site.location, detail=site.detail)

    @staticmethod
    def _validator_message(site: ErrorSite, project: ProjectIndex) -> bool:
        """The ``try`` calls only project validators (each ``raise`` a ``ValueError`` with a
        message of its own) and builds responses: what it catches is a message written for
        the caller (lnbits' ``to_valid_user_id``), however broad the clause."""
        validators = 0
        for call in site.guarded_calls:
            function = project.names.functions.get(project.names.resolve(call) or "")
            if function is not None and function.raises_messages:
                validators += 1
            elif not call.rsplit(".", 1)[-1].endswith("Response"):
                return False
        return validators > 0
