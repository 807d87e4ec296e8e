from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.options import BlockingOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


def _chain(names: tuple[str, ...], call: str) -> str:
    return " → ".join([*(name.rsplit(".", 1)[-1] for name in names), call])


class IndirectBlockingCall(Rule):
    """Blocking call reached from the event loop through other project functions.

    What it does:
    Follows the project's own call graph, across modules, from every async entry
    point FastAPI awaits (route handlers, dependencies, middleware, exception,
    lifespan and startup handlers) and flags FAR401's blocking calls found on
    the way, naming the chain (`create_order → send_receipt → smtplib.SMTP`):

    - in a project `async def` the entry point awaits (directly, through further
      awaited functions, or scheduled with `BackgroundTasks.add_task`): reported
      at the blocking call;
    - in a sync project function called, not awaited and not offloaded, from
      code on the loop, directly or through up to `blocking.max_depth` sync
      project functions: reported at the call made on the loop.

    Callables handed to `asyncio.to_thread`, `run_in_threadpool`,
    `run_in_executor` or (sync ones) `BackgroundTasks.add_task` run off the
    loop and are left alone, as are sync handlers and dependencies (FastAPI runs
    them in a threadpool) and async code no entry point reaches (CLI scripts,
    tests, workers with their own loop). Blocking calls written directly in an
    entry point are FAR401's.

    Why is this bad?
    A blocking call stalls the event loop however many functions lie between it
    and the handler: every other request on the worker waits. Linters that look
    at one function at a time cannot see it.
    """

    code = "FAR403"
    name = "indirect-blocking-call"
    message = "blocking call reached from async `{function}` stalls the event loop: {chain}; make it async or offload it with `asyncio.to_thread`"
    seed = "004 Async API Design (avoid blocking operations in async handlers); 000 §10"
    options_section = "blocking"
    Options = BlockingOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        loop_functions = project.calls.loop_functions
        for function in summary.functions:
            callers = loop_functions.get(function.qualname)
            if callers is None:
                continue
            if function.qualname not in project.calls.entry_points:
                for call in function.blocking_calls:
                    yield self.finding(
                        summary,
                        call.location,
                        function=callers[0].rsplit(".", 1)[-1],
                        chain=_chain(callers, call.name),
                    )
            for loop_call in function.loop_calls:
                target = project.names.resolve(loop_call.name)
                found = project.calls.blocking_chain(target, self.options.max_depth) if target else None
                if found is not None:
                    chain, blocking = found
                    yield self.finding(
                        summary,
                        project.locations.locate(summary, loop_call, within=function),
                        function=function.name,
                        chain=_chain(callers[-1:] + chain, blocking.name),
                    )
