from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class RawSql(Rule):
    """Raw SQL literal executed outside the ORM.

    What it does:
    Flags a SQL-text literal (its first word is a statement keyword) that reaches
    `execute`, `executemany`, `exec_driver_sql`, asyncpg `fetch*`,
    `sqlalchemy.text` or `DDL`, directly or through a variable. Files under
    `alembic/`, `migrations/` or a `versions/` directory, and `migrations.py`
    modules, are left alone.

    Why is this bad?
    Raw SQL bypasses the models' types, relationships and dialect handling, and
    is where interpolation creeps in later; the query builder keeps queries
    parameterized and checked.
    """

    code = "FAR302"
    name = "raw-sql"
    message = "raw SQL literal passed to `{sink}()`; use the ORM or query builder"
    seed = "000 §4 (SQLAlchemy ORM); 003 Inviolable Rules (parameterized queries)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_migration:
            return
        for site in summary.sql:
            if site.kind == "literal" and site.sink is not None:
                yield self.finding(summary, site.location, sink=site.sink)
