from __future__ import annotations

from pathlib import PurePath

from fastapi_rules.finding import Finding
from fastapi_rules.model.vocabulary import UNKNOWN_PART
from fastapi_rules.options import RouteOptions, matches_glob
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rewrite import FixContext, argument_separator, cst, keyword_argument
from fastapi_rules.rules.endpoint_rule import (
    STREAMED_RESPONSES,
    WORDS,
    EndpointRule,
    segment_words,
)

# Endings that turn a verb into a plural or a noun of the same action: ``checks``,
# ``detections``, ``generations``, ``conversion`` (``convert`` loses its ``t``).
INFLECTIONS = frozenset(
    {"s", "es", "ed", "ing", "ion", "ions", "ation", "ations", "sion", "sions"}
)
# Leading words of a handler name that say nothing about what it does.
HANDLER_NAME_PREFIXES = frozenset({"api", "handle", "route", "endpoint", "post", "do"})


def is_non_creating_word(word: str, words: tuple[str, ...], whole_segment: bool) -> bool:
    """``word`` (lower case) is one of ``words``, or, when it is a segment of its own,
    an inflection of one (``checks``) or a word ending in a ``*suffix`` entry."""
    for entry in words:
        if entry.startswith("*"):
            if whole_segment and word.endswith(entry[1:]):
                return True
            continue
        if word == entry:
            return True
        if not whole_segment:
            continue
        for stem in {entry, entry[:-1] if entry[-1:] in ("e", "t") else entry}:
            rest = word[len(stem):]
            if word.startswith(stem) and rest in INFLECTIONS and (
                stem == entry or entry.endswith("e") or rest.startswith("sion")
            ):
                return True
    return False


STATUS_MODULES = ("fastapi.status", "starlette.status")

