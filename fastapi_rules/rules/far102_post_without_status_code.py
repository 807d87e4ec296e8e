from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from fastapi_rules.finding import Finding
from fastapi_rules.options import RouteOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule, segment_words

if TYPE_CHECKING:
    from fastapi_rules.fix import FixContext

STATUS_MODULES = ("fastapi.status", "starlette.status")

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
        if "POST" not in route.methods or route.status_code_given or route.is_websocket:
            return None
        words = {word for segment in segment_words(endpoint.full_path) for word in segment}
        if words & set(options.non_creating_words):
            return None
        if endpoint.full_path.endswith(":path}"):
            return None  # ``/{path:path}``: a proxy or catch-all, not a collection
        return {}

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
            added = cst.Arg(
                keyword=cst.Name("status_code"), value=self._created(context),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
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
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
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
