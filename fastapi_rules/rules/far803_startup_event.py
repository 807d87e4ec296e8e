from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rewrite import FixContext, argument_separator, cst, keyword_argument
from fastapi_rules.rules.base import Rule


class StartupEvent(Rule):
    """Startup or shutdown event handler instead of a lifespan.

    What it does:
    Flags `@app.on_event("startup")`/`("shutdown")` decorators,
    `app.add_event_handler(...)` calls and the `on_startup=`/`on_shutdown=`
    keywords of `FastAPI(...)` and `APIRouter(...)`, on an app or router
    resolved by qualified name (also one received as `app: FastAPI`).
    Test files are checked too: a test app is the same API.

    Why is this bad?
    Event handlers are deprecated in FastAPI and Starlette in favour of the
    `lifespan=` async context manager. Startup and shutdown written as two
    separate functions share state through globals, and a failed startup
    leaves shutdown to clean up what was never opened; in a lifespan the
    setup and teardown of each resource sit around one `yield`, and what it
    yields reaches requests through `request.state`.

    Fix (safe): when every flagged `@app.on_event("startup"/"shutdown")` of a
    module decorates a module-level function without parameters and the app is
    `app = FastAPI(...)` in the same module without `lifespan=`, a
    `lifespan(app)` context manager calling the startup handlers, `yield`, then
    the shutdown handlers (in their order, awaited when async) is added before the
    app, passed as `lifespan=lifespan`, and the decorators are removed.
    `add_event_handler`, `on_startup=` and apps made elsewhere are left for a
    person.
    """

    code = "FAR803"
    name = "startup-event"
    message = "`{how}` registers a deprecated event handler; use a `lifespan=` context manager"
    seed = "001 (lifespan managers for startup and shutdown)"
    fix_safety = "safe"
    fix_node = ("Module",)

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for site in summary.event_handlers:
            if site.how.endswith("=") and project.routing.is_router_class(site.receiver):
                yield self.finding(summary, site.location, how=site.how)
            elif not site.how.endswith("=") and project.routing.serves_routes(site.receiver):
                how = "@app.on_event(...)" if site.how == "@on_event" else "app.add_event_handler(...)"
                yield self.finding(summary, site.location, how=how)

    def rewrite_module(
        self, original: cst.Module, updated: cst.Module, context: FixContext, findings: list[Finding]
    ) -> cst.Module | None:
        wanted = {(f.line, f.column) for f in findings}
        handlers: dict[str, list[tuple[int, int, str, bool]]] = {"startup": [], "shutdown": []}
        receivers: set[str] = set()
        for index, statement in enumerate(original.body):
            if not isinstance(statement, cst.FunctionDef):
                continue
            for position, decorator in enumerate(statement.decorators):
                if context.position(decorator) not in wanted:
                    continue
                event = _event(decorator)
                if event is None or _has_parameters(statement):
                    return None
                receivers.add(event[0])
                handlers[event[1]].append((index, position, statement.name.value, statement.asynchronous is not None))
        found = sum(len(found) for found in handlers.values())
        if found != len(findings) or len(receivers) != 1:
            return None
        (receiver,) = receivers
        app_index = _app_assignment(original, receiver, context)
        if app_index is None or not context.name_is_free("lifespan"):
            return None
        manager = context.imported_as("contextlib.asynccontextmanager")
        if manager is None:
            if not context.name_is_free("asynccontextmanager"):
                return None
            context.require("contextlib", "asynccontextmanager")
            manager = "asynccontextmanager"
        application = context.imported_as("fastapi.FastAPI")
        calls = lambda event: "".join(  # noqa: E731 - two uses, one line each
            f"    {'await ' if is_async else ''}{name}()\n" for _i, _p, name, is_async in handlers[event]
        )
        source = (
            f"@{manager}\nasync def lifespan(app{': ' + application if application else ''}):\n"
            f"{calls('startup')}    yield\n{calls('shutdown')}"
        )
        two_blank_lines = [cst.EmptyLine(), cst.EmptyLine()]
        lifespan = cst.parse_statement(source).with_changes(leading_lines=two_blank_lines)
        body = list(updated.body)
        removed: dict[int, set[int]] = {}  # statement index -> decorator positions
        for index, position, _name, _async in (h for event in handlers.values() for h in event):
            removed.setdefault(index, set()).add(position)
        for index, positions in removed.items():
            function = body[index]
            decorators = [d for p, d in enumerate(function.decorators) if p not in positions]
            body[index] = function.with_changes(decorators=decorators)
        app_statement = body[app_index]
        assign = app_statement.body[0]
        call = assign.value
        args = list(call.args)
        if args:
            args[-1] = args[-1].with_changes(comma=argument_separator())
        args.append(keyword_argument("lifespan", cst.Name("lifespan")))
        body[app_index] = app_statement.with_changes(
            body=[assign.with_changes(value=call.with_changes(args=args))],
            leading_lines=two_blank_lines,
        )
        body.insert(app_index, lifespan)
        return updated.with_changes(body=body)


def _event(decorator: cst.Decorator) -> tuple[str, str] | None:
    """(receiver, "startup"/"shutdown") of ``@app.on_event("startup")``."""
    call = decorator.decorator
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "on_event"
        and isinstance(call.func.value, cst.Name)
        and len(call.args) == 1
        and isinstance(call.args[0].value, cst.SimpleString)
    ):
        return None
    event = call.args[0].value.evaluated_value
    return (call.func.value.value, event) if event in ("startup", "shutdown") else None


def _has_parameters(function: cst.FunctionDef) -> bool:
    params = function.params
    return bool(
        params.params or params.posonly_params or params.kwonly_params
        or isinstance(params.star_arg, cst.Param) or params.star_kwarg
    )


def _app_assignment(module: cst.Module, receiver: str, context: FixContext) -> int | None:
    """The index of ``receiver = FastAPI(...)`` among the module's statements, when its
    keywords leave room for ``lifespan=``."""
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        assign = statement.body[0]
        if (
            isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and assign.targets[0].target.value == receiver
            and isinstance(assign.value, cst.Call)
            and context.names.resolve(assign.value.func) == "fastapi.FastAPI"
        ):
            call = assign.value
            taken = {a.keyword.value for a in call.args if a.keyword is not None}
            if any(a.star for a in call.args) or taken & {"lifespan", "on_startup", "on_shutdown"}:
                return None
            return index
    return None