class PostWithoutStatusCode(EndpointRule):
    """POST route without `status_code=`.

    What it does:
    Flags a POST route that declares no `status_code=`, so FastAPI answers
    `200 OK` where creating a resource answers `201 Created`. Only POSTs that
    may create are checked; left alone are:

    - paths that name an action rather than a resource to create
      (`routes.non_creating_words`: `/login`, `/token`, `/search`,
      `/orders/{id}/cancel`, `/export`, `/update`, `/jsonrpc`, ...; in a
      one-word segment their inflections too: `/checks`, `/detections`),
      and handlers named after one (`routes.non_creating_handlers`:
      `update_chat`, `api_delete_wallet`, `nostr_login`), unless the last
      segment says it creates (`routes.creating_words`: `/auth/register`);
    - POSTs to an item (a path ending in a `{parameter}`), handlers also
      registered for PUT or PATCH (a replace or update), catch-all proxies
      (`/{path:path}`), paths not known statically (`f"/ext/{ext.id}/..."`)
      and OpenAPI callback declarations (`{$callback_url}/...`);
    - handlers that set a cookie (`response.set_cookie(...)`: a session or a
      preference for the browser, as in FastAPI's own `POST /cookie/` example
      and langflow's `POST /api_key/store`), unless the last segment says it
      creates;
    - handlers that pick the status themselves (`response.status_code = ...`,
      `return JSONResponse(..., status_code=...)`), hand the ASGI channel to a
      transport that answers (`sse.handle_post_message(request.scope,
      request.receive, request._send)`) or stream their answer
      (`StreamingResponse`, `FileResponse`, `EventSourceResponse`).

    When the include chain above the route is not resolved, the words of the
    handler's module name (`configs.py`) count as path words.

    Why is this bad?
    Creating a resource answers `201 Created`; clients, generated SDKs and the
    OpenAPI docs rely on the declared status to tell a create from a query.

    Fix (safe): adds `status_code=status.HTTP_201_CREATED` to the `@router.post`
    decorator, importing `status` from FastAPI when the name is free (else
    `status_code=201`).
    """

    code = "FAR102"
    name = "post-without-status-code"
    message = "`POST {path}` declares no `status_code=` and answers 200; creating a resource answers `status_code=201`"
    seed = "000 §1 (proper HTTP status codes); 003 response standards; 004 API design"
    options_section = "routes"
    Options = RouteOptions
    fix_safety = "safe"
    fix_node = ("FunctionDef",)

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        options: RouteOptions = self.options
        route = endpoint.route
        if "POST" not in route.methods or route.status_code_given:
            return None
        path = endpoint.full_path
        if UNKNOWN_PART in path or path.startswith("{$") or path.rstrip("/").endswith("}"):
            return None  # not known, a callback declaration, an item, or ``/{path:path}``
        if self._names_action(endpoint, options):
            return None
        handler = endpoint.handler
        if handler is not None:
            if project.routing.handler_methods.get(handler.qualname, frozenset()) & {"PUT", "PATCH"}:
                return None  # the same handler replaces or updates
            if handler.sets_status_code or handler.returned_statuses or handler.sends_raw:
                # the handler answers 201 itself when it creates, or hands the ASGI
                # channel to a transport (MCP's SSE messages) that answers for it
                return None
            if handler.sets_cookie and not self._last_segment_creates(endpoint, options):
                # ``POST /cookie/`` sets a session or preference cookie: it changes the
                # client's state, not a collection's (a create says so in its path)
                return None
            returned = {*handler.returned_responses, handler.return_annotation or "", route.response_class or ""}
            if any(name.rsplit(".", 1)[-1] in STREAMED_RESPONSES for name in returned):
                return None
        return {}

    @staticmethod
    def _last_segment_creates(endpoint: Endpoint, options: RouteOptions) -> bool:
        segments = segment_words(endpoint.full_path)
        return bool(segments and set(segments[-1]) & set(options.creating_words))

    @staticmethod
    def _names_action(endpoint: Endpoint, options: RouteOptions) -> bool:
        """The path, the handler's name or (when the prefix may be lost) its module's
        name says the POST is an action, and its last segment does not say it creates."""
        if PostWithoutStatusCode._last_segment_creates(endpoint, options):
            return False  # ``/auth/register``, ``/channels/create``
        segments = segment_words(endpoint.full_path)
        words = options.non_creating_words
        for segment in segments:
            if any(is_non_creating_word(w, words, whole_segment=len(segment) == 1) for w in segment):
                return True
        if endpoint.unknown is not None:
            # the prefix above may be lost: ``include_router(configs.router, prefix="/configs")``
            if any(w.lower() in words for w in WORDS.findall(PurePath(endpoint.summary.path).stem)):
                return True
        if endpoint.handler is not None:
            name = [w for w in endpoint.handler.name.lower().split("_") if w]
            while len(name) > 1 and name[0] in HANDLER_NAME_PREFIXES:
                name.pop(0)
            stripped = "_".join(name)
            if set(name) & set(options.creating_words):
                return False  # ``get_or_create_tag``
            if matches_glob(stripped, options.non_creating_handlers):
                return True
        return False

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.FunctionDef):
            return None
        decorators = list(updated.decorators)
        changed = False
        for index, decorator in enumerate(decorators):
            call = decorator.decorator
            if not (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "post"
                and not any(arg.keyword is not None and arg.keyword.value == "status_code" for arg in call.args)
                and not any(arg.star for arg in call.args)
            ):
                continue
            args = list(call.args)
            added = keyword_argument("status_code", self._created(context))
            if args and isinstance(args[-1].comma, cst.Comma):
                # one argument a line, trailing comma: the new line takes the last comma
                # (before ``)``) and the last argument the separator the others use
                separator = (
                    args[-2].comma if len(args) > 1 and isinstance(args[-2].comma, cst.Comma)
                    else cst.Comma(whitespace_after=call.whitespace_before_args)
                )
                added = added.with_changes(comma=args[-1].comma)
                args[-1] = args[-1].with_changes(comma=separator)
            elif args:
                args[-1] = args[-1].with_changes(comma=argument_separator())
            args.append(added)
            decorators[index] = decorator.with_changes(decorator=call.with_changes(args=args))
            changed = True
        return updated.with_changes(decorators=decorators) if changed else None

    @staticmethod
    def _created(context: FixContext) -> cst.BaseExpression:
        local = next(filter(None, (context.imported_as(module) for module in STATUS_MODULES)), None)
        if local is None and context.name_is_free("status"):
            context.require("fastapi", "status")
            local = "status"
        if local is None:
            return cst.Integer("201")
        return cst.Attribute(value=cst.Name(local), attr=cst.Name("HTTP_201_CREATED"))
