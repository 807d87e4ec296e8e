from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class InterpolatedSql(Rule):
    """SQL text built by string interpolation.

    What it does:
    Flags SQL built with an f-string replacement field, `%` formatting,
    `.format()` or `+` concatenation with a non-literal, when it reaches a SQL
    sink (`execute`, `executemany`, `exec_driver_sql`, asyncpg `fetch*`,
    `sqlalchemy.text`, `DDL`) directly or through a local variable (also when
    accumulated with `q += ...`), or when it has an unmistakable statement shape
    (`SELECT … FROM`, `INSERT INTO`, `UPDATE … SET`, `DELETE FROM`, `CREATE TABLE`)
    and no sink is seen. Interpolating module-level string constants only is
    left alone, and so is prose that merely starts with "Select" or "Update".
    Migrations (files under `alembic/`, `migrations/` or a `versions/`
    directory, and `migrations.py` modules) are left alone: they build DDL from
    their own table names, never from request data.

    Why is this bad?
    A value spliced into SQL text is SQL injection waiting for the wrong input;
    bound parameters (`:name`, `%s` with a parameter tuple, `select()`) keep data
    out of the statement.
    """

    code = "FAR301"
    name = "interpolated-sql"
    message = "SQL built by string interpolation{where}; use bound parameters"
    seed = "000 §9; 003 Inviolable Rules (never string concatenation for SQL); 002 §2"
    severity = "error"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_migration:
            return
        for site in summary.sql:
            if site.kind == "interpolated":
                where = f" reaches `{site.sink}()`" if site.sink else ""
                yield self.finding(summary, site.location, where=where)
