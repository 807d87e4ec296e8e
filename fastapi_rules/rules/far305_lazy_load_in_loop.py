from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class LazyLoadInLoop(Rule):
    """Relationship loaded lazily in a loop over query results (N+1 queries).

    What it does:
    Flags a relationship attribute read on each row of a loop (`for`, or a
    comprehension) over query results — `session.scalars(select(User))`,
    `(await session.execute(stmt)).scalars().all()`, `session.exec(...)`,
    `db.query(User).all()`, directly or through local variables — when the
    query has no `options(...)`/`selectinload`/`joinedload`/`subqueryload`.
    Relationships are class attributes assigned `relationship(...)`
    (SQLAlchemy) or `Relationship(...)` (SQLModel) on the queried model or its
    bases, in any module; those declared with an eager `lazy=` strategy
    (`"selectin"`, `"joined"`, `"subquery"`, `"immediate"`) or `"raise"`, and
    column attributes, are left alone. Test files and migrations are not
    checked.

    Why is this bad?
    Each access runs one more query: listing 100 users with their posts costs
    101 round trips to the database instead of 2, and it grows with the data.
    (With `AsyncSession` the lazy load is not even allowed and raises.)
    """

    code = "FAR305"
    name = "lazy-load-in-loop"
    message = "`{model}.{attribute}` is loaded lazily for each row of the loop (N+1 queries); add `.options(selectinload({model}.{attribute}))` to the query"
    seed = "000 §4 (use select() with options() for eager loading to avoid N+1 queries); 003 Database Operations (eager loading)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_test or summary.is_migration:
            return
        for function in summary.functions:
            seen: set[tuple[str, str]] = set()
            for site in function.lazy_loads:
                key = (site.name, site.detail)
                if key in seen or site.detail not in project.classes.lazy_relationships(site.name):
                    continue
                seen.add(key)
                yield self.finding(
                    summary,
                    project.locations.locate(summary, site, within=function),
                    model=site.name.rsplit(".", 1)[-1],
                    attribute=site.detail,
                )
