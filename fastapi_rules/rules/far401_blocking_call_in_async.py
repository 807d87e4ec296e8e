from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.options import BlockingOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rewrite import FixContext, argument_separator, cst
from fastapi_rules.rules.base import Rule

SLEEPS = frozenset({"time.sleep"})
# A file object's reads and writes block as much as ``open`` itself: offloading the
# ``open`` call alone would hide the problem, not fix it.
NOT_OFFLOADED = frozenset({"builtins.open", "io.open"})


class BlockingCallInAsync(Rule):
    """Blocking call directly inside an async entry point.

    What it does:
    Flags a blocking call (`time.sleep`, `requests`, sync `httpx`, `open()`,
    `pathlib` reads and writes, `subprocess`, `os.system`, DB-API `connect`,
    sync `redis`, `smtplib`, `socket`, `boto3`, `input()`, and `blocking.extra`)
    written directly in an `async def` that FastAPI awaits on the event loop:
    a route handler, a dependency, middleware, an exception handler, a lifespan
    or startup handler. Sync `def` handlers and dependencies (run in a
    threadpool), nested functions and lambdas, and callables passed to
    `asyncio.to_thread`, `run_in_threadpool`, `run_in_executor` or
    `BackgroundTasks.add_task` are left alone.

    Why is this bad?
    One blocking call stops the event loop: every other request on that worker
    waits until it returns.

    Fix (unsafe: the call then runs in a worker thread, or the coroutine yields
    where it did not): `time.sleep(x)` becomes `await asyncio.sleep(x)`, any other
    flagged call `f(args)` becomes `await asyncio.to_thread(f, args)`, importing
    `asyncio`. `open()` (the file's reads block too) and calls used as context
    managers (`with requests.Session() as s`) are left for a person.
    """

    code = "FAR401"
    name = "blocking-call-in-async"
    message = "blocking call `{call}` in async `{function}` stalls the event loop; await an async API or use `asyncio.to_thread`"
    seed = "000 §10; 004 Async API Design (avoid blocking operations in async handlers)"
    options_section = "blocking"
    Options = BlockingOptions
    fix_safety = "unsafe"
    fix_node = ("Call",)

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        entry_points = project.calls.entry_points
        for function in summary.functions:
            if function.is_async and function.qualname in entry_points:
                for call in function.blocking_calls:
                    yield self.finding(
                        summary, call.location, call=call.name, function=function.name
                    )

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Call) or any(arg.star for arg in updated.args):
            return None
        parent = context.ancestors[-1] if context.ancestors else None
        callee = context.names.resolve(updated.func) or ""
        is_open = callee in NOT_OFFLOADED or (
            isinstance(updated.func, cst.Attribute) and updated.func.attr.value == "open"
        )
        if is_open or isinstance(parent, cst.WithItem):
            return None
        asyncio = context.imported_as("asyncio")
        if asyncio is None:
            if not context.name_is_free("asyncio"):
                return None
            context.require("asyncio")
            asyncio = "asyncio"
        if callee in SLEEPS:
            call = updated.with_changes(func=cst.Attribute(cst.Name(asyncio), cst.Name("sleep")))
            if isinstance(updated.func, cst.Attribute):
                context.release("time")
            else:
                context.release("time", "sleep")
        else:
            offloaded = [cst.Arg(updated.func), *updated.args]
            for index in range(len(offloaded) - 1):
                if not isinstance(offloaded[index].comma, cst.Comma):
                    offloaded[index] = offloaded[index].with_changes(comma=argument_separator())
            call = cst.Call(cst.Attribute(cst.Name(asyncio), cst.Name("to_thread")), offloaded)
        # ``requests.get(url).json()``: the awaited call needs parentheses
        needs_parentheses = isinstance(parent, (cst.Attribute, cst.Subscript)) or (
            isinstance(parent, cst.Call) and parent.func is original
        )
        parentheses = {"lpar": [cst.LeftParen()], "rpar": [cst.RightParen()]} if needs_parentheses else {}
        return cst.Await(call, **parentheses)
