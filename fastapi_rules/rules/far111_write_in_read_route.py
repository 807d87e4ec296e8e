from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class WriteInReadRoute(Rule):
    """GET or HEAD route that writes to the database.

    What it does:
    Flags `session.add/add_all/delete/merge/commit()` (on a receiver named
    `session`, `db`, `db_session`, `conn`, `connection` or `tx`) and SQLAlchemy
    `insert()`/`update()`/`delete()` statements written directly in the
    handler of a GET or HEAD route. A commit that persists only an audit or
    access-log row is a write too, and is flagged: which rows a `commit()`
    persists is not known statically (helpers stage them), and an audit row
    written on every crawler or prefetch hit is the problem the rule is
    about. Record such rows in a background task or a session of their own,
    or silence the line with `# noqa: FAR111` where that is intended.

    Why is this bad?
    GET and HEAD are safe methods: crawlers, link previews, prefetching,
    caches and retries call them freely, so a write there happens when nobody
    asked for it.
    """

    code = "FAR111"
    name = "write-in-read-route"
    message = "`{method} {path}` writes to the database (`{call}`); use POST, PUT, PATCH or DELETE for changes"
    seed = "000 §1 (correct HTTP method semantics)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        reported: set[tuple[str, int]] = set()
        for endpoint in project.routing.handled_in(summary, "http_endpoints"):
            handler = endpoint.handler
            methods = set(endpoint.route.methods)
            if (
                handler is None
                or not methods & {"GET", "HEAD"}
                or methods - {"GET", "HEAD"}
            ):
                continue
            for index, write in enumerate(handler.db_writes):
                if (handler.qualname, index) in reported:
                    continue
                reported.add((handler.qualname, index))
                yield self.finding(
                    summary,
                    project.locations.locate(summary, write, within=handler),
                    method="/".join(endpoint.route.methods),
                    path=endpoint.full_path or "/",
                    call=write.name,
                )
