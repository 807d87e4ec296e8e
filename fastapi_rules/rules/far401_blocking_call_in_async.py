from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.options import BlockingOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


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
    """

    code = "FAR401"
    name = "blocking-call-in-async"
    message = "blocking call `{call}` in async `{function}` stalls the event loop; await an async API or use `asyncio.to_thread`"
    seed = "000 §10; 004 Async API Design (avoid blocking operations in async handlers)"
    options_section = "blocking"
    Options = BlockingOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        entry_points = project.entry_points
        for function in summary.functions:
            if function.is_async and function.qualname in entry_points:
                for call in function.blocking_calls:
                    yield self.finding(
                        summary, call.location, call=call.name, function=function.name
                    )
