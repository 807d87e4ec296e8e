from __future__ import annotations

from fastapi_rules.options import ArchitectureOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule


class FatHandler(EndpointRule):
    """Route handler doing the work of a service layer.

    What it does:
    Flags a route handler (at its `def`) that writes through the database
    session itself (`session.add/add_all/commit/delete/flush/refresh/merge()`
    on a receiver named `session`, `db`, `db_session`, `conn`, `connection`
    or `tx`, or SQLAlchemy `insert()`/`update()`/`delete()`), or whose body
    has more than `architecture.max_statements` statements (15 by default;
    counted recursively like pylint's too-many-statements, a compound
    statement and each of its clauses count one, the docstring does not).
    FastAPI's own SQL tutorials write in their handlers and are flagged by
    design: the seeds ask for a service layer. Writes in the dependencies a
    handler uses (a session dependency that commits) are not the handler's.

    Why is this bad?
    A handler that builds queries and commits mixes HTTP with business
    rules: the logic cannot be reused by a worker or a CLI, tests need an
    HTTP client and a database for every rule, and transactions are scattered
    over endpoints. Keep the handler to parsing, calling a service and
    shaping the response.
    """

    code = "FAR801"
    name = "fat-handler"
    message = "handler of `{method} {path}` {problem}; move the business logic into a service function"
    seed = "000 §7 (service layer); 003 (ALWAYS separate business logic into service layer)"
    options_section = "architecture"
    Options = ArchitectureOptions

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        handler = endpoint.handler
        if handler is None:
            return None
        options: ArchitectureOptions = self.options
        problems = []
        writes = [*handler.db_writes, *handler.session_syncs] if options.session_writes else []
        if writes:
            problems.append(f"writes through the session (`{writes[0].name}`)")
        if handler.statements > options.max_statements:
            problems.append(f"has {handler.statements} statements (more than {options.max_statements})")
        return {"problem": " and ".join(problems)} if problems else None
